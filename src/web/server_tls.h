// The TLS context of a server that terminates https/wss itself: WebServer, and doppel-gateway,
// which relays each session's plaintext. One place decides the protocol floor (TLS 1.2).
#pragma once

#include <string>

#include "doppel/result.h"
#include "web/beast.h"

namespace doppel::web {

/// Loads the PEM certificate chain and private key into `context` (a tls_server context) and
/// refuses SSL 2/3 and TLS 1.0/1.1. InvalidArgument naming both files when either fails.
Result<void> loadServerTls(ssl::context& context, const std::string& certificateFile,
                           const std::string& privateKeyFile);

}  // namespace doppel::web
