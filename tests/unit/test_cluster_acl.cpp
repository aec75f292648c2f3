// The test cluster's ACL mode: signed requests pass; anything else gets NO_PERMISSION from
// every server under ACL 2.0 (the 5.3 auth module), SYSTEM_ERROR with an AclException remark
// from brokers only under ACL 1.0 (4.9.8 plain ACL).
#include <catch2/catch.hpp>

#include "client/remoting/acl_signer.hpp"
#include "client/remoting/codes.hpp"
#include "client/remoting/remoting_client.hpp"
#include "test_cluster_support.hpp"
#include "testcluster/acl_guard.hpp"

using namespace mqsend;
using namespace mqsend::cluster_test;

namespace {

const AclCredentials kGood{"rocketmq2", "12345678", ""};

ClusterOptions acl_cluster_options(AclVersion version = AclVersion::k2_0) {
  ClusterOptions options;
  options.brokers = 1;
  options.topics.push_back(TopicSpec{"AclTopic", 4});
  options.acl_accounts.push_back(AclAccount{"rocketmq2", "12345678"});
  options.acl_version = version;
  return options;
}

RemotingCommand route_request(std::int32_t opaque) {
  RemotingCommand request = RemotingCommand::request(request_code::kGetRouteInfoByTopic);
  request.opaque = opaque;
  request.ext_fields["topic"] = "AclTopic";
  return request;
}

}  // namespace

TEST_CASE("cluster ACL: --acl account parsing", "[cluster][acl]") {
  auto account = parse_acl_account("ak:se:cret");
  REQUIRE(account.ok());
  CHECK(account->access_key == "ak");
  CHECK(account->secret_key == "se:cret");
  for (const char* bad : {"ak", ":secret", "ak:", ""}) {
    auto rejected = parse_acl_account(bad);
    REQUIRE_FALSE(rejected.ok());
    CHECK(rejected.error().message.find("ACCESS_KEY:SECRET_KEY") != std::string::npos);
  }
  CHECK(parse_acl_account("ak:hunter2x").ok());
  CHECK(parse_acl_account("ak:").error().message.find("ak") == std::string::npos);
}

TEST_CASE("cluster ACL: the guard's verdicts", "[cluster][acl]") {
  const AclGuard off({}, AclVersion::k2_0);
  CHECK_FALSE(off.authenticate(route_request(1)).has_value());

  const AclGuard guard({AclAccount{"rocketmq2", "12345678"}}, AclVersion::k2_0);
  RemotingCommand signed_request = route_request(1);
  sign_request(signed_request, kGood);
  CHECK_FALSE(guard.authenticate(signed_request).has_value());

  auto unsigned_verdict = guard.authenticate(route_request(2));
  REQUIRE(unsigned_verdict.has_value());
  CHECK(unsigned_verdict->code == response_code::kNoPermission);
  CHECK(unsigned_verdict->message.rfind("[AUTHENTICATION_FAILED]", 0) == 0);

  RemotingCommand wrong_secret = route_request(3);
  sign_request(wrong_secret, AclCredentials{"rocketmq2", "wrong-secret", ""});
  auto bad_signature = guard.authenticate(wrong_secret);
  REQUIRE(bad_signature.has_value());
  CHECK(bad_signature->message.find("check signature failed") != std::string::npos);
  CHECK(bad_signature->message.find("12345678") == std::string::npos);

  RemotingCommand unknown_key = route_request(4);
  sign_request(unknown_key, AclCredentials{"stranger", "12345678", ""});
  auto unknown = guard.authenticate(unknown_key);
  REQUIRE(unknown.has_value());
  CHECK(unknown->message.find("User:stranger is not found") != std::string::npos);

  RemotingCommand tampered = signed_request;
  tampered.ext_fields["topic"] = "OtherTopic";
  CHECK(guard.authenticate(tampered).has_value());
}

TEST_CASE("cluster ACL: name server and broker answer NO_PERMISSION unless signed", "[cluster][acl]") {
  RunningCluster cluster(acl_cluster_options());

  const RemotingCommand unsigned_route = round_trip_once(cluster.namesrv(), route_request(10));
  CHECK(unsigned_route.code == response_code::kNoPermission);
  CHECK(unsigned_route.remark.value_or("").rfind("[AUTHENTICATION_FAILED]", 0) == 0);

  RemotingCommand signed_route = route_request(11);
  sign_request(signed_route, kGood);
  CHECK(round_trip_once(cluster.namesrv(), signed_route).code == response_code::kSuccess);

  RemotingCommand bad_send = send_request("AclTopic", 0, 12);
  sign_request(bad_send, AclCredentials{"rocketmq2", "not-the-secret", ""});
  CHECK(round_trip_once(cluster.broker(0), bad_send).code == response_code::kNoPermission);

  RemotingCommand good_send = send_request("AclTopic", 0, 13);
  sign_request(good_send, kGood);
  CHECK(round_trip_once(cluster.broker(0), good_send).code == response_code::kSuccess);

  // Denied sends never reach the store: only the signed one was kept.
  const auto messages = cluster.control({{"cmd", "messages"}, {"topic", "AclTopic"}});
  CHECK(messages.at("messages").size() == 1);
}

TEST_CASE("cluster ACL: a RemotingClient with the signing hook gets through", "[cluster][acl]") {
  RunningCluster cluster(acl_cluster_options());
  RemotingClient signing(acl_request_hook(kGood));
  auto accepted = signing.invoke_sync(cluster.namesrv(), route_request(0), Milliseconds(3000));
  REQUIRE(accepted.ok());
  CHECK(accepted->code == response_code::kSuccess);

  RemotingClient plain;
  auto denied = plain.invoke_sync(cluster.namesrv(), route_request(0), Milliseconds(3000));
  REQUIRE(denied.ok());
  CHECK(denied->code == response_code::kNoPermission);
}

TEST_CASE("cluster ACL 1.0: the guard's verdicts carry the 4.9.8 AclException texts", "[cluster][acl]") {
  CHECK(default_acl_version(ServerVersion::k4_9_8) == AclVersion::k1_0);
  CHECK(default_acl_version(ServerVersion::k5_3_3) == AclVersion::k2_0);
  const AclGuard guard({AclAccount{"rocketmq2", "12345678"}}, AclVersion::k1_0);
  RemotingCommand signed_request = route_request(1);
  sign_request(signed_request, kGood);
  CHECK_FALSE(guard.authenticate(signed_request).has_value());

  const std::string prefix = "org.apache.rocketmq.acl.common.AclException: ";
  auto verdict = [&guard](const RemotingCommand& request) {
    auto denied = guard.authenticate(request);
    REQUIRE(denied.has_value());
    CHECK(denied->code == response_code::kSystemError);
    return denied->message;
  };
  CHECK(verdict(route_request(2)) == prefix + "No accessKey is configured");
  RemotingCommand stranger = route_request(3);
  sign_request(stranger, AclCredentials{"stranger", "12345678", ""});
  CHECK(verdict(stranger) == prefix + "No acl config for stranger");
  RemotingCommand wrong_secret = route_request(4);
  sign_request(wrong_secret, AclCredentials{"rocketmq2", "wrong-secret", ""});
  CHECK(verdict(wrong_secret) == prefix + "Check signature failed for accessKey=rocketmq2");
  RemotingCommand unsigned_key = route_request(5);
  unsigned_key.ext_fields["AccessKey"] = "rocketmq2";
  CHECK(verdict(unsigned_key) == prefix + "Check signature failed for accessKey=rocketmq2");
}

TEST_CASE("cluster ACL 1.0: the name server checks nothing, brokers answer SYSTEM_ERROR in JSON",
          "[cluster][acl]") {
  RunningCluster cluster(acl_cluster_options(AclVersion::k1_0));
  CHECK(cluster.ready().at("acl") == "1.0");
  CHECK(round_trip_once(cluster.namesrv(), route_request(10)).code == response_code::kSuccess);

  RemotingCommand bad_send = send_request("AclTopic", 0, 12);
  bad_send.serialize_type = SerializeType::kRocketMQ;
  sign_request(bad_send, AclCredentials{"rocketmq2", "not-the-secret", ""});
  const RemotingCommand refused = round_trip_once(cluster.broker(0), bad_send);
  CHECK(refused.code == response_code::kSystemError);
  CHECK(refused.remark ==
        "org.apache.rocketmq.acl.common.AclException: Check signature failed for accessKey=rocketmq2");
  CHECK(refused.serialize_type == SerializeType::kJson);

  RemotingCommand good_send = send_request("AclTopic", 0, 13);
  sign_request(good_send, kGood);
  CHECK(round_trip_once(cluster.broker(0), good_send).code == response_code::kSuccess);
  CHECK(cluster.control({{"cmd", "messages"}, {"topic", "AclTopic"}}).at("messages").size() == 1);
}

TEST_CASE("cluster ACL 1.0: a send needs PUB on its topic, from topicPerms or defaultTopicPerm", "[cluster][acl]") {
  std::vector<AclAccount> accounts{AclAccount{"rocketmq2", "12345678"}};
  accounts[0].default_topic_perm = acl_perm::kDeny;
  REQUIRE_FALSE(apply_acl_topic_perm("rocketmq2:Orders=PUB|SUB", accounts).has_value());
  REQUIRE_FALSE(apply_acl_topic_perm("rocketmq2:Audit=SUB", accounts).has_value());
  CHECK(apply_acl_topic_perm("nobody:Orders=PUB", accounts).has_value());  // no such account
  CHECK(apply_acl_topic_perm("rocketmq2:Orders=WRITE", accounts).has_value());
  CHECK(parse_acl_permission("SUB|PUB") == std::optional<std::uint8_t>(acl_perm::kPub | acl_perm::kSub));
  const AclGuard guard(accounts, AclVersion::k1_0);
  auto send_to = [](const std::string& topic, int code) {
    RemotingCommand request = RemotingCommand::request(code);
    request.ext_fields[code == request_code::kSendMessage ? "topic" : "b"] = topic;
    sign_request(request, kGood);
    return request;
  };
  CHECK_FALSE(guard.authenticate(send_to("Orders", request_code::kSendMessageV2)).has_value());
  const auto sub_only = guard.authenticate(send_to("Audit", request_code::kSendMessage));
  REQUIRE(sub_only.has_value());
  CHECK(sub_only->message == "org.apache.rocketmq.acl.common.AclException: No default permission for topic:Audit");
  const auto by_default = guard.authenticate(send_to("Other", request_code::kSendBatchMessage));
  REQUIRE(by_default.has_value());
  CHECK(by_default->message == "org.apache.rocketmq.acl.common.AclException: No default permission for topic:Other");
  CHECK_FALSE(guard.authenticate([] {
    RemotingCommand route = route_request(9);
    sign_request(route, kGood);
    return route;
  }()).has_value());  // not a send: no topic permission needed
  // The auth module (2.0) is not ACL 1.0's permission table.
  const AclGuard module(accounts, AclVersion::k2_0);
  CHECK_FALSE(module.authenticate(send_to("Other", request_code::kSendMessageV2)).has_value());
}
