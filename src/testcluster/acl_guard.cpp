#include "testcluster/acl_guard.hpp"

#include <utility>

#include "client/remoting/acl_signer.hpp"
#include "client/remoting/codes.hpp"
#include "testcluster/server_response.hpp"

namespace mqsend {

namespace {

Error authentication_failed(const std::string& reason) {
  return Error{response_code::kNoPermission, "[AUTHENTICATION_FAILED] " + reason};
}

}  // namespace

Result<AclAccount> parse_acl_account(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return Error{error_code::kInvalidArgument, "--acl wants ACCESS_KEY:SECRET_KEY, both non-empty"};
  }
  return AclAccount{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

const AclAccount* AclGuard::find(const std::string& access_key) const {
  for (const AclAccount& account : accounts_) {
    if (account.access_key == access_key) return &account;
  }
  return nullptr;
}

Status AclGuard::authenticate(const RemotingCommand& request) const {
  if (!enabled()) return std::nullopt;
  const std::string* access_key = request.field(acl_field::kAccessKey);
  if (access_key == nullptr || request.field(acl_field::kSignature) == nullptr) {
    return authentication_failed("the request is not signed: no AccessKey or Signature");
  }
  const AclAccount* account = find(*access_key);
  if (account == nullptr) return authentication_failed("User:" + *access_key + " is not found");
  if (!verify_signature(request, account->secret_key)) {
    return authentication_failed("check signature failed for AccessKey " + *access_key);
  }
  return std::nullopt;
}

RemotingEndpoint::Handler AclGuard::guard(RemotingEndpoint::Handler handler) const {
  return [this, handler = std::move(handler)](const RemotingCommand& request, std::string_view peer,
                                              std::int64_t now_ms) -> std::optional<RemotingCommand> {
    if (Status denied = authenticate(request)) {
      if (request.is_oneway()) return std::nullopt;
      return server_response(request, denied->code, denied->message);
    }
    return handler(request, peer, now_ms);
  };
}

}  // namespace mqsend
