// Test support: a Channel that records what the server sends, and a C++ viewer that decodes it
// (inflate, records, frames against held bases) as web/viewer/viewer.js does.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "doppel/channel.h"

#include "imgui/deflate.h"
#include "imgui/frame.h"
#include "imgui/frame_codec.h"
#include "imgui/input_codec.h"

namespace doppel::imgui::test {

struct FakeChannelState {
  Channel::Handler handler;
  std::vector<std::string> sent;
  bool started = false;
  bool closed = false;
  Error closeReason;
};

class FakeChannel : public Channel {
public:
  explicit FakeChannel(std::shared_ptr<FakeChannelState> s) : m_s(std::move(s)) {}
  void start(Handler h) override {
    m_s->handler = std::move(h);
    m_s->started = true;
  }
  void send(SharedBytes b) override {
    if (!m_s->closed) m_s->sent.push_back(*b);
  }
  void close(Error reason) override {
    m_s->closed = true;
    m_s->closeReason = std::move(reason);
  }
  std::size_t queuedBytes() const override { return 0; }
  std::string peerName() const override { return "fake:"; }

private:
  std::shared_ptr<FakeChannelState> m_s;
};

/// Decodes everything a FakeChannel received so far.
class FakeViewer {
public:
  /// Reads new messages; returns false on any decode error (and sets error).
  bool pump(FakeChannelState& channel);
  void sendInput(FakeChannelState& channel, const InputEvent& e) { channel.handler.onData(encodeInput(e)); }

  std::map<std::uint32_t, Frame> held;
  std::map<std::uint32_t, Texture> textures;
  std::vector<std::uint32_t> frameSeqs;  ///< every frame decoded, in order
  Frame current;
  int cursor = -1;
  std::string clipboard;
  std::string error;

private:
  Inflater m_inflater;
  std::size_t m_read = 0;
  std::string m_buffer;
};

}  // namespace doppel::imgui::test
