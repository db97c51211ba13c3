#include "ast.h"

#include "diagnostics.h"

namespace doppelc {

std::string RepParam::cppName() const {
  if (unnamed) return {};
  const auto eq = name.find('=');
  return eq == std::string::npos ? name : name.substr(0, eq);
}

std::string RepParam::cppDefault() const {
  const auto eq = name.find('=');
  return eq == std::string::npos || unnamed ? std::string() : name.substr(eq + 1);
}

const char* repModeName(RepMode mode) {
  switch (mode) {
    case RepMode::Constant: return "CONSTANT";
    case RepMode::ReadOnly: return "READONLY";
    case RepMode::ReadPush: return "READPUSH";
    case RepMode::ReadWrite: return "READWRITE";
    case RepMode::SourceOnlySetter: return "SOURCEONLYSETTER";
  }
  return "?";
}

std::string Diagnostic::format(const std::string& file, const char* severity) const {
  std::string out = file + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.column) +
                    ": " + severity + ": " + message + "\n";
  if (!hint.empty()) out += "  hint: " + hint + "\n";
  return out;
}

}  // namespace doppelc
