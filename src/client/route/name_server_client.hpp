#pragma once
// Route queries to the name servers (GET_ROUTEINFO_BY_TOPIC, protocol reference 6.1).
//
// The client starts with the first configured name server and sticks to the last one that
// answered; on a transport failure it tries the next ones in turn within the same overall
// timeout. Each try gets an equal share of what remains (remaining / name servers left to
// try; the last one gets all that remains), so that a slow or black-holed name server cannot
// eat the whole timeout while another one is configured. Thread-safe.
#include <atomic>
#include <cstddef>
#include <memory>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "client/common/error.hpp"
#include "client/remoting/remoting_client.hpp"
#include "client/route/topic_route_data.hpp"

namespace mqsend {

// "host:port;host:port" (',' and whitespace also separate; empty pieces are ignored).
std::vector<std::string> parse_name_server_list(std::string_view text);

class NameServerClient {
 public:
  using RouteHandler = std::function<void(Result<TopicRouteData>)>;

  NameServerClient(RemotingClient& remoting, std::vector<std::string> addresses);

  // Asynchronous: `handler` runs once, on the remoting I/O thread (or inline when no name
  // server is configured). Never blocks.
  void get_route_async(const std::string& topic, Milliseconds timeout, RouteHandler handler);

  // Errors: response_code::kTopicNotExist (the name server has no route) or any other response
  // code, with the server's remark; error_code::kNoNameServerException when no address is
  // configured; kProtocolError for an unreadable route body; otherwise the transport error of
  // the last name server tried (kConnectBrokerException, kAccessBrokerTimeout, ...), its message
  // naming every name server tried.
  // The same, waiting on the calling thread (never the I/O thread).
  Result<TopicRouteData> get_route(const std::string& topic, Milliseconds timeout);

  const std::vector<std::string>& addresses() const { return addresses_; }

 private:
  struct Lookup;
  void ask_next(std::shared_ptr<Lookup> lookup);

  RemotingClient& remoting_;
  const std::vector<std::string> addresses_;
  std::atomic<std::size_t> current_{0};  // index of the name server to ask first
};

}  // namespace mqsend
