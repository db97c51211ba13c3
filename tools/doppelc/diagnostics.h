// A rejection or warning of the .rep compiler: where (file:line:column), what, and what to write
// instead. Formatted like a compiler's so editors can jump to it.
#pragma once

#include <string>

#include "ast.h"

namespace doppelc {

struct Diagnostic {
  Location loc;
  std::string message;  ///< what is wrong
  std::string hint;     ///< what to write instead (may be empty)

  /// "file:3:5: error: message\n  hint: write ...\n"
  std::string format(const std::string& file, const char* severity = "error") const;
};

}  // namespace doppelc
