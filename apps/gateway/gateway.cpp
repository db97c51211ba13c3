#include "gateway.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>

#include "doppel/log.h"

#include "auth.h"
#include "http_request.h"
#include "login_checker.h"
#include "metrics.h"
#include "pages.h"
#include "relay.h"
#include "session_table.h"
#include "spawn.h"
#include "warm_template.h"
#include "web/beast.h"
#include "web/http_policy.h"
#include "web/server_tls.h"

namespace doppel::gateway {

namespace {

using Tcp = net::ip::tcp;
using ErrorCodeT = boost::system::error_code;

constexpr std::string_view kComponent = "gateway";
constexpr std::string_view kCookie = "doppel_session";
constexpr std::size_t kMaxFormBytes = 4096;
constexpr unsigned char kTlsHandshakeRecord = 22;

std::string statusLine(unsigned status) {
  switch (status) {
    case 200: return "200 OK";
    case 302: return "302 Found";
    case 303: return "303 See Other";
    case 400: return "400 Bad Request";
    case 401: return "401 Unauthorized";
    case 403: return "403 Forbidden";
    case 404: return "404 Not Found";
    case 410: return "410 Gone";
    case 413: return "413 Payload Too Large";
    case 429: return "429 Too Many Requests";
    case 431: return "431 Request Header Fields Too Large";
    case 500: return "500 Internal Server Error";
    case 502: return "502 Bad Gateway";
    case 503: return "503 Service Unavailable";
    default: return std::to_string(status) + " Error";
  }
}

}  // namespace

struct Gateway::State {
  State(net::io_context& io_, GatewayOptions options_) : io(io_), options(std::move(options_)), acceptor(io_) {}

  net::io_context& io;
  GatewayOptions options;
  Tcp::acceptor acceptor;
  Metrics metrics;
  std::unique_ptr<SessionTable> sessions;
  std::unique_ptr<WarmTemplate> warm;  ///< --warm
  std::optional<Users> users;
  std::unique_ptr<LoginChecker> logins;  ///< with --users; after `users`, so it goes first
  std::optional<ssl::context> tls;  ///< --cert/--key
  std::vector<std::weak_ptr<Relay>> relays;  ///< closed when the gateway stops
  std::vector<std::string> origins;
  std::size_t connections = 0;
  bool closed = false;
  bool secure = false;
};

namespace {

using State = Gateway::State;

bool originAllowed(const State& state, std::string_view origin) {
  const std::string o = web::normalizeOrigin(origin);
  for (const auto& allowed : state.origins)
    if (allowed == "*" || allowed == o) return true;
  return false;
}

/// One browser connection while the gateway owns it: read the request, then answer or hand off.
class Connection : public std::enable_shared_from_this<Connection> {
public:
  Connection(std::shared_ptr<State> state, Tcp::socket socket)
      : m_state(std::move(state)), m_socket(std::move(socket)), m_timer(m_state->io) {
    ++m_state->connections;
  }
  ~Connection() { --m_state->connections; }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void run() {
    ErrorCodeT ec;
    const auto remote = m_socket.remote_endpoint(ec);
    m_address = ec ? std::string("?") : remote.address().to_string();
    m_peer = ec ? std::string("?") : m_address + ":" + std::to_string(remote.port());
    m_timer.expires_after(m_state->options.requestTimeout);
    m_timer.async_wait([weak = weak_from_this()](const ErrorCodeT& timerError) {
      const auto self = weak.lock();
      if (timerError || !self) return;
      self->close();  // slow or half-open: it costs nothing for long
    });
    if (m_state->tls) {
      expectTls();
    } else {
      read();
    }
  }

private:
  /// The first byte of a TLS connection is a handshake record (22); anything else is a plain
  /// request to the https port, answered in plain text so the user learns why.
  void expectTls() {
    m_socket.async_wait(Tcp::socket::wait_read, [self = shared_from_this()](const ErrorCodeT& ec) {
      if (ec || self->m_state->closed) {
        self->close();
        return;
      }
      unsigned char first = 0;
      const ssize_t n = ::recv(self->m_socket.native_handle(), &first, 1, MSG_PEEK | MSG_DONTWAIT);
      if (n <= 0) {
        self->close();
        return;
      }
      if (first != kTlsHandshakeRecord) {
        self->refuse(400, "plain http to the https port: open https://");
        return;
      }
      self->m_tls = std::make_unique<TlsStream>(std::move(self->m_socket), *self->m_state->tls);
      self->m_tls->async_handshake(ssl::stream_base::server, [self](const ErrorCodeT& handshakeError) {
        if (handshakeError || self->m_state->closed) {
          log(LogLevel::Debug, kComponent, "event=tls_failed peer=" + self->m_peer + " reason=\"" + handshakeError.message() + "\"");
          self->close();
          return;
        }
        self->read();
      });
    });
  }

  Tcp::socket& tcp() { return m_tls ? m_tls->next_layer() : m_socket; }

  void read() {
    auto onRead = [self = shared_from_this()](const ErrorCodeT& ec, std::size_t n) { self->onRead(ec, n); };
    if (m_tls) {
      m_tls->async_read_some(net::buffer(m_chunk), std::move(onRead));
    } else {
      m_socket.async_read_some(net::buffer(m_chunk), std::move(onRead));
    }
  }

  void onRead(const ErrorCodeT& ec, std::size_t n) {
    if (ec || m_state->closed) {
      close();
      return;
    }
    m_raw.append(m_chunk.data(), n);
    if (!m_request) {
      const auto end = headerEnd(m_raw);
      if (!end) {
        if (m_raw.size() > m_state->options.maxHeaderBytes) {
          refuse(431, "request header over " + std::to_string(m_state->options.maxHeaderBytes) + " bytes");
          return;
        }
        read();
        return;
      }
      if (*end > m_state->options.maxHeaderBytes) {
        refuse(431, "request header over " + std::to_string(m_state->options.maxHeaderBytes) + " bytes");
        return;
      }
      auto parsed = parseRequest(m_raw, *end);
      if (!parsed) {
        refuse(400, parsed.error().reason);
        return;
      }
      m_request = std::move(*parsed);
      ++m_state->metrics.requests;
      if (m_request->contentLength > 0 && !(m_request->method == "POST" && m_request->path == "/login")) {
        refuse(413, "requests with a body are not served here");
        return;
      }
      if (m_request->contentLength > kMaxFormBytes) {
        refuse(413, "form over " + std::to_string(kMaxFormBytes) + " bytes");
        return;
      }
    }
    if (m_raw.size() < m_request->headerBytes + m_request->contentLength) {
      read();
      return;
    }
    route();
  }

  std::string sessionCookie() const { return cookieValue(m_request->cookie, kCookie); }

  std::string queryToken() const { return formValue(queryOf(m_request->target), "token"); }

  bool tokenOk() const {
    const std::string& token = m_state->options.token;
    if (token.empty()) return false;
    std::string given = queryToken();
    const std::string_view auth = m_request->authorization;
    if (auth.rfind("Bearer ", 0) == 0) given = std::string(auth.substr(7));
    return sameSecret(given, token);
  }

  bool adminOk() const { return m_state->options.noAuth || tokenOk(); }

  void route() {
    m_timer.cancel();
    const HttpRequest& r = *m_request;
    if (!r.origin.empty() && !originAllowed(*m_state, r.origin)) {
      refuse(403, "Origin " + r.origin + " is not allowed");
      return;
    }
    if (r.path == "/metrics" || r.path == "/status") {
      if (!adminOk()) {
        refuse(401, "needs the gateway's token (Authorization: Bearer or ?token=)");
        return;
      }
      if (r.path == "/metrics") {
        respond(200, "text/plain; version=0.0.4", metricsText(*m_state));
      } else {
        respond(200, "text/html; charset=utf-8", statusPage());
      }
      return;
    }
    for (const auto& [from, to] : m_state->options.redirects) {
      if (r.path == from) {
        respond(302, "text/plain", "", "Location: " + to + "\r\n");
        return;
      }
    }
    if (r.path == "/login") {
      login();
      return;
    }
    const auto session = m_state->sessions->find(sessionCookie());
    if (r.path == "/logout") {
      if (session) m_state->sessions->end(*session, "logout", "you signed out");
      respond(303, "text/plain", "", "Location: /\r\nSet-Cookie: " + std::string(kCookie) + "=; Path=/; Max-Age=0\r\n");
      return;
    }
    if (r.path == "/session/status") {  // the viewer asks when its WebSocket closes
      respond(200, "application/json", sessionStatus(session.get()));
      return;
    }
    const bool wantsNew = !formValue(queryOf(r.target), "new").empty();
    if (session && session->state == Session::State::Running) {
      handOff(*session);
      return;
    }
    const bool endedHere = session != nullptr;  // a tombstone: this browser was signed in
    if (endedHere && !wantsNew) {
      ended(*session);
      return;
    }
    if (!endedHere && !m_state->options.noAuth && !tokenOk()) {
      if (m_state->users && !r.upgrade) {
        respond(303, "text/plain", "", "Location: /login\r\n");
      } else {
        refuse(401, "open the address doppel-gateway printed (with its ?token=)", page("Sign-in needed",
               "<p>Open the address that doppel-gateway printed when it started (it carries the token).</p>"));
      }
      return;
    }
    newSession(r.upgrade);
  }

  void login() {
    const HttpRequest& r = *m_request;
    if (!m_state->users) {
      refuse(404, "no users file: sessions open with the token");
      return;
    }
    if (r.method != "POST") {
      respond(200, "text/html; charset=utf-8", loginPage(false));
      return;
    }
    const auto decision = m_state->logins->admit(m_address);
    const std::string retry = "Retry-After: " + std::to_string(decision.retryAfter.count()) + "\r\n";
    if (decision.admission == LoginChecker::Admission::Busy) {
      refuse(503, "too many sign-ins being checked", page("Busy", "<p>Too many sign-ins at once. Please try again in a moment.</p>"), retry);
      return;
    }
    if (decision.admission == LoginChecker::Admission::Wait) {
      refuse(429, "failed sign-ins from " + m_address + ": wait " + std::to_string(decision.retryAfter.count()) + " s",
             page("Please wait", "<p>Too many failed sign-ins from your address. Try again in " +
                                     std::to_string(decision.retryAfter.count()) +
                                     " s.</p><p><a href=\"/login\">Sign in</a></p>"),
             retry);
      return;
    }
    const std::string_view body = std::string_view(m_raw).substr(r.headerBytes, r.contentLength);
    const std::string user = formValue(body, "user");
    // ~50 ms of PBKDF2 on the checker's thread; this connection waits, the loop does not.
    m_state->logins->check(m_address, user, formValue(body, "password"),
                           [self = shared_from_this(), user](bool ok) { self->loginChecked(user, ok); });
  }

  void loginChecked(const std::string& user, bool ok) {
    if (m_state->closed) {
      close();
      return;
    }
    if (!ok) {
      log(LogLevel::Warning, kComponent, "event=login_failed peer=" + m_peer + " user=\"" + user + "\"");
      ++m_state->metrics.refused[401];
      respond(401, "text/html; charset=utf-8", loginPage(true));
      return;
    }
    log(LogLevel::Info, kComponent, "event=login peer=" + m_peer + " user=\"" + user + "\"");
    newSession(false);
  }

  void newSession(bool upgrade) {
    SessionTable& table = *m_state->sessions;
    if (table.live() >= m_state->options.maxSessions) {
      refuse(503, "all " + std::to_string(m_state->options.maxSessions) + " sessions are in use",
             page("Full", "<p>All " + std::to_string(m_state->options.maxSessions) +
                              " sessions are in use. Please try again in a minute.</p>"),
             "Retry-After: 30\r\n");
      return;
    }
    auto created = table.create();
    if (!created) {
      refuse(500, "cannot start the application: " + created.error().reason,
             page("Not started", "<p>The application could not be started. The administrator "
                                 "finds the reason in the gateway's log.</p>"));
      return;
    }
    const auto& session = *created;
    if (upgrade) {  // a scripted client: straight to its new session, without a cookie
      handOff(*session);
      return;
    }
    std::string cookie = std::string(kCookie) + "=" + session->id + "; Path=/; HttpOnly; SameSite=Lax";
    if (m_state->secure) cookie += "; Secure";
    const std::string location = m_request->path == "/login" ? "/" : m_request->path;
    respond(303, "text/plain", "", "Location: " + location + "\r\nSet-Cookie: " + cookie + "\r\n");
  }

  void handOff(Session& session) {
    if (m_tls) {
      relay(session);
      return;
    }
    auto sent = m_state->sessions->handOff(session, m_socket.native_handle(), m_raw);
    if (!sent) {
      sessionUnreachable(session, sent.error().reason);
      return;
    }
    ErrorCodeT ignored;
    m_socket.close(ignored);  // the session has its own copy now
    m_timer.cancel();
  }

  /// https: the session gets one end of a stream socketpair (and the request bytes) instead of
  /// the browser's socket, and a Relay carries the plaintext between the TLS stream and it.
  void relay(Session& session) {
    int fds[2] = {-1, -1};  // NOLINT(cppcoreguidelines-avoid-c-arrays)
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
      ++m_state->metrics.errors;
      refuse(503, std::string("socketpair: ") + std::strerror(errno));
      return;
    }
    auto sent = m_state->sessions->handOff(session, fds[1], m_raw);
    ::close(fds[1]);
    if (!sent) {
      ::close(fds[0]);
      sessionUnreachable(session, sent.error().reason);
      return;
    }
    m_timer.cancel();
    net::posix::stream_descriptor end(m_state->io, fds[0]);
    const std::weak_ptr<Session> weakSession = m_state->sessions->find(session.id);
    std::weak_ptr<State> weakState = m_state;
    auto relay = std::make_shared<Relay>(std::move(m_tls), std::move(end), [weakSession, weakState](bool up, std::size_t n) {
      const auto state = weakState.lock();
      if (!state) return;
      if (!up) {
        state->metrics.relayBytesDown += n;
        return;
      }
      state->metrics.relayBytesUp += n;
      state->metrics.bytesReceived += n;
      if (const auto s = weakSession.lock()) s->relayed += n;
    });
    ++m_state->metrics.relays;
    auto& relays = m_state->relays;
    relays.erase(std::remove_if(relays.begin(), relays.end(), [](const std::weak_ptr<Relay>& w) { return w.expired(); }),
                 relays.end());
    relays.push_back(relay);
    relay->start();
  }

  /// {"state":"running"|"ending"|"ended"|"none","reason":"..."}: the cookie is the credential.
  static std::string sessionStatus(const Session* s) {
    if (s == nullptr) return "{\"state\":\"none\"}\n";
    const char* state = s->state == Session::State::Running ? "running" : s->state == Session::State::Ending ? "ending" : "ended";
    return std::string("{\"state\":\"") + state + "\",\"reason\":" + jsonString(s->endReason) + "}\n";
  }

  void sessionUnreachable(const Session& session, const std::string& why) {
    refuse(502, "session " + session.id.substr(0, 8) + ": " + why,
           page("Session ended", "<p>" + htmlEscape(session.endReason.empty() ? "The application is not responding." : session.endReason) +
                                     "</p><p><a href=\"/?new=1\">Start a new session</a></p>"));
  }

  void ended(const Session& session) {
    const std::string reason = session.endReason.empty() ? "the session ended" : session.endReason;
    refuse(410, "session " + session.id.substr(0, 8) + " ended: " + reason,
           page("Session ended", "<p>Your session ended: " + htmlEscape(reason) +
                                     ".</p><p><a href=\"/?new=1\">Start a new session</a></p>"));
  }

  std::string statusPage() const {
    std::string rows;
    const auto now = Clock::now();
    std::size_t live = 0;
    for (const auto& s : m_state->sessions->all()) {
      const char* state = s->state == Session::State::Running ? "running"
                          : s->state == Session::State::Ending ? "ending" : "ended";
      if (s->state != Session::State::Ended) ++live;
      const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - s->created).count();
      const auto idle = std::chrono::duration_cast<std::chrono::seconds>(now - s->lastActivity).count();
      rows += "<tr><td>" + s->id.substr(0, 8) + "</td><td>" + std::to_string(s->pid) + "</td><td>" + state +
              "</td><td>" + std::to_string(s->connections) + "</td><td>" + std::to_string(age) +
              " s</td><td>" + std::to_string(idle) + " s</td><td>" + htmlEscape(s->endReason) + "</td></tr>";
    }
    return page("doppel-gateway", "<p>" + std::to_string(live) + " of " +
                                      std::to_string(m_state->options.maxSessions) +
                                      " sessions running.</p><table><tr><th>session</th><th>pid</th>"
                                      "<th>state</th><th>connections</th><th>age</th><th>idle</th>"
                                      "<th>ended</th></tr>" + rows + "</table>");
  }

public:
  static std::string metricsText(const State& state) {
    return state.metrics.render(state.sessions->live(), state.options.maxSessions);
  }

private:
  void refuse(unsigned status, const std::string& reason, std::string body = {}, std::string headers = {}) {
    ++m_state->metrics.refused[status];
    log(status == 404 ? LogLevel::Debug : LogLevel::Warning, kComponent,
        "event=refused peer=" + m_peer + " status=" + std::to_string(status) + " reason=\"" + reason + "\"");
    if (body.empty()) {
      respond(status, "text/plain; charset=utf-8", reason + "\n", headers);
    } else {
      respond(status, "text/html; charset=utf-8", body, headers);
    }
  }

  void respond(unsigned status, std::string_view type, const std::string& body, const std::string& headers = {}) {
    auto text = std::make_shared<std::string>(
        "HTTP/1.1 " + statusLine(status) + "\r\nServer: doppel-gateway\r\nContent-Type: " + std::string(type) +
        "\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n" + headers +
        "\r\n" + (m_request && m_request->method == "HEAD" ? std::string() : body));
    m_timer.expires_after(m_state->options.requestTimeout);
    m_timer.async_wait([weak = weak_from_this()](const ErrorCodeT& ec) {
      if (const auto self = weak.lock(); self && !ec) self->close();
    });
    if (m_tls) {
      net::async_write(*m_tls, net::buffer(*text), [self = shared_from_this(), text](const ErrorCodeT& ec, std::size_t) {
        if (ec) {
          self->close();
          return;
        }
        // close_notify, so the browser knows the answer is complete; the timer bounds the wait.
        self->m_tls->async_shutdown([self](const ErrorCodeT&) { self->close(); });
      });
      return;
    }
    net::async_write(m_socket, net::buffer(*text), [self = shared_from_this(), text](const ErrorCodeT&, std::size_t) {
      self->close();
    });
  }

  void close() {
    ErrorCodeT ignored;
    Tcp::socket& socket = tcp();
    socket.shutdown(Tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    m_timer.cancel();
  }

  std::shared_ptr<State> m_state;
  Tcp::socket m_socket;
  std::unique_ptr<TlsStream> m_tls;  ///< https: owns the socket after the first byte
  net::steady_timer m_timer;
  std::string m_peer;
  std::string m_address;  ///< the peer's IP: per-address login delays
  std::array<char, 4096> m_chunk{};
  std::string m_raw;
  std::optional<HttpRequest> m_request;
};

void acceptNext(const std::shared_ptr<State>& state) {
  state->acceptor.async_accept([state](const ErrorCodeT& ec, Tcp::socket socket) {
    if (state->closed || ec == net::error::operation_aborted) return;
    if (ec) {
      log(LogLevel::Warning, kComponent, "accept: " + ec.message());
    } else if (state->connections >= state->options.maxConnections) {
      ++state->metrics.refused[503];
      ErrorCodeT ignored;
      socket.close(ignored);
    } else {
      ErrorCodeT ignored;
      socket.set_option(Tcp::no_delay(true), ignored);
      std::make_shared<Connection>(state, std::move(socket))->run();
    }
    acceptNext(state);
  });
}

}  // namespace

Result<std::unique_ptr<Gateway>> Gateway::start(net::io_context& io, GatewayOptions options) {
  if (options.app.empty()) return makeError(ErrorCode::InvalidArgument, "no --app to start per session");
  auto state = std::make_shared<State>(io, std::move(options));
  GatewayOptions& o = state->options;
  if (!o.certificateFile.empty() || !o.privateKeyFile.empty()) {
    if (o.certificateFile.empty() || o.privateKeyFile.empty())
      return makeError(ErrorCode::InvalidArgument, "--cert and --key go together");
    state->tls.emplace(ssl::context::tls_server);
    if (auto loaded = web::loadServerTls(*state->tls, o.certificateFile, o.privateKeyFile); !loaded)
      return loaded.error();
    state->secure = true;
  }
  if (!o.usersFile.empty()) {
    auto users = Users::load(o.usersFile);
    if (!users) return users.error();
    state->users = std::move(*users);
    state->logins = std::make_unique<LoginChecker>(io, *state->users, o.maxPendingLogins, o.loginFailureDelay);
  }
  if (!o.noAuth && o.token.empty()) o.token = randomHex(16);

  ErrorCodeT ec;
  const auto address = net::ip::make_address(o.host, ec);
  if (ec) return makeError(ErrorCode::InvalidArgument, "--listen: " + o.host + " is not an IP address");
  const Tcp::endpoint endpoint(address, o.port);
  state->acceptor.open(endpoint.protocol(), ec);
  if (!ec) state->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) state->acceptor.bind(endpoint, ec);
  if (!ec) state->acceptor.listen(net::socket_base::max_listen_connections, ec);
  const auto bound = ec ? Tcp::endpoint() : state->acceptor.local_endpoint(ec);
  if (ec)
    return makeError(ErrorCode::ConnectionFailed,
                     "listen " + o.host + ":" + std::to_string(o.port) + ": " + ec.message());
  o.port = bound.port();
  state->origins = web::defaultOrigins(o.host, o.port, state->secure);
  for (const auto& origin : o.allowedOrigins) state->origins.push_back(web::normalizeOrigin(origin));

  if (o.warm) {
    state->warm = std::make_unique<WarmTemplate>(o);
    if (auto started = state->warm->start(); !started) return started.error();
  }
  Starter starter = [&o, warm = state->warm.get()](const std::string& id, int handoffFd) -> Result<pid_t> {
    if (warm != nullptr) {
      auto forked = warm->fork(id, handoffFd);
      if (forked) return forked;
      log(LogLevel::Warning, kComponent, "event=warm_failed reason=\"" + forked.error().reason + "\" (starting cold)");
    }
    SpawnRequest request;
    request.argv = o.app;
    request.sessionId = id;
    request.handoffFd = handoffFd;
    request.memoryBytes = o.sessionMemoryBytes;
    return spawnProcess(request);
  };
  state->sessions = std::make_unique<SessionTable>(io, o, state->metrics, std::move(starter));
  acceptNext(state);
  log(LogLevel::Info, kComponent,
      "event=listen url=" + std::string(state->secure ? "https://" : "http://") + o.host + ":" + std::to_string(o.port) + "/ app=" + o.app[0] +
          " max_sessions=" + std::to_string(o.maxSessions));
  return std::unique_ptr<Gateway>(new Gateway(std::move(state)));
}

Gateway::~Gateway() {
  stop();
}

void Gateway::stop() {
  if (m_state->closed) return;
  m_state->closed = true;
  ErrorCodeT ignored;
  m_state->acceptor.close(ignored);
  for (const auto& weak : m_state->relays)
    if (const auto relay = weak.lock()) relay->stop();
  m_state->relays.clear();
  if (m_state->logins) m_state->logins->stop();
  m_state->sessions->killAll();
  m_state->warm.reset();
}

std::uint16_t Gateway::port() const {
  return m_state->options.port;
}

std::string Gateway::url() const {
  const auto& o = m_state->options;
  const bool v6 = o.host.find(':') != std::string::npos;
  std::string url = std::string(m_state->secure ? "https://" : "http://") + (v6 ? "[" + o.host + "]" : o.host) +
                    ":" + std::to_string(o.port) + "/";
  if (!o.token.empty()) url += "?token=" + o.token;
  return url;
}

const std::string& Gateway::token() const {
  return m_state->options.token;
}

SessionTable& Gateway::sessions() {
  return *m_state->sessions;
}

std::size_t Gateway::pendingLogins() const {
  return m_state->logins ? m_state->logins->pending() : 0;
}

std::string Gateway::metricsText() const {
  return Connection::metricsText(*m_state);
}

}  // namespace doppel::gateway
