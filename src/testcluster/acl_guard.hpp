#pragma once
// The cluster's ACL mode: every request must carry the Signature (reference 9.1) of a known
// AccessKey, checked before the server logic, which a refused request never reaches (it is
// still in the request log). Two behaviours, as two generations of RocketMQ refuse:
// - ACL 1.0 (4.9.8 plain ACL, PlainAccessValidator as the broker's RPC hook): only brokers
//   check; the hook's AclException ends as SYSTEM_ERROR with the exception text as remark,
//   "org.apache.rocketmq.acl.common.AclException: No accessKey is configured" (or "No acl
//   config for AK", "Check signature failed for accessKey=AK", and for a send to a topic the
//   account may not publish to, "No default permission for topic:T"), in JSON; oneway: no answer.
// - ACL 2.0 (the 5.3 auth module): the name server and brokers check; NO_PERMISSION with an
//   "[AUTHENTICATION_FAILED] ..." remark; oneway: no answer.
// Without accounts the guard lets everything by.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/common/error.hpp"
#include "testcluster/remoting_endpoint.hpp"
#include "testcluster/server_version.hpp"

namespace mqsend {

// ACL 1.0's Permission bits (acl/.../common/Permission.java).
namespace acl_perm {
inline constexpr std::uint8_t kDeny = 1;
inline constexpr std::uint8_t kAny = 2;
inline constexpr std::uint8_t kPub = 4;
inline constexpr std::uint8_t kSub = 8;
}  // namespace acl_perm

struct AclAccount {
  AclAccount(std::string access, std::string secret) : access_key(std::move(access)), secret_key(std::move(secret)) {}

  std::string access_key;
  std::string secret_key;
  // ACL 1.0 (plain_acl.yml's topicPerms and defaultTopicPerm): what a send to a topic needs is
  // PUB. The cluster's default lets every topic be used; the sample plain_acl.yml has DENY.
  std::map<std::string, std::uint8_t> topic_perms;
  std::uint8_t default_topic_perm = acl_perm::kPub | acl_perm::kSub;
};

// Permission.parsePermFromString: "DENY", "PUB", "SUB", "PUB|SUB" (either order).
std::optional<std::uint8_t> parse_acl_permission(std::string_view text);
// "ACCESS_KEY:TOPIC=PERM" (--acl-topic-perm): sets the account's permission on a topic.
Status apply_acl_topic_perm(std::string_view text, std::vector<AclAccount>& accounts);

enum class AclVersion { k1_0, k2_0 };

// "1.0" | "2.0".
std::string_view acl_version_name(AclVersion version);
// What a release does by default: 4.9.8 ACL 1.0, 5.3.3 the auth module (2.0).
AclVersion default_acl_version(ServerVersion version);

// "ACCESS:SECRET": split at the first ':' (a secret may hold ':'); neither part empty.
// The error never repeats the text, since it holds a secret.
Result<AclAccount> parse_acl_account(std::string_view text);

enum class GuardedServer { kNameServer, kBroker };

class AclGuard {
 public:
  AclGuard(std::vector<AclAccount> accounts, AclVersion version)
      : accounts_(std::move(accounts)), version_(version) {}

  bool enabled() const { return !accounts_.empty(); }
  AclVersion version() const { return version_; }

  // nullopt when the request is signed by a known account (or ACL is off); otherwise the
  // refusal: code and remark as the ACL version writes them.
  Status authenticate(const RemotingCommand& request) const;

  // `handler` behind the check (none on an ACL 1.0 name server). The guard must outlive the
  // returned handler.
  RemotingEndpoint::Handler guard(GuardedServer server, RemotingEndpoint::Handler handler) const;

 private:
  const AclAccount* find(const std::string& access_key) const;

  std::vector<AclAccount> accounts_;
  AclVersion version_;
};

}  // namespace mqsend
