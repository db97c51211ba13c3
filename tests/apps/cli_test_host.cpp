// A tiny doppel host for tests/apps/cli_test.sh: it shares "ControlUnit" (properties of several
// types, slots, a signal) and "Plain", prints "READY <url>..." with the bound URLs, and runs until
// SIGTERM or SIGINT.
//
//   cli_test_host [--registry] [--register-with URL] URL...
//     --registry           be the registry of the network, sharing no objects of its own
//     --register-with URL  register the sources with the registry at URL
#include <atomic>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "doppel/doppel.h"

namespace {

std::atomic<bool> g_stop{false};
extern "C" void requestStop(int /*signal*/) {
  g_stop.store(true);
}

doppel::ClassInterface controlUnitInterface() {
  using doppel::PropertyMode;
  using doppel::Value;
  doppel::GadgetDef pod;
  pod.name = "Reading";
  pod.properties = {{"sensor", "QString"}, {"value", "double"}};
  return doppel::InterfaceBuilder("ControlUnit")
      .enumeration(
          doppel::EnumDef{"Mode", false, false, 4, {{"Idle", 0}, {"Auto", 1}, {"Manual", 2}}})
      .gadget(pod)
      .property("status", "QString", PropertyMode::ReadPush, Value::string("idle"))
      .property("temperature", "double", PropertyMode::ReadPush, Value::float64(21.5))
      .property("running", "bool", PropertyMode::ReadWrite, Value::boolean(false))
      .property("speed", "int", PropertyMode::ReadWrite, Value::int32(10))
      .property("mode", "ControlUnit::Mode", PropertyMode::ReadWrite,
                Value::enumValue("ControlUnit::Mode", 0))
      .property("limit", "int", PropertyMode::ReadWrite, Value::int32(100))  // writes refused
      .property("tags", "QStringList", PropertyMode::ReadWrite, Value::stringList({"a", "b"}))
      .property("position", "QPoint", PropertyMode::ReadWrite, Value::point(1, 2))
      .property("last", "Reading", PropertyMode::ReadWrite,
                Value::userList("Reading", {Value::string("t1"), Value::float64(1.5)}))
      .property("serial", "QString", PropertyMode::Constant, Value::string("SN-1"))
      .property("stamp", "QDateTime", PropertyMode::ReadWrite)
      .property("blob", "QByteArray", PropertyMode::ReadWrite,
                Value::bytes(std::string("\0\xff", 2)))
      .property("limits", "QMap<QString,int>", PropertyMode::ReadWrite)
      .signal("alarm", {{"message", "QString"}})
      .slot("start")
      .slot("stop")
      .slot("reset", {{"toValue", "int"}}, "int")
      .slot("echo", {{"text", "QString"}}, "QString")
      .slot("add", {{"a", "int"}, {"b", "int"}}, "int")
      .slot("raise", {{"message", "QString"}})
      .slot("scale", {{"factor", "double"}}, "QList<int>")
      .slot("echoVariant", {{"v", "QVariant"}}, "QVariant")
      .slot("modeAfter", {{"m", "ControlUnit::Mode"}}, "ControlUnit::Mode")
      .build();
}

}  // namespace

int main(int argc, char** argv) {
  using doppel::Value;
  bool registry = false;
  std::string registerWith;
  std::vector<std::string> urls;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--registry") {
      registry = true;
    } else if (arg == "--register-with" && i + 1 < argc) {
      registerWith = argv[++i];
    } else {
      urls.push_back(arg);
    }
  }
  if (urls.empty()) {
    std::fprintf(stderr, "usage: cli_test_host [--registry] [--register-with URL] URL...\n");
    return 1;
  }

  struct sigaction action {};
  action.sa_handler = requestStop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  auto loop = doppel::makeEventLoop();
  doppel::Host host(*loop);
  for (const auto& url : urls) {
    if (auto r = host.listen(url); !r) {
      std::fprintf(stderr, "cli_test_host: cannot listen on %s: %s\n", url.c_str(),
                   r.error().toString().c_str());
      return 1;
    }
  }
  if (registry) {
    if (auto r = host.enableRegistry(); !r) {
      std::fprintf(stderr, "cli_test_host: %s\n", r.error().toString().c_str());
      return 1;
    }
  }
  if (!registerWith.empty()) {
    if (auto r = host.setRegistryUrl(registerWith); !r) {
      std::fprintf(stderr, "cli_test_host: %s\n", r.error().toString().c_str());
      return 1;
    }
  }

  doppel::Source unit(controlUnitInterface());
  // "limit" refuses every write; everything else is stored.
  const int limit = unit.interface().propertyIndex("limit");
  unit.onWrite([&unit, limit](int index, const Value& value) {
    if (index == limit) return false;
    return unit.setProperty(index, value).ok();
  });
  (void)unit.onCall("start", [&unit](const std::vector<Value>&) {
    (void)unit.setProperty("running", Value::boolean(true));
    return Value();
  });
  (void)unit.onCall("stop", [&unit](const std::vector<Value>&) {
    (void)unit.setProperty("running", Value::boolean(false));
    return Value();
  });
  (void)unit.onCall("reset", [&unit](const std::vector<Value>& args) {
    const Value old = unit.property("speed");
    (void)unit.setProperty("speed", Value::int32(static_cast<std::int32_t>(args[0].toInt())));
    return Value::int32(static_cast<std::int32_t>(old.toInt()));
  });
  (void)unit.onCall("echo", [](const std::vector<Value>& args) { return args[0]; });
  (void)unit.onCall("echoVariant", [](const std::vector<Value>& args) { return args[0]; });
  (void)unit.onCall("modeAfter", [](const std::vector<Value>& args) {
    return Value::enumValue("ControlUnit::Mode", (args[0].toInt() + 1) % 3);
  });
  (void)unit.onCall("add", [](const std::vector<Value>& args) {
    return Value::int32(static_cast<std::int32_t>(args[0].toInt() + args[1].toInt()));
  });
  (void)unit.onCall("raise", [&unit](const std::vector<Value>& args) {
    (void)unit.emitSignal("alarm", {args[0]});
    return Value();
  });
  (void)unit.onCall("scale", [](const std::vector<Value>& args) {
    const double f = args[0].toDouble();
    return Value::userList("QList<int>", {Value::int32(static_cast<int>(1 * f)),
                                          Value::int32(static_cast<int>(2 * f))});
  });

  doppel::Source plain(doppel::InterfaceBuilder("")
                           .property("counter", "int", doppel::PropertyMode::ReadPush)
                           .build());

  if (!registry) {
    if (auto r = host.enableRemoting(unit, "ControlUnit"); !r) {
      std::fprintf(stderr, "cli_test_host: %s\n", r.error().toString().c_str());
      return 1;
    }
    if (auto r = host.enableRemoting(plain, "Plain"); !r) {
      std::fprintf(stderr, "cli_test_host: %s\n", r.error().toString().c_str());
      return 1;
    }
  }

  std::string ready = "READY";
  for (const auto& url : host.urls()) ready += " " + url;
  std::printf("%s\n", ready.c_str());
  std::fflush(stdout);

  while (!g_stop.load()) {
    loop->runUntil([] { return g_stop.load(); },
                   doppel::Clock::now() + std::chrono::milliseconds(100));
  }
  return 0;
}
