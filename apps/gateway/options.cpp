#include "options.h"

#include <charconv>

namespace doppel::gateway {

const char* const kUsage =
    "usage: doppel-gateway [options] --app PROGRAM [ARGS...]\n"
    "  --listen HOST:PORT     where browsers connect (127.0.0.1:8080)\n"
    "  --token TOKEN          token for new sessions (default: random, printed)\n"
    "  --users FILE           users file with hashed passwords (login page)\n"
    "  --max-pending-logins N password checks in flight before 503 (8)\n"
    "  --login-delay SECONDS  wait per failed sign-in in a row, per address (1; max 30)\n"
    "  --no-auth              no login at all (loopback demos)\n"
    "  --allow-origin ORIGIN  another allowed browser Origin (repeatable)\n"
    "  --cert FILE --key FILE serve https (PEM certificate chain and key)\n"
    "  --redirect /PATH=URL   answer GET /PATH with a redirect to URL (repeatable)\n"
    "  --max-sessions N       (64)\n"
    "  --idle-timeout SECONDS end sessions without user traffic (1800; 0 never)\n"
    "  --grace SECONDS        keep a disconnected session for a reload (30)\n"
    "  --session-memory MB    address-space limit per session (none)\n"
    "  --session-cpu PERCENT  CPU per session, % of one CPU (cgroup quota or watchdog)\n"
    "  --session-cpu-window S watchdog: end a session over its CPU limit this long (10)\n"
    "  --hang-timeout SECONDS kill a session that answers no heartbeat (10; 0 never)\n"
    "  --warm                 fork sessions from a ready template process\n"
    "  --hash-password USER   read a password on stdin, print a users-file line\n";

namespace {

Error bad(const std::string& why) {
  return makeError(ErrorCode::InvalidArgument, why);
}

Result<double> number(const std::string& option, const std::string& text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0)
    return bad(option + ": not a non-negative number: " + text);
  return value;
}

std::chrono::milliseconds seconds(double s) {
  return std::chrono::milliseconds(static_cast<long long>(s * 1000.0));
}

}  // namespace

Result<CommandLine> parseCommandLine(const std::vector<std::string>& args) {
  CommandLine cl;
  GatewayOptions& o = cl.options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--app") {
      o.app.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      break;
    }
    if (a == "--help" || a == "-h") {
      cl.action = CommandLine::Action::Help;
      return cl;
    }
    if (a == "--no-auth") {
      o.noAuth = true;
      continue;
    }
    if (a == "--warm") {
      o.warm = true;
      continue;
    }
    if (i + 1 >= args.size()) return bad(a + " needs a value (or is unknown)");
    const std::string& v = args[++i];
    if (a == "--listen") {
      const auto colon = v.rfind(':');
      if (colon == std::string::npos) return bad("--listen HOST:PORT, got " + v);
      auto port = number(a, v.substr(colon + 1));
      if (!port || *port > 65535) return bad("--listen: bad port in " + v);
      o.host = v.substr(0, colon);
      if (o.host.size() > 2 && o.host.front() == '[' && o.host.back() == ']')
        o.host = o.host.substr(1, o.host.size() - 2);
      o.port = static_cast<std::uint16_t>(*port);
    } else if (a == "--token") {
      o.token = v;
    } else if (a == "--users") {
      o.usersFile = v;
    } else if (a == "--allow-origin") {
      o.allowedOrigins.push_back(v);
    } else if (a == "--redirect") {
      const auto eq = v.find('=');
      if (eq == std::string::npos || v.empty() || v[0] != '/') return bad("--redirect /PATH=URL, got " + v);
      o.redirects.emplace_back(v.substr(0, eq), v.substr(eq + 1));
    } else if (a == "--cert") {
      o.certificateFile = v;
    } else if (a == "--key") {
      o.privateKeyFile = v;
    } else if (a == "--hash-password") {
      cl.action = CommandLine::Action::HashPassword;
      cl.user = v;
    } else if (a == "--max-sessions" || a == "--idle-timeout" || a == "--grace" ||
               a == "--session-memory" || a == "--max-pending-logins" || a == "--login-delay" ||
               a == "--hang-timeout" || a == "--session-cpu" || a == "--session-cpu-window") {
      auto n = number(a, v);
      if (!n) return n.error();
      if (a == "--max-sessions") o.maxSessions = static_cast<std::size_t>(*n);
      if (a == "--idle-timeout") o.idleTimeout = seconds(*n);
      if (a == "--grace") o.grace = seconds(*n);
      if (a == "--max-pending-logins") o.maxPendingLogins = static_cast<std::size_t>(*n);
      if (a == "--login-delay") o.loginFailureDelay = seconds(*n);
      if (a == "--hang-timeout") o.hangTimeout = seconds(*n);
      if (a == "--session-cpu") o.sessionCpuPercent = static_cast<unsigned>(*n);
      if (a == "--session-cpu-window") o.cpuWindow = seconds(*n);
      if (a == "--session-memory") o.sessionMemoryBytes = static_cast<std::uint64_t>(*n * 1048576.0);
    } else {
      return bad("unknown option " + a);
    }
  }
  if (cl.action == CommandLine::Action::Run && o.app.empty())
    return bad("--app PROGRAM [ARGS...] is required");
  if (o.certificateFile.empty() != o.privateKeyFile.empty())
    return bad("--cert and --key go together");
  if (o.noAuth && (!o.token.empty() || !o.usersFile.empty()))
    return bad("--no-auth contradicts --token/--users");
  return cl;
}

}  // namespace doppel::gateway
