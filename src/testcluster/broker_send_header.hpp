#pragma once
// The send request header as a 4.9.8 broker reads it (SendMessageRequestHeader(V2), letters
// for 310/320, long names for 10), more lenient than the client's decode_send_header: an absent
// field is null rather than an error, so only its use fails. Observed on a real 4.9.8 broker
// (issue 14): no producerGroup or defaultTopic is accepted, no queueId is a NullPointerException,
// a malformed number a NumberFormatException.
#include <cstdint>
#include <optional>
#include <string>

#include "client/common/error.hpp"
#include "client/producer/send_request.hpp"
#include "client/remoting/remoting_command.hpp"

namespace mqsend {

struct BrokerSendHeader {
  // Absent strings are empty and absent numbers 0; the flags below say which were absent.
  DecodedSendHeader fields;
  bool has_default_topic = false;
  bool has_default_topic_queue_nums = false;
  bool has_reconsume_times = false;
};

// Errors are SYSTEM_ERROR with the Java exception remark: a malformed number (Integer.parseInt),
// or an absent field every send dereferences (topic, queueId, sysFlag, bornTimestamp, flag).
Result<BrokerSendHeader> decode_broker_send_header(const RemotingCommand& request);

}  // namespace mqsend
