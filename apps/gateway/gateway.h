// doppel-gateway: the front door that gives each browser session a process of its own
// (docs/gateway.md).
//
// It accepts browsers' TCP connections, reads each HTTP request itself, checks Origin and the
// login (token or users file), and then either answers (login, "full", "session ended",
// /metrics, /status) or hands the connection with the bytes it read to the session's process
// (web/handoff.h), which serves it directly from then on: the gateway never relays plain http.
// With --cert/--key it terminates TLS itself and relays the plaintext (relay.h).
// A browser is tied to its session by the cookie doppel_session (128 random bits).
//
// Ownership and threads: the application owns the Gateway and its io_context, runs the
// io_context on one thread, and destroys the Gateway before the io_context. Destroying it (or
// stop()) ends every session process and reaps it before returning.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "doppel/result.h"

#include "asio/asio.h"
#include "options.h"

namespace doppel::gateway {

class SessionTable;
struct Metrics;

class Gateway {
public:
  static Result<std::unique_ptr<Gateway>> start(net::io_context& io, GatewayOptions options);
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  std::uint16_t port() const;
  /// "http://127.0.0.1:PORT/" with "?token=..." when a token opens sessions: what to open.
  std::string url() const;
  /// The token (empty with --no-auth); also what /metrics and /status require.
  const std::string& token() const;
  SessionTable& sessions();
  std::string metricsText() const;
  /// Password checks waiting or running on the login checker's thread.
  std::size_t pendingLogins() const;
  /// Stops accepting, ends and reaps every session process.
  void stop();

  struct State;

private:
  explicit Gateway(std::shared_ptr<State> state) : m_state(std::move(state)) {}
  std::shared_ptr<State> m_state;
};

}  // namespace doppel::gateway
