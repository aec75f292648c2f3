#include "client/remoting/tls_context.hpp"

#include <fmt/format.h>

#include <openssl/ssl.h>

namespace mqsend {

namespace {

Error load_error(const char* what, const std::string& path, const asio::error_code& error) {
  return Error{error_code::kInvalidArgument,
               fmt::format("cannot load the TLS {} {}: {}", what, path, error.message())};
}

}  // namespace

Result<std::shared_ptr<asio::ssl::context>> make_client_tls_context(const TlsOptions& options,
                                                                    bool system_store) {
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  asio::error_code error;
  if (options.insecure) {
    context->set_verify_mode(asio::ssl::verify_none);
  } else {
    context->set_verify_mode(asio::ssl::verify_peer);
    if (system_store) {
      // A host without a system store still verifies against the CA file: ignore a failure.
      asio::error_code no_default_paths;
      context->set_default_verify_paths(no_default_paths);
    }
    if (!options.ca_file.empty()) {
      context->load_verify_file(options.ca_file, error);
      if (error) return load_error("CA file", options.ca_file, error);
    }
  }
  if (options.cert_file.empty() != options.key_file.empty()) {
    return Error{error_code::kInvalidArgument,
                 "mutual TLS needs both a client certificate and its private key"};
  }
  if (!options.cert_file.empty()) {
    context->use_certificate_chain_file(options.cert_file, error);
    if (error) return load_error("client certificate", options.cert_file, error);
    context->use_private_key_file(options.key_file, asio::ssl::context::pem, error);
    if (error) return load_error("client key", options.key_file, error);
    if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
      return Error{error_code::kInvalidArgument,
                   fmt::format("the TLS client key {} does not match the certificate {}",
                               options.key_file, options.cert_file)};
    }
  }
  return context;
}

}  // namespace mqsend
