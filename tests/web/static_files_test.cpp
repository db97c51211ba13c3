// The static web root: MIME types, caching headers and revalidation, index.html for
// directories, and every path traversal variant refused without leaking the file outside.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "web_test_support.h"
#include <unistd.h>

namespace doppel::webtest {
namespace {

namespace fs = std::filesystem;

void writeFile(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

class StaticFilesTest : public WebHostFixture {
protected:
  void SetUp() override {
    base = fs::temp_directory_path() /
           ("doppel-web-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base);
    root = base / "root";
    writeFile(base / "secret.txt", "TOP SECRET");
    writeFile(root / "index.html", "<!doctype html><title>demo</title>");
    writeFile(root / "app.js", "export const x = 1;\n");
    writeFile(root / "mod.mjs", "export {};\n");
    writeFile(root / "style.css", "body{}\n");
    writeFile(root / "data.json", "{}");
    writeFile(root / "app.js.map", "{}");
    writeFile(root / "code.wasm", std::string("\0asm\1\0\0\0", 8));
    writeFile(root / "pic.png", "\x89PNG");
    writeFile(root / "logo.svg", "<svg/>");
    writeFile(root / "favicon.ico", "ico");
    writeFile(root / "notes.txt", "notes");
    writeFile(root / "blob.bin", "bin");
    writeFile(root / "sub" / "index.html", "sub index");
    writeFile(root / "a b.txt", "spaced");
    fs::create_symlink(base / "secret.txt", root / "link-out.txt");
    fs::create_symlink(base, root / "dir-out");
    fs::create_symlink(root / "notes.txt", root / "link-in.txt");
    WebOptions options;
    options.webRoot = root.string();
    options.token = "t";
    startServer(options);
  }
  void TearDown() override {
    WebHostFixture::TearDown();
    fs::remove_all(base);
  }

  HttpReply fetch(const std::string& target, const std::string& extra = "") {
    RawClient raw(*loop, server->port());
    return raw.request(get(target, extra));
  }

  fs::path base;
  fs::path root;
};

TEST_F(StaticFilesTest, ServesEveryKnownTypeWithItsMimeType) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"/index.html", "text/html; charset=utf-8"},
      {"/app.js", "text/javascript; charset=utf-8"},
      {"/mod.mjs", "text/javascript; charset=utf-8"},
      {"/style.css", "text/css; charset=utf-8"},
      {"/data.json", "application/json"},
      {"/app.js.map", "application/json"},
      {"/code.wasm", "application/wasm"},
      {"/pic.png", "image/png"},
      {"/logo.svg", "image/svg+xml"},
      {"/favicon.ico", "image/vnd.microsoft.icon"},
      {"/notes.txt", "text/plain; charset=utf-8"},
      {"/blob.bin", "application/octet-stream"},
  };
  for (const auto& [target, type] : expected) {
    const auto r = fetch(target);
    EXPECT_EQ(r.status, 200) << target;
    EXPECT_EQ(r.headers.at("content-type"), type) << target;
    EXPECT_EQ(r.headers.at("x-content-type-options"), "nosniff") << target;
  }
  EXPECT_EQ(fetch("/code.wasm").body, std::string("\0asm\1\0\0\0", 8));
  EXPECT_EQ(fetch("/a%20b.txt").body, "spaced");
  EXPECT_EQ(fetch("/notes.txt?v=3").body, "notes");
  EXPECT_EQ(fetch("/link-in.txt").body, "notes");  // a symlink inside the root is fine
}

TEST_F(StaticFilesTest, DirectoriesServeIndexHtml) {
  EXPECT_EQ(fetch("/").body, "<!doctype html><title>demo</title>");
  EXPECT_EQ(fetch("/?token=t").body, "<!doctype html><title>demo</title>");
  EXPECT_EQ(fetch("/sub/").body, "sub index");
  EXPECT_EQ(fetch("/sub").body, "sub index");
  EXPECT_EQ(fetch("/missing.js").status, 404);
}

TEST_F(StaticFilesTest, CachingHeadersAndRevalidation) {
  const auto first = fetch("/app.js");
  ASSERT_EQ(first.status, 200);
  const std::string etag = first.headers.at("etag");
  EXPECT_EQ(etag.front(), '"');
  EXPECT_FALSE(first.headers.at("last-modified").empty());
  EXPECT_EQ(first.headers.at("cache-control"), "no-cache");
  const auto same = fetch("/app.js", "If-None-Match: " + etag + "\r\n");
  EXPECT_EQ(same.status, 304);
  EXPECT_TRUE(same.body.empty());
  const auto since =
      fetch("/app.js", "If-Modified-Since: " + first.headers.at("last-modified") + "\r\n");
  EXPECT_EQ(since.status, 304);
  // The file changes: a new ETag and the full body again.
  writeFile(root / "app.js", "export const x = 2; // longer\n");
  const auto changed = fetch("/app.js", "If-None-Match: " + etag + "\r\n");
  EXPECT_EQ(changed.status, 200);
  EXPECT_NE(changed.headers.at("etag"), etag);
  EXPECT_EQ(changed.body, "export const x = 2; // longer\n");
}

TEST_F(StaticFilesTest, HeadAndKeepAlive) {
  RawClient raw(*loop, server->port());
  const auto head = raw.head("HEAD /notes.txt HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers.at("content-length"), "5");
  EXPECT_TRUE(head.body.empty());
  // The same connection serves the next request.
  const auto next = raw.request(get("/notes.txt"));
  EXPECT_EQ(next.status, 200);
  EXPECT_EQ(next.body, "notes");
}

TEST_F(StaticFilesTest, PathTraversalVariantsAreRefused) {
  const std::vector<std::string> attacks = {
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E/secret.txt",
      "/%252e%252e/secret.txt",
      "/..%2fsecret.txt",
      "/..%2Fsecret.txt",
      "/%2e%2e%2fsecret.txt",
      "/sub/../../secret.txt",
      "/sub/%2e%2e/%2e%2e/secret.txt",
      "/..\\secret.txt",
      "/%5c..%5csecret.txt",
      "/..%5csecret.txt",
      "/./index.html",
      "/link-out.txt",
      "/dir-out/secret.txt",
      "/%00secret.txt",
      "/%zz",
      "/%2",
  };
  for (const auto& target : attacks) {
    const auto r = fetch(target);
    EXPECT_TRUE(r.status == 400 || r.status == 403 || r.status == 404)
        << target << " -> " << r.status;
    EXPECT_EQ(r.body.find("TOP SECRET"), std::string::npos) << target;
  }
  EXPECT_EQ(fetch("/../secret.txt").status, 403);
  EXPECT_EQ(fetch("/%252e%252e/secret.txt").status, 403);
  EXPECT_EQ(fetch("/link-out.txt").status, 403);
  // An absolute-form or relative target is not a path under the root.
  EXPECT_EQ(fetch("secret.txt").status, 400);
  expectServing(server->url() + "?token=t");
}

}  // namespace
}  // namespace doppel::webtest
