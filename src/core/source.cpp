#include "doppel/source.h"

#include <algorithm>
#include <cctype>

#include "doppel/log.h"
#include "wire/type_registry.h"
#include "wire/value_codec.h"

namespace doppel {

Source::Source(ClassInterface iface)
    : m_interface(std::move(iface)), m_types(std::make_unique<wire::TypeRegistry>()) {
  m_types->registerInterface(m_interface);
  m_values.reserve(m_interface.properties.size());
  for (const auto& p : m_interface.properties) {
    m_values.push_back(p.defaultValue.isValid() ? p.defaultValue
                                                : wire::defaultValueFor(p.type, *m_types));
  }
  m_handlers.resize(m_interface.methods.size());
  m_children.assign(m_interface.properties.size(), nullptr);
}

Source::~Source() {
  // Parents let go of this child first (their hosts unshare it and push null), then children
  // forget this parent.
  const auto parents = m_parents;
  for (const auto& [parent, index] : parents) (void)parent->setChild(index, nullptr);
  for (std::size_t i = 0; i < m_children.size(); ++i) {
    if (m_children[i]) std::erase(m_children[i]->m_parents, std::pair<Source*, int>(this, static_cast<int>(i)));
  }
  // Observers remove themselves from m_observers in sourceDestroyed.
  while (!m_observers.empty()) m_observers.back()->sourceDestroyed(*this);
}

const Value& Source::property(int index) const {
  static const Value kInvalid;
  if (index < 0 || static_cast<std::size_t>(index) >= m_values.size()) return kInvalid;
  return m_values[static_cast<std::size_t>(index)];
}

const Value& Source::property(std::string_view name) const {
  return property(m_interface.propertyIndex(name));
}

Result<void> Source::setProperty(std::string_view name, Value value) {
  const int index = m_interface.propertyIndex(name);
  if (index < 0) {
    return makeError(ErrorCode::UnknownName, "no property \"" + std::string(name) + "\" in " +
                                                 m_interface.typeName);
  }
  return setProperty(index, std::move(value));
}

Result<void> Source::setProperty(int index, Value value) {
  if (index < 0 || static_cast<std::size_t>(index) >= m_values.size()) {
    return makeError(ErrorCode::UnknownName, "property index " + std::to_string(index) +
                                                 " out of range in " + m_interface.typeName);
  }
  const auto& def = m_interface.properties[static_cast<std::size_t>(index)];
  if (!wire::matchesType(value, def.type, *m_types)) {
    return makeError(ErrorCode::WrongType, "property " + def.name + " is " + def.type + ", not " +
                                               std::string(value.typeName()));
  }
  auto& slot = m_values[static_cast<std::size_t>(index)];
  if (slot == value) return {};
  slot = std::move(value);
  // Observers (hosts) only take note here and run no application code, so the list is stable.
  for (auto* o : m_observers) o->sourcePropertyChanged(*this, index);
  propertyChanged.emit(index, slot);
  return {};
}

Result<void> Source::setChild(std::string_view name, Source* child) {
  const int index = m_interface.propertyIndex(name);
  if (index < 0) {
    return makeError(ErrorCode::UnknownName, "no property \"" + std::string(name) + "\" in " +
                                                 m_interface.typeName);
  }
  return setChild(index, child);
}

Result<void> Source::setChild(int index, Source* child) {
  if (index < 0 || static_cast<std::size_t>(index) >= m_children.size()) {
    return makeError(ErrorCode::UnknownName, "property index " + std::to_string(index) +
                                                 " out of range in " + m_interface.typeName);
  }
  const auto& def = m_interface.properties[static_cast<std::size_t>(index)];
  if (def.type.empty() || def.type.back() != '*') {
    return makeError(ErrorCode::WrongType, "property " + def.name + " is " + def.type +
                                               ", not a pointer to a child object");
  }
  // A source inside its own subtree would be remoted forever deeper.
  std::vector<const Source*> todo{child};
  while (!todo.empty()) {
    const Source* s = todo.back();
    todo.pop_back();
    if (s == nullptr) continue;
    if (s == this) {
      return makeError(ErrorCode::InvalidArgument,
                       "property " + def.name + ": a source cannot contain itself");
    }
    for (const Source* c : s->m_children) todo.push_back(c);
  }
  Source*& slot = m_children[static_cast<std::size_t>(index)];
  if (slot == child) return {};
  if (slot) std::erase(slot->m_parents, std::pair<Source*, int>(this, index));
  slot = child;
  if (child) child->m_parents.emplace_back(this, index);
  for (auto* o : m_observers) o->sourcePropertyChanged(*this, index);
  propertyChanged.emit(index, m_values[static_cast<std::size_t>(index)]);
  return {};
}

Source* Source::child(int index) const {
  if (index < 0 || static_cast<std::size_t>(index) >= m_children.size()) return nullptr;
  return m_children[static_cast<std::size_t>(index)];
}

Source* Source::child(std::string_view name) const {
  return child(m_interface.propertyIndex(name));
}

Result<void> Source::emitSignal(std::string_view nameOrSignature, std::vector<Value> args) {
  const int index = m_interface.signalIndex(nameOrSignature);
  if (index < 0) {
    return makeError(ErrorCode::UnknownName, "no signal \"" + std::string(nameOrSignature) +
                                                 "\" in " + m_interface.typeName);
  }
  const auto& def = m_interface.signalDefs[static_cast<std::size_t>(index)];
  if (args.size() != def.params.size()) {
    return makeError(ErrorCode::WrongType, "signal " + def.signature() + " takes " +
                                               std::to_string(def.params.size()) +
                                               " arguments, got " + std::to_string(args.size()));
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (!wire::matchesType(args[i], def.params[i].type, *m_types)) {
      return makeError(ErrorCode::WrongType, "argument " + std::to_string(i + 1) + " of " +
                                                 def.signature() + " is " +
                                                 std::string(args[i].typeName()));
    }
  }
  for (auto* o : m_observers) o->sourceSignal(*this, index, args);
  return {};
}

Result<void> Source::onCall(std::string_view nameOrSignature, SlotHandler handler) {
  const int index = m_interface.methodIndex(nameOrSignature);
  if (index < 0) {
    return makeError(ErrorCode::UnknownName, "no slot \"" + std::string(nameOrSignature) +
                                                 "\" in " + m_interface.typeName);
  }
  m_handlers[static_cast<std::size_t>(index)] = std::move(handler);
  return {};
}

Value Source::invoke(int methodIndex, const std::vector<Value>& args) {
  const auto i = static_cast<std::size_t>(methodIndex);
  if (methodIndex < 0 || i >= m_handlers.size()) return {};
  if (m_handlers[i]) return m_handlers[i](args);

  // push<Prop>: repc's default push slot sets the property.
  const auto& method = m_interface.methods[i];
  if (method.name.size() > 4 && method.name.compare(0, 4, "push") == 0 && args.size() == 1) {
    for (std::size_t p = 0; p < m_interface.properties.size(); ++p) {
      const auto& prop = m_interface.properties[p];
      if (prop.mode != PropertyMode::ReadPush || prop.name.empty()) continue;
      std::string pushName = "push" + prop.name;
      pushName[4] = static_cast<char>(std::toupper(static_cast<unsigned char>(pushName[4])));
      if (pushName == method.name) {
        if (auto r = setProperty(static_cast<int>(p), args[0]); !r)
          log(LogLevel::Warning, "source", r.error().reason);
        return {};
      }
    }
  }
  log(LogLevel::Warning, "source",
      m_interface.typeName + "::" + method.signature() + " called but has no handler");
  return {};
}

void Source::write(int propertyIndex, const Value& value) {
  if (m_writeHandler) {
    m_writeHandler(propertyIndex, value);
    return;
  }
  if (auto r = setProperty(propertyIndex, value); !r)
    log(LogLevel::Warning, "source", "write refused: " + r.error().reason);
}

namespace detail {

SourceObserver::~SourceObserver() = default;

void SourceObserver::observe(Source& source) {
  if (std::find(source.m_observers.begin(), source.m_observers.end(), this) ==
      source.m_observers.end())
    source.m_observers.push_back(this);
}

void SourceObserver::unobserve(Source& source) { std::erase(source.m_observers, this); }

}  // namespace detail
}  // namespace doppel
