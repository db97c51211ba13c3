// The .rep tokenizer. Like repc's, it tries every token shape at the current position and keeps
// the longest match (ties go to the shape listed first), and most shapes swallow the blanks
// around them; there is no free whitespace token, which is why an indented `class` or a line
// holding only blanks is an error in repc too (protocol §10.1, §10.6).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diagnostics.h"

namespace doppelc {

enum class Tok {
  Newline,
  Comment,       ///< `// ...` up to and including the newline
  MComment,      ///< `/* ... */`
  Preprocessor,  ///< `#...` up to and including the newline
  Class,         ///< `class Name`
  Start,         ///< `{`
  Stop,          ///< `}` with an optional `;`
  Prop,          ///< `PROP(...)`
  Signal,        ///< `SIGNAL(name(args))`
  Slot,          ///< `SLOT(ret name(args))`
  Model,         ///< `MODEL name(roles)`
  ChildRep,      ///< `CLASS name(Type)`
  Enum,          ///< `ENUM [class] Name [: type]`
  Flag,          ///< `FLAG(Flags Enum)`
  Pod,           ///< `POD Name(members)`
  Pod2,          ///< `POD Name` (brace form follows)
  UseEnum,       ///< `USE_ENUM(...)`
  Symbol,
  Value,
  Comma,
  Equals,
  Ampersand,
  TStart,  ///< `<`
  TStop,   ///< `>`
  End,
};
const char* tokName(Tok kind);

struct Token {
  Tok kind = Tok::End;
  std::size_t begin = 0;
  std::size_t end = 0;
  Location loc;
  std::string name;   ///< the declared name (class, signal, model, child, enum, flag, pod)
  std::string inner;  ///< text inside the parentheses (PROP, POD, USE_ENUM, MODEL, CLASS, args)
  std::string extra;  ///< SLOT: the text before the name's '('; ENUM: underlying type; FLAG: enum
  bool scoped = false;  ///< ENUM class
  std::string text;     ///< Symbol/Value/Preprocessor: the token without surrounding blanks
};

/// Splits a whole file. On an unknown character sequence returns the diagnostic instead.
struct LexResult {
  std::vector<Token> tokens;  ///< ends with Tok::End
  std::optional<Diagnostic> error;
};
LexResult tokenize(std::string_view source);

}  // namespace doppelc
