#pragma once
// The SEND_BATCH_MESSAGE body (reference 5): per message
// totalSize | magic 0 | bodyCRC 0 | flag | bodyLen | body | short propsLen | properties.
#include <string>
#include <string_view>
#include <vector>

#include "client/common/error.hpp"
#include "client/producer/message.hpp"

namespace mqsend {

// Members must be prepared (properties final, incl. UNIQ_KEY); topics are not encoded.
// A member whose encoded properties exceed 32767 bytes fails with kMessageIllegal.
Result<std::string> encode_batch(const std::vector<Message>& messages);

// Bounds-checked inverse (used on untrusted client input by the test cluster): totalSize must
// match the record. Decoded messages have an empty topic. Errors carry kMessageIllegal.
Result<std::vector<Message>> decode_batch(std::string_view body);

}  // namespace mqsend
