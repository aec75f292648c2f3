#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cli/input/record_parser.hpp"
#include "client/common/base64.hpp"

using namespace mqsend::cli;
using Keys = std::vector<std::string>;

namespace {

RecordParser parser_for(RecordFormat format) {
  auto parser = RecordParser::create(std::move(format));
  REQUIRE(parser.ok());
  return parser.value();
}

ParsedRecord parsed(const RecordParser& parser, std::string_view raw) {
  auto record = parser.parse(raw);
  INFO(std::string(raw));
  REQUIRE(record.ok());
  return record.value();
}

std::string json_error(std::string_view raw) {
  auto record = parser_for({std::nullopt, std::nullopt, true}).parse(raw);
  INFO(std::string(raw));
  REQUIRE_FALSE(record.ok());
  CHECK(record.error().code == mqsend::error_code::kInvalidArgument);
  return record.error().message;
}

}  // namespace

TEST_CASE("without delimiters the body is the raw record, byte for byte", "[input]") {
  const std::string raw("k:v\0\xff|t", 7);
  const auto record = parsed(RecordParser(), raw);
  CHECK(record.body == raw);
  CHECK_FALSE(record.tags);
  CHECK(record.keys.empty());
  CHECK(record.properties.empty());
  CHECK_FALSE(record.delay_level);
}

TEST_CASE("key delimiter: first occurrence splits, no delimiter means no key", "[input]") {
  const auto parser = parser_for({std::string(":"), std::nullopt, false});
  auto record = parsed(parser, "order-1:body:with:colons");
  CHECK(record.keys == Keys{"order-1"});
  CHECK(record.body == "body:with:colons");

  record = parsed(parser, "no key here");
  CHECK(record.keys.empty());
  CHECK(record.body == "no key here");

  record = parsed(parser, ":only body");  // empty key: none of its own
  CHECK(record.keys.empty());
  CHECK(record.body == "only body");

  record = parsed(parser, "a,b,,c:v");  // a key list, as --keys
  CHECK(record.keys == Keys{"a", "b", "c"});

  record = parsed(parser, "key:");
  CHECK(record.keys == Keys{"key"});
  CHECK(record.body.empty());

  const auto multi = parser_for({std::string(";KeyDel;"), std::nullopt, false});
  record = parsed(multi, "Key1;KeyDel;Value1");
  CHECK(record.keys == Keys{"Key1"});
  CHECK(record.body == "Value1");
}

TEST_CASE("key delimiter first, then tag delimiter on the rest", "[input]") {
  const auto parser = parser_for({std::string("\t"), std::string("|"), false});
  auto record = parsed(parser, "k1,k2\tTagA|body|more\tstuff");
  CHECK(record.keys == Keys{"k1", "k2"});
  CHECK(record.tags == std::optional<std::string>("TagA"));
  CHECK(record.body == "body|more\tstuff");

  record = parsed(parser, "TagOnly|body");  // no key delimiter: the tag still applies
  CHECK(record.keys.empty());
  CHECK(record.tags == std::optional<std::string>("TagOnly"));
  CHECK(record.body == "body");

  record = parsed(parser, "key\tbody only");  // no tag delimiter: --tags is kept
  CHECK(record.keys == Keys{"key"});
  CHECK_FALSE(record.tags);
  CHECK(record.body == "body only");

  record = parsed(parser, "key\t|body");  // an empty tag clears --tags
  CHECK(record.tags == std::optional<std::string>(""));

  const auto same = parser_for({std::string(":"), std::string(":"), false});
  record = parsed(same, "K:T:B:C");
  CHECK(record.keys == Keys{"K"});
  CHECK(record.tags == std::optional<std::string>("T"));
  CHECK(record.body == "B:C");
}

TEST_CASE("parser configurations that cannot work are refused", "[input]") {
  CHECK_FALSE(RecordParser::create({std::string(), std::nullopt, false}).ok());
  CHECK_FALSE(RecordParser::create({std::nullopt, std::string(), false}).ok());
  CHECK_FALSE(RecordParser::create({std::string(":"), std::nullopt, true}).ok());
  CHECK_FALSE(RecordParser::create({std::nullopt, std::string("|"), true}).ok());
  CHECK(RecordParser::create({std::nullopt, std::nullopt, true}).ok());
}

TEST_CASE("JSON input: every field", "[input]") {
  const auto parser = parser_for({std::nullopt, std::nullopt, true});
  auto record = parsed(parser,
                       R"({"body":"héllo\n","tags":"TagA","keys":["k1","k 2"],)"
                       R"("properties":{"a":"1","b":"2"},"delay":3})");
  CHECK(record.body == "h\xc3\xa9llo\n");
  CHECK(record.tags == std::optional<std::string>("TagA"));
  CHECK(record.keys == Keys{"k1", "k 2"});
  CHECK(record.properties == std::map<std::string, std::string>{{"a", "1"}, {"b", "2"}});
  CHECK(record.delay_level == std::optional<int>(3));

  record = parsed(parser, R"({"body":"x","keys":"a,b"})");
  CHECK(record.keys == Keys{"a", "b"});
  CHECK_FALSE(record.tags);
  CHECK_FALSE(record.delay_level);

  record = parsed(parser, R"( {"delay":0, "body":"x"} )");
  CHECK(record.delay_level == std::optional<int>(0));
}

TEST_CASE("JSON input: null tags, keys, properties and delay are absent, as jq writes them", "[input]") {
  const auto parser = parser_for({std::nullopt, std::nullopt, true});
  const auto record = parsed(parser, R"({"body":"x","tags":null,"keys":null,"properties":null,"delay":null})");
  CHECK(record.body == "x");
  CHECK_FALSE(record.tags);
  CHECK(record.keys.empty());
  CHECK(record.properties.empty());
  CHECK_FALSE(record.delay_level);
  CHECK_THAT(json_error(R"({"body":"x","colour":null})"), Catch::Contains("unknown field \"colour\""));
  CHECK_THAT(json_error(R"({"body_base64":null})"), Catch::Contains("\"body_base64\" must be a string"));
  CHECK_THAT(json_error(R"({"body":"x","properties":{"p":null}})"), Catch::Contains("property \"p\" must be a string"));
}

TEST_CASE("JSON input: binary bodies through body_base64", "[input]") {
  std::string binary;
  for (int i = 255; i >= 0; --i) binary += static_cast<char>(i);
  const auto parser = parser_for({std::nullopt, std::nullopt, true});
  const auto record =
      parsed(parser, R"({"body_base64":")" + mqsend::base64_encode(binary) + R"("})");
  CHECK(record.body == binary);
  CHECK(parsed(parser, R"({"body":"a\u0000b"})").body == std::string("a\0b", 3));
}

TEST_CASE("JSON input: mistakes are errors naming the problem", "[input]") {
  CHECK_THAT(json_error(R"({"body":"x")"), Catch::StartsWith("invalid JSON: "));
  CHECK_THAT(json_error(R"({"body":"x"} trailing)"), Catch::StartsWith("invalid JSON: "));
  CHECK_THAT(json_error("plain text"), Catch::StartsWith("invalid JSON: "));
  CHECK_THAT(json_error("{\"body\":\"\xff\"}"), Catch::StartsWith("invalid JSON: "));
  CHECK_THAT(json_error("[1,2]"), Catch::Contains("must be an object"));
  CHECK_THAT(json_error(R"("body")"), Catch::Contains("must be an object"));
  CHECK_THAT(json_error(R"({})"), Catch::Contains("exactly one of"));
  CHECK_THAT(json_error(R"({"body":"a","body_base64":"YQ=="})"), Catch::Contains("exactly one of"));
  CHECK_THAT(json_error(R"({"body":"a","bdoy":"b"})"), Catch::Contains("unknown field \"bdoy\""));
  CHECK_THAT(json_error(R"({"body":"a","body":"b"})"), Catch::Contains("\"body\" appears twice"));
  CHECK_THAT(json_error(R"({"body":"a","properties":{"p":"1","p":"2"}})"),
             Catch::Contains("\"p\" appears twice"));
  CHECK_THAT(json_error(R"({"body":null})"), Catch::Contains("\"body\" must be a string"));
  CHECK_THAT(json_error(R"({"body":1})"), Catch::Contains("\"body\" must be a string"));
  CHECK_THAT(json_error(R"({"body_base64":"not base64!"})"), Catch::Contains("invalid base64"));
  CHECK_THAT(json_error(R"({"body_base64":"YQ"})"), Catch::Contains("body_base64"));
  CHECK_THAT(json_error(R"({"body":"a","tags":["t"]})"),
             Catch::Contains("\"tags\" must be a string"));
  CHECK_THAT(json_error(R"({"body":"a","keys":5})"), Catch::Contains("\"keys\" must be"));
  CHECK_THAT(json_error(R"({"body":"a","keys":["k",1]})"), Catch::Contains("non-empty strings"));
  CHECK_THAT(json_error(R"({"body":"a","keys":[""]})"), Catch::Contains("non-empty strings"));
  CHECK_THAT(json_error(R"({"body":"a","properties":"p=1"})"),
             Catch::Contains("must be an object"));
  CHECK_THAT(json_error(R"({"body":"a","properties":{"p":1}})"),
             Catch::Contains("property \"p\" must be a string"));
  CHECK_THAT(json_error(R"({"body":"a","properties":{"":"v"}})"), Catch::Contains("property \"\" has a blank name"));
  CHECK_THAT(json_error(R"({"body":"a","properties":{"p":""}})"), Catch::Contains("property \"p\" has a blank value"));
  CHECK_THAT(json_error(R"({"body":"a","properties":{"p":" \t"}})"), Catch::Contains("property \"p\" has a blank value"));
  CHECK_THAT(json_error(R"({"body":"a","properties":{"KEYS":"k"}})"),
             Catch::Contains("property \"KEYS\" is reserved by RocketMQ; use the \"keys\" field"));
  CHECK_THAT(json_error(R"({"body":"a","properties":{"UNIQ_KEY":"k"}})"),
             Catch::Contains("reserved"));
  for (const char* delay : {"19", "-1", "2.5", "\"3\"", "true", "1e30"}) {
    INFO(delay);
    CHECK_THAT(json_error(std::string(R"({"body":"a","delay":)") + delay + "}"),
               Catch::Contains("\"delay\" must be an integer delay level 0..18"));
  }
}

// Found by tests/fuzz/fuzz_input_splitter (corpus regression-json-number-overflow): a number
// too large for a double threw out_of_range past the parse_error handler and ended mqsend.
TEST_CASE("JSON input: a number out of range is an invalid record, not a crash", "[input]") {
  CHECK(json_error(R"({"body":"a","delay":1e645})") == "invalid JSON: number overflow parsing '1e645'");
  CHECK_THAT(json_error(R"({"body":"a","extra":[-1e999]})"), Catch::StartsWith("invalid JSON: "));
}

TEST_CASE("a parsed record overrides only what it sets", "[input]") {
  mqsend::Message base;
  base.topic = "T";
  base.set_tags("DefaultTag");
  base.set_keys({"fixed"});
  base.set_property("p", "from-cli");
  base.set_property("q", "kept");
  base.set_delay_level(2);

  mqsend::Message untouched = base;
  ParsedRecord plain;
  plain.body = "body";
  apply_record(plain, untouched);
  CHECK(untouched.body == "body");
  CHECK(untouched.property("TAGS") == "DefaultTag");
  CHECK(untouched.property("KEYS") == "fixed");
  CHECK(untouched.delay_level() == 2);

  mqsend::Message overridden = base;
  ParsedRecord overriding;
  overriding.body = "b";
  overriding.tags = std::string();
  overriding.keys = {"k1", "k2"};
  overriding.properties = {{"p", "from-record"}};
  overriding.delay_level = 0;
  apply_record(overriding, overridden);
  CHECK(overridden.property("TAGS").empty());
  CHECK(overridden.property("KEYS") == "k1 k2");
  CHECK(overridden.property("p") == "from-record");
  CHECK(overridden.property("q") == "kept");
  CHECK(overridden.delay_level() == 0);
}

TEST_CASE("user properties: Java's putUserProperty rules, and the flag or field for a reserved key", "[input]") {
  using mqsend::cli::PropertySource;
  auto refusal = [](std::string_view name, std::string_view value, PropertySource source) {
    const auto status = check_user_property(name, value, source);
    REQUIRE(status);
    CHECK(status->code == mqsend::error_code::kInvalidArgument);
    return status->message;
  };
  CHECK_FALSE(check_user_property("color", "red", PropertySource::kFlag));
  CHECK_FALSE(check_user_property("a b", " padded ", PropertySource::kFlag));  // blank only when nothing else
  CHECK(refusal("empty", "", PropertySource::kFlag) ==
        "property 'empty' has a blank value: RocketMQ needs a name and a value");
  CHECK(refusal("\t", "v", PropertySource::kFlag) ==
        "property '\t' has a blank name: RocketMQ needs a name and a value");
  CHECK(refusal("KEYS", "k", PropertySource::kFlag) == "property 'KEYS' is reserved by RocketMQ; use -k/--keys");
  CHECK(refusal("TAGS", "t", PropertySource::kFlag) == "property 'TAGS' is reserved by RocketMQ; use --tags");
  CHECK(refusal("DELAY", "1", PropertySource::kFlag) == "property 'DELAY' is reserved by RocketMQ; use --delay-level");
  CHECK(refusal("DELAY", "1", PropertySource::kJsonRecord) ==
        "property \"DELAY\" is reserved by RocketMQ; use the \"delay\" field");
  for (const char* key : {"__SHARDINGKEY", "TRAN_MSG", "UNIQ_KEY", "WAIT", "TIMER_DELIVER_MS", "__BORNHOST",
                          "DLQ_ORIGIN_TOPIC", "__CRC32#", "1ST_POP_TIME"}) {
    INFO(key);
    CHECK(refusal(key, "v", PropertySource::kFlag) ==
          "property '" + std::string(key) + "' is reserved by RocketMQ and cannot be set");
  }
}

TEST_CASE("key lists split on commas", "[input]") {
  CHECK(split_key_list("").empty());
  CHECK(split_key_list(",,").empty());
  CHECK(split_key_list("a") == Keys{"a"});
  CHECK(split_key_list(",a,,b c,") == Keys{"a", "b c"});
}
