#pragma once
// The requests of a transactional producer (4.9.8 DefaultMQProducerImpl.endTransaction /
// checkTransactionState, EndTransactionRequestHeader, CheckTransactionStateRequestHeader).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "client/common/error.hpp"
#include "client/producer/message_ext_codec.hpp"
#include "client/remoting/remoting_command.hpp"

namespace mqsend {

inline constexpr int kEndTransactionRequestCode = 37;
inline constexpr int kCheckTransactionStateRequestCode = 39;

// LocalTransactionState, and the commitOrRollback value each sends (MessageSysFlag
// TRANSACTION_COMMIT_TYPE 8, TRANSACTION_ROLLBACK_TYPE 12, TRANSACTION_NOT_TYPE 0).
enum class TransactionState { kCommit, kRollback, kUnknown };
std::string_view transaction_state_name(TransactionState state);  // COMMIT_MESSAGE, ROLLBACK_MESSAGE, UNKNOW
std::int32_t commit_or_rollback_value(TransactionState state);

struct EndTransactionHeader {
  std::string producer_group;
  std::int64_t tran_state_table_offset = 0;  // the half message's queue offset
  std::int64_t commit_log_offset = 0;        // from its offsetMsgId
  TransactionState state = TransactionState::kUnknown;
  bool from_transaction_check = false;
  std::string msg_id;                         // UNIQ_KEY
  std::optional<std::string> transaction_id;  // sent only when the broker gave one
};

// END_TRANSACTION (37), to be sent oneway; `remark` carries a local transaction's failure.
RemotingCommand build_end_transaction_request(const EndTransactionHeader& header,
                                              SerializeType serialize,
                                              std::optional<std::string> remark = std::nullopt);

// A broker's CHECK_TRANSACTION_STATE (39): its header and the half message of its body.
struct TransactionCheck {
  std::int64_t tran_state_table_offset = 0;
  std::int64_t commit_log_offset = 0;
  std::string msg_id;
  std::string transaction_id;
  std::string offset_msg_id;
  MessageExt message;  // topic and queue are the real ones (the broker restores them)
};

// ClientRemotingProcessor.checkTransactionState's decoding; an error for a missing offset or
// an undecodable body (Java logs and drops such a check).
Result<TransactionCheck> parse_transaction_check(const RemotingCommand& request);

// The END_TRANSACTION answering `check` with `state`: fromTransactionCheck, the UNIQ_KEY of
// the half message as msgId (its msgId when it has none), the check's transactionId.
EndTransactionHeader end_transaction_for_check(const TransactionCheck& check, std::string producer_group,
                                               TransactionState state);

}  // namespace mqsend
