#pragma once
// Registration of a producer with the brokers it uses, as the Java client does it: HEART_BEAT
// with the producer group to each master (at first use, then every interval) so operators see
// the producer (mqadmin producerConnection) and idle connections stay open; UNREGISTER_CLIENT
// to each of them when the producer stops. Heartbeats are fire-and-forget: a send never waits
// on them; the interval is a timer on the remoting I/O loop.
#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "client/remoting/remoting_client.hpp"
#include "client/remoting/repeating_timer.hpp"

namespace mqsend {

// "ip@pid#nanotime", the Java clientID of a started producer (reference 7.10).
std::string make_client_id();

// HeartbeatData JSON of a producer-only client.
std::string heartbeat_body(const std::string& client_id, const std::string& group);

class BrokerRegistration {
 public:
  // `masters` lists the master addresses currently in use; asked at every interval, on the
  // I/O thread: it must not block.
  BrokerRegistration(RemotingClient& remoting, std::string group, std::string client_id,
                     std::function<std::vector<std::string>()> masters, Milliseconds interval,
                     Milliseconds request_timeout);
  ~BrokerRegistration();  // stop()

  // Stops the heartbeats and unregisters from every broker that got one, waiting for the
  // answers (at most 200 ms, or the request timeout when shorter). Idempotent; not on the I/O thread, and
  // before the remoting client shuts down.
  void stop();
  BrokerRegistration(const BrokerRegistration&) = delete;
  BrokerRegistration& operator=(const BrokerRegistration&) = delete;

  // Sends a heartbeat now to masters not registered yet (cheap when there are none).
  // Any thread, never blocks.
  void register_new_masters();

  const std::string& client_id() const { return client_id_; }

 private:
  void heartbeat(const std::string& address);

  RemotingClient& remoting_;
  const std::string group_;
  const std::string client_id_;
  const std::function<std::vector<std::string>()> masters_;
  const Milliseconds request_timeout_;
  std::mutex mutex_;
  bool stopping_ = false;
  std::set<std::string> registered_;
  RepeatingTimer ticker_;
};

}  // namespace mqsend
