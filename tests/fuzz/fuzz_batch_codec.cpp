// Fuzz target: a SEND_BATCH_MESSAGE body (MessageBatch encoding) through the decoder the test
// cluster uses. Whatever decodes must encode again, and that encoding must decode to the same
// messages.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "client/producer/batch_codec.hpp"
#include "frame_body.hpp"
#include "require.hpp"

namespace {

using mqsend::fuzz::require;

bool same_messages(const std::vector<mqsend::Message>& a, const std::vector<mqsend::Message>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].flag != b[i].flag || a[i].body != b[i].body || a[i].properties != b[i].properties) return false;
  }
  return true;
}

void check(std::string_view body) {
  const auto messages = mqsend::decode_batch(body);
  if (!messages) {
    require(!messages.error().message.empty());
    return;
  }
  const auto encoded = mqsend::encode_batch(*messages);
  if (!encoded) return;  // e.g. properties over the limit once re-encoded: refused, not wrong
  const auto again = mqsend::decode_batch(*encoded);
  require(again.ok());
  // Property text that is not canonical (duplicate keys, stray separators) settles after one
  // round; from then on encoding and decoding are exact inverses.
  const auto settled = mqsend::encode_batch(*again);
  require(settled.ok());
  const auto final_messages = mqsend::decode_batch(*settled);
  require(final_messages.ok() && same_messages(*final_messages, *again) &&
          *settled == *mqsend::encode_batch(*final_messages));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return mqsend::fuzz::check_input_and_frame_body(data, size, check);
}
