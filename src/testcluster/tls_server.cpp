#include "testcluster/tls_server.hpp"

#include <openssl/ssl.h>

namespace mqsend {

std::string_view tls_mode_name(TlsMode mode) {
  return mode == TlsMode::kEnforcing ? "enforcing" : "permissive";
}

TlsServer::TlsServer(TlsMode mode, TlsCertificate certificate)
    : mode_(mode), certificate_(std::move(certificate)), context_(asio::ssl::context::tls_server) {}

Result<std::unique_ptr<TlsServer>> TlsServer::create(TlsMode mode, TlsCertificate certificate,
                                                     bool need_client_auth) {
  std::unique_ptr<TlsServer> server(new TlsServer(mode, std::move(certificate)));
  asio::ssl::context& context = server->context_;
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  const asio::const_buffer certificate_pem = asio::buffer(server->certificate_.certificate_pem);
  asio::error_code error;
  context.use_certificate_chain(certificate_pem, error);
  if (!error) {
    context.use_private_key(asio::buffer(server->certificate_.private_key_pem),
                            asio::ssl::context::pem, error);
  }
  if (!error && need_client_auth) {
    context.add_certificate_authority(certificate_pem, error);
    if (!error) {
      context.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert,
                              error);
    }
  }
  if (error) {
    return Error{error_code::kInvalidArgument, "TLS server setup: " + error.message()};
  }
  return server;
}

}  // namespace mqsend
