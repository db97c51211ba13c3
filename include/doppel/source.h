// Source: an object shared by a Host, described at run time by a ClassInterface. The application
// sets its properties, emits its signals and answers its slots; every Host that remotes it pushes
// the changes to the replicas listening.
//
// Ownership: the application owns a Source. A Host remoting it keeps a pointer; destroying the
// Source disables it on every host first. Thread safety: use on the loop thread of the hosts
// that remote it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "doppel/interface.h"
#include "doppel/result.h"
#include "doppel/signal.h"
#include "doppel/value.h"

namespace doppel {

namespace wire {
class TypeRegistry;
}
namespace detail {
class SourceObserver;
}

class Source {
public:
  /// Properties start at their defaultValue, or the zero value of their type.
  explicit Source(ClassInterface iface);
  virtual ~Source();
  Source(const Source&) = delete;
  Source& operator=(const Source&) = delete;

  const ClassInterface& interface() const { return m_interface; }

  const Value& property(int index) const;
  /// The value, or the invalid Value for an unknown name.
  const Value& property(std::string_view name) const;

  /// Stores the value and, if it differs, sends it with its notify signal to every listener.
  /// Fails for an unknown property or a value of the wrong type (nothing is sent then).
  Result<void> setProperty(int index, Value value);
  Result<void> setProperty(std::string_view name, Value value);

  /// Sends a signal to every listener. Fails for an unknown signal or wrong argument types.
  Result<void> emitSignal(std::string_view nameOrSignature, std::vector<Value> args);

  /// The slot body: gets arguments already checked against the declared types, returns the
  /// reply (the invalid Value for void slots).
  using SlotHandler = std::function<Value(const std::vector<Value>& args)>;
  /// Installs the handler of a slot. push<Prop> methods need none: they set the property.
  Result<void> onCall(std::string_view nameOrSignature, SlotHandler handler);

  /// Decides what a replica's write of a READWRITE property does; the default stores it with
  /// setProperty. Return false to refuse it.
  using WriteHandler = std::function<bool(int index, const Value& value)>;
  void onWrite(WriteHandler handler) { m_writeHandler = std::move(handler); }

  /// Emitted after a property changed, whoever changed it.
  Signal<int, const Value&> propertyChanged;

  /// Child objects (repc CLASS and MODEL members, protocol §11.1): a property whose type is a
  /// pointer ("QObject*", "Child*", "QAbstractItemModel*") holds another Source, or null. A host
  /// remoting this source shares the child under "Class::<parent>::<property>" (a
  /// "QAbstractItemModel*" property: "Model::<parent>::<property>"), where <parent> is the root's
  /// name for its direct children and the parent's property name deeper down; replicas reach it
  /// through their parent, never by name. The child is not owned: destroying it sets this
  /// property to null, destroying this source forgets it. Setting a new child (or null) pushes
  /// it to every replica. Fails for a property that is not a pointer, or a child that would
  /// contain this source.
  Result<void> setChild(int index, Source* child);
  Result<void> setChild(std::string_view name, Source* child);
  /// The child in a pointer property, or null.
  Source* child(int index) const;
  Source* child(std::string_view name) const;

  /// Used by hosts: runs a call from a replica (arguments already type-checked).
  Value invoke(int methodIndex, const std::vector<Value>& args);
  /// Used by hosts: a replica's WriteProperty.
  void write(int propertyIndex, const Value& value);

private:
  friend class detail::SourceObserver;

  ClassInterface m_interface;
  std::unique_ptr<wire::TypeRegistry> m_types;  ///< the interface's gadgets and enums, for checks
  std::vector<Value> m_values;
  std::vector<SlotHandler> m_handlers;
  WriteHandler m_writeHandler;
  std::vector<detail::SourceObserver*> m_observers;
  std::vector<Source*> m_children;                ///< per property: the child, or null
  std::vector<std::pair<Source*, int>> m_parents;  ///< (parent, property) holding this source
};

namespace detail {
/// What a Host registers on a Source to hear about changes (internal).
class SourceObserver {
public:
  virtual ~SourceObserver();
  virtual void sourcePropertyChanged(Source& source, int index) = 0;
  virtual void sourceSignal(Source& source, int signalIndex, const std::vector<Value>& args) = 0;
  virtual void sourceDestroyed(Source& source) = 0;

protected:
  void observe(Source& source);
  void unobserve(Source& source);
};
}  // namespace detail

}  // namespace doppel
