#pragma once
// RocketMQ request and response codes used by a producer (protocol reference, section 2).

namespace mqsend::request_code {
inline constexpr int kSendMessage = 10;
inline constexpr int kUpdateAndCreateTopic = 17;
inline constexpr int kHeartBeat = 34;
inline constexpr int kUnregisterClient = 35;
inline constexpr int kGetRouteInfoByTopic = 105;
inline constexpr int kGetBrokerClusterInfo = 106;
inline constexpr int kSendMessageV2 = 310;
inline constexpr int kRecallMessage = 370;  // 5.3: cancel a timer message by its recall handle
inline constexpr int kSendBatchMessage = 320;
}  // namespace mqsend::request_code

namespace mqsend::response_code {
inline constexpr int kSuccess = 0;
inline constexpr int kSystemError = 1;
inline constexpr int kSystemBusy = 2;
inline constexpr int kRequestCodeNotSupported = 3;
inline constexpr int kFlushDiskTimeout = 10;
inline constexpr int kSlaveNotAvailable = 11;
inline constexpr int kFlushSlaveTimeout = 12;
inline constexpr int kMessageIllegal = 13;
inline constexpr int kServiceNotAvailable = 14;
inline constexpr int kNoPermission = 16;
inline constexpr int kTopicNotExist = 17;
inline constexpr int kNoBuyerId = 204;
inline constexpr int kNotInCurrentUnit = 205;
}  // namespace mqsend::response_code
