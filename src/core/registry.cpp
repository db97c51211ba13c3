#include "core/registry.h"

namespace doppel::detail {

const ClassInterface& registryInterface() {
  static const ClassInterface iface = [] {
    ClassInterface c;
    c.typeName = kRegistryName;
    PropertyDef locations;
    locations.name = "sourceLocations";
    locations.type = kLocationHash;
    locations.mode = PropertyMode::ReadOnly;
    locations.notifySignal = -1;  // Qt's registry property has no NOTIFY
    c.properties.push_back(locations);
    c.signalDefs.push_back({"remoteObjectAdded", {{"entry", kLocationEntry}}});
    c.signalDefs.push_back({"remoteObjectRemoved", {{"entry", kLocationEntry}}});
    c.methods.push_back({"addSource", "void", {{"entry", kLocationEntry}}});
    c.methods.push_back({"removeSource", "void", {{"entry", kLocationEntry}}});
    c.methods.push_back({"removeServer", "void", {{"url", "QUrl"}}});
    return c;
  }();
  return iface;
}

namespace {
Value makeInfo(const RemoteObjectInfo& info) {
  return Value::userList(kLocationInfo, {Value::string(info.typeName), Value::url(info.url)});
}
}  // namespace

Value makeLocationEntry(const RemoteObjectInfo& info) {
  return Value::userList(kLocationEntry, {Value::string(info.name), makeInfo(info)});
}

std::optional<RemoteObjectInfo> parseLocationEntry(const Value& entry) {
  const auto& pair = entry.toList();
  if (pair.size() != 2) return std::nullopt;
  const auto& info = pair[1].toList();
  if (info.size() != 2) return std::nullopt;
  RemoteObjectInfo out;
  out.name = pair[0].toString();
  out.typeName = info[0].toString();
  out.url = info[1].toString();
  if (out.name.empty()) return std::nullopt;
  return out;
}

std::vector<RemoteObjectInfo> parseLocations(const Value& hash) {
  std::vector<RemoteObjectInfo> out;
  for (const auto& [key, info] : hash.toPairs()) {
    const auto& fields = info.toList();
    if (fields.size() != 2 || key.toString().empty()) continue;
    out.push_back({key.toString(), fields[0].toString(), {}, fields[1].toString()});
  }
  return out;
}

Value makeLocations(const std::vector<RemoteObjectInfo>& entries) {
  Value::Pairs pairs;
  pairs.reserve(entries.size());
  for (const auto& e : entries) pairs.emplace_back(Value::string(e.name), makeInfo(e));
  return Value::userMap(kLocationHash, std::move(pairs));
}

}  // namespace doppel::detail
