// Fuzz target: a byte stream through FrameDecoder in input-derived chunkings. Whatever decodes
// must re-encode to a frame that decodes to the same command, and the chunking must not change
// what the decoder finds.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "client/remoting/frame_codec.hpp"
#include "require.hpp"
#include "same_command.hpp"

namespace {

using mqsend::FrameDecoder;
using mqsend::RemotingCommand;
using mqsend::fuzz::require;
using mqsend::fuzz::same_command;

void check_round_trip(const RemotingCommand& command) {
  const std::string frame = mqsend::encode_frame(command);
  const auto decoded = mqsend::decode_frame_payload(std::string_view(frame).substr(4));
  require(decoded.ok() && same_command(*decoded, command));
  require(mqsend::encode_frame(*decoded) == frame);  // encoding is deterministic
}

struct Outcome {
  std::vector<RemotingCommand> frames;
  FrameDecoder::State last_state = FrameDecoder::State::kNeedMore;
};

// Feeds `input` in chunks whose sizes come from `chunk_sizes` (cycled); 0 means all at once.
Outcome decode_stream(std::string_view input, std::string_view chunk_sizes) {
  Outcome outcome;
  FrameDecoder decoder;
  std::size_t offset = 0;
  std::size_t turn = 0;
  while (offset < input.size() && outcome.last_state != FrameDecoder::State::kError) {
    const std::size_t chunk =
        chunk_sizes.empty() ? input.size()
                            : 1 + static_cast<unsigned char>(chunk_sizes[turn++ % chunk_sizes.size()]);
    decoder.feed(input.substr(offset, chunk));
    offset += chunk;
    RemotingCommand command;
    mqsend::Error error;
    while ((outcome.last_state = decoder.next(command, error)) == FrameDecoder::State::kFrame) {
      check_round_trip(command);
      outcome.frames.push_back(std::move(command));
    }
    require(outcome.last_state != FrameDecoder::State::kError || !error.message.empty());
  }
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const Outcome whole = decode_stream(input, {});
  // The chunk sizes are taken from the input's own tail so the fuzzer can steer them.
  const Outcome chunked = decode_stream(input, input.substr(size - std::min<std::size_t>(size, 8)));
  const Outcome bytewise = decode_stream(input, std::string_view("\0", 1));
  for (const Outcome* other : {&chunked, &bytewise}) {
    require(other->frames.size() == whole.frames.size() && other->last_state == whole.last_state);
    for (std::size_t i = 0; i < whole.frames.size(); ++i) {
      require(same_command(other->frames[i], whole.frames[i]));
    }
  }
  return 0;
}
