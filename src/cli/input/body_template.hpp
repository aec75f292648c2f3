#pragma once
// -m bodies as templates, after `nats pub`'s body templates, for load tests without an input
// file. The placeholders:
//   {{seq}}       the record's number, from 1 (nats' {{Count}})
//   {{time}}      the time the record is made, RFC 3339 in UTC with milliseconds
//                 (2026-12-01T18:30:00.123Z; nats' {{TimeStamp}} without the milliseconds)
//   {{uuid}}      a random version-4 UUID (nats has {{ID}}, a NUID, instead)
//   {{random N}}  N random letters and digits (nats' {{Random min max}} with min = max = N)
// Any other text is the body as given, "{{" included: only these exact spellings expand.
// The template is parsed once into segments; expanding one is a pass over them.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "client/common/error.hpp"

namespace mqsend::cli {

class BodyTemplate {
 public:
  using Clock = std::chrono::system_clock;
  using TimeSource = Clock::time_point (*)();

  // `max_random` bounds N of {{random N}}: a "{{random" that is not "{{random N}}" with N
  // from 1 to it is kInvalidArgument (a typo there would otherwise be sent as text).
  static Result<BodyTemplate> parse(std::string_view text, std::size_t max_random);
  // A body sent as given (--file, --size, --no-template).
  static BodyTemplate literal(std::string text);

  bool has_placeholders() const { return segments_.size() != 1 || segments_.front().kind != Kind::kLiteral; }

  // Replaces `out` with the body of record number `seq`; `now` is read for {{time}} only.
  void expand(std::uint64_t seq, std::string& out, TimeSource now = Clock::now) const;

 private:
  enum class Kind { kLiteral, kSeq, kTime, kUuid, kRandom };
  struct Segment {
    Kind kind = Kind::kLiteral;
    std::string literal;     // kLiteral
    std::size_t length = 0;  // kRandom: N
  };

  std::vector<Segment> segments_;
  std::size_t expanded_size_hint_ = 0;  // literal bytes plus the fixed lengths
};

// --size N: N bytes of "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" repeated.
std::string synthetic_body(std::size_t size);

}  // namespace mqsend::cli
