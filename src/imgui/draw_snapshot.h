// Copies ImDrawData (valid only until the next NewFrame) into a Frame the stream can keep.
#pragma once

#include "imgui/frame.h"

struct ImDrawData;

namespace doppel::imgui {

/// Texture ids become wire ids by their integer value (the backend hands out small integers);
/// commands with a user callback are skipped.
Frame snapshotDrawData(const ImDrawData& drawData);

}  // namespace doppel::imgui
