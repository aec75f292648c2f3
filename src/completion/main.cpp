// mqsend-completion SHELL [FILE]: writes mqsend's completion script for bash, zsh or fish, made
// from the same CLI11 definitions mqsend parses with (cli/completion_script.hpp). The build runs
// it to make the installed scripts.
#include <cstdio>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/completion_script.hpp"
#include "cli/options.hpp"

int main(int argc, char** argv) {
  namespace cli = mqsend::cli;
  cli::Shell shell{};
  if (argc < 2 || argc > 3 || !cli::parse_shell(argv[1], shell)) {
    std::cerr << "usage: mqsend-completion bash|zsh|fish [FILE]\n";
    return 2;
  }
  cli::CommandLine command_line;
  CLI::App app;
  cli::define_command_line(app, command_line);
  const std::string script = cli::completion_script(app, "mqsend", shell);
  if (argc == 2) {
    std::cout << script;
    return std::cout.flush() ? 0 : 1;
  }
  std::ofstream out(argv[2], std::ios::trunc);
  out << script;
  if (!out.flush()) {
    std::cerr << "mqsend-completion: cannot write " << argv[2] << '\n';
    return 1;
  }
  return 0;
}
