// The front end: how repc splits declarations (the texts the signature hashes and the generators
// use) and the exact diagnostics of rejected input.
#include <gtest/gtest.h>

#include <string>

#include "lexer.h"
#include "parser.h"

namespace {

doppelc::RepFile parseOk(const std::string& rep) {
  auto parsed = doppelc::parse(rep, "t.rep");
  EXPECT_FALSE(parsed.error.has_value()) << parsed.error->format("t.rep");
  return parsed.file;
}

std::string rejection(const std::string& rep) {
  auto parsed = doppelc::parse(rep, "t.rep");
  return parsed.error ? parsed.error->format("t.rep") : std::string("accepted");
}

TEST(Parser, PropertyModesDefaultsAndPersisted) {
  const auto f = parseOk(
      "class Foo {\n PROP(int a)\n PROP(QString s = \"a b, c\" READWRITE)\n PROP(int c = 3 READONLY, CONSTANT)\n"
      " PROP(int p PERSISTED)\n PROP(QMap< QString , int > m)\n};\n");
  ASSERT_EQ(f.classes.size(), 1u);
  const auto& props = f.classes[0].properties;
  ASSERT_EQ(props.size(), 5u);
  EXPECT_EQ(props[0].mode, doppelc::RepMode::ReadPush);
  EXPECT_EQ(props[1].defaultValue, "\"a b, c\"");
  EXPECT_EQ(props[1].mode, doppelc::RepMode::ReadWrite);
  EXPECT_EQ(props[2].mode, doppelc::RepMode::Constant);
  EXPECT_EQ(props[2].defaultValue, "3");
  EXPECT_TRUE(props[3].persisted);
  EXPECT_EQ(props[3].mode, doppelc::RepMode::ReadPush);
  EXPECT_EQ(props[4].type, "QMap< QString , int >");
  EXPECT_EQ(props[4].name, "m");
}

TEST(Parser, ArgumentsSplitLikeRepc) {
  int counter = 0;
  auto p = doppelc::parseArgument(" const QMap<QString, int> &m ", counter);
  EXPECT_EQ(p.type, "QMap<QString, int>");
  EXPECT_EQ(p.name, "m");
  EXPECT_TRUE(p.isConst);
  EXPECT_TRUE(p.isRef);
  p = doppelc::parseArgument("unsigned int x", counter);
  EXPECT_EQ(p.type, "unsigned");
  EXPECT_EQ(p.name, "intx");
  p = doppelc::parseArgument("int b = 0", counter);
  EXPECT_EQ(p.name, "b=0");
  EXPECT_EQ(p.cppName(), "b");
  EXPECT_EQ(p.cppDefault(), "0");
  p = doppelc::parseArgument("int", counter);
  EXPECT_EQ(p.name, "__repc_variable_1");
  p = doppelc::parseArgument("const int &", counter);
  EXPECT_EQ(p.name, "__repc_variable_2");
  EXPECT_EQ(doppelc::splitArguments("").size(), 0u);
  EXPECT_EQ(doppelc::splitArguments("int a,").size(), 1u);
  EXPECT_EQ(doppelc::splitArguments(",").size(), 1u);
  EXPECT_EQ(doppelc::splitArguments("QMap<int, int> a, int b").size(), 2u);
}

TEST(Parser, SlotsSignalsEnumsPodsModelsChildren) {
  const auto f = parseOk(
      "ENUM E {A=-1, B, C=0x10, D}\nPOD Po{ ENUM class Dir : quint8 {Up, Down} FLAG(Dirs Dir) Dirs d, int x }\n"
      "class Foo {\n SLOT(bar(int x))\n SLOT(QList<int> f(int, int y))\n SIGNAL(s())\n MODEL mm(b, a)\n"
      " CLASS kid(Foo)\n};\n");
  ASSERT_EQ(f.enums.size(), 1u);
  EXPECT_EQ(f.enums[0].keys[1].second, 0);
  EXPECT_EQ(f.enums[0].keys[3].second, 17);
  ASSERT_EQ(f.pods.size(), 1u);
  EXPECT_TRUE(f.pods[0].braceForm);
  EXPECT_TRUE(f.pods[0].enums[0].scoped);
  EXPECT_EQ(f.pods[0].enums[0].underlying, "quint8");
  EXPECT_EQ(f.pods[0].members.size(), 2u);
  const auto& c = f.classes[0];
  EXPECT_FALSE(c.slots[0].returnTypeGiven);
  EXPECT_EQ(c.slots[0].returnType, "void");
  EXPECT_EQ(c.slots[1].returnType, "QList<int>");
  EXPECT_EQ(c.slots[1].params[0].name, "__repc_variable_1");
  EXPECT_EQ(c.properties[0].kind, doppelc::RepProperty::Kind::Model);
  EXPECT_EQ(c.properties[0].roles.size(), 2u);
  EXPECT_EQ(c.properties[1].kind, doppelc::RepProperty::Kind::Class);
  EXPECT_EQ(c.properties[1].mode, doppelc::RepMode::SourceOnlySetter);
  EXPECT_EQ(f.warnings.size(), 1u);
}

TEST(Parser, PreprocessorAndUseEnumPassThrough) {
  const auto f = parseOk("#include <QtCore>\n#  define X 1\nUSE_ENUM(Qt::DayOfWeek)\n");
  ASSERT_EQ(f.preprocessor.size(), 2u);
  EXPECT_EQ(f.preprocessor[1], "#  define X 1");
  EXPECT_EQ(f.useEnums[0], "Qt::DayOfWeek");
}

TEST(Parser, RejectionsCarryPositionAndHint) {
  EXPECT_EQ(rejection("class Foo {\n    PROP(int)\n};\n"),
            "t.rep:2:5: error: PROP(int) has no property name\n"
            "  hint: write `PROP(Type name)`, e.g. `PROP(int count = 0)`\n");
  EXPECT_EQ(rejection("ENUM E {A, B,}\n"),
            "t.rep:1:14: error: a trailing `,` in ENUM E\n  hint: remove the `,` before `}`\n");
  EXPECT_EQ(rejection("  class Foo {};\n"),
            "t.rep:1:3: error: an indented `class`\n  hint: start `class Name` at column 1\n");
  EXPECT_EQ(rejection("class Foo { PROP(int a READWRITE, READONLY) };\n"),
            "t.rep:1:13: error: PROP a combines the modes READONLY, READWRITE\n"
            "  hint: give one mode (only `READONLY, CONSTANT` may be combined)\n");
  EXPECT_EQ(rejection(""), "t.rep:1:1: error: the file declares nothing\n"
                           "  hint: add at least one class, POD, ENUM or `#include`\n");
}

TEST(Lexer, LongestMatchAndNoFreeWhitespace) {
  auto lexed = doppelc::tokenize("POD Po(int a)\nPOD Qo{int b}\n");
  ASSERT_FALSE(lexed.error);
  EXPECT_EQ(lexed.tokens[0].kind, doppelc::Tok::Pod);
  EXPECT_EQ(lexed.tokens[2].kind, doppelc::Tok::Pod2);
  lexed = doppelc::tokenize("class Foo {\n  \n};\n");
  ASSERT_TRUE(lexed.error);
  EXPECT_EQ(lexed.error->loc.line, 2);
}

}  // namespace
