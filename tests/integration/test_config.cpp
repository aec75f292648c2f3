// Settings from the config file and the environment (flags > environment > file),
// --print-config, --version, and the man page (renders cleanly, covers every flag).
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "harness.hpp"

using mqsend::test::help_flags;
using mqsend::test::read_file;
using mqsend::test::run_mqsend;
using mqsend::test::run_process;
using mqsend::test::temp_path;
using mqsend::test::TestCluster;
using mqsend::test::with_namesrv;

namespace {

const std::string kSourceRoot = [] {
  std::string path = __FILE__;  // <root>/tests/integration/test_config.cpp
  for (int i = 0; i < 3; ++i) path = path.substr(0, path.rfind('/'));
  return path;
}();

// $XDG_CONFIG_HOME with mqsend/config in it, removed at the end of the test.
class ConfigHome {
 public:
  explicit ConfigHome(const std::string& config) {
    char name[] = "/tmp/mqsend-xdg-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    home_ = name;
    REQUIRE(system(("mkdir -p " + home_ + "/mqsend").c_str()) == 0);
    std::ofstream(home_ + "/mqsend/config") << config;
  }
  ~ConfigHome() { (void)system(("rm -rf " + home_).c_str()); }
  // The environment of a run: this config home, and nothing inherited that would interfere.
  std::vector<std::string> env(std::vector<std::string> extra = {}) const {
    std::vector<std::string> env{"XDG_CONFIG_HOME=" + home_, "NAMESRV_ADDR=", "MQSEND_CONFIG=",
                                 "MQSEND_GROUP=", "MQSEND_TIMEOUT=", "MQSEND_NAMESRV="};
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
  }
  std::string path() const { return home_ + "/mqsend/config"; }

 private:
  std::string home_;
};

std::string stored_group(const TestCluster& cluster, const std::string& topic) {
  const auto stored = cluster.messages(topic);
  REQUIRE(stored.size() == 1);
  cluster.control({{"cmd", "reset_messages"}});
  return stored.front().at("producer_group").get<std::string>();
}

// Every long flag `--help` lists.
// `item` names `flag` (roff-escaped) whole: --batch is not --batch-bytes.
bool names_flag(const std::string& item, const std::string& flag) {
  for (auto at = item.find(flag); at != std::string::npos; at = item.find(flag, at + 1)) {
    const std::string rest = item.substr(at + flag.size());
    if (rest.rfind("\\-", 0) != 0 && !std::isalnum(static_cast<unsigned char>(rest.front()))) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("config: flags > environment > file, end to end", "[integration][config]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Layers:1"});
  ConfigHome home("namesrv = '" + cluster.namesrv() + "'\ntopic = Layers\ngroup = file_group\n");
  auto from_file = run_mqsend({"-m", "x"}, "", home.env());
  INFO(from_file.err);
  REQUIRE(from_file.exit_code == 0);
  CHECK(stored_group(cluster, "Layers") == "file_group");

  auto from_environment = run_mqsend({"-m", "x"}, "", home.env({"MQSEND_GROUP=env_group"}));
  REQUIRE(from_environment.exit_code == 0);
  CHECK(stored_group(cluster, "Layers") == "env_group");

  auto from_flag = run_mqsend({"-m", "x", "-g", "flag_group"}, "", home.env({"MQSEND_GROUP=env_group"}));
  REQUIRE(from_flag.exit_code == 0);
  CHECK(stored_group(cluster, "Layers") == "flag_group");

  // NAMESRV_ADDR (the environment) wins over the file's namesrv.
  ConfigHome wrong_namesrv("namesrv = 127.0.0.1:1\ntopic = Layers\n");
  auto namesrv_from_environment =
      run_mqsend({"-m", "x"}, "", wrong_namesrv.env({"NAMESRV_ADDR=" + cluster.namesrv()}));
  CHECK(namesrv_from_environment.exit_code == 0);
}

TEST_CASE("config: the probe reads the same file", "[integration][config]") {
  TestCluster cluster({"--brokers", "2", "--topic", "Layers:1"});
  ConfigHome home("namesrv = '" + cluster.namesrv() + "'\ntopic = Layers\nexpect-brokers = 3\n");
  auto run = run_mqsend({"probe"}, "", home.env());
  INFO(run.out << run.err);
  CHECK(run.exit_code == 6);
  auto flag_wins = run_mqsend({"probe", "--expect-brokers", "2"}, "", home.env());
  CHECK(flag_wins.exit_code == 0);
}

TEST_CASE("config: --print-config shows the effective settings and their source", "[integration][config]") {
  ConfigHome home("timeout = 1000\ngroup = file_group\nproperty = [\"a=1\", \"b=2\"]\n");
  auto run = run_mqsend({"--print-config", "--json"}, "", home.env({"MQSEND_TIMEOUT=2000"}));
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains("# mqsend settings: flags > environment (MQSEND_*) > " + home.path()));
  CHECK_THAT(run.out, Catch::Contains("\ntimeout = 2000\n"));
  CHECK_THAT(run.out, Catch::Contains("\ngroup = \"file_group\"\n"));
  CHECK_THAT(run.out, Catch::Contains("\nproperty = [\"a=1\", \"b=2\"]\n"));
  CHECK_THAT(run.out, Catch::Contains("\njson = true\n"));

  // What it prints is a config file mqsend reads back.
  ConfigHome copy(run.out);
  auto again = run_mqsend({"--print-config"}, "", copy.env());
  REQUIRE(again.exit_code == 0);
  CHECK(again.out.substr(again.out.find('\n')) == run.out.substr(run.out.find('\n')));
}

TEST_CASE("config: a bad file is a usage error naming the line", "[integration][config]") {
  ConfigHome home("timeout = 1000\nretries = lots\n");
  auto run = run_mqsend({"-t", "T", "-m", "x"}, "", home.env());
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.err, Catch::Contains(home.path() + ", line 2: retries"));
  auto missing = run_mqsend({"--config", "/nonexistent/mqsend", "-t", "T", "-m", "x"}, "", home.env());
  CHECK(missing.exit_code == 2);
}

TEST_CASE("config: what to send is given by flags only: MQSEND_MESSAGE or a file's message is a usage error", "[integration][config]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Body:1"});
  const std::string records = temp_path("fifty");
  {
    std::ofstream out(records);
    for (int i = 0; i < 50; ++i) out << "record-" << i << "\n";
  }
  ConfigHome home("namesrv = '" + cluster.namesrv() + "'\n");
  const std::vector<std::string> variables = {"MQSEND_MESSAGE=stale", "MQSEND_FILE=" + records,
                                              "MQSEND_INPUT_FILE=" + records, "MQSEND_COUNT=3",
                                              "MQSEND_REPEAT=true"};
  for (const std::string& variable : variables) {
    auto run = run_mqsend({"-t", "Body", "-l", records}, "", home.env({variable}));
    const std::string name = variable.substr(0, variable.find('='));
    INFO(variable << ": " << run.err);
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::Contains("mqsend: environment " + name + ": --"));
    CHECK_THAT(run.err, Catch::Contains(" is a command-line flag only: what to send never comes from the "
                                        "environment or a config file"));
  }
  ConfigHome with_message("namesrv = '" + cluster.namesrv() + "'\nmessage = [\"stale\"]\n");
  auto from_file = run_mqsend({"-t", "Body"}, "line-1\nline-2\n", with_message.env());
  INFO(from_file.err);
  CHECK(from_file.exit_code == 2);
  CHECK_THAT(from_file.err, Catch::Contains(with_message.path() + ", line 2: message: --message is a command-line flag only"));
  CHECK(cluster.messages("Body").empty());

  // A line with the default value changes nothing, as --print-config once wrote them: no error.
  ConfigHome with_defaults("namesrv = '" + cluster.namesrv() + "'\ncount = 0\nrepeat = false\nmessage = []\n");
  auto from_flags = run_mqsend({"-t", "Body", "-l", records}, "", with_defaults.env());
  INFO(from_flags.err);
  CHECK(from_flags.exit_code == 0);
  CHECK(cluster.messages("Body").size() == 50);
  std::remove(records.c_str());
}

TEST_CASE("config: MQSEND_PROPERTY takes several properties as a config file array", "[integration][config]") {
  TestCluster cluster({"--brokers", "1", "--topic", "EnvProps:1"});
  ConfigHome home("");
  auto several = run_mqsend(with_namesrv(cluster, {"-t", "EnvProps", "-m", "x"}), "",
                            home.env({"MQSEND_PROPERTY=[env=prod, \"team=a,b\"]"}));
  INFO(several.err);
  REQUIRE(several.exit_code == 0);
  auto stored = cluster.messages("EnvProps");
  REQUIRE(stored.size() == 1);
  CHECK(stored.front().at("properties").at("env") == "prod");
  CHECK(stored.front().at("properties").at("team") == "a,b");
  cluster.control({{"cmd", "reset_messages"}});

  auto one = run_mqsend(with_namesrv(cluster, {"-t", "EnvProps", "-m", "x"}), "", home.env({"MQSEND_PROPERTY=solo=a,b"}));
  REQUIRE(one.exit_code == 0);
  stored = cluster.messages("EnvProps");
  REQUIRE(stored.size() == 1);
  CHECK(stored.front().at("properties").at("solo") == "a,b");

  auto malformed = run_mqsend({"-n", "127.0.0.1:1", "-t", "T", "-m", "x"}, "", home.env({"MQSEND_PROPERTY=[a=1"}));
  CHECK(malformed.exit_code == 2);
  CHECK_THAT(malformed.err, Catch::Contains("mqsend: environment MQSEND_PROPERTY: expected ',' or ']' in the array"));
}

TEST_CASE("config: a variable that is no number says so and names the variable", "[integration][config]") {
  ConfigHome home("");
  auto run = run_mqsend({"-n", "127.0.0.1:1", "-t", "T", "-m", "x"}, "", home.env({"MQSEND_TIMEOUT=abc"}));
  CHECK(run.exit_code == 2);
  CHECK(run.err == "mqsend: environment MQSEND_TIMEOUT: --timeout: Value abc is not a number\n");
}

TEST_CASE("help: --queue-id shows no default it would refuse", "[integration][config]") {
  const auto help = run_mqsend({"--help"}).out;
  std::istringstream lines(help);
  std::string queue_id_line;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("--queue-id") != std::string::npos && line.rfind("  -", 0) == 0) queue_id_line = line;
  }
  INFO(help);
  REQUIRE_FALSE(queue_id_line.empty());
  CHECK(queue_id_line.find("-1") == std::string::npos);
}

TEST_CASE("config: --version", "[integration][config]") {
  auto run = run_mqsend({"--version"});
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::StartsWith("mqsend "));
}

namespace {

// groff -ww (every warning) or man --warnings renders `page` (man/NAME) with no warning.
void check_renders_cleanly(const std::string& page) {
  const bool have_groff = access("/usr/bin/groff", X_OK) == 0;
  const bool have_man = access("/usr/bin/man", X_OK) == 0;
  if (!have_groff && !have_man) {
    WARN("neither groff nor man is installed: man page rendering not checked (scripts/install-deps.sh installs groff-base)");
    return;
  }
  // -z: format, print nothing. man -l uses the same formatter.
  const std::string path = kSourceRoot + "/man/" + page;
  const std::string command = have_groff ? "groff -man -Tutf8 -ww -z '" + path + "'"
                                         : "MANWIDTH=80 man --warnings -l '" + path + "' > /dev/null";
  auto run = run_process({"/bin/sh", "-c", command});
  INFO(command);
  CHECK(run.exit_code == 0);
  CHECK(run.err == "");
}

// Every flag in `flags` is named in an item tag of `page` (man/NAME): a line after .TP or .TQ.
void check_documents_flags(const std::string& page, const std::set<std::string>& flags) {
  std::vector<std::string> items;
  std::istringstream text(read_file(kSourceRoot + "/man/" + page));
  bool tag_next = false;
  for (std::string line; std::getline(text, line);) {
    if (tag_next) items.push_back(line + " ");
    tag_next = line == ".TP" || line == ".TQ";
  }
  REQUIRE_FALSE(items.empty());
  for (const std::string& flag : flags) {
    std::string escaped;  // roff writes '-' as '\-'
    for (const char c : flag) escaped += c == '-' ? std::string("\\-") : std::string(1, c);
    const bool found = std::any_of(items.begin(), items.end(),
                                   [&](const std::string& item) { return names_flag(item, escaped); });
    INFO(page << ": " << flag);
    CHECK(found);
  }
}

}  // namespace

TEST_CASE("man page: renders without warnings", "[integration][config]") {
  check_renders_cleanly("mqsend.1");
  check_renders_cleanly("mqsend-testcluster.1");
}

TEST_CASE("man page: documents every flag of mqsend and mqsend probe", "[integration][config]") {
  std::set<std::string> flags;
  for (const std::vector<std::string>& command : {std::vector<std::string>{"--help"},
                                                  {"probe", "--help"}, {"recall", "--help"}, {"request", "--help"}}) {
    const auto listed = help_flags(run_mqsend(command).out);
    flags.insert(listed.begin(), listed.end());
  }
  REQUIRE(flags.size() > 40);
  check_documents_flags("mqsend.1", flags);
}

TEST_CASE("man page: mqsend-testcluster(1) documents every flag of the cluster and of ctl", "[integration][config]") {
  auto flags = help_flags(run_process({MQSEND_CLUSTER_BIN, "--help"}).out);
  const auto ctl_flags = help_flags(run_process({MQSEND_CLUSTER_BIN, "ctl", "--help"}).out);
  REQUIRE(flags.size() > 25);
  REQUIRE(ctl_flags.count("--control") == 1);
  flags.insert(ctl_flags.begin(), ctl_flags.end());
  check_documents_flags("mqsend-testcluster.1", flags);
}

TEST_CASE("man page: each environment variable is listed once, and SEE ALSO names no missing page", "[integration][config]") {
  std::istringstream page(read_file(kSourceRoot + "/man/mqsend.1"));
  std::string section;
  std::vector<std::string> environment_items;
  std::vector<std::string> see_also_pages;
  bool tag_next = false;
  for (std::string line; std::getline(page, line);) {
    if (line.rfind(".SH ", 0) == 0) section = line.substr(4);
    if (tag_next && section == "ENVIRONMENT") environment_items.push_back(line);
    tag_next = line == ".TP";
    if (section == "\"SEE ALSO\"" && (line.rfind(".B ", 0) == 0 || line.rfind(".BR ", 0) == 0)) {
      see_also_pages.push_back(line.substr(line.find(' ') + 1));
    }
  }
  for (const char* variable : {"ROCKETMQ_ACCESS_KEY", "ROCKETMQ_SECRET_KEY", "NAMESRV_ADDR", "MQSEND_CONFIG"}) {
    INFO(variable);
    CHECK(std::count_if(environment_items.begin(), environment_items.end(), [&](const std::string& item) {
            return item.find(variable) != std::string::npos;
          }) == 1);
  }
  for (std::string name : see_also_pages) {
    name = std::regex_replace(name.substr(0, name.find(' ')), std::regex(R"(\\-)"), "-");
    INFO(name);
    CHECK(access((kSourceRoot + "/man/" + name + ".1").c_str(), F_OK) == 0);
  }
}
