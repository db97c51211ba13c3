// How the generators spell .rep types in C++: builtin Qt scalars and QString map to standard
// types, QList/QVector/QStringList to std::vector, QMap/QHash to std::map, QDateTime/QDate/QTime/
// QUuid to doppel's value structs, ENUMs, FLAGs and PODs to the generated types, and everything
// else (QVariant above all) stays a doppel::Value (still type-checked against the Qt name at run
// time).
#pragma once

#include <string>
#include <string_view>

#include "ast.h"

namespace doppelc {

struct CppType {
  enum class Kind { Scalar, String, Enum, Flag, Pod, Vector, Map, Struct, Value };
  Kind kind = Kind::Value;
  std::string cpp;   ///< the C++ spelling
  std::string qt;    ///< the normalized Qt name used on the wire and in the interface
  bool isVoid = false;
  const RepEnum* enumDef = nullptr;  ///< for Kind::Enum, and the enum a Kind::Flag wraps
};

/// Bytes of an ENUM's underlying type text (": quint8" -> 1); 4 when none or unknown.
int enumSize(std::string_view underlying);

/// Qt's spelling without blanks around <, > and , ("QMap< QString , int >" -> "QMap<QString,int>").
std::string normalizeQtType(std::string_view type);

class TypeMapper {
public:
  explicit TypeMapper(const RepFile& file) : m_file(file) {}
  CppType map(std::string_view type, const RepClass* scope, const RepPod* podScope) const;
  const RepClass* findClass(std::string_view name) const;

private:
  const RepFile& m_file;
};

}  // namespace doppelc
