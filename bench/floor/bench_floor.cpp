// The raw-socket floor: what the kernel's loopback costs with no protocol at all. Plain POSIX
// sockets, the same process layout as the QtRO peers (a server process and a client process).
//
//   bench_floor serve --url URL                 epoll server; prints "LISTENING <url>"
//   bench_floor client --url URL --mode rtt     --n N   16-byte ping-pong: p50, p99; the client
//                                                       blocks in recv(), or with --wait epoll
//                                                       waits in epoll_wait() then reads
//   bench_floor client --url URL --mode pipe    --n N   16-byte messages, 64 outstanding, one
//                                                       write per message on both sides; with
//                                                       --batched, one write per read
//   bench_floor client --url URL --mode push    --n N   server writes N 64-byte messages in
//                                                       64 KiB writes; client checks the last
//   bench_floor client --url URL --mode acquire --n N   new connection + one 16-byte round trip
//
// URLs: tcp://127.0.0.1:PORT and local:NAME (Qt's rule: $TMPDIR/NAME). TCP_NODELAY is set on
// every TCP socket. Messages: u32 tag (1 echo, 2 burst, 3 echo batched), u32 unused, u64 value
// (host order).
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "common/bench_util.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace {

using bench::Clock;

constexpr std::uint32_t kEcho = 1;
constexpr std::uint32_t kBurst = 2;
constexpr std::uint32_t kEchoBatched = 3;  // answered together: one write per read
constexpr std::size_t kMsg = 16;
constexpr std::size_t kPushMsg = 64;
long g_hostPid = 0;  ///< for the server CPU figures (--host-pid)

struct Message {
  std::uint32_t tag = 0;
  std::uint32_t unused = 0;
  std::uint64_t value = 0;
};
static_assert(sizeof(Message) == kMsg);

struct Endpoint {
  bool tcp = false;
  sockaddr_storage addr{};
  socklen_t len = 0;
  std::string path;  // local only
};

Endpoint parseUrl(const std::string& url) {
  Endpoint e;
  if (url.rfind("tcp://", 0) == 0) {
    const std::string rest = url.substr(6);
    const auto colon = rest.rfind(':');
    if (colon == std::string::npos) bench::fail("bad url " + url);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(static_cast<std::uint16_t>(std::stoi(rest.substr(colon + 1))));
    if (inet_pton(AF_INET, rest.substr(0, colon).c_str(), &sin.sin_addr) != 1)
      bench::fail("bad address " + url);
    std::memcpy(&e.addr, &sin, sizeof sin);
    e.len = sizeof sin;
    e.tcp = true;
  } else if (url.rfind("local:", 0) == 0) {
    e.path = bench::localSocketPath(url.substr(6));
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    if (e.path.size() >= sizeof sun.sun_path) bench::fail("path too long " + e.path);
    std::memcpy(sun.sun_path, e.path.c_str(), e.path.size() + 1);
    std::memcpy(&e.addr, &sun, sizeof sun);
    e.len = sizeof sun;
  } else {
    bench::fail("unsupported url " + url);
  }
  return e;
}

sockaddr* asSockaddr(sockaddr_storage& s) {
  return reinterpret_cast<sockaddr*>(&s);
}

void noDelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/// Writes everything, waiting for POLLOUT when a non-blocking socket is full.
void writeAll(int fd, const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t w = ::send(fd, p, size, MSG_NOSIGNAL);
    if (w > 0) {
      p += w;
      size -= static_cast<std::size_t>(w);
    } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd pfd{fd, POLLOUT, 0};
      ::poll(&pfd, 1, 1000);
    } else if (w < 0 && errno == EINTR) {
      continue;
    } else {
      return;  // peer gone
    }
  }
}

bool readAll(int fd, void* data, std::size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t r = ::recv(fd, p, size, 0);
    if (r > 0) {
      p += r;
      size -= static_cast<std::size_t>(r);
    } else if (r < 0 && errno == EINTR) {
      continue;
    } else {
      return false;
    }
  }
  return true;
}

// Server ---------------------------------------------------------------------------------------

void burst(int fd, std::uint64_t count) {
  constexpr std::size_t kPerWrite = 1024;  // 64 KiB writes
  std::vector<char> buf(kPerWrite * kPushMsg, 0);
  std::uint64_t v = 1;
  while (v <= count) {
    std::size_t k = 0;
    for (; k < kPerWrite && v <= count; ++k, ++v)
      std::memcpy(buf.data() + k * kPushMsg, &v, sizeof v);
    writeAll(fd, buf.data(), k * kPushMsg);
  }
}

int serve(const bench::Args& args) {
  const std::string url = args.str("url");
  Endpoint e = parseUrl(url);
  const int lfd = ::socket(e.tcp ? AF_INET : AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (e.tcp) {
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  } else {
    ::unlink(e.path.c_str());
  }
  if (::bind(lfd, asSockaddr(e.addr), e.len) != 0 || ::listen(lfd, 4096) != 0)
    bench::fail("cannot listen on " + url + ": " + std::strerror(errno));
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = lfd;
  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
  std::printf("LISTENING %s\n", url.c_str());
  std::fflush(stdout);

  std::map<int, std::string> pending;  // partial messages per connection
  std::vector<char> buf(64 * 1024);
  epoll_event events[64];
  for (;;) {
    const int n = ::epoll_wait(ep, events, 64, -1);
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == lfd) {
        const int cfd = ::accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (cfd < 0) continue;
        if (e.tcp) noDelay(cfd);
        epoll_event cev{};
        cev.events = EPOLLIN;
        cev.data.fd = cfd;
        epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &cev);
        pending[cfd];
        continue;
      }
      const ssize_t r = ::recv(fd, buf.data(), buf.size(), 0);
      if (r <= 0) {
        if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
        ::close(fd);
        pending.erase(fd);
        continue;
      }
      std::string& in = pending[fd];
      in.append(buf.data(), static_cast<std::size_t>(r));
      std::size_t off = 0;
      std::string out;
      for (; in.size() - off >= kMsg; off += kMsg) {
        Message m;
        std::memcpy(&m, in.data() + off, kMsg);
        if (m.tag == kEcho)
          writeAll(fd, &m, kMsg);  // one write per message, as an RPC server answers each call
        else if (m.tag == kEchoBatched)
          out.append(in.data() + off, kMsg);
        else if (m.tag == kBurst)
          burst(fd, m.value);
      }
      if (!out.empty()) writeAll(fd, out.data(), out.size());
      in.erase(0, off);
    }
  }
}

// Client ---------------------------------------------------------------------------------------

int connectTo(Endpoint& e) {
  const int fd = ::socket(e.tcp ? AF_INET : AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (::connect(fd, asSockaddr(e.addr), e.len) != 0)
    bench::fail(std::string("connect: ") + std::strerror(errno));
  if (e.tcp) noDelay(fd);
  return fd;
}

/// Reads `size` bytes the way an event loop does: epoll_wait() until the socket is readable,
/// then a non-blocking recv() (three system calls per round trip instead of two).
bool readAllPolled(int fd, int epoll, void* data, std::size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    epoll_event ready{};
    if (::epoll_wait(epoll, &ready, 1, -1) < 0 && errno != EINTR) return false;
    const ssize_t r = ::recv(fd, p, size, MSG_DONTWAIT);
    if (r > 0) {
      p += r;
      size -= static_cast<std::size_t>(r);
    } else if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      return false;
    }
  }
  return true;
}

/// With `polled`, the client waits in epoll_wait() and then reads, as doppel's and Qt's event
/// loops do; otherwise it blocks in recv() (the floor proper).
void runRtt(int fd, int n, int warmup, bool polled) {
  const bench::CpuMeter cpu(g_hostPid);
  std::vector<double> lat;
  lat.reserve(static_cast<std::size_t>(n));
  const int epoll = polled ? ::epoll_create1(EPOLL_CLOEXEC) : -1;
  if (polled) {
    epoll_event interest{};
    interest.events = EPOLLIN | EPOLLET;  // edge-triggered, as Asio registers sockets
    interest.data.fd = fd;
    if (::epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &interest) != 0) bench::fail("epoll_ctl failed");
  }
  for (int i = 0; i < warmup + n; ++i) {
    Message m{kEcho, 0, static_cast<std::uint64_t>(i)};
    const auto t0 = Clock::now();
    writeAll(fd, &m, kMsg);
    Message back;
    if (!(polled ? readAllPolled(fd, epoll, &back, kMsg) : readAll(fd, &back, kMsg)))
      bench::fail("server closed");
    const auto t1 = Clock::now();
    if (back.value != static_cast<std::uint64_t>(i)) bench::fail("echo mismatch");
    if (i >= warmup) lat.push_back(bench::microsSince(t0, t1));
  }
  if (polled) ::close(epoll);
  auto result = bench::latencyResult(std::move(lat));
  cpu.add(result, warmup + n);
  result.add("mode", "rtt").add("wait", polled ? "epoll" : "recv").print();
}

/// With `batched`, both sides answer everything one read brought with one write; otherwise each
/// message is its own write.
double pipelined(int fd, int n, int depth, bool batched) {
  int sent = 0;
  int done = 0;
  const auto t0 = Clock::now();
  std::string out;
  auto send = [&] {
    Message m{batched ? kEchoBatched : kEcho, 0, static_cast<std::uint64_t>(sent++)};
    if (batched)
      out.append(reinterpret_cast<const char*>(&m), kMsg);
    else
      writeAll(fd, &m, kMsg);
  };
  auto flush = [&] {
    if (!out.empty()) writeAll(fd, out.data(), out.size());
    out.clear();
  };
  for (int k = 0; k < depth && sent < n; ++k) send();
  flush();
  std::vector<char> buf(64 * kMsg);
  std::size_t have = 0;
  while (done < n) {
    const ssize_t r = ::recv(fd, buf.data() + have, buf.size() - have, 0);
    if (r <= 0) bench::fail("server closed");
    have += static_cast<std::size_t>(r);
    std::size_t off = 0;
    for (; have - off >= kMsg; off += kMsg) {
      Message m;
      std::memcpy(&m, buf.data() + off, kMsg);
      if (m.value != static_cast<std::uint64_t>(done)) bench::fail("reply out of order");
      ++done;
      if (sent < n) send();
    }
    flush();
    std::memmove(buf.data(), buf.data() + off, have - off);
    have -= off;
  }
  return bench::microsSince(t0, Clock::now());
}

void runPipe(int fd, int n, int depth, bool batched) {
  pipelined(fd, std::max(1, n / 10), depth, batched);
  const bench::CpuMeter cpu(g_hostPid);
  const double us = pipelined(fd, n, depth, batched);
  bench::Result result;
  cpu.add(result, n);
  result.add("mode", batched ? "pipe-batched" : "pipe")
      .add("n", n)
      .add("depth", depth)
      .add("calls_per_s", n / (us / 1e6));
  result.print();
}

void runPush(int fd, int n) {
  Message m{kBurst, 0, static_cast<std::uint64_t>(n)};
  const bench::CpuMeter cpu(g_hostPid);
  const auto t0 = Clock::now();
  writeAll(fd, &m, kMsg);
  // Everything up to the last message is only counted; the last one is read and checked.
  std::vector<char> buf(256 * 1024);
  const std::size_t before = (static_cast<std::size_t>(n) - 1) * kPushMsg;
  std::size_t total = 0;
  while (total < before) {
    const ssize_t r = ::recv(fd, buf.data(), std::min(buf.size(), before - total), 0);
    if (r <= 0) bench::fail("server closed");
    total += static_cast<std::size_t>(r);
  }
  char lastMsg[kPushMsg];
  if (!readAll(fd, lastMsg, kPushMsg)) bench::fail("server closed");
  std::uint64_t last = 0;
  std::memcpy(&last, lastMsg, sizeof last);
  const double us = bench::microsSince(t0, Clock::now());
  if (last != static_cast<std::uint64_t>(n)) bench::fail("final value wrong");
  bench::Result result;
  cpu.add(result, n);
  result.add("mode", "push")
      .add("n", n)
      .add("pushes_per_s", n / (us / 1e6))
      .add("notifications", n)
      .add("final", static_cast<double>(last))
      .print();
}

void runAcquire(Endpoint& e, int n, int warmup) {
  std::vector<double> lat;
  for (int i = 0; i < warmup + n; ++i) {
    const auto t0 = Clock::now();
    const int fd = connectTo(e);
    Message m{kEcho, 0, 7};
    writeAll(fd, &m, kMsg);
    if (!readAll(fd, &m, kMsg)) bench::fail("server closed");
    const auto t1 = Clock::now();
    ::close(fd);
    if (i >= warmup) lat.push_back(bench::microsSince(t0, t1) / 1000.0);
  }
  bench::Result()
      .add("mode", "acquire")
      .add("n", n)
      .add("p50_ms", bench::percentile(lat, 0.5))
      .add("p99_ms", bench::percentile(lat, 0.99))
      .add("mean_ms", bench::mean(lat))
      .print();
}

int client(const bench::Args& args) {
  Endpoint e = parseUrl(args.str("url"));
  const std::string mode = args.str("mode");
  const int n = static_cast<int>(args.num("n", 1000));
  g_hostPid = args.num("host-pid", 0);
  if (mode == "acquire") {
    runAcquire(e, n, static_cast<int>(args.num("warmup", 5)));
    return 0;
  }
  const int fd = connectTo(e);
  if (mode == "rtt")
    runRtt(fd, n, static_cast<int>(args.num("warmup", std::min(n / 10 + 1, 2000))),
           args.str("wait", "recv") == "epoll");
  else if (mode == "pipe")
    runPipe(fd, n, static_cast<int>(args.num("depth", 64)), args.num("batched", 0) != 0);
  else if (mode == "push")
    runPush(fd, n);
  else
    bench::fail("unknown mode " + mode);
  ::close(fd);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const bench::Args args(argc, argv);
  const auto& pos = args.positional();
  if (!pos.empty() && pos[0] == "serve") return serve(args);
  if (!pos.empty() && pos[0] == "client") return client(args);
  bench::fail("usage: bench_floor serve|client --url URL [--mode MODE --n N]");
}
