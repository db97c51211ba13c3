#include "web/server_tls.h"

namespace doppel::web {

Result<void> loadServerTls(ssl::context& context, const std::string& certificateFile,
                           const std::string& privateKeyFile) {
  boost::system::error_code ec;
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                          ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                      ec);
  if (!ec) context.use_certificate_chain_file(certificateFile, ec);
  if (!ec) context.use_private_key_file(privateKeyFile, ssl::context::pem, ec);
  if (ec)
    return makeError(ErrorCode::InvalidArgument,
                     "TLS certificate " + certificateFile + " / key " + privateKeyFile + ": " + ec.message());
  return {};
}

}  // namespace doppel::web
