#pragma once
// ACL credentials on the command line: --access-key, --secret-key (ROCKETMQ_ACCESS_KEY /
// ROCKETMQ_SECRET_KEY) and --secret-key-file, resolved into the signer's AclCredentials.
// The secret never appears in an error message; --print-config masks it (mark_secret).
#include <optional>
#include <string>
#include <vector>

#include "cli/cli11_fwd.hpp"
#include "client/common/error.hpp"
#include "client/remoting/acl_signer.hpp"

namespace mqsend::cli {

struct CredentialOptions {
  std::string access_key;
  std::string secret_key;
  std::string secret_key_file;  // its first line is the secret; wins over secret_key
};

// Defines --access-key, --secret-key and --secret-key-file on `app`, bound to `options`.
void define_credential_options(CLI::App& app, CredentialOptions& options);

// nullopt without an access key. Errors (kInvalidArgument): a secret without an access key or
// the reverse, an unreadable or empty secret key file.
Result<std::optional<AclCredentials>> resolve_credentials(const CredentialOptions& options);

// True when `args` carry a --secret-key value (visible to anyone who lists processes).
bool secret_in_arguments(const std::vector<std::string>& args);

// resolve_credentials, plus a warning on stderr when this process's own argument list
// (/proc/self/cmdline) carries the secret.
Result<std::optional<AclCredentials>> credentials_for_run(const CredentialOptions& options);

}  // namespace mqsend::cli
