#include "client/producer/transaction_request.hpp"

#include <charconv>

#include "client/producer/compression.hpp"
#include "client/producer/message.hpp"
#include "client/producer/properties.hpp"

namespace mqsend {

namespace {

std::optional<std::int64_t> long_field(const RemotingCommand& request, const char* name) {
  const std::string* text = request.field(name);
  if (!text) return std::nullopt;
  std::int64_t value = 0;
  const char* end = text->data() + text->size();
  const auto parsed = std::from_chars(text->data(), end, value);
  if (parsed.ec != std::errc() || parsed.ptr != end) return std::nullopt;
  return value;
}

std::string text_field(const RemotingCommand& request, const char* name) {
  const std::string* text = request.field(name);
  return text ? *text : std::string();
}

}  // namespace

std::string_view transaction_state_name(TransactionState state) {
  switch (state) {
    case TransactionState::kCommit: return "COMMIT_MESSAGE";
    case TransactionState::kRollback: return "ROLLBACK_MESSAGE";
    case TransactionState::kUnknown: return "UNKNOW";  // sic: LocalTransactionState.UNKNOW
  }
  return "UNKNOW";
}

std::int32_t commit_or_rollback_value(TransactionState state) {
  switch (state) {
    case TransactionState::kCommit: return sys_flag::kTransactionCommit;
    case TransactionState::kRollback: return sys_flag::kTransactionRollback;
    case TransactionState::kUnknown: return 0;
  }
  return 0;
}

RemotingCommand build_end_transaction_request(const EndTransactionHeader& header,
                                              SerializeType serialize,
                                              std::optional<std::string> remark) {
  RemotingCommand request = RemotingCommand::request(kEndTransactionRequestCode);
  request.serialize_type = serialize;
  request.remark = std::move(remark);
  request.ext_fields = {
      {"producerGroup", header.producer_group},
      {"tranStateTableOffset", std::to_string(header.tran_state_table_offset)},
      {"commitLogOffset", std::to_string(header.commit_log_offset)},
      {"commitOrRollback", std::to_string(commit_or_rollback_value(header.state))},
      {"fromTransactionCheck", header.from_transaction_check ? "true" : "false"},
      {"msgId", header.msg_id},
  };
  if (header.transaction_id) request.ext_fields.emplace("transactionId", *header.transaction_id);
  return request;
}

Result<TransactionCheck> parse_transaction_check(const RemotingCommand& request) {
  const auto queue_offset = long_field(request, "tranStateTableOffset");
  const auto commit_log_offset = long_field(request, "commitLogOffset");
  if (!queue_offset || !commit_log_offset) {
    return Error{error_code::kProtocolError,
                 "CHECK_TRANSACTION_STATE without tranStateTableOffset or commitLogOffset"};
  }
  auto message = decode_message_ext(request.body);
  if (!message) return Error{error_code::kProtocolError, "checkTransactionState, decode message failed"};
  TransactionCheck check;
  check.tran_state_table_offset = *queue_offset;
  check.commit_log_offset = *commit_log_offset;
  check.msg_id = text_field(request, "msgId");
  check.transaction_id = text_field(request, "transactionId");
  check.offset_msg_id = text_field(request, "offsetMsgId");
  check.message = std::move(message.value());
  return check;
}

EndTransactionHeader end_transaction_for_check(const TransactionCheck& check, std::string producer_group,
                                               TransactionState state) {
  EndTransactionHeader header;
  header.producer_group = std::move(producer_group);
  header.tran_state_table_offset = check.tran_state_table_offset;
  header.commit_log_offset = check.commit_log_offset;
  header.state = state;
  header.from_transaction_check = true;
  const auto properties = decode_properties(check.message.properties);
  const auto uniq_key = properties.find(std::string(property_key::kUniqKey));
  header.msg_id = uniq_key != properties.end() ? uniq_key->second : check.offset_msg_id;
  if (!check.transaction_id.empty()) header.transaction_id = check.transaction_id;
  return header;
}

}  // namespace mqsend
