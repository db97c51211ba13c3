// Support for the typed sources and replicas that doppelc generates from .rep files
// (docs/doppelc.md): conversions between C++ values and Value, and a typed reply. Generated code
// specialises Convert for its enums and PODs; applications rarely use this header directly.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "doppel/pending_reply.h"
#include "doppel/value.h"

namespace doppel::typed {

/// Converts a C++ value to the Value of a Qt type and back. `qtType` is the .rep's type name
/// (it picks the Value's type where one C++ type has several Qt spellings, e.g. lists).
template <class T>
struct Convert;

#define DOPPEL_TYPED_SCALAR(T, make, read)                                        \
  template <>                                                                     \
  struct Convert<T> {                                                             \
    static Value to(const T& v, std::string_view = {}) { return Value::make(v); } \
    static T from(const Value& v) { return static_cast<T>(v.read()); }            \
  };
DOPPEL_TYPED_SCALAR(bool, boolean, toBool)
DOPPEL_TYPED_SCALAR(std::int8_t, int8, toInt)
DOPPEL_TYPED_SCALAR(std::uint8_t, uint8, toInt)
DOPPEL_TYPED_SCALAR(std::int16_t, int16, toInt)
DOPPEL_TYPED_SCALAR(std::uint16_t, uint16, toInt)
DOPPEL_TYPED_SCALAR(std::int32_t, int32, toInt)
DOPPEL_TYPED_SCALAR(std::uint32_t, uint32, toInt)
DOPPEL_TYPED_SCALAR(std::int64_t, int64, toInt)
DOPPEL_TYPED_SCALAR(double, float64, toDouble)
DOPPEL_TYPED_SCALAR(float, float32, toDouble)
#undef DOPPEL_TYPED_SCALAR

template <>
struct Convert<std::uint64_t> {
  static Value to(std::uint64_t v, std::string_view = {}) { return Value::uint64(v); }
  static std::uint64_t from(const Value& v) { return static_cast<std::uint64_t>(v.toInt()); }
};

/// QString (UTF-8 here).
template <>
struct Convert<std::string> {
  static Value to(const std::string& v, std::string_view = {}) { return Value::string(v); }
  static std::string from(const Value& v) { return v.toString(); }
};

/// Types doppelc does not map to a C++ type travel as they are.
template <>
struct Convert<Value> {
  static Value to(const Value& v, std::string_view = {}) { return v; }
  static Value from(const Value& v) { return v; }
};

/// "QList<int>" -> "int" (the text between the outer angle brackets, trimmed).
inline std::string_view elementType(std::string_view qtType) {
  const auto open = qtType.find('<');
  const auto close = qtType.rfind('>');
  if (open == std::string_view::npos || close == std::string_view::npos || close <= open) return {};
  std::string_view inner = qtType.substr(open + 1, close - open - 1);
  while (!inner.empty() && inner.front() == ' ') inner.remove_prefix(1);
  while (!inner.empty() && inner.back() == ' ') inner.remove_suffix(1);
  return inner;
}

/// QList<T>, QVector<T> and QStringList.
template <class T>
struct Convert<std::vector<T>> {
  static Value to(const std::vector<T>& v, std::string_view qtType) {
    if constexpr (std::is_same_v<T, std::string>) {
      if (qtType == "QStringList") return Value::stringList(v);
    }
    Value::List items;
    items.reserve(v.size());
    const std::string_view element = elementType(qtType);
    for (const auto& x : v) items.push_back(Convert<T>::to(x, element));
    std::string name(qtType);
    if (name.compare(0, 8, "QVector<") == 0) name = "QList<" + name.substr(8);
    return Value::userList(std::move(name), std::move(items));
  }
  static std::vector<T> from(const Value& v) {
    std::vector<T> out;
    for (const auto& x : v.toList()) out.push_back(Convert<T>::from(x));
    return out;
  }
};

template <class T>
Value toValue(const T& v, std::string_view qtType) {
  return Convert<T>::to(v, qtType);
}

template <class T>
T fromValue(const Value& v) {
  return Convert<T>::from(v);
}

/// A slot's pending reply with its return type: value() converts the reply.
template <class T>
class Reply {
public:
  explicit Reply(PendingReply pending) : m_pending(std::move(pending)) {}
  bool isFinished() const { return m_pending.isFinished(); }
  bool isOk() const { return m_pending.isOk(); }
  bool waitForFinished(std::chrono::milliseconds timeout = std::chrono::milliseconds(30000)) const {
    return m_pending.waitForFinished(timeout);
  }
  T value() const { return Convert<T>::from(m_pending.returnValue()); }
  const PendingReply& pending() const { return m_pending; }

private:
  PendingReply m_pending;
};

}  // namespace doppel::typed
