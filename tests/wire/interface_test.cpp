#include "doppel/interface.h"

#include <gtest/gtest.h>

namespace doppel {
namespace {

std::vector<std::string> signalNames(const ClassInterface& c) {
  std::vector<std::string> out;
  for (const auto& s : c.signalDefs) out.push_back(s.name);
  return out;
}

std::vector<std::string> methodNames(const ClassInterface& c) {
  std::vector<std::string> out;
  for (const auto& m : c.methods) out.push_back(m.name);
  return out;
}

// The Lab class of protocol Appendix C, whose index spaces §6.4 lists.
ClassInterface lab() {
  return InterfaceBuilder("Lab")
      .enumeration(EnumDef{"Mode", false, false, 4, {{"Off", 0}, {"On", 2}, {"Auto", 3}}})
      .property("intProp", "int", PropertyMode::ReadPush, Value::int32(42))
      .property("text", "QString", PropertyMode::ReadWrite)
      .property("dbl", "double", PropertyMode::ReadOnly, Value::float64(1.5))
      .property("flag", "bool", PropertyMode::Constant, Value::boolean(true))
      .property("mode", "Mode")
      .property("pod", "MyPod")
      .property("list", "QStringList")
      .property("child", "QObject*", PropertyMode::SourceOnlySetter)
      .property("tracks", "QAbstractItemModel*", PropertyMode::SourceOnlySetter)
      .signal("pinged", {{"msg", "QString"}, {"n", "int"}})
      .signal("modeSignal", {{"m", "Mode"}})
      .slot("add", {{"a", "int"}, {"b", "int"}}, "int")
      .slot("fire")
      .slot("echo", {{"s", "QString"}}, "QString")
      .slot("setModeSlot", {{"m", "Mode"}})
      .signature("35d1f40e3f7c9ecdce0a8187f68c47cb657cce96")
      .build();
}

TEST(InterfaceBuilder, SignalsFollowRepcsIndexSpace) {
  EXPECT_EQ(signalNames(lab()),
            (std::vector<std::string>{"intPropChanged", "textChanged", "dblChanged", "modeChanged",
                                      "podChanged", "listChanged", "childChanged", "tracksChanged",
                                      "pinged", "modeSignal"}));
}

TEST(InterfaceBuilder, MethodsFollowRepcsIndexSpace) {
  EXPECT_EQ(methodNames(lab()),
            (std::vector<std::string>{"pushIntProp", "pushMode", "pushPod", "pushList", "add",
                                      "fire", "echo", "setModeSlot"}));
}

TEST(InterfaceBuilder, NotifySignalsPointAtTheChangedSignals) {
  const ClassInterface c = lab();
  EXPECT_EQ(c.properties[0].notifySignal, 0);
  EXPECT_EQ(c.properties[3].notifySignal, -1);  // CONSTANT
  EXPECT_EQ(c.properties[4].notifySignal, 3);
  EXPECT_EQ(c.properties[8].notifySignal, 7);
  EXPECT_EQ(c.signalDefs[0].signature(), "intPropChanged(int)");
  EXPECT_EQ(c.signalDefs[0].params, (std::vector<Parameter>{{"intProp", "int"}}));
  EXPECT_EQ(c.methods[0].signature(), "pushIntProp(int)");
  EXPECT_FALSE(c.methods[0].returnsValue());
  EXPECT_TRUE(c.methods[4].returnsValue());
  EXPECT_EQ(c.properties[0].defaultValue, Value::int32(42));
  EXPECT_EQ(c.signature, "35d1f40e3f7c9ecdce0a8187f68c47cb657cce96");
}

TEST(ClassInterface, LooksUpMembersByNameOrSignature) {
  const ClassInterface c = lab();
  EXPECT_EQ(c.propertyIndex("mode"), 4);
  EXPECT_EQ(c.propertyIndex("nope"), -1);
  EXPECT_EQ(c.signalIndex("pinged"), 8);
  EXPECT_EQ(c.signalIndex("pinged(QString,int)"), 8);
  EXPECT_EQ(c.signalIndex("pinged(QString, int)"), 8);
  EXPECT_EQ(c.signalIndex("pinged(const QString &, int)"), 8);
  EXPECT_EQ(c.signalIndex("pinged(int)"), -1);
  EXPECT_EQ(c.signalIndex("pinged()"), -1);
  EXPECT_EQ(c.methodIndex("fire()"), 5);
  EXPECT_EQ(c.methodIndex("add"), 4);
  EXPECT_EQ(c.methodIndex("add(int,int)"), 4);
  EXPECT_EQ(c.methodIndex("pushMode(Mode)"), 1);
  EXPECT_EQ(c.methodIndex("missing"), -1);
}

TEST(ClassInterface, FindsEnumsByQualifiedOrPlainName) {
  const ClassInterface c = lab();
  ASSERT_NE(c.findEnum("Mode"), nullptr);
  EXPECT_EQ(c.findEnum("Lab::Mode"), c.findEnum("Mode"));
  EXPECT_EQ(c.findEnum("LabSource::Mode"), c.findEnum("Mode"));
  EXPECT_EQ(c.findEnum("Level"), nullptr);
}

TEST(InterfaceBuilder, EnumSizeZeroBecomesFour) {
  const ClassInterface c =
      InterfaceBuilder("X").enumeration(EnumDef{"E", false, false, 0, {}}).build();
  EXPECT_EQ(c.enums[0].size, 4u);
}

}  // namespace
}  // namespace doppel
