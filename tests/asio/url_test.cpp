// parseUrl and Url::toString (src/core/url.h): every scheme of protocol §2.1, and the exact
// errors a user sees for the mistakes people make.
#include "core/url.h"

#include <cstdlib>
#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace doppel {
namespace {

Url parsed(std::string_view text) {
  auto url = parseUrl(text);
  EXPECT_TRUE(url.ok()) << text << ": " << (url.ok() ? "" : url.error().toString());
  return url.ok() ? *url : Url{};
}

Error refused(std::string_view text) {
  auto url = parseUrl(text);
  EXPECT_FALSE(url.ok()) << text << " was accepted";
  if (url.ok()) return {};
  EXPECT_EQ(url.error().code, ErrorCode::InvalidArgument);
  EXPECT_NE(url.error().reason.find("invalid URL \"" + std::string(text) + "\""), std::string::npos)
      << url.error().reason;
  return url.error();
}

/// Sets TMPDIR for one test and restores it afterwards.
class TmpDir {
public:
  explicit TmpDir(const char* value) {
    if (const char* old = std::getenv("TMPDIR")) m_old = old;
    if (value)
      ::setenv("TMPDIR", value, 1);
    else
      ::unsetenv("TMPDIR");
  }
  ~TmpDir() {
    if (m_old)
      ::setenv("TMPDIR", m_old->c_str(), 1);
    else
      ::unsetenv("TMPDIR");
  }
  TmpDir(const TmpDir&) = delete;
  TmpDir& operator=(const TmpDir&) = delete;

private:
  std::optional<std::string> m_old;
};

TEST(UrlTest, TcpWithAnIpv4AddressGivesHostAndPort) {
  const Url url = parsed("tcp://127.0.0.1:65213");
  EXPECT_EQ(url.scheme, Url::Scheme::Tcp);
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, 65213);
  EXPECT_EQ(url.path, "");
  EXPECT_EQ(url.toString(), "tcp://127.0.0.1:65213");
}

TEST(UrlTest, TcpWithABracketedIpv6AddressDropsTheBrackets) {
  const Url url = parsed("tcp://[::1]:9999");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, 9999);
  EXPECT_EQ(url.toString(), "tcp://[::1]:9999");
  EXPECT_EQ(parsed("tcp://[fe80::1%eth0]:1").host, "fe80::1%eth0");
  EXPECT_EQ(parsed("tcp://[::ffff:10.0.0.1]:1").host, "::ffff:10.0.0.1");
}

TEST(UrlTest, TcpAcceptsHostNames) {
  const Url url = parsed("tcp://build-host.example.org:80");
  EXPECT_EQ(url.host, "build-host.example.org");
  EXPECT_EQ(url.port, 80);
  EXPECT_EQ(parsed("tcp://localhost:1").host, "localhost");
}

TEST(UrlTest, TcpPortsRangeFromZeroTo65535) {
  EXPECT_EQ(parsed("tcp://127.0.0.1:0").port, 0);
  EXPECT_EQ(parsed("tcp://127.0.0.1:65535").port, 65535);
  EXPECT_NE(
      refused("tcp://127.0.0.1:65536").reason.find("the port \"65536\" is not a number 0-65535"),
      std::string::npos);
  EXPECT_NE(refused("tcp://127.0.0.1:-1").reason.find("is not a number"), std::string::npos);
  EXPECT_NE(refused("tcp://127.0.0.1:80x").reason.find("is not a number"), std::string::npos);
  EXPECT_NE(refused("tcp://127.0.0.1:").reason.find("is not a number"), std::string::npos);
  EXPECT_NE(refused("tcp://127.0.0.1:1000000").reason.find("is not a number"), std::string::npos);
}

TEST(UrlTest, TcpWithoutAPortIsRefused) {
  EXPECT_EQ(refused("tcp://127.0.0.1").reason,
            "invalid URL \"tcp://127.0.0.1\": the port is missing (write tcp://HOST:PORT)");
  EXPECT_NE(refused("tcp://[::1]").reason.find("the port is missing"), std::string::npos);
}

TEST(UrlTest, TcpRefusesMalformedHosts) {
  EXPECT_NE(refused("tcp://:80").reason.find("the host is missing"), std::string::npos);
  EXPECT_NE(refused("tcp://::1:80").reason.find("IPv6 addresses go in brackets"),
            std::string::npos);
  EXPECT_NE(refused("tcp://[::1:80").reason.find("missing ']'"), std::string::npos);
  EXPECT_NE(refused("tcp://[nothex]:80").reason.find("is not an IPv6 address"), std::string::npos);
  EXPECT_NE(refused("tcp://user@host:80").reason.find("user names"), std::string::npos);
  EXPECT_NE(refused("tcp://ho st:80").reason.find("contains ' '"), std::string::npos);
  EXPECT_NE(refused("tcp:127.0.0.1:80").reason.find("write tcp://HOST:PORT"), std::string::npos);
}

TEST(UrlTest, TcpAllowsATrailingSlashButNoPath) {
  EXPECT_EQ(parsed("tcp://127.0.0.1:80/").port, 80);
  EXPECT_NE(refused("tcp://127.0.0.1:80/x").reason.find("no path"), std::string::npos);
}

TEST(UrlTest, LocalNameGoesToTmpdir) {
  const TmpDir tmp("/var/tmp/doppel-test/");
  const Url url = parsed("local:qtro_lab_test");
  EXPECT_EQ(url.scheme, Url::Scheme::Local);
  EXPECT_EQ(url.path, "/var/tmp/doppel-test/qtro_lab_test");
  EXPECT_EQ(url.toString(), "local:/var/tmp/doppel-test/qtro_lab_test");
}

TEST(UrlTest, LocalNameGoesToSlashTmpWithoutTmpdir) {
  const TmpDir unset(nullptr);
  EXPECT_EQ(parsed("local:qtro_lab_test").path, "/tmp/qtro_lab_test");
  const TmpDir empty("");
  EXPECT_EQ(parsed("local:qtro_lab_test").path, "/tmp/qtro_lab_test");
}

TEST(UrlTest, LocalAbsolutePathIsKept) {
  const Url url = parsed("local:/run/user/1000/app.sock");
  EXPECT_EQ(url.path, "/run/user/1000/app.sock");
  EXPECT_EQ(url.toString(), "local:/run/user/1000/app.sock");
}

TEST(UrlTest, LocalWithDoubleSlashIsRefusedWithTheRightSpelling) {
  EXPECT_EQ(refused("local://name").reason,
            "invalid URL \"local://name\": write local:name (or local:/absolute/path); with \"//\" "
            "the name would be a host part");
  EXPECT_NE(refused("localabstract://name").reason.find("write localabstract:name"),
            std::string::npos);
}

TEST(UrlTest, LocalWithoutANameIsRefused) {
  EXPECT_NE(refused("local:").reason.find("the socket name is missing"), std::string::npos);
  EXPECT_NE(refused("localabstract:").reason.find("the socket name is missing"), std::string::npos);
}

TEST(UrlTest, SocketPathsLongerThanSunPathAreRefused) {
  const std::string fits = "/" + std::string(106, 'a');  // 107 bytes plus the NUL
  EXPECT_EQ(parsed("local:" + fits).path, fits);
  EXPECT_NE(refused("local:" + fits + "a").reason.find("longer than 107 bytes"), std::string::npos);
  EXPECT_EQ(parsed("localabstract:" + std::string(106, 'b')).path, std::string(106, 'b'));
  EXPECT_NE(refused("localabstract:" + std::string(107, 'b')).reason.find("longer than 106 bytes"),
            std::string::npos);
}

TEST(UrlTest, LocalAbstractKeepsTheNameWithoutPrefix) {
  const Url url = parsed("localabstract:doppel-demo");
  EXPECT_EQ(url.scheme, Url::Scheme::LocalAbstract);
  EXPECT_EQ(url.path, "doppel-demo");
  EXPECT_EQ(url.toString(), "localabstract:doppel-demo");
}

TEST(UrlTest, WsAndWssHaveDefaultPortsAndATarget) {
  Url url = parsed("ws://127.0.0.1:8080/remote?token=abc#frag");
  EXPECT_EQ(url.scheme, Url::Scheme::Ws);
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, 8080);
  EXPECT_EQ(url.path, "/remote?token=abc");
  EXPECT_EQ(url.toString(), "ws://127.0.0.1:8080/remote?token=abc");

  url = parsed("wss://example.org");
  EXPECT_EQ(url.scheme, Url::Scheme::Wss);
  EXPECT_EQ(url.port, 443);
  EXPECT_EQ(url.path, "/");
  EXPECT_EQ(url.toString(), "wss://example.org/");

  EXPECT_EQ(parsed("ws://[::1]/x").toString(), "ws://[::1]/x");
  EXPECT_EQ(parsed("ws://h?q").path, "/?q");
  EXPECT_NE(refused("ws://h:99999/").reason.find("(write ws://HOST:PORT/PATH)"), std::string::npos);
  EXPECT_NE(refused("ws://h/a b").reason.find("space"), std::string::npos);
}

TEST(UrlTest, SchemesAreCaseInsensitive) {
  EXPECT_EQ(parsed("TCP://127.0.0.1:1").scheme, Url::Scheme::Tcp);
  EXPECT_EQ(parsed("LocalAbstract:x").scheme, Url::Scheme::LocalAbstract);
}

TEST(UrlTest, UnknownOrMissingSchemesAreRefusedWithTheAcceptedForms) {
  EXPECT_NE(refused("http://x:80").reason.find("unknown scheme \"http\"; expected tcp://HOST:PORT"),
            std::string::npos);
  EXPECT_NE(refused("127.0.0.1:80").reason.find("unknown scheme \"127.0.0.1\""), std::string::npos);
  EXPECT_NE(refused("name").reason.find("no scheme"), std::string::npos);
  EXPECT_NE(refused("").reason.find("empty"), std::string::npos);
  EXPECT_NE(refused(":x").reason.find("no scheme"), std::string::npos);
}

TEST(UrlTest, ToStringReadsBackToTheSameUrl) {
  for (const char* text : {"tcp://10.1.2.3:7", "tcp://[2001:db8::1]:65535", "local:/tmp/a.sock",
                           "localabstract:a b", "ws://h:81/p", "wss://h/"}) {
    const Url url = parsed(text);
    const Url again = parsed(url.toString());
    EXPECT_EQ(again.scheme, url.scheme) << text;
    EXPECT_EQ(again.host, url.host) << text;
    EXPECT_EQ(again.port, url.port) << text;
    EXPECT_EQ(again.path, url.path) << text;
    EXPECT_EQ(url.toString(), text);
  }
}

}  // namespace
}  // namespace doppel
