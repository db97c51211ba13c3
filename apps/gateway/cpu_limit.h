// --session-cpu PERCENT (docs/gateway.md "CPU limit"): at most PERCENT of one CPU per session.
//
// Where the cgroup v1 cpu controller is writable (root, /sys/fs/cgroup/cpu mounted: the case on
// this project's machines), each session gets its own cgroup under doppel-gateway-<pid>/ with
// cpu.cfs_quota_us = PERCENT% of cpu.cfs_period_us: the kernel throttles it, nothing is killed.
// Otherwise (or if one session's cgroup cannot be made) a watchdog samples /proc/PID/stat: a
// session that used more than PERCENT over a whole `window` is ended, with the reason shown to
// its user.
//
// Threads: the gateway's io_context thread (called from SessionTable).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>

namespace doppel::gateway {

class CpuLimit {
public:
  using Clock = std::chrono::steady_clock;

  /// `cgroupRoot`: the cpu controller's mount (/sys/fs/cgroup/cpu); a group for this gateway is
  /// made under it, or the watchdog is used.
  CpuLimit(unsigned percent, const std::string& cgroupRoot, std::chrono::milliseconds window);
  ~CpuLimit();
  CpuLimit(const CpuLimit&) = delete;
  CpuLimit& operator=(const CpuLimit&) = delete;

  /// "cgroup" or "watchdog".
  const char* mechanism() const { return m_group.empty() ? "watchdog" : "cgroup"; }
  /// The session's cgroup directory ("" when it is watched instead).
  std::string groupOf(const std::string& id) const;
  /// A new session process: into its cgroup, or watched.
  void add(const std::string& id, pid_t pid);
  /// After its process is reaped.
  void remove(const std::string& id);
  /// Watchdog: true if the session used more than the limit over its last whole window.
  bool overBudget(const std::string& id, Clock::time_point now);

private:
  struct Watched {
    pid_t pid = -1;
    Clock::time_point since;
    double cpuSeconds = 0;
  };

  unsigned m_percent;
  std::chrono::milliseconds m_window;
  std::string m_group;  ///< this gateway's cgroup directory, or empty: the watchdog only
  std::map<std::string, std::string> m_groups;  ///< session id -> its cgroup directory
  std::map<std::string, Watched> m_watched;
};

/// CPU seconds (user + system) the process has used, from /proc/PID/stat; negative if unknown.
double cpuSecondsOf(pid_t pid);

}  // namespace doppel::gateway
