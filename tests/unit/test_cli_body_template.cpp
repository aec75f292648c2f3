#include <chrono>
#include <regex>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "cli/input/body_template.hpp"

using mqsend::cli::BodyTemplate;
using mqsend::cli::synthetic_body;

namespace {

std::string expand(const std::string& text, std::uint64_t seq = 1) {
  auto parsed = BodyTemplate::parse(text, 1000);
  REQUIRE(parsed);
  std::string out = "left over";
  parsed->expand(seq, out);
  return out;
}

BodyTemplate::Clock::time_point fixed_time() {
  // 2026-12-01T18:30:00.123Z
  return BodyTemplate::Clock::time_point(std::chrono::milliseconds(1796149800123LL));
}

}  // namespace

TEST_CASE("body template: {{seq}} is the record's number, literal text stays", "[cli][template]") {
  CHECK(expand("order {{seq}} done", 42) == "order 42 done");
  CHECK(expand("{{seq}}{{seq}}", 18446744073709551615ULL) == "1844674407370955161518446744073709551615");
  CHECK(expand("plain body") == "plain body");
  CHECK(expand("") == "");
  CHECK_FALSE(BodyTemplate::parse("plain body", 10)->has_placeholders());
  CHECK(BodyTemplate::parse("x{{seq}}", 10)->has_placeholders());
}

TEST_CASE("body template: other {{ text is sent as given", "[cli][template]") {
  for (const std::string text : {"{{", "{{}}", "{{ seq }}", "{{SEQ}}", "{\"a\":{{\"b\":1}}}", "{{seq", "}}{{time}"}) {
    INFO(text);
    CHECK(expand(text) == text);
  }
  CHECK(expand("{{{seq}}}", 7) == "{7}");
}

TEST_CASE("body template: {{time}} is RFC 3339 UTC with milliseconds", "[cli][template]") {
  auto parsed = BodyTemplate::parse("at {{time}}.", 10);
  REQUIRE(parsed);
  std::string out;
  parsed->expand(1, out, fixed_time);
  CHECK(out == "at 2026-12-01T18:30:00.123Z.");
}

TEST_CASE("body template: {{time}} reads the clock only when it is there", "[cli][template]") {
  static int reads = 0;
  auto counting = [] {
    ++reads;
    return fixed_time();
  };
  std::string out;
  BodyTemplate::parse("{{seq}} {{uuid}}", 10)->expand(1, out, counting);
  CHECK(reads == 0);
  BodyTemplate::parse("{{time}}", 10)->expand(1, out, counting);
  CHECK(reads == 1);
}

TEST_CASE("body template: {{uuid}} is a random version-4 UUID", "[cli][template]") {
  const std::regex v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string uuid = expand("{{uuid}}");
    REQUIRE(std::regex_match(uuid, v4));
    seen.insert(uuid);
  }
  CHECK(seen.size() == 100);
}

TEST_CASE("body template: {{random N}} is N random letters and digits", "[cli][template]") {
  const std::regex alphanumeric("<[0-9a-zA-Z]{16}>");
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string body = expand("<{{random 16}}>");
    REQUIRE(std::regex_match(body, alphanumeric));
    seen.insert(body);
  }
  CHECK(seen.size() == 50);
  CHECK(expand("{{random 1000}}").size() == 1000);
}

TEST_CASE("body template: a malformed {{random}} is a usage error naming it", "[cli][template]") {
  for (const std::string text : {"{{random}}", "{{random 0}}", "{{random x}}", "{{random 1001}}", "{{random 5",
                                 "{{random  5}}", "{{random5}}"}) {
    INFO(text);
    auto parsed = BodyTemplate::parse("a " + text + " b", 1000);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == mqsend::error_code::kInvalidArgument);
    CHECK(parsed.error().message.find("from 1 to 1000") != std::string::npos);
  }
  CHECK(BodyTemplate::parse("{{random 99999999999999}}", 1000).error().message.find("'{{random 99999999999999}}'") !=
        std::string::npos);
  const std::string long_tail = "{{random " + std::string(1000, 'x');
  CHECK(BodyTemplate::parse(long_tail, 1000).error().message.find("'{{random xxxxxxxxxxxxxxxxxxxxxxx'") != std::string::npos);
}

TEST_CASE("option --size: a repeating printable pattern of exactly N bytes", "[cli][template]") {
  CHECK(synthetic_body(1) == "0");
  CHECK(synthetic_body(12) == "0123456789ab");
  const std::string large = synthetic_body(1000);
  CHECK(large.size() == 1000);
  CHECK(large.substr(62, 3) == "012");
  std::string out;
  BodyTemplate::literal(large).expand(5, out);
  CHECK(out == large);
}
