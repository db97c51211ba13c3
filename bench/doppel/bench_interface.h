// The Bench interface of bench/bench.rep, built with repc's index spaces: valueChanged(int) is
// signal 0; pushValue(int) is method 0, then echo(int) and burst(int) in .rep order. The
// signature stays null, so Qt typed replicas accept it (protocol §6.6).
#pragma once

#include "doppel/interface.h"

namespace bench {

inline doppel::ClassInterface benchInterface() {
  return doppel::InterfaceBuilder("Bench")
      .property("value", "int", doppel::PropertyMode::ReadPush, doppel::Value::int32(0))
      .slot("echo", {{"x", "int"}}, "int")
      .slot("burst", {{"count", "int"}})
      .build();
}

}  // namespace bench
