// The completion scripts follow the CLI11 definitions alone: a flag defined tomorrow, its
// choices and its file values are completed without editing the generator.
#include <catch2/catch.hpp>

#include <CLI/CLI.hpp>

#include "cli/completion_script.hpp"

using mqsend::cli::completion_script;
using mqsend::cli::Shell;

namespace {

struct NewFlags {
  std::string level;
  std::string report;
  std::vector<std::string> inputs;
  std::string note;
  bool fast = false;
};

void define(CLI::App& app, NewFlags& flags) {
  app.add_option("--level", flags.level, "Level: low or high")->check(CLI::IsMember({"low", "high"}));
  app.add_option("--report", flags.report, "Report file")->type_name("FILE");
  app.add_option("-i,--in", flags.inputs, "Inputs, - is stdin")->check(CLI::Validator(
      [](std::string&) { return std::string(); }, "FILE|-"));
  app.add_option("--note", flags.note, "Free text");
  app.add_flag("--fast", flags.fast, "A flag");
  app.add_subcommand("check", "Check something")->add_flag("--deep", flags.fast, "Deeper");
}

}  // namespace

TEST_CASE("completion script: new flags, their choices and file values, in every shell", "[cli][completion]") {
  CLI::App app;
  NewFlags flags;
  define(app, flags);
  const std::string bash = completion_script(app, "tool", Shell::kBash);
  CHECK_THAT(bash, Catch::Contains("--level) echo 'low high' ;;"));
  CHECK_THAT(bash, Catch::Contains("--report) echo '@file' ;;"));
  CHECK_THAT(bash, Catch::Contains("-i|--in) echo '@file' ;;"));
  CHECK_THAT(bash, Catch::Contains("--note) echo '@value' ;;"));
  CHECK_THAT(bash, !Catch::Contains("--fast)"));  // takes no value
  CHECK_THAT(bash, Catch::Contains("'check') echo '-h --help --deep' ;;"));
  CHECK_THAT(bash, Catch::Contains("complete -F _tool tool"));

  const std::string zsh = completion_script(app, "tool", Shell::kZsh);
  CHECK_THAT(zsh, Catch::StartsWith("#compdef tool\n"));
  CHECK_THAT(zsh, Catch::Contains("'*--level=[Level]:value:(low high)'"));
  CHECK_THAT(zsh, Catch::Contains("'*-i+[Inputs, - is stdin]:file:_files'"));
  CHECK_THAT(zsh, Catch::Contains("'*--fast[A flag]'"));
  CHECK_THAT(zsh, Catch::Contains("'1:command:((check\\:\"Check something\"))'"));

  const std::string fish = completion_script(app, "tool", Shell::kFish);
  CHECK_THAT(fish, Catch::Contains("-l level -x -a 'low high' -d 'Level'"));
  CHECK_THAT(fish, Catch::Contains("-l report -r -F -d 'Report file'"));
  CHECK_THAT(fish, Catch::Contains("-s i -l in -r -F"));
  CHECK_THAT(fish, Catch::Contains("__tool_command_is 'check'\" -l deep -d 'Deeper'"));
}
