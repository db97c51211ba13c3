// doppel_model_client URL MODEL[,MODEL...] [--edits N] [--seeds K]
//
// doppel's ModelReplica reading models a host shares (qt_model_host, or doppel_model_host),
// through "ModelControl" (slots edit(model, seed, count) and dump(model)): every row and role
// must match the source's dump, then again after each of K seeded sequences of N random edits
// at the source. Prints "ok ..." / "FAIL ..."; exits 0 only if all passed.
#include <chrono>
#include <cstdio>
#include <string>

#include "doppel/doppel.h"
#include "doppel/model.h"
#include "doppel/model_replica.h"

#include "model_edits.h"

using doppel::Value;
using namespace std::chrono_literals;

namespace {

int g_failures = 0;

void dumpRec(doppel::ModelReplica& m, const doppel::IndexPath& parent, const std::string& prefix,
             const std::vector<int>& roles, std::string& out) {
  const int rows = m.rowCount(parent);
  for (int i = 0; i < rows; ++i) {
    doppel::IndexPath index = parent;
    index.push_back({i, 0});
    const std::string path = prefix + std::to_string(i);
    out += path + ":";
    for (int role : roles) out += " " + modeltest::text(m.data(index, role));
    out += "\n";
    if (m.hasChildren(index)) dumpRec(m, index, path + "/", roles, out);
  }
}

std::string call(doppel::Replica& control, const char* slot, std::vector<Value> args) {
  auto reply = control.call(slot, std::move(args));
  if (!reply.waitForFinished(20s) || !reply.isOk()) return "<no reply>";
  return reply.returnValue().toString();
}

bool converge(doppel::EventLoop& loop, doppel::ModelReplica& m, const std::vector<int>& roles,
              const std::string& expected, std::string* last) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    last->clear();
    dumpRec(m, {}, "", roles, *last);
    if (*last == expected) return true;
    const auto slice = doppel::Clock::now() + 20ms;
    loop.runUntil([] { return false; }, slice);
  }
  return false;
}

void check(const std::string& name, bool ok, const std::string& expected, const std::string& got) {
  if (ok) {
    std::printf("ok %s\n", name.c_str());
    return;
  }
  ++g_failures;
  std::size_t line = 0;
  std::size_t e = 0;
  std::size_t g = 0;
  while (true) {
    const auto en = expected.find('\n', e);
    const auto gn = got.find('\n', g);
    const std::string el = expected.substr(e, en == std::string::npos ? std::string::npos : en - e);
    const std::string gl = got.substr(g, gn == std::string::npos ? std::string::npos : gn - g);
    if (el != gl || en == std::string::npos || gn == std::string::npos) {
      std::printf("FAIL %s: line %zu: expected '%s' got '%s'\n", name.c_str(), line, el.c_str(), gl.c_str());
      return;
    }
    e = en + 1;
    g = gn + 1;
    ++line;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: doppel_model_client URL MODEL[,MODEL...] [--edits N] [--seeds K]\n");
    return 2;
  }
  int edits = 1000;
  int seeds = 3;
  for (int i = 3; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--edits") edits = std::atoi(argv[i + 1]);
    if (std::string(argv[i]) == "--seeds") seeds = std::atoi(argv[i + 1]);
  }
  auto loop = doppel::makeEventLoop();
  doppel::Node node(*loop);
  (void)node.connectToNode(argv[1]);
  auto control = node.acquireDynamic("ModelControl");
  if (!control->waitForSource(10s)) {
    std::printf("FAIL ModelControl did not initialize\n");
    return 1;
  }
  std::string list = argv[2];
  std::size_t pos = 0;
  while (pos <= list.size()) {
    const auto comma = list.find(',', pos);
    const std::string name = list.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? list.size() + 1 : comma + 1;
    const std::vector<int> roles =
        name == "Strings" ? std::vector<int>{doppel::Role::Display, doppel::Role::Edit}
        : name == "Tree"  ? std::vector<int>{doppel::Role::Display, modeltest::kNumberRole}
                          : std::vector<int>{doppel::Role::Display, modeltest::kNumberRole, modeltest::kDoneRole};
    doppel::ModelReplicaOptions options;
    options.roles = roles;
    auto model = node.acquireModel(name, options);
    if (!model->waitForInitialized(10s)) {
      ++g_failures;
      std::printf("FAIL %s: not initialized\n", name.c_str());
      continue;
    }
    if (model->roleNames().count(doppel::Role::Display) == 0) {
      ++g_failures;
      std::printf("FAIL %s: roleNames lacks display\n", name.c_str());
    }
    std::string got;
    std::string expected = call(*control, "dump", {Value::string(name)});
    check(name + " initial content", converge(*loop, *model, roles, expected, &got), expected, got);
    for (int seed = 1; seed <= seeds; ++seed) {
      call(*control, "edit", {Value::string(name), Value::int32(seed), Value::int32(edits)});
      expected = call(*control, "dump", {Value::string(name)});
      check(name + " after " + std::to_string(edits) + " edits (seed " + std::to_string(seed) + ")",
            converge(*loop, *model, roles, expected, &got), expected, got);
    }
  }
  std::printf(g_failures == 0 ? "PASS\n" : "FAILURES %d\n", g_failures);
  return g_failures == 0 ? 0 : 1;
}
