#include "interop_doppel.h"

#include <pthread.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <thread>

#include "../interop_values.h"

namespace interopd {

using doppel::EnumDef;
using doppel::GadgetDef;
using doppel::InterfaceBuilder;
using doppel::PropertyMode;
using doppel::TypeId;
using doppel::Value;

std::vector<Expected> interopProperties() {
  using doppel::Date;
  using doppel::DateTime;
  using doppel::Time;
  using doppel::Uuid;
#define INTEROP_DOPPEL_ROW(name, type, kind, qtValue, doppelValue) \
  Expected{#name, type, Kind::kind, doppelValue},
  return {INTEROP_PROPERTIES(INTEROP_DOPPEL_ROW)};
}

std::vector<Expected> plainProperties() {
  return {INTEROP_PLAIN_PROPERTIES(INTEROP_DOPPEL_ROW)};
}
#undef INTEROP_DOPPEL_ROW

const Value& tableValue(const std::vector<Expected>& table, std::string_view name) {
  static const Value kInvalid;
  for (const auto& e : table)
    if (e.name == name) return e.value;
  return kInvalid;
}

Value myPod(int i, std::string_view s, double d) {
  return Value::userList("MyPod", {Value::int32(i), Value::string(s), Value::float64(d)});
}

doppel::ClassInterface interopInterface(bool withSignature) {
  InterfaceBuilder b("Interop");
  if (withSignature) b.signature(interop::kInteropSignature);
  b.enumeration(EnumDef{"Mode", false, false, 4, {{"Off", 0}, {"On", 2}, {"Auto", 3}}});
  b.enumeration(EnumDef{"Level", false, true, 1, {{"Low", 0}, {"High", 200}}});
  b.gadget(GadgetDef{"MyPod", {{"i", "int"}, {"s", "QString"}, {"d", "double"}}, {}});
  for (const auto& e : interopProperties()) {
    PropertyMode mode = PropertyMode::ReadPush;
    if (e.name == "constProp") mode = PropertyMode::Constant;
    if (e.name == "text") mode = PropertyMode::ReadWrite;
    b.property(e.name, e.type, mode);
  }
  b.signal("pinged", {{"msg", "QString"}, {"n", "int"}});
  b.signal("richSignal",
           {{"pod", "MyPod"}, {"mode", "Mode"}, {"list", "QList<int>"}, {"map", "QVariantMap"}});
  b.signal("fired");
  b.slot("add", {{"a", "int"}, {"b", "int"}}, "int");
  b.slot("echo", {{"s", "QString"}}, "QString");
  b.slot("fire", {{"msg", "QString"}, {"n", "int"}});
  b.slot("echoPod", {{"p", "MyPod"}}, "MyPod");
  b.slot("nextMode", {{"m", "Mode"}}, "Mode");
  b.slot("sum", {{"values", "QList<int>"}}, "qint64");
  b.slot("reversePods", {{"pods", "QList<MyPod>"}}, "QList<MyPod>");
  return b.build();
}

doppel::ClassInterface plainInterface() {
  InterfaceBuilder b("");
  for (const auto& e : plainProperties())
    b.property(e.name, e.type, e.name == "big" ? PropertyMode::Constant : PropertyMode::ReadWrite);
  b.signal("somethingHappened", {{"what", "QString"}, {"value", "double"}});
  b.slot("greet", {{"name", "QString"}}, "QString");
  b.slot("trigger", {{"what", "QString"}, {"value", "double"}});
  b.slot("twice", {{"x", "int"}}, "int");
  return b.build();
}

namespace {

bool fail(std::string* why, std::string text) {
  if (why) *why = std::move(text);
  return false;
}

bool isIntegral(const Value& v) {
  switch (v.typeId()) {
    case TypeId::Bool:
    case TypeId::Int:
    case TypeId::UInt:
    case TypeId::LongLong:
    case TypeId::ULongLong:
    case TypeId::Long:
    case TypeId::ULong:
    case TypeId::Short:
    case TypeId::UShort:
    case TypeId::Char:
    case TypeId::SChar:
    case TypeId::UChar:
      return true;
    default:
      return v.isEnum();
  }
}

bool isHash(const Value& v) {
  return v.typeId() == TypeId::QVariantHash ||
         (v.isUser() && v.typeName().substr(0, 6) == std::string_view("QHash<"));
}

}  // namespace

bool matches(const Value& actual, const Value& expected, std::string* why) {
  if (expected.isEnum()) {
    if (!isIntegral(actual)) {
      return fail(why, "not an enum or integer");
    }
    const int bits = expected.enumSize() * 8;
    const std::uint64_t mask = bits >= 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << bits) - 1);
    if ((static_cast<std::uint64_t>(actual.toInt()) & mask) !=
        (static_cast<std::uint64_t>(expected.toInt()) & mask))
      return fail(why, "enum value differs");
    return true;
  }
  if (actual.typeId() != expected.typeId()) {
    return fail(why, "type " + std::string(actual.typeName()) + ", expected " +
                         std::string(expected.typeName()));
  }
  if (actual.isUser() && actual.typeName() != expected.typeName()) {
    return fail(why, "type " + std::string(actual.typeName()) + ", expected " +
                         std::string(expected.typeName()));
  }
  if (isHash(expected) && actual.isPairs() && expected.isPairs()) {
    const auto& a = actual.toPairs();
    const auto& e = expected.toPairs();
    if (a.size() != e.size()) return fail(why, "hash size differs");
    for (const auto& entry : e) {
      const auto& key = entry.first;  // clang 14 cannot capture structured bindings
      const auto& val = entry.second;
      const auto it =
          std::find_if(a.begin(), a.end(), [&](const auto& p) { return p.first == key; });
      if (it == a.end()) return fail(why, "key " + key.debugString() + " missing");
      std::string inner;
      if (!matches(it->second, val, &inner))
        return fail(why, "key " + key.debugString() + ": " + inner);
    }
    return true;
  }
  if (actual.isList() && expected.isList()) {
    const auto& a = actual.toList();
    const auto& e = expected.toList();
    if (a.size() != e.size()) return fail(why, "size differs");
    for (std::size_t i = 0; i < a.size(); ++i) {
      std::string inner;
      if (!matches(a[i], e[i], &inner))
        return fail(why, "element " + std::to_string(i) + ": " + inner);
    }
    return true;
  }
  if (actual.isPairs() && expected.isPairs()) {
    const auto& a = actual.toPairs();
    const auto& e = expected.toPairs();
    if (a.size() != e.size()) return fail(why, "size differs");
    for (std::size_t i = 0; i < a.size(); ++i) {
      std::string inner;
      if (!matches(a[i].first, e[i].first, &inner))
        return fail(why, "key " + std::to_string(i) + ": " + inner);
      if (!matches(a[i].second, e[i].second, &inner))
        return fail(why, "value of " + e[i].first.debugString() + ": " + inner);
    }
    return true;
  }
  if (actual != expected) return fail(why, "value differs");
  return true;
}

void say(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

namespace {
sigset_t stopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  return signals;
}
}  // namespace

void blockStopSignals() {
  const sigset_t signals = stopSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

void serveUntilStopped(doppel::EventLoop& loop, const std::string& url) {
  std::thread stopper([&loop] {
    const sigset_t signals = stopSignals();
    int sig = 0;
    sigwait(&signals, &sig);
    loop.stop();
  });
  say("READY " + url);
  loop.run();
  stopper.join();
}

void Checker::ok(const std::string& check) {
  ++m_passes;
  say("ok " + check);
}

void Checker::fail(const std::string& check, const std::string& message) {
  ++m_failures;
  say("FAIL " + check + ": " + message);
}

bool Checker::value(const std::string& check, const Value& actual, const Value& expected) {
  std::string why;
  if (matches(actual, expected, &why)) {
    ok(check);
    return true;
  }
  fail(check,
       "got " + actual.debugString() + " expected " + expected.debugString() + " (" + why + ")");
  return false;
}

}  // namespace interopd
