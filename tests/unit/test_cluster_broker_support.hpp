#pragma once
// A broker under test without sockets: the capture's broker-a on 127.0.0.1:10911 with VecTopic
// (4 queues), its store, faults and name server, and an io_context that runs its delayed
// deliveries when a test polls it.
#include <chrono>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <asio/io_context.hpp>
#include <catch2/catch.hpp>

#include "test_cluster_support.hpp"
#include "testcluster/broker.hpp"
#include "testcluster/name_server.hpp"

namespace mqsend::cluster_test {

struct BrokerFixture {
  asio::io_context io;
  MessageStore store{std::numeric_limits<std::size_t>::max()};
  FaultState faults;
  NameServer name_server{ServerVersion::k4_9_8, false};
  std::unique_ptr<Broker> broker;

  explicit BrokerFixture(bool auto_create = true) : BrokerFixture(config(auto_create)) {}
  explicit BrokerFixture(BrokerConfig broker_config) {
    name_server.register_broker("DefaultCluster", "broker-a", 0, "127.0.0.1:10911");
    broker = std::make_unique<Broker>(std::move(broker_config), store, faults, &name_server, io);
    TopicConfig topic;
    topic.name = "VecTopic";
    topic.read_queue_nums = topic.write_queue_nums = 4;
    broker->put_topic(topic);
  }

  static BrokerConfig config(bool auto_create = true) {
    BrokerConfig broker_config;
    broker_config.name = "broker-a";
    broker_config.port = 10911;
    broker_config.auto_create_topic = auto_create;
    return broker_config;
  }

  RemotingCommand answer(const RemotingCommand& request, std::string_view peer = "127.0.0.1:40476",
                         std::int64_t now_ms = 1700000000000) {
    auto response = broker->handle(request, peer, now_ms);
    REQUIRE(response.has_value());
    return *response;
  }
  RemotingCommand answer_vector(const std::string& name) {
    return answer(vector_command(name + ".req.bin"));
  }

  // The stored messages of one topic, in store order.
  std::vector<StoredMessage> messages_of(std::string_view topic) const {
    std::vector<StoredMessage> found;
    for (const StoredMessage& message : store.messages()) {
      if (message.topic == topic) found.push_back(message);
    }
    return found;
  }

  // Runs the broker's timers until `done` holds or `limit` passes.
  template <typename Condition>
  bool run_until(Condition done, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io.restart();
      io.run_for(std::chrono::milliseconds(10));
    }
    return true;
  }
};

}  // namespace mqsend::cluster_test
