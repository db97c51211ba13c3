// Support for the typed sources and replicas that doppelc generates from .rep files
// (docs/doppelc.md): conversions between C++ values and Value, and a typed reply. Generated code
// specialises Convert for its enums and PODs; applications rarely use this header directly.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <initializer_list>
#include <map>
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

/// QDateTime, QDate, QTime and QUuid: doppel's value structs.
#define DOPPEL_TYPED_STRUCT(T, make, read)                                        \
  template <>                                                                     \
  struct Convert<T> {                                                             \
    static Value to(const T& v, std::string_view = {}) { return Value::make(v); } \
    static T from(const Value& v) { return v.read(); }                            \
  };
DOPPEL_TYPED_STRUCT(DateTime, dateTime, toDateTime)
DOPPEL_TYPED_STRUCT(Date, date, toDate)
DOPPEL_TYPED_STRUCT(Time, time, toTime)
DOPPEL_TYPED_STRUCT(Uuid, uuid, toUuid)
#undef DOPPEL_TYPED_STRUCT

/// "QMap<QString,QList<int>>" -> {"QString", "QList<int>"}: split at the top-level comma.
inline std::pair<std::string_view, std::string_view> keyValueTypes(std::string_view qtType) {
  const std::string_view inner = elementType(qtType);
  int depth = 0;
  for (std::size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] == '<') ++depth;
    if (inner[i] == '>') --depth;
    if (inner[i] == ',' && depth == 0) return {inner.substr(0, i), inner.substr(i + 1)};
  }
  return {inner, {}};
}

/// QMap<K,V> and QHash<K,V> (a QHash's order on the wire means nothing; std::map sorts it).
template <class K, class V>
struct Convert<std::map<K, V>> {
  static Value to(const std::map<K, V>& m, std::string_view qtType) {
    const auto types = keyValueTypes(qtType);
    Value::Pairs pairs;
    pairs.reserve(m.size());
    for (const auto& entry : m)
      pairs.emplace_back(Convert<K>::to(entry.first, types.first), Convert<V>::to(entry.second, types.second));
    return Value::userMap(std::string(qtType), std::move(pairs));
  }
  static std::map<K, V> from(const Value& v) {
    std::map<K, V> out;
    for (const auto& entry : v.toPairs()) out.insert_or_assign(Convert<K>::from(entry.first), Convert<V>::from(entry.second));
    return out;
  }
};

/// A .rep FLAG (QFlags<E>): a set of E's bits. Generated code aliases it by the flag's name and
/// defines E | E; it travels as the integer of the enum's size.
template <class E>
class Flags {
public:
  using Int = std::underlying_type_t<E>;
  constexpr Flags() = default;
  constexpr Flags(E bit) : m_bits(static_cast<Int>(bit)) {}  // NOLINT(google-explicit-constructor): as QFlags
  static constexpr Flags fromInt(std::int64_t bits) {
    Flags f;
    f.m_bits = static_cast<Int>(bits);
    return f;
  }
  constexpr Int toInt() const { return m_bits; }
  /// Whether every bit of `bit` is set (for a zero-valued key: whether no bit is set), as QFlags.
  constexpr bool testFlag(E bit) const {
    const Int b = static_cast<Int>(bit);
    return b == 0 ? m_bits == 0 : (m_bits & b) == b;
  }
  constexpr explicit operator bool() const { return m_bits != 0; }
  constexpr Flags operator|(Flags other) const { return fromInt(m_bits | other.m_bits); }
  constexpr Flags operator&(Flags other) const { return fromInt(m_bits & other.m_bits); }
  constexpr Flags operator^(Flags other) const { return fromInt(m_bits ^ other.m_bits); }
  constexpr Flags operator~() const { return fromInt(~m_bits); }
  constexpr Flags& operator|=(Flags other) { return *this = *this | other; }
  constexpr Flags& operator&=(Flags other) { return *this = *this & other; }
  constexpr Flags& operator^=(Flags other) { return *this = *this ^ other; }
  friend constexpr bool operator==(Flags, Flags) = default;
  friend constexpr auto operator<=>(Flags, Flags) = default;

private:
  Int m_bits = 0;
};

template <class T>
Value toValue(const T& v, std::string_view qtType) {
  return Convert<T>::to(v, qtType);
}

template <class T>
T fromValue(const Value& v) {
  return Convert<T>::from(v);
}

/// The ids of the roles a .rep MODEL member names, looked up in a model's roleNames() as Qt's
/// source does; names the model does not have are skipped (Qt warns and skips them too).
inline std::vector<int> roleIds(const std::map<int, std::string>& roleNames,
                                std::initializer_list<std::string_view> names) {
  std::vector<int> out;
  for (std::string_view name : names)
    for (const auto& entry : roleNames)
      if (entry.second == name) {
        out.push_back(entry.first);
        break;
      }
  return out;
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
