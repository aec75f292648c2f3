// `mqsend-testcluster ctl`: command-line words to the control command they send, and the
// fault form shared with --fault.
#include <catch2/catch.hpp>

#include "testcluster/control_client.hpp"
#include "testcluster/fault_state.hpp"

using namespace mqsend;
using Json = nlohmann::json;

namespace {

Json command_of(const std::vector<std::string>& words) {
  auto command = control_command_from_words(words);
  INFO((command ? std::string() : command.error().message));
  REQUIRE(command.ok());
  return *command;
}

}  // namespace

TEST_CASE("ctl words: a bare command, and --key value pairs typed as JSON where they read as it", "[cluster][ctl]") {
  CHECK(command_of({"status"}) == Json{{"cmd", "status"}});
  CHECK(command_of({"reset-log"}) == Json{{"cmd", "reset_log"}});
  CHECK(command_of({"messages", "--topic", "T", "--broker=broker-b"}) ==
        Json{{"cmd", "messages"}, {"topic", "T"}, {"broker", "broker-b"}});
  CHECK(command_of({"topic", "--topic", "T", "--queues", "4", "--brokers", "broker-a", "--brokers", "broker-b",
                    "--remove"}) ==
        Json{{"cmd", "topic"}, {"topic", "T"}, {"queues", 4}, {"brokers", {"broker-a", "broker-b"}}, {"remove", true}});
  CHECK(command_of({"log", "--code", "310", "--topic", "\"7\""}) == Json{{"cmd", "log"}, {"code", 310}, {"topic", "7"}});
}

TEST_CASE("ctl words: usage errors", "[cluster][ctl]") {
  CHECK_FALSE(control_command_from_words({}).ok());
  CHECK_FALSE(control_command_from_words({"messages", "topic"}).ok());  // not --topic
  CHECK_FALSE(control_command_from_words({"fault", "broker-a"}).ok());
  CHECK_FALSE(control_command_from_words({"fault", "broker-a", "sideways"}).ok());
  CHECK_FALSE(control_command_from_words({"fault", "broker-a", "delay"}).ok());  // delay needs ms
}

TEST_CASE("ctl words: fault TARGET KIND [ARG] [COUNT] is the --fault flag's form", "[cluster][ctl]") {
  CHECK(command_of({"fault", "broker-a", "delay", "500"}) ==
        Json{{"cmd", "fault"}, {"target", "broker-a"}, {"fault", "delay"}, {"ms", 500}});
  CHECK(command_of({"fault", "namesrv", "code", "SYSTEM_BUSY", "2"}) ==
        Json{{"cmd", "fault"}, {"target", "namesrv"}, {"fault", "code"}, {"code", 2}, {"count", 2}});
  CHECK(command_of({"fault", "broker-b", "down"}) == Json{{"cmd", "fault"}, {"target", "broker-b"}, {"fault", "down"}});
  // Every example of the flag: the command reads back (fault_spec_from_json) as the flag's spec.
  for (const char* flag : {"broker-a=down", "namesrv=delay:200", "broker-b=close_after:3", "broker-a=code:SYSTEM_BUSY:2",
                           "broker-a=code:777", "broker-a=malformed:1", "broker-a=truncated", "broker-a=wrong_opaque:1",
                           "namesrv=garbage", "broker-a=black_hole", "broker-a=half_open", "broker-a=reset_after:5000",
                           "broker-a=reorder:200", "broker-a=clear", "broker-a=slow:10"}) {
    INFO(flag);
    auto fault = parse_fault_flag(flag);
    REQUIRE(fault.ok());
    const Json command = fault_command_json(*fault);
    CHECK(command.at("target") == fault->target);
    auto spec = fault_spec_from_json(command);
    REQUIRE(spec.ok());
    CHECK(spec->kind == fault->spec.kind);
    CHECK(spec->value == fault->spec.value);
    CHECK(spec->count == fault->spec.count);
  }
}

TEST_CASE("ctl address: --control, else the ready file's, else the environment's", "[cluster][ctl]") {
  ControlClientOptions options;
  CHECK_FALSE(control_address(options, nullptr).ok());
  CHECK_FALSE(control_address(options, "").ok());
  CHECK(*control_address(options, "127.0.0.1:9") == "127.0.0.1:9");
  options.ready_file = "/nonexistent/ready";
  CHECK_FALSE(control_address(options, "127.0.0.1:9").ok());  // a named file wins, even unreadable
  options.control = "127.0.0.1:7";
  CHECK(*control_address(options, "127.0.0.1:9") == "127.0.0.1:7");
}
