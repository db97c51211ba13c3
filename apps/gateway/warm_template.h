// --warm: the application started once as a template (DOPPEL_TEMPLATE_FD; the template's side
// is src/imgui/session_template.h) that forks ready sessions on request. The gateway becomes a
// child subreaper, so the forked sessions are its children and are reaped like cold ones.
#pragma once

#include <sys/types.h>

#include <string>

#include "doppel/result.h"

#include "options.h"

namespace doppel::gateway {

class WarmTemplate {
public:
  explicit WarmTemplate(const GatewayOptions& options) : m_options(options) {}
  ~WarmTemplate();
  WarmTemplate(const WarmTemplate&) = delete;
  WarmTemplate& operator=(const WarmTemplate&) = delete;

  /// Starts the template process.
  Result<void> start();
  /// A new session forked from the template, serving `handoffFd`; restarts a dead template
  /// once. Errors mean the caller should start the session cold.
  Result<pid_t> fork(const std::string& id, int handoffFd);
  pid_t pid() const { return m_pid; }

private:
  void stop();

  const GatewayOptions& m_options;
  int m_socket = -1;
  pid_t m_pid = -1;
};

}  // namespace doppel::gateway
