#include "options.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>

namespace doppel::cli {

namespace {

struct CommandInfo {
  std::string_view name;
  Command command;
  std::string_view usage;  ///< the arguments after the command name
  std::size_t minArgs;     ///< positional arguments after the command, URL included
  std::size_t maxArgs;     ///< SIZE_MAX: any number
};

constexpr CommandInfo kCommands[] = {
    {"list", Command::List, "URL", 1, 1},
    {"show", Command::Show, "URL NAME", 2, 2},
    {"get", Command::Get, "URL NAME PROPERTY", 3, 3},
    {"set", Command::Set, "URL NAME PROPERTY JSON", 4, 4},
    {"call", Command::Call, "URL NAME SLOT [JSON...]", 3, SIZE_MAX},
    {"watch", Command::Watch, "URL NAME", 2, 2},
};

const CommandInfo* findCommand(std::string_view name) {
  for (const auto& info : kCommands) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

std::optional<std::chrono::milliseconds> parseTimeout(std::string_view text) {
  long long ms = 0;
  const auto* end = text.data() + text.size();
  const auto res = std::from_chars(text.data(), end, ms);
  if (res.ec != std::errc() || res.ptr != end || ms <= 0) return std::nullopt;
  return std::chrono::milliseconds(ms);
}

std::string usageOf(const CommandInfo& info) {
  return "usage: doppel " + std::string(info.name) + " " + std::string(info.usage);
}

}  // namespace

ParsedCommandLine parseCommandLine(const std::vector<std::string>& args) {
  Options options;
  std::vector<std::string> positional;
  bool optionsEnded = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (optionsEnded || arg.size() < 2 || arg[0] != '-' ||
        (arg[1] != '-' && arg != "-h" && arg != "-V")) {
      positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      optionsEnded = true;
    } else if (arg == "--help" || arg == "-h") {
      return ShowHelp{};
    } else if (arg == "--version" || arg == "-V") {
      return ShowVersion{};
    } else if (arg == "--registry") {
      options.registry = true;
    } else if (arg == "--verbose") {
      options.verbose = true;
    } else if (arg == "--timeout" || arg.rfind("--timeout=", 0) == 0) {
      std::string value;
      if (arg == "--timeout") {
        if (i + 1 >= args.size()) return UsageError{"--timeout needs a value in milliseconds"};
        value = args[++i];
      } else {
        value = arg.substr(10);
      }
      auto timeout = parseTimeout(value);
      if (!timeout) {
        return UsageError{"--timeout takes a positive number of milliseconds, not \"" + value +
                          "\""};
      }
      options.timeout = *timeout;
    } else {
      return UsageError{"unknown option \"" + arg + "\" (see doppel --help)"};
    }
  }

  if (positional.empty()) return UsageError{"no command given (see doppel --help)"};
  const CommandInfo* info = findCommand(positional[0]);
  if (info == nullptr) {
    return UsageError{"unknown command \"" + positional[0] +
                      "\" (commands: list, show, get, set, call, watch)"};
  }
  const std::size_t count = positional.size() - 1;
  if (count < info->minArgs) {
    static constexpr std::string_view kNames[] = {"URL", "NAME", "PROPERTY", "JSON"};
    std::string_view missing = kNames[std::min<std::size_t>(count, 3)];
    if (info->command == Command::Call && count == 2) missing = "SLOT";
    return UsageError{"missing " + std::string(missing) + " (" + usageOf(*info) + ")"};
  }
  if (count > info->maxArgs) {
    return UsageError{"too many arguments for " + std::string(info->name) + ": \"" +
                      positional[info->maxArgs + 1] + "\" (" + usageOf(*info) + ")"};
  }
  options.command = info->command;
  options.url = positional[1];
  if (count >= 2) options.object = positional[2];
  if (count >= 3) options.member = positional[3];
  for (std::size_t i = 4; i < positional.size(); ++i) options.values.push_back(positional[i]);
  return options;
}

std::string helpText() {
  return R"(doppel: look into any Qt Remote Objects network (doppel's or Qt's)

usage: doppel [OPTIONS] COMMAND URL [ARGS...]

commands:
  list  URL                        objects with their type and signature
  show  URL NAME                   an object's interface and current values
  get   URL NAME PROPERTY          a property's value, as JSON
  set   URL NAME PROPERTY JSON     writes a property and waits until the change comes back
  call  URL NAME SLOT [JSON...]    calls a slot; prints the reply as JSON (nothing for void)
  watch URL NAME                   one JSON line per property change, signal and state
                                   change, until interrupted

URL is tcp://HOST:PORT, local:NAME or localabstract:NAME. NAME may be a child object (a CLASS or
MODEL member, as `show` names it: Class::Lab::child). Values are JSON of the declared type:
  doppel set tcp://127.0.0.1:5000 ControlUnit speed 12
  doppel set tcp://127.0.0.1:5000 ControlUnit status '"idle"'
  doppel call tcp://127.0.0.1:5000 ControlUnit reset 0

options:
  --registry      URL is a registry: objects are looked up through it
  --timeout MS    give up after MS milliseconds (default 5000)
  --verbose       show the library's warnings
  -h, --help      this text
  -V, --version   the version

exit codes: 0 ok, 1 usage, 2 connection or timeout, 3 unknown object or member,
4 bad value or type. See docs/cli.md for the JSON mapping of every Qt type.
)";
}

}  // namespace doppel::cli
