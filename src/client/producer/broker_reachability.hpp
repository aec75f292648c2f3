#pragma once
// Brokers whose connect failed, for queue selection to skip until a connection to them works
// again (the 5.x client's isolated endpoints: rocketmq-clients ProducerImpl.isolate, which
// selection skips until a health check succeeds). A failed connect sent nothing, so the
// record goes to another broker; here the broker is given a back-off (1 s, doubling to 30 s)
// after which one more connect is tried by the next send that picks it: failing again costs
// that send only a redirect, succeeding (any answer or written frame) clears the broker.
// Thread-safe; the clock is passed in (ms, monotonic).
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace mqsend {

class BrokerReachability {
 public:
  static constexpr std::int64_t kFirstBackoffMs = 1000;
  static constexpr std::int64_t kMaxBackoffMs = 30000;

  void connect_failed(const std::string& broker, std::int64_t now_ms);
  // A request to `broker` was answered, or a oneway frame written.
  void reachable(const std::string& broker);
  // Appends the brokers to skip at `now_ms` (back-off not over).
  void append_skipped(std::int64_t now_ms, std::vector<std::string>& skipped) const;

 private:
  struct Entry {
    std::int64_t retry_at_ms = 0;
    std::int64_t backoff_ms = 0;
  };
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> unreachable_;
  std::atomic<bool> any_{false};  // keeps the lock off the hot path while every broker works
};

}  // namespace mqsend
