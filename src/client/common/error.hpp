#pragma once
// Errors are values: a stable numeric code and a human message, plus a name and a class
// that come from one table (error.cpp), so every "is this a transport error? may this be
// retried?" question has one answer.
// Codes below 10000 are RocketMQ broker/name-server response codes (ResponseCode.java);
// codes from 10001 are client-side codes, the first ones matching the Java ClientErrorCode.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace mqsend {

namespace error_code {
// Java ClientErrorCode values.
inline constexpr int kConnectBrokerException = 10001;
inline constexpr int kAccessBrokerTimeout = 10002;
inline constexpr int kBrokerNotExistException = 10003;
inline constexpr int kNoNameServerException = 10004;
inline constexpr int kNotFoundTopicException = 10005;
inline constexpr int kRequestTimeoutException = 10006;  // request(): sent, no reply in time
// mqsend's own client codes.
inline constexpr int kSendRequestFailed = 10101;   // frame could not be written
inline constexpr int kConnectionClosed = 10102;    // peer closed with the request in flight
inline constexpr int kProtocolError = 10103;       // malformed or oversized frame from the peer
inline constexpr int kInvalidArgument = 10104;     // bad option or input
inline constexpr int kCallTimeout = 10105;         // whole-send budget spent before an attempt could start
inline constexpr int kShutdown = 10106;            // client stopped with the request pending
inline constexpr int kOrderKeyStopped = 10107;     // an earlier ordered send of the key failed: not sent
// Validation failures use the broker's MESSAGE_ILLEGAL code, as the Java Validators do.
inline constexpr int kMessageIllegal = 13;
}  // namespace error_code

// What a code means for whoever handles it.
enum class ErrorClass {
  kSuccess,
  // A broker answer that says nothing was stored and another broker may take the message:
  // the codes Java's sync send retries (DefaultMQProducer.retryResponseCodes, 4.9.8).
  kBrokerRetryable,
  kBroker,      // any other broker or name-server answer: final for this message
  kTransport,   // write, read or timeout failure on one connection
  kConnect,     // the connection could not be made: no byte of the request reached a broker
  kRoute,       // no route, no name server, no such broker in the route
  kValidation,  // the message or the input itself is wrong (MESSAGE_ILLEGAL, bad argument)
  kTimeout,     // the whole send budget is spent
  kShutdown,    // the client stopped with the request pending
  kSkipped,     // not sent, to keep an order: an earlier message of its sharding key failed
};

// The symbolic name of a code ("SYSTEM_BUSY", "CONNECT_BROKER_EXCEPTION", ...), "UNKNOWN" if none.
std::string_view error_code_name(int code);
// The class of a code; unlisted codes below 10000 are kBroker (a server said so).
ErrorClass error_class(int code);
std::string_view error_class_name(ErrorClass error_class);

// Shorthands for the questions asked most.
// A failed connect is a transport error too; only the retry policy tells the two apart.
inline bool is_transport_error(int code) {
  const ErrorClass error_class_of_code = error_class(code);
  return error_class_of_code == ErrorClass::kTransport || error_class_of_code == ErrorClass::kConnect;
}
// True when a server (name server or broker) produced the code in a response.
inline bool is_server_answer(int code) { return code < 10000; }

struct Error {
  int code = 0;
  std::string message;
};

// A value or an Error. Deliberately small: C++17 has no std::expected.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

// Result for operations without a value: empty on success.
class [[nodiscard]] Status : public std::optional<Error> {
 public:
  using std::optional<Error>::optional;
  Status(std::optional<Error> status) : std::optional<Error>(std::move(status)) {}  // NOLINT
};

}  // namespace mqsend
