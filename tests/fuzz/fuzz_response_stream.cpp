// Fuzz target: server bytes through the real RemotingClient reader. Per input the client (one
// per process) sends a few async requests and a oneway one to a loopback peer on a fresh
// connection; the peer reads them (learning their opaques), writes bytes made from the input,
// and closes.
//
// Input layout: a mode byte, then the server's bytes.
//   bit 0      remap: the bytes are decoded as frames whose opaques are replaced by the real
//              ones (the request at index opaque mod count), re-encoded; an undecodable tail
//              follows raw. Otherwise the bytes go out as they are.
//   bits 1-2   async requests: 1 + value
//
// Invariants: every handler is called exactly once; a request gets the first response frame
// carrying its opaque if the stream has one before any undecodable frame, otherwise
// kProtocolError (the stream broke) or kConnectionClosed (it ended); the oneway frame is
// reported written; a timeout is acceptable anywhere; no request stays pending.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/common/error.hpp"
#include "client/remoting/codes.hpp"
#include "client/remoting/frame_codec.hpp"
#include "client/remoting/remoting_client.hpp"
#include "loopback_peer.hpp"
#include "require.hpp"
#include "same_command.hpp"

namespace {

using mqsend::fuzz::require;
using mqsend::Error;
using mqsend::FrameDecoder;
using mqsend::RemotingCommand;
using mqsend::Result;
using mqsend::Status;
using mqsend::fuzz::Deadline;

// Long enough that a timeout means a hang, not a busy machine.
constexpr std::chrono::milliseconds kRequestTimeout{3000};
constexpr std::chrono::seconds kHangLimit{10};
// The ext field carrying a request's position, so the peer can tell which opaque is whose.
const std::string kIndexField = "fuzzIndex";

// The outcome of each request, filled in by the handlers on the client's I/O thread.
class Outcomes {
 public:
  explicit Outcomes(std::size_t requests) : responses_(requests) {}

  void on_response(std::size_t index, Result<RemotingCommand> response) {
    std::lock_guard<std::mutex> lock(mutex_);
    require(!responses_[index]);  // exactly once
    responses_[index] = std::move(response);
    ++settled_;
    settled_changed_.notify_all();
  }
  void on_written(Status status) {
    std::lock_guard<std::mutex> lock(mutex_);
    require(!oneway_);
    oneway_ = std::move(status);
    ++settled_;
    settled_changed_.notify_all();
  }
  // False when not every handler ran by the deadline.
  bool wait_all(Deadline deadline) {
    std::unique_lock<std::mutex> lock(mutex_);
    return settled_changed_.wait_until(lock, deadline, [&] { return settled_ == responses_.size() + 1; });
  }

  const std::vector<std::optional<Result<RemotingCommand>>>& responses() const { return responses_; }
  const Status& oneway() const { return *oneway_; }

 private:
  std::mutex mutex_;
  std::condition_variable settled_changed_;
  std::vector<std::optional<Result<RemotingCommand>>> responses_;
  std::optional<Status> oneway_;
  std::size_t settled_ = 0;
};

// What the client must make of `stream`: the first response per opaque before the stream
// stops decoding, and whether it stopped on an error.
struct StreamReading {
  std::map<std::int32_t, RemotingCommand> first_responses;
  bool broken = false;
};

StreamReading read_stream(std::string_view stream) {
  StreamReading reading;
  FrameDecoder decoder;
  decoder.feed(stream);
  RemotingCommand frame;
  Error error;
  FrameDecoder::State state;
  while ((state = decoder.next(frame, error)) == FrameDecoder::State::kFrame) {
    if (frame.is_response()) reading.first_responses.emplace(frame.opaque, frame);
  }
  reading.broken = state == FrameDecoder::State::kError;
  return reading;
}

// Re-addresses every decodable frame of `input` to one of `opaques`; the rest stays raw.
std::string remap_opaques(std::string_view input, const std::vector<std::int32_t>& opaques) {
  FrameDecoder decoder;
  decoder.feed(input);
  std::string stream;
  for (;;) {
    const std::size_t left = decoder.buffered();
    RemotingCommand frame;
    Error error;
    if (decoder.next(frame, error) != FrameDecoder::State::kFrame) {
      stream.append(input.substr(input.size() - left));
      return stream;
    }
    frame.opaque = opaques[static_cast<std::uint32_t>(frame.opaque) % opaques.size()];
    mqsend::encode_frame(frame, stream);
  }
}

void check_response(const Result<RemotingCommand>& outcome, std::int32_t opaque,
                    const StreamReading& reading) {
  if (!outcome) {
    const int code = outcome.error().code;
    require(!outcome.error().message.empty());
    if (code == mqsend::error_code::kAccessBrokerTimeout) return;
    require(reading.first_responses.count(opaque) == 0);
    require(code == (reading.broken ? mqsend::error_code::kProtocolError
                                    : mqsend::error_code::kConnectionClosed));
    return;
  }
  require(outcome->is_response() && outcome->opaque == opaque);
  const auto expected = reading.first_responses.find(opaque);
  require(expected != reading.first_responses.end() &&
          mqsend::fuzz::same_command(*outcome, expected->second));
}

mqsend::fuzz::LoopbackListener& listener() {
  static mqsend::fuzz::LoopbackListener instance;
  return instance;
}

// One client for the process: its I/O thread is costly to start under the sanitizers. Every
// input still gets a fresh connection: the last one is closed (its state says so before its
// socket closes, and the peer waits for that) by the time the next input's requests go out.
mqsend::RemotingClient& client() {
  static mqsend::RemotingClient instance;
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool remap = (data[0] & 1) != 0;
  const std::size_t request_count = 1 + ((data[0] >> 1) & 3);
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const Deadline give_up = std::chrono::steady_clock::now() + kHangLimit;

  Outcomes outcomes(request_count);
  for (std::size_t i = 0; i <= request_count; ++i) {  // the last one is the oneway request
    auto request = RemotingCommand::request(i < request_count ? mqsend::request_code::kGetRouteInfoByTopic
                                                              : mqsend::request_code::kHeartBeat);
    request.ext_fields[kIndexField] = std::to_string(i);
    if (i < request_count) {
      client().invoke_async(listener().address(), std::move(request), kRequestTimeout,
                            [&outcomes, i](Result<RemotingCommand> response) {
                              outcomes.on_response(i, std::move(response));
                            });
    } else {
      client().invoke_oneway(listener().address(), std::move(request), kRequestTimeout,
                             [&outcomes](Status status) { outcomes.on_written(std::move(status)); });
    }
  }

  const int peer_fd = listener().accept_one(give_up);
  require(peer_fd >= 0);
  std::vector<std::int32_t> opaques(request_count + 1);
  std::string stream;
  {
    mqsend::fuzz::PeerConnection peer(peer_fd);
    const auto requests = peer.read_frames(request_count + 1, give_up);
    require(requests.size() == request_count + 1);
    for (const auto& request : requests) {
      const std::string* index = request.field(kIndexField);
      require(index != nullptr);
      opaques.at(std::stoul(*index)) = request.opaque;
    }
    stream = remap ? remap_opaques(input, opaques) : std::string(input);
    peer.write_all(stream, give_up);
    require(peer.finish(give_up));
  }
  require(outcomes.wait_all(give_up));

  const StreamReading reading = read_stream(stream);
  for (std::size_t i = 0; i < request_count; ++i) {
    check_response(*outcomes.responses()[i], opaques[i], reading);
  }
  const Status& written = outcomes.oneway();
  require(!written || written->code == mqsend::error_code::kAccessBrokerTimeout);
  require(client().pending_requests() == 0);
  return 0;
}
