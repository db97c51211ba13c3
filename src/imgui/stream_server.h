// StreamServer: the one viewer connection of a streamed ImGui application, with flow control.
//
// Implemented features:
//  - one user: a second connection is closed with "in use by another browser" (close code 1001)
//    unless takeover is set, in which case the new one replaces the old ("taken over").
//  - frames: publish() keeps the newest frame; it is sent at once if fewer than `credits` frames
//    are unacknowledged, else when the next Ack arrives, as a delta against the last frame sent
//    on that connection (ordered and reliable: the viewer holds it). Frames published meanwhile are dropped, never queued, so a slow viewer
//    gets fewer, newer frames and the application never waits. A frame equal to the last one
//    published is not sent at all (idle costs 0 bytes). A new viewer gets its key frame from the
//    first publish() after its Hello (its size is known by then), even an unchanged one.
//  - textures: sent before the first frame that may use them and again only when their content
//    hash changes.
//  - compression: every byte sent is one raw-deflate stream per connection (deflate.h).
//  - input: decoded (input_codec.h) and queued for the application; a decode error closes that
//    connection with the reason, logged once (component "imgui"); the server accepts the next.
//
// Threads: every call on the loop thread (the application's ImGui thread, which runs the loop).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "doppel/channel.h"

#include "imgui/deflate.h"
#include "imgui/frame.h"
#include "imgui/frame_codec.h"
#include "imgui/input_codec.h"

namespace doppel::imgui {

struct StreamOptions {
  /// Frames in flight before the server waits for an Ack. 4 keeps 60 fps at a 50 ms round trip.
  unsigned credits = 4;
  /// A new browser replaces the connected one instead of getting "in use".
  bool takeover = false;
  /// zlib level: 1 is fastest, 9 smallest.
  int deflateLevel = 6;
  InputLimits inputLimits;
};

struct StreamStats {
  std::uint64_t bytesSent = 0;     ///< compressed bytes handed to the channel
  std::uint64_t rawBytes = 0;      ///< record bytes before compression
  std::uint64_t framesPublished = 0;
  std::uint64_t framesSent = 0;
  std::uint64_t framesDropped = 0; ///< published, replaced by a newer one before it could go
  std::uint64_t keyFrames = 0;
  std::uint64_t texturesSent = 0;
  std::uint64_t connections = 0;
  std::uint64_t refused = 0;       ///< "in use"
  std::uint64_t inputErrors = 0;
};

class StreamServer {
public:
  explicit StreamServer(StreamOptions options = {});
  ~StreamServer();
  StreamServer(const StreamServer&) = delete;
  StreamServer& operator=(const StreamServer&) = delete;

  /// A new viewer connection (from WebServer's accept handler).
  void accept(ChannelPtr channel);

  /// The newest frame (seq is assigned here). Returns false if it equals the last one.
  bool publish(Frame frame);
  /// Adds or replaces a texture; sent when its content changed.
  void setTexture(Texture texture);
  void removeTexture(std::uint32_t id);
  void setCursor(int cursor);
  void setClipboard(const std::string& text);
  void setTextInput(bool wanted, float x, float y);

  /// Input received since the last call, in order. A disconnect appears as Focus(0).
  std::vector<InputEvent> takeInput();
  /// Called when input was queued (to wake the application's wait).
  std::function<void()> onInput;

  bool connected() const;
  /// The viewer has said Hello: its size is known and frames may go.
  bool ready() const;
  /// Frames sent and not acknowledged.
  unsigned inFlight() const;
  const StreamStats& stats() const { return m_stats; }

private:
  struct Session;
  void trySend();
  void appendTextures(std::string& records);
  void sendRecords(const std::string& records);
  void onData(Session& session, std::string_view bytes);
  void onClosed(Session& session, const Error& reason);
  void queue(InputEvent event);

  StreamOptions m_options;
  // Shared with the channel's handlers (as weak pointers), which may outlive a replaced session.
  std::shared_ptr<Session> m_session;
  Frame m_latest;
  bool m_haveLatest = false;
  bool m_latestSent = false;
  std::uint32_t m_seq = 0;
  std::map<std::uint32_t, Texture> m_textures;
  std::map<std::uint32_t, std::uint64_t> m_textureHashes;
  int m_cursor = 0;
  std::vector<InputEvent> m_input;
  StreamStats m_stats;
};

}  // namespace doppel::imgui
