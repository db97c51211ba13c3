// repc's interface signatures (protocol §6.5): every ENUM, FLAG, POD, MODEL and class gets a
// SHA-1 in the order the file declares them, and later declarations hash earlier ones by name.
// That order matters: a CLASS member whose class comes later in the file contributes nothing.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ast.h"

namespace doppelc {

class Signatures {
public:
  explicit Signatures(const RepFile& file);

  /// The class's signature (40 hex characters), empty for an unknown class.
  std::string classSignature(std::string_view className) const;
  /// Every class in file order.
  const std::vector<std::pair<std::string, std::string>>& classes() const { return m_classes; }

  /// repc's typeData(type, scope): the bytes a type contributes to a hash.
  std::string typeData(std::string_view type, std::string_view scope) const;

private:
  void addEnum(const RepEnum& e, const std::string& key);
  void addFlag(const RepFlag& f, const std::string& scope);
  void addPod(const RepPod& pod);
  void addClass(const RepClass& cls);
  std::string functions(const std::vector<RepFunction>& fns, const std::string& scope) const;

  std::map<std::string, std::string, std::less<>> m_table;
  std::vector<std::pair<std::string, std::string>> m_classes;
};

}  // namespace doppelc
