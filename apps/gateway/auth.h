// Who may start a session: a token, or a users file with PBKDF2-SHA256 password hashes
// (OpenSSL libcrypto); and the random ids of sessions.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "doppel/result.h"

namespace doppel::gateway {

/// `bytes` random bytes from the system's CSPRNG, as lower-case hex.
std::string randomHex(std::size_t bytes);

/// Compares in time that depends only on the lengths.
bool sameSecret(std::string_view a, std::string_view b);

/// A users file: "name:pbkdf2-sha256:ITERATIONS:SALT_HEX:HASH_HEX" per line; '#' comments.
class Users {
public:
  static Result<Users> load(const std::string& path);
  static Result<Users> parse(std::string_view text);
  /// True if `user` exists and `password` hashes to its entry.
  bool verify(std::string_view user, std::string_view password) const;
  std::size_t size() const { return m_entries.size(); }

private:
  struct Entry {
    unsigned iterations = 0;
    std::string salt;  ///< raw bytes
    std::string hash;  ///< raw bytes
  };
  std::map<std::string, Entry, std::less<>> m_entries;
};

/// The users-file line for `user` with a fresh salt (100,000 iterations).
std::string hashPasswordLine(std::string_view user, std::string_view password);

}  // namespace doppel::gateway
