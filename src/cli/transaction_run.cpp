#include "cli/transaction_run.hpp"

#include "cli/diagnostics.hpp"
#include "cli/transaction_command.hpp"
#include "client/producer/properties.hpp"

namespace mqsend::cli {

namespace {

using Environment = std::vector<std::pair<std::string, std::string>>;

Environment message_environment(const std::string& topic, const std::string& msg_id,
                                const std::map<std::string, std::string>& properties) {
  auto property = [&properties](std::string_view key) {
    const auto it = properties.find(std::string(key));
    return it == properties.end() ? std::string() : it->second;
  };
  return {{"MQSEND_TOPIC", topic},
          {"MQSEND_MSG_ID", msg_id},
          {"MQSEND_KEYS", property(property_key::kKeys)},
          {"MQSEND_TAGS", property(property_key::kTags)}};
}

}  // namespace

TransactionRecords::TransactionRecords(const TransactionOptions& options, Producer& producer,
                                       Reporter& reporter)
    : options_(options), producer_(producer), reporter_(reporter) {
  producer_.serve_transaction_checks([this](const TransactionCheck& check) { return answer_check(check); });
}

void TransactionRecords::send(SendMode mode, PendingRecord record, Message message) {
  // What the local transaction command sees; the message itself moves to the producer.
  Message facts;
  if (!options_.exec.empty()) facts = message;
  producer_.send_half(mode, std::move(message),
                      [this, record = std::move(record), facts = std::move(facts)](SendOutcome half) {
                        if (!half.result) return reporter_.report(record.index, half, record.raw);
                        const TransactionDecision decision = decide(half, facts);
                        const std::string msg_id = half.result->msg_id;
                        decided_[msg_id] = decision.state;
                        if (decision.state == TransactionState::kUnknown) ++unsettled_;
                        const std::size_t index = record.index;
                        producer_.end_transaction(
                            *half.result, decision.state,
                            [this, index, half, state = decision.state](SendOutcome end) {
                              reporter_.report_transaction(index, half, state,
                                                           end.result ? Status() : Status(end.result.error()));
                            },
                            decision.failure ? std::optional<std::string>("executeLocalTransactionBranch exception: " +
                                                                          *decision.failure)
                                             : std::nullopt);
                      });
}

// sendMessageInTransaction: a half message stored with a warning is rolled back unrun.
TransactionDecision TransactionRecords::decide(const SendOutcome& half, const Message& facts) const {
  const SendResult& stored = half.result.value();
  if (stored.status != SendStatus::kSendOk) return {TransactionState::kRollback, std::nullopt};
  if (options_.exec.empty()) {
    return {options_.decision == "commit" ? TransactionState::kCommit : TransactionState::kRollback, std::nullopt};
  }
  Environment environment = message_environment(facts.topic, stored.msg_id, facts.properties);
  environment.emplace_back("MQSEND_OFFSET_MSG_ID", stored.offset_msg_id);
  const TransactionDecision decision = run_transaction_command(
      options_.exec, facts.body, environment, std::chrono::milliseconds(options_.exec_timeout_ms));
  if (decision.failure) tell("mqsend: --transaction-exec for {}: {}; left UNKNOW", stored.msg_id, *decision.failure);
  return decision;
}

// checkTransactionState: the command's answer, else the state this run decided.
TransactionState TransactionRecords::answer_check(const TransactionCheck& check) {
  const auto properties = decode_properties(check.message.properties);
  const auto uniq_key = properties.find(std::string(property_key::kUniqKey));
  const std::string msg_id = uniq_key != properties.end() ? uniq_key->second : check.msg_id;
  TransactionState state = TransactionState::kUnknown;
  if (!options_.check.empty()) {
    Environment environment = message_environment(check.message.topic, msg_id, properties);
    const auto times = properties.find("TRANSACTION_CHECK_TIMES");
    environment.emplace_back("MQSEND_CHECK_TIMES", times == properties.end() ? "0" : times->second);
    const TransactionDecision decision = run_transaction_command(
        options_.check, check.message.body, environment, std::chrono::milliseconds(options_.exec_timeout_ms));
    if (decision.failure) tell("mqsend: --transaction-check for {}: {}", msg_id, *decision.failure);
    state = decision.state;
  } else if (const auto known = decided_.find(msg_id); known != decided_.end()) {
    state = known->second;
  }
  ++checks_answered_;
  const auto known = decided_.find(msg_id);
  if (known != decided_.end() && known->second == TransactionState::kUnknown && state != TransactionState::kUnknown) {
    known->second = state;
    --unsettled_;
    if (state == TransactionState::kCommit) reporter_.transaction_committed_later();
  }
  tell("mqsend: check-back for {} (topic {}): {}", msg_id, check.message.topic, transaction_state_name(state));
  return state;
}

}  // namespace mqsend::cli
