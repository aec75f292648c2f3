#include "testcluster/acl_guard.hpp"

#include <utility>

#include "client/remoting/acl_signer.hpp"
#include "client/remoting/codes.hpp"
#include "testcluster/server_response.hpp"

namespace mqsend {

namespace {

// The 5.3 auth module's authentication failure.
Error authentication_failed(const std::string& reason) {
  return Error{response_code::kNoPermission, "[AUTHENTICATION_FAILED] " + reason};
}

// PlainPermissionManager.validate's AclException, as the remoting layer's catch turns it into
// a SYSTEM_ERROR remark (the exception's toString).
Error acl_exception(const std::string& message) {
  return Error{response_code::kSystemError, "org.apache.rocketmq.acl.common.AclException: " + message};
}

// Permission.checkPermission.
bool permitted(std::uint8_t needed, std::uint8_t owned) {
  if ((owned & acl_perm::kDeny) != 0) return false;
  if ((needed & acl_perm::kAny) != 0) return (owned & (acl_perm::kPub | acl_perm::kSub)) != 0;
  return (needed & owned) != 0;
}

// The topic a send names (PlainAccessResource.parse: "topic" for SEND_MESSAGE, "b" for the
// V2 header of SEND_MESSAGE_V2 and SEND_BATCH_MESSAGE); null for other requests.
const std::string* sent_topic(const RemotingCommand& request) {
  switch (request.code) {
    case request_code::kSendMessage: return request.field("topic");
    case request_code::kSendMessageV2:
    case request_code::kSendBatchMessage: return request.field("b");
    default: return nullptr;
  }
}

}  // namespace

std::optional<std::uint8_t> parse_acl_permission(std::string_view text) {
  if (text == "DENY") return acl_perm::kDeny;
  if (text == "PUB") return acl_perm::kPub;
  if (text == "SUB") return acl_perm::kSub;
  if (text == "PUB|SUB" || text == "SUB|PUB") return acl_perm::kPub | acl_perm::kSub;
  return std::nullopt;
}

Status apply_acl_topic_perm(std::string_view text, std::vector<AclAccount>& accounts) {
  const auto colon = text.find(':');
  const auto equals = text.find('=', colon == std::string_view::npos ? 0 : colon);
  const auto usage = Error{error_code::kInvalidArgument,
                           "--acl-topic-perm wants ACCESS_KEY:TOPIC=DENY|PUB|SUB|PUB|SUB, for an --acl account"};
  if (colon == std::string_view::npos || equals == std::string_view::npos || equals == colon + 1) return usage;
  const auto perm = parse_acl_permission(text.substr(equals + 1));
  if (!perm) return usage;
  const std::string_view access_key = text.substr(0, colon);
  for (AclAccount& account : accounts) {
    if (account.access_key != access_key) continue;
    account.topic_perms[std::string(text.substr(colon + 1, equals - colon - 1))] = *perm;
    return std::nullopt;
  }
  return usage;
}

std::string_view acl_version_name(AclVersion version) {
  return version == AclVersion::k1_0 ? "1.0" : "2.0";
}

AclVersion default_acl_version(ServerVersion version) {
  return version == ServerVersion::k4_9_8 ? AclVersion::k1_0 : AclVersion::k2_0;
}

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
  const bool plain = version_ == AclVersion::k1_0;
  const std::string* access_key = request.field(acl_field::kAccessKey);
  const bool has_signature = request.field(acl_field::kSignature) != nullptr;
  // PlainPermissionManager.validate checks the key first and the signature last; the auth
  // module wants both present before it looks anything up.
  if (access_key == nullptr || (!plain && !has_signature)) {
    return plain ? acl_exception("No accessKey is configured")
                 : authentication_failed("the request is not signed: no AccessKey or Signature");
  }
  const AclAccount* account = find(*access_key);
  if (account == nullptr) {
    return plain ? acl_exception("No acl config for " + *access_key)
                 : authentication_failed("User:" + *access_key + " is not found");
  }
  if (!has_signature || !verify_signature(request, account->secret_key)) {
    return plain ? acl_exception("Check signature failed for accessKey=" + *access_key)
                 : authentication_failed("check signature failed for AccessKey " + *access_key);
  }
  // PlainPermissionManager.validate, last: the resources the request needs, here a send's topic.
  const std::string* topic = plain ? sent_topic(request) : nullptr;
  if (topic != nullptr) {
    const auto own = account->topic_perms.find(*topic);
    const std::uint8_t owned = own == account->topic_perms.end() ? account->default_topic_perm : own->second;
    if (!permitted(acl_perm::kPub, owned)) return acl_exception("No default permission for topic:" + *topic);
  }
  return std::nullopt;
}

RemotingEndpoint::Handler AclGuard::guard(GuardedServer server, RemotingEndpoint::Handler handler) const {
  // 4.9.8 name servers register no ACL hook at all.
  if (server == GuardedServer::kNameServer && version_ == AclVersion::k1_0) return handler;
  return [this, handler = std::move(handler)](const RemotingCommand& request, std::string_view peer,
                                              std::int64_t now_ms) -> std::optional<RemotingCommand> {
    if (Status denied = authenticate(request)) {
      if (request.is_oneway()) return std::nullopt;
      // ACL 1.0's refusal comes from the remoting layer's exception handler: default
      // serialization, JSON; the auth module answers as a processor does.
      if (version_ == AclVersion::k1_0) return framework_response(request, denied->code, denied->message);
      return server_response(request, denied->code, denied->message);
    }
    return handler(request, peer, now_ms);
  };
}

}  // namespace mqsend
