// Result<T>: a value or an Error, shaped like std::expected (GCC 12 has none) so it can become an
// alias later. Malformed input from a peer is always reported through this type, never thrown.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace doppel {

/// What went wrong, coarse enough for callers to branch on.
enum class ErrorCode {
  Truncated,          ///< input ended before a complete item was read
  LimitExceeded,      ///< a size, count or depth is over the configured Limits
  Malformed,          ///< bytes that cannot be what the protocol says is here
  UnknownType,        ///< a value type name that no registry entry describes
  UnknownName,        ///< an object, property, signal or slot that does not exist
  WrongType,          ///< a value of the wrong type for the place it was given
  ProtocolMismatch,   ///< the peer speaks another protocol version
  InvalidArgument,    ///< an API caller passed something unusable (bad URL, ...)
  ConnectionFailed,   ///< connect, listen or an established connection failed
  Timeout,            ///< a deadline passed
  Disconnected,       ///< the peer went away while something was outstanding
  SignatureMismatch,  ///< a typed replica met a source of another interface
  NotSupported,       ///< well formed but not something doppel implements
};

const char* errorCodeName(ErrorCode code);

/// An error with the byte offset where it was found (0 when not about input bytes) and a reason
/// written for the log, e.g. "QString length 400 exceeds the 300 bytes left in the frame".
struct Error {
  ErrorCode code = ErrorCode::Malformed;
  std::size_t offset = 0;
  std::string reason;

  /// "Malformed at byte 12: reason"
  std::string toString() const;
};

namespace detail {
struct ErrorTag {};
}  // namespace detail

template <typename T>
class [[nodiscard]] Result {
public:
  Result(T value) : m_data(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : m_data(std::in_place_index<1>, std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return m_data.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(m_data); }
  const T& value() const& { return std::get<0>(m_data); }
  T&& value() && { return std::get<0>(std::move(m_data)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(m_data); }

private:
  std::variant<T, Error> m_data;
};

template <>
class [[nodiscard]] Result<void> {
public:
  Result() = default;
  Result(Error error) : m_error(std::move(error)), m_ok(false) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return m_ok; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return m_error; }

private:
  Error m_error;
  bool m_ok = true;
};

inline Error makeError(ErrorCode code, std::string reason, std::size_t offset = 0) {
  return Error{code, offset, std::move(reason)};
}

}  // namespace doppel
