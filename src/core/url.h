// Url: the endpoint addresses doppel understands, parsed once so that every transport reads the
// same fields (protocol §2.1):
//
//   tcp://HOST:PORT         HOST is an IPv4 address, [IPv6] or a name; PORT 0-65535 is required
//   local:NAME              a Unix socket at $TMPDIR/NAME (or /tmp/NAME); local:/abs/path as is
//   localabstract:NAME      Linux abstract socket "\0NAME", exact length
//   ws://HOST[:PORT][/PATH] and wss://  (parsed only; the web layer serves them)
//
// Pure std code: parsing never touches the network or the file system.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "doppel/result.h"

namespace doppel {

struct Url {
  enum class Scheme { Tcp, Local, LocalAbstract, Ws, Wss };

  Scheme scheme = Scheme::Tcp;
  /// tcp, ws, wss: the host without IPv6 brackets ("::1", "127.0.0.1", "example.org").
  std::string host;
  /// tcp, ws, wss: the port (ws and wss default to 80 and 443).
  std::uint16_t port = 0;
  /// local: the absolute socket path; localabstract: NAME (without the leading NUL);
  /// ws, wss: the request target ("/" at least). Empty for tcp.
  std::string path;

  /// The canonical form, which parseUrl() reads back to the same Url: "tcp://[::1]:80",
  /// "local:/tmp/name", "localabstract:name", "ws://host:8080/path".
  std::string toString() const;
};

/// Parses `text`; errors are ErrorCode::InvalidArgument with a reason that quotes the URL.
/// The local scheme reads $TMPDIR, like Qt's QDir::tempPath().
Result<Url> parseUrl(std::string_view text);

}  // namespace doppel
