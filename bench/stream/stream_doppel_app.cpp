// The stream benchmark's workload as a Dear ImGui application served by doppel's backend
// (bench/run_stream_bench.py drives it; the GTK and Qt twins are stream_gtk_app.c and
// stream_qt_app.cpp). Every twin draws the same widgets at the same places, in window pixels:
//
//   "Increment" button  x 20  y 20  160x40   (the benchmark clicks its centre, 100,40)
//   "Decrement" button  x 200 y 20  160x40
//   "Reset" button      x 20  y 70  160x40
//   label "Count: N"    x 20  y 120
//   text field          x 20  y 150 240 wide, "hello"
//   progress bar        x 20  y 200 300x20; with --animate it sweeps 0..1 every 2 s, else 30 %
//
// Usage: stream_doppel_app [--animate]; prints "PORT n" once it listens on 127.0.0.1:n (the
// viewer's WebSocket is ws://127.0.0.1:n/stream; the screen size comes from the viewer's Hello).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <imgui.h>

#include "doppel/imgui.h"

namespace {

struct Workload {
  bool animate = false;
  int count = 0;
  char text[64] = "hello";
};

void drawUi(Workload& w) {
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::Begin("workload", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
  const int before = w.count;
  ImGui::SetCursorPos(ImVec2(20, 20));
  if (ImGui::Button("Increment", ImVec2(160, 40))) ++w.count;
  ImGui::SetCursorPos(ImVec2(200, 20));
  if (ImGui::Button("Decrement", ImVec2(160, 40))) --w.count;
  ImGui::SetCursorPos(ImVec2(20, 70));
  if (ImGui::Button("Reset", ImVec2(160, 40))) w.count = 0;
  if (w.count != before) std::fprintf(stderr, "count %d\n", w.count);  // the driver checks it
  ImGui::SetCursorPos(ImVec2(20, 120));
  ImGui::Text("Count: %d", w.count);
  ImGui::SetCursorPos(ImVec2(20, 150));
  ImGui::SetNextItemWidth(240);
  ImGui::InputText("##text", w.text, sizeof w.text);
  ImGui::SetCursorPos(ImVec2(20, 200));
  const float fraction =
      w.animate ? static_cast<float>(std::fmod(ImGui::GetTime(), 2.0) / 2.0) : 0.3f;
  ImGui::ProgressBar(fraction, ImVec2(300, 20), "");
  ImGui::End();
}

}  // namespace

int main(int argc, char** argv) {
  Workload w;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--animate") == 0) {
      w.animate = true;
    } else {
      std::fprintf(stderr, "usage: stream_doppel_app [--animate]\n");
      return 2;
    }
  }
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui_ImplDoppel_Options options;  // 127.0.0.1, a free port, 4 credits, 60 fps at most
  if (!ImGui_ImplDoppel_Init(options)) return 1;
  const std::string url = ImGui_ImplDoppel_Url();  // http://127.0.0.1:PORT/
  const auto colon = url.rfind(':');
  std::printf("PORT %d\n", std::atoi(url.c_str() + colon + 1));
  std::fflush(stdout);
  // The driver ends the process with SIGTERM; an idle application sleeps in WaitForEvents and
  // draws only on input, and an animated one draws at the backend's pace (maxFps).
  for (;;) {
    const bool draw = ImGui_ImplDoppel_WaitForEvents(w.animate ? 1.0 / 60 : 1.0);
    if (!draw && !w.animate) continue;
    ImGui_ImplDoppel_NewFrame();
    ImGui::NewFrame();
    drawUi(w);
    ImGui::Render();
    ImGui_ImplDoppel_RenderDrawData(ImGui::GetDrawData());
  }
}
