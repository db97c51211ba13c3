// Built against an installed doppel: a typed source and replica in one process.
#include <cstdio>

#include "doppel/doppel.h"
#include "rep_counter_merged.h"

class Counter : public CounterSimpleSource {
public:
  std::int32_t add(std::int32_t n) override {
    setCount(count() + n);
    return count();
  }
};

int main() {
  using namespace std::chrono_literals;
  auto loop = doppel::makeEventLoop();
  Counter counter;
  doppel::Host host(*loop);
  if (!host.listen("tcp://127.0.0.1:0") || !host.enableRemoting(counter)) return 1;
  doppel::Node node(*loop);
  (void)node.connectToNode(host.urls().front());
  auto replica = node.acquire<CounterReplica>("Counter");
  if (!replica->waitForSource(5s)) return 2;
  auto reply = replica->add(41);
  if (!reply.waitForFinished(5s) || reply.value() != 42) return 3;
  std::printf("consumer ok: %d\n", reply.value());
  return 0;
}
