#include "cli/tls_flags.hpp"

#include <CLI/CLI.hpp>

#include "client/remoting/tls_context.hpp"

namespace mqsend::cli {

void define_tls_options(CLI::App& app, TlsOptions& options) {
  app.add_flag("--tls", options.enabled,
               "Speak TLS to name servers and brokers (the Java client's useTLS); "
               "any --tls-* flag implies it");
  app.add_option("--tls-ca", options.ca_file,
                 "Trust the CA certificates in this PEM file, besides the system store")
      ->type_name("FILE");
  app.add_flag("--tls-insecure", options.insecure,
               "Do not verify the server certificate or its name, as the Java client in its "
               "default TLS test mode; only where the network itself is trusted");
  app.add_option("--tls-cert", options.cert_file,
                 "Mutual TLS: this client's certificate chain (PEM), with --tls-key")
      ->type_name("FILE");
  app.add_option("--tls-key", options.key_file,
                 "Mutual TLS: the private key (PEM, unencrypted) of --tls-cert")
      ->type_name("FILE");
}

Result<TlsOptions> tls_for_run(const TlsOptions& options) {
  TlsOptions resolved = options;
  resolved.enabled = options.enabled || options.insecure || !options.ca_file.empty() ||
                     !options.cert_file.empty() || !options.key_file.empty();
  if (!resolved.enabled) return resolved;
  if (options.cert_file.empty() != options.key_file.empty()) {
    return Error{error_code::kInvalidArgument, "--tls-cert and --tls-key go together"};
  }
  auto context = make_client_tls_context(resolved, false);
  if (!context) return context.error();
  return resolved;
}

}  // namespace mqsend::cli
