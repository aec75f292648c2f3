#include "testcluster/fault_state.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <utility>
#include <vector>

namespace mqsend {

namespace {

constexpr std::array<std::pair<std::string_view, FaultKind>, 16> kKindNames = {{
    {"down", FaultKind::kDown},
    {"up", FaultKind::kUp},
    {"delay", FaultKind::kDelay},
    {"slow", FaultKind::kDelay},
    {"close_after", FaultKind::kCloseAfter},
    {"code", FaultKind::kCode},
    {"malformed", FaultKind::kMalformed},
    {"oversized", FaultKind::kOversized},
    {"truncated", FaultKind::kTruncated},
    {"wrong_opaque", FaultKind::kWrongOpaque},
    {"garbage", FaultKind::kGarbage},
    {"black_hole", FaultKind::kBlackHole},
    {"half_open", FaultKind::kHalfOpen},
    {"reset_after", FaultKind::kResetAfter},
    {"reorder", FaultKind::kReorder},
    {"clear", FaultKind::kClear},
}};

// Response codes are below 2000 (GO_AWAY = 1500 is the largest).
constexpr int kLargestResponseCode = 2000;

// The corruption each corrupting fault kind arms.
constexpr std::array<std::pair<FaultKind, FrameCorruption>, 5> kCorruptions = {{
    {FaultKind::kMalformed, FrameCorruption::kMalformed},
    {FaultKind::kOversized, FrameCorruption::kOversizedLength},
    {FaultKind::kTruncated, FrameCorruption::kTruncated},
    {FaultKind::kWrongOpaque, FrameCorruption::kWrongOpaque},
    {FaultKind::kGarbage, FrameCorruption::kGarbage},
}};

std::optional<FrameCorruption> corruption_of(FaultKind kind) {
  for (const auto& [fault, corruption] : kCorruptions) {
    if (fault == kind) return corruption;
  }
  return std::nullopt;
}

// The status reply names a corruption by the fault kind that arms it.
std::string_view corruption_name(FrameCorruption corruption) {
  for (const auto& [kind_name, kind] : kKindNames) {
    if (corruption_of(kind) == corruption) return kind_name;
  }
  return "none";
}

Error invalid(std::string message) { return Error{error_code::kInvalidArgument, std::move(message)}; }

Result<FaultKind> parse_kind(std::string_view name) {
  std::string known;
  for (const auto& [kind_name, kind] : kKindNames) {
    if (kind_name == name) return kind;
    known += known.empty() ? "" : ", ";
    known += kind_name;
  }
  return invalid("unknown fault '" + std::string(name) + "' (" + known + ")");
}

Result<std::int64_t> parse_count(std::string_view text, std::string_view what) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) {
    return invalid(std::string(what) + " must be a non-negative integer, got '" +
                   std::string(text) + "'");
  }
  return value;
}

bool needs_value(FaultKind kind) {
  return kind == FaultKind::kDelay || kind == FaultKind::kCloseAfter || kind == FaultKind::kResetAfter ||
         kind == FaultKind::kReorder || kind == FaultKind::kCode;
}

bool takes_count(FaultKind kind) { return kind == FaultKind::kCode || corruption_of(kind).has_value(); }

// The JSON member that carries the value of a kind that needs one (kCode's is "code").
const char* value_key(FaultKind kind) {
  return kind == FaultKind::kCode         ? "code"
         : kind == FaultKind::kCloseAfter ? "requests"
         : kind == FaultKind::kResetAfter ? "bytes"
                                          : "ms";
}

// Reads an integer member that may be given as a JSON number or a numeric string.
Result<std::optional<std::int64_t>> json_count(const nlohmann::json& command, const char* key) {
  auto it = command.find(key);
  if (it == command.end()) return std::optional<std::int64_t>();
  if (it->is_number_integer()) {
    const auto value = it->get<std::int64_t>();
    if (value < 0) return invalid(std::string(key) + " must not be negative");
    return std::optional<std::int64_t>(value);
  }
  if (it->is_string()) {
    auto parsed = parse_count(it->get_ref<const std::string&>(), key);
    if (!parsed) return parsed.error();
    return std::optional<std::int64_t>(*parsed);
  }
  return invalid(std::string(key) + " must be an integer");
}

}  // namespace

void FaultState::apply(const FaultSpec& spec) {
  switch (spec.kind) {
    case FaultKind::kDown: down_ = true; break;
    case FaultKind::kUp: down_ = false; break;
    case FaultKind::kDelay: delay_ = std::chrono::milliseconds(spec.value); break;
    case FaultKind::kCloseAfter:
      close_after_ = spec.value;
      ++close_after_generation_;
      break;
    case FaultKind::kCode:
      forced_code_.arm(static_cast<int>(spec.value), spec.count);
      break;
    case FaultKind::kMalformed:
    case FaultKind::kOversized:
    case FaultKind::kTruncated:
    case FaultKind::kWrongOpaque:
    case FaultKind::kGarbage:
      corruption_.arm(*corruption_of(spec.kind), spec.count);
      break;
    case FaultKind::kBlackHole: black_hole_ = true; break;
    case FaultKind::kHalfOpen: ++half_open_generation_; break;
    case FaultKind::kResetAfter:
      reset_after_bytes_ = spec.value;
      ++reset_generation_;
      break;
    case FaultKind::kReorder: reorder_hold_ = std::chrono::milliseconds(spec.value); break;
    case FaultKind::kClear: {
      const std::uint64_t generation = close_after_generation_;
      const std::uint64_t half_open = half_open_generation_;
      const std::uint64_t reset = reset_generation_;
      *this = FaultState();
      close_after_generation_ = generation + 1;
      half_open_generation_ = half_open;
      reset_generation_ = reset + 1;
      break;
    }
  }
}

nlohmann::json FaultState::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  out["down"] = down_;
  out["black_hole"] = black_hole_;
  out["half_open_generation"] = half_open_generation_;
  out["delay_ms"] = delay_.count();
  if (close_after_) out["close_after"] = *close_after_;
  if (reset_after_bytes_) out["reset_after_bytes"] = *reset_after_bytes_;
  if (reorder_hold_) out["reorder_ms"] = reorder_hold_->count();
  if (forced_code_.value()) {
    out["code"] = *forced_code_.value();
    if (forced_code_.remaining()) out["code_remaining"] = *forced_code_.remaining();
  }
  if (corruption_.value()) {
    out["corruption"] = corruption_name(*corruption_.value());
    if (corruption_.remaining()) out["corruption_remaining"] = *corruption_.remaining();
  }
  return out;
}

Result<int> parse_response_code(std::string_view text) {
  if (!text.empty() && std::isdigit(static_cast<unsigned char>(text.front()))) {
    auto number = parse_count(text, "response code");
    if (!number) return number.error();
    if (*number > kLargestResponseCode) return invalid("response code out of range");
    return static_cast<int>(*number);
  }
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  // error_code_name's fallback for unnamed codes (UNKNOWN) names none of them.
  if (upper != error_code_name(-1)) {
    for (int code = 0; code <= kLargestResponseCode; ++code) {
      if (error_code_name(code) == upper) return code;
    }
  }
  return invalid("unknown response code '" + std::string(text) + "'");
}

Result<FaultSpec> fault_spec_from_json(const nlohmann::json& command) {
  auto fault = command.find("fault");
  if (fault == command.end() || !fault->is_string()) return invalid("missing \"fault\"");
  auto kind = parse_kind(fault->get_ref<const std::string&>());
  if (!kind) return kind.error();
  FaultSpec spec;
  spec.kind = *kind;

  auto count = json_count(command, "count");
  if (!count) return count.error();
  spec.count = *count;

  if (spec.kind != FaultKind::kCode && needs_value(spec.kind)) {
    const char* key = value_key(spec.kind);
    auto value = json_count(command, key);
    if (!value) return value.error();
    if (!*value) return invalid(std::string("fault needs \"") + key + "\"");
    spec.value = **value;
  } else if (spec.kind == FaultKind::kCode) {
    auto code = command.find("code");
    if (code == command.end()) return invalid("fault needs \"code\"");
    auto parsed = code->is_number_integer()
                      ? parse_response_code(std::to_string(code->get<std::int64_t>()))
                  : code->is_string() ? parse_response_code(code->get_ref<const std::string&>())
                                      : Result<int>(invalid("\"code\" must be a name or number"));
    if (!parsed) return parsed.error();
    spec.value = *parsed;
  }
  return spec;
}

Result<TargetedFault> parse_fault_flag(std::string_view text) {
  const auto equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0) {
    return invalid("fault must look like TARGET=KIND[:ARG][:COUNT], got '" + std::string(text) + "'");
  }
  TargetedFault result;
  result.target = std::string(text.substr(0, equals));

  std::vector<std::string_view> parts;
  std::string_view rest = text.substr(equals + 1);
  for (std::size_t colon; (colon = rest.find(':')) != std::string_view::npos;) {
    parts.push_back(rest.substr(0, colon));
    rest.remove_prefix(colon + 1);
  }
  parts.push_back(rest);

  auto kind = parse_kind(parts[0]);
  if (!kind) return kind.error();
  result.spec.kind = *kind;
  std::size_t next = 1;
  if (needs_value(*kind)) {
    if (parts.size() < 2) return invalid("fault '" + std::string(parts[0]) + "' needs an argument");
    if (*kind == FaultKind::kCode) {
      auto code = parse_response_code(parts[1]);
      if (!code) return code.error();
      result.spec.value = *code;
    } else {
      auto value = parse_count(parts[1], parts[0]);
      if (!value) return value.error();
      result.spec.value = *value;
    }
    next = 2;
  }
  if (next < parts.size()) {
    if (!takes_count(*kind) || next + 1 < parts.size()) {
      return invalid("too many arguments in fault '" + std::string(text) + "'");
    }
    auto count = parse_count(parts[next], "count");
    if (!count) return count.error();
    result.spec.count = *count;
  }
  return result;
}

nlohmann::json fault_command_json(const TargetedFault& fault) {
  nlohmann::json command{{"cmd", "fault"}, {"target", fault.target}};
  for (const auto& [kind_name, kind] : kKindNames) {
    if (kind == fault.spec.kind) {
      command["fault"] = kind_name;
      break;
    }
  }
  if (needs_value(fault.spec.kind)) command[value_key(fault.spec.kind)] = fault.spec.value;
  if (fault.spec.count) command["count"] = *fault.spec.count;
  return command;
}

}  // namespace mqsend
