// The demo master: owns the ControlUnit and shares it on tcp://127.0.0.1:9999 (or the URL given).
// The temperature follows the speed while running and cools down when stopped; crossing the
// alarm threshold emits alarm(message).
//
//   demo_master [URL]
#include <atomic>
#include <cmath>
#include <functional>
#include <csignal>
#include <cstdio>
#include <string>

#include "control_unit.h"
#include "doppel/doppel.h"

namespace {

std::atomic<bool> g_quit{false};

void onSignal(int) { g_quit = true; }

class ControlUnit {
public:
  explicit ControlUnit(doppel::EventLoop& loop) : m_loop(loop), m_source(demo::controlUnitInterface()) {
    using doppel::Value;
    (void)m_source.onCall("start", [this](const auto&) {
      setRunning(true);
      return Value();
    });
    (void)m_source.onCall("stop", [this](const auto&) {
      setRunning(false);
      return Value();
    });
    (void)m_source.onCall("reset", [this](const std::vector<Value>& args) {
      const auto previous = m_source.property("speed");
      (void)m_source.setProperty("speed", args[0]);
      return previous;
    });
    // running is READWRITE: a replica's write goes through the same path as start()/stop().
    m_source.onWrite([this](int index, const Value& value) {
      if (m_source.interface().properties[static_cast<std::size_t>(index)].name == "running") {
        setRunning(value.toBool());
        return true;
      }
      return m_source.setProperty(index, value).ok();
    });
    tick();
  }

  doppel::Source& source() { return m_source; }

private:
  void setRunning(bool on) {
    (void)m_source.setProperty("running", doppel::Value::boolean(on));
    (void)m_source.setProperty("status", doppel::Value::string(on ? "running" : "stopped"));
  }

  void tick() {
    using doppel::Value;
    const bool running = m_source.property("running").toBool();
    const double speed = static_cast<double>(m_source.property("speed").toInt());
    const double temperature = m_source.property("temperature").toDouble();
    const double target = running ? 20.0 + speed * 0.8 : 20.0;
    const double next = std::round((temperature + (target - temperature) * 0.1) * 10.0) / 10.0;
    (void)m_source.setProperty("temperature", Value::float64(next));
    const double threshold = m_source.property("alarmThreshold").toDouble();
    if (next >= threshold && temperature < threshold) {
      (void)m_source.emitSignal("alarm", {Value::string("temperature " + std::to_string(next) +
                                                        " reached the threshold")});
    }
    m_loop.startTimer(std::chrono::milliseconds(500), [this] { tick(); });
  }

  doppel::EventLoop& m_loop;
  doppel::Source m_source;
};

}  // namespace

int main(int argc, char** argv) {
  const std::string url = argc > 1 ? argv[1] : "tcp://127.0.0.1:9999";
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);

  auto loop = doppel::makeEventLoop();
  doppel::Host host(*loop);
  if (auto r = host.listen(url); !r) {
    std::fprintf(stderr, "demo_master: %s\n", r.error().toString().c_str());
    return 1;
  }
  ControlUnit unit(*loop);
  if (auto r = host.enableRemoting(unit.source()); !r) {
    std::fprintf(stderr, "demo_master: %s\n", r.error().toString().c_str());
    return 1;
  }
  std::printf("demo master: ControlUnit shared on %s\n", host.urls().front().c_str());
  std::fflush(stdout);

  // Signal handlers only set a flag; the loop looks at it.
  std::function<void()> watch = [&] {
    if (g_quit) {
      loop->stop();
      return;
    }
    loop->startTimer(std::chrono::milliseconds(100), watch);
  };
  watch();
  loop->run();
  return 0;
}
