#include "cli/input/body_template.hpp"

#include <algorithm>
#include <ctime>
#include <iterator>
#include <optional>
#include <random>
#include <utility>

#include <fmt/format.h>

namespace mqsend::cli {

namespace {

constexpr std::string_view kAlphanumeric = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view kRandomOpen = "{{random ";
constexpr std::size_t kSeqDigits = 20;    // the longest uint64
constexpr std::size_t kTimeLength = 24;   // 2026-12-01T18:30:00.123Z
constexpr std::size_t kUuidLength = 36;

std::mt19937_64& random_engine() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return engine;
}

void append_time(BodyTemplate::Clock::time_point now, std::string& out) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                 utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, ms % 1000);
}

// RFC 4122 section 4.4: random bits, version 4, variant 10.
void append_uuid(std::string& out) {
  constexpr std::string_view kHex = "0123456789abcdef";
  std::uint64_t halves[2] = {random_engine()(), random_engine()()};
  halves[0] = (halves[0] & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  halves[1] = (halves[1] & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  for (int nibble = 0; nibble < 32; ++nibble) {
    if (nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20) out.push_back('-');
    const std::uint64_t half = halves[nibble / 16];
    out.push_back(kHex[(half >> (60 - 4 * (nibble % 16))) & 0xF]);
  }
}

void append_random(std::size_t length, std::string& out) {
  std::uniform_int_distribution<std::size_t> pick(0, kAlphanumeric.size() - 1);
  for (std::size_t i = 0; i < length; ++i) out.push_back(kAlphanumeric[pick(random_engine())]);
}

// N of "{{random N}}" at the start of `text`, and the placeholder's length; nullopt when
// `text` does not start so.
std::optional<std::pair<std::size_t, std::size_t>> random_placeholder(std::string_view text) {
  std::size_t at = kRandomOpen.size();
  std::size_t length = 0;
  const std::size_t first_digit = at;
  while (at < text.size() && text[at] >= '0' && text[at] <= '9' && at - first_digit < 9) {
    length = length * 10 + static_cast<std::size_t>(text[at++] - '0');
  }
  if (at == first_digit || text.substr(at, 2) != "}}") return std::nullopt;
  return std::make_pair(length, at + 2);
}

}  // namespace

Result<BodyTemplate> BodyTemplate::parse(std::string_view text, std::size_t max_random) {
  struct Fixed {
    std::string_view spelling;
    Kind kind;
    std::size_t length;
  };
  static constexpr Fixed kFixed[] = {
      {"{{seq}}", Kind::kSeq, kSeqDigits}, {"{{time}}", Kind::kTime, kTimeLength}, {"{{uuid}}", Kind::kUuid, kUuidLength}};
  BodyTemplate parsed;
  std::string literal;
  auto end_literal = [&parsed, &literal] {
    parsed.expanded_size_hint_ += literal.size();
    parsed.segments_.push_back(Segment{Kind::kLiteral, std::move(literal), 0});
    literal.clear();
  };
  auto add = [&](Kind kind, std::size_t length) {
    if (!literal.empty()) end_literal();
    parsed.expanded_size_hint_ += length;
    parsed.segments_.push_back(Segment{kind, {}, length});
  };
  std::size_t at = 0;
  while (at < text.size()) {
    const std::string_view rest = text.substr(at);
    if (rest.rfind("{{", 0) != 0) {
      literal.push_back(text[at++]);
      continue;
    }
    bool matched = false;
    for (const Fixed& fixed : kFixed) {
      if (rest.rfind(fixed.spelling, 0) == 0) {
        add(fixed.kind, fixed.length);
        at += fixed.spelling.size();
        matched = true;
        break;
      }
    }
    if (matched) continue;
    if (rest.rfind("{{random", 0) == 0) {
      const auto random = rest.rfind(kRandomOpen, 0) == 0 ? random_placeholder(rest) : std::nullopt;
      if (!random || random->first == 0 || random->first > max_random) {
        // Shown up to its "}}", in one short line whatever follows.
        const std::size_t close = rest.find("}}");
        const std::string_view shown =
            rest.substr(0, std::min<std::size_t>(close == std::string_view::npos ? rest.size() : close + 2, 32));
        return Error{error_code::kInvalidArgument,
                     fmt::format("body template: '{}' is not {{{{random N}}}} with N from 1 to {} (--no-template "
                                 "sends the body as given)",
                                 shown, max_random)};
      }
      add(Kind::kRandom, random->first);
      at += random->second;
      continue;
    }
    literal.push_back(text[at++]);
  }
  if (!literal.empty() || parsed.segments_.empty()) end_literal();
  return parsed;
}

BodyTemplate BodyTemplate::literal(std::string text) {
  BodyTemplate body;
  body.expanded_size_hint_ = text.size();
  body.segments_.push_back(Segment{Kind::kLiteral, std::move(text), 0});
  return body;
}

void BodyTemplate::expand(std::uint64_t seq, std::string& out, TimeSource now) const {
  out.clear();
  out.reserve(expanded_size_hint_);
  for (const Segment& segment : segments_) {
    switch (segment.kind) {
      case Kind::kLiteral: out += segment.literal; break;
      case Kind::kSeq: fmt::format_to(std::back_inserter(out), "{}", seq); break;
      case Kind::kTime: append_time(now(), out); break;
      case Kind::kUuid: append_uuid(out); break;
      case Kind::kRandom: append_random(segment.length, out); break;
    }
  }
}

std::string synthetic_body(std::size_t size) {
  std::string body;
  body.reserve(size);
  while (body.size() < size) body.append(kAlphanumeric.substr(0, size - body.size()));
  return body;
}

}  // namespace mqsend::cli
