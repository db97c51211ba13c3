// A .rep file (any bytes) through doppelc's lexer, parser, signatures and generators: no crash,
// no hang (the lexer is linear), a rejection always points inside the file, and an accepted file
// gives 40-hex-digit signatures and generates the same text twice.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "generate.h"
#include "parser.h"
#include "signature.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = doppelc::parse(input, "fuzz.rep");
  if (parsed.error) {
    int lines = 1;
    for (char c : input) lines += c == '\n' ? 1 : 0;
    DOPPEL_FUZZ_CHECK(parsed.error->loc.line >= 1 && parsed.error->loc.line <= lines,
                      "a diagnostic points outside the file");
    DOPPEL_FUZZ_CHECK(!parsed.error->message.empty(), "a diagnostic without a message");
    return 0;
  }
  const doppelc::Signatures sigs(parsed.file);
  for (const auto& entry : sigs.classes()) {
    DOPPEL_FUZZ_CHECK(entry.second.size() == 40, "a signature that is not 40 hex digits");
  }
  const auto again = doppelc::parse(input, "fuzz.rep");
  DOPPEL_FUZZ_CHECK(!again.error, "parsing is not deterministic");
  const std::string cpp = doppelc::generateCpp(parsed.file, sigs, doppelc::Side::Merged);
  DOPPEL_FUZZ_CHECK(cpp == doppelc::generateCpp(again.file, doppelc::Signatures(again.file), doppelc::Side::Merged),
                    "C++ generation is not deterministic");
  (void)doppelc::generateTs(parsed.file, sigs, doppelc::Side::Merged);
  return 0;
}
