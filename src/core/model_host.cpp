// Host::enableRemoting for item models: the host keeps one ModelAdapter per model.
#include <algorithm>

#include "doppel/host.h"
#include "doppel/model.h"

namespace doppel {

Result<void> Host::enableRemoting(ItemModel& model, std::string name, std::vector<int> roles) {
  for (const auto& entry : m_modelAdapters) {
    if (entry.first == &model)
      return makeError(ErrorCode::InvalidArgument, "this model is already remoted");
  }
  auto adapter = std::make_shared<ModelAdapter>(model, std::move(roles));
  if (auto r = enableRemoting(*adapter, std::move(name)); !r) return r;
  m_modelAdapters.emplace_back(&model, std::move(adapter));
  return {};
}

void Host::disableRemoting(ItemModel& model) {
  auto it = std::find_if(m_modelAdapters.begin(), m_modelAdapters.end(),
                         [&model](const auto& entry) { return entry.first == &model; });
  if (it == m_modelAdapters.end()) return;
  auto adapter = std::move(it->second);
  m_modelAdapters.erase(it);
  disableRemoting(*adapter);
}

}  // namespace doppel
