#pragma once
// TLS on the command line: --tls, --tls-ca, --tls-insecure, --tls-cert and --tls-key, on both
// commands, resolved into the client's TlsOptions. Any of them turns TLS on: --tls-ca FILE
// alone means --tls --tls-ca FILE.
#include "cli/cli11_fwd.hpp"
#include "client/common/error.hpp"
#include "client/remoting/tls_options.hpp"

namespace mqsend::cli {

// Defines the TLS flags on `app`, bound to `options`.
void define_tls_options(CLI::App& app, TlsOptions& options);

// The TLS settings of a run: enabled when any TLS flag is set, files loaded once to check
// them. Errors (kInvalidArgument, usage errors): --tls-cert without --tls-key or the reverse,
// a CA, certificate or key file that does not load (named, with OpenSSL's reason).
Result<TlsOptions> tls_for_run(const TlsOptions& options);

}  // namespace mqsend::cli
