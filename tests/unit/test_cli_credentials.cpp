// ACL credentials of the CLI: resolution rules and the process-list check.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "cli/credentials.hpp"

using namespace mqsend;
using namespace mqsend::cli;

namespace {

std::string temporary_file(const std::string& content) {
  const std::string path = "/tmp/mqsend-unit-secret-" + std::to_string(::getpid());
  std::ofstream(path, std::ios::trunc | std::ios::binary) << content;
  return path;
}

}  // namespace

TEST_CASE("credentials: none without an access key", "[acl]") {
  auto resolved = resolve_credentials(CredentialOptions{});
  REQUIRE(resolved.ok());
  CHECK_FALSE(resolved->has_value());
}

TEST_CASE("credentials: access key and secret key", "[acl]") {
  auto resolved = resolve_credentials(CredentialOptions{"ak", "sk", ""});
  REQUIRE(resolved.ok());
  REQUIRE(resolved->has_value());
  CHECK((*resolved)->access_key == "ak");
  CHECK((*resolved)->secret_key == "sk");
  CHECK((*resolved)->security_token.empty());
}

TEST_CASE("credentials: the file's first line wins over --secret-key, CRLF trimmed", "[acl]") {
  const std::string path = temporary_file("from-file\r\nsecond line\n");
  auto resolved = resolve_credentials(CredentialOptions{"ak", "from-flag", path});
  std::remove(path.c_str());
  REQUIRE(resolved.ok());
  CHECK((*resolved)->secret_key == "from-file");
}

TEST_CASE("credentials: errors never carry the secret", "[acl]") {
  auto no_access_key = resolve_credentials(CredentialOptions{"", "TopSecret9", ""});
  REQUIRE_FALSE(no_access_key.ok());
  CHECK(no_access_key.error().code == error_code::kInvalidArgument);
  CHECK(no_access_key.error().message.find("TopSecret9") == std::string::npos);

  auto no_secret = resolve_credentials(CredentialOptions{"ak", "", ""});
  REQUIRE_FALSE(no_secret.ok());
  CHECK(no_secret.error().message.find("needs a secret key") != std::string::npos);

  const std::string path = temporary_file("\nTopSecret9\n");
  auto empty_first_line = resolve_credentials(CredentialOptions{"ak", "", path});
  std::remove(path.c_str());
  REQUIRE_FALSE(empty_first_line.ok());
  CHECK(empty_first_line.error().message.find("TopSecret9") == std::string::npos);

  auto unreadable = resolve_credentials(CredentialOptions{"ak", "", "/nonexistent/dir/secret"});
  REQUIRE_FALSE(unreadable.ok());
  CHECK(unreadable.error().message.find("/nonexistent/dir/secret") != std::string::npos);
}

TEST_CASE("credentials: a --secret-key in the arguments is spotted", "[acl]") {
  CHECK(secret_in_arguments({"mqsend", "--secret-key", "x"}));
  CHECK(secret_in_arguments({"mqsend", "-t", "T", "--secret-key=x"}));
  CHECK_FALSE(secret_in_arguments({"mqsend", "--secret-key-file", "/path"}));
  CHECK_FALSE(secret_in_arguments({"mqsend", "--access-key", "ak"}));
  CHECK_FALSE(secret_in_arguments({"mqsend", "--", "--secret-key"}));
}
