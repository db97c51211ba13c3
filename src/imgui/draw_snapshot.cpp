#include "imgui/draw_snapshot.h"

#include <cstring>

#include <imgui.h>

namespace doppel::imgui {

static_assert(sizeof(ImDrawVert) == kVertexBytes, "libimgui is built with the default ImDrawVert");
static_assert(sizeof(ImDrawIdx) == kIndexBytes, "libimgui is built with 16-bit indices");

Frame snapshotDrawData(const ImDrawData& drawData) {
  Frame frame;
  frame.displayPos[0] = drawData.DisplayPos.x;
  frame.displayPos[1] = drawData.DisplayPos.y;
  frame.displaySize[0] = drawData.DisplaySize.x;
  frame.displaySize[1] = drawData.DisplaySize.y;
  frame.fbScale[0] = drawData.FramebufferScale.x;
  frame.fbScale[1] = drawData.FramebufferScale.y;
  frame.lists.resize(static_cast<std::size_t>(drawData.CmdListsCount));
  for (int i = 0; i < drawData.CmdListsCount; ++i) {
    const ImDrawList& src = *drawData.CmdLists[i];
    DrawList& dst = frame.lists[static_cast<std::size_t>(i)];
    dst.vtx.assign(reinterpret_cast<const char*>(src.VtxBuffer.Data),
                   static_cast<std::size_t>(src.VtxBuffer.Size) * kVertexBytes);
    dst.idx.assign(reinterpret_cast<const char*>(src.IdxBuffer.Data),
                   static_cast<std::size_t>(src.IdxBuffer.Size) * kIndexBytes);
    if (src._OwnerName != nullptr) {
      const auto h = contentHash(src._OwnerName, std::strlen(src._OwnerName));
      dst.key = static_cast<std::uint32_t>(h ^ (h >> 32)) | 1u;
    }
    dst.cmds.reserve(static_cast<std::size_t>(src.CmdBuffer.Size));
    for (const ImDrawCmd& c : src.CmdBuffer) {
      if (c.UserCallback != nullptr || c.ElemCount == 0) continue;
      DrawCmd cmd;
      cmd.clip[0] = c.ClipRect.x;
      cmd.clip[1] = c.ClipRect.y;
      cmd.clip[2] = c.ClipRect.z;
      cmd.clip[3] = c.ClipRect.w;
      cmd.texture = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(c.TextureId));
      cmd.vtxOffset = c.VtxOffset;
      cmd.idxOffset = c.IdxOffset;
      cmd.elemCount = c.ElemCount;
      dst.cmds.push_back(cmd);
    }
  }
  return frame;
}

}  // namespace doppel::imgui
