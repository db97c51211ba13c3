// The command line of the doppel tool: global options, the command and its arguments. Parsing
// is separate from running so that the tests can check it without a network.
#pragma once

#include <chrono>
#include <string>
#include <variant>
#include <vector>

namespace doppel::cli {

/// The process exit codes (docs/cli.md lists them for users).
enum class ExitCode : int {
  Ok = 0,
  Usage = 1,       ///< bad command line, bad URL
  Connection = 2,  ///< cannot connect, timed out, disconnected
  Unknown = 3,     ///< no such object, property, signal or slot
  BadValue = 4,    ///< malformed JSON, or a value that does not fit the declared type
};

enum class Command { List, Show, Get, Set, Call, Watch };

struct Options {
  Command command = Command::List;
  std::string url;
  std::string object;               ///< show, get, set, call, watch
  std::string member;               ///< the property (get, set) or slot (call)
  std::vector<std::string> values;  ///< JSON texts: the new value (set) or the arguments (call)
  bool registry = false;            ///< url is a registry
  std::chrono::milliseconds timeout{5000};
  bool verbose = false;  ///< let the library's warnings through to stderr
};

/// What the command line asks for: run a command, print help or the version, or a usage error.
struct ShowHelp {};
struct ShowVersion {};
struct UsageError {
  std::string message;
};
using ParsedCommandLine = std::variant<Options, ShowHelp, ShowVersion, UsageError>;

/// Parses argv (without argv[0]). Options start with "--" (plus -h and -V) and may stand
/// anywhere before a "--"; everything else is positional, so "-5" is a JSON value.
ParsedCommandLine parseCommandLine(const std::vector<std::string>& args);

/// The text of --help.
std::string helpText();

}  // namespace doppel::cli
