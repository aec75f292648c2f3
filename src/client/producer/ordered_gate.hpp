#pragma once
// Ordered sends (Producer::send_ordered) keep one message in flight per queue, in the order they
// were started: a broker runs sends on several threads and answers pipelined requests out of
// order (seen on 4.9.8 and 5.x), so only waiting for each answer keeps a key's order at the
// broker, while many queues run in parallel. A key whose send failed is stopped: its later
// messages are not sent, so nothing of the key is stored after a gap (a rerun of the failed
// records replays the key in order). Any thread; a mutex guards the state.
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace mqsend {

template <typename Send>
class OrderedGate {
 public:
  // True when `send` may go now (its queue was free; it is busy from now on); false when it
  // waits behind the sends already there.
  bool enter(const std::string& queue, Send send) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto [it, free] = queues_.try_emplace(queue);
    if (free) return true;
    it->second.push_back(std::move(send));
    return false;
  }

  // The send that went on `queue` is over: returns the next one, which goes now (the queue
  // stays busy), or nullopt when none waits (the queue is free).
  std::optional<Send> leave(const std::string& queue) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = queues_.find(queue);
    if (it == queues_.end()) return std::nullopt;
    if (it->second.empty()) {
      queues_.erase(it);
      return std::nullopt;
    }
    Send next = std::move(it->second.front());
    it->second.pop_front();
    return next;
  }

  // Every waiting send, in queue order; the queues are free afterwards (closing).
  std::vector<Send> take_waiting() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Send> waiting;
    for (auto& [queue, sends] : queues_) {
      for (auto& send : sends) waiting.push_back(std::move(send));
    }
    queues_.clear();
    return waiting;
  }

  void stop_key(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    stopped_keys_.insert(key);
  }
  bool stopped(const std::string& key) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return stopped_keys_.count(key) != 0;
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::deque<Send>> queues_;  // busy queues: who waits there
  std::unordered_set<std::string> stopped_keys_;
};

}  // namespace mqsend
