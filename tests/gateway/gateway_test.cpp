// doppel-gateway end to end, in process, with real session processes (gateway_test_app):
// separate processes, the cookie resumes, limits, login, reaping, crashes, exit.
#include "gateway.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "auth.h"
#include "cpu_limit.h"
#include "gateway/socket_helpers.h"
#include "session_table.h"

namespace doppel::gateway {
namespace {

using namespace std::chrono_literals;

struct Response {
  unsigned status = 0;
  std::string text;
  std::string header(const std::string& name) const {
    const auto at = text.find("\r\n" + name + ": ");
    if (at == std::string::npos) return {};
    const auto start = at + name.size() + 4;
    return text.substr(start, text.find("\r\n", start) - start);
  }
  std::string body() const {
    const auto at = text.find("\r\n\r\n");
    return at == std::string::npos ? std::string() : text.substr(at + 4);
  }
  std::string cookie() const {
    const std::string c = header("Set-Cookie");
    const auto eq = c.find('=');
    return eq == std::string::npos ? std::string() : c.substr(eq + 1, c.find(';') - eq - 1);
  }
};

/// True once `pid` is gone and reaped (a zombie still answers kill(pid, 0)).
bool gone(pid_t pid) {
  return ::kill(pid, 0) != 0 && errno == ESRCH;
}

class GatewayTest : public ::testing::Test {
protected:
  void start(GatewayOptions o = {}, std::vector<std::string> appArgs = {}) {
    o.host = "127.0.0.1";
    o.port = 0;
    o.app = {DOPPEL_GATEWAY_TEST_APP};
    for (auto& a : appArgs) o.app.push_back(a);
    if (o.token.empty() && !o.noAuth) o.token = "secret-token";
    auto g = Gateway::start(m_io, o);
    ASSERT_TRUE(g.ok()) << g.error().reason;
    m_gateway = std::move(*g);
  }

  void pump(std::chrono::milliseconds d = 2ms) {
    m_io.restart();
    m_io.run_for(d);
  }

  /// Runs the gateway until `done` or the timeout.
  bool waitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      pump(5ms);
    }
    return true;
  }

  Response request(const std::string& method, const std::string& target, const std::string& headers = {}) {
    return raw(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n");
  }

  Response raw(const std::string& bytes) {
    const int fd = test::connectLoopback(m_gateway->port());
    EXPECT_GE(fd, 0);
    EXPECT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
    Response r;
    r.text = test::readUntilClosedWith(fd, [this] { pump(); }, 5s);
    ::close(fd);
    if (r.text.rfind("HTTP/1.1 ", 0) == 0) r.status = static_cast<unsigned>(std::atoi(r.text.c_str() + 9));
    return r;
  }

  /// A new session through the token; returns its cookie.
  std::string newSession() {
    const Response r = request("GET", "/?token=secret-token");
    EXPECT_EQ(r.status, 303u) << r.text;
    EXPECT_EQ(r.header("Location"), "/");
    return r.cookie();
  }

  Response get(const std::string& cookie, const std::string& path) {
    return request("GET", path, "Cookie: doppel_session=" + cookie + "\r\n");
  }

  pid_t pidOf(const std::string& cookie) {
    const Response r = get(cookie, "/pid.txt");
    EXPECT_EQ(r.status, 200u) << r.text;
    return static_cast<pid_t>(std::atoi(r.body().c_str()));
  }

  std::shared_ptr<Session> session(const std::string& cookie) { return m_gateway->sessions().find(cookie); }

  void TearDown() override {
    if (m_gateway) m_gateway->stop();
  }

  net::io_context m_io;
  std::unique_ptr<Gateway> m_gateway;
};

TEST_F(GatewayTest, EachSessionGetsItsOwnProcessAndTheCookieReturnsToIt) {
  start();
  const std::string a = newSession();
  const std::string b = newSession();
  ASSERT_EQ(a.size(), 32u);
  ASSERT_NE(a, b);
  const pid_t pa = pidOf(a);
  const pid_t pb = pidOf(b);
  EXPECT_GT(pa, 0);
  EXPECT_NE(pa, pb);
  EXPECT_NE(pa, ::getpid());
  EXPECT_EQ(session(a)->pid, pa);
  // A reload: the same process serves it again, and knows its session id.
  EXPECT_EQ(pidOf(a), pa);
  EXPECT_EQ(get(a, "/session.txt").body(), a);
  const Response page = get(b, "/");
  EXPECT_NE(page.body().find("session " + std::to_string(pb)), std::string::npos) << page.text;
  EXPECT_EQ(m_gateway->sessions().live(), 2u);
}

TEST_F(GatewayTest, WrongOrMissingTokenIsRefused) {
  start();
  EXPECT_EQ(request("GET", "/?token=wrong").status, 401u);
  EXPECT_EQ(request("GET", "/").status, 401u);
  EXPECT_EQ(request("GET", "/", "Authorization: Bearer wrong\r\n").status, 401u);
  EXPECT_EQ(get("0123456789abcdef0123456789abcdef", "/pid.txt").status, 401u) << "a guessed cookie is nobody";
  EXPECT_EQ(request("GET", "/metrics").status, 401u);
  EXPECT_EQ(m_gateway->sessions().live(), 0u);
  EXPECT_EQ(request("GET", "/", "Authorization: Bearer secret-token\r\n").status, 303u);
}

TEST_F(GatewayTest, ForeignOriginIsRefused) {
  start();
  const std::string a = newSession();
  const Response r = request("GET", "/pid.txt", "Cookie: doppel_session=" + a + "\r\nOrigin: http://evil.example\r\n");
  EXPECT_EQ(r.status, 403u);
  EXPECT_NE(r.body().find("Origin http://evil.example is not allowed"), std::string::npos);
  const Response ok = request("GET", "/pid.txt", "Cookie: doppel_session=" + a + "\r\nOrigin: http://127.0.0.1:" +
                                                    std::to_string(m_gateway->port()) + "\r\n");
  EXPECT_EQ(ok.status, 200u);
}

TEST_F(GatewayTest, SessionLimitShowsTheFullPage) {
  GatewayOptions o;
  o.maxSessions = 1;
  start(o);
  (void)newSession();
  const Response r = request("GET", "/?token=secret-token");
  EXPECT_EQ(r.status, 503u);
  EXPECT_NE(r.body().find("All 1 sessions are in use"), std::string::npos);
  EXPECT_EQ(r.header("Retry-After"), "30");
  EXPECT_EQ(m_gateway->sessions().live(), 1u);
}

TEST_F(GatewayTest, SessionWithoutConnectionIsReapedAfterGrace) {
  GatewayOptions o;
  o.grace = 300ms;
  start(o);
  const std::string a = newSession();
  const pid_t pid = pidOf(a);
  ASSERT_TRUE(waitFor([&] { return session(a)->state == Session::State::Ended; }));
  EXPECT_EQ(session(a)->endKind, "grace");
  EXPECT_TRUE(gone(pid)) << "killed and reaped: no zombie";
  const Response r = get(a, "/pid.txt");
  EXPECT_EQ(r.status, 410u);
  EXPECT_NE(r.body().find("away longer than the grace period"), std::string::npos);
  // The ended session's page offers a new one, without the token again.
  const Response again = get(a, "/?new=1");
  EXPECT_EQ(again.status, 303u);
  EXPECT_NE(again.cookie(), a);
  EXPECT_NE(pidOf(again.cookie()), pid);
}

TEST_F(GatewayTest, OpenWebSocketOutlivesGraceButNotTheIdleTimeout) {
  GatewayOptions o;
  o.grace = 200ms;
  // Room for a slow session start (a sanitized build on a loaded CI machine) before the first
  // report: a CI run under ASan with other tests in parallel once took over 5 s here.
  o.idleTimeout = 5000ms;
  start(o);
  const std::string a = newSession();
  const int ws = test::connectLoopback(m_gateway->port());
  const std::string upgrade =
      "GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: doppel_session=" + a +
      "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
  ASSERT_EQ(::send(ws, upgrade.data(), upgrade.size(), MSG_NOSIGNAL), static_cast<ssize_t>(upgrade.size()));
  std::string got;
  ASSERT_TRUE(waitFor([&] {
    char buffer[512];
    const ssize_t n = ::recv(ws, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n > 0) got.append(buffer, static_cast<std::size_t>(n));
    return got.find("\r\n\r\n") != std::string::npos;
  }, 20s));
  EXPECT_EQ(got.rfind("HTTP/1.1 101", 0), 0u) << got;
  ASSERT_TRUE(waitFor([&] { return session(a)->connections == 1; }));
  pump(600ms);  // three times the grace: the open connection keeps it
  EXPECT_EQ(session(a)->state, Session::State::Running);
  // Nothing but silence from this browser: ended at the idle timeout.
  ASSERT_TRUE(waitFor([&] { return session(a)->state == Session::State::Ended; }, 20s));
  EXPECT_EQ(session(a)->endKind, "idle");
  ::close(ws);
}

TEST_F(GatewayTest, CrashedSessionShowsItsUserWhyAndOthersGoOn) {
  start();
  const std::string a = newSession();
  const std::string b = newSession();
  const pid_t pa = pidOf(a);
  const pid_t pb = pidOf(b);
  ASSERT_EQ(::kill(pa, SIGABRT), 0);  // not SIGSEGV: ASan builds catch that and exit(1)
  ASSERT_TRUE(waitFor([&] { return session(a)->state == Session::State::Ended; }));
  EXPECT_EQ(session(a)->endKind, "crash");
  EXPECT_TRUE(gone(pa));
  const Response r = get(a, "/pid.txt");
  EXPECT_EQ(r.status, 410u);
  EXPECT_NE(r.body().find("the application crashed (signal 6"), std::string::npos) << r.body();
  EXPECT_EQ(pidOf(b), pb);
  const Response metrics = request("GET", "/metrics", "Authorization: Bearer secret-token\r\n");
  EXPECT_EQ(metrics.status, 200u);
  EXPECT_NE(metrics.body().find("doppel_gateway_sessions_ended_total{reason=\"crash\"} 1"), std::string::npos);
  EXPECT_NE(metrics.body().find("doppel_gateway_sessions 1\n"), std::string::npos) << metrics.body();
}

TEST_F(GatewayTest, HungSessionIsKilledByTheHeartbeatAndItsUserToldWhy) {
  GatewayOptions o;
  o.hangTimeout = 600ms;
  start(o);
  const std::string a = newSession();
  const std::string b = newSession();
  const pid_t pa = pidOf(a);
  const pid_t pb = pidOf(b);
  pump(1200ms);  // two timeouts: a live loop answers every heartbeat
  EXPECT_EQ(session(a)->state, Session::State::Running);
  ASSERT_EQ(::kill(pa, SIGSTOP), 0);  // its loop stops (and so would a deadlocked one)
  ASSERT_TRUE(waitFor([&] { return session(a)->state == Session::State::Ended; }));
  EXPECT_EQ(session(a)->endKind, "hung");
  EXPECT_TRUE(gone(pa)) << "killed and reaped";
  const Response r = get(a, "/pid.txt");
  EXPECT_EQ(r.status, 410u);
  EXPECT_NE(r.body().find("the application stopped responding"), std::string::npos) << r.body();
  EXPECT_EQ(pidOf(b), pb);
  EXPECT_EQ(session(b)->state, Session::State::Running);
}

TEST_F(GatewayTest, SessionStatusTellsTheViewerWhyItsSessionEnded) {
  start();
  const std::string a = newSession();
  const pid_t pa = pidOf(a);
  Response r = get(a, "/session/status");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(r.body(), "{\"state\":\"running\",\"reason\":\"\"}\n");
  ASSERT_EQ(::kill(pa, SIGABRT), 0);
  ASSERT_TRUE(waitFor([&] { return session(a)->state == Session::State::Ended; }));
  r = get(a, "/session/status");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body(), "{\"state\":\"ended\",\"reason\":\"the application crashed (signal 6 (Aborted))\"}\n");
  EXPECT_EQ(request("GET", "/session/status").body(), "{\"state\":\"none\"}\n");
}

TEST_F(GatewayTest, SessionCpuIsCappedByItsCgroup) {
  if (::access("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", W_OK) != 0)
    GTEST_SKIP() << "no writable cgroup v1 cpu controller here: WatchdogEnds... covers this machine";
  GatewayOptions o;
  o.sessionCpuPercent = 20;
  start(o, {"--busy"});
  CpuLimit* cpu = m_gateway->sessions().cpuLimit();
  ASSERT_NE(cpu, nullptr);
  EXPECT_STREQ(cpu->mechanism(), "cgroup");
  const std::string a = newSession();
  const pid_t pa = pidOf(a);
  const std::string group = cpu->groupOf(a);
  ASSERT_FALSE(group.empty());
  std::string quota;
  std::ifstream(group + "/cpu.cfs_quota_us") >> quota;
  EXPECT_EQ(quota, "20000");  // of a 100 ms period
  std::ifstream procsFile(group + "/cgroup.procs");
  const std::string procs((std::istreambuf_iterator<char>(procsFile)), std::istreambuf_iterator<char>());
  EXPECT_NE(procs.find(std::to_string(pa)), std::string::npos) << procs;
  const double before = cpuSecondsOf(pa);
  pump(1500ms);
  const double used = cpuSecondsOf(pa) - before;
  EXPECT_GT(used, 0.05) << "the app spins";
  EXPECT_LT(used, 1.5 * 0.20 + 0.05) << "throttled to 20% of a CPU";
  EXPECT_EQ(session(a)->state, Session::State::Running) << "throttled, not ended";
  m_gateway->stop();
  EXPECT_FALSE(std::filesystem::exists(group)) << "its cgroup is removed with it";
}

TEST_F(GatewayTest, WatchdogEndsASessionOverItsCpuBudget) {
  GatewayOptions o;
  o.sessionCpuPercent = 5;
  o.cpuCgroupRoot = "/nonexistent/cpu";  // as where cgroups are not writable
  o.cpuWindow = 1000ms;
  start(o, {"--busy"});
  ASSERT_STREQ(m_gateway->sessions().cpuLimit()->mechanism(), "watchdog");
  const std::string a = newSession();
  const pid_t pa = pidOf(a);
  ASSERT_TRUE(waitFor([&] { return session(a)->state == Session::State::Ended; }, 10s));
  EXPECT_EQ(session(a)->endKind, "cpu");
  EXPECT_TRUE(gone(pa));
  const Response r = get(a, "/session/status");
  EXPECT_NE(r.body().find("used more than 5% CPU for 1.0 s"), std::string::npos) << r.body();
}

TEST_F(GatewayTest, AppThatCannotStartIsReportedAsEnded) {
  GatewayOptions o;
  start(o, {"--exit", "7"});
  const std::string a = newSession();
  ASSERT_TRUE(waitFor([&] { return session(a)->state == Session::State::Ended; }));
  EXPECT_EQ(session(a)->endKind, "crash");
  EXPECT_NE(get(a, "/").body().find("exit status 7"), std::string::npos);
}

TEST_F(GatewayTest, StoppingTheGatewayKillsAndReapsEveryProcess) {
  GatewayOptions o;
  o.killTimeout = 300ms;
  start(o, {"--ignore-term"});  // needs the SIGKILL after SIGTERM
  const pid_t pa = pidOf(newSession());
  const pid_t pb = pidOf(newSession());
  const auto before = std::chrono::steady_clock::now();
  m_gateway.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2s);
  EXPECT_TRUE(gone(pa));
  EXPECT_TRUE(gone(pb));
}

/// The parent pid of `pid` (field 4 of /proc/PID/stat).
pid_t parentOf(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return -1;
  char state = 0;
  int ppid = -1;
  std::sscanf(text.c_str() + close + 1, " %c %d", &state, &ppid);
  return ppid;
}

TEST_F(GatewayTest, WarmSessionsAreForkedFromTheTemplateAndAdoptedByTheGateway) {
  GatewayOptions o;
  o.warm = true;
  o.grace = 300ms;
  start(o);
  const std::string a = newSession();
  const std::string b = newSession();
  const pid_t pa = pidOf(a);
  const pid_t pb = pidOf(b);
  EXPECT_NE(pa, pb);
  EXPECT_EQ(session(a)->pid, pa);
  EXPECT_EQ(parentOf(pa), ::getpid()) << "reparented to the gateway (child subreaper)";
  EXPECT_EQ(get(b, "/session.txt").body(), b);
  // Reaped like cold sessions: a crash, and the end of the grace period.
  ASSERT_EQ(::kill(pb, SIGKILL), 0);
  ASSERT_TRUE(waitFor([&] { return session(b)->state == Session::State::Ended; }));
  EXPECT_EQ(session(b)->endKind, "crash");
  EXPECT_TRUE(gone(pb));
  ASSERT_TRUE(waitFor([&] { return session(a)->state == Session::State::Ended; }));
  EXPECT_EQ(session(a)->endKind, "grace");
  EXPECT_TRUE(gone(pa));
}

TEST_F(GatewayTest, GarbageAndOversizedRequestsAreRefused) {
  start();
  EXPECT_EQ(raw("\x16\x03\x01\x02 hello\r\n\r\n").status, 400u);
  EXPECT_EQ(raw("GET / HTTP/1.1\r\nX: " + std::string(9000, 'a') + "\r\n\r\n").status, 431u);
  EXPECT_EQ(raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello").status, 413u);
  EXPECT_EQ(m_gateway->sessions().live(), 0u);
  EXPECT_EQ(request("GET", "/?token=secret-token").status, 303u) << "the gateway goes on";
}

TEST_F(GatewayTest, ConnectionFloodAndHalfOpenSocketsAreBoundedAndTimedOut) {
  GatewayOptions o;
  o.maxConnections = 20;
  o.requestTimeout = 1500ms;
  start(o);
  // 20 connections that say nothing or stop halfway through a request, then 10 over the limit.
  std::vector<int> fds;
  for (int i = 0; i < 30; ++i) {
    const int fd = test::connectLoopback(m_gateway->port());
    ASSERT_GE(fd, 0);
    if (i % 2 == 1) {
      const std::string half = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: doppel_se";
      ASSERT_EQ(::send(fd, half.data(), half.size(), MSG_NOSIGNAL), static_cast<ssize_t>(half.size()));
    }
    fds.push_back(fd);
    pump(2ms);  // accepted in this order
  }
  const auto closedByGateway = [](int fd) {
    char c = 0;
    return ::recv(fd, &c, 1, MSG_DONTWAIT) == 0;
  };
  const auto closedAmong = [&](std::size_t from, std::size_t to) {
    return static_cast<std::size_t>(std::count_if(fds.begin() + static_cast<std::ptrdiff_t>(from),
                                                  fds.begin() + static_cast<std::ptrdiff_t>(to), closedByGateway));
  };
  ASSERT_TRUE(waitFor([&] { return closedAmong(20, 30) == 10; }, 500ms)) << "those over the limit are closed at once";
  EXPECT_EQ(closedAmong(0, 20), 0u) << "the first 20 still have time to send their request";
  ASSERT_TRUE(waitFor([&] { return closedAmong(0, 20) == 20; }, 5s)) << "silent and half-open connections time out";
  EXPECT_EQ(m_gateway->sessions().live(), 0u);
  EXPECT_EQ(request("GET", "/?token=secret-token").status, 303u) << "the gateway serves again";
  for (const int fd : fds) ::close(fd);
}

TEST_F(GatewayTest, UsersFileLogin) {
  const std::string path = ::testing::TempDir() + "gateway-users-" + std::to_string(::getpid());
  std::ofstream(path) << hashPasswordLine("ada", "pw1") << "\n";
  GatewayOptions o;
  o.usersFile = path;
  o.loginFailureDelay = 0ms;  // the right password right after the wrong one (see LoginFlood...)
  start(o);
  EXPECT_EQ(request("GET", "/").header("Location"), "/login");
  EXPECT_EQ(request("GET", "/login").status, 200u);
  const std::string bad = "user=ada&password=nope";
  Response r = raw("POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                   std::to_string(bad.size()) + "\r\n\r\n" + bad);
  EXPECT_EQ(r.status, 401u);
  EXPECT_NE(r.body().find("Wrong user name or password"), std::string::npos);
  const std::string good = "user=ada&password=pw1";
  r = raw("POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
          std::to_string(good.size()) + "\r\n\r\n" + good);
  EXPECT_EQ(r.status, 303u) << r.text;
  EXPECT_GT(pidOf(r.cookie()), 0);
  std::remove(path.c_str());
}

std::string loginRequest(const std::string& user, const std::string& password) {
  const std::string form = "user=" + user + "&password=" + password;
  return "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
         std::to_string(form.size()) + "\r\n\r\n" + form;
}

TEST_F(GatewayTest, LoginFloodDoesNotStallOtherSessionsAndIsBounded) {
  const std::string path = ::testing::TempDir() + "gateway-users-flood-" + std::to_string(::getpid());
  std::ofstream(path) << hashPasswordLine("ada", "pw1") << "\n";
  GatewayOptions o;
  o.usersFile = path;
  o.maxPendingLogins = 4;
  o.loginFailureDelay = 100ms;
  start(o);
  const std::string a = newSession();  // an existing user (through the token)
  const pid_t pa = pidOf(a);

  // Eight wrong logins at once: four are checked (~50 ms of PBKDF2 each, one after the other on
  // the checker's thread), the others are over the bound (unless a check ended meanwhile).
  std::vector<int> flood;
  for (int i = 0; i < 8; ++i) {
    flood.push_back(test::connectLoopback(m_gateway->port()));
    const std::string bytes = loginRequest("ada", "wrong" + std::to_string(i));
    ASSERT_EQ(::send(flood.back(), bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
  }
  ASSERT_TRUE(waitFor([&] { return m_gateway->pendingLogins() >= 3; }));
  // The existing session is served while the checks are still in flight.
  const auto before = std::chrono::steady_clock::now();
  EXPECT_EQ(pidOf(a), pa);
  const auto took = std::chrono::steady_clock::now() - before;
  EXPECT_GT(m_gateway->pendingLogins(), 0u) << "served only after the password checks";
  EXPECT_LT(took, 250ms);

  std::map<unsigned, int> statuses;
  for (const int fd : flood) {
    const std::string text = test::readUntilClosedWith(fd, [this] { pump(); }, 10s);
    ::close(fd);
    ++statuses[static_cast<unsigned>(std::atoi(text.c_str() + 9))];
  }
  const int failed = statuses[401];
  EXPECT_GE(failed, 4);
  EXPECT_GE(statuses[503], 1);
  EXPECT_EQ(failed + statuses[503], 8);
  EXPECT_EQ(m_gateway->pendingLogins(), 0u);

  // `failed` failures in a row from this address: it waits failed x 100 ms before the next try.
  Response r = raw(loginRequest("ada", "pw1"));
  EXPECT_EQ(r.status, 429u) << r.text;
  EXPECT_EQ(r.header("Retry-After"), "1");
  pump(std::chrono::milliseconds(100 * failed + 200));
  r = raw(loginRequest("ada", "pw1"));
  EXPECT_EQ(r.status, 303u) << r.text;
  std::remove(path.c_str());
}

TEST_F(GatewayTest, RedirectsReachOtherPagesFromTheGatewayAddress) {
  GatewayOptions o;
  o.redirects = {{"/page", "http://127.0.0.1:8081/?token=x"}};
  start(o);
  const Response r = request("GET", "/page");
  EXPECT_EQ(r.status, 302u);
  EXPECT_EQ(r.header("Location"), "http://127.0.0.1:8081/?token=x");
  EXPECT_EQ(m_gateway->sessions().live(), 0u);
}

TEST_F(GatewayTest, StatusPageListsSessions) {
  start();
  const std::string a = newSession();
  const Response r = request("GET", "/status?token=secret-token");
  EXPECT_EQ(r.status, 200u);
  EXPECT_NE(r.body().find(a.substr(0, 8)), std::string::npos);
  EXPECT_NE(r.body().find("1 of 64 sessions running"), std::string::npos);
}

}  // namespace
}  // namespace doppel::gateway
