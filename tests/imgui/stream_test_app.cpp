// The application the browser end-to-end test (tests/e2e/imgui_viewer.test.mjs) drives: a button
// with a counter, a text field and what was typed into it, the display size, the clipboard as
// the application sees it, and a button that copies a known text. Built-in font, dark style, no
// ini file, no blinking cursor, so the same input always draws the same pixels.
//
//   stream_test_app [--platform web:port=N[,takeover]]     prints "open URL" once it serves
//
// Each line on stdin gets one JSON line on stdout: the app's state (counter, text, size, clipboard,
// where the widgets are) and ImGui_ImplDoppel_GetStats(); the app exits at end of input.
#include <cstdio>
#include <string>

#include <imgui.h>
#include <poll.h>
#include <unistd.h>

#include "doppel/imgui.h"

namespace {

std::string json(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out + "\"";
}

/// Where to click the last item: its middle, or `left` pixels in (a text field's frame, not its label).
std::string center(float left = -1) {
  const ImVec2 a = ImGui::GetItemRectMin();
  const ImVec2 b = ImGui::GetItemRectMax();
  const float x = left >= 0 ? a.x + left : (a.x + b.x) / 2;
  return "[" + std::to_string(static_cast<int>(x)) + "," +
         std::to_string(static_cast<int>((a.y + b.y) / 2)) + "]";
}

struct App {
  int count = 0;
  char text[128] = "";
  int copies = 0;
  std::string clipboard;
  std::string size = "[0,0]";  // JSON arrays, filled by draw()
  float fbScale = 0;           // io.DisplayFramebufferScale.x: the browser's devicePixelRatio
  std::string button = "[0,0]", field = "[0,0]", copy = "[0,0]";

  void draw() {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->Pos);
    ImGui::SetNextWindowSize(vp->Size);
    ImGui::Begin("stream test", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove);
    if (ImGui::Button("Count", ImVec2(160, 40))) ++count;
    button = center();
    ImGui::Text("count: %d", count);
    ImGui::SetNextItemWidth(300);
    ImGui::InputText("field", text, sizeof text);
    field = center(40);
    ImGui::Text("typed: %s", text);
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    fbScale = ImGui::GetIO().DisplayFramebufferScale.x;
    size = "[" + std::to_string(static_cast<int>(display.x)) + "," + std::to_string(static_cast<int>(display.y)) + "]";
    ImGui::Text("size: %.0fx%.0f", static_cast<double>(display.x), static_cast<double>(display.y));
    const char* clip = ImGui::GetClipboardText();
    clipboard = clip != nullptr ? clip : "";
    ImGui::Text("clipboard: %s", clipboard.c_str());
    if (ImGui::Button("Copy", ImVec2(160, 40))) {
      ++copies;
      ImGui::SetClipboardText(("copied " + std::to_string(copies)).c_str());
    }
    copy = center();
    ImGui::End();
  }

  void print() const {
    const ImGui_ImplDoppel_Stats s = ImGui_ImplDoppel_GetStats();
    std::printf("{\"count\":%d,\"text\":%s,\"copies\":%d,\"clipboard\":%s,\"size\":%s,\"button\":%s,"
                "\"field\":%s,\"copy\":%s,\"bytesSent\":%llu,\"rawBytes\":%llu,\"framesRendered\":%llu,"
                "\"framesSent\":%llu,\"keyFrames\":%llu,\"texturesSent\":%llu,\"connections\":%llu,"
                "\"refused\":%llu,\"connected\":%s,\"fbScale\":%g}\n",
                count, json(text).c_str(), copies, json(clipboard).c_str(), size.c_str(), button.c_str(),
                field.c_str(), copy.c_str(), static_cast<unsigned long long>(s.bytesSent),
                static_cast<unsigned long long>(s.rawBytes), static_cast<unsigned long long>(s.framesRendered),
                static_cast<unsigned long long>(s.framesSent), static_cast<unsigned long long>(s.keyFrames),
                static_cast<unsigned long long>(s.texturesSent), static_cast<unsigned long long>(s.connections),
                static_cast<unsigned long long>(s.refused), s.connected ? "true" : "false",
                static_cast<double>(fbScale));
    std::fflush(stdout);
  }
};

/// Answers each line on stdin; false at end of input.
bool serveStdin(const App& app) {
  pollfd p{STDIN_FILENO, POLLIN, 0};
  if (poll(&p, 1, 0) <= 0) return true;
  char line[64];
  if (std::fgets(line, sizeof line, stdin) == nullptr) return false;
  app.print();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  ImGui_ImplDoppel_Options options;
  (void)ImGui_ImplDoppel_ParseArgs(argc, argv, options);
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui::StyleColorsDark();
  if (!ImGui_ImplDoppel_Init(options)) return 1;
  std::printf("open %s\n", ImGui_ImplDoppel_Url().c_str());
  std::fflush(stdout);
  App app;
  while (serveStdin(app)) {
    // Short waits: stdin is not on doppel's loop, so the app looks at it between waits.
    if (!ImGui_ImplDoppel_WaitForEvents(0.05)) continue;
    ImGui_ImplDoppel_NewFrame();
    ImGui::NewFrame();
    app.draw();
    ImGui::Render();
    ImGui_ImplDoppel_RenderDrawData(ImGui::GetDrawData());
  }
  ImGui_ImplDoppel_Shutdown();
  ImGui::DestroyContext();
  return 0;
}
