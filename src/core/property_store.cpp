#include "doppel/store.h"

namespace doppel {

PropertyStore::~PropertyStore() = default;

Result<std::optional<StoredValue>> MemoryPropertyStore::load(std::string_view object,
                                                             std::string_view property) {
  auto it = m_values.find({std::string(object), std::string(property)});
  if (it == m_values.end()) return std::optional<StoredValue>();
  return std::optional<StoredValue>(it->second);
}

Result<void> MemoryPropertyStore::save(std::string_view object,
                                       std::string_view property,
                                       const StoredValue& value) {
  m_values[{std::string(object), std::string(property)}] = value;
  ++m_saves;
  return {};
}

}  // namespace doppel
