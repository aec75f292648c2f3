#include "client/common/error.hpp"

#include <array>

namespace mqsend {

namespace {

struct ErrorCodeEntry {
  int code;
  std::string_view name;
  ErrorClass error_class;
};

using C = ErrorClass;

// The one table of codes (ResponseCode.java, ClientErrorCode.java, mqsend's own).
constexpr std::array<ErrorCodeEntry, 33> kErrorCodes{{
    {0, "SUCCESS", C::kSuccess},
    {1, "SYSTEM_ERROR", C::kBrokerRetryable},
    {2, "SYSTEM_BUSY", C::kBrokerRetryable},
    {3, "REQUEST_CODE_NOT_SUPPORTED", C::kBroker},
    {4, "TRANSACTION_FAILED", C::kBroker},
    {10, "FLUSH_DISK_TIMEOUT", C::kBroker},
    {11, "SLAVE_NOT_AVAILABLE", C::kBroker},
    {12, "FLUSH_SLAVE_TIMEOUT", C::kBroker},
    {13, "MESSAGE_ILLEGAL", C::kValidation},
    {14, "SERVICE_NOT_AVAILABLE", C::kBrokerRetryable},
    {15, "VERSION_NOT_SUPPORTED", C::kBroker},
    {16, "NO_PERMISSION", C::kBrokerRetryable},
    {17, "TOPIC_NOT_EXIST", C::kBrokerRetryable},
    {18, "TOPIC_EXIST_ALREADY", C::kBroker},
    {26, "SUBSCRIPTION_GROUP_NOT_EXIST", C::kBroker},
    {29, "INVALID_PARAMETER", C::kBroker},
    {204, "NO_BUYER_ID", C::kBrokerRetryable},
    {205, "NOT_IN_CURRENT_UNIT", C::kBrokerRetryable},
    {215, "FLOW_CONTROL", C::kBroker},
    {1500, "GO_AWAY", C::kBroker},
    {error_code::kConnectBrokerException, "CONNECT_BROKER_EXCEPTION", C::kConnect},
    {error_code::kAccessBrokerTimeout, "ACCESS_BROKER_TIMEOUT", C::kTransport},
    {error_code::kBrokerNotExistException, "BROKER_NOT_EXIST_EXCEPTION", C::kRoute},
    {error_code::kNoNameServerException, "NO_NAME_SERVER_EXCEPTION", C::kRoute},
    {error_code::kNotFoundTopicException, "NOT_FOUND_TOPIC_EXCEPTION", C::kRoute},
    {error_code::kRequestTimeoutException, "REQUEST_TIMEOUT_EXCEPTION", C::kTimeout},
    {error_code::kSendRequestFailed, "SEND_REQUEST_FAILED", C::kTransport},
    {error_code::kConnectionClosed, "CONNECTION_CLOSED", C::kTransport},
    {error_code::kProtocolError, "PROTOCOL_ERROR", C::kTransport},
    {error_code::kInvalidArgument, "INVALID_ARGUMENT", C::kValidation},
    {error_code::kCallTimeout, "CALL_TIMEOUT", C::kTimeout},
    {error_code::kShutdown, "SHUTDOWN", C::kShutdown},
    {error_code::kOrderKeyStopped, "ORDER_KEY_STOPPED", C::kSkipped},
}};

const ErrorCodeEntry* find_entry(int code) {
  for (const auto& entry : kErrorCodes) {
    if (entry.code == code) return &entry;
  }
  return nullptr;
}

}  // namespace

std::string_view error_code_name(int code) {
  const ErrorCodeEntry* entry = find_entry(code);
  return entry ? entry->name : "UNKNOWN";
}

ErrorClass error_class(int code) {
  if (const ErrorCodeEntry* entry = find_entry(code)) return entry->error_class;
  return is_server_answer(code) ? ErrorClass::kBroker : ErrorClass::kTransport;
}

std::string_view error_class_name(ErrorClass error_class) {
  switch (error_class) {
    case C::kSuccess: return "success";
    case C::kBrokerRetryable: return "broker-retryable";
    case C::kBroker: return "broker";
    case C::kTransport: return "transport";
    case C::kConnect: return "connect";
    case C::kRoute: return "route";
    case C::kValidation: return "validation";
    case C::kTimeout: return "timeout";
    case C::kShutdown: return "shutdown";
    case C::kSkipped: return "skipped";
  }
  return "unknown";
}

}  // namespace mqsend
