// The config file format, its location, and the layering flags > environment > file.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <catch2/catch.hpp>

#include "cli/config_file.hpp"
#include "cli/layered_settings.hpp"
#include "cli/options.hpp"

using namespace mqsend::cli;
using mqsend::Result;

namespace {

Environment fake_environment(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](const std::string& name) -> std::optional<std::string> {
    auto it = variables.find(name);
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
}

// A config file in the temporary directory, removed at the end of the test.
class TemporaryFile {
 public:
  explicit TemporaryFile(const std::string& content) {
    char name[] = "/tmp/mqsend-config-XXXXXX";
    const int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    close(fd);
    path_ = name;
    std::ofstream(path_) << content;
  }
  ~TemporaryFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The application as main() builds it, with the layers applied and `args` parsed.
struct ParsedCommandLine {
  CommandLine command_line;
  CLI::App app;
  Result<AppliedSettings> applied = AppliedSettings{};

  ParsedCommandLine(const std::vector<std::string>& args, const Environment& environment) {
    define_command_line(app, command_line);
    applied = apply_setting_layers(app, args, environment);
    if (!applied) return;
    std::vector<std::string> argv_strings{"mqsend"};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_strings) argv.push_back(arg.data());
    app.parse(static_cast<int>(argv.size()), argv.data());
  }
};

std::vector<ConfigEntry> parsed(const std::string& text) {
  auto entries = parse_config(text);
  INFO((entries ? std::string() : entries.error().message));
  REQUIRE(entries.ok());
  return entries.value();
}

std::string parse_error(const std::string& text) {
  auto entries = parse_config(text);
  REQUIRE_FALSE(entries.ok());
  return entries.error().message;
}

}  // namespace

TEST_CASE("config: bare, quoted and literal scalars, comments, CRLF, '_' in keys", "[cli]") {
  const auto entries = parsed(
      "# a comment\r\n"
      "\n"
      "timeout = 1500   # trailing comment\r\n"
      "group=\"my \\\"group\\\" \\\\ \\t\"\n"
      "  namesrv = 'a:9876;b:9876'  \n"
      "retry_another_broker_when_not_store_ok = true\n"
      "tags =\n");
  REQUIRE(entries.size() == 5);
  CHECK(entries[0] == ConfigEntry{"timeout", {"1500"}, false, 3});
  CHECK(entries[1] == ConfigEntry{"group", {"my \"group\" \\ \t"}, false, 4});
  CHECK(entries[2] == ConfigEntry{"namesrv", {"a:9876;b:9876"}, false, 5});
  CHECK(entries[3] == ConfigEntry{"retry-another-broker-when-not-store-ok", {"true"}, false, 6});
  CHECK(entries[4] == ConfigEntry{"tags", {""}, false, 7});
}

TEST_CASE("config: arrays of bare and quoted items", "[cli]") {
  const auto entries = parsed("property = [\"a=1\", 'b=2', c=3,]\nfault-latency-max = [ ]\nmessage = [\"x, y\"]\n");
  REQUIRE(entries.size() == 3);
  CHECK(entries[0] == ConfigEntry{"property", {"a=1", "b=2", "c=3"}, true, 1});
  CHECK(entries[1] == ConfigEntry{"fault-latency-max", {}, true, 2});
  CHECK(entries[2] == ConfigEntry{"message", {"x, y"}, true, 3});
}

TEST_CASE("config: malformed lines name their line", "[cli]") {
  CHECK_THAT(parse_error("timeout = 1\njust words\n"), Catch::StartsWith("line 2: expected 'key = value'"));
  CHECK_THAT(parse_error("[probe]\n"), Catch::Contains("sections are not supported"));
  CHECK_THAT(parse_error("group = \"open\n"), Catch::Contains("unterminated"));
  CHECK_THAT(parse_error("group = 'open\n"), Catch::Contains("unterminated"));
  CHECK_THAT(parse_error("group = \"a\\q\"\n"), Catch::Contains("unknown escape"));
  CHECK_THAT(parse_error("group = \"a\" b\n"), Catch::Contains("after the value"));
  CHECK_THAT(parse_error("property = [a b\n"), Catch::Contains("expected ',' or ']'"));
  CHECK_THAT(parse_error("x y = 1\n"), Catch::Contains("bad key"));
  CHECK_THAT(parse_error("timeout = 1\n\ntimeout = 2\n"), Catch::StartsWith("line 3: timeout is set twice"));
}

TEST_CASE("config: format_config_line reads back to the same values", "[cli]") {
  const std::vector<std::vector<std::string>> samples = {
      {"3000"}, {"true"}, {""}, {"mqsend_producer"}, {"\\n"}, {"a \"q\" b\n\t\r"}, {"-1.5"}, {"# not a comment"}};
  for (const auto& values : samples) {
    const std::string line = format_config_line("key", values, false);
    INFO(line);
    CHECK(parsed(line).front().values == values);
  }
  CHECK(format_config_line("timeout", {"3000"}, false) == "timeout = 3000");
  CHECK(format_config_line("group", {"g"}, false) == "group = \"g\"");
  const std::vector<std::string> list{"a=1", "b,2", "3"};
  const std::string line = format_config_line("property", list, true);
  CHECK(line == "property = [\"a=1\", \"b,2\", 3]");
  CHECK(parsed(line).front().values == list);
  CHECK(format_config_line("property", {}, true) == "property = []");
}

TEST_CASE("config: default location and environment names", "[cli]") {
  CHECK(default_config_path(fake_environment({{"XDG_CONFIG_HOME", "/x"}, {"HOME", "/h"}})) == "/x/mqsend/config");
  CHECK(default_config_path(fake_environment({{"XDG_CONFIG_HOME", ""}, {"HOME", "/h"}})) == "/h/.config/mqsend/config");
  CHECK(default_config_path(fake_environment({})).empty());
  CHECK(environment_name("timeout") == "MQSEND_TIMEOUT");
  CHECK(environment_name("retry-another-broker-when-not-store-ok") == "MQSEND_RETRY_ANOTHER_BROKER_WHEN_NOT_STORE_OK");
}

TEST_CASE("config: flags > environment > file, per setting", "[cli]") {
  TemporaryFile file(
      "timeout = 1000\n"
      "group = file_group\n"
      "namespace = file_ns\n"
      "property = [\"a=1\", \"b=2\"]\n"
      "json = true\n"
      "mode = async\n"
      "expect-brokers = 3\n");
  const auto environment = fake_environment({{"MQSEND_TIMEOUT", "2000"}, {"MQSEND_GROUP", "env_group"},
                                             {"MQSEND_RETRIES", "7"}, {"HOME", "/nonexistent"}});
  ParsedCommandLine run({"--config", file.path(), "-g", "flag_group", "-p", "c=3", "-t", "T"}, environment);
  REQUIRE(run.applied.ok());
  const CliOptions& options = run.command_line.options;
  CHECK(options.group == "flag_group");          // flag over environment and file
  CHECK(options.timeout_ms == 2000);             // environment over file
  CHECK(options.retries == 7);                   // environment alone
  CHECK(options.name_space == "file_ns");        // file alone
  CHECK(options.json_output);
  CHECK(options.mode == SendMode::kAsync);
  CHECK(options.properties == std::vector<std::string>{"c=3"});  // a flag replaces the file's list
  CHECK(options.topic == "T");
  CHECK(run.command_line.probe.expect_brokers == 3);  // probe-only keys share the file
  CHECK(options.max_size == 4u * 1024 * 1024);   // untouched default
  CHECK(missing_required(run.command_line).empty());
}

TEST_CASE("config: the probe subcommand takes the same layers and its flags win", "[cli]") {
  TemporaryFile file("topic = FromFile\ntimeout = 1000\n");
  ParsedCommandLine run({"--config", file.path(), "probe", "--timeout", "1500"}, fake_environment({}));
  REQUIRE(run.applied.ok());
  CHECK(run.command_line.probe_chosen());
  CHECK(run.command_line.options.topic == "FromFile");
  CHECK(run.command_line.options.timeout_ms == 1500);
}

TEST_CASE("config: a topic from a lower layer satisfies the requirement", "[cli]") {
  ParsedCommandLine without({}, fake_environment({}));
  CHECK_THAT(missing_required(without.command_line), Catch::Contains("--topic"));
  ParsedCommandLine from_environment({}, fake_environment({{"MQSEND_TOPIC", "T"}}));
  CHECK(missing_required(from_environment.command_line).empty());
}

TEST_CASE("config: MQSEND_CONFIG and the default location pick the file: --config wins", "[cli]") {
  TemporaryFile named("group = named\n");
  TemporaryFile from_variable("group = variable\n");
  ParsedCommandLine by_variable({}, fake_environment({{"MQSEND_CONFIG", from_variable.path()}}));
  REQUIRE(by_variable.applied.ok());
  CHECK(by_variable.command_line.options.group == "variable");
  ParsedCommandLine by_flag({"--config=" + named.path()}, fake_environment({{"MQSEND_CONFIG", from_variable.path()}}));
  REQUIRE(by_flag.applied.ok());
  CHECK(by_flag.command_line.options.group == "named");
  CHECK(by_flag.applied->config_path == named.path());
  // A missing default file is no error: there is simply no file layer.
  ParsedCommandLine no_file({}, fake_environment({{"XDG_CONFIG_HOME", "/nonexistent"}}));
  REQUIRE(no_file.applied.ok());
  CHECK(no_file.applied->config_path.empty());
}

TEST_CASE("config: bad keys and values are usage errors that say where", "[cli]") {
  TemporaryFile unknown("timeout = 1\ncolour = blue\n");
  ParsedCommandLine with_unknown({"--config", unknown.path()}, fake_environment({}));
  REQUIRE_FALSE(with_unknown.applied.ok());
  CHECK_THAT(with_unknown.applied.error().message, Catch::Contains("line 2: unknown key 'colour'"));

  TemporaryFile out_of_range("retries = 500\n");
  ParsedCommandLine with_range({"--config", out_of_range.path()}, fake_environment({}));
  REQUIRE_FALSE(with_range.applied.ok());
  CHECK_THAT(with_range.applied.error().message, Catch::Contains("line 1: retries"));

  TemporaryFile list_for_scalar("timeout = [1, 2]\n");
  ParsedCommandLine with_list({"--config", list_for_scalar.path()}, fake_environment({}));
  REQUIRE_FALSE(with_list.applied.ok());
  CHECK_THAT(with_list.applied.error().message, Catch::Contains("takes one value"));

  ParsedCommandLine bad_environment({}, fake_environment({{"MQSEND_MODE", "sideways"}}));
  REQUIRE_FALSE(bad_environment.applied.ok());
  CHECK_THAT(bad_environment.applied.error().message, Catch::Contains("MQSEND_MODE"));

  ParsedCommandLine missing_file({"--config", "/nonexistent/mqsend.conf"}, fake_environment({}));
  REQUIRE_FALSE(missing_file.applied.ok());
  CHECK_THAT(missing_file.applied.error().message, Catch::Contains("/nonexistent/mqsend.conf"));
}

TEST_CASE("config: what to send is flags only: the environment or a file setting it is an error", "[cli]") {
  for (const std::string key : {"message", "file", "input-file", "count", "repeat", "size", "no-template", "dry-run"}) {
    INFO(key);
    const bool flag = key == "repeat" || key == "no-template" || key == "dry-run";
    const std::string value = flag ? "true" : key == "count" || key == "size" ? "3" : "/dev/null";
    ParsedCommandLine from_environment({}, fake_environment({{environment_name(key), value}}));
    REQUIRE_FALSE(from_environment.applied.ok());
    CHECK(from_environment.applied.error().message ==
          "environment " + environment_name(key) + ": --" + key +
              " is a command-line flag only: what to send never comes from the environment or a config file");
    TemporaryFile file("timeout = 1000\n" + key + " = " + (key == "message" ? "[\"x\"]" : value) + "\n");
    ParsedCommandLine from_file({"--config", file.path()}, fake_environment({}));
    REQUIRE_FALSE(from_file.applied.ok());
    CHECK_THAT(from_file.applied.error().message,
               Catch::StartsWith("config file " + file.path() + ", line 2: " + key + ": --" + key + " is a command-line flag only"));
  }
  // Lines with the default value, as --print-config wrote them before, change nothing.
  TemporaryFile defaults("message = []\nfile = \"\"\ninput-file = \"\"\ncount = 0\nrepeat = false\ndry-run = false\n");
  ParsedCommandLine with_defaults({"--config", defaults.path(), "-m", "flag"}, fake_environment({}));
  REQUIRE(with_defaults.applied.ok());
  CHECK(with_defaults.command_line.options.messages == std::vector<std::string>{"flag"});
  CHECK(with_defaults.command_line.options.count == 0);
}

TEST_CASE("config: a repeatable flag's variable takes a config file array", "[cli]") {
  ParsedCommandLine several({}, fake_environment({{"MQSEND_PROPERTY", "[a=1, \"b=x,y\", 'c= 3']"},
                                                  {"MQSEND_FAULT_LATENCY_MAX", "[1, 2]"}}));
  REQUIRE(several.applied.ok());
  CHECK(several.command_line.options.properties == std::vector<std::string>{"a=1", "b=x,y", "c= 3"});
  CHECK(several.command_line.options.fault_latency_max == std::vector<std::int64_t>{1, 2});
  ParsedCommandLine one({}, fake_environment({{"MQSEND_PROPERTY", "a=[1]"}}));
  REQUIRE(one.applied.ok());
  CHECK(one.command_line.options.properties == std::vector<std::string>{"a=[1]"});
  ParsedCommandLine scalar({}, fake_environment({{"MQSEND_TOPIC", "[T]"}}));  // not a list: as it is
  REQUIRE(scalar.applied.ok());
  CHECK(scalar.command_line.options.topic == "[T]");
  ParsedCommandLine malformed({}, fake_environment({{"MQSEND_PROPERTY", "[a=1"}}));
  REQUIRE_FALSE(malformed.applied.ok());
  CHECK(malformed.applied.error().message == "environment MQSEND_PROPERTY: expected ',' or ']' in the array");
}

TEST_CASE("config: a number setting given text says it is not a number", "[cli]") {
  ParsedCommandLine timeout({}, fake_environment({{"MQSEND_TIMEOUT", "abc"}}));
  REQUIRE_FALSE(timeout.applied.ok());
  CHECK(timeout.applied.error().message == "environment MQSEND_TIMEOUT: --timeout: Value abc is not a number");
  ParsedCommandLine out_of_range({}, fake_environment({{"MQSEND_RETRIES", "500"}}));
  REQUIRE_FALSE(out_of_range.applied.ok());
  CHECK(out_of_range.applied.error().message == "environment MQSEND_RETRIES: --retries: Value 500 not in range 0 to 100");
}

TEST_CASE("config: --print-config writes a config file that reads back, secrets masked", "[cli]") {
  CommandLine command_line;
  CLI::App app;
  define_command_line(app, command_line);
  std::string secret_key;
  std::string password;
  mark_secret(app.add_option("--signing-key", secret_key, "a marked secret"));
  app.add_option("--password", password, "a secret by its name");
  TemporaryFile file("signing-key = hush\ntimeout = 1234\n");
  auto applied = apply_setting_layers(app, {"--config", file.path()}, fake_environment({{"MQSEND_PASSWORD", "pw"}}));
  REQUIRE(applied.ok());
  std::vector<std::string> argv_strings{"mqsend", "--config", file.path(), "-t", "T", "-p", "k=v", "--json"};
  std::vector<char*> argv;
  for (auto& arg : argv_strings) argv.push_back(arg.data());
  app.parse(static_cast<int>(argv.size()), argv.data());
  CHECK(secret_key == "hush");
  CHECK(password == "pw");

  const std::string text = effective_config(app, *applied);
  INFO(text);
  CHECK(text.find("hush") == std::string::npos);
  CHECK(text.find("\"pw\"") == std::string::npos);
  auto entries = parse_config(text);
  REQUIRE(entries.ok());
  std::map<std::string, std::vector<std::string>> values;
  for (const auto& entry : *entries) values[entry.key] = entry.values;
  CHECK(values.at("signing-key") == std::vector<std::string>{"******"});
  CHECK(values.at("password") == std::vector<std::string>{"******"});
  CHECK(values.at("timeout") == std::vector<std::string>{"1234"});
  CHECK(values.at("topic") == std::vector<std::string>{"T"});
  CHECK(values.at("property") == std::vector<std::string>{"k=v"});
  CHECK(values.at("json") == std::vector<std::string>{"true"});
  CHECK(values.at("vip-channel") == std::vector<std::string>{"false"});
  CHECK(values.at("fault-latency-max").size() == 7);
  CHECK(values.at("delimiter") == std::vector<std::string>{"\\n"});
  CHECK(values.at("expect-brokers") == std::vector<std::string>{"0"});
  CHECK(values.count("config") == 0);
  CHECK(values.count("help") == 0);
  for (const char* flag_only : {"message", "file", "input-file", "count", "repeat"}) CHECK(values.count(flag_only) == 0);
}

TEST_CASE("config: secrets are recognized by mark or by name", "[cli]") {
  CLI::App app;
  std::string value;
  CHECK(is_secret(*mark_secret(app.add_option("--api-credential", value))));
  CHECK(is_secret(*app.add_option("--secret-key", value)));
  CHECK(is_secret(*app.add_option("--token", value)));
  CHECK_FALSE(is_secret(*app.add_option("--access-key", value)));
}
