// The "Registry" source's fixed interface (protocol §8.2) and its value types, shared by the
// registry host and by the nodes and hosts that use a registry.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "doppel/interface.h"
#include "doppel/node.h"
#include "doppel/value.h"

namespace doppel::detail {

inline constexpr const char* kRegistryName = "Registry";
inline constexpr const char* kLocationInfo = "QRemoteObjectSourceLocationInfo";
inline constexpr const char* kLocationEntry = "std::pair<QString,QRemoteObjectSourceLocationInfo>";
inline constexpr const char* kLocationHash = "QHash<QString,QRemoteObjectSourceLocationInfo>";

enum RegistryIndex : int {
  kSourceLocationsProperty = 0,
  kRemoteObjectAddedSignal = 0,
  kRemoteObjectRemovedSignal = 1,
  kAddSourceMethod = 0,
  kRemoveSourceMethod = 1,
};

const ClassInterface& registryInterface();

/// (name, (typeName, url)) as the registry's signals and slots carry it.
Value makeLocationEntry(const RemoteObjectInfo& info);
std::optional<RemoteObjectInfo> parseLocationEntry(const Value& entry);
/// Every entry of a sourceLocations hash; malformed entries are skipped.
std::vector<RemoteObjectInfo> parseLocations(const Value& hash);
Value makeLocations(const std::vector<RemoteObjectInfo>& entries);

}  // namespace doppel::detail
