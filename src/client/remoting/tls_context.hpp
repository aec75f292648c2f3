#pragma once
// The OpenSSL client context of a RemotingClient, built once from its TlsOptions and shared
// by every connection.
#include <memory>

#include <asio/ssl/context.hpp>

#include "client/common/error.hpp"
#include "client/remoting/tls_options.hpp"

namespace mqsend {

// TLS 1.2 or later; verifies the peer unless `options.insecure`; loads the client certificate
// and key for mutual TLS when given. Errors (kInvalidArgument) name the file that did not load
// and OpenSSL's reason. Without `system_store` the system's trusted CAs are left out: loading
// them takes tens of milliseconds, too much to spend only to check the files.
Result<std::shared_ptr<asio::ssl::context>> make_client_tls_context(const TlsOptions& options,
                                                                    bool system_store = true);

}  // namespace mqsend
