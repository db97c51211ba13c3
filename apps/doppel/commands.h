// The six commands of the doppel tool. Each runs on a Session made from the command line, prints
// its result to stdout and returns the error that ends it (the caller prints it as one line and
// exits with exitCodeFor).
#pragma once

#include <string_view>

#include "doppel/result.h"

#include "session.h"

namespace doppel::cli {

Result<void> runList(Session& session);
Result<void> runShow(Session& session);
Result<void> runGet(Session& session);
Result<void> runSet(Session& session);
Result<void> runCall(Session& session);
/// Runs until SIGINT or SIGTERM (then returns success).
Result<void> runWatch(Session& session);

/// Writes one line to stdout and flushes it (watch output goes to pipes).
void printLine(std::string_view line);
/// A note that is not an error, on stderr ("doppel: ...").
void printNote(std::string_view line);

}  // namespace doppel::cli
