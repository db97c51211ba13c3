// The pure decisions behind the server (web/http_policy.h): decoding, tokens, Origins, MIME.
#include "web/http_policy.h"

#include <gtest/gtest.h>

namespace doppel::web {
namespace {

Request upgradeRequest(const std::string& target) {
  Request req{http::verb::get, toBeast(target), 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::upgrade, "websocket");
  req.set(http::field::connection, "Upgrade");
  req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  req.set(http::field::sec_websocket_version, "13");
  return req;
}

TEST(HttpPolicyTest, PercentDecodeIsStrict) {
  EXPECT_EQ(*percentDecode("a%20b%2F"), "a b/");
  EXPECT_FALSE(percentDecode("%2").ok());
  EXPECT_FALSE(percentDecode("%").ok());
  EXPECT_FALSE(percentDecode("%g0").ok());
  EXPECT_EQ(*percentDecode("%252e"), "%2e");  // once only
}

TEST(HttpPolicyTest, QueryParameter) {
  EXPECT_EQ(queryParameter("/?token=abc", "token"), "abc");
  EXPECT_EQ(queryParameter("/x?a=1&token=a%2Bb&c", "token"), "a+b");
  EXPECT_EQ(queryParameter("/x?tokens=1", "token"), "");
  EXPECT_EQ(queryParameter("/x", "token"), "");
}

TEST(HttpPolicyTest, ConstantTimeEquals) {
  EXPECT_TRUE(constantTimeEquals("abc", "abc"));
  EXPECT_FALSE(constantTimeEquals("abc", "abd"));
  EXPECT_FALSE(constantTimeEquals("abc", "ab"));
}

TEST(HttpPolicyTest, DefaultOriginsAreTheServersOwnAddress) {
  const auto loopback = defaultOrigins("127.0.0.1", 8080, false);
  EXPECT_EQ(loopback, (std::vector<std::string>{"http://127.0.0.1:8080", "http://localhost:8080",
                                                "http://[::1]:8080"}));
  EXPECT_EQ(defaultOrigins("192.168.1.5", 443, true),
            std::vector<std::string>{"https://192.168.1.5:443"});
  EXPECT_EQ(normalizeOrigin(" HTTP://Host:80/ "), "http://host:80");
}

TEST(HttpPolicyTest, UpgradeChecksOriginThenToken) {
  Policy policy;
  policy.allowedOrigins = defaultOrigins("127.0.0.1", 80, false);
  policy.token = "k";
  auto req = upgradeRequest("/?token=k");
  EXPECT_EQ(routeRequest(req, policy).kind, Route::Kind::Upgrade);
  req.set(http::field::origin, "http://localhost:80");
  EXPECT_EQ(routeRequest(req, policy).kind, Route::Kind::Upgrade);
  req.set(http::field::origin, "null");
  EXPECT_EQ(routeRequest(req, policy).status, http::status::forbidden);
  auto noToken = upgradeRequest("/");
  EXPECT_EQ(routeRequest(noToken, policy).reason, "missing token");
  noToken.set(http::field::authorization, "Basic aGk=");
  EXPECT_EQ(routeRequest(noToken, policy).reason, "missing token");
  noToken.set(http::field::authorization, "bearer k");
  EXPECT_EQ(routeRequest(noToken, policy).kind, Route::Kind::Upgrade);
  policy.allowedOrigins = {"*"};
  req.set(http::field::origin, "http://anything");
  EXPECT_EQ(routeRequest(req, policy).kind, Route::Kind::Upgrade);
}

TEST(HttpPolicyTest, MimeTypes) {
  EXPECT_EQ(mimeType("/a/b.MJS"), "text/javascript; charset=utf-8");
  EXPECT_EQ(mimeType("/a.b/c"), "application/octet-stream");
  EXPECT_EQ(mimeType("/x.wasm"), "application/wasm");
}

TEST(HttpPolicyTest, NoWebRootMeans404) {
  EXPECT_EQ(resolveStaticFile("/index.html", "").status, http::status::not_found);
}

}  // namespace
}  // namespace doppel::web
