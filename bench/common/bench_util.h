// Helpers shared by every bench program (doppel, Qt and the raw-socket floor): the command line,
// percentiles, the RESULT line the driver parses, local socket paths and reading a process's RSS.
// Standard library only, so the Qt programs can use it too.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

namespace bench {

using Clock = std::chrono::steady_clock;

inline double microsSince(Clock::time_point t0, Clock::time_point t1) {
  return std::chrono::duration<double, std::micro>(t1 - t0).count();
}

/// `--key value` pairs (and bare `--flag`s, stored as "1").
class Args {
public:
  Args(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
      std::string_view a = argv[i];
      if (a.rfind("--", 0) != 0) {
        m_positional.emplace_back(a);
        continue;
      }
      a.remove_prefix(2);
      std::string value = "1";
      if (i + 1 < argc && std::string_view(argv[i + 1]).rfind("--", 0) != 0) value = argv[++i];
      m_values.insert_or_assign(std::string(a), std::move(value));
    }
  }
  std::string str(const std::string& key, std::string fallback = {}) const {
    auto it = m_values.find(key);
    return it == m_values.end() ? fallback : it->second;
  }
  long num(const std::string& key, long fallback) const {
    auto it = m_values.find(key);
    return it == m_values.end() ? fallback : std::strtol(it->second.c_str(), nullptr, 10);
  }
  const std::vector<std::string>& positional() const { return m_positional; }

private:
  std::map<std::string, std::string> m_values;
  std::vector<std::string> m_positional;
};

/// The q-quantile (0..1) by nearest rank; sorts `v`.
inline double percentile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto rank = static_cast<std::size_t>(q * static_cast<double>(v.size()));
  return v[std::min(rank, v.size() - 1)];
}

inline double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

/// One line `RESULT {"k": v, ...}` on stdout: what the driver reads.
class Result {
public:
  Result& add(const std::string& key, double v) {
    std::ostringstream os;
    os.precision(10);
    os << v;
    m_fields.push_back("\"" + key + "\": " + os.str());
    return *this;
  }
  Result& add(const std::string& key, const std::string& v) {
    m_fields.push_back("\"" + key + "\": \"" + v + "\"");
    return *this;
  }
  void print() const {
    std::string line = "RESULT {";
    for (std::size_t i = 0; i < m_fields.size(); ++i) line += (i ? ", " : "") + m_fields[i];
    line += "}\n";
    std::fputs(line.c_str(), stdout);
    std::fflush(stdout);
  }

private:
  std::vector<std::string> m_fields;
};

/// Latency summary of `lat` (microseconds) as rtt fields.
inline Result latencyResult(std::vector<double> lat) {
  Result r;
  r.add("n", static_cast<double>(lat.size()));
  r.add("mean_us", mean(lat));
  r.add("p50_us", percentile(lat, 0.50));
  r.add("p99_us", percentile(lat, 0.99));
  r.add("max_us", lat.empty() ? 0.0 : lat.back());
  return r;
}

/// Qt's rule for `local:NAME` on Unix: $TMPDIR/NAME (default /tmp), or NAME if absolute.
inline std::string localSocketPath(std::string_view name) {
  if (!name.empty() && name.front() == '/') return std::string(name);
  const char* tmp = std::getenv("TMPDIR");
  std::string dir = (tmp && *tmp) ? tmp : "/tmp";
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir + "/" + std::string(name);
}

/// VmRSS of a process in KiB from /proc/PID/status; -1 if unreadable.
inline long rssKb(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

/// Pss in KiB from /proc/PID/smaps_rollup; -1 if unreadable.
inline long pssKb(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Pss:", 0) == 0) return std::strtol(line.c_str() + 4, nullptr, 10);
  }
  return -1;
}

/// CPU seconds (user + system) this process has used, all threads.
inline double cpuSelf() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/// CPU seconds (user + system) of another process from /proc/PID/stat (clock-tick resolution);
/// -1 if unreadable.
inline double cpuOf(long pid) {
  if (pid <= 0) return -1;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');  // the command name may contain spaces
  if (close == std::string::npos) return -1;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  double utime = 0;
  double stime = 0;
  // Fields after the name start at 3 (state); utime is 14, stime 15.
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::strtod(field.c_str(), nullptr);
    if (i == 15) stime = std::strtod(field.c_str(), nullptr);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

/// Client and host CPU used between construction and add(): robust where wall time is not (a
/// busy machine stretches wall time, hardly CPU time per operation).
class CpuMeter {
public:
  explicit CpuMeter(long hostPid) : m_hostPid(hostPid), m_self(cpuSelf()), m_host(cpuOf(hostPid)) {}
  /// Adds client_cpu_us and host_cpu_us per operation to `r`.
  void add(Result& r, double ops) const {
    r.add("client_cpu_us", (cpuSelf() - m_self) * 1e6 / ops);
    const double host = cpuOf(m_hostPid);
    if (m_host >= 0 && host >= 0) r.add("host_cpu_us", (host - m_host) * 1e6 / ops);
  }

private:
  long m_hostPid;
  double m_self;
  double m_host;
};

[[noreturn]] inline void fail(const std::string& message) {
  std::fprintf(stderr, "bench: %s\n", message.c_str());
  std::fflush(stderr);
  std::exit(2);
}

}  // namespace bench
