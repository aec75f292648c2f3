#include "testcluster/server_response.hpp"

#include "client/common/error.hpp"
#include "client/remoting/codes.hpp"

namespace mqsend {

RemotingCommand server_response(const RemotingCommand& request, int code,
                                std::optional<std::string> remark) {
  RemotingCommand response = RemotingCommand::response_to(request, code, std::move(remark));
  response.language = LanguageCode::kJava;
  response.version = kServerVersion;
  return response;
}

RemotingCommand framework_response(const RemotingCommand& request, int code, std::string remark) {
  RemotingCommand response = server_response(request, code, std::move(remark));
  response.serialize_type = SerializeType::kJson;
  return response;
}

RemotingCommand request_code_not_supported(const RemotingCommand& request) {
  return framework_response(request, response_code::kRequestCodeNotSupported,
                            " request type " + std::to_string(request.code) + " not supported");
}

std::string fault_injection_remark(int code) {
  const std::string_view name = error_code_name(code);
  if (name == error_code_name(-1)) return "[fault injection] response code " + std::to_string(code);
  return "[fault injection] " + std::string(name);
}

}  // namespace mqsend
