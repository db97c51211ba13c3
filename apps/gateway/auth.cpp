#include "auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace doppel::gateway {

namespace {

// 100,000 keeps a login under ~50 ms on this machine: verification runs on the gateway loop.
constexpr unsigned kIterations = 100000;
constexpr std::size_t kHashBytes = 32;

std::string toHex(std::string_view raw) {
  static constexpr char kDigits[] = "0123456789abcdef";  // NOLINT(cppcoreguidelines-avoid-c-arrays)
  std::string out;
  for (const char c : raw) {
    const auto b = static_cast<unsigned char>(c);
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

bool fromHex(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  out.clear();
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned v = 0;
    const auto [end, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, v, 16);
    if (ec != std::errc() || end != hex.data() + i + 2) return false;
    out += static_cast<char>(v);
  }
  return true;
}

std::string pbkdf2(std::string_view password, std::string_view salt, unsigned iterations) {
  std::string out(kHashBytes, '\0');
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                    static_cast<int>(iterations), EVP_sha256(), static_cast<int>(out.size()),
                    reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (;;) {
    const auto at = s.find(sep);
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + 1);
  }
}

}  // namespace

std::string randomHex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
    throw std::runtime_error("RAND_bytes failed");  // no entropy: nothing safe to do
  return toHex(raw);
}

bool sameSecret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<Users> Users::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return makeError(ErrorCode::InvalidArgument, "cannot read users file " + path);
  std::stringstream text;
  text << in.rdbuf();
  auto users = parse(text.str());
  if (!users) return makeError(ErrorCode::InvalidArgument, path + ": " + users.error().reason);
  return users;
}

Result<Users> Users::parse(std::string_view text) {
  Users users;
  int lineNo = 0;
  for (std::string_view line : split(text, '\n')) {
    ++lineNo;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    const auto f = split(line, ':');
    Entry e;
    unsigned iterations = 0;
    const bool ok = f.size() == 5 && !f[0].empty() && f[1] == "pbkdf2-sha256" &&
                    std::from_chars(f[2].data(), f[2].data() + f[2].size(), iterations).ec ==
                        std::errc() &&
                    iterations > 0 && fromHex(f[3], e.salt) && fromHex(f[4], e.hash) &&
                    e.hash.size() == kHashBytes;
    if (!ok)
      return makeError(ErrorCode::Malformed,
                       "line " + std::to_string(lineNo) +
                           ": expected name:pbkdf2-sha256:ITERATIONS:SALT_HEX:HASH_HEX");
    e.iterations = iterations;
    users.m_entries[std::string(f[0])] = std::move(e);
  }
  return users;
}

bool Users::verify(std::string_view user, std::string_view password) const {
  const auto it = m_entries.find(user);
  if (it == m_entries.end()) {
    (void)pbkdf2(password, "timing", kIterations);  // same cost as a wrong password
    return false;
  }
  return sameSecret(pbkdf2(password, it->second.salt, it->second.iterations), it->second.hash);
}

std::string hashPasswordLine(std::string_view user, std::string_view password) {
  std::string salt;
  (void)fromHex(randomHex(16), salt);
  return std::string(user) + ":pbkdf2-sha256:" + std::to_string(kIterations) + ":" + toHex(salt) +
         ":" + toHex(pbkdf2(password, salt, kIterations));
}

}  // namespace doppel::gateway
