// EarlyWrites, the rule for writing part of a turn's frames before the turn ends.
#include "asio/early_writes.h"

#include <gtest/gtest.h>

namespace doppel {
namespace {

constexpr std::size_t kFirst = EarlyWrites::kFirstAfterFrames;

TEST(EarlyWritesTest, TheFirstWriteComesAfterEightFramesAndEachNextAfterTwiceAsMany) {
  EarlyWrites early;
  EXPECT_FALSE(early.due(kFirst - 1));
  EXPECT_TRUE(early.due(kFirst));
  early.wrote(false);
  EXPECT_FALSE(early.due(2 * kFirst - 1));
  EXPECT_TRUE(early.due(2 * kFirst));
  early.wrote(false);
  EXPECT_FALSE(early.due(4 * kFirst - 1));
  EXPECT_TRUE(early.due(4 * kFirst));
}

TEST(EarlyWritesTest, EveryTurnStartsAgainFromEightFrames) {
  EarlyWrites early;
  early.wrote(false);
  early.wrote(false);
  early.turnEnded();
  EXPECT_TRUE(early.due(kFirst));
}

TEST(EarlyWritesTest, APreemptedWritePausesEarlyWritesForTheNextTurns) {
  EarlyWrites early;
  early.wrote(true);
  for (int turn = 0; turn < EarlyWrites::kPausedTurns; ++turn) {
    EXPECT_FALSE(early.due(1000)) << "turn " << turn;
    early.turnEnded();
  }
  EXPECT_TRUE(early.due(kFirst)) << "tried again after the pause";
}

}  // namespace
}  // namespace doppel
