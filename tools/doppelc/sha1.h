// SHA-1 for repc's interface signature (protocol §6.5). A compact implementation rather than a
// libcrypto dependency: doppelc is a build tool that must install and run anywhere the library
// does, the input is a few hundred bytes, and OpenSSL 3 deprecates its low-level SHA1 calls.
// Not for security.
#pragma once

#include <string>
#include <string_view>

namespace doppelc {

/// Lowercase hex digest (40 characters).
std::string sha1Hex(std::string_view data);

}  // namespace doppelc
