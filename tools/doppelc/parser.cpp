#include "parser.h"

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <utility>

#include "lexer.h"

namespace doppelc {

namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool isBlank(char c) { return c == ' ' || c == '\t'; }

/// The end of the first word of `s`, treating blanks inside <...> as part of the word. Only
/// blanks end it, not newlines: repc reads `PROP(int\na)` as a type without a name.
std::size_t firstWordEnd(std::string_view s) {
  int depth = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<') ++depth;
    if (s[i] == '>' && depth > 0) --depth;
    if (depth == 0 && isBlank(s[i])) return i;
  }
  return s.size();
}

class Parser {
public:
  Parser(std::string_view source, std::vector<Token> tokens, RepFile& file)
      : m_source(source), m_tokens(std::move(tokens)), m_file(file) {}

  std::optional<Diagnostic> run();

private:
  const Token& peek() const { return m_tokens[m_pos]; }
  const Token& next() { return m_tokens[m_pos < m_tokens.size() - 1 ? m_pos++ : m_pos]; }
  bool fail(Location loc, std::string message, std::string hint) {
    if (!m_error) m_error = Diagnostic{loc, std::move(message), std::move(hint)};
    return false;
  }
  bool unexpected(const Token& t, std::string_view where, std::string hint) {
    return fail(t.loc, std::string("unexpected ") + tokName(t.kind) + " " + std::string(where),
                std::move(hint));
  }
  void warn(Location loc, const std::string& message) {
    m_file.warnings.push_back(Diagnostic{loc, message, {}}.format(m_file.path, "warning"));
  }
  void skipBlankTokens() {
    while (peek().kind == Tok::Newline || peek().kind == Tok::Comment || peek().kind == Tok::MComment)
      ++m_pos;
  }

  bool parseClass(const Token& head);
  bool parseEnumBody(const Token& head, RepEnum& out);
  bool parseProp(const Token& t, RepProperty& out);
  bool parseSlot(const Token& t, RepFunction& out);
  bool parseSignal(const Token& t, RepFunction& out);
  bool parseModel(const Token& t, RepProperty& out);
  bool parseChild(const Token& t, RepProperty& out);
  bool parsePod(const Token& t);
  bool parsePod2(const Token& head);
  bool parseFlag(const Token& t, const std::vector<RepEnum>& enums, const char* scope, RepFlag& out);

  std::string_view m_source;
  std::vector<Token> m_tokens;
  std::size_t m_pos = 0;
  RepFile& m_file;
  std::optional<Diagnostic> m_error;
};

std::optional<Diagnostic> Parser::run() {
  while (peek().kind == Tok::Newline) ++m_pos;
  int items = 0;
  while (!m_error && peek().kind != Tok::End) {
    const Token& t = next();
    switch (t.kind) {
      case Tok::Newline:
        continue;
      case Tok::Comment:
      case Tok::MComment:
        break;
      case Tok::Preprocessor:
        m_file.preprocessor.push_back(t.text);
        break;
      case Tok::UseEnum:
        m_file.useEnums.emplace_back(trim(t.inner));
        break;
      case Tok::Class:
        parseClass(t);
        break;
      case Tok::Pod:
        parsePod(t);
        break;
      case Tok::Pod2:
        parsePod2(t);
        break;
      case Tok::Enum: {
        RepEnum e;
        if (parseEnumBody(t, e)) {
          m_file.order.push_back({RepDecl::Kind::Enum, m_file.enums.size()});
          m_file.enums.push_back(std::move(e));
        }
        break;
      }
      case Tok::Flag: {
        RepFlag f;
        if (parseFlag(t, m_file.enums, "global", f)) {
          m_file.order.push_back({RepDecl::Kind::Flag, m_file.flags.size()});
          m_file.flags.push_back(std::move(f));
        }
        break;
      }
      case Tok::Prop:
      case Tok::Signal:
      case Tok::Slot:
      case Tok::Model:
      case Tok::ChildRep:
        fail(t.loc, std::string(tokName(t.kind)) + " outside a class",
             "move it between the `{` and `}` of a `class Name { ... };`");
        break;
      case Tok::Stop:
        fail(t.loc, "`}` without a matching `{`", "remove it, or open a class with `class Name {`");
        break;
      case Tok::Symbol:
        if (t.text == "class" && m_source.substr(t.begin, 1) != "c")
          fail(t.loc, "an indented `class`", "start `class Name` at column 1");
        else if (t.text == "class")
          fail(t.loc, "class name `" + peek().text + "` is too short",
               "class names need at least two characters, e.g. `class " + peek().text + peek().text + "`");
        else
          unexpected(t, "`" + t.text + "` at file scope",
                     "write a declaration: class, POD, ENUM, FLAG, USE_ENUM, a `#` line or a comment");
        break;
      default:
        unexpected(t, "at file scope",
                   "write a declaration: class, POD, ENUM, FLAG, USE_ENUM, a `#` line or a comment");
        break;
    }
    ++items;
  }
  if (!m_error && items == 0)
    fail(peek().loc, "the file declares nothing", "add at least one class, POD, ENUM or `#include`");
  return m_error;
}

bool Parser::parseClass(const Token& head) {
  RepClass cls;
  cls.name = head.name;
  cls.loc = head.loc;
  while (peek().kind == Tok::Newline) ++m_pos;
  if (peek().kind != Tok::Start)
    return unexpected(peek(), "after `class " + cls.name + "`", "open the class body with `{`");
  ++m_pos;
  for (;;) {
    skipBlankTokens();
    const Token& t = next();
    switch (t.kind) {
      case Tok::Stop:
        m_file.order.push_back({RepDecl::Kind::Class, m_file.classes.size()});
        m_file.classes.push_back(std::move(cls));
        return true;
      case Tok::Prop: {
        RepProperty p;
        if (!parseProp(t, p)) return false;
        cls.properties.push_back(std::move(p));
        break;
      }
      case Tok::Model:
      case Tok::ChildRep: {
        RepProperty p;
        if (!(t.kind == Tok::Model ? parseModel(t, p) : parseChild(t, p))) return false;
        cls.properties.push_back(std::move(p));
        break;
      }
      case Tok::Signal: {
        RepFunction f;
        if (!parseSignal(t, f)) return false;
        cls.signalDefs.push_back(std::move(f));
        break;
      }
      case Tok::Slot: {
        RepFunction f;
        if (!parseSlot(t, f)) return false;
        cls.slots.push_back(std::move(f));
        break;
      }
      case Tok::Enum: {
        RepEnum e;
        if (!parseEnumBody(t, e)) return false;
        cls.enums.push_back(std::move(e));
        break;
      }
      case Tok::Flag: {
        RepFlag f;
        if (!parseFlag(t, cls.enums, "class", f)) return false;
        cls.flags.push_back(std::move(f));
        break;
      }
      case Tok::Class:
        return fail(t.loc, "a class inside class " + cls.name,
                    "classes cannot be nested: close " + cls.name + " with `};` first, or use "
                    "`CLASS member(Type)` for a sub-object");
      case Tok::Preprocessor:
        return fail(t.loc, "a preprocessor line inside class " + cls.name,
                    "move `#` lines to file scope, before the class");
      case Tok::Pod:
      case Tok::Pod2:
      case Tok::UseEnum:
        return fail(t.loc, std::string(tokName(t.kind)) + " inside class " + cls.name,
                    std::string(tokName(t.kind)) + " is only allowed at file scope: move it before "
                    "the class");
      case Tok::End:
        return fail(t.loc, "class " + cls.name + " is not closed", "end the class with `};`");
      case Tok::Symbol:
        if (t.text == "class")
          return fail(t.loc, "a class inside class " + cls.name,
                      "classes cannot be nested: close " + cls.name + " with `};` first, or use "
                      "`CLASS member(Type)` for a sub-object");
        return unexpected(t, "`" + t.text + "` in class " + cls.name,
                          "write PROP(...), SIGNAL(...), SLOT(...), ENUM, FLAG(...), MODEL or CLASS "
                          "(upper case)");
      default:
        return unexpected(t, "in class " + cls.name,
                          "write PROP(...), SIGNAL(...), SLOT(...), ENUM, FLAG(...), MODEL or CLASS "
                          "(upper case, followed directly by `(`)");
    }
  }
}

bool Parser::parseEnumBody(const Token& head, RepEnum& out) {
  out.name = head.name;
  out.scoped = head.scoped;
  out.underlying = head.extra;
  out.loc = head.loc;
  if (peek().kind != Tok::Start)
    return unexpected(peek(), "after `ENUM " + out.name + "`",
                      "put the `{` on the same line: `ENUM " + out.name + " { A, B }`");
  ++m_pos;
  std::int64_t value = 0;
  std::set<std::string> seen;
  for (;;) {
    skipBlankTokens();
    const Token& key = next();
    if (key.kind != Tok::Symbol) {
      if (key.kind == Tok::Stop)
        return fail(key.loc, out.keys.empty() ? "ENUM " + out.name + " has no keys"
                                              : "a trailing `,` in ENUM " + out.name,
                    out.keys.empty() ? "list at least one key: `ENUM " + out.name + " { A }`"
                                     : "remove the `,` before `}`");
      return unexpected(key, "in ENUM " + out.name, "write keys as `Name` or `Name = 5` (decimal, "
                        "negative or 0x hex), separated by `,`");
    }
    if (peek().kind == Tok::Equals) {
      ++m_pos;
      const Token& v = next();
      if (v.kind != Tok::Value)
        return unexpected(v, "as the value of " + key.text,
                          "write a number: `5`, `-1` or `0x10` (no expressions or other keys)");
      const bool hex = v.text.size() > 2 && (v.text[1] == 'x' || v.text[1] == 'X');
      // Out-of-range values: repc's conversion fails and yields 0; keep to int32 like it.
      errno = 0;
      char* endp = nullptr;
      const long long parsed = std::strtoll(v.text.c_str(), &endp, hex ? 16 : 10);
      value = (errno != 0 || parsed > INT32_MAX || parsed < INT32_MIN) ? 0 : parsed;
    }
    out.keys.emplace_back(key.text, value);
    ++value;
    while (peek().kind == Tok::Newline) ++m_pos;
    const Token& sep = next();
    if (sep.kind == Tok::Stop) return true;
    if (sep.kind != Tok::Comma)
      return unexpected(sep, "after key " + key.text + " of ENUM " + out.name,
                        "separate keys with `,` and close the ENUM with `}`");
  }
}

bool Parser::parseFlag(const Token& t, const std::vector<RepEnum>& enums, const char* scope,
                       RepFlag& out) {
  out.name = t.name;
  out.enumName = t.extra;
  out.loc = t.loc;
  for (const auto& e : enums)
    if (e.name == out.enumName) return true;
  return fail(t.loc, "FLAG(" + out.name + " " + out.enumName + ") names no " + scope + " ENUM " +
                         out.enumName,
              "declare `ENUM " + out.enumName + " { ... }` earlier in the same " +
                  (std::string(scope) == "global" ? std::string("file scope") : std::string(scope)));
}

bool Parser::parseProp(const Token& t, RepProperty& out) {
  out.loc = t.loc;
  std::string_view s = trim(t.inner);
  const std::size_t typeEnd = firstWordEnd(s);
  out.type = std::string(s.substr(0, typeEnd));
  s = trim(s.substr(typeEnd));
  std::size_t nameEnd = 0;
  while (nameEnd < s.size() && !isBlank(s[nameEnd]) && s[nameEnd] != '=') ++nameEnd;
  out.name = std::string(s.substr(0, nameEnd));
  if (out.type.empty() || out.name.empty())
    return fail(t.loc, "PROP(" + std::string(trim(t.inner)) + ") has no property name" +
                           (t.inner.find('\n') != std::string::npos ? " (a newline does not separate type and name)" : ""),
                "write `PROP(Type name)`, e.g. `PROP(int count = 0)`");
  s = trim(s.substr(nameEnd));
  if (!s.empty() && s.front() == '=') {
    s = trim(s.substr(1));
    std::size_t end = 0;
    if (!s.empty() && s.front() == '"') {
      end = 1;
      while (end < s.size() && s[end] != '"') end += s[end] == '\\' ? 2 : 1;
      if (end >= s.size())
        return fail(t.loc, "the default value of " + out.name + " has no closing `\"`",
                    "close the string: `= \"text\"`");
      ++end;
    }
    while (end < s.size() && !isSpace(s[end])) ++end;
    out.defaultValue = std::string(s.substr(0, end));
    s = trim(s.substr(end));
  }
  std::set<RepMode> modes;
  bool more = !s.empty();
  while (more) {
    const std::size_t comma = s.find(',');
    const std::string_view flag = trim(s.substr(0, comma));
    more = comma != std::string_view::npos;
    s = more ? s.substr(comma + 1) : std::string_view();
    if (flag == "PERSISTED") out.persisted = true;
    else if (flag == "READPUSH") modes.insert(RepMode::ReadPush);
    else if (flag == "READONLY") modes.insert(RepMode::ReadOnly);
    else if (flag == "CONSTANT") modes.insert(RepMode::Constant);
    else if (flag == "READWRITE") modes.insert(RepMode::ReadWrite);
    else if (flag == "SOURCEONLYSETTER") modes.insert(RepMode::SourceOnlySetter);
    else
      return fail(t.loc, "unknown PROP modifier `" + std::string(flag) + "` on " + out.name,
                  "use READPUSH, READONLY, CONSTANT, READWRITE or SOURCEONLYSETTER, optionally with "
                  "PERSISTED, separated by `,`; a default value is one word or a quoted string");
  }
  if (modes.size() == 2 && modes.count(RepMode::ReadOnly) && modes.count(RepMode::Constant))
    modes = {RepMode::Constant};
  if (modes.size() > 1) {
    std::string names;
    for (RepMode m : modes) names += std::string(names.empty() ? "" : ", ") + repModeName(m);
    return fail(t.loc, "PROP " + out.name + " combines the modes " + names,
                "give one mode (only `READONLY, CONSTANT` may be combined)");
  }
  if (!modes.empty()) out.mode = *modes.begin();
  return true;
}

bool Parser::parseSignal(const Token& t, RepFunction& out) {
  out.name = t.name;
  out.loc = t.loc;
  int counter = 0;
  for (const auto& a : splitArguments(t.inner)) out.params.push_back(parseArgument(a, counter));
  return true;
}

bool Parser::parseSlot(const Token& t, RepFunction& out) {
  out.loc = t.loc;
  const std::string_view head = trim(t.extra);
  // repc splits at the last blank and keeps the rest as written: `int  f` returns "int ".
  std::size_t split = head.size();
  while (split > 0 && !isBlank(head[split - 1])) --split;
  out.name = std::string(head.substr(split));
  const std::string_view ret = split > 0 ? head.substr(0, split - 1) : std::string_view();
  if (out.name.empty())
    return fail(t.loc, "SLOT without a name", "write `SLOT(ReturnType name(Type arg))`");
  if (ret.empty()) {
    out.returnTypeGiven = false;
    warn(t.loc, "SLOT " + out.name + " has no return type; void is assumed (write `SLOT(void " +
                    out.name + "(...))`)");
  } else {
    out.returnType = std::string(ret);
  }
  int counter = 0;
  for (const auto& a : splitArguments(t.inner)) out.params.push_back(parseArgument(a, counter));
  return true;
}

bool Parser::parseModel(const Token& t, RepProperty& out) {
  out.kind = RepProperty::Kind::Model;
  out.name = t.name;
  out.type = "QAbstractItemModel";
  out.mode = RepMode::SourceOnlySetter;
  out.loc = t.loc;
  // Roles are split at every `,` and trimmed; repc keeps empty ones (they hash as "").
  std::string_view s = t.inner;
  for (;;) {
    const std::size_t comma = s.find(',');
    out.roles.emplace_back(trim(s.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    s = s.substr(comma + 1);
  }
  if (out.roles.size() == 1 && out.roles[0].empty()) out.roles.clear();
  return true;
}

bool Parser::parseChild(const Token& t, RepProperty& out) {
  out.kind = RepProperty::Kind::Class;
  out.name = t.name;
  out.type = std::string(trim(t.inner));
  out.mode = RepMode::SourceOnlySetter;
  out.loc = t.loc;
  if (out.type.empty())
    return fail(t.loc, "CLASS " + out.name + " has no type", "write `CLASS " + out.name + "(OtherClass)`");
  return true;
}

bool Parser::parsePod(const Token& t) {
  RepPod pod;
  pod.name = t.name;
  pod.loc = t.loc;
  if (t.inner.find("ENUM") != std::string::npos)
    return fail(t.loc, "ENUM inside the parenthesised POD " + pod.name,
                "use the brace form: `POD " + pod.name + "{ ENUM E {A, B} E e, int x }`");
  int counter = 0;
  for (const auto& a : splitArguments(t.inner)) pod.members.push_back(parseArgument(a, counter));
  if (pod.members.empty()) {
    warn(t.loc, "POD " + pod.name + " has no members and is ignored");
    return true;
  }
  m_file.order.push_back({RepDecl::Kind::Pod, m_file.pods.size()});
  m_file.pods.push_back(std::move(pod));
  return true;
}

bool Parser::parsePod2(const Token& head) {
  RepPod pod;
  pod.name = head.name;
  pod.braceForm = true;
  pod.loc = head.loc;
  while (peek().kind == Tok::Newline) ++m_pos;
  if (peek().kind != Tok::Start)
    return unexpected(peek(), "after `POD " + pod.name + "`",
                      "write `POD " + pod.name + "(Type a, Type b)` or `POD " + pod.name + "{ Type a, Type b }`");
  ++m_pos;
  // repc reads the body as text split at `,` outside <>: newlines do not end a member
  // ("int a\n QString b" is one member named "aQStringb"), and the ENUM and FLAG declarations are
  // cut out of the text, so `ENUM E {A}, E e` leaves an empty member before `E e`.
  int counter = 0;
  std::string piece;
  std::vector<std::string> pieces;
  int depth = 0;
  bool afterComma = false;
  bool memberless = true;  // at the start, or right after a `,`
  for (;;) {
    const Token& t = next();
    if (t.kind == Tok::Comma && depth == 0 && memberless && piece.find_first_not_of(' ') == std::string::npos)
      return fail(t.loc, "an empty member in POD " + pod.name, "remove the extra `,`");
    if (t.kind != Tok::Newline && t.kind != Tok::Comment && t.kind != Tok::MComment)
      memberless = t.kind == Tok::Comma;
    switch (t.kind) {
      case Tok::Newline:
      case Tok::Comment:
      case Tok::MComment:
        piece += ' ';
        continue;
      case Tok::Stop:
        if (afterComma)
          return fail(t.loc, "a trailing `,` in POD " + pod.name, "remove the `,` before `}`");
        pieces.push_back(piece);
        break;
      case Tok::Enum: {
        RepEnum e;
        if (!parseEnumBody(t, e)) return false;
        pod.enums.push_back(std::move(e));
        continue;
      }
      case Tok::Flag: {
        RepFlag f;
        if (!parseFlag(t, pod.enums, "pod", f)) return false;
        pod.flags.push_back(std::move(f));
        continue;
      }
      case Tok::Comma:
        afterComma = true;
        if (depth > 0) {
          piece += ',';
        } else {
          pieces.push_back(piece);
          piece.clear();
        }
        continue;
      case Tok::TStart:
      case Tok::TStop:
      case Tok::Symbol:
      case Tok::Ampersand:
        if (t.kind == Tok::TStart) ++depth;
        if (t.kind == Tok::TStop && depth > 0) --depth;
        afterComma = false;
        piece += std::string(m_source.substr(t.begin, t.end - t.begin));
        continue;
      default:
        return unexpected(t, "in POD " + pod.name,
                          "write members as `Type name` separated by `,` (no default values or `;`), "
                          "an `ENUM Name { ... }` or a `FLAG(Flags Enum)`");
    }
    break;
  }
  if (!pieces.empty() && trim(pieces.back()).empty()) pieces.pop_back();
  for (const auto& text : pieces) pod.members.push_back(parseArgument(text, counter));
  m_file.order.push_back({RepDecl::Kind::Pod, m_file.pods.size()});
  m_file.pods.push_back(std::move(pod));
  return true;
}

}  // namespace

std::vector<std::string> splitArguments(std::string_view text) {
  std::vector<std::string> out;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size()) {
      if (text[i] == '<') ++depth;
      if (text[i] == '>' && depth > 0) --depth;
      if (text[i] != ',' || depth > 0) continue;
    }
    out.emplace_back(text.substr(start, i - start));
    start = i + 1;
  }
  // repc drops one empty last part: "f()" has no parameter, "f(int a,)" one, "f(,)" one.
  if (!out.empty() && trim(out.back()).empty()) out.pop_back();
  return out;
}

RepParam parseArgument(std::string_view text, int& unnamedCounter) {
  RepParam p;
  std::string s(trim(text));
  if (s.size() > 5 && s.compare(0, 5, "const") == 0 && isSpace(s[5])) {
    p.isConst = true;
    s = std::string(trim(std::string_view(s).substr(6)));
  }
  std::string noRef;
  for (char c : s) {
    if (c == '&') p.isRef = true;
    else noRef += c;
  }
  const std::string_view rest = trim(noRef);
  const std::size_t typeEnd = firstWordEnd(rest);
  p.type = std::string(rest.substr(0, typeEnd));
  for (char c : rest.substr(typeEnd))
    if (!isSpace(c)) p.name += c;
  if (p.name.empty()) {
    p.unnamed = true;
    p.name = "__repc_variable_" + std::to_string(++unnamedCounter);
  }
  return p;
}

ParseResult parse(std::string_view source, std::string path) {
  ParseResult out;
  out.file.path = std::move(path);
  LexResult lexed = tokenize(source);
  if (lexed.error) {
    out.error = lexed.error;
    return out;
  }
  Parser parser(source, std::move(lexed.tokens), out.file);
  out.error = parser.run();
  return out;
}

}  // namespace doppelc
