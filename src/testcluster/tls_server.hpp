#pragma once
// The server side of the test cluster's TLS, as RocketMQ's tls.server.mode: which connections
// must, may or cannot speak TLS, and the OpenSSL context every endpoint shares (the cluster's
// self-signed certificate; optionally a required client certificate).
#include <memory>
#include <string_view>

#include <asio/ssl/context.hpp>

#include "client/common/error.hpp"
#include "testcluster/tls_certificate.hpp"

namespace mqsend {

// Without TLS (no TlsServer, as tls.server.mode=disabled) a ClientHello reads as an oversized
// frame and the connection is closed.
enum class TlsMode {
  kPermissive,  // the first byte decides: a TLS handshake record is TLS, anything else plaintext
  kEnforcing,   // TLS only: a connection that does not start with a handshake record is closed
};

// "permissive" | "enforcing".
std::string_view tls_mode_name(TlsMode mode);

// The first byte of a TLS record of type handshake: what a ClientHello starts with, and what
// a RemotingCommand frame (whose length word starts with 0x00 below 16 MiB) never does.
inline constexpr unsigned char kTlsHandshakeRecordType = 0x16;

class TlsServer {
 public:
  // `need_client_auth`: clients must present a certificate that `certificate` signed (the
  // certificate itself will do), as tls.server.need.client.auth=require.
  static Result<std::unique_ptr<TlsServer>> create(TlsMode mode, TlsCertificate certificate,
                                                   bool need_client_auth);

  TlsMode mode() const { return mode_; }
  const TlsCertificate& certificate() const { return certificate_; }
  asio::ssl::context& context() { return context_; }

  // What to do with a connection whose first byte is `first_byte`.
  bool wants_tls(unsigned char first_byte) const { return first_byte == kTlsHandshakeRecordType; }
  bool accepts_plaintext() const { return mode_ != TlsMode::kEnforcing; }

 private:
  TlsServer(TlsMode mode, TlsCertificate certificate);

  TlsMode mode_;
  TlsCertificate certificate_;
  asio::ssl::context context_;
};

}  // namespace mqsend
