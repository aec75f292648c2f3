#pragma once
// The ProducerOptions both commands share, from the common flags: name servers, group,
// timeout, serialization, namespace, VIP channel, ACL credentials and TLS. Each command adds
// its own (send: retries, fault strategy, ...; probe: no registration).
#include "cli/options.hpp"
#include "client/common/error.hpp"
#include "client/producer/producer.hpp"

namespace mqsend::cli {

// A usage error (its message for the user) when the topic or group is invalid (the Java
// Validators' messages), no name server is given, or the credentials or TLS files cannot be
// loaded.
Result<ProducerOptions> common_producer_options(const CommonOptions& options);

// Prints "mqsend: MESSAGE" on stderr and returns the usage exit code.
int usage_error(const std::string& message);

}  // namespace mqsend::cli
