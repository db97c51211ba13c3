// The parsed .rep file (protocol §10): declarations as written, before any meaning is given to
// their types. Texts are kept exactly as repc splits them, because the signature hashes them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace doppelc {

struct Location {
  int line = 1;
  int column = 1;
};

struct RepEnum {
  std::string name;
  bool scoped = false;     ///< ENUM class
  std::string underlying;  ///< ": quint8" text, empty if none
  std::vector<std::pair<std::string, std::int64_t>> keys;
  Location loc;
};

struct RepFlag {
  std::string name;      ///< the QFlags type ("Dirs")
  std::string enumName;  ///< the enum it wraps ("Dir")
  Location loc;
};

/// A parameter (signal, slot) or POD member, split like repc: the type is the first word outside
/// <>, `&` anywhere sets isRef, everything else glued together is the name ("b=0", "intx").
struct RepParam {
  std::string type;
  std::string name;  ///< as hashed; `__repc_variable_N` if none was written
  bool isConst = false;
  bool isRef = false;
  bool unnamed = false;
  /// The part of `name` before '=' and the text after it (C++ default argument), for generators.
  std::string cppName() const;
  std::string cppDefault() const;
};

struct RepFunction {
  std::string name;
  std::string returnType = "void";
  bool returnTypeGiven = true;
  std::vector<RepParam> params;
  Location loc;
};

enum class RepMode { Constant = 0, ReadOnly = 1, ReadPush = 2, ReadWrite = 3, SourceOnlySetter = 4 };
const char* repModeName(RepMode mode);

struct RepProperty {
  enum class Kind { Plain, Class, Model };
  Kind kind = Kind::Plain;
  std::string type;          ///< the type text; the child class for CLASS; empty for MODEL
  std::string name;
  std::string defaultValue;  ///< raw C++ text, empty if none
  RepMode mode = RepMode::ReadPush;
  bool persisted = false;
  std::vector<std::string> roles;  ///< MODEL roles as written
  Location loc;
};

struct RepPod {
  std::string name;
  bool braceForm = false;
  std::vector<RepParam> members;
  std::vector<RepEnum> enums;
  std::vector<RepFlag> flags;
  Location loc;
};

struct RepClass {
  std::string name;
  std::vector<RepProperty> properties;  ///< PROP, CLASS and MODEL in file order
  std::vector<RepFunction> signalDefs;
  std::vector<RepFunction> slots;
  std::vector<RepEnum> enums;
  std::vector<RepFlag> flags;
  Location loc;
};

/// One top-level declaration, in file order (the signature table is filled in this order).
struct RepDecl {
  enum class Kind { Enum, Flag, Pod, Class };
  Kind kind;
  std::size_t index;  ///< into RepFile::enums / flags / pods / classes
};

struct RepFile {
  std::string path;
  std::vector<std::string> preprocessor;  ///< "#include <x>" lines, verbatim
  std::vector<std::string> useEnums;      ///< USE_ENUM(...) arguments
  std::vector<RepEnum> enums;
  std::vector<RepFlag> flags;
  std::vector<RepPod> pods;
  std::vector<RepClass> classes;
  std::vector<RepDecl> order;
  std::vector<std::string> warnings;  ///< formatted like diagnostics
};

}  // namespace doppelc
