#pragma once
// The cluster's ACL mode: every request must carry the Signature (reference 9.1) of a known
// AccessKey, checked before the server logic, which a refused request never reaches (it is
// still in the request log). Two behaviours, as two generations of RocketMQ refuse:
// - ACL 1.0 (4.9.8 plain ACL, PlainAccessValidator as the broker's RPC hook): only brokers
//   check; the hook's AclException ends as SYSTEM_ERROR with the exception text as remark,
//   "org.apache.rocketmq.acl.common.AclException: No accessKey is configured" (or "No acl
//   config for AK", "Check signature failed for accessKey=AK"), in JSON; oneway: no answer.
// - ACL 2.0 (the 5.3 auth module): the name server and brokers check; NO_PERMISSION with an
//   "[AUTHENTICATION_FAILED] ..." remark; oneway: no answer.
// Without accounts the guard lets everything by.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/common/error.hpp"
#include "testcluster/remoting_endpoint.hpp"
#include "testcluster/server_version.hpp"

namespace mqsend {

struct AclAccount {
  std::string access_key;
  std::string secret_key;
};

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
