#include "client/remoting/transport_stream.hpp"

#include <fmt/format.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

namespace mqsend {

namespace {

Error openssl_error(const char* what) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  const char* reason = ERR_reason_error_string(code);
  return Error{error_code::kInvalidArgument,
               fmt::format("{}: {}", what, reason != nullptr ? reason : "unknown OpenSSL error")};
}

bool is_ip_address(const std::string& host) {
  asio::error_code error;
  asio::ip::make_address(host, error);
  return !error;
}

}  // namespace

Status TransportStream::expect_peer_name(const std::string& host) {
  SSL* ssl = tls_->native_handle();
  if (is_ip_address(host)) {
    // Brokers register IP addresses: match them against the certificate's IP SANs.
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) != 1) {
      return openssl_error("cannot check the certificate against the IP address");
    }
    return std::nullopt;
  }
  if (SSL_set1_host(ssl, host.c_str()) != 1) {
    return openssl_error("cannot check the certificate against the host name");
  }
  // SNI, for servers that pick their certificate by name (never for IP addresses, RFC 6066).
  if (SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
    return openssl_error("cannot set the TLS server name");
  }
  return std::nullopt;
}

std::string TransportStream::handshake_failure(const asio::error_code& error) {
  if (error == asio::ssl::error::stream_truncated || error == asio::error::eof ||
      error == asio::error::connection_reset) {
    return fmt::format("the peer closed the connection during the handshake ({}); "
                       "does it speak TLS?",
                       error.message());
  }
  // OpenSSL's reason alone: asio's message appends the library name ("(SSL routines)").
  const char* openssl_reason = error.category() == asio::error::get_ssl_category()
                                   ? ERR_reason_error_string(static_cast<unsigned long>(error.value()))
                                   : nullptr;
  std::string reason = openssl_reason != nullptr ? openssl_reason : error.message();
  if (tls_) {
    const long verdict = SSL_get_verify_result(tls_->native_handle());
    if (verdict != X509_V_OK) reason += fmt::format(": {}", X509_verify_cert_error_string(verdict));
  }
  return reason;
}

}  // namespace mqsend
