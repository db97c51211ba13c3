// Quick start: a host sharing an object and a dynamic replica reading it, in one process.
#include <cstdio>

#include "doppel/doppel.h"

int main() {
  using namespace std::chrono_literals;
  using doppel::Value;

  auto loop = doppel::makeEventLoop();

  // The host side: describe the object, give it behaviour, share it.
  doppel::Source counter(doppel::InterfaceBuilder("Counter")
                             .property("count", "int", doppel::PropertyMode::ReadWrite)
                             .slot("add", {{"n", "int"}}, "int")
                             .build());
  (void)counter.onCall("add", [&](const std::vector<Value>& args) {
    const auto next = static_cast<int>(counter.property("count").toInt() + args[0].toInt());
    (void)counter.setProperty("count", Value::int32(next));
    return Value::int32(next);
  });
  doppel::Host host(*loop);
  if (auto r = host.listen("tcp://127.0.0.1:0"); !r) {
    std::fprintf(stderr, "%s\n", r.error().toString().c_str());
    return 1;
  }
  (void)host.enableRemoting(counter);

  // The client side: connect, acquire, use.
  doppel::Node node(*loop);
  (void)node.connectToNode(host.urls().front());
  auto replica = node.acquireDynamic("Counter");
  replica->propertyChanged.connect([&](int index, const Value& v) {
    std::printf("%s = %s\n", replica->interface().properties[index].name.c_str(),
                v.debugString().c_str());
  });
  if (!replica->waitForSource(5s)) return 1;
  auto reply = replica->call("add", {Value::int32(5)});
  reply.waitForFinished(5s);
  std::printf("add(5) returned %s\n", reply.returnValue().debugString().c_str());
  (void)replica->setProperty("count", Value::int32(100));
  loop->runUntil([&] { return replica->property("count") == Value::int32(100); },
                 doppel::Clock::now() + 5s);
  return replica->property("count") == Value::int32(100) ? 0 : 1;
}
