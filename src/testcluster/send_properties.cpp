#include "testcluster/send_properties.hpp"

#include "client/producer/properties.hpp"
#include "client/producer/validators.hpp"

namespace mqsend {

namespace {

constexpr std::string_view kCluster = "CLUSTER";
constexpr std::string_view kWait = "WAIT";

// One pair of a property string, as MessageDecoder.string2messageProperties splits it.
template <typename Visit>
bool for_each_pair(std::string_view encoded, Visit visit) {
  bool well_formed = true;
  std::size_t index = 0;
  while (index < encoded.size()) {
    std::size_t end = encoded.find(kPropertySeparator, index);
    if (end == std::string_view::npos) {
      end = encoded.size();
      well_formed = false;
    }
    const std::string_view segment = encoded.substr(index, end - index);
    const std::size_t split = segment.find(kNameValueSeparator);
    if (segment.size() >= 3 && split != std::string_view::npos && split > 0 &&
        split < segment.size() - 1) {
      visit(segment.substr(0, split), segment.substr(split + 1));
    } else {
      well_formed = false;
    }
    index = end + 1;
  }
  return well_formed;
}

}  // namespace

SendProperties scan_send_properties(std::string_view encoded) {
  SendProperties found;
  auto keep = [&found](std::string_view key, std::string_view value) {
    if (key == "DELAY") found.delay = value;
    else if (key == "TRAN_MSG") found.transaction = value;
    else if (key == "UNIQ_KEY") found.uniq_key = value;
    else if (key == "TIMER_DELIVER_MS") found.timer_deliver_ms = value;
    else if (key == "TIMER_DELAY_SEC") found.timer_delay_sec = value;
    else if (key == "TIMER_DELAY_MS") found.timer_delay_ms = value;
    else if (key == "TIMER_DEL_UNIQKEY") found.timer_del_uniq_key = value;
    else if (key == kCluster) found.has_cluster = true;
    else if (key == kWait) found.has_wait = true;
  };
  found.well_formed = for_each_pair(encoded, keep);
  return found;
}

std::size_t stored_properties_length(std::string_view encoded, const SendProperties& scanned,
                                      std::string_view cluster, std::size_t extra) {
  const std::size_t cluster_pair = kCluster.size() + 1 + cluster.size() + 1;
  // Without anything dropped or merged the string keeps its length; duplicates would shrink it,
  // so near the limit the exact length is computed.
  const std::size_t unchanged = encoded.size() + cluster_pair + extra;
  if (scanned.well_formed && !scanned.has_cluster && !scanned.has_wait &&
      unchanged <= kMaxPropertiesLength) {
    return unchanged;
  }
  std::size_t length = cluster_pair + extra;
  for (const auto& [key, value] : decode_properties(encoded)) {
    if (key != kWait && key != kCluster) length += key.size() + 1 + value.size() + 1;
  }
  return length;
}

}  // namespace mqsend
