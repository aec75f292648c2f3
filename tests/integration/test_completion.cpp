// The completion scripts the build makes from mqsend's CLI11 definitions (mqsend-completion),
// driven in bash, zsh and fish: every flag `--help` lists for mqsend, probe and recall is
// offered, flag values complete to their choices or to file names, also as --flag=value.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include <catch2/catch.hpp>

#include "harness.hpp"

using mqsend::test::help_flags;
using mqsend::test::run_mqsend;
using mqsend::test::run_process;
using mqsend::test::temp_path;
using mqsend::test::write_file;

namespace {

const std::string kCompletionDir = MQSEND_COMPLETION_DIR;

// The flags `mqsend [command] --help` lists, short ones included.
std::set<std::string> flags_of(const std::string& command) {
  std::vector<std::string> args;
  if (!command.empty()) args.push_back(command);
  args.push_back("--help");
  auto flags = help_flags(run_mqsend(args).out, /*with_short=*/true);
  REQUIRE(flags.size() > 10);
  return flags;
}

std::set<std::string> lines_of(const std::string& text) {
  std::set<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.insert(line);  // printf '%s\n' of no words prints an empty line
  }
  return lines;
}

void check_offers_every_flag(const std::set<std::string>& offered, const std::string& command) {
  for (const std::string& flag : flags_of(command)) {
    INFO("mqsend " << command << ": " << flag);
    CHECK(offered.count(flag) == 1);
  }
}

bool have(const char* shell) {
  if (access(shell, X_OK) == 0) return true;
  WARN(std::string(shell) + " is not installed: its completion not checked (scripts/install-deps.sh --tests installs it)");
  return false;
}

// COMPREPLY for the words after `mqsend`, the last one being completed (it may be empty).
std::set<std::string> bash_complete(const std::string& words) {
  const std::string command = "source '" + kCompletionDir + "/mqsend.bash'; COMP_WORDS=(mqsend " + words +
                              "); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _mqsend; printf '%s\\n' \"${COMPREPLY[@]}\"";
  auto run = run_process({"/bin/bash", "-c", command});
  INFO(command << "\n" << run.err);
  CHECK(run.exit_code == 0);
  return lines_of(run.out);
}

// The candidates fish offers for `line`, without their descriptions.
std::set<std::string> fish_complete(const std::string& line) {
  const std::string home = temp_path("fish-home");
  auto run = run_process({"/usr/bin/fish", "--no-config", "-c",
                          "source '" + kCompletionDir + "/mqsend.fish'; complete -C '" + line + "'"},
                         "", std::chrono::seconds(30), {"HOME=" + home, "XDG_CONFIG_HOME=" + home, "XDG_DATA_HOME=" + home});
  (void)std::system(("rm -rf '" + home + "'").c_str());
  INFO(line << "\n" << run.err);
  CHECK(run.exit_code == 0);
  std::set<std::string> candidates;
  for (const std::string& entry : lines_of(run.out)) candidates.insert(entry.substr(0, entry.find('\t')));
  return candidates;
}

// The _arguments specs zsh's _mqsend hands over for `words` (CURRENT: the last one), with
// _arguments replaced by a printer: zsh completes only inside its line editor.
std::set<std::string> zsh_specs(const std::string& words) {
  const std::string script = "fpath=('" + kCompletionDir + "' $fpath); autoload -Uz _mqsend; "
                             "_arguments() { print -rl -- \"$@\" }; words=(mqsend " + words +
                             "); CURRENT=${#words}; _mqsend";
  auto run = run_process({"/usr/bin/zsh", "-f", "-c", script});
  INFO(script << "\n" << run.err);
  CHECK(run.exit_code == 0);
  CHECK(run.err == "");
  return lines_of(run.out);
}

// The flag an _arguments spec defines: '*--mode=[...]:value:(...)' -> --mode.
std::set<std::string> spec_flags(const std::set<std::string>& specs) {
  std::set<std::string> flags;
  for (std::string spec : specs) {
    if (!spec.empty() && spec[0] == '*') spec.erase(0, 1);
    if (spec.rfind("-", 0) == 0) flags.insert(spec.substr(0, spec.find_first_of("=+[")));
  }
  return flags;
}

bool has_spec(const std::set<std::string>& specs, const std::string& start, const std::string& part) {
  return std::any_of(specs.begin(), specs.end(), [&](const std::string& spec) {
    return spec.rfind(start, 0) == 0 && spec.find(part) != std::string::npos;
  });
}

}  // namespace

TEST_CASE("completion: bash offers every flag of mqsend, probe and recall", "[integration][completion]") {
  if (!have("/bin/bash")) return;
  check_offers_every_flag(bash_complete("-"), "");
  check_offers_every_flag(bash_complete("probe -"), "probe");
  check_offers_every_flag(bash_complete("-t T recall -"), "recall");
  CHECK(bash_complete("probe --m").count("--mode") == 0);  // a send flag, not probe's
  CHECK(bash_complete("pro") == std::set<std::string>{"probe"});
}

TEST_CASE("completion: bash completes flag values, also as --flag=value", "[integration][completion]") {
  if (!have("/bin/bash")) return;
  CHECK(bash_complete("--mode a") == std::set<std::string>{"async"});
  CHECK(bash_complete("--mode=a") == std::set<std::string>{"--mode=async"});
  CHECK(bash_complete("--mode = o") == std::set<std::string>{"oneway"});  // '=' split off, as bash does
  CHECK(bash_complete("--compress z") == std::set<std::string>{"zlib", "zstd"});
  CHECK(bash_complete("probe --serialize=r") == std::set<std::string>{"--serialize=rocketmq"});
  CHECK(bash_complete("-t ''").empty());  // a value of the user's own: nothing offered
  const std::string file = temp_path("completion-input.txt");
  write_file(file, "x\n");
  CHECK(bash_complete("-l " + file.substr(0, file.size() - 4)) == std::set<std::string>{file});
  CHECK(bash_complete("--failed-output=" + file) == std::set<std::string>{"--failed-output=" + file});
  std::remove(file.c_str());
}

TEST_CASE("completion: fish offers every flag and completes values", "[integration][completion]") {
  if (!have("/usr/bin/fish")) return;
  check_offers_every_flag(fish_complete("mqsend -"), "");
  check_offers_every_flag(fish_complete("mqsend probe -"), "probe");
  check_offers_every_flag(fish_complete("mqsend recall -"), "recall");
  CHECK(fish_complete("mqsend probe --mo").count("--mode") == 0);
  CHECK(fish_complete("mqsend pro").count("probe") == 1);
  CHECK(fish_complete("mqsend --mode ") == std::set<std::string>{"sync", "async", "oneway"});
  CHECK(fish_complete("mqsend --mode=a") == std::set<std::string>{"--mode=async"});
  const std::string file = temp_path("completion-fish.txt");
  write_file(file, "x\n");
  CHECK(fish_complete("mqsend --file " + file.substr(0, file.size() - 4)).count(file) == 1);
  std::remove(file.c_str());
}

TEST_CASE("completion: zsh defines every flag with its values", "[integration][completion]") {
  if (!have("/usr/bin/zsh")) return;
  const auto send = zsh_specs("--mo");
  check_offers_every_flag(spec_flags(send), "");
  CHECK(has_spec(send, "*--mode=", ":(sync async oneway)"));
  CHECK(has_spec(send, "*--file=", ":_files"));
  CHECK(has_spec(send, "*-l+", ":_files"));
  CHECK(has_spec(send, "1:command:", "probe"));
  const auto probe = zsh_specs("probe --e");
  check_offers_every_flag(spec_flags(probe), "probe");
  CHECK(spec_flags(probe).count("--mode") == 0);
  check_offers_every_flag(spec_flags(zsh_specs("recall --j")), "recall");
  // compinit accepts the file as a completion function (its #compdef line).
  auto compinit = run_process({"/usr/bin/zsh", "-f", "-c",
                               "fpath=('" + kCompletionDir + "' $fpath); autoload -Uz compinit; compinit -u -D; "
                               "print -r -- $_comps[mqsend]"});
  CHECK(compinit.out == "_mqsend\n");
}
