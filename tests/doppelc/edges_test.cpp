// Two .rep shapes repc accepts whose C++ once did not compile, generated at build time from the
// corpus and used between a host and a node in one virtual-time loop: several FLAGs over one enum
// in one scope (corpus/flags_shared_enum.rep) and a brace POD with repc's empty member
// (corpus/pod_empty_member.rep).
#include <gtest/gtest.h>

#include "doppel/host.h"
#include "doppel/node.h"
#include "rep_flags_shared_enum_merged.h"
#include "rep_pod_empty_member_merged.h"
#include "support/manual_loop.h"

namespace {

using namespace std::chrono_literals;
using doppel::testing::ManualLoop;
using Option = SharedFlagsEnums::Option;

class Flags : public SharedFlagsSimpleSource {
public:
  SharedFlagsEnums::MyFlags swap(SharedFlagsEnums::OtherFlags o) override {
    return SharedFlagsEnums::MyFlags::fromInt(~o.toInt() & 7);
  }
  void pushBoth(SharedFlagsEnums::MyFlags a, SharedFlagsEnums::OtherFlags b) override {
    setMine(a);
    setOther(b);
    changedBoth(a, b);
  }
};

class Holder : public PodHolderSimpleSource {
public:
  Shape reshape(const Shape& s) override {
    return Shape{s.kind == Shape::Kind::Round ? Shape::Kind::Square : Shape::Kind::Round, s.size * 2};
  }
};

class GeneratedEdgesTest : public ::testing::Test {
protected:
  void SetUp() override {
    host = std::make_unique<doppel::Host>(loop);
    ASSERT_TRUE(host->listen(kUrl));
    node = std::make_unique<doppel::Node>(loop);
    ASSERT_TRUE(node->connectToNode(kUrl));
  }
  bool runUntil(const std::function<bool()>& done) { return loop.runUntil(done, doppel::Clock::now() + 5s); }

  static constexpr const char* kUrl = "tcp://127.0.0.1:4101";
  ManualLoop loop;
  std::unique_ptr<doppel::Host> host;
  std::unique_ptr<doppel::Node> node;
};

TEST_F(GeneratedEdgesTest, FlagsOverOneEnumShareATypeAndTravelUnderTheirOwnNames) {
  // Every FLAG over Option is the same C++ type (one QFlags<Option> in repc's code too).
  static_assert(std::is_same_v<SharedFlagsEnums::MyFlags, SharedFlagsEnums::OtherFlags>);
  static_assert(std::is_same_v<OptionEnum::GlobalFlags, OptionEnum::OtherGlobal>);
  static_assert(std::is_same_v<Picks::Picked, Picks::Skipped>);
  const SharedFlagsEnums::OtherFlags xz = Option::X | Option::Z;
  EXPECT_EQ(xz.toInt(), 5);
  // The value is named after the .rep type it is passed as.
  EXPECT_EQ(doppel::typed::toValue(xz, "OtherFlags").typeName(), "OtherFlags");
  EXPECT_EQ(doppel::typed::toValue(xz, "MyFlags").typeName(), "MyFlags");
  EXPECT_EQ(doppel::typed::Convert<SharedFlagsEnums::OtherFlags>::to(xz).typeName(), "MyFlags");  // no name given: the first FLAG's

  Flags source;
  EXPECT_EQ(source.mine(), Option::X);  // the .rep default
  source.setGlobal(OptionEnum::Option::A | OptionEnum::Option::B);
  source.setOtherGlobal(OptionEnum::Option::B);
  source.setPicks(Picks{Picks::Pick::Left | Picks::Pick::Right, Picks::Pick::Right});
  source.setHistory({Option::X, Option::Y | Option::Z});
  ASSERT_TRUE(host->enableRemoting(source));
  EXPECT_EQ(source.property(1).typeName(), "OtherFlags");

  auto replica = node->acquire<SharedFlagsReplica>("SharedFlags");
  ASSERT_TRUE(replica->waitForSource(1s)) << doppel::replicaStateName(replica->replicaState());
  EXPECT_EQ(replica->mine(), Option::X);
  EXPECT_EQ(replica->global().toInt(), 3);
  EXPECT_EQ(replica->otherGlobal(), OptionEnum::Option::B);
  EXPECT_EQ(replica->picks().picked.toInt(), 3);
  EXPECT_EQ(replica->picks().skipped, Picks::Pick::Right);
  EXPECT_EQ(replica->history(), (std::vector<SharedFlagsEnums::OtherFlags>{Option::X, Option::Y | Option::Z}));

  // A write of the READWRITE OtherFlags property reaches the source's typed signal.
  std::vector<SharedFlagsEnums::OtherFlags> written;
  source.otherChanged.connect([&](SharedFlagsEnums::OtherFlags f) { written.push_back(f); });
  ASSERT_TRUE(replica->setOther(Option::Y));
  ASSERT_TRUE(runUntil([&] { return replica->other() == Option::Y; }));
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(source.other(), Option::Y);

  auto reply = replica->swap(xz);
  ASSERT_TRUE(reply.waitForFinished(1s));
  EXPECT_EQ(reply.value(), Option::Y);  // ~5 & 7

  std::vector<std::pair<int, int>> both;
  replica->changedBoth.connect([&](SharedFlagsEnums::MyFlags a, SharedFlagsEnums::OtherFlags b) {
    both.emplace_back(a.toInt(), b.toInt());
  });
  (void)replica->pushBoth(Option::Z, Option::X | Option::Y);
  ASSERT_TRUE(runUntil([&] { return !both.empty(); }));
  EXPECT_EQ(both[0], std::make_pair(4, 3));
  ASSERT_TRUE(runUntil([&] { return replica->mine() == Option::Z; }));
  EXPECT_EQ(replica->other().toInt(), 3);
}

TEST_F(GeneratedEdgesTest, PodEmptyMembersCountInTheSignatureButNotInTheStruct) {
  // The signature is repc's (its empty members hashed in); the structs hold what was written.
  EXPECT_STREQ(PodHolderInterface::signature, "6d93cdfe1e1e7e66f1af33ef8eeefd18ebf22555");
  EXPECT_EQ(Shape::gadgetDef().properties.size(), 2u);
  EXPECT_EQ(Marked::gadgetDef().properties.size(), 2u);
  EXPECT_EQ(Twice::gadgetDef().properties.size(), 2u);
  EXPECT_EQ(doppel::typed::toValue(Shape{Shape::Kind::Square, 3}, "Shape").toList().size(), 2u);

  Holder source;
  source.setShape(Shape{Shape::Kind::Square, 3});
  source.setMarked(Marked{Marked::Mark::P | Marked::Mark::Q, "both"});
  source.setTwice(Twice{Twice::Tone::High, Twice::Gain::On});
  ASSERT_TRUE(host->enableRemoting(source));

  auto replica = node->acquire<PodHolderReplica>("PodHolder");
  ASSERT_TRUE(replica->waitForSource(1s)) << doppel::replicaStateName(replica->replicaState());
  EXPECT_EQ(replica->shape(), (Shape{Shape::Kind::Square, 3}));
  EXPECT_EQ(replica->marked().marks.toInt(), 3);
  EXPECT_EQ(replica->marked().label, "both");
  EXPECT_EQ(replica->twice(), (Twice{Twice::Tone::High, Twice::Gain::On}));

  ASSERT_TRUE(replica->setMarked(Marked{Marked::Mark::Q, "q"}));
  ASSERT_TRUE(runUntil([&] { return source.marked().label == "q"; }));
  EXPECT_EQ(source.marked().marks, Marked::Mark::Q);

  auto reply = replica->reshape(Shape{Shape::Kind::Round, 5});
  ASSERT_TRUE(reply.waitForFinished(1s));
  EXPECT_EQ(reply.value(), (Shape{Shape::Kind::Square, 10}));
}

}  // namespace
