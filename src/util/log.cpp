#include "doppel/log.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

namespace doppel {
namespace {

LogLevel levelFromEnvironment() {
  const char* env = std::getenv("DOPPEL_LOG");  // NOLINT(concurrency-mt-unsafe): read at start-up
  if (env == nullptr) return LogLevel::Warning;
  const std::string_view v(env);
  if (v == "debug") return LogLevel::Debug;
  if (v == "info") return LogLevel::Info;
  if (v == "error") return LogLevel::Error;
  if (v == "off") return LogLevel::Off;
  return LogLevel::Warning;
}

struct LogState {
  std::mutex mutex;
  LogSink sink;
  LogLevel level = levelFromEnvironment();
};

LogState& state() {
  static LogState s;
  return s;
}

const char* levelName(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warning: return "warning";
    case LogLevel::Error: return "error";
    case LogLevel::Off: return "off";
  }
  return "?";
}

}  // namespace

void setLogSink(LogSink sink) {
  const std::lock_guard lock(state().mutex);
  state().sink = std::move(sink);
}

void setLogLevel(LogLevel level) {
  const std::lock_guard lock(state().mutex);
  state().level = level;
}

LogLevel logLevel() { return state().level; }

void log(LogLevel level, std::string_view component, std::string_view message) {
  auto& s = state();
  const std::lock_guard lock(s.mutex);
  if (level < s.level) return;
  if (s.sink) {
    s.sink(level, component, message);
    return;
  }
  std::string line = "doppel[";
  line.append(component).append("] ").append(levelName(level)).append(": ").append(message);
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace doppel
