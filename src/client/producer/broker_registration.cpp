#include "client/producer/broker_registration.hpp"

#include <unistd.h>

#include <algorithm>
#include <condition_variable>

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "client/producer/message_id.hpp"
#include "client/remoting/codes.hpp"

namespace mqsend {

namespace {
constexpr const char* kInnerProducerGroup = "CLIENT_INNER_PRODUCER";
// Unregistering is a courtesy at exit: a broker that does not answer in this long (a
// black-holed one) must not hold the exit up for a whole request timeout.
constexpr Milliseconds kUnregisterTimeout{200};
}

std::string make_client_id() {
  const auto ip = UniqueIdGenerator::local_ipv4();
  const std::string address =
      ip ? fmt::format("{}.{}.{}.{}", (*ip)[0], (*ip)[1], (*ip)[2], (*ip)[3]) : "127.0.0.1";
  const auto nanos = std::chrono::steady_clock::now().time_since_epoch().count();
  return fmt::format("{}@{}#{}", address, getpid(), nanos);
}

std::string heartbeat_body(const std::string& client_id, const std::string& group) {
  const nlohmann::json body{
      {"clientID", client_id},
      {"consumerDataSet", nlohmann::json::array()},
      {"producerDataSet", {{{"groupName", group}}, {{"groupName", kInnerProducerGroup}}}}};
  return body.dump();
}

BrokerRegistration::BrokerRegistration(RemotingClient& remoting, std::string group,
                                       std::string client_id,
                                       std::function<std::vector<std::string>()> masters,
                                       Milliseconds interval, Milliseconds request_timeout)
    : remoting_(remoting),
      group_(std::move(group)),
      client_id_(std::move(client_id)),
      masters_(std::move(masters)),
      request_timeout_(request_timeout),
      ticker_(remoting.io_context(), interval, [this] {
        for (const auto& address : masters_()) heartbeat(address);
      }) {
  ticker_.start();
}

BrokerRegistration::~BrokerRegistration() { stop(); }

void BrokerRegistration::stop() {
  std::set<std::string> registered;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    registered.swap(registered_);
  }
  ticker_.stop();
  // All brokers at once, so that one unreachable broker costs one timeout, not one each.
  std::size_t pending = registered.size();
  std::mutex done_mutex;
  std::condition_variable done;
  for (const auto& address : registered) {
    RemotingCommand request = RemotingCommand::request(request_code::kUnregisterClient);
    request.ext_fields["clientID"] = client_id_;
    request.ext_fields["producerGroup"] = group_;
    remoting_.invoke_async(address, std::move(request), std::min(request_timeout_, kUnregisterTimeout),
                           [&](Result<RemotingCommand>) {
                             std::lock_guard<std::mutex> lock(done_mutex);
                             if (--pending == 0) done.notify_all();
                           });
  }
  std::unique_lock<std::mutex> lock(done_mutex);
  done.wait(lock, [&] { return pending == 0; });
}

void BrokerRegistration::register_new_masters() {
  for (const auto& address : masters_()) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_ || !registered_.insert(address).second) continue;
    }
    heartbeat(address);
  }
}

void BrokerRegistration::heartbeat(const std::string& address) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    registered_.insert(address);
  }
  RemotingCommand request = RemotingCommand::request(request_code::kHeartBeat);
  request.body = heartbeat_body(client_id_, group_);
  // A lost heartbeat is repaired by the next one; nothing waits on it.
  remoting_.invoke_async(address, std::move(request), request_timeout_, [](Result<RemotingCommand>) {});
}

}  // namespace mqsend
