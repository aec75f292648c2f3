#pragma once
// The test cluster's TLS identity: a self-signed certificate made in memory at start, as a
// RocketMQ server in TLS test mode makes one. It names 127.0.0.1 (IP SAN, what brokers
// register) and localhost (DNS SAN), so verifying clients accept it once they trust it
// (mqsend --tls-ca); it also serves as the client certificate for mutual TLS tests.
#include <chrono>
#include <string>

#include "client/common/error.hpp"

namespace mqsend {

inline constexpr const char* kTestClusterCertificateName = "mqsend-testcluster";

struct TlsCertificate {
  std::string certificate_pem;
  std::string private_key_pem;  // PKCS#8, unencrypted
};

// EC P-256 key, SHA-256 signature, CN mqsend-testcluster, valid from an hour ago (clock
// skew) for `validity`. Errors (kInvalidArgument) carry OpenSSL's reason.
Result<TlsCertificate> generate_self_signed_certificate(
    std::chrono::seconds validity = std::chrono::hours(24));

}  // namespace mqsend
