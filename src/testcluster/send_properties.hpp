#pragma once
// The properties a broker acts on, found in one pass over the encoded string without building a
// map (MessageDecoder.string2messageProperties rules: a segment shorter than 3 characters, an
// empty key or an empty value is skipped; a later duplicate wins). The plain send path only
// scans; the string is re-encoded only for messages the broker moves (delay, timer, half).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mqsend {

struct SendProperties {
  std::optional<std::string_view> delay;             // DELAY
  std::optional<std::string_view> transaction;       // TRAN_MSG
  std::optional<std::string_view> uniq_key;          // UNIQ_KEY
  std::optional<std::string_view> timer_deliver_ms;  // TIMER_DELIVER_MS (5.x)
  std::optional<std::string_view> timer_delay_sec;   // TIMER_DELAY_SEC (5.x)
  std::optional<std::string_view> timer_delay_ms;    // TIMER_DELAY_MS (5.x)
  std::optional<std::string_view> timer_del_uniq_key;
  bool has_cluster = false;                          // CLUSTER: replaced, not added
  bool has_wait = false;                             // WAIT: dropped before storing
  bool well_formed = true;  // every segment a pair and the string ends with the separator

  bool has_timer() const { return timer_deliver_ms || timer_delay_sec || timer_delay_ms; }
};

SendProperties scan_send_properties(std::string_view encoded);

// The length the broker checks against kMaxPropertiesLength, 32767 (CommitLog.MessageExtEncoder):
// the UTF-8 length of the properties as re-encoded with WAIT dropped, CLUSTER set to `cluster`
// and `extra` (already encoded pairs such as REAL_TOPIC) added.
std::size_t stored_properties_length(std::string_view encoded, const SendProperties& scanned,
                                     std::string_view cluster, std::size_t extra = 0);

}  // namespace mqsend
