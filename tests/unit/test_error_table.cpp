// The one table of error codes: names and classes.
#include <catch2/catch.hpp>

#include "client/common/error.hpp"
#include "client/remoting/codes.hpp"

using namespace mqsend;

TEST_CASE("error table: names of broker and client codes", "[error]") {
  CHECK(error_code_name(0) == "SUCCESS");
  CHECK(error_code_name(response_code::kSystemBusy) == "SYSTEM_BUSY");
  CHECK(error_code_name(response_code::kServiceNotAvailable) == "SERVICE_NOT_AVAILABLE");
  CHECK(error_code_name(error_code::kConnectBrokerException) == "CONNECT_BROKER_EXCEPTION");
  CHECK(error_code_name(error_code::kCallTimeout) == "CALL_TIMEOUT");
  CHECK(error_code_name(777) == "UNKNOWN");
  CHECK(error_code_name(-1) == "UNKNOWN");
}

TEST_CASE("error table: classes answer 'transport? retryable? final?' once", "[error]") {
  // A failed connect sent nothing: its own class, still a transport error.
  CHECK(error_class(error_code::kConnectBrokerException) == ErrorClass::kConnect);
  CHECK(is_transport_error(error_code::kConnectBrokerException));
  for (int code : {error_code::kAccessBrokerTimeout, error_code::kSendRequestFailed, error_code::kConnectionClosed, error_code::kProtocolError}) {
    INFO(code);
    CHECK(error_class(code) == ErrorClass::kTransport);
    CHECK(is_transport_error(code));
  }
  // DefaultMQProducer.retryResponseCodes (4.9.8) plus SYSTEM_BUSY (5.3).
  for (int code : {1, 2, 14, 16, 17, 204, 205}) CHECK(error_class(code) == ErrorClass::kBrokerRetryable);
  for (int code : {3, 4, 10, 11, 12, 15, 18, 26, 29, 215, 1500, 777}) CHECK(error_class(code) == ErrorClass::kBroker);
  CHECK(error_class(error_code::kMessageIllegal) == ErrorClass::kValidation);
  CHECK(error_class(error_code::kInvalidArgument) == ErrorClass::kValidation);
  for (int code : {error_code::kBrokerNotExistException, error_code::kNoNameServerException,
                   error_code::kNotFoundTopicException}) {
    CHECK(error_class(code) == ErrorClass::kRoute);
  }
  CHECK(error_class(error_code::kCallTimeout) == ErrorClass::kTimeout);
  CHECK(error_class(error_code::kShutdown) == ErrorClass::kShutdown);
  CHECK(error_class(error_code::kOrderKeyStopped) == ErrorClass::kSkipped);
  CHECK(error_code_name(error_code::kOrderKeyStopped) == "ORDER_KEY_STOPPED");
  CHECK_FALSE(is_transport_error(response_code::kSystemBusy));
  CHECK(is_server_answer(response_code::kSystemBusy));
  CHECK_FALSE(is_server_answer(error_code::kConnectBrokerException));
}
