#include "commands.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <iterator>

namespace doppel::cli {

namespace {

std::string inQuotes(std::string_view name) {
  return "\"" + std::string(name) + "\"";
}

std::string plural(std::size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

/// "int toValue, QString name" for messages.
std::string paramList(const std::vector<Parameter>& params) {
  std::string out;
  for (const auto& p : params) {
    if (!out.empty()) out += ", ";
    out += p.type;
    if (!p.name.empty()) out += " " + p.name;
  }
  return out;
}

Result<int> findProperty(const Session& session, Replica& replica, const std::string& name) {
  const ClassInterface& iface = replica.interface();
  const int index = iface.propertyIndex(name);
  if (index >= 0) return index;
  std::string names;
  for (const auto& p : iface.properties) names += (names.empty() ? "" : ", ") + p.name;
  return makeError(
      ErrorCode::UnknownName,
      inQuotes(session.options().object) + " has no property " + inQuotes(name) +
          (names.empty() ? " (it has no properties)" : " (properties: " + names + ")"));
}

/// A slot by signature ("reset(int)") or by name; among overloads, the one taking `argCount`
/// arguments.
Result<int> findMethod(const Session& session,
                       Replica& replica,
                       const std::string& nameOrSignature,
                       std::size_t argCount) {
  const ClassInterface& iface = replica.interface();
  std::vector<int> candidates;
  for (std::size_t i = 0; i < iface.methods.size(); ++i) {
    const MethodDef& m = iface.methods[i];
    if (m.signature() == nameOrSignature || m.name == nameOrSignature)
      candidates.push_back(static_cast<int>(i));
  }
  if (candidates.empty()) {
    std::string names;
    for (const auto& m : iface.methods) names += (names.empty() ? "" : ", ") + m.signature();
    return makeError(ErrorCode::UnknownName,
                     inQuotes(session.options().object) + " has no slot " +
                         inQuotes(nameOrSignature) +
                         (names.empty() ? " (it has no slots)" : " (slots: " + names + ")"));
  }
  if (candidates.size() == 1) return candidates[0];
  std::vector<int> fitting;
  std::copy_if(candidates.begin(), candidates.end(), std::back_inserter(fitting), [&](int i) {
    return iface.methods[static_cast<std::size_t>(i)].params.size() == argCount;
  });
  if (fitting.size() == 1) return fitting[0];
  std::string overloads;
  for (int i : candidates) {
    overloads +=
        (overloads.empty() ? "" : ", ") + iface.methods[static_cast<std::size_t>(i)].signature();
  }
  return makeError(ErrorCode::InvalidArgument,
                   inQuotes(nameOrSignature) + " is overloaded (" + overloads +
                       "); give the signature instead, e.g. '" +
                       iface.methods[static_cast<std::size_t>(candidates[0])].signature() + "'");
}

bool takesString(std::string_view type, const TypeContext& types) {
  const std::string t = normalizeTypeName(type);
  return t == "QString" || t == "QByteArray" || t == "QUrl" || t == "QChar" || t == "QDate" ||
         t == "QTime" || t == "QDateTime" || t == "QUuid" || t == "QVariant" ||
         types.findEnum(t) != nullptr;
}

/// Parses a command-line JSON text and converts it to `type`; `what` names it in errors
/// ("property \"speed\"", "argument 1 (toValue) of reset(int)").
Result<Value> valueFromArgument(const std::string& text,
                                const std::string& type,
                                const TypeContext& types,
                                const std::string& what) {
  auto json = parseJson(text);
  if (!json) {
    std::string hint;
    if (takesString(type, types) && !text.empty() && text.front() != '"') {
      hint = " (a string needs JSON quotes: '\"" + text + "\"')";
    }
    return makeError(ErrorCode::Malformed,
                     "bad JSON for " + what + ": " + json.error().reason + hint);
  }
  auto value = fromJson(*json, type, types);
  if (!value) {
    return makeError(value.error().code,
                     "bad value for " + what + " (" + type + "): " + value.error().reason);
  }
  return value;
}

}  // namespace

void printLine(std::string_view line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void printNote(std::string_view line) {
  std::string text = "doppel: ";
  text.append(line).push_back('\n');
  std::fwrite(text.data(), 1, text.size(), stderr);
}

Result<void> runList(Session& session) {
  if (auto r = session.connect(); !r) return r;
  auto objects = session.node().remoteObjects();
  std::sort(objects.begin(), objects.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  const bool showUrl = session.options().registry;
  std::size_t nameWidth = 0;
  std::size_t typeWidth = 0;
  std::size_t signatureWidth = 0;
  auto orDash = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
  for (const auto& o : objects) {
    nameWidth = std::max(nameWidth, o.name.size());
    typeWidth = std::max(typeWidth, orDash(o.typeName).size());
    signatureWidth = std::max(signatureWidth, orDash(o.signature).size());
  }
  for (const auto& o : objects) {
    std::string line = o.name;
    line.resize(nameWidth + 2, ' ');
    line += orDash(o.typeName);
    line.resize(nameWidth + 2 + typeWidth + 2, ' ');
    line += orDash(o.signature);
    if (showUrl) {
      line.resize(nameWidth + 2 + typeWidth + 2 + signatureWidth + 2, ' ');
      line += orDash(o.url);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    printLine(line);
  }
  return {};
}

Result<void> runGet(Session& session) {
  if (auto r = session.connect(); !r) return r;
  if (auto r = session.acquire(); !r) return r;
  Replica& replica = session.replica();
  auto index = findProperty(session, replica, session.options().member);
  if (!index) return index.error();
  const PropertyDef& prop = replica.interface().properties[static_cast<std::size_t>(*index)];
  printLine(dumpJson(toJson(replica.property(*index), prop.type, session.types())));
  return {};
}

Result<void> runSet(Session& session) {
  if (auto r = session.connect(); !r) return r;
  if (auto r = session.acquire(); !r) return r;
  const Options& options = session.options();
  Replica& replica = session.replica();
  const TypeContext& types = session.types();
  auto index = findProperty(session, replica, options.member);
  if (!index) return index.error();
  const PropertyDef prop = replica.interface().properties[static_cast<std::size_t>(*index)];
  auto value =
      valueFromArgument(options.values.at(0), prop.type, types, "property " + inQuotes(prop.name));
  const std::string held(replica.property(*index).typeName());
  if (!value && value.error().code == ErrorCode::UnknownType && !held.empty() &&
      held != prop.type) {
    // The interface may name a type doppel cannot build (Qt's "QtROSequentialContainer" for a
    // list of gadgets); the value the property holds has the real one.
    if (auto retry =
            valueFromArgument(options.values.at(0), held, types, "property " + inQuotes(prop.name));
        retry) {
      value = std::move(retry);
    }
  }
  if (!value) return value.error();

  const std::string wanted = dumpJson(toJson(*value, prop.type, types));
  // The source notifies only real changes: a value that is already there would never come back.
  if (dumpJson(toJson(replica.property(*index), prop.type, types)) == wanted) return {};

  bool changed = false;
  Value confirmed;
  const ScopedConnection watch = replica.propertyChanged.connect([&](int i, const Value& v) {
    if (i != *index || changed) return;
    changed = true;
    confirmed = v;
  });
  if (auto written = replica.setProperty(prop.name, std::move(value).value()); !written) {
    return makeError(written.error().code,
                     "cannot set " + inQuotes(prop.name) + ": " + written.error().reason);
  }
  if (prop.notifySignal < 0) {
    session.flush();
    printNote("the write of " + inQuotes(prop.name) +
              " was sent, but it has no change signal, so it cannot be confirmed");
    return {};
  }
  const bool done = session.loop().runUntil(
      [&] { return changed || replica.state() != ReplicaState::Valid; }, session.deadline());
  if (!changed) {
    if (!done) {
      // repc's READPUSH properties take changes through their push<Prop> slot, not writes.
      std::string push = "push" + prop.name;
      push[4] = static_cast<char>(std::toupper(static_cast<unsigned char>(push[4])));
      const auto& methods = replica.interface().methods;
      const auto pushSlot = std::find_if(methods.begin(), methods.end(),
                                         [&push](const MethodDef& m) { return m.name == push; });
      const std::string hint =
          pushSlot == methods.end()
              ? std::string()
              : "; try: doppel call URL " + options.object + " " + push + " JSON";
      return makeError(ErrorCode::Timeout,
                       "no change of " + inQuotes(prop.name) + " came back within " +
                           std::to_string(options.timeout.count()) +
                           " ms (the source refused the write, or the property is read-only" +
                           hint + ")");
    }
    return makeError(ErrorCode::Disconnected, "lost " + inQuotes(options.object) + " at " +
                                                  session.where() + " before the change came back");
  }
  const std::string got = dumpJson(toJson(confirmed, prop.type, types));
  if (got != wanted) printNote("the source stored " + got + ", not " + wanted);
  return {};
}

Result<void> runCall(Session& session) {
  if (auto r = session.connect(); !r) return r;
  if (auto r = session.acquire(); !r) return r;
  const Options& options = session.options();
  Replica& replica = session.replica();
  auto index = findMethod(session, replica, options.member, options.values.size());
  if (!index) return index.error();
  const MethodDef method = replica.interface().methods[static_cast<std::size_t>(*index)];
  const std::string signature = method.signature();
  if (method.params.size() != options.values.size()) {
    return makeError(ErrorCode::WrongType,
                     signature + " takes " + plural(method.params.size(), "argument") +
                         (method.params.empty() ? "" : " (" + paramList(method.params) + ")") +
                         ", got " + std::to_string(options.values.size()));
  }
  std::vector<Value> args;
  for (std::size_t i = 0; i < method.params.size(); ++i) {
    const Parameter& p = method.params[i];
    const std::string what = "argument " + std::to_string(i + 1) +
                             (p.name.empty() ? "" : " (" + p.name + ")") + " of " + signature;
    auto arg = valueFromArgument(options.values[i], p.type, session.types(), what);
    if (!arg) return arg.error();
    args.push_back(std::move(arg).value());
  }
  const PendingReply reply = replica.call(signature, std::move(args));
  if (!reply.waitForFinished(session.remaining())) {
    return makeError(ErrorCode::Timeout, "no reply to " + signature + " from " +
                                             inQuotes(options.object) + " within " +
                                             std::to_string(options.timeout.count()) + " ms");
  }
  if (const auto& error = reply.error()) {
    return makeError(error->code, signature + " failed: " + error->reason);
  }
  if (method.returnsValue()) {
    printLine(dumpJson(toJson(reply.returnValue(), method.returnType, session.types())));
  } else {
    session.flush();  // a void call finishes before its bytes are written
  }
  return {};
}

}  // namespace doppel::cli
