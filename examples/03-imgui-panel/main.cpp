// An ImGui control panel for the demo master, streamed to a browser (docs/imgui-streaming.md):
// the per-user panel of DESIGN.md §8. It holds a dynamic replica of the master's ControlUnit
// (values live, buttons call its slots), a model replica of MyModel (the item list, rows fetched
// as they are shown) and a dynamic replica of ModelAPI, whose addItem the add field calls: an
// item added by anyone (another panel, the web page, a Qt client) appears here live.
// Open the printed URL in a browser.
//
//   example_03_imgui_panel [--master tcp://127.0.0.1:9999] [--platform web:port=8090] [--frames N]
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <imgui.h>

#include "doppel/doppel.h"
#include "doppel/imgui.h"
#include "doppel/model_replica.h"

namespace {

// Roles of the master's MyModel (examples/demo/my_model.h), looked up by name.
struct ItemRoles {
  int name = -1;
  int done = -1;
  int createdBy = -1;
};

struct Panel {
  std::shared_ptr<doppel::Replica> unit;
  std::shared_ptr<doppel::ModelReplica> items;
  std::shared_ptr<doppel::Replica> itemApi;
  ItemRoles roles;
  std::vector<std::string> log;
  char newItem[64] = "";
  int resetTo = 10;
  float history[120] = {};
  int historyCount = 0;

  void draw(const std::string& master) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->Pos);
    ImGui::SetNextWindowSize(vp->Size);
    ImGui::Begin("ControlUnit", nullptr, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoCollapse);
    const bool valid = unit->state() == doppel::ReplicaState::Valid;
    ImGui::Text("master %s: %s", master.c_str(), doppel::replicaStateName(unit->state()));
    ImGui::Separator();
    if (valid) {
      ImGui::Text("status       %s", unit->property("status").toString().c_str());
      ImGui::Text("temperature  %.1f", unit->property("temperature").toDouble());
      ImGui::PlotLines("##history", history, historyCount, 0, nullptr, 0.0f, 120.0f, ImVec2(-1, 60));
      bool running = unit->property("running").toBool();
      if (ImGui::Checkbox("running", &running)) (void)unit->setProperty("running", doppel::Value::boolean(running));
      int speed = static_cast<int>(unit->property("speed").toInt());
      if (ImGui::SliderInt("speed", &speed, 0, 100)) (void)unit->setProperty("speed", doppel::Value::int32(speed));
    } else {
      ImGui::TextDisabled("waiting for the master...");
    }
    ImGui::BeginDisabled(!valid);
    if (ImGui::Button("Start", ImVec2(100, 0))) (void)unit->call("start");
    ImGui::SameLine();
    if (ImGui::Button("Stop", ImVec2(100, 0))) (void)unit->call("stop");
    ImGui::SameLine();
    if (ImGui::Button("Reset", ImVec2(100, 0))) (void)unit->call("reset", {doppel::Value::int32(resetTo)});
    ImGui::SameLine();
    ImGui::SetNextItemWidth(120);
    ImGui::InputInt("##resetTo", &resetTo);
    ImGui::EndDisabled();
    ImGui::Separator();
    drawItems();
    ImGui::Separator();
    ImGui::Text("Alarms");
    for (const auto& line : log) ImGui::TextWrapped("%s", line.c_str());
    ImGui::End();
  }

  void drawItems() {
    const bool ready = items->isInitialized() && itemApi->state() == doppel::ReplicaState::Valid;
    if (ready && roles.name < 0) {
      roles.name = items->roleId("name");
      roles.done = items->roleId("done");
      roles.createdBy = items->roleId("createdBy");
    }
    const int rows = ready ? items->rowCount() : 0;
    ImGui::Text("Items (%d)", rows);
    ImGui::BeginDisabled(!ready);
    ImGui::SetNextItemWidth(240);
    const bool enter = ImGui::InputText("##newItem", newItem, sizeof newItem, ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    if ((ImGui::Button("Add") || enter) && newItem[0] != '\0') {
      // The master adds the row; it comes back through the model replica like anyone else's.
      (void)itemApi->call("addItem", {doppel::Value::string(newItem)});
      newItem[0] = '\0';
    }
    ImGui::EndDisabled();
    if (!ready) {
      ImGui::TextDisabled("waiting for MyModel...");
      return;
    }
    // Only the rows on screen are read: the replica fetches them (and a little ahead) on demand.
    ImGui::BeginChild("##items", ImVec2(0, 220), true);
    ImGuiListClipper clipper;
    clipper.Begin(rows);
    while (clipper.Step()) {
      for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
        const doppel::Value name = items->data(row, roles.name);
        if (!name.isValid()) {
          ImGui::TextDisabled("...");
          continue;
        }
        ImGui::PushID(row);
        bool done = items->data(row, roles.done).toBool();
        if (ImGui::Checkbox("##done", &done)) (void)itemApi->call("toggleDone", {doppel::Value::int32(row)});
        ImGui::SameLine();
        ImGui::Text("%s", name.toString().c_str());
        ImGui::SameLine(320);
        ImGui::TextDisabled("%s", items->data(row, roles.createdBy).toString().c_str());
        ImGui::PopID();
      }
    }
    ImGui::EndChild();
  }
};

}  // namespace

int main(int argc, char** argv) {
  ImGui_ImplDoppel_Options options;
  options.port = 8090;
  (void)ImGui_ImplDoppel_ParseArgs(argc, argv, options);
  std::string master = "tcp://127.0.0.1:9999";
  long maxFrames = -1;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--master") == 0) master = argv[++i];
    else if (std::strcmp(argv[i], "--frames") == 0) maxFrames = std::atol(argv[++i]);
  }

  auto loop = doppel::makeEventLoop();
  options.loop = loop.get();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui::StyleColorsDark();
  if (!ImGui_ImplDoppel_Init(options)) return 1;
  std::printf("imgui panel: %s\n", ImGui_ImplDoppel_Url().c_str());
  std::fflush(stdout);

  doppel::Node node(*loop);
  (void)node.connectToNode(master);
  Panel panel;
  panel.unit = node.acquireDynamic("ControlUnit");
  // Replica changes are application state: each one asks for a frame (and only then is one drawn).
  panel.unit->stateChanged.connect([](doppel::ReplicaState, doppel::ReplicaState) { ImGui_ImplDoppel_RequestFrame(); });
  panel.unit->propertyChanged.connect([&panel](int index, const doppel::Value& v) {
    if (panel.unit->interface().properties[static_cast<std::size_t>(index)].name == "temperature") {
      if (panel.historyCount == 120) {
        std::memmove(panel.history, panel.history + 1, sizeof(float) * 119);
        panel.historyCount = 119;
      }
      panel.history[panel.historyCount++] = static_cast<float>(v.toDouble());
    }
    ImGui_ImplDoppel_RequestFrame();
  });
  // The item list: a model replica, and ModelAPI for its operations (two objects, as in Qt).
  panel.items = node.acquireModel("MyModel");
  panel.itemApi = node.acquireDynamic("ModelAPI");
  const auto redraw = [] { ImGui_ImplDoppel_RequestFrame(); };
  panel.items->initialized.connect(redraw);
  panel.items->rowsInserted.connect([](const doppel::IndexPath&, int, int) { ImGui_ImplDoppel_RequestFrame(); });
  panel.items->rowsRemoved.connect([](const doppel::IndexPath&, int, int) { ImGui_ImplDoppel_RequestFrame(); });
  panel.items->dataChanged.connect([](const doppel::IndexPath&, const doppel::IndexPath&, const std::vector<int>&) {
    ImGui_ImplDoppel_RequestFrame();
  });
  panel.items->modelReset.connect(redraw);
  panel.itemApi->stateChanged.connect([](doppel::ReplicaState, doppel::ReplicaState) { ImGui_ImplDoppel_RequestFrame(); });
  panel.unit->signalEmitted.connect([&panel](int, const std::vector<doppel::Value>& args) {
    panel.log.push_back(args.empty() ? "alarm" : args[0].toString());
    ImGui_ImplDoppel_RequestFrame();
  });

  for (long frame = 0; maxFrames < 0 || frame < maxFrames; ++frame) {
    ImGui_ImplDoppel_WaitForEvents(1.0);
    ImGui_ImplDoppel_NewFrame();
    ImGui::NewFrame();
    panel.draw(master);
    ImGui::Render();
    ImGui_ImplDoppel_RenderDrawData(ImGui::GetDrawData());
  }
  ImGui_ImplDoppel_Shutdown();
  ImGui::DestroyContext();
  return 0;
}
