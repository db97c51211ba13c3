// Internals shared by the two halves of value_json (reading and writing JSON).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "value_json.h"

namespace doppel::cli::detail {

/// Limits::maxValueDepth's default: deeper values would be refused by the codec anyway.
inline constexpr int kMaxDepth = 64;

bool isWordChar(char c);

/// "QMap<QString,QList<int>>" -> base "QMap", args {"QString", "QList<int>"}; no args if the
/// name is not a template. Expects a normalized name.
struct TemplateName {
  std::string base;
  std::vector<std::string> args;
};
TemplateName splitTemplate(std::string_view name);

/// "Lab::Mode" -> "Mode".
std::string_view lastPart(std::string_view name);

/// The JSON as it appears in an error message: scalars verbatim (shortened), containers by kind.
std::string describe(const Json& j);

/// The bits an enum of `sizeBytes` occupies (a 1-byte enum value 200 arrives as -56).
std::uint64_t enumMask(int sizeBytes);
/// The byte size of an enum (0 on the wire means 4).
int enumSize(const EnumDef& def);
/// "Idle, Running" and "count, name" for messages.
std::string keyList(const EnumDef& def);
std::string fieldList(const GadgetDef& def);

}  // namespace doppel::cli::detail
