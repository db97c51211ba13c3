// https under doppel-gateway (docs/gateway.md "TLS"): a TLS connection cannot be handed to a
// session process after its handshake (the keys live in the gateway's OpenSSL state), so the
// gateway keeps the TLS stream and hands the session one end of an AF_UNIX stream socketpair
// instead; a Relay copies the plaintext both ways between the two.
//
// Flow control: one 16 KiB buffer per direction and one operation at a time in each, so a slow
// reader stalls its writer through the kernel's buffers and the gateway never queues more.
// Either side's close ends both: the browser's end closes the pair (the session sees EOF); the
// session's end (or the browser's close_notify) sends TLS close_notify, waits at most
// kShutdownTimeout for the browser's, and closes its socket.
//
// Threads: the gateway's io_context thread only.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>

#include "asio/asio.h"
#include "web/beast.h"

namespace doppel::gateway {

using TlsStream = ssl::stream<net::ip::tcp::socket>;

class Relay : public std::enable_shared_from_this<Relay> {
public:
  /// Plaintext bytes moved: `up` from the browser to the session, else the other way.
  using Counter = std::function<void(bool up, std::size_t bytes)>;

  Relay(std::unique_ptr<TlsStream> tls, net::posix::stream_descriptor session, Counter count);
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  void start();
  /// Closes both ends now (the gateway stops).
  void stop();
  bool done() const { return m_done; }

private:
  static constexpr std::size_t kBufferBytes = 16u << 10;

  void readUp();
  void readDown();
  /// The session's end went (or the browser sent close_notify): close the session's end, and
  /// close_notify to the browser once neither direction is busy.
  void sessionGone();
  void browserGone();
  void maybeShutdown();

  std::unique_ptr<TlsStream> m_tls;
  net::posix::stream_descriptor m_session;
  net::steady_timer m_timer;
  Counter m_count;
  std::array<char, kBufferBytes> m_up{};
  std::array<char, kBufferBytes> m_down{};
  bool m_upBusy = false;
  bool m_downBusy = false;
  bool m_closing = false;  ///< the session's end went; shutting TLS down
  bool m_shutdown = false;
  bool m_done = false;
};

}  // namespace doppel::gateway
