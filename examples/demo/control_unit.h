// The demo's ControlUnit (DESIGN.md §8): the interface every demo client binds to.
#pragma once

#include "doppel/interface.h"

namespace demo {

inline doppel::ClassInterface controlUnitInterface() {
  using doppel::PropertyMode;
  using doppel::Value;
  return doppel::InterfaceBuilder("ControlUnit")
      .property("status", "QString", PropertyMode::ReadPush, Value::string("stopped"))
      .property("temperature", "double", PropertyMode::ReadPush, Value::float64(20.0))
      .property("running", "bool", PropertyMode::ReadWrite, Value::boolean(false))
      .property("speed", "int", PropertyMode::ReadWrite, Value::int32(10))
      .persisted()  // kept in the master's SQLite store (docs/persistence.md)
      .property("alarmThreshold", "double", PropertyMode::ReadWrite, Value::float64(80.0))
      .signal("alarm", {{"message", "QString"}})
      .slot("start")
      .slot("stop")
      .slot("reset", {{"toValue", "int"}}, "int")
      .build();
}

}  // namespace demo
