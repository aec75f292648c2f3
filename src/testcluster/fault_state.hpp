#pragma once
// Injected faults of one server (a broker or the name server), set by start flags or the
// control channel. Plain data plus the rules for consuming counted faults; the remoting
// endpoint and the broker logic read it on the I/O thread.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "client/common/error.hpp"

namespace mqsend {

// How a response goes out wrong: a header longer than the frame, a length word over the
// limit, a frame cut short before the connection closes, an opaque no request carries, or
// bytes of some other protocol (an HTTP answer).
enum class FrameCorruption { kNone, kMalformed, kOversizedLength, kTruncated, kWrongOpaque, kGarbage };

enum class FaultKind {
  kDown, kUp, kDelay, kCloseAfter, kCode,
  kMalformed, kOversized, kTruncated, kWrongOpaque, kGarbage,  // response corruptions
  kBlackHole, kHalfOpen, kResetAfter, kReorder, kClear
};

// One fault command. `value` is the delay in ms (kDelay), the longest hold in ms (kReorder), the request count (kCloseAfter), the
// byte count (kResetAfter) or the response code (kCode); `count` limits kCode and the corruptions to the next N uses
// (absent: until cleared).
struct FaultSpec {
  FaultKind kind = FaultKind::kClear;
  std::int64_t value = 0;
  std::optional<std::int64_t> count;
};

struct TargetedFault {
  std::string target;
  FaultSpec spec;
};

// A fault value used for the next N requests (N absent: until cleared; N = 0: disarmed).
template <typename T>
class CountedFault {
 public:
  void arm(T value, std::optional<std::int64_t> count) {
    remaining_ = count;
    if (count && *count <= 0) {
      value_.reset();
    } else {
      value_ = value;
    }
  }
  std::optional<T> take() {
    if (!value_) return std::nullopt;
    const T value = *value_;
    if (remaining_ && --*remaining_ <= 0) value_.reset();
    return value;
  }
  const std::optional<T>& value() const { return value_; }
  const std::optional<std::int64_t>& remaining() const { return remaining_; }

 private:
  std::optional<T> value_;
  std::optional<std::int64_t> remaining_;
};

class FaultState {
 public:
  bool down() const { return down_; }
  bool black_hole() const { return black_hole_; }
  std::chrono::milliseconds delay() const { return delay_; }
  // A connection is closed once it has answered this many requests since the fault was set
  // (0: at its next request). The generation changes every time the fault is set, so
  // connections restart their count.
  std::optional<std::int64_t> close_after() const { return close_after_; }
  std::uint64_t close_after_generation() const { return close_after_generation_; }
  // Changes every time half_open is set: a connection accepted under an older generation is
  // frozen from then on (it reads and writes nothing more, its socket stays open), as a flow
  // a firewall or NAT dropped; connections accepted later work. Kept across `clear`.
  std::uint64_t half_open_generation() const { return half_open_generation_; }
  // A connection is reset (RST, not FIN) once it has received more than this many bytes since
  // the fault was set; the generation restarts the count, as for close_after.
  std::optional<std::int64_t> reset_after_bytes() const { return reset_after_bytes_; }
  std::uint64_t reset_generation() const { return reset_generation_; }
  // reorder: every response waits for the connection's next one and goes out after it, or
  // alone once this long has passed.
  std::optional<std::chrono::milliseconds> reorder_hold() const { return reorder_hold_; }
  // A corruption is armed: responses then go out in request order, one by one, so that the
  // corruptions hit the responses they were armed for.
  bool corruption_armed() const { return corruption_.value().has_value(); }

  // The response code to force on the next send, consuming one use; nullopt if none armed.
  std::optional<int> take_forced_code() { return forced_code_.take(); }
  // How to corrupt the next response frame, consuming one use.
  FrameCorruption take_corruption() { return corruption_.take().value_or(FrameCorruption::kNone); }

  void apply(const FaultSpec& spec);
  nlohmann::json to_json() const;

 private:
  bool down_ = false;
  bool black_hole_ = false;
  std::chrono::milliseconds delay_{0};
  std::optional<std::int64_t> close_after_;
  std::uint64_t close_after_generation_ = 0;
  std::uint64_t half_open_generation_ = 0;
  std::optional<std::int64_t> reset_after_bytes_;
  std::uint64_t reset_generation_ = 0;
  std::optional<std::chrono::milliseconds> reorder_hold_;
  CountedFault<int> forced_code_;
  CountedFault<FrameCorruption> corruption_;
};

// A response code by name ("SYSTEM_BUSY", case-insensitive) or number ("2").
Result<int> parse_response_code(std::string_view text);

// The control-channel form: {"fault":"code","code":"SYSTEM_BUSY","count":2},
// {"fault":"delay","ms":200}, {"fault":"close_after","requests":3},
// {"fault":"reset_after","bytes":5000}, {"fault":"reorder","ms":200}, {"fault":"down"}, ...
Result<FaultSpec> fault_spec_from_json(const nlohmann::json& command);

// The start-flag form TARGET=KIND[:ARG][:COUNT]: broker-a=down, namesrv=delay:200,
// broker-b=close_after:3, broker-a=code:SYSTEM_BUSY:2, broker-a=malformed:1, broker-a=truncated,
// broker-a=wrong_opaque:1, namesrv=garbage, broker-a=black_hole, broker-a=half_open,
// broker-a=reset_after:5000, broker-a=reorder:200.
Result<TargetedFault> parse_fault_flag(std::string_view text);

// The control command that sets `fault`: {"cmd":"fault","target":...} in the form above.
nlohmann::json fault_command_json(const TargetedFault& fault);

}  // namespace mqsend
