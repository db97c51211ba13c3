#include "core/child_replicas.h"

#include "core/child_objects.h"
#include "doppel/log.h"
#include "doppel/model.h"
#include "wire/child_value.h"
#include "wire/model_types.h"

namespace doppel::detail {

namespace {

constexpr std::string_view kComponent = "replica";

/// A child whose class nobody described (a typed parent without registerChildInterface): its
/// values are still kept, under made-up names, so that nothing is lost and tools can show them.
ClassInterface placeholderInterface(const wire::ChildValue& child) {
  ClassInterface iface;
  iface.typeName = child.typeName;
  for (std::size_t i = 0; i < child.values.size(); ++i) {
    PropertyDef p;
    p.name = "property" + std::to_string(i);
    p.type = wire::isChildValue(child.values[i]) ? "QObject*" : std::string(child.values[i].typeName());
    p.mode = PropertyMode::ReadOnly;
    iface.properties.push_back(std::move(p));
  }
  return iface;
}

const ClassInterface* findInterface(ChildContext& context, const std::string& typeName) {
  if (auto it = context.learnt.find(typeName); it != context.learnt.end()) return &it->second;
  if (auto it = context.registered.find(typeName); it != context.registered.end()) return &it->second;
  // MODEL members: Qt never describes the adapter, every node knows it (protocol §9.2).
  if (typeName == kModelAdapterTypeName) {
    // Its replies carry rows in the model's own types: decoded as ModelReplica expects.
    const wire::TypeInfo* rows = context.types.find(wire::kDataEntriesName);
    if (rows == nullptr || rows->kind != wire::TypeInfo::Kind::Custom) wire::installModelCodecs(context.types, true);
    return &ModelAdapter::adapterInterface();
  }
  return nullptr;
}

Result<void> openValue(ChildContext& context, ReplicaCore& parent, int index, Value& value,
                       std::vector<int>& changed, int depth);

Result<void> openAll(ChildContext& context, ReplicaCore& parent, std::vector<Value>& values,
                     std::vector<int>& changed, int depth) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (auto r = openValue(context, parent, static_cast<int>(i), values[i], changed, depth); !r)
      return r;
  }
  return {};
}

/// Drops the child in `index` (the source set it to null or replaced it by another object).
void dropChild(ReplicaCore& parent, int index, const std::string& why) {
  auto it = parent.children.find(index);
  if (it == parent.children.end()) return;
  auto child = std::move(it->second);
  parent.children.erase(it);
  child->core().detach(makeError(ErrorCode::Disconnected, why));
}

Result<void> openValue(ChildContext& context, ReplicaCore& parent, int index, Value& value,
                       std::vector<int>& changed, int depth) {
  if (!wire::isChildValue(value)) return {};
  if (depth >= context.limits.maxValueDepth) {
    return makeError(ErrorCode::LimitExceeded, "child objects nested deeper than " +
                                                   std::to_string(context.limits.maxValueDepth));
  }
  auto unpacked = wire::unpackChild(value, context.types, context.limits);
  if (!unpacked) return unpacked.error();
  wire::ChildValue child = std::move(unpacked).value();
  if (child.kind == wire::ChildKind::Gadget) {  // a gadget in a QVariant property (§3.3)
    value = std::move(child.values.front());
    return {};
  }
  if (child.definition) context.learnt[child.typeName] = *child.definition;
  auto existing = parent.children.find(index);
  if (child.isNull) {
    value = Value();
    if (existing != parent.children.end()) {
      dropChild(parent, index, "the source set \"" + child.name + "\" to null");
      changed.push_back(index);
    }
    return {};
  }
  std::shared_ptr<Replica> replica;
  if (existing != parent.children.end() && existing->second->name() == child.name &&
      existing->second->interface().typeName == child.typeName) {
    replica = existing->second;  // the same object re-initialized (a resync, or a new pointer)
  } else {
    if (existing != parent.children.end())
      dropChild(parent, index, "\"" + child.name + "\" was replaced");
    auto core = std::make_shared<ReplicaCore>(parent.loop, child.name, parent.dynamic);
    core->isChild = true;
    core->node = parent.node;
    core->callTimeout = parent.callTimeout;
    core->maxPendingCalls = parent.maxPendingCalls;
    replica = std::make_shared<Replica>(core);
    parent.children[index] = replica;
    context.adopt(core);
    changed.push_back(index);
  }
  ReplicaCore& core = replica->core();
  if (const ClassInterface* iface = findInterface(context, child.typeName)) {
    core.iface = *iface;
  } else if (core.iface.properties.size() != child.values.size()) {
    log(LogLevel::Warning, kComponent,
        child.name + ": no interface for class \"" + child.typeName +
            "\" (register it with Node::registerChildInterface); its values keep generic names");
    core.iface = placeholderInterface(child);
  }
  core.iface.typeName = child.typeName;
  core.interfaceChanged();
  core.connection = parent.connection;
  std::vector<int> grandChanged;
  if (auto r = openAll(context, core, child.values, grandChanged, depth + 1); !r) return r;
  value = Value::string(child.name);
  core.applyInit(std::move(child.values));
  for (int i : grandChanged)
    if (core.facade) core.facade->childChanged.emit(i);
  return {};
}

}  // namespace

Result<void> openChildren(ChildContext& context,
                          ReplicaCore& parent,
                          std::vector<Value>& values,
                          std::vector<int>& changed) {
  return openAll(context, parent, values, changed, 0);
}

Result<void> openChild(ChildContext& context,
                       ReplicaCore& parent,
                       int index,
                       Value& value,
                       std::vector<int>& changed) {
  return openValue(context, parent, index, value, changed, 0);
}

}  // namespace doppel::detail
