#pragma once
// TLS settings of the RemotingClient: every connection, to name servers and brokers alike,
// is wrapped in TLS when enabled (the Java client's useTLS / tls.enable).
#include <string>

namespace mqsend {

struct TlsOptions {
  bool enabled = false;
  // Verification (the default): the peer's chain must lead to the system trust store or to
  // ca_file, and its certificate must name the host dialed (IP SAN for an IP address).
  std::string ca_file;  // PEM, trusted besides the system store; empty: the system store only
  bool insecure = false;  // no verification, as the Java client in TLS test mode
  // Mutual TLS: this client's certificate chain and private key (PEM); both or neither.
  std::string cert_file;
  std::string key_file;
};

}  // namespace mqsend
