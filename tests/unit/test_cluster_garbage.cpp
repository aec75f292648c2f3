// Hostile input never takes the test cluster down: bad frames close that connection only.
#include <catch2/catch.hpp>

#include "client/remoting/binary_bytes.hpp"
#include "client/remoting/codes.hpp"
#include "test_cluster_support.hpp"

using namespace mqsend;
using mqsend::cluster_test::RunningCluster;
using mqsend::cluster_test::send_request;
using mqsend::cluster_test::TestSocket;

namespace {

std::string frame_with_header(std::uint32_t header_word, std::string_view header) {
  std::string frame;
  append_be32(frame, static_cast<std::uint32_t>(4 + header.size()));
  append_be32(frame, header_word);
  frame.append(header);
  return frame;
}

}  // namespace

TEST_CASE("garbage from one client closes that connection and the cluster keeps serving", "[cluster]") {
  ClusterOptions options;
  options.brokers = 1;
  options.topics = {{"T", 2}};
  RunningCluster cluster(options);

  std::string oversized_length;
  append_be32(oversized_length, 0xFFFFFFF0);
  std::string header_longer_than_frame;
  append_be32(header_longer_than_frame, 8);
  append_be32(header_longer_than_frame, 0x00001000);
  append_be32(header_longer_than_frame, 0);
  const std::string hostile_inputs[] = {
      oversized_length,
      header_longer_than_frame,
      frame_with_header(4 + 5, "{nope"),                // not JSON
      frame_with_header(0x01000003, "\x00\x01\x02"),      // truncated binary header
      frame_with_header(0x07000002, "{}"),               // unknown serialization type
      std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
  };
  for (const std::string& address : {cluster.broker(0), cluster.namesrv()}) {
    for (const std::string& input : hostile_inputs) {
      TestSocket attacker(address);
      REQUIRE(attacker.connected());
      REQUIRE(attacker.send_bytes(input));
      CHECK(attacker.closed_by_peer());
    }
  }

  // A truncated frame followed by a hang-up is harmless too.
  {
    TestSocket quitter(cluster.broker(0));
    const std::string frame = encode_frame(send_request("T", 0, 1));
    REQUIRE(quitter.send_bytes(std::string_view(frame).substr(0, frame.size() / 2)));
  }

  TestSocket honest(cluster.broker(0));
  RemotingCommand response;
  REQUIRE(honest.send(send_request("T", 1, 2)));
  REQUIRE(honest.read_frame(response) == TestSocket::Read::kFrame);
  CHECK(response.code == response_code::kSuccess);

  RemotingCommand unknown = RemotingCommand::request(4242);
  unknown.opaque = 3;
  REQUIRE(honest.send(unknown));
  REQUIRE(honest.read_frame(response) == TestSocket::Read::kFrame);
  CHECK(response.code == response_code::kRequestCodeNotSupported);
  CHECK(*response.remark == " request type 4242 not supported");

  // The control channel shrugs off junk as well.
  auto reply = cluster.control({{"cmd", "explode"}});
  CHECK(reply.at("ok") == false);
  CHECK(cluster.control({{"cmd", "status"}}).at("ok") == true);
}
