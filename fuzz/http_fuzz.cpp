// The HTTP entry of the web server: bytes from a peer go through Beast's request parser with the
// server's limits, then through the routing that decides upgrade, static file or refusal
// (web/http_policy.h). The same bytes are also tried as a request target. Invariants: a file is
// only ever served from inside the web root, an upgrade only with the right token and an allowed
// Origin, and a refusal always says why.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "web/http_policy.h"
#include <unistd.h>

using namespace doppel;
using namespace doppel::web;

namespace {

/// A small web root with a file, a directory and a secret beside it, made once per process.
const std::string& webRoot() {
  static const std::string root = [] {
    namespace fs = std::filesystem;
    const fs::path base = fs::temp_directory_path() / ("doppel-http-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(base / "root" / "sub");
    std::ofstream(base / "root" / "index.html") << "<p>hi</p>";
    std::ofstream(base / "root" / "app.js") << "1";
    std::ofstream(base / "root" / "sub" / "index.html") << "sub";
    std::ofstream(base / "secret.txt") << "secret";
    return fs::canonical(base / "root").string();
  }();
  return root;
}

void checkRoute(const Route& route, const Policy& policy) {
  switch (route.kind) {
    case Route::Kind::File:
      DOPPEL_FUZZ_CHECK(route.file.compare(0, policy.webRoot.size() + 1, policy.webRoot + "/") == 0,
                        "a file outside the web root would be served");
      break;
    case Route::Kind::Refuse:
      DOPPEL_FUZZ_CHECK(!route.reason.empty(), "a refusal without a reason");
      DOPPEL_FUZZ_CHECK(static_cast<unsigned>(route.status) >= 400, "a refusal with status < 400");
      break;
    case Route::Kind::Upgrade:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Policy policy;
  policy.webRoot = webRoot();
  policy.token = "fuzz-token";
  policy.allowedOrigins = defaultOrigins("127.0.0.1", 8080, false);

  http::request_parser<http::empty_body> parser;
  parser.header_limit(8192);
  parser.body_limit(0);
  parser.eager(true);
  boost::system::error_code ec;
  std::size_t used = 0;
  while (used < bytes.size() && !parser.is_done()) {
    const std::size_t n = parser.put(net::buffer(bytes.data() + used, bytes.size() - used), ec);
    if (ec || n == 0) break;
    used += n;
  }
  if (!ec && parser.is_done()) {
    const Request& request = parser.get();
    const Route route = routeRequest(request, policy);
    checkRoute(route, policy);
    if (route.kind == Route::Kind::Upgrade) {
      const std::string_view query = toStd(request.target());
      const bool hasToken = query.find("fuzz-token") != std::string_view::npos ||
                            toStd(request[http::field::authorization]).find("fuzz-token") !=
                                std::string_view::npos ||
                            toStd(request[http::field::cookie]).find("fuzz-token") !=
                                std::string_view::npos;
      DOPPEL_FUZZ_CHECK(hasToken, "an upgrade without the token");
    }
  }
  // The bytes as a request target, and as %-encoded text.
  checkRoute(resolveStaticFile(bytes, policy.webRoot), policy);
  (void)percentDecode(bytes);
  (void)queryParameter(bytes, "token");
  (void)mimeType(bytes);
  return 0;
}
