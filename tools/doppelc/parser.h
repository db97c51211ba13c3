// The .rep grammar (protocol §10.2) over the tokens of lexer.h, plus the checks repc makes while
// parsing (modes, FLAG enums, scopes). The result keeps texts as repc splits them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ast.h"
#include "diagnostics.h"

namespace doppelc {

struct ParseResult {
  RepFile file;
  std::optional<Diagnostic> error;
};

ParseResult parse(std::string_view source, std::string path);

/// repc's argument splitting, shared by SIGNAL, SLOT and POD members (exposed for tests).
std::vector<std::string> splitArguments(std::string_view text);
RepParam parseArgument(std::string_view text, int& unnamedCounter);

}  // namespace doppelc
