// Logging: one line per event, "doppel[component] level: message". The default sink writes
// warnings and errors to stderr; an application installs its own sink to route or filter them.
//
// Thread safety: setLogSink/setLogLevel are meant for start-up; log() may be called from any
// thread (the default sink writes whole lines).
#pragma once

#include <functional>
#include <string_view>

namespace doppel {

enum class LogLevel { Debug = 0, Info = 1, Warning = 2, Error = 3, Off = 4 };

using LogSink = std::function<void(LogLevel, std::string_view component, std::string_view message)>;

/// Replaces the sink; an empty function restores the default (stderr).
void setLogSink(LogSink sink);
/// Messages below `level` are dropped before formatting reaches the sink. Default: Warning, or
/// the DOPPEL_LOG environment variable (debug, info, warning, error, off).
void setLogLevel(LogLevel level);
LogLevel logLevel();
void log(LogLevel level, std::string_view component, std::string_view message);

}  // namespace doppel
