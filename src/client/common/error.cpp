#include "client/common/error.hpp"

namespace mqsend {

std::string_view error_code_name(int code) {
  switch (code) {
    case 0: return "SUCCESS";
    case 1: return "SYSTEM_ERROR";
    case 2: return "SYSTEM_BUSY";
    case 3: return "REQUEST_CODE_NOT_SUPPORTED";
    case 4: return "TRANSACTION_FAILED";
    case 10: return "FLUSH_DISK_TIMEOUT";
    case 11: return "SLAVE_NOT_AVAILABLE";
    case 12: return "FLUSH_SLAVE_TIMEOUT";
    case 13: return "MESSAGE_ILLEGAL";
    case 14: return "SERVICE_NOT_AVAILABLE";
    case 15: return "VERSION_NOT_SUPPORTED";
    case 16: return "NO_PERMISSION";
    case 17: return "TOPIC_NOT_EXIST";
    case 18: return "TOPIC_EXIST_ALREADY";
    case 26: return "SUBSCRIPTION_GROUP_NOT_EXIST";
    case 29: return "INVALID_PARAMETER";
    case 204: return "NO_BUYER_ID";
    case 205: return "NOT_IN_CURRENT_UNIT";
    case 215: return "FLOW_CONTROL";
    case 1500: return "GO_AWAY";
    case error_code::kConnectBrokerException: return "CONNECT_BROKER_EXCEPTION";
    case error_code::kAccessBrokerTimeout: return "ACCESS_BROKER_TIMEOUT";
    case error_code::kBrokerNotExistException: return "BROKER_NOT_EXIST_EXCEPTION";
    case error_code::kNoNameServerException: return "NO_NAME_SERVER_EXCEPTION";
    case error_code::kNotFoundTopicException: return "NOT_FOUND_TOPIC_EXCEPTION";
    case error_code::kSendRequestFailed: return "SEND_REQUEST_FAILED";
    case error_code::kConnectionClosed: return "CONNECTION_CLOSED";
    case error_code::kProtocolError: return "PROTOCOL_ERROR";
    case error_code::kInvalidArgument: return "INVALID_ARGUMENT";
    case error_code::kCallTimeout: return "CALL_TIMEOUT";
    case error_code::kShutdown: return "SHUTDOWN";
    default: return "UNKNOWN";
  }
}

}  // namespace mqsend
