// LogCapture: collects doppel's log lines ("component: message") while it lives, so a test can
// assert the reason a frame, call or save was refused.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "doppel/log.h"

namespace doppel::testing {

class LogCapture {
public:
  /// Keeps the lines at `minLevel` and above.
  explicit LogCapture(LogLevel minLevel = LogLevel::Debug) {
    setLogSink(
        [this, minLevel](LogLevel level, std::string_view component, std::string_view message) {
          if (level >= minLevel)
            lines.push_back(std::string(component) + ": " + std::string(message));
        });
  }
  ~LogCapture() { setLogSink({}); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  bool contains(std::string_view needle) const {
    for (const auto& l : lines)
      if (l.find(needle) != std::string::npos) return true;
    return false;
  }
  /// Every line, one per line of text (for a failure message).
  std::string all() const {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }

  std::vector<std::string> lines;
};

}  // namespace doppel::testing
