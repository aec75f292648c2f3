#include "client/remoting/acl_signer.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string_view>
#include <utility>

#include "client/common/base64.hpp"

namespace mqsend {

namespace {

// MixAll.UNIQUE_MSG_QUERY_FLAG: left out of the signed content by AclUtils, as the Signature.
constexpr const char* kUniqueKeyQuery = "_UNIQUE_KEY_QUERY";

// AclUtils.combineRequestContent: values only, in key order (std::map order is byte order,
// Java's String order for the ASCII keys RocketMQ uses), then the body.
std::string signed_content(const RemotingCommand& request) {
  std::string content;
  for (const auto& [key, value] : request.ext_fields) {
    if (key == acl_field::kSignature || key == kUniqueKeyQuery) continue;
    content += value;
  }
  content += request.body;
  return content;
}

}  // namespace

std::string request_signature(const RemotingCommand& request, const std::string& secret_key) {
  const std::string content = signed_content(request);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  HMAC(EVP_sha1(), secret_key.data(), static_cast<int>(secret_key.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), digest, &digest_size);
  return base64_encode(std::string_view(reinterpret_cast<const char*>(digest), digest_size));
}

void sign_request(RemotingCommand& request, const AclCredentials& credentials) {
  request.ext_fields[acl_field::kAccessKey] = credentials.access_key;
  if (!credentials.security_token.empty()) {
    request.ext_fields[acl_field::kSecurityToken] = credentials.security_token;
  }
  request.ext_fields[acl_field::kSignature] = request_signature(request, credentials.secret_key);
}

bool verify_signature(const RemotingCommand& request, const std::string& secret_key) {
  const std::string* signature = request.field(acl_field::kSignature);
  if (signature == nullptr) return false;
  const std::string expected = request_signature(request, secret_key);
  return expected.size() == signature->size() &&
         CRYPTO_memcmp(expected.data(), signature->data(), expected.size()) == 0;
}

std::function<void(RemotingCommand&)> acl_request_hook(std::optional<AclCredentials> credentials) {
  if (!credentials) return nullptr;
  return [credentials = std::move(*credentials)](RemotingCommand& request) {
    sign_request(request, credentials);
  };
}

}  // namespace mqsend
