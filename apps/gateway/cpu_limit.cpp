#include "cpu_limit.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "doppel/log.h"

namespace doppel::gateway {

namespace {

constexpr std::string_view kComponent = "gateway";
constexpr unsigned kPeriodUs = 100000;
constexpr std::string_view kPrefix = "doppel-gateway-";

bool writeFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.flush();
  return static_cast<bool>(out);
}

/// Groups left by gateways that died without cleaning up (SIGKILL): empty by now, so removable.
void removeStaleGroups(const std::string& root) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kPrefix, 0) != 0) continue;
    const auto pid = static_cast<pid_t>(std::atoi(name.c_str() + kPrefix.size()));
    if (pid <= 0 || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
    std::error_code inner;
    for (const auto& session : std::filesystem::directory_iterator(entry.path(), inner))
      if (session.is_directory(inner)) ::rmdir(session.path().c_str());
    ::rmdir(entry.path().c_str());
  }
}

}  // namespace

double cpuSecondsOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(in, text)) return -1;
  // The command name (field 2) may hold spaces and parentheses: fields count from the last ')'.
  const auto close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
    if (i == 15) stime = std::strtoull(field.c_str(), nullptr, 10);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

CpuLimit::CpuLimit(unsigned percent, const std::string& cgroupRoot, std::chrono::milliseconds window)
    : m_percent(percent), m_window(window) {
  if (!cgroupRoot.empty() && ::access((cgroupRoot + "/cpu.cfs_quota_us").c_str(), F_OK) == 0) {
    removeStaleGroups(cgroupRoot);
    const std::string group = cgroupRoot + "/" + std::string(kPrefix) + std::to_string(::getpid());
    if (::mkdir(group.c_str(), 0755) == 0 || errno == EEXIST) m_group = group;
  }
  log(LogLevel::Info, kComponent,
      "event=cpu_limit percent=" + std::to_string(percent) + " mechanism=" + mechanism() +
          (m_group.empty() ? " (no writable cgroup cpu controller at " + cgroupRoot + ")" : " group=" + m_group));
}

CpuLimit::~CpuLimit() {
  for (const auto& kv : m_groups) ::rmdir(kv.second.c_str());
  if (!m_group.empty()) ::rmdir(m_group.c_str());
}

std::string CpuLimit::groupOf(const std::string& id) const {
  const auto it = m_groups.find(id);
  return it == m_groups.end() ? std::string() : it->second;
}

void CpuLimit::add(const std::string& id, pid_t pid) {
  if (!m_group.empty()) {
    const std::string dir = m_group + "/" + id.substr(0, 16);
    const bool made = (::mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST) &&
                      writeFile(dir + "/cpu.cfs_period_us", std::to_string(kPeriodUs)) &&
                      writeFile(dir + "/cpu.cfs_quota_us", std::to_string(kPeriodUs / 100 * m_percent)) &&
                      writeFile(dir + "/cgroup.procs", std::to_string(pid));
    if (made) {
      m_groups[id] = dir;
      return;
    }
    ::rmdir(dir.c_str());
    log(LogLevel::Warning, kComponent,
        "event=cpu_limit session=" + id.substr(0, 8) + " reason=\"cgroup " + dir + ": " + std::strerror(errno) +
            "\" mechanism=watchdog");
  }
  m_watched[id] = Watched{pid, Clock::now(), cpuSecondsOf(pid)};
}

void CpuLimit::remove(const std::string& id) {
  if (const auto it = m_groups.find(id); it != m_groups.end()) {
    ::rmdir(it->second.c_str());
    m_groups.erase(it);
  }
  m_watched.erase(id);
}

bool CpuLimit::overBudget(const std::string& id, Clock::time_point now) {
  const auto it = m_watched.find(id);
  if (it == m_watched.end() || now - it->second.since < m_window) return false;
  Watched& w = it->second;
  const double used = cpuSecondsOf(w.pid);
  const double elapsed = std::chrono::duration<double>(now - w.since).count();
  const bool over = w.cpuSeconds >= 0 && used >= 0 && (used - w.cpuSeconds) > elapsed * m_percent / 100.0;
  w.since = now;
  w.cpuSeconds = used;
  return over;
}

}  // namespace doppel::gateway
