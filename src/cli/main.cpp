// mqsend: a command-line producer for Apache RocketMQ.
#include <csignal>

#include <CLI/CLI.hpp>

#include "cli/exit_codes.hpp"
#include "cli/options.hpp"
#include "cli/send_run.hpp"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout must not kill the accounting
  mqsend::cli::CliOptions options;
  CLI::App app;
  mqsend::cli::define_options(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : mqsend::cli::exit_code::kUsage;
  }
  return mqsend::cli::run_send(options);
}
