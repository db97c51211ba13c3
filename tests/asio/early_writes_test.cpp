// EarlyWrites, the rule for writing part of a turn's frames before the turn ends.
#include "asio/early_writes.h"

#include <vector>

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

/// Ends turns until early writes are due again; returns how many turns that took.
int turnsPaused(EarlyWrites& early) {
  int turns = 0;
  while (!early.due(kFirst) && turns <= EarlyWrites::kMaxPauseTurns) {
    early.turnEnded();
    ++turns;
  }
  return turns;
}

TEST(EarlyWritesTest, APreemptedWritePausesEarlyWritesForTheRestOfTheTurnAndSomeMore) {
  EarlyWrites early;
  early.wrote(true);
  EXPECT_FALSE(early.due(1000)) << "not again in this turn";
  EXPECT_EQ(turnsPaused(early), EarlyWrites::kFirstPauseTurns);
}

TEST(EarlyWritesTest, EachPreemptionInARowPausesTwiceAsLongUpToTheMaximum) {
  EarlyWrites early;
  std::vector<int> pauses;
  for (int i = 0; i < 9; ++i) {
    early.wrote(true);
    pauses.push_back(turnsPaused(early));
  }
  const int first = EarlyWrites::kFirstPauseTurns;
  const int most = EarlyWrites::kMaxPauseTurns;
  EXPECT_EQ(pauses, (std::vector<int>{first, 2 * first, 4 * first, 8 * first, 16 * first,
                                      32 * first, most, most, most}));
}

TEST(EarlyWritesTest, AWriteThatIsNotPreemptedStartsThePausesShortAgain) {
  EarlyWrites early;
  early.wrote(true);
  EXPECT_EQ(turnsPaused(early), EarlyWrites::kFirstPauseTurns);
  early.wrote(true);
  EXPECT_EQ(turnsPaused(early), 2 * EarlyWrites::kFirstPauseTurns);
  early.wrote(false);
  early.turnEnded();
  early.wrote(true);
  EXPECT_EQ(turnsPaused(early), EarlyWrites::kFirstPauseTurns);
}

}  // namespace
}  // namespace doppel
