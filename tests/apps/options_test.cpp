#include "options.h"

#include <gtest/gtest.h>

namespace doppel::cli {
namespace {

ParsedCommandLine parse(std::vector<std::string> args) {
  return parseCommandLine(args);
}

Options options(std::vector<std::string> args) {
  auto parsed = parse(std::move(args));
  EXPECT_TRUE(std::holds_alternative<Options>(parsed));
  if (auto* usage = std::get_if<UsageError>(&parsed)) ADD_FAILURE() << usage->message;
  return std::holds_alternative<Options>(parsed) ? std::get<Options>(parsed) : Options();
}

std::string usageError(std::vector<std::string> args) {
  auto parsed = parse(std::move(args));
  EXPECT_TRUE(std::holds_alternative<UsageError>(parsed));
  return std::holds_alternative<UsageError>(parsed) ? std::get<UsageError>(parsed).message : "";
}

TEST(OptionsTest, EachCommandTakesItsArguments) {
  const Options list = options({"list", "tcp://127.0.0.1:1"});
  EXPECT_EQ(list.command, Command::List);
  EXPECT_EQ(list.url, "tcp://127.0.0.1:1");

  const Options set = options({"set", "local:x", "Unit", "speed", "12"});
  EXPECT_EQ(set.command, Command::Set);
  EXPECT_EQ(set.object, "Unit");
  EXPECT_EQ(set.member, "speed");
  EXPECT_EQ(set.values, std::vector<std::string>{"12"});

  const Options call = options({"call", "local:x", "Unit", "add", "1", "[2]"});
  EXPECT_EQ(call.command, Command::Call);
  EXPECT_EQ(call.member, "add");
  EXPECT_EQ(call.values, (std::vector<std::string>{"1", "[2]"}));

  EXPECT_EQ(options({"call", "local:x", "Unit", "start"}).values.size(), 0u);
  EXPECT_EQ(options({"watch", "local:x", "Unit"}).command, Command::Watch);
  EXPECT_EQ(options({"show", "local:x", "Unit"}).command, Command::Show);
  EXPECT_EQ(options({"get", "local:x", "Unit", "p"}).command, Command::Get);
}

TEST(OptionsTest, GlobalOptionsMayStandAnywhere) {
  const Options o = options({"--timeout", "250", "get", "local:x", "--registry", "Unit", "p"});
  EXPECT_EQ(o.timeout, std::chrono::milliseconds(250));
  EXPECT_TRUE(o.registry);
  EXPECT_EQ(o.member, "p");
  EXPECT_EQ(options({"list", "local:x", "--timeout=9"}).timeout, std::chrono::milliseconds(9));
  EXPECT_EQ(options({"list", "local:x"}).timeout, std::chrono::milliseconds(5000));
  EXPECT_TRUE(options({"--verbose", "list", "local:x"}).verbose);
}

TEST(OptionsTest, NegativeNumbersAreValuesNotOptions) {
  EXPECT_EQ(options({"set", "local:x", "Unit", "speed", "-5"}).values,
            std::vector<std::string>{"-5"});
  EXPECT_EQ(options({"set", "local:x", "Unit", "speed", "--", "--x"}).values,
            std::vector<std::string>{"--x"});
}

TEST(OptionsTest, HelpAndVersionWinOverEverythingElse) {
  EXPECT_TRUE(std::holds_alternative<ShowHelp>(parse({"--help"})));
  EXPECT_TRUE(std::holds_alternative<ShowHelp>(parse({"get", "-h"})));
  EXPECT_TRUE(std::holds_alternative<ShowVersion>(parse({"--version"})));
  EXPECT_TRUE(std::holds_alternative<ShowVersion>(parse({"-V"})));
  EXPECT_NE(helpText().find("exit codes"), std::string::npos);
}

TEST(OptionsTest, UsageErrorsSayWhatIsWrong) {
  EXPECT_EQ(usageError({}), "no command given (see doppel --help)");
  EXPECT_EQ(usageError({"frob", "x"}),
            "unknown command \"frob\" (commands: list, show, get, set, call, watch)");
  EXPECT_EQ(usageError({"get", "local:x", "Unit"}),
            "missing PROPERTY (usage: doppel get URL NAME PROPERTY)");
  EXPECT_EQ(usageError({"list"}), "missing URL (usage: doppel list URL)");
  EXPECT_EQ(usageError({"set", "local:x", "Unit", "p"}),
            "missing JSON (usage: doppel set URL NAME PROPERTY JSON)");
  EXPECT_EQ(usageError({"call", "local:x", "Unit"}),
            "missing SLOT (usage: doppel call URL NAME SLOT [JSON...])");
  EXPECT_EQ(usageError({"show", "local:x", "Unit", "extra"}),
            "too many arguments for show: \"extra\" (usage: doppel show URL NAME)");
  EXPECT_EQ(usageError({"list", "local:x", "--frob"}),
            "unknown option \"--frob\" (see doppel --help)");
  EXPECT_EQ(usageError({"list", "local:x", "--timeout"}),
            "--timeout needs a value in milliseconds");
  EXPECT_EQ(usageError({"list", "local:x", "--timeout", "soon"}),
            "--timeout takes a positive number of milliseconds, not \"soon\"");
  EXPECT_EQ(usageError({"list", "local:x", "--timeout=0"}),
            "--timeout takes a positive number of milliseconds, not \"0\"");
}

}  // namespace
}  // namespace doppel::cli
