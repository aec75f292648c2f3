#include "testcluster/server_response.hpp"

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
  ExtFieldOrder entries;
  std::vector<std::string_view> keys;
  entries.reserve(response.ext_fields.size());
  keys.reserve(response.ext_fields.size());
  for (const auto& entry : response.ext_fields) {
    entries.push_back(&entry);
    keys.emplace_back(entry.first);
  }
  ExtFieldOrder ordered;
  ordered.reserve(entries.size());
  for (std::size_t index : java_hash_map_order(keys)) ordered.push_back(entries[index]);
  return ordered;
}

std::string fault_injection_remark(int code) {
  const std::string_view name = error_code_name(code);
  if (name == error_code_name(-1)) return "[fault injection] response code " + std::to_string(code);
  return "[fault injection] " + std::string(name);
}

}  // namespace mqsend
