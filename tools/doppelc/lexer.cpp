#include "lexer.h"

#include <array>
#include <cctype>

namespace doppelc {

namespace {

constexpr std::size_t npos = std::string_view::npos;

bool isIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool isIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

/// The source with, for each position, where the next `(`, `)`, newline and `*/` start: the
/// matchers' "anything up to X" scans are then O(1), so tokenizing stays linear on any input.
struct Text {
  std::string_view s;
  std::vector<std::size_t> nextOpen, nextClose, nextNewline, nextCommentEnd;

  explicit Text(std::string_view src) : s(src) {
    const std::size_t n = s.size();
    nextOpen.assign(n + 1, npos);
    nextClose.assign(n + 1, npos);
    nextNewline.assign(n + 1, npos);
    nextCommentEnd.assign(n + 1, npos);
    for (std::size_t i = n; i-- > 0;) {
      nextOpen[i] = s[i] == '(' ? i : nextOpen[i + 1];
      nextClose[i] = s[i] == ')' ? i : nextClose[i + 1];
      nextNewline[i] = s[i] == '\n' ? i : nextNewline[i + 1];
      nextCommentEnd[i] = (s[i] == '*' && i + 1 < n && s[i + 1] == '/') ? i : nextCommentEnd[i + 1];
    }
  }
  std::size_t find(char c, std::size_t from) const {
    if (from > s.size()) return npos;
    switch (c) {
      case '(': return nextOpen[from];
      case ')': return nextClose[from];
      case '\n': return nextNewline[from];
      default: return s.find(c, from);
    }
  }
};

/// The matchers below read the source through this cursor; every step fails softly (npos) so a
/// matcher is a straight line of "expect this, then that".
struct Cursor {
  const Text& text;
  std::size_t p;
  std::string_view s = text.s;

  bool ok() const { return p != npos; }
  void blanks() {
    if (!ok()) return;
    while (p < s.size() && (s[p] == ' ' || s[p] == '\t')) ++p;
  }
  void blanks1() {  // at least one blank
    if (!ok()) return;
    if (p >= s.size() || (s[p] != ' ' && s[p] != '\t')) {
      p = npos;
      return;
    }
    blanks();
  }
  void lit(std::string_view word) {
    if (!ok()) return;
    if (s.substr(p, word.size()) != word) {
      p = npos;
      return;
    }
    p += word.size();
  }
  void ch(char c) {
    if (!ok()) return;
    if (p >= s.size() || s[p] != c) {
      p = npos;
      return;
    }
    ++p;
  }
  void optCh(char c) {
    if (ok() && p < s.size() && s[p] == c) ++p;
  }
  /// An identifier of at least `minLength` characters.
  std::string ident(std::size_t minLength = 1) {
    if (!ok()) return {};
    if (p >= s.size() || !isIdentStart(s[p])) {
      p = npos;
      return {};
    }
    std::size_t e = p + 1;
    while (e < s.size() && isIdentChar(s[e])) ++e;
    if (e - p < minLength) {
      p = npos;
      return {};
    }
    std::string out(s.substr(p, e - p));
    p = e;
    return out;
  }
  /// Everything up to (not including) the first `stop`; at least `minLength` characters.
  std::string until(char stop, std::size_t minLength = 0) {
    if (!ok()) return {};
    const std::size_t e = text.find(stop, p);
    if (e == npos || e - p < minLength) {
      p = npos;
      return {};
    }
    std::string out(s.substr(p, e - p));
    p = e;
    return out;
  }
};

/// Each matcher returns the end of its token or npos, filling `t`.
using Matcher = std::size_t (*)(const Text&, std::size_t, Token&);

std::size_t matchNewline(const Text& x, std::size_t p, Token&) {
  const std::string_view s = x.s;
  if (s.substr(p, 1) == "\n") return p + 1;
  if (s.substr(p, 2) == "\r\n") return p + 2;
  return npos;
}

std::size_t matchComment(const Text& x, std::size_t p, Token&) {
  Cursor c{x, p};
  c.blanks();
  c.lit("//");
  c.until('\n');
  c.ch('\n');
  return c.p;
}

std::size_t matchMComment(const Text& x, std::size_t p, Token&) {
  const std::string_view s = x.s;
  if (s.substr(p, 2) != "/*") return npos;
  const std::size_t e = p + 2 <= s.size() ? x.nextCommentEnd[p + 2] : npos;
  return e == npos ? npos : e + 2;
}

std::size_t matchPreprocessor(const Text& x, std::size_t p, Token& t) {
  Cursor c{x, p};
  c.ch('#');
  std::string text = c.until('\n');
  c.ch('\n');
  if (c.ok()) {
    if (!text.empty() && text.back() == '\r') text.pop_back();
    t.text = "#" + text;
  }
  return c.p;
}

std::size_t matchClass(const Text& x, std::size_t p, Token& t) {
  Cursor c{x, p};
  c.lit("class");
  c.blanks1();
  t.name = c.ident(2);
  c.blanks();
  return c.p;
}

std::size_t matchStart(const Text& x, std::size_t p, Token&) {
  Cursor c{x, p};
  c.blanks();
  c.ch('{');
  c.blanks();
  return c.p;
}

std::size_t matchStop(const Text& x, std::size_t p, Token&) {
  Cursor c{x, p};
  c.blanks();
  c.ch('}');
  c.optCh(';');
  c.blanks();
  return c.p;
}

/// KEYWORD [blanks] ( inner ) [;] [blanks], the shape of PROP, POD's body and USE_ENUM.
std::size_t parenthesised(Cursor c, std::string_view keyword, bool leadingBlanks, Token& t) {
  if (leadingBlanks) c.blanks();
  c.lit(keyword);
  c.blanks();
  c.ch('(');
  t.inner = c.until(')');
  c.ch(')');
  c.optCh(';');
  c.blanks();
  return c.p;
}

std::size_t matchProp(const Text& x, std::size_t p, Token& t) {
  return parenthesised(Cursor{x, p}, "PROP", true, t);
}

std::size_t matchUseEnum(const Text& x, std::size_t p, Token& t) {
  return parenthesised(Cursor{x, p}, "USE_ENUM", false, t);
}

std::size_t matchSignal(const Text& x, std::size_t p, Token& t) {
  Cursor c{x, p};
  c.blanks();
  c.lit("SIGNAL");
  c.blanks();
  c.ch('(');
  c.blanks();
  t.name = c.ident();
  c.blanks();
  c.ch('(');
  t.inner = c.until(')');
  c.ch(')');
  c.blanks();
  c.ch(')');
  c.optCh(';');
  c.blanks();
  return c.p;
}

std::size_t matchSlot(const Text& x, std::size_t p, Token& t) {
  Cursor c{x, p};
  c.blanks();
  c.lit("SLOT");
  c.blanks();
  c.ch('(');
  t.extra = c.until('(');
  c.ch('(');
  t.inner = c.until(')');
  c.ch(')');
  c.blanks();
  c.ch(')');
  c.optCh(';');
  c.blanks();
  return c.p;
}

/// MODEL name(roles) and CLASS name(Type): a two-character name and a non-empty argument.
std::size_t namedMember(const Text& x, std::size_t p, std::string_view keyword, Token& t) {
  Cursor c{x, p};
  c.blanks();
  c.lit(keyword);
  c.blanks1();
  t.name = c.ident(2);
  c.ch('(');
  t.inner = c.until(')', 1);
  c.ch(')');
  c.optCh(';');
  c.blanks();
  return c.p;
}

std::size_t matchModel(const Text& x, std::size_t p, Token& t) {
  return namedMember(x, p, "MODEL", t);
}

std::size_t matchChildRep(const Text& x, std::size_t p, Token& t) {
  return namedMember(x, p, "CLASS", t);
}

std::size_t matchEnum(const Text& x, std::size_t p, Token& t) {
  const std::string_view s = x.s;
  Cursor c{x, p};
  c.blanks();
  c.lit("ENUM");
  c.blanks1();
  if (!c.ok()) return npos;
  {
    Cursor scoped = c;
    scoped.lit("class");
    scoped.blanks1();
    if (scoped.ok() && scoped.p < s.size() && isIdentStart(s[scoped.p])) {
      c.p = scoped.p;
      t.scoped = true;
    }
  }
  t.name = c.ident();
  c.blanks();
  if (c.ok() && c.p < s.size() && s[c.p] == ':') {
    ++c.p;
    c.blanks();
    std::size_t e = c.p;
    while (e < s.size() && s[e] != '{' && s[e] != '\n' && s[e] != '\r') ++e;
    std::string_view type = s.substr(c.p, e - c.p);
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
    if (type.empty()) return npos;
    t.extra = std::string(type);
    c.p = e;
  }
  return c.p;
}

std::size_t matchFlag(const Text& x, std::size_t p, Token& t) {
  Cursor c{x, p};
  c.blanks();
  c.lit("FLAG");
  c.blanks();
  c.ch('(');
  c.blanks();
  t.name = c.ident();
  c.blanks1();
  t.extra = c.ident();
  c.blanks();
  c.ch(')');
  c.optCh(';');
  c.blanks();
  return c.p;
}

std::size_t matchPod(const Text& x, std::size_t p, Token& t) {
  Cursor c{x, p};
  c.blanks();
  c.lit("POD");
  c.blanks1();
  t.name = c.ident(2);
  return parenthesised(c, "", false, t);
}

std::size_t matchPod2(const Text& x, std::size_t p, Token& t) {
  Cursor c{x, p};
  c.blanks();
  c.lit("POD");
  c.blanks1();
  t.name = c.ident(2);
  c.blanks();
  return c.p;
}

std::size_t matchSymbol(const Text& x, std::size_t p, Token& t) {
  Cursor c{x, p};
  c.blanks();
  t.text = c.ident();
  c.blanks();
  return c.p;
}

std::size_t matchValue(const Text& x, std::size_t p, Token& t) {
  const std::string_view s = x.s;
  Cursor c{x, p};
  c.blanks();
  if (!c.ok()) return npos;
  const std::size_t b = c.p;
  std::size_t e = b;
  if (s.substr(b, 2) == "0x" || s.substr(b, 2) == "0X") {
    e = b + 2;
    while (e < s.size() && std::isxdigit(static_cast<unsigned char>(s[e]))) ++e;
    if (e == b + 2) e = b;  // "0x" alone: fall back to the decimal "0"
  }
  if (e == b) {
    if (e < s.size() && s[e] == '-') ++e;
    const std::size_t digits = e;
    while (e < s.size() && std::isdigit(static_cast<unsigned char>(s[e]))) ++e;
    if (e == digits) return npos;
  }
  t.text = std::string(s.substr(b, e - b));
  c.p = e;
  c.blanks();
  return c.p;
}

template <char C>
std::size_t matchChar(const Text& x, std::size_t p, Token&) {
  Cursor c{x, p};
  c.blanks();
  c.ch(C);
  c.blanks();
  return c.p;
}

struct Shape {
  Tok kind;
  Matcher match;
};

// Order breaks ties between matches of equal length: keywords before plain symbols.
constexpr std::array<Shape, 24> kShapes{{
    {Tok::Class, matchClass},
    {Tok::Pod, matchPod},
    {Tok::Pod2, matchPod2},
    {Tok::Enum, matchEnum},
    {Tok::Flag, matchFlag},
    {Tok::Prop, matchProp},
    {Tok::UseEnum, matchUseEnum},
    {Tok::Signal, matchSignal},
    {Tok::Slot, matchSlot},
    {Tok::Model, matchModel},
    {Tok::ChildRep, matchChildRep},
    {Tok::Start, matchStart},
    {Tok::Stop, matchStop},
    {Tok::Comment, matchComment},
    {Tok::MComment, matchMComment},
    {Tok::Preprocessor, matchPreprocessor},
    {Tok::Newline, matchNewline},
    {Tok::Value, matchValue},
    {Tok::Symbol, matchSymbol},
    {Tok::Comma, matchChar<','>},
    {Tok::Equals, matchChar<'='>},
    {Tok::Ampersand, matchChar<'&'>},
    {Tok::TStart, matchChar<'<'>},
    {Tok::TStop, matchChar<'>'>},
}};

void advance(std::string_view s, std::size_t from, std::size_t to, Location& loc) {
  for (std::size_t i = from; i < to; ++i) {
    if (s[i] == '\n') {
      ++loc.line;
      loc.column = 1;
    } else {
      ++loc.column;
    }
  }
}

std::string describe(std::string_view rest) {
  std::string out;
  for (char ch : rest.substr(0, 20)) {
    if (ch == '\n') break;
    out += ch;
  }
  return out;
}

/// The identifier that ends right before `p` on the same line (and whether blanks separate it).
std::string_view wordBefore(std::string_view s, std::size_t p, bool& blanksBetween) {
  std::size_t e = p;
  while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  blanksBetween = e != p;
  std::size_t b = e;
  while (b > 0 && isIdentChar(s[b - 1])) --b;
  return s.substr(b, e - b);
}

/// The keyword that opened the parenthesis `p` is inside of, if any ("PROP", "SIGNAL", ...).
std::string_view openKeyword(std::string_view s, std::size_t p) {
  const std::size_t lineStart = s.rfind('\n', p == 0 ? 0 : p - 1);
  std::string_view line = s.substr(lineStart == npos ? 0 : lineStart + 1);
  line = line.substr(0, p - (lineStart == npos ? 0 : lineStart + 1));
  for (std::string_view kw : {"USE_ENUM", "SIGNAL", "SLOT", "PROP", "MODEL", "CLASS", "POD"}) {
    if (line.find(std::string(kw) + "(") != npos || line.find(std::string(kw) + " ") != npos ||
        (line.size() >= kw.size() && line.substr(line.size() - kw.size()) == kw))
      return kw;
  }
  return {};
}

Diagnostic unknownToken(std::string_view s, std::size_t p, Location loc) {
  Diagnostic d;
  d.loc = loc;
  std::size_t q = p;
  while (q < s.size() && (s[q] == ' ' || s[q] == '\t')) ++q;
  const std::string_view rest = s.substr(q);
  bool blanks = false;
  const std::string_view word = wordBefore(s, p, blanks);
  const std::string_view keyword = openKeyword(s, p);
  std::string lower;
  for (char c : word) lower += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const bool lowerKeyword = lower != word && (lower == "PROP" || lower == "SIGNAL" || lower == "SLOT" ||
                                              lower == "MODEL" || lower == "FLAG" || lower == "USE_ENUM");
  if (q < s.size() && (s[q] == '\n' || s[q] == '\r') && q > p) {
    d.message = "a line holding only blanks";
    d.hint = "remove the spaces or tabs on this line (repc accepts no whitespace of its own)";
  } else if (q == s.size()) {
    d.message = "blanks at the end of the file";
    d.hint = "end the file with a newline after the last declaration";
  } else if (rest.substr(0, 2) == "//") {
    d.message = "a `//` comment without a newline after it";
    d.hint = "end the file with a newline";
  } else if (rest.substr(0, 2) == "/*") {
    d.message = q > p ? "a `/*` comment after blanks" : "a `/*` comment that is never closed";
    d.hint = q > p ? "start the `/*` comment at column 1, or use `//`" : "close it with `*/`";
  } else if (rest.substr(0, 1) == "#") {
    d.message = q > p ? "an indented preprocessor line" : "a preprocessor line without a newline";
    d.hint = q > p ? "start `#` lines at column 1" : "end the line with a newline";
  } else if (rest.substr(0, 1) == ";") {
    d.message = "a `;` that follows nothing";
    d.hint = "a `;` may only follow a declaration's `)` or a `}` directly, without blanks";
  } else if (rest.substr(0, 1) == "(" && lowerKeyword) {
    d.message = "`" + std::string(word) + "` is not a keyword";
    d.hint = "keywords are upper case: write `" + lower + "(...)`";
  } else if (rest.substr(0, 1) == "(" && (keyword == "MODEL" || keyword == "CLASS") && !word.empty()) {
    d.message = std::string(keyword) + " member `" + std::string(word) + "` is malformed";
    d.hint = word.size() < 2 ? "member names need at least two characters, e.g. `" + std::string(keyword) +
                                   " " + std::string(word) + std::string(word) + "(...)`"
             : blanks ? "write `(` right after the name: `" + std::string(keyword) + " " + std::string(word) + "(...)`"
                      : "give a non-empty argument: `MODEL name(role1, role2)` or `CLASS name(Type)`";
  } else if (rest.substr(0, 1) == "(" && keyword == "USE_ENUM") {
    d.message = "USE_ENUM not at column 1 of file scope";
    d.hint = "move `USE_ENUM(...)` out of the class, to the start of a line";
  } else if (rest.substr(0, 1) == "(" && keyword == "SIGNAL") {
    d.message = "SIGNAL without a parameter list";
    d.hint = "write `SIGNAL(name(Type arg))`, or `SIGNAL(name())` for none";
  } else if (rest.substr(0, 1) == "(" && keyword == "SLOT") {
    d.message = "SLOT declaration is malformed";
    d.hint = "write `SLOT(ReturnType name(Type arg))`, with nothing after the parameter list";
  } else if (rest.substr(0, 1) == ")" && keyword == "PROP") {
    d.message = "a `)` inside PROP(...)";
    d.hint = "a default value cannot contain parentheses: use a literal or a name";
  } else if (rest.substr(0, 1) == "." && !word.empty() && std::isdigit(static_cast<unsigned char>(word.back()))) {
    d.message = "a number that is not an integer";
    d.hint = "ENUM values are integers: decimal, negative or 0x hex";
  } else {
    d.message = "unexpected `" + describe(rest) + "`";
    d.hint = "expected a declaration (class, PROP, SIGNAL, SLOT, ENUM, FLAG, POD, MODEL, CLASS, "
             "USE_ENUM), a comment, `{` or `}`";
  }
  return d;
}

}  // namespace

const char* tokName(Tok kind) {
  switch (kind) {
    case Tok::Newline: return "newline";
    case Tok::Comment: return "comment";
    case Tok::MComment: return "comment";
    case Tok::Preprocessor: return "preprocessor line";
    case Tok::Class: return "class";
    case Tok::Start: return "`{`";
    case Tok::Stop: return "`}`";
    case Tok::Prop: return "PROP";
    case Tok::Signal: return "SIGNAL";
    case Tok::Slot: return "SLOT";
    case Tok::Model: return "MODEL";
    case Tok::ChildRep: return "CLASS";
    case Tok::Enum: return "ENUM";
    case Tok::Flag: return "FLAG";
    case Tok::Pod: return "POD";
    case Tok::Pod2: return "POD";
    case Tok::UseEnum: return "USE_ENUM";
    case Tok::Symbol: return "name";
    case Tok::Value: return "number";
    case Tok::Comma: return "`,`";
    case Tok::Equals: return "`=`";
    case Tok::Ampersand: return "`&`";
    case Tok::TStart: return "`<`";
    case Tok::TStop: return "`>`";
    case Tok::End: return "end of file";
  }
  return "?";
}

LexResult tokenize(std::string_view source) {
  LexResult out;
  const Text text(source);
  std::size_t p = 0;
  Location loc;
  while (p < source.size()) {
    Token best;
    std::size_t bestEnd = npos;
    for (const Shape& shape : kShapes) {
      Token t;
      const std::size_t e = shape.match(text, p, t);
      if (e == npos || e <= p) continue;
      if (bestEnd == npos || e > bestEnd) {
        bestEnd = e;
        best = std::move(t);
        best.kind = shape.kind;
      }
    }
    if (bestEnd == npos) {
      out.error = unknownToken(source, p, loc);
      out.tokens.clear();
      return out;
    }
    best.begin = p;
    best.end = bestEnd;
    best.loc = loc;
    // Report the declaration where its keyword is, not where the blanks before it start.
    std::size_t q = p;
    while (q < bestEnd && (source[q] == ' ' || source[q] == '\t')) ++q;
    advance(source, p, q, best.loc);
    advance(source, p, bestEnd, loc);
    out.tokens.push_back(std::move(best));
    p = bestEnd;
  }
  Token end;
  end.kind = Tok::End;
  end.begin = end.end = source.size();
  end.loc = loc;
  out.tokens.push_back(end);
  return out;
}

}  // namespace doppelc
