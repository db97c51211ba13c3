// Test support: real ImGui frames from a headless context (the demo window, moved mouse, clicks).
#pragma once

#include <imgui.h>

#include "imgui/draw_snapshot.h"

namespace doppel::imgui::test {

class HeadlessImGui {
public:
  HeadlessImGui() {
    m_ctx = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(1280, 800);
    unsigned char* px = nullptr;
    int w = 0;
    int h = 0;
    io.Fonts->GetTexDataAsAlpha8(&px, &w, &h);
    io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(1)));
  }
  ~HeadlessImGui() { ImGui::DestroyContext(m_ctx); }
  HeadlessImGui(const HeadlessImGui&) = delete;
  HeadlessImGui& operator=(const HeadlessImGui&) = delete;

  /// One frame of the demo window with the mouse at (x, y).
  Frame frame(float x, float y, bool down) {
    ImGuiIO& io = ImGui::GetIO();
    io.DeltaTime = 1.0f / 60.0f;
    io.MousePos = ImVec2(x, y);
    io.MouseDown[0] = down;
    ImGui::NewFrame();
    ImGui::ShowDemoWindow();
    ImGui::Render();
    return snapshotDrawData(*ImGui::GetDrawData());
  }

private:
  ImGuiContext* m_ctx;
};

}  // namespace doppel::imgui::test
