#pragma once
// The RocketMQ RemotingCommand: one request or response, independent of its wire serialization.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace mqsend {

enum class SerializeType : std::uint8_t { kJson = 0, kRocketMQ = 1 };

// LanguageCode ordinals as on the wire (binary form) and names (JSON form).
enum class LanguageCode : std::uint8_t {
  kJava = 0, kCpp = 1, kDotnet = 2, kPython = 3, kDelphi = 4, kErlang = 5, kRuby = 6,
  kOther = 7, kHttp = 8, kGo = 9, kPhp = 10, kOms = 11, kRust = 12, kNodeJs = 13,
};
std::string_view language_name(LanguageCode code);
// Unknown names map to nullopt (the caller decides; the Java decoder yields null).
std::optional<LanguageCode> language_from_name(std::string_view name);

inline constexpr std::int32_t kResponseFlag = 0x1;
inline constexpr std::int32_t kOnewayFlag = 0x2;
// MQVersion.Version ordinal of 4.9.8: servers give standard route JSON to >= 401.
inline constexpr std::int32_t kClientVersion = 409;

struct RemotingCommand {
  std::int32_t code = 0;
  LanguageCode language = LanguageCode::kCpp;
  std::int32_t version = kClientVersion;
  std::int32_t opaque = 0;
  std::int32_t flag = 0;
  std::optional<std::string> remark;
  // Sorted by key: the order fastjson writes, which makes encoded frames reproducible.
  std::map<std::string, std::string> ext_fields;
  // JSON: write "extFields":{} even with no fields, as a Java response built from an empty
  // custom header class does (the test cluster's UNREGISTER_CLIENT answer).
  bool empty_ext_fields_written = false;
  std::string body;
  SerializeType serialize_type = SerializeType::kJson;

  bool is_response() const { return (flag & kResponseFlag) != 0; }
  bool is_oneway() const { return (flag & kOnewayFlag) != 0; }

  // Field lookup; nullptr when absent.
  const std::string* field(const std::string& key) const {
    auto it = ext_fields.find(key);
    return it == ext_fields.end() ? nullptr : &it->second;
  }

  static RemotingCommand request(std::int32_t code) {
    RemotingCommand command;
    command.code = code;
    return command;
  }
  // A response to `request`: same opaque and serialization, response flag set.
  static RemotingCommand response_to(const RemotingCommand& request, std::int32_t code,
                                     std::optional<std::string> remark = std::nullopt) {
    RemotingCommand command;
    command.code = code;
    command.opaque = request.opaque;
    command.flag = kResponseFlag;
    command.remark = std::move(remark);
    command.serialize_type = request.serialize_type;
    return command;
  }
};

}  // namespace mqsend
