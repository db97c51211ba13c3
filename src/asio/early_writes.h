// EarlyWrites: when a socket channel writes the frames a turn holds (loop_turn.h) before the
// turn ends.
//
// Holding every send to the end of a turn costs one syscall per turn, but the peer sees nothing
// until the whole turn is done: when one read brings 64 calls, their 64 replies leave together
// after the last one is handled, and a peer sleeping on another CPU must then be woken (about
// 18 us on a KVM guest) while this side goes idle in turn. So once a turn has queued 8 frames
// for one channel they are written at once, and the peer starts on them while this side handles
// the rest; the next early write waits for twice as many (16, then 32, ...), so a turn that
// sends N frames makes at most log2(N / 8) + 2 writes. A turn that sends fewer than 8 frames is
// written once, at its end, as before.
//
// On one CPU an early write only costs: the woken peer takes the CPU, the rest of the turn waits
// behind it, and both sides make more context switches for smaller batches. The channel sees
// that as being preempted during the write (an involuntary context switch of its thread), and
// then writes only at the end of its turns for a while: 64 turns, twice as long each time the
// next early write is preempted again (up to 4,096 turns), back to 64 once one is not. So a
// preemption by some other thread costs little, and a peer on the same CPU is tried rarely.
// (Measured, 200,000 pipelined calls: a first pause of 16 turns cost up to 20% with both sides
// on one CPU, one of 256 turns up to 15% with one CPU each.)
//
// Thread safety: none; one per channel, on the loop thread.
#pragma once

#include <algorithm>
#include <cstddef>

namespace doppel {

class EarlyWrites {
public:
  /// Frames a turn queues for one channel before the first early write.
  static constexpr std::size_t kFirstAfterFrames = 8;
  /// Turns written only at their end after an early write was preempted, the first time and at
  /// most.
  static constexpr int kFirstPauseTurns = 64;
  static constexpr int kMaxPauseTurns = 4096;

  /// Whether the `queuedFrames` held for this channel now should be written at once.
  bool due(std::size_t queuedFrames) const {
    return m_pausedTurns == 0 && queuedFrames >= m_threshold;
  }

  /// After an early write; `preempted` if the thread lost its CPU while it wrote.
  void wrote(bool preempted) {
    m_threshold *= 2;
    if (preempted) {
      m_pausedTurns = m_nextPause;
      m_nextPause = std::min(2 * m_nextPause, kMaxPauseTurns);
    } else {
      m_nextPause = kFirstPauseTurns;
    }
  }

  /// At the end of every turn that held frames for this channel.
  void turnEnded() {
    m_threshold = kFirstAfterFrames;
    if (m_pausedTurns > 0) --m_pausedTurns;
  }

private:
  std::size_t m_threshold = kFirstAfterFrames;
  int m_pausedTurns = 0;
  int m_nextPause = kFirstPauseTurns;
};

}  // namespace doppel
