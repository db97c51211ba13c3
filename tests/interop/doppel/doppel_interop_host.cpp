// doppel_interop_host URL [--registry REGURL | --be-registry] [--signature]
//
// A doppel host for the interop tests. By default it shares "Interop" (the interface of
// ../interop.rep, built in repc's index order, with a null signature, or with --signature
// repc's signature of it) and "Plain" on URL, with
// the values of ../interop_values.h and the slot behaviour the Qt host has. With --registry it
// registers both with the registry at REGURL. With --be-registry it is only the registry of a
// network (no sources of its own). Prints "READY <url>" once listening; quits on SIGTERM/SIGINT.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "doppel/doppel.h"

#include "../interop_values.h"
#include "doppel/web.h"
#include "interop_doppel.h"
#include <signal.h>

using doppel::Value;

namespace {

int usage() {
  std::fprintf(
      stderr, "usage: doppel_interop_host URL [--registry REGURL | --be-registry] [--signature]\n");
  return 2;
}

void check(const doppel::Result<void>& r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "doppel_interop_host: %s: %s\n", what, r.error().toString().c_str());
    std::exit(1);
  }
}

// Every property from the table (constProp included: CONSTANT only means no replica changes it).
void setTableValues(doppel::Source& source, const std::vector<interopd::Expected>& table) {
  for (const auto& e : table) check(source.setProperty(e.name, e.value), e.name.c_str());
}

// Replicas may write what a Qt source would let them: everything but CONSTANT properties.
void refuseConstantWrites(doppel::Source& source) {
  source.onWrite([&source](int index, const Value& value) {
    const auto& props = source.interface().properties;
    if (index < 0 || static_cast<std::size_t>(index) >= props.size() ||
        props[static_cast<std::size_t>(index)].mode == doppel::PropertyMode::Constant)
      return false;
    return source.setProperty(index, value).ok();
  });
}

void installInteropSlots(doppel::Source& source) {
  check(source.onCall("add",
                      [](const std::vector<Value>& a) {
                        return Value::int32(static_cast<std::int32_t>(a[0].toInt() + a[1].toInt()));
                      }),
        "add");
  check(source.onCall("echo", [](const std::vector<Value>& a) { return a[0]; }), "echo");
  check(source.onCall("fire",
                      [&source](const std::vector<Value>& a) {
                        const Value& msg = a[0];
                        const auto n = static_cast<std::int32_t>(a[1].toInt());
                        check(source.emitSignal("pinged", {msg, Value::int32(n)}), "pinged");
                        check(
                            source.emitSignal(
                                "richSignal",
                                {interopd::myPod(n, msg.toString(), interop::kRichPodD),
                                 Value::enumValue("Mode", interop::kModeOn),
                                 Value::userList("QList<int>", {Value::int32(n), Value::int32(-n)}),
                                 Value::map({{Value::string("msg"), msg},
                                             {Value::string("n"), Value::int32(n)}})}),
                            "richSignal");
                        check(source.emitSignal("fired", {}), "fired");
                        return Value();
                      }),
        "fire");
  check(source.onCall("echoPod",
                      [](const std::vector<Value>& a) {
                        const auto& f = a[0].toList();
                        if (f.size() != 3) return Value();
                        return interopd::myPod(static_cast<int>(f[0].toInt()) + 1,
                                               f[1].toString() + "!", f[2].toDouble() * 2);
                      }),
        "echoPod");
  check(source.onCall("nextMode",
                      [](const std::vector<Value>& a) {
                        const auto m = a[0].toInt();
                        const int next = m == interop::kModeOff  ? interop::kModeOn
                                         : m == interop::kModeOn ? interop::kModeAuto
                                                                 : interop::kModeOff;
                        return Value::enumValue("Mode", next);
                      }),
        "nextMode");
  check(source.onCall("sum",
                      [](const std::vector<Value>& a) {
                        std::int64_t total = 0;
                        for (const auto& v : a[0].toList()) total += v.toInt();
                        return Value::int64(total);
                      }),
        "sum");
  check(source.onCall("reversePods",
                      [](const std::vector<Value>& a) {
                        Value::List pods = a[0].toList();
                        std::reverse(pods.begin(), pods.end());
                        return Value::userList("QList<MyPod>", std::move(pods));
                      }),
        "reversePods");
}

void installPlainSlots(doppel::Source& source) {
  check(source.onCall("greet",
                      [](const std::vector<Value>& a) {
                        return Value::string("Hello, " + a[0].toString() + "!");
                      }),
        "greet");
  check(source.onCall(
            "trigger",
            [&source](const std::vector<Value>& a) {
              check(source.emitSignal("somethingHappened", {a[0], a[1]}), "somethingHappened");
              return Value();
            }),
        "trigger");
  check(source.onCall("twice",
                      [](const std::vector<Value>& a) {
                        return Value::int32(static_cast<std::int32_t>(2 * a[0].toInt()));
                      }),
        "twice");
}

}  // namespace

int main(int argc, char** argv) {
  std::string url, registry;
  bool beRegistry = false;
  bool withSignature = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--registry") == 0 && i + 1 < argc) {
      registry = argv[++i];
    } else if (std::strcmp(argv[i], "--be-registry") == 0) {
      beRegistry = true;
    } else if (std::strcmp(argv[i], "--signature") == 0) {
      withSignature = true;
    } else if (url.empty() && argv[i][0] != '-') {
      url = argv[i];
    } else {
      return usage();
    }
  }
  if (url.empty() || (beRegistry && !registry.empty())) return usage();

  interopd::blockStopSignals();

  auto loop = doppel::makeEventLoop();
  doppel::Host host(*loop);
  // ws://HOST:PORT/ is served by the web layer (WebServer, no token: the peers are tests).
  std::unique_ptr<doppel::WebServer> web;
  if (url.rfind("ws://", 0) == 0) {
    doppel::WebOptions webOptions;
    const auto colon = url.rfind(':');
    webOptions.host = url.substr(5, colon - 5);
    webOptions.port = static_cast<std::uint16_t>(std::stoi(url.substr(colon + 1)));
    auto started = doppel::WebServer::start(host, webOptions);
    if (!started) {
      std::fprintf(stderr, "doppel_interop_host: %s\n", started.error().toString().c_str());
      return 1;
    }
    web = std::move(*started);
  } else {
    check(host.listen(url), "listen");
  }

  doppel::Source interopSource(interopd::interopInterface(withSignature));
  doppel::Source plainSource(interopd::plainInterface());
  if (beRegistry) {
    check(host.enableRegistry(), "enableRegistry");
  } else {
    setTableValues(interopSource, interopd::interopProperties());
    setTableValues(plainSource, interopd::plainProperties());
    installInteropSlots(interopSource);
    installPlainSlots(plainSource);
    refuseConstantWrites(interopSource);
    refuseConstantWrites(plainSource);
    if (!registry.empty()) check(host.setRegistryUrl(registry), "setRegistryUrl");
    check(host.enableRemoting(interopSource, "Interop"), "enableRemoting(Interop)");
    check(host.enableRemoting(plainSource, "Plain"), "enableRemoting(Plain)");
  }

  const auto urls = host.urls();
  interopd::serveUntilStopped(*loop, web ? web->url() : urls.empty() ? url : urls.front());
  std::fprintf(stderr, "doppel_interop_host: exiting\n");
  return 0;
}
