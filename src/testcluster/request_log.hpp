#pragma once
// In-memory log of every request a cluster server received, so tests can assert which server
// got what. Bounded: beyond `limit` entries the oldest are dropped (counters keep counting).
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

#include <nlohmann/json.hpp>

#include "client/remoting/remoting_command.hpp"

namespace mqsend {

struct RequestLogEntry {
  std::string target;  // "namesrv", "broker-a", "broker-a-slave", ...
  int code = 0;
  std::int32_t opaque = 0;
  std::int64_t time_ms = 0;  // wall clock, ms since the epoch
  bool oneway = false;
  bool response = false;  // the frame had the response flag: dropped unanswered
  // Sends only (codes 10, 310, 320): header topic and queueId; queue_id -1 when absent.
  std::string topic;
  int queue_id = -1;
};

// The entry for `request` (topic and queueId read straight from the header fields of a send).
RequestLogEntry describe_request(const std::string& target, const RemotingCommand& request,
                                 std::int64_t time_ms);

class RequestLog {
 public:
  explicit RequestLog(std::size_t limit) : limit_(limit) {}

  void add(RequestLogEntry entry);
  void clear() { entries_.clear(); }
  const std::deque<RequestLogEntry>& entries() const { return entries_; }
  std::uint64_t total() const { return total_; }

  // {"target":..,"code":..,"opaque":..,"time_ms":..,"oneway":..[,"response":true]
  //  [,"topic":..,"queue_id":..]}
  static nlohmann::json to_json(const RequestLogEntry& entry);

 private:
  std::size_t limit_;
  std::uint64_t total_ = 0;
  std::deque<RequestLogEntry> entries_;
};

}  // namespace mqsend
