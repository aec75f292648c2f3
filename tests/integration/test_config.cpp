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

using mqsend::test::run_mqsend;
using mqsend::test::run_process;
using mqsend::test::TestCluster;

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
std::set<std::string> help_flags(const std::string& help) {
  std::set<std::string> flags;
  const std::regex flag(R"((?:^|[ ,])(--[a-z][a-z0-9-]*))");
  std::istringstream lines(help);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  -", 0) != 0) continue;  // option lines only, not descriptions
    const std::string names = line.substr(0, line.find(' ', 2));  // e.g. '  -n,--namesrv'
    for (std::sregex_iterator it(names.begin(), names.end(), flag), end; it != end; ++it) flags.insert((*it)[1]);
  }
  return flags;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

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

TEST_CASE("config: --version", "[integration][config]") {
  auto run = run_mqsend({"--version"});
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::StartsWith("mqsend "));
}

TEST_CASE("man page: renders without warnings", "[integration][config]") {
  const std::string page = kSourceRoot + "/man/mqsend.1";
  const bool have_groff = access("/usr/bin/groff", X_OK) == 0;
  const bool have_man = access("/usr/bin/man", X_OK) == 0;
  if (!have_groff && !have_man) {
    WARN("neither groff nor man is installed: man page rendering not checked (scripts/install-deps.sh installs groff-base)");
    return;
  }
  // groff -ww: every warning; -z: format, print nothing. man -l uses the same formatter.
  const std::string command = have_groff ? "groff -man -Tutf8 -ww -z '" + page + "'"
                                         : "MANWIDTH=80 man --warnings -l '" + page + "' > /dev/null";
  auto run = run_process({"/bin/sh", "-c", command});
  INFO(command);
  CHECK(run.exit_code == 0);
  CHECK(run.err == "");
}

TEST_CASE("man page: documents every flag of mqsend and mqsend probe", "[integration][config]") {
  // Item tags: the line after each .TP, where a flag is documented.
  std::vector<std::string> items;
  std::istringstream page(read_file(kSourceRoot + "/man/mqsend.1"));
  bool tag_next = false;
  for (std::string line; std::getline(page, line);) {
    if (tag_next) items.push_back(line + " ");
    tag_next = line == ".TP";
  }
  REQUIRE_FALSE(items.empty());
  std::set<std::string> flags = help_flags(run_mqsend({"--help"}).out);
  const auto probe_flags = help_flags(run_mqsend({"probe", "--help"}).out);
  flags.insert(probe_flags.begin(), probe_flags.end());
  REQUIRE(flags.size() > 40);
  for (const std::string& flag : flags) {
    std::string escaped;  // roff writes '-' as '\-'
    for (const char c : flag) escaped += c == '-' ? std::string("\\-") : std::string(1, c);
    const bool found = std::any_of(items.begin(), items.end(),
                                   [&](const std::string& item) { return names_flag(item, escaped); });
    INFO(flag);
    CHECK(found);
  }
}

TEST_CASE("completion: the bash script completes flags and the probe command", "[integration][config]") {
  const std::string script = kSourceRoot + "/completion/mqsend.bash";
  if (access("/bin/bash", X_OK) != 0) {
    WARN("bash is not installed: completion not checked");
    return;
  }
  auto complete = [&](const std::string& line) {
    const std::string command =
        "source '" + script + "'; COMP_WORDS=(" MQSEND_BIN " " + line + "); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); "
        "_mqsend; printf '%s\\n' \"${COMPREPLY[@]}\"";
    return run_process({"/bin/bash", "-c", command});
  };
  auto top = complete("--ti");
  CHECK(top.exit_code == 0);
  CHECK_THAT(top.out, Catch::Contains("--timeout"));
  auto subcommand = complete("pro");
  CHECK_THAT(subcommand.out, Catch::Contains("probe"));
  auto probe = complete("probe --exp");
  CHECK_THAT(probe.out, Catch::Contains("--expect-brokers"));
  auto mode = complete("--mode a");
  CHECK_THAT(mode.out, Catch::Contains("async"));
}
