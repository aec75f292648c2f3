// ACL request signing (reference 9.1) against the test vector of section 10.3.
#include <catch2/catch.hpp>

#include <string>

#include "client/producer/properties.hpp"
#include "client/producer/send_request.hpp"
#include "client/remoting/acl_signer.hpp"
#include "client/remoting/frame_codec.hpp"

using namespace mqsend;

namespace {

const AclCredentials kVectorCredentials{"rocketmq2", "12345678", ""};

// The SEND_MESSAGE_V2 request of the worked example (section 10.1).
RemotingCommand worked_example_request() {
  SendRequestPayload payload;
  payload.body = "hello";
  append_property("UNIQ_KEY", "C0A8000A12341B6D358647B760000000", payload.properties);
  append_property("WAIT", "true", payload.properties);
  append_property("TAGS", "TagA", payload.properties);
  payload.born_timestamp_ms = 1700000000000;
  SendRequestOptions options;
  options.producer_group = "PG1";
  return build_send_request(std::move(payload), MessageQueue{"T1", "broker-a", 0}, options);
}

}  // namespace

TEST_CASE("ACL vector 10.3: signature of the worked example", "[acl]") {
  RemotingCommand request = worked_example_request();
  sign_request(request, kVectorCredentials);
  REQUIRE(request.field("Signature") != nullptr);
  CHECK(*request.field("Signature") == "gjjv8dwHbC11lYhKKetXaNRFpTU=");
  CHECK(*request.field("AccessKey") == "rocketmq2");
  CHECK(request.field("SecurityToken") == nullptr);
}

TEST_CASE("ACL signing survives both header serializations", "[acl]") {
  for (const SerializeType serialize : {SerializeType::kJson, SerializeType::kRocketMQ}) {
    RemotingCommand request = worked_example_request();
    request.serialize_type = serialize;
    sign_request(request, kVectorCredentials);
    auto decoded = decode_frame_payload(std::string_view(encode_frame(request)).substr(4));
    REQUIRE(decoded.ok());
    CHECK(*decoded->field("Signature") == "gjjv8dwHbC11lYhKKetXaNRFpTU=");
    CHECK(verify_signature(*decoded, "12345678"));
  }
}

TEST_CASE("ACL security token is signed with the other fields", "[acl]") {
  RemotingCommand request = worked_example_request();
  sign_request(request, AclCredentials{"rocketmq2", "12345678", "token-1"});
  CHECK(*request.field("SecurityToken") == "token-1");
  CHECK(*request.field("Signature") != "gjjv8dwHbC11lYhKKetXaNRFpTU=");
  CHECK(verify_signature(request, "12345678"));
}

TEST_CASE("ACL verification rejects a wrong secret, a changed field or body, no signature", "[acl]") {
  RemotingCommand request = worked_example_request();
  CHECK_FALSE(verify_signature(request, "12345678"));  // not signed
  sign_request(request, kVectorCredentials);
  CHECK(verify_signature(request, "12345678"));
  CHECK_FALSE(verify_signature(request, "12345679"));
  RemotingCommand changed_body = request;
  changed_body.body = "hellO";
  CHECK_FALSE(verify_signature(changed_body, "12345678"));
  RemotingCommand changed_field = request;
  changed_field.ext_fields["e"] = "1";
  CHECK_FALSE(verify_signature(changed_field, "12345678"));
  RemotingCommand added_field = request;
  added_field.ext_fields["zz"] = "extra";
  CHECK_FALSE(verify_signature(added_field, "12345678"));
}

TEST_CASE("ACL request hook signs what it is given", "[acl]") {
  auto hook = acl_request_hook(kVectorCredentials);
  RemotingCommand request = worked_example_request();
  hook(request);
  CHECK(*request.field("Signature") == "gjjv8dwHbC11lYhKKetXaNRFpTU=");
}
