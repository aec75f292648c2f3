#include "client/route/name_server_client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "client/remoting/codes.hpp"

namespace mqsend {

namespace {

bool is_separator(char c) {
  return c == ';' || c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out.append(separator);
    out.append(part);
  }
  return out;
}

}  // namespace

std::vector<std::string> parse_name_server_list(std::string_view text) {
  std::vector<std::string> addresses;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && !is_separator(text[i])) continue;
    if (i > start) addresses.emplace_back(text.substr(start, i - start));
    start = i + 1;
  }
  return addresses;
}

NameServerClient::NameServerClient(RemotingClient& remoting, std::vector<std::string> addresses)
    : remoting_(remoting), addresses_(std::move(addresses)) {}

Result<TopicRouteData> NameServerClient::get_route(const std::string& topic, Milliseconds timeout) {
  if (addresses_.empty()) {
    return Error{error_code::kNoNameServerException, "no name server address configured"};
  }
  RemotingCommand request = RemotingCommand::request(request_code::kGetRouteInfoByTopic);
  request.ext_fields["topic"] = topic;
  request.ext_fields["acceptStandardJsonOnly"] = "true";

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::size_t first = current_.load(std::memory_order_relaxed);
  std::vector<std::string> failures;
  int last_code = error_code::kAccessBrokerTimeout;
  for (std::size_t attempt = 0; attempt < addresses_.size(); ++attempt) {
    const auto remaining =
        std::chrono::duration_cast<Milliseconds>(deadline - std::chrono::steady_clock::now());
    if (remaining.count() <= 0) {
      failures.push_back(fmt::format("timeout of {} ms spent", timeout.count()));
      break;
    }
    const std::size_t index = (first + attempt) % addresses_.size();
    const std::string& address = addresses_[index];
    const auto servers_left = static_cast<Milliseconds::rep>(addresses_.size() - attempt);
    const Milliseconds budget = std::max(Milliseconds(1), remaining / servers_left);
    auto response = remoting_.invoke_sync(address, request, budget);
    if (!response) {
      if (response.error().code == error_code::kShutdown) return response.error();
      last_code = response.error().code;
      failures.push_back(fmt::format("name server {}: {}", address, response.error().message));
      continue;
    }
    current_.store(index, std::memory_order_relaxed);
    if (response->code != response_code::kSuccess) {
      const std::string fallback_remark(error_code_name(response->code));
      return Error{response->code, response->remark.value_or(fallback_remark)};
    }
    auto route = parse_topic_route_data(response->body);
    if (!route) {
      return Error{route.error().code, fmt::format("route of topic {} from name server {}: {}",
                                                   topic, address, route.error().message)};
    }
    return route;
  }
  return Error{last_code, fmt::format("no name server answered the route query for topic {} ({})",
                                      topic, join(failures, "; "))};
}

}  // namespace mqsend
