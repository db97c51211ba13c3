// The demo master: owns the ControlUnit and shares it on tcp://127.0.0.1:9999 (or the URL given).
// The temperature follows the speed while running and cools down when stopped; crossing the
// alarm threshold emits alarm(message).
//
//   demo_master [--state FILE | --no-state] [--web HOST:PORT | --no-web] [--web-root DIR]
//               [--token TOKEN] [URL]
//
// The browser endpoint (doppel_web) serves ws:// and the page in --web-root on 127.0.0.1:8080;
// the WebSocket needs the token, given with --token or DOPPEL_TOKEN, or made up at start. The
// master prints the page's URL with the token in it.
//
// speed is PERSISTED: it is kept in a SQLite file, by default
// $XDG_STATE_HOME/doppel/demo-state.sqlite (~/.local/state/doppel/...), and restored at start.
#include <atomic>
#include <cmath>
#include <functional>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "control_unit.h"
#include "my_model.h"
#include "doppel/doppel.h"
#include "doppel/web.h"

namespace {

std::atomic<bool> g_quit{false};

void onSignal(int) { g_quit = true; }

/// 128 random bits as hex: the demo's WebSocket token when none is given.
std::string makeToken() {
  std::random_device random;
  std::string token;
  for (int i = 0; i < 4; ++i) {
    char part[9];  // NOLINT(cppcoreguidelines-avoid-c-arrays)
    std::snprintf(part, sizeof part, "%08x", static_cast<unsigned>(random()));
    token += part;
  }
  return token;
}

/// Where the master keeps its PERSISTED properties unless told otherwise.
std::string defaultStateFile() {
  std::filesystem::path dir;
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state) {  // NOLINT(concurrency-mt-unsafe)
    dir = std::filesystem::path(state) / "doppel";
  } else if (const char* home = std::getenv("HOME"); home && *home) {  // NOLINT(concurrency-mt-unsafe)
    dir = std::filesystem::path(home) / ".local" / "state" / "doppel";
  } else {
    return "demo-state.sqlite";
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);  // a failure shows when the store opens
  return (dir / "demo-state.sqlite").string();
}

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
  std::string url = "tcp://127.0.0.1:9999";
  std::string stateFile = defaultStateFile();
  std::string web = "127.0.0.1:8080";
  std::string webRoot;
  const char* envToken = std::getenv("DOPPEL_TOKEN");  // NOLINT(concurrency-mt-unsafe)
  std::string token = envToken && *envToken ? envToken : makeToken();
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--state" && i + 1 < argc) {
      stateFile = argv[++i];
    } else if (arg == "--no-state") {
      stateFile.clear();
    } else if (arg == "--web" && i + 1 < argc) {
      web = argv[++i];
    } else if (arg == "--no-web") {
      web.clear();
    } else if (arg == "--web-root" && i + 1 < argc) {
      webRoot = argv[++i];
    } else if (arg == "--token" && i + 1 < argc) {
      token = argv[++i];
    } else {
      url = arg;
    }
  }
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);

  doppel::HostOptions options;
  if (!stateFile.empty()) {
    // A bad or locked file costs persistence only: the master runs at the defaults.
    if (auto store = doppel::openSqliteStore(stateFile); store) {
      options.store = *store;
      std::printf("demo master: state kept in %s\n", stateFile.c_str());
    } else {
      std::fprintf(stderr, "demo_master: state not kept: %s\n", store.error().toString().c_str());
    }
  }
  auto loop = doppel::makeEventLoop();
  doppel::Host host(*loop, options);
  if (auto r = host.listen(url); !r) {
    std::fprintf(stderr, "demo_master: %s\n", r.error().toString().c_str());
    return 1;
  }
  ControlUnit unit(*loop);
  if (auto r = host.enableRemoting(unit.source()); !r) {
    std::fprintf(stderr, "demo_master: %s\n", r.error().toString().c_str());
    return 1;
  }
  demo::MyModel items;  // the item list "MyModel" and its API "ModelAPI" (my_model.h)
  if (auto r = items.share(host); !r) {
    std::fprintf(stderr, "demo_master: %s\n", r.error().toString().c_str());
    return 1;
  }
  std::printf("demo master: ControlUnit shared on %s\n", host.urls().front().c_str());
  std::unique_ptr<doppel::WebServer> webServer;
  if (!web.empty()) {
    doppel::WebOptions webOptions;
    const auto colon = web.rfind(':');
    webOptions.host = web.substr(0, colon);
    webOptions.port = static_cast<std::uint16_t>(
        colon == std::string::npos ? 8080 : std::stoi(web.substr(colon + 1)));
    webOptions.webRoot = webRoot;
    webOptions.token = token;
    auto started = doppel::WebServer::start(host, webOptions);
    if (!started) {
      std::fprintf(stderr, "demo_master: %s\n", started.error().toString().c_str());
      return 1;
    }
    webServer = std::move(*started);
    std::printf("demo master: WebSocket on %s (token required)\n", webServer->url().c_str());
    std::printf("demo master: open %s?token=%s\n", webServer->httpUrl().c_str(), token.c_str());
  }
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
