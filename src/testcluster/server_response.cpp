#include "testcluster/server_response.hpp"

#include <algorithm>
#include <array>

#include "client/common/error.hpp"
#include "client/remoting/codes.hpp"
#include "testcluster/java_hash_order.hpp"

namespace mqsend {

RemotingCommand server_response(const RemotingCommand& request, int code,
                                std::optional<std::string> remark) {
  RemotingCommand response = RemotingCommand::response_to(request, code, std::move(remark));
  response.language = LanguageCode::kJava;
  response.version = server_version_ordinal(ServerVersion::k4_9_8);
  return response;
}

RemotingCommand server_request(int code, ServerVersion version) {
  RemotingCommand request = RemotingCommand::request(code);
  request.language = LanguageCode::kJava;
  request.version = server_version_ordinal(version);
  request.serialize_type = SerializeType::kJson;
  return request;
}

RemotingCommand framework_response(const RemotingCommand& request, int code, std::string remark) {
  RemotingCommand response = server_response(request, code, std::move(remark));
  response.serialize_type = SerializeType::kJson;
  return response;
}

RemotingCommand request_code_not_supported(const RemotingCommand& request) {
  return server_response(request, response_code::kRequestCodeNotSupported,
                         " request type " + std::to_string(request.code) + " not supported");
}

std::optional<RemotingCommand> as_written_by(ServerVersion version, const RemotingCommand& request,
                                             RemotingCommand response) {
  response.version = server_version_ordinal(version);
  if (version == ServerVersion::k4_9_8) return response;
  if (request.is_oneway()) return std::nullopt;
  response.serialize_type = SerializeType::kJson;
  return response;
}

ExtFieldOrder java_ext_field_order(const RemotingCommand& response) {
  // SendMessageResponseHeader is a FastCodesHeader: in the ROCKETMQ form its encode() writes
  // these fields first, in this order, and only the rest come from the HashMap. JSON puts
  // everything in the HashMap.
  static constexpr std::array<std::string_view, 5> kFastCodesFields = {
      "msgId", "queueId", "queueOffset", "transactionId", "batchUniqId"};
  const bool binary = response.serialize_type == SerializeType::kRocketMQ;
  auto is_fast_codes_field = [binary](std::string_view key) {
    return binary && std::find(kFastCodesFields.begin(), kFastCodesFields.end(), key) != kFastCodesFields.end();
  };
  ExtFieldOrder ordered;  // no copies of the keys
  ordered.reserve(response.ext_fields.size());
  for (std::string_view key : kFastCodesFields) {
    if (!binary) break;
    auto it = response.ext_fields.find(std::string(key));
    if (it != response.ext_fields.end()) ordered.push_back(&*it);
  }
  const std::size_t first_of_map = ordered.size();
  for (const auto& entry : response.ext_fields) {
    if (!is_fast_codes_field(entry.first)) ordered.push_back(&entry);
  }
  // A stable insertion sort by bucket, each bucket computed once: a response has a handful of
  // fields, and this runs for every response written.
  const std::size_t map_size = ordered.size() - first_of_map;
  std::vector<std::size_t> buckets(ordered.size());
  for (std::size_t i = first_of_map; i < ordered.size(); ++i) {
    buckets[i] = java_hash_bucket(ordered[i]->first, map_size);
    for (std::size_t j = i; j > first_of_map && buckets[j - 1] > buckets[j]; --j) {
      std::swap(buckets[j - 1], buckets[j]);
      std::swap(ordered[j - 1], ordered[j]);
    }
  }
  return ordered;
}

std::string fault_injection_remark(int code) {
  const std::string_view name = error_code_name(code);
  if (name == error_code_name(-1)) return "[fault injection] response code " + std::to_string(code);
  return "[fault injection] " + std::string(name);
}

}  // namespace mqsend
