#include "client/route/name_server_client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>
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

// One route query across the name servers, one try after another.
struct NameServerClient::Lookup {
  std::string topic;
  RemotingCommand request;
  std::chrono::steady_clock::time_point deadline;
  Milliseconds timeout;
  std::size_t first = 0;
  std::size_t attempt = 0;
  std::vector<std::string> failures;
  int last_code = error_code::kAccessBrokerTimeout;
  RouteHandler handler;
};

void NameServerClient::get_route_async(const std::string& topic, Milliseconds timeout,
                                       RouteHandler handler) {
  if (addresses_.empty()) {
    handler(Error{error_code::kNoNameServerException, "no name server address configured"});
    return;
  }
  auto lookup = std::make_shared<Lookup>();
  lookup->topic = topic;
  lookup->request = RemotingCommand::request(request_code::kGetRouteInfoByTopic);
  lookup->request.ext_fields["topic"] = topic;
  lookup->request.ext_fields["acceptStandardJsonOnly"] = "true";
  lookup->deadline = std::chrono::steady_clock::now() + timeout;
  lookup->timeout = timeout;
  lookup->first = current_.load(std::memory_order_relaxed);
  lookup->handler = std::move(handler);
  ask_next(std::move(lookup));
}

void NameServerClient::ask_next(std::shared_ptr<Lookup> lookup) {
  const auto remaining = std::chrono::duration_cast<Milliseconds>(
      lookup->deadline - std::chrono::steady_clock::now());
  if (lookup->attempt == addresses_.size() || remaining.count() <= 0) {
    if (lookup->attempt < addresses_.size()) {
      lookup->failures.push_back(fmt::format("timeout of {} ms spent", lookup->timeout.count()));
    }
    lookup->handler(Error{lookup->last_code,
                          fmt::format("no name server answered the route query for topic {} ({})",
                                      lookup->topic, join(lookup->failures, "; "))});
    return;
  }
  const std::size_t index = (lookup->first + lookup->attempt) % addresses_.size();
  const auto servers_left = static_cast<Milliseconds::rep>(addresses_.size() - lookup->attempt);
  const Milliseconds budget = std::max(Milliseconds(1), remaining / servers_left);
  ++lookup->attempt;
  remoting_.invoke_async(
      addresses_[index], lookup->request, budget,
      [this, lookup, index](Result<RemotingCommand> response) mutable {
        const std::string& address = addresses_[index];
        if (!response) {
          if (response.error().code == error_code::kShutdown) return lookup->handler(response.error());
          lookup->last_code = response.error().code;
          lookup->failures.push_back(fmt::format("name server {}: {}", address, response.error().message));
          return ask_next(std::move(lookup));
        }
        current_.store(index, std::memory_order_relaxed);
        if (response->code != response_code::kSuccess) {
          const std::string fallback_remark(error_code_name(response->code));
          return lookup->handler(Error{response->code, response->remark.value_or(fallback_remark)});
        }
        auto route = parse_topic_route_data(response->body);
        if (!route) {
          return lookup->handler(Error{route.error().code,
                                       fmt::format("route of topic {} from name server {}: {}",
                                                   lookup->topic, address, route.error().message)});
        }
        lookup->handler(std::move(route));
      });
}

Result<TopicRouteData> NameServerClient::get_route(const std::string& topic, Milliseconds timeout) {
  auto done = std::make_shared<std::promise<Result<TopicRouteData>>>();
  auto route = done->get_future();
  get_route_async(topic, timeout, [done](Result<TopicRouteData> result) { done->set_value(std::move(result)); });
  return route.get();
}

}  // namespace mqsend
