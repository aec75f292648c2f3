#pragma once
// ACL request signing as the Java AclClientRPCHook does it (reference 9.1, vector 10.3):
// AccessKey (and SecurityToken) join the extFields, then Signature = Base64(HMAC-SHA1(secret,
// the values of every other extField in key order, then the body)). The same content rule
// lets the test cluster verify what a client signed.
#include <functional>
#include <optional>
#include <string>

#include "client/remoting/remoting_command.hpp"

namespace mqsend {

namespace acl_field {
inline constexpr const char* kAccessKey = "AccessKey";
inline constexpr const char* kSecurityToken = "SecurityToken";
inline constexpr const char* kSignature = "Signature";
}  // namespace acl_field

struct AclCredentials {
  std::string access_key;
  std::string secret_key;
  std::string security_token;  // empty: none is sent
};

// Adds AccessKey (+ SecurityToken) and Signature to `request`'s extFields. Call once the
// header and body are final: anything changed afterwards breaks the signature.
void sign_request(RemotingCommand& request, const AclCredentials& credentials);

// The Signature the request's extFields and body call for under `secret_key`.
std::string request_signature(const RemotingCommand& request, const std::string& secret_key);

// True when the request carries the Signature that `secret_key` gives (constant-time compare).
bool verify_signature(const RemotingCommand& request, const std::string& secret_key);

// A RemotingClient request hook that signs every request with `credentials`; an empty
// function (no hook) without credentials.
std::function<void(RemotingCommand&)> acl_request_hook(std::optional<AclCredentials> credentials);

}  // namespace mqsend
