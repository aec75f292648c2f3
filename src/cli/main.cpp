// mqsend: a command-line producer for Apache RocketMQ.
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/diagnostics.hpp"
#include "cli/exit_codes.hpp"
#include "cli/layered_settings.hpp"
#include "cli/options.hpp"
#include "cli/probe.hpp"
#include "cli/recall.hpp"
#include "cli/request.hpp"
#include "cli/send_run.hpp"

int main(int argc, char** argv) {
  namespace cli = mqsend::cli;
  cli::keep_standard_descriptors_open();
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout must not kill the accounting
  cli::CommandLine command_line;
  CLI::App app;
  cli::define_command_line(app, command_line);
  auto applied = cli::apply_setting_layers(app, std::vector<std::string>(argv + 1, argv + argc),
                                           cli::process_environment());
  if (!applied) {
    cli::tell("mqsend: {}", applied.error().message);
    return cli::exit_code::kUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help, --version
    // One line, as every other mqsend error: the flag and what is wrong with it.
    cli::tell("mqsend: {} (mqsend --help lists the flags)", error.what());
    return cli::exit_code::kUsage;
  }
  if (command_line.print_config) {
    std::fputs(cli::effective_config(app, *applied).c_str(), stdout);
    return 0;
  }
  if (const std::string missing = cli::missing_required(command_line); !missing.empty()) {
    cli::tell("mqsend: {}", missing);
    return cli::exit_code::kUsage;
  }
  if (command_line.probe_chosen()) return cli::run_probe(command_line.options, command_line.probe);
  if (command_line.recall_chosen()) return cli::run_recall(command_line.options, command_line.recall_handles);
  if (command_line.request_chosen()) return cli::run_request(command_line.options);
  return cli::run_send(command_line.options);
}
