#include "session_table.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "doppel/log.h"

#include "auth.h"
#include "web/handoff.h"

namespace doppel::gateway {

namespace {

constexpr std::string_view kComponent = "gateway";
/// Browser traffic in one status report below this is keep-alive (pongs), not a user.
constexpr std::uint64_t kActivityBytes = 32;
/// Relayed bytes (https) are judged over the interval a session reports its own in.
constexpr std::chrono::seconds kRelayCheck{2};
/// How long a new session may take to send its first message before it counts as hung.
constexpr std::chrono::seconds kStartAllowance{30};
constexpr std::chrono::hours kTombstoneAge{1};
constexpr std::size_t kMaxTombstones = 1000;

std::string shortId(const std::string& id) {
  return id.substr(0, 8);
}

/// "12 s", "0.6 s": for the user's page.
std::string secondsText(Clock::duration d) {
  const auto tenths = std::chrono::duration_cast<std::chrono::milliseconds>(d).count() / 100;
  return std::to_string(tenths / 10) + (tenths < 100 ? "." + std::to_string(tenths % 10) : "") + " s";
}

double secondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::chrono::milliseconds tickInterval(const GatewayOptions& o) {
  auto t = o.grace;
  if (o.idleTimeout.count() > 0) t = std::min(t, o.idleTimeout);
  if (o.hangTimeout.count() > 0) t = std::min(t, o.hangTimeout);
  return std::clamp(t / 4, std::chrono::milliseconds(20), std::chrono::milliseconds(1000));
}

}  // namespace

SessionTable::SessionTable(net::io_context& io,
                           const GatewayOptions& options,
                           Metrics& metrics,
                           Starter start)
    : m_io(io),
      m_options(options),
      m_metrics(metrics),
      m_start(std::move(start)),
      m_sigchld(io, SIGCHLD),
      m_timer(io) {
  if (options.sessionCpuPercent > 0)
    m_cpu = std::make_unique<CpuLimit>(options.sessionCpuPercent, options.cpuCgroupRoot, options.cpuWindow);
  watchSignals();
  tick();
}

SessionTable::~SessionTable() {
  killAll();
}

Result<std::shared_ptr<Session>> SessionTable::create() {
  int fds[2] = {-1, -1};  // NOLINT(cppcoreguidelines-avoid-c-arrays)
  if (auto made = handoff::makeSocketPair(fds); !made) return made.error();
  auto session = std::make_shared<Session>();
  session->id = randomHex(16);
  const auto started = Clock::now();
  auto pid = m_start(session->id, fds[1]);
  ::close(fds[1]);
  if (!pid) {
    ::close(fds[0]);
    ++m_metrics.errors;
    log(LogLevel::Error, kComponent, "event=spawn_failed reason=\"" + pid.error().reason + "\"");
    return pid.error();
  }
  session->pid = *pid;
  session->created = session->lastActivity = session->lastConnection = session->relayCheckedAt = started;
  session->lastPing = session->lastHeard = started;
  session->handoff.emplace(m_io, fds[0]);
  m_sessions[session->id] = session;
  if (m_cpu) m_cpu->add(session->id, *pid);
  ++m_metrics.sessionsStarted;
  log(LogLevel::Info, kComponent,
      "event=session_start session=" + shortId(session->id) + " pid=" + std::to_string(*pid) +
          " live=" + std::to_string(live()));
  readStatus(session);
  return session;
}

std::shared_ptr<Session> SessionTable::find(const std::string& id) const {
  const auto it = m_sessions.find(id);
  return it == m_sessions.end() ? nullptr : it->second;
}

Result<void> SessionTable::handOff(Session& session, int fd, std::string_view preRead) {
  if (session.state != Session::State::Running || !session.handoff)
    return makeError(ErrorCode::Disconnected, "session ended");
  auto sent = handoff::sendConnection(session.handoff->native_handle(), fd, preRead);
  if (!sent) {
    ++m_metrics.errors;
    // A full queue means the process stopped taking connections: hung, or far too slow.
    end(session, "hung", "the application stopped responding (" + sent.error().reason + ")");
    return sent;
  }
  ++m_metrics.handoffs;
  session.lastConnection = session.lastActivity = Clock::now();
  return {};
}

void SessionTable::end(Session& session, const std::string& kind, const std::string& reason) {
  if (session.state != Session::State::Running) return;
  session.state = Session::State::Ending;
  session.endKind = kind;
  session.endReason = reason;
  log(LogLevel::Info, kComponent,
      "event=session_end session=" + shortId(session.id) + " pid=" + std::to_string(session.pid) +
          " reason=" + kind);
  ::kill(session.pid, SIGTERM);
  session.killTimer.emplace(m_io);
  session.killTimer->expires_after(m_options.killTimeout);
  session.killTimer->async_wait([weak = std::weak_ptr<Session>(find(session.id))](
                                    const boost::system::error_code& ec) {
    const auto s = weak.lock();
    if (ec || !s || s->state != Session::State::Ending) return;
    log(LogLevel::Warning, kComponent,
        "event=session_kill session=" + shortId(s->id) + " pid=" + std::to_string(s->pid) +
            " reason=\"no exit after SIGTERM\"");
    ::kill(s->pid, SIGKILL);
  });
}

std::size_t SessionTable::live() const {
  return static_cast<std::size_t>(std::count_if(m_sessions.begin(), m_sessions.end(), [](const auto& kv) {
    return kv.second->state != Session::State::Ended;
  }));
}

std::vector<std::shared_ptr<Session>> SessionTable::all() const {
  std::vector<std::shared_ptr<Session>> out;
  for (const auto& kv : m_sessions) out.push_back(kv.second);
  return out;
}

void SessionTable::killAll() {
  m_closed = true;
  boost::system::error_code ignored;
  m_sigchld.cancel(ignored);
  m_timer.cancel();
  std::vector<std::shared_ptr<Session>> alive;
  for (const auto& kv : m_sessions) {
    if (kv.second->state == Session::State::Ended) continue;
    if (kv.second->state == Session::State::Running) {
      kv.second->state = Session::State::Ending;
      kv.second->endKind = "gateway";
      kv.second->endReason = "the gateway stopped";
    }
    ::kill(kv.second->pid, SIGTERM);
    alive.push_back(kv.second);
  }
  const auto deadline = Clock::now() + m_options.killTimeout;
  while (!alive.empty()) {
    for (auto it = alive.begin(); it != alive.end();) {
      int status = 0;
      const pid_t r = ::waitpid((*it)->pid, &status, WNOHANG);
      if (r == (*it)->pid || (r < 0 && errno == ECHILD)) {
        ended(**it, status);
        it = alive.erase(it);
      } else {
        ++it;
      }
    }
    if (alive.empty()) break;
    if (Clock::now() >= deadline) {
      for (const auto& s : alive) {
        ::kill(s->pid, SIGKILL);
        int status = 0;
        (void)::waitpid(s->pid, &status, 0);
        ended(*s, status);
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void SessionTable::watchSignals() {
  m_sigchld.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec || m_closed) return;
    reap();
    watchSignals();
  });
}

void SessionTable::reap() {
  for (const auto& kv : m_sessions) {
    Session& s = *kv.second;
    if (s.state == Session::State::Ended) continue;
    int status = 0;
    const pid_t r = ::waitpid(s.pid, &status, WNOHANG);
    if (r == s.pid) ended(s, status);
  }
}

void SessionTable::ended(Session& s, int status) {
  if (s.state == Session::State::Ended) return;
  std::string how;
  if (WIFSIGNALED(status)) {
    how = std::string("signal ") + std::to_string(WTERMSIG(status)) + " (" + ::strsignal(WTERMSIG(status)) + ")";
  } else {
    how = "exit status " + std::to_string(WEXITSTATUS(status));
  }
  if (s.state == Session::State::Running) {
    // Nobody asked it to stop: the application crashed or quit on its own.
    const bool crashed = WIFSIGNALED(status) || WEXITSTATUS(status) != 0;
    s.endKind = crashed ? "crash" : "exit";
    s.endReason = crashed ? "the application crashed (" + how + ")" : "the application quit";
  }
  s.state = Session::State::Ended;
  s.endedAt = Clock::now();
  if (m_cpu) m_cpu->remove(s.id);
  if (s.killTimer) s.killTimer->cancel();
  if (s.handoff) {
    boost::system::error_code ignored;
    s.handoff->close(ignored);
  }
  ++m_metrics.sessionsEnded[s.endKind];
  log(s.endKind == "crash" ? LogLevel::Warning : LogLevel::Info, kComponent,
      "event=session_exit session=" + shortId(s.id) + " pid=" + std::to_string(s.pid) +
          " reason=" + s.endKind + " status=\"" + how + "\" age_s=" +
          std::to_string(static_cast<long>(secondsSince(s.created))));
}

void SessionTable::heartbeat(Session& s, Clock::time_point now) {
  const auto timeout = m_options.hangTimeout;
  if (timeout.count() <= 0 || !s.handoff) return;
  // Until its first answer the app may still be starting (loading, connecting to its master).
  const auto allowed = [&s, timeout] {
    return s.heard ? timeout : std::max<std::chrono::milliseconds>(timeout, kStartAllowance);
  };
  // Answers may be waiting unread if the gateway itself was held up (e.g. a slow warm fork):
  // read them before judging.
  if (now - s.lastHeard >= allowed() && s.handoff->is_open()) (void)drain(s);
  if (now - s.lastHeard >= allowed()) {
    s.state = Session::State::Ending;
    s.endKind = "hung";
    s.endReason = "the application stopped responding (no answer for " + secondsText(now - s.lastHeard) + ")";
    log(LogLevel::Warning, kComponent,
        "event=session_hung session=" + shortId(s.id) + " pid=" + std::to_string(s.pid) + " silent_ms=" +
            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now - s.lastHeard).count()));
    ::kill(s.pid, SIGKILL);  // reaped on SIGCHLD like any exit
    return;
  }
  // A few pings per timeout, so one late answer is not a hang.
  if (now - s.lastPing >= timeout / 4) {
    s.lastPing = now;
    (void)handoff::sendPing(s.handoff->native_handle(), ++s.pings);  // a full queue: no answer comes
  }
}

void SessionTable::readStatus(const std::shared_ptr<Session>& session) {
  session->handoff->async_wait(
      net::posix::descriptor_base::wait_read,
      [this, weak = std::weak_ptr<Session>(session)](const boost::system::error_code& ec) {
        const auto s = weak.lock();
        if (ec || !s || !s->handoff || !s->handoff->is_open() || m_closed) return;
        if (drain(*s)) readStatus(s);  // else: exiting; SIGCHLD follows
      });
}

bool SessionTable::drain(Session& s) {
  for (;;) {
    auto message = handoff::receive(s.handoff->native_handle());
    if (!message) {
      if (message.error().code == ErrorCode::Disconnected) return false;
      log(LogLevel::Warning, kComponent, "session=" + shortId(s.id) + " bad status: " + message.error().reason);
      continue;
    }
    if (!*message) return true;
    const auto now = Clock::now();
    s.lastHeard = now;
    s.heard = true;
    if (!(*message)->status) continue;
    const handoff::Status& st = *(*message)->status;
    if (!s.served && st.connections > 0) {
      s.served = true;
      m_metrics.recordSpawn(std::chrono::duration<double>(now - s.created).count());
    }
    if (st.bytesReceived > s.bytes) m_metrics.bytesReceived += st.bytesReceived - s.bytes;
    if (st.connections != s.connections || st.bytesReceived >= s.bytes + kActivityBytes) s.lastActivity = now;
    if (st.connections == 0 && s.connections != 0) s.lastConnection = now;
    s.connections = st.connections;
    s.bytes = st.bytesReceived;
  }
}

void SessionTable::tick() {
  m_timer.expires_after(tickInterval(m_options));
  m_timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec || m_closed) return;
    const auto now = Clock::now();
    std::vector<std::string> expired;
    std::size_t tombstones = 0;
    for (const auto& kv : m_sessions) {
      Session& s = *kv.second;
      if (s.state == Session::State::Ended) {
        ++tombstones;
        if (now - s.endedAt > kTombstoneAge) expired.push_back(kv.first);
        continue;
      }
      if (s.state != Session::State::Running) continue;
      heartbeat(s, now);
      if (s.state != Session::State::Running) continue;
      if (m_cpu && m_cpu->overBudget(s.id, now)) {
        end(s, "cpu", "the application used more than " + std::to_string(m_options.sessionCpuPercent) +
                          "% CPU for " + secondsText(m_options.cpuWindow));
        continue;
      }
      if (now - s.relayCheckedAt >= kRelayCheck) {  // the same window as a session's report
        if (s.relayed >= s.relayedSeen + kActivityBytes) s.lastActivity = now;
        s.relayedSeen = s.relayed;
        s.relayCheckedAt = now;
      }
      if (s.connections == 0 && now - s.lastConnection >= m_options.grace) {
        end(s, "grace", "you were away longer than the grace period");
      } else if (m_options.idleTimeout.count() > 0 && now - s.lastActivity >= m_options.idleTimeout) {
        end(s, "idle", "the session was idle too long");
      }
    }
    for (const auto& id : expired) m_sessions.erase(id);
    if (tombstones > kMaxTombstones) {
      // Oldest first; the live ones stay.
      std::vector<std::shared_ptr<Session>> dead;
      for (const auto& kv : m_sessions)
        if (kv.second->state == Session::State::Ended) dead.push_back(kv.second);
      std::sort(dead.begin(), dead.end(), [](const auto& a, const auto& b) { return a->endedAt < b->endedAt; });
      for (std::size_t i = 0; i + kMaxTombstones < dead.size(); ++i) m_sessions.erase(dead[i]->id);
    }
    tick();
  });
}

}  // namespace doppel::gateway
