#include "testcluster/server_response.hpp"

#include <algorithm>

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
  // On every response written: one allocation, no copies of the keys.
  const std::size_t count = response.ext_fields.size();
  ExtFieldOrder ordered;
  ordered.reserve(count);
  for (const auto& entry : response.ext_fields) ordered.push_back(&entry);
  std::stable_sort(ordered.begin(), ordered.end(), [count](const auto* a, const auto* b) {
    return java_hash_bucket(a->first, count) < java_hash_bucket(b->first, count);
  });
  return ordered;
}

std::string fault_injection_remark(int code) {
  const std::string_view name = error_code_name(code);
  if (name == error_code_name(-1)) return "[fault injection] response code " + std::to_string(code);
  return "[fault injection] " + std::string(name);
}

}  // namespace mqsend
