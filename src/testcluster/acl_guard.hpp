#pragma once
// The cluster's ACL mode: every request must carry the Signature (reference 9.1) of a known
// AccessKey. A request that does not is answered NO_PERMISSION with an
// "[AUTHENTICATION_FAILED] ..." remark, as the 5.3+ auth module does (oneway requests get no
// answer), and never reaches the server logic. Without accounts the guard lets everything by.
#include <string>
#include <string_view>
#include <vector>

#include "client/common/error.hpp"
#include "testcluster/remoting_endpoint.hpp"

namespace mqsend {

struct AclAccount {
  std::string access_key;
  std::string secret_key;
};

// "ACCESS:SECRET": split at the first ':' (a secret may hold ':'); neither part empty.
// The error never repeats the text, since it holds a secret.
Result<AclAccount> parse_acl_account(std::string_view text);

class AclGuard {
 public:
  explicit AclGuard(std::vector<AclAccount> accounts) : accounts_(std::move(accounts)) {}

  bool enabled() const { return !accounts_.empty(); }

  // nullopt when the request is signed by a known account (or ACL is off); otherwise the
  // reason, an "[AUTHENTICATION_FAILED] ..." text with code NO_PERMISSION.
  Status authenticate(const RemotingCommand& request) const;

  // `handler` behind the check. The guard must outlive the returned handler.
  RemotingEndpoint::Handler guard(RemotingEndpoint::Handler handler) const;

 private:
  const AclAccount* find(const std::string& access_key) const;

  std::vector<AclAccount> accounts_;
};

}  // namespace mqsend
