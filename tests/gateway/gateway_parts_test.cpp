// The gateway's pure parts: command line, request parsing, cookies and forms, users file.
#include <gtest/gtest.h>

#include "auth.h"
#include "http_request.h"
#include "metrics.h"
#include "options.h"
#include "pages.h"

namespace doppel::gateway {
namespace {

TEST(GatewayOptionsTest, EverythingAfterAppBelongsToTheApp) {
  auto cl = parseCommandLine({"--listen", "0.0.0.0:9000", "--grace", "2.5", "--max-sessions", "3",
                              "--app", "panel", "--master", "tcp://x:1", "--grace", "1"});
  ASSERT_TRUE(cl.ok()) << cl.error().reason;
  EXPECT_EQ(cl->options.host, "0.0.0.0");
  EXPECT_EQ(cl->options.port, 9000);
  EXPECT_EQ(cl->options.grace.count(), 2500);
  EXPECT_EQ(cl->options.maxSessions, 3u);
  EXPECT_EQ(cl->options.app, (std::vector<std::string>{"panel", "--master", "tcp://x:1", "--grace", "1"}));
}

TEST(GatewayOptionsTest, LimitsOfLoginsHeartbeatAndCpu) {
  auto cl = parseCommandLine({"--max-pending-logins", "3", "--login-delay", "0.5", "--hang-timeout", "4",
                              "--session-cpu", "50", "--session-cpu-window", "20", "--cert", "c.pem",
                              "--key", "k.pem", "--app", "x"});
  ASSERT_TRUE(cl.ok()) << cl.error().reason;
  EXPECT_EQ(cl->options.maxPendingLogins, 3u);
  EXPECT_EQ(cl->options.loginFailureDelay.count(), 500);
  EXPECT_EQ(cl->options.hangTimeout.count(), 4000);
  EXPECT_EQ(cl->options.sessionCpuPercent, 50u);
  EXPECT_EQ(cl->options.cpuWindow.count(), 20000);
  EXPECT_EQ(cl->options.certificateFile, "c.pem");
  EXPECT_EQ(cl->options.privateKeyFile, "k.pem");
  const GatewayOptions defaults;
  EXPECT_EQ(defaults.hangTimeout.count(), 10000);
  EXPECT_EQ(defaults.sessionCpuPercent, 0u);
}

TEST(GatewayOptionsTest, MistakesAreExplained) {
  EXPECT_EQ(parseCommandLine({"--listen", "9000", "--app", "x"}).error().reason, "--listen HOST:PORT, got 9000");
  EXPECT_EQ(parseCommandLine({"--grace", "soon", "--app", "x"}).error().reason, "--grace: not a non-negative number: soon");
  EXPECT_EQ(parseCommandLine({"--listen", "127.0.0.1:1"}).error().reason, "--app PROGRAM [ARGS...] is required");
  EXPECT_EQ(parseCommandLine({"--cert", "c", "--app", "x"}).error().reason, "--cert and --key go together");
  EXPECT_EQ(parseCommandLine({"--no-auth", "--token", "t", "--app", "x"}).error().reason, "--no-auth contradicts --token/--users");
  EXPECT_EQ(parseCommandLine({"--bogus", "1", "--app", "x"}).error().reason, "unknown option --bogus");
  EXPECT_EQ(parseCommandLine({"--redirect", "page", "--app", "x"}).error().reason, "--redirect /PATH=URL, got page");
  auto ok = parseCommandLine({"--redirect", "/page=http://h:1/?a=b", "--app", "x"});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->options.redirects.at(0).second, "http://h:1/?a=b");
}

TEST(HttpRequestTest, ParsesWhatTheGatewayRoutesOn) {
  const std::string raw =
      "GET /stream?token=a%20b HTTP/1.1\r\nHost: h\r\nCookie: x=1; doppel_session=abc; y=2\r\n"
      "Origin: http://127.0.0.1:8080\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
      "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\nextra";
  const auto end = headerEnd(raw);
  ASSERT_TRUE(end.has_value());
  EXPECT_EQ(raw.substr(*end), "extra");
  auto r = parseRequest(raw, *end);
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(r->method, "GET");
  EXPECT_EQ(r->path, "/stream");
  EXPECT_TRUE(r->upgrade);
  EXPECT_EQ(cookieValue(r->cookie, "doppel_session"), "abc");
  EXPECT_EQ(cookieValue(r->cookie, "missing"), "");
  EXPECT_EQ(formValue(queryOf(r->target), "token"), "a b");
  EXPECT_EQ(r->origin, "http://127.0.0.1:8080");
}

TEST(HttpRequestTest, GarbageIsAnError) {
  const std::string raw = "\x16\x03\x01 not http\r\n\r\n";
  EXPECT_FALSE(parseRequest(raw, raw.size()).ok());
  const std::string absolute = "GET http://evil/ HTTP/1.1\r\nHost: x\r\n\r\n";
  EXPECT_EQ(parseRequest(absolute, absolute.size()).error().reason, "request target is not a path");
  EXPECT_FALSE(headerEnd("GET / HTTP/1.1\r\nHost: x\r\n").has_value());
}

TEST(AuthTest, UsersFileVerifiesOnlyTheRightPassword) {
  const std::string line = hashPasswordLine("ada", "correct horse");
  auto users = Users::parse("# users\n" + line + "\n");
  ASSERT_TRUE(users.ok()) << users.error().reason;
  EXPECT_EQ(users->size(), 1u);
  EXPECT_TRUE(users->verify("ada", "correct horse"));
  EXPECT_FALSE(users->verify("ada", "wrong"));
  EXPECT_FALSE(users->verify("bob", "correct horse"));
  EXPECT_EQ(Users::parse("ada:plain:secret\n").error().reason,
            "line 1: expected name:pbkdf2-sha256:ITERATIONS:SALT_HEX:HASH_HEX");
}

TEST(AuthTest, RandomIdsAreHexAndDiffer) {
  const std::string a = randomHex(16);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, randomHex(16));
  EXPECT_TRUE(sameSecret("abc", "abc"));
  EXPECT_FALSE(sameSecret("abc", "abd"));
  EXPECT_FALSE(sameSecret("abc", "ab"));
}

TEST(PagesTest, OutsideTextIsEscaped) {
  EXPECT_EQ(htmlEscape("<a href='x'>&\""), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;");
  EXPECT_EQ(jsonString("say \"no\"\\\n\x01 ok"), "\"say \\\"no\\\"\\\\\\u000a\\u0001 ok\"");
}

TEST(MetricsTest, RendersPrometheusText) {
  Metrics m;
  m.sessionsStarted = 2;
  m.sessionsEnded["crash"] = 1;
  m.recordSpawn(0.25);
  const std::string text = m.render(1, 8);
  EXPECT_NE(text.find("doppel_gateway_sessions 1\n"), std::string::npos);
  EXPECT_NE(text.find("doppel_gateway_sessions_ended_total{reason=\"crash\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("doppel_gateway_spawn_seconds_count 1\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE doppel_gateway_spawn_seconds summary"), std::string::npos);
}

}  // namespace
}  // namespace doppel::gateway
