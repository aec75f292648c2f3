#pragma once
// A ClientLink that records what the broker writes to its clients instead of writing it: the
// peers in `connected` have a connection, every other peer none.
#include <chrono>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "client/remoting/codes.hpp"
#include "testcluster/broker.hpp"

namespace mqsend::cluster_test {

struct RecordingLink final : ClientLink {
  struct SentRequest {
    std::string peer;
    RemotingCommand request;
    std::chrono::milliseconds timeout{0};
    ResponseHandler on_response;  // empty: oneway
  };
  struct SentResponse {
    std::string peer;
    RemotingCommand request;
    RemotingCommand response;
  };

  bool send_request(std::string_view peer, RemotingCommand request,
                    std::chrono::milliseconds timeout, ResponseHandler on_response) override {
    if (connected.count(std::string(peer)) == 0) return false;
    requests.push_back({std::string(peer), std::move(request), timeout, std::move(on_response)});
    return true;
  }
  bool send_response(std::string_view peer, const RemotingCommand& request,
                     RemotingCommand response) override {
    if (connected.count(std::string(peer)) == 0) return false;
    responses.push_back({std::string(peer), request, std::move(response)});
    return true;
  }

  std::set<std::string> connected;
  std::vector<SentRequest> requests;
  std::vector<SentResponse> responses;
};

// A producer's HEART_BEAT for `client_id` with one producer group.
inline RemotingCommand producer_heartbeat(const std::string& client_id, const std::string& group) {
  RemotingCommand request = RemotingCommand::request(request_code::kHeartBeat);
  request.body = R"({"clientID":")" + client_id +
                 R"(","consumerDataSet":[],"producerDataSet":[{"groupName":")" + group + R"("}]})";
  return request;
}

}  // namespace mqsend::cluster_test
