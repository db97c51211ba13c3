// The gateway's counters and the /metrics text (Prometheus exposition format 0.0.4).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>

namespace doppel::gateway {

struct Metrics {
  std::uint64_t requests = 0;
  std::uint64_t handoffs = 0;
  std::uint64_t sessionsStarted = 0;
  std::map<std::string, std::uint64_t> sessionsEnded;  ///< by reason: grace, idle, crash, ...
  std::map<unsigned, std::uint64_t> refused;           ///< by HTTP status
  std::uint64_t bytesReceived = 0;  ///< by session processes from their browsers (reported)
  std::uint64_t errors = 0;         ///< spawn and handoff failures
  /// https: connections relayed (relay.h) and the plaintext bytes each way.
  std::uint64_t relays = 0;
  std::uint64_t relayBytesUp = 0;    ///< browser to session
  std::uint64_t relayBytesDown = 0;  ///< session to browser
  /// Spawn to the session's first connection served, seconds; the last 1,000.
  std::deque<double> spawnSeconds;
  double spawnSum = 0;
  std::uint64_t spawnCount = 0;

  void recordSpawn(double seconds);
  /// The exposition text; `live` sessions running now.
  std::string render(std::size_t live, std::size_t maxSessions) const;
};

}  // namespace doppel::gateway
