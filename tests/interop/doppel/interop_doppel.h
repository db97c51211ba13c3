// The doppel side of the interop tests: the Interop and Plain interfaces built with
// InterfaceBuilder in the index order Qt uses (repc's for Interop, plain-QObject rules for
// Plain), the expected-values table (../interop_values.h) as doppel::Values, and the exact
// comparison the doppel client uses.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "doppel/event_loop.h"
#include "doppel/interface.h"
#include "doppel/value.h"

namespace interopd {

enum class Kind { Value, Gadget, GadgetList, GadgetMap, Enum };

struct Expected {
  std::string name;
  std::string type;  ///< .rep / Qt type name
  Kind kind;
  doppel::Value value;
};

/// Interop, in .rep order: properties of the table; `<prop>Changed` for the non-CONSTANT ones,
/// then pinged, richSignal, fired; `push<Prop>` for the READPUSH ones, then add, echo, fire,
/// echoPod, nextMode, sum, reversePods. Without `withSignature` no signature (null on the wire),
/// which Qt typed replicas accept; with it repc's (interop::kInteropSignature), which they check.
doppel::ClassInterface interopInterface(bool withSignature = false);
/// Plain (typeName null): the properties of the table, NOTIFY signals in property order (none
/// for the CONSTANT `big`), then somethingHappened; methods greet, trigger, twice (moc order:
/// slots before Q_INVOKABLEs).
doppel::ClassInterface plainInterface();

std::vector<Expected> interopProperties();
std::vector<Expected> plainProperties();
const doppel::Value& tableValue(const std::vector<Expected>& table, std::string_view name);

/// The POD as doppel sends it: one value per field.
doppel::Value myPod(int i, std::string_view s, double d);

/// Exact comparison: same type id (and type name for user types), same payload, a null string
/// is not an empty one; a QVariantHash compares without order; lists and maps recurse. An
/// expected enum matches an enum or integer of the same value, truncated to the enum's size
/// (Qt sends enums as plain integers, protocol §4.4).
bool matches(const doppel::Value& actual, const doppel::Value& expected, std::string* why);

/// Prints one line on stdout and flushes it.
void say(const std::string& line);

/// Blocks SIGTERM and SIGINT; call first in main, before any thread starts, so that every
/// thread inherits the mask and serveUntilStopped's sigwait takes them.
void blockStopSignals();
/// The end of every test host's main: prints "READY <url>", runs the loop until SIGTERM or
/// SIGINT (a thread takes them with sigwait and stops the loop, which is safe from any thread).
void serveUntilStopped(doppel::EventLoop& loop, const std::string& url);

/// Counts and prints check results: "ok <check>" / "FAIL <check>: <message>".
class Checker {
public:
  void ok(const std::string& check);
  void fail(const std::string& check, const std::string& message);
  /// ok() or fail() with "got X expected Y (why)".
  bool value(const std::string& check, const doppel::Value& actual, const doppel::Value& expected);
  int failures() const { return m_failures; }
  int passes() const { return m_passes; }

private:
  int m_failures = 0;
  int m_passes = 0;
};

}  // namespace interopd
