#include "metrics.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace doppel::gateway {

namespace {

std::string num(double v) {
  char text[64];  // NOLINT(cppcoreguidelines-avoid-c-arrays)
  const int n = std::snprintf(text, sizeof text, "%.6g", v);
  return std::string(text, static_cast<std::size_t>(n));
}

void metric(std::string& out, const char* name, const char* type, const char* help) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

void Metrics::recordSpawn(double seconds) {
  spawnSeconds.push_back(seconds);
  if (spawnSeconds.size() > 1000) spawnSeconds.pop_front();
  spawnSum += seconds;
  ++spawnCount;
}

std::string Metrics::render(std::size_t live, std::size_t maxSessions) const {
  std::string out;
  metric(out, "doppel_gateway_sessions", "gauge", "Session processes running.");
  out += "doppel_gateway_sessions " + std::to_string(live) + "\n";
  metric(out, "doppel_gateway_sessions_max", "gauge", "Configured --max-sessions.");
  out += "doppel_gateway_sessions_max " + std::to_string(maxSessions) + "\n";
  metric(out, "doppel_gateway_sessions_started_total", "counter", "Sessions started.");
  out += "doppel_gateway_sessions_started_total " + std::to_string(sessionsStarted) + "\n";
  metric(out, "doppel_gateway_sessions_ended_total", "counter", "Sessions ended, by reason.");
  for (const auto& [reason, n] : sessionsEnded)
    out += "doppel_gateway_sessions_ended_total{reason=\"" + reason + "\"} " + std::to_string(n) + "\n";
  metric(out, "doppel_gateway_requests_total", "counter", "HTTP requests read by the gateway.");
  out += "doppel_gateway_requests_total " + std::to_string(requests) + "\n";
  metric(out, "doppel_gateway_handoffs_total", "counter", "Connections handed to sessions.");
  out += "doppel_gateway_handoffs_total " + std::to_string(handoffs) + "\n";
  metric(out, "doppel_gateway_refused_total", "counter", "Requests answered with an error, by status.");
  for (const auto& [status, n] : refused)
    out += "doppel_gateway_refused_total{status=\"" + std::to_string(status) + "\"} " + std::to_string(n) + "\n";
  metric(out, "doppel_gateway_bytes_received_total", "counter",
         "Bytes session processes received from their browsers (as reported).");
  out += "doppel_gateway_bytes_received_total " + std::to_string(bytesReceived) + "\n";
  metric(out, "doppel_gateway_errors_total", "counter", "Spawn and handoff failures.");
  out += "doppel_gateway_errors_total " + std::to_string(errors) + "\n";
  metric(out, "doppel_gateway_relays_total", "counter", "https connections relayed to sessions.");
  out += "doppel_gateway_relays_total " + std::to_string(relays) + "\n";
  metric(out, "doppel_gateway_relay_bytes_total", "counter", "Plaintext bytes relayed for https, by direction.");
  out += "doppel_gateway_relay_bytes_total{direction=\"up\"} " + std::to_string(relayBytesUp) + "\n";
  out += "doppel_gateway_relay_bytes_total{direction=\"down\"} " + std::to_string(relayBytesDown) + "\n";
  metric(out, "doppel_gateway_spawn_seconds", "summary",
         "From starting a session to its first connection served (last 1000).");
  std::vector<double> sorted(spawnSeconds.begin(), spawnSeconds.end());
  std::sort(sorted.begin(), sorted.end());
  for (const double q : {0.5, 0.9, 0.99}) {
    const double v = sorted.empty() ? 0.0
                                    : sorted[std::min(sorted.size() - 1,
                                                      static_cast<std::size_t>(q * static_cast<double>(sorted.size())))];
    out += "doppel_gateway_spawn_seconds{quantile=\"" + num(q) + "\"} " + num(v) + "\n";
  }
  out += "doppel_gateway_spawn_seconds_sum " + num(spawnSum) + "\n";
  out += "doppel_gateway_spawn_seconds_count " + std::to_string(spawnCount) + "\n";
  return out;
}

}  // namespace doppel::gateway
