#include "relay.h"

#include <chrono>

namespace doppel::gateway {

namespace {
using ErrorCodeT = boost::system::error_code;
/// How long the browser gets to answer close_notify before its socket is closed anyway.
constexpr std::chrono::milliseconds kShutdownTimeout{1000};
}  // namespace

Relay::Relay(std::unique_ptr<TlsStream> tls, net::posix::stream_descriptor session, Counter count)
    : m_tls(std::move(tls)),
      m_session(std::move(session)),
      m_timer(m_session.get_executor()),
      m_count(std::move(count)) {}

void Relay::start() {
  readUp();
  readDown();
}

void Relay::readUp() {
  m_upBusy = true;
  m_tls->async_read_some(net::buffer(m_up), [self = shared_from_this()](const ErrorCodeT& ec, std::size_t n) {
    self->m_upBusy = false;
    if (self->m_done) return;
    if (ec || self->m_closing) {
      if (self->m_closing) {
        self->maybeShutdown();  // we cancelled this read to shut down
      } else if (ec == net::error::eof) {
        self->sessionGone();  // the browser's close_notify: answer it with ours, then close
      } else {
        self->browserGone();  // reset, or the TCP connection dropped without close_notify
      }
      return;
    }
    if (self->m_count) self->m_count(true, n);
    self->m_upBusy = true;
    net::async_write(self->m_session, net::buffer(self->m_up.data(), n),
                     [self](const ErrorCodeT& writeError, std::size_t) {
                       self->m_upBusy = false;
                       if (self->m_done) return;
                       if (self->m_closing) {
                         self->maybeShutdown();
                       } else if (writeError) {
                         self->sessionGone();
                       } else {
                         self->readUp();
                       }
                     });
  });
}

void Relay::readDown() {
  m_downBusy = true;
  m_session.async_read_some(net::buffer(m_down), [self = shared_from_this()](const ErrorCodeT& ec, std::size_t n) {
    self->m_downBusy = false;
    if (self->m_done) return;
    if (ec || self->m_closing) {
      self->sessionGone();  // EOF: the session answered with Connection: close, or exited
      return;
    }
    if (self->m_count) self->m_count(false, n);
    self->m_downBusy = true;
    net::async_write(*self->m_tls, net::buffer(self->m_down.data(), n),
                     [self](const ErrorCodeT& writeError, std::size_t) {
                       self->m_downBusy = false;
                       if (self->m_done) return;
                       if (writeError) {
                         self->browserGone();
                       } else if (self->m_closing) {
                         self->maybeShutdown();
                       } else {
                         self->readDown();
                       }
                     });
  });
}

void Relay::browserGone() {
  stop();  // the session sees EOF on its end and closes that connection
}

void Relay::sessionGone() {
  if (m_closing) {
    maybeShutdown();
    return;
  }
  m_closing = true;
  ErrorCodeT ignored;
  m_session.close(ignored);
  m_tls->next_layer().cancel(ignored);  // ends the pending read from the browser
  maybeShutdown();
}

void Relay::maybeShutdown() {
  if (m_done || m_shutdown || m_upBusy || m_downBusy) return;
  m_shutdown = true;
  m_timer.expires_after(kShutdownTimeout);
  m_timer.async_wait([weak = weak_from_this()](const ErrorCodeT& ec) {
    const auto self = weak.lock();
    if (!ec && self) self->stop();
  });
  m_tls->async_shutdown([self = shared_from_this()](const ErrorCodeT&) { self->stop(); });
}

void Relay::stop() {
  if (m_done) return;
  m_done = true;
  ErrorCodeT ignored;
  m_session.close(ignored);
  m_tls->next_layer().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  m_tls->next_layer().close(ignored);
  m_timer.cancel();
}

}  // namespace doppel::gateway
