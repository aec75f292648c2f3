#include "cli/credentials.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/diagnostics.hpp"
#include "cli/options.hpp"

namespace mqsend::cli {

namespace {

constexpr const char* kSecretKeyFlag = "--secret-key";

Error invalid(std::string message) { return Error{error_code::kInvalidArgument, std::move(message)}; }

Result<std::string> read_secret_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return invalid(fmt::format("cannot read --secret-key-file {}: {}", path, std::strerror(errno)));
  std::string secret;
  std::getline(in, secret);
  if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  if (secret.empty()) return invalid(fmt::format("--secret-key-file {}: the first line is empty", path));
  return secret;
}

// The NUL-separated arguments of this process, as `ps` shows them to every user.
std::vector<std::string> own_arguments() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\0', start), text.size());
    args.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return args;
}

}  // namespace

void define_credential_options(CLI::App& app, CredentialOptions& options) {
  app.add_option("--access-key", options.access_key,
                 "ACL access key: sign every request (AclClientRPCHook)")
      ->envname("ROCKETMQ_ACCESS_KEY");
  mark_secret(app.add_option(kSecretKeyFlag, options.secret_key,
                             "ACL secret key; visible in the process list here, prefer "
                             "ROCKETMQ_SECRET_KEY or --secret-key-file")
                  ->envname("ROCKETMQ_SECRET_KEY"));
  app.add_option("--secret-key-file", options.secret_key_file,
                 "Read the ACL secret key from the first line of this file (wins over --secret-key)")
      ->type_name("FILE");
}

Result<std::optional<AclCredentials>> resolve_credentials(const CredentialOptions& options) {
  std::string secret = options.secret_key;
  if (!options.secret_key_file.empty()) {
    auto from_file = read_secret_file(options.secret_key_file);
    if (!from_file) return from_file.error();
    secret = std::move(from_file.value());
  }
  if (options.access_key.empty()) {
    if (!secret.empty()) return invalid("a secret key needs --access-key (or ROCKETMQ_ACCESS_KEY)");
    return std::optional<AclCredentials>();
  }
  if (secret.empty()) {
    return invalid("--access-key needs a secret key: ROCKETMQ_SECRET_KEY, --secret-key-file or --secret-key");
  }
  return std::optional<AclCredentials>(AclCredentials{options.access_key, std::move(secret), ""});
}

bool secret_in_arguments(const std::vector<std::string>& args) {
  const std::string with_value = std::string(kSecretKeyFlag) + "=";
  for (const std::string& arg : args) {
    if (arg == "--") return false;
    if (arg == kSecretKeyFlag || arg.rfind(with_value, 0) == 0) return true;
  }
  return false;
}

Result<std::optional<AclCredentials>> credentials_for_run(const CredentialOptions& options) {
  if (secret_in_arguments(own_arguments())) {
    tell("mqsend: warning: --secret-key is visible in the process list; prefer "
         "ROCKETMQ_SECRET_KEY or --secret-key-file");
  }
  return resolve_credentials(options);
}

}  // namespace mqsend::cli
