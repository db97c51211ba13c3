#include "asio/asio_event_loop.h"

#include <type_traits>
#include <unordered_map>

#include "doppel/asio.h"
#include "doppel/log.h"

#include "asio/loop_turn.h"
#include "asio/socket_channel.h"
#include "core/url.h"
#include <sys/stat.h>
#include <unistd.h>

namespace doppel {

namespace {

constexpr std::string_view kComponent = "asio";
/// Pause before accepting again after an error such as EMFILE, so the loop does not spin.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

using Tcp = net::ip::tcp;
using LocalStream = net::local::stream_protocol;
using ErrorCodeT = boost::system::error_code;

Error failure(std::string_view what, const std::string& url, const std::string& why) {
  std::string reason(what);
  reason += ' ';
  reason += url;
  reason += ": ";
  reason += why;
  return makeError(ErrorCode::ConnectionFailed, std::move(reason));
}

Error notSupported(std::string_view what, const std::string& url) {
  return makeError(ErrorCode::NotSupported,
                   std::string(what) + " " + url +
                       ": WebSocket URLs are served by the web layer, not by the socket loop");
}

LocalStream::endpoint localEndpoint(const Url& url) {
  // An abstract address is a NUL and the name, with the exact length and no padding.
  if (url.scheme == Url::Scheme::LocalAbstract) return {std::string(1, '\0') + url.path};
  return {url.path};
}

// ---- connect ------------------------------------------------------------------------------

void connectTcp(net::io_context& context,
                const Url& url,
                const Limits& limits,
                ConnectHandler handler) {
  auto socket = std::make_shared<Tcp::socket>(context);
  auto onConnected = [socket, name = url.toString(), limits, turn = &LoopTurn::of(context),
                      handler = std::move(handler)](const ErrorCodeT& ec) {
    turn->call([&] {
      if (ec) {
        handler(failure("connect", name, ec.message()));
        return;
      }
      handler(makeSocketChannel(std::move(*socket), limits));
    });
  };
  ErrorCodeT ec;
  const auto address = net::ip::make_address(url.host, ec);
  if (!ec) {
    socket->async_connect(Tcp::endpoint(address, url.port), std::move(onConnected));
    return;
  }
  auto resolver = std::make_shared<Tcp::resolver>(context);
  resolver->async_resolve(
      url.host, std::to_string(url.port), Tcp::resolver::numeric_service,
      [resolver, socket, onConnected = std::move(onConnected)](
          const ErrorCodeT& resolveError, const Tcp::resolver::results_type& results) mutable {
        if (resolveError) {
          onConnected(resolveError);
          return;
        }
        net::async_connect(*socket, results,
                           [onConnected = std::move(onConnected)](const ErrorCodeT& connectError,
                                                                  const Tcp::endpoint&) {
                             onConnected(connectError);
                           });
      });
}

void connectLocal(net::io_context& context,
                  const Url& url,
                  const Limits& limits,
                  ConnectHandler handler) {
  auto socket = std::make_shared<LocalStream::socket>(context);
  socket->async_connect(localEndpoint(url),
                        [socket, name = url.toString(), limits, turn = &LoopTurn::of(context),
                         handler = std::move(handler)](const ErrorCodeT& ec) {
                          turn->call([&] {
                            if (ec) {
                              handler(failure("connect", name, ec.message()));
                              return;
                            }
                            handler(makeSocketChannel(std::move(*socket), name, limits));
                          });
                        });
}

// ---- listen -------------------------------------------------------------------------------

/// What a listener shares with its pending accept, so that a completion arriving after the
/// Listener is gone finds `closed` set instead of freed memory.
template <typename Protocol>
struct AcceptState : std::enable_shared_from_this<AcceptState<Protocol>> {
  AcceptState(net::io_context& context, AcceptHandler handler, const Limits& limits_)
      : acceptor(context),
        retryTimer(context),
        turn(LoopTurn::of(context)),
        onAccept(std::move(handler)),
        limits(limits_) {}

  void accept() {
    acceptor.async_accept(
        [self = this->shared_from_this()](const ErrorCodeT& ec, typename Protocol::socket socket) {
          self->accepted(ec, std::move(socket));
        });
  }

  void accepted(const ErrorCodeT& ec, typename Protocol::socket socket) {
    if (closed) return;
    if (ec) {
      if (ec == net::error::operation_aborted) return;
      if (ec == net::error::connection_aborted) {  // that client gave up; the next one may not
        accept();
        return;
      }
      log(LogLevel::Warning, kComponent,
          "accept on " + url + ": " + ec.message() + "; retrying in " +
              std::to_string(kAcceptRetryDelay.count()) + " ms");
      retryTimer.expires_after(kAcceptRetryDelay);
      retryTimer.async_wait([self = this->shared_from_this()](const ErrorCodeT& waitError) {
        if (!waitError && !self->closed) self->accept();
      });
      return;
    }
    ChannelPtr channel;
    if constexpr (std::is_same_v<Protocol, Tcp>) {
      channel = makeSocketChannel(std::move(socket), limits);
    } else {
      // An accepted Unix socket has no name of its own; report the listening address.
      channel = makeSocketChannel(std::move(socket), url, limits);
    }
    if (onAccept) turn.call([&] { onAccept(std::move(channel)); });
    if (!closed) accept();
  }

  void close() {
    closed = true;
    ErrorCodeT ignored;
    acceptor.close(ignored);  // the pending accept completes as aborted, and sees `closed`
    retryTimer.cancel();
  }

  typename Protocol::acceptor acceptor;
  net::steady_timer retryTimer;
  LoopTurn& turn;
  AcceptHandler onAccept;
  Limits limits;
  std::string url;
  bool closed = false;
};

/// A socket file, identified so that we never remove one that somebody else has put there since.
struct SocketFile {
  std::string path;
  dev_t device = 0;
  ino_t inode = 0;

  static SocketFile of(const std::string& path) {
    SocketFile file;
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0) file = SocketFile{path, info.st_dev, info.st_ino};
    return file;
  }
  void remove() const {
    if (path.empty()) return;
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0 && info.st_dev == device && info.st_ino == inode)
      ::unlink(path.c_str());
  }
};

template <typename Protocol>
class AsioListener final : public Listener {
public:
  AsioListener(std::shared_ptr<AcceptState<Protocol>> state, SocketFile file)
      : m_state(std::move(state)), m_file(std::move(file)) {}
  ~AsioListener() override {
    m_state->close();
    m_file.remove();
  }
  AsioListener(const AsioListener&) = delete;
  AsioListener& operator=(const AsioListener&) = delete;

  std::string url() const override { return m_state->url; }

private:
  std::shared_ptr<AcceptState<Protocol>> m_state;
  SocketFile m_file;
};

Result<std::unique_ptr<Listener>> listenTcp(net::io_context& context,
                                            const Url& url,
                                            AcceptHandler onAccept,
                                            const Limits& limits) {
  const std::string name = url.toString();
  ErrorCodeT ec;
  Tcp::endpoint endpoint;
  const auto address = net::ip::make_address(url.host, ec);
  if (!ec) {
    endpoint = Tcp::endpoint(address, url.port);
  } else {
    // Listening is rare and synchronous; a name is resolved here and its first address used
    // (as Qt does).
    Tcp::resolver resolver(context);
    const auto results =
        resolver.resolve(url.host, std::to_string(url.port), Tcp::resolver::numeric_service, ec);
    if (ec) return failure("listen", name, ec.message());
    if (results.empty()) return failure("listen", name, "the name has no address");
    endpoint = results.begin()->endpoint();
  }
  auto state = std::make_shared<AcceptState<Tcp>>(context, std::move(onAccept), limits);
  auto& acceptor = state->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  const auto bound = ec ? Tcp::endpoint() : acceptor.local_endpoint(ec);
  if (ec) return failure("listen", name, ec.message());
  state->url = tcpUrl(bound);
  state->accept();
  return std::unique_ptr<Listener>(std::make_unique<AsioListener<Tcp>>(state, SocketFile{}));
}

enum class Occupant { Stale, Alive, NotASocket };

/// Who holds `path`: a socket file nobody accepts on (left by a process that died), a live
/// listener, or a file that is not a socket at all.
Occupant occupant(net::io_context& context, const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return Occupant::Stale;
  if (!S_ISSOCK(info.st_mode)) return Occupant::NotASocket;
  LocalStream::socket probe(context);
  ErrorCodeT ec;
  probe.open(LocalStream(), ec);
  if (!ec) probe.non_blocking(true, ec);
  if (!ec) probe.connect(LocalStream::endpoint(path), ec);
  if (!ec || ec == net::error::would_block || ec == net::error::try_again) return Occupant::Alive;
  return Occupant::Stale;
}

Result<std::unique_ptr<Listener>> listenLocal(net::io_context& context,
                                              const Url& url,
                                              AcceptHandler onAccept,
                                              const Limits& limits) {
  const std::string name = url.toString();
  const auto endpoint = localEndpoint(url);
  auto state = std::make_shared<AcceptState<LocalStream>>(context, std::move(onAccept), limits);
  auto& acceptor = state->acceptor;
  ErrorCodeT ec;
  acceptor.open(LocalStream(), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (ec == net::error::address_in_use && url.scheme == Url::Scheme::Local) {
    switch (occupant(context, url.path)) {
      case Occupant::Stale:
        log(LogLevel::Info, kComponent, "removing stale socket file " + url.path);
        ::unlink(url.path.c_str());
        ec.clear();
        acceptor.bind(endpoint, ec);
        break;
      case Occupant::Alive:
        return failure("listen", name, ec.message() + " (another process is listening there)");
      case Occupant::NotASocket:
        return failure("listen", name, ec.message() + " (the file is not a socket; not removed)");
    }
  }
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return failure("listen", name, ec.message());
  state->url = name;
  SocketFile file = url.scheme == Url::Scheme::Local ? SocketFile::of(url.path) : SocketFile{};
  state->accept();
  return std::unique_ptr<Listener>(
      std::make_unique<AsioListener<LocalStream>>(state, std::move(file)));
}

}  // namespace

// ---- timers -------------------------------------------------------------------------------

struct AsioEventLoop::Timers {
  struct Entry {
    Entry(net::io_context& context, std::function<void()> callback)
        : timer(context), fn(std::move(callback)) {}
    net::steady_timer timer;
    std::function<void()> fn;
  };
  explicit Timers(LoopTurn& turn_) : turn(turn_) {}

  LoopTurn& turn;
  std::unordered_map<TimerId, std::unique_ptr<Entry>> entries;
  TimerId next = 1;
};

AsioEventLoop::AsioEventLoop(const Limits& limits)
    : m_ownedContext(std::make_unique<net::io_context>(1)),
      m_context(m_ownedContext.get()),
      m_turn(&LoopTurn::of(*m_context)),
      m_limits(limits),
      m_timers(std::make_shared<Timers>(*m_turn)) {}

AsioEventLoop::AsioEventLoop(net::io_context& context, const Limits& limits)
    : m_context(&context),
      m_turn(&LoopTurn::of(context)),
      m_limits(limits),
      m_timers(std::make_shared<Timers>(*m_turn)) {}

AsioEventLoop::~AsioEventLoop() {
  m_timers.reset();  // cancels every timer while the io_context is still alive
}

void AsioEventLoop::post(std::function<void()> fn) {
  m_turn->post(std::move(fn));
}

EventLoop::TimerId AsioEventLoop::startTimer(std::chrono::milliseconds delay,
                                             std::function<void()> fn) {
  const TimerId id = m_timers->next++;
  auto entry = std::make_unique<Timers::Entry>(*m_context, std::move(fn));
  entry->timer.expires_after(delay);
  entry->timer.async_wait([weak = std::weak_ptr<Timers>(m_timers), id](const ErrorCodeT&) {
    // Cancelled timers are erased from the map, so a completion that was already queued when
    // cancelTimer() ran finds nothing and does nothing.
    const auto timers = weak.lock();
    if (!timers) return;
    const auto it = timers->entries.find(id);
    if (it == timers->entries.end()) return;
    const std::function<void()> callback = std::move(it->second->fn);
    timers->entries.erase(it);
    if (callback) timers->turn.call(callback);
  });
  m_timers->entries.emplace(id, std::move(entry));
  return id;
}

void AsioEventLoop::cancelTimer(TimerId id) {
  m_timers->entries.erase(id);
}

// ---- connect and listen -------------------------------------------------------------------

void AsioEventLoop::connect(std::string_view text, ConnectHandler handler) {
  auto url = parseUrl(text);
  if (!url) {
    post([handler = std::move(handler), error = url.error()] { handler(error); });
    return;
  }
  switch (url->scheme) {
    case Url::Scheme::Tcp:
      connectTcp(*m_context, *url, m_limits, std::move(handler));
      return;
    case Url::Scheme::Local:
    case Url::Scheme::LocalAbstract:
      connectLocal(*m_context, *url, m_limits, std::move(handler));
      return;
    case Url::Scheme::Ws:
    case Url::Scheme::Wss:
      break;
  }
  post([handler = std::move(handler), error = notSupported("connect", url->toString())] {
    handler(error);
  });
}

Result<std::unique_ptr<Listener>> AsioEventLoop::listen(std::string_view text,
                                                        AcceptHandler onAccept) {
  auto url = parseUrl(text);
  if (!url) return url.error();
  switch (url->scheme) {
    case Url::Scheme::Tcp:
      return listenTcp(*m_context, *url, std::move(onAccept), m_limits);
    case Url::Scheme::Local:
    case Url::Scheme::LocalAbstract:
      return listenLocal(*m_context, *url, std::move(onAccept), m_limits);
    case Url::Scheme::Ws:
    case Url::Scheme::Wss:
      break;
  }
  return notSupported("listen", url->toString());
}

// ---- running ------------------------------------------------------------------------------

bool AsioEventLoop::runUntil(const std::function<bool()>& done, Clock::time_point deadline) {
  const LoopTurn::Run turns(*m_turn);  // also when called from inside a callback
  if (done()) return true;
  // Keeps run_one_until() waiting for the deadline instead of returning when no work is left.
  const auto work = net::make_work_guard(*m_context);
  for (;;) {
    const std::size_t ran =
        Clock::now() < deadline ? m_context->run_one_until(deadline) : m_context->poll_one();
    if (done()) return true;
    if (ran > 0) continue;
    // Nothing ran: stopped (stop() does not end a runUntil; asking stopped() only here keeps a
    // lock off every turn) or the deadline passed.
    if (m_context->stopped()) {
      m_context->restart();
    } else if (Clock::now() >= deadline) {
      return false;
    }
  }
}

void AsioEventLoop::run() {
  m_context->restart();
  // A stop() that came before run() started still counts (ThreadedRuntime's destructor may run
  // before its thread gets here).
  if (m_stopRequested.exchange(false)) return;
  const LoopTurn::Run turns(*m_turn);
  const auto work = net::make_work_guard(*m_context);
  m_context->run();
  m_stopRequested.store(false);
}

void AsioEventLoop::stop() {
  m_stopRequested.store(true);
  m_context->stop();
}

void AsioEventLoop::notifyFork(ForkEvent event) {
  m_context->notify_fork(event == ForkEvent::Prepare  ? net::execution_context::fork_prepare
                         : event == ForkEvent::Parent ? net::execution_context::fork_parent
                                                      : net::execution_context::fork_child);
}

std::unique_ptr<EventLoop> makeEventLoop(net::io_context& context, const Limits& limits) {
  return std::make_unique<AsioEventLoop>(context, limits);
}

}  // namespace doppel
