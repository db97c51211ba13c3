// doppel: the command-line tool to look into any Qt Remote Objects network (docs/cli.md).
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "doppel/log.h"

#include "commands.h"
#include "options.h"
#include "session.h"

#ifndef DOPPEL_VERSION
#define DOPPEL_VERSION "unknown"
#endif

namespace {

int fail(doppel::cli::ExitCode code, const std::string& message) {
  std::fprintf(stderr, "doppel: %s\n", message.c_str());
  return static_cast<int>(code);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace doppel::cli;
  const std::vector<std::string> args(argv + 1, argv + argc);
  const ParsedCommandLine parsed = parseCommandLine(args);
  if (std::holds_alternative<ShowHelp>(parsed)) {
    std::fputs(helpText().c_str(), stdout);
    return 0;
  }
  if (std::holds_alternative<ShowVersion>(parsed)) {
    std::printf("doppel %s (Qt Remote Objects protocol 2.0)\n", DOPPEL_VERSION);
    return 0;
  }
  if (const auto* usage = std::get_if<UsageError>(&parsed)) {
    return fail(ExitCode::Usage, usage->message);
  }
  const Options& options = std::get<Options>(parsed);

  // Errors are one line of ours; the library's own log lines only with --verbose or DOPPEL_LOG.
  if (!options.verbose && std::getenv("DOPPEL_LOG") == nullptr) {  // NOLINT(concurrency-mt-unsafe)
    doppel::setLogLevel(doppel::LogLevel::Off);
  }

  Session session(options);
  doppel::Result<void> result;
  switch (options.command) {
    case Command::List:
      result = runList(session);
      break;
    case Command::Show:
      result = runShow(session);
      break;
    case Command::Get:
      result = runGet(session);
      break;
    case Command::Set:
      result = runSet(session);
      break;
    case Command::Call:
      result = runCall(session);
      break;
    case Command::Watch:
      result = runWatch(session);
      break;
  }
  if (!result) return fail(exitCodeFor(result.error()), result.error().reason);
  return 0;
}
