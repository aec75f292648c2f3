#include "cli/recall.hpp"

#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/diagnostics.hpp"
#include "cli/exit_codes.hpp"
#include "cli/producer_settings.hpp"
#include "client/producer/producer.hpp"

namespace mqsend::cli {

namespace {

std::string result_line(const CliOptions& options, const std::string& handle, const Result<std::string>& recalled) {
  if (options.json_output) {
    nlohmann::json line{{"recallHandle", handle}, {"topic", options.topic}};
    if (recalled) {
      line["status"] = "RECALLED";
      line["msgId"] = recalled.value();
    } else {
      line["status"] = "FAILED";
      line["error"] = {{"code", recalled.error().code},
                       {"name", error_code_name(recalled.error().code)},
                       {"message", recalled.error().message}};
    }
    return line.dump() + "\n";
  }
  if (recalled) return fmt::format("RecallResult [msgId={}, topic={}]\n", recalled.value(), options.topic);
  return fmt::format("RecallFailed [recallHandle={}, code={}, name={}, message={}]\n", handle,
                     recalled.error().code, error_code_name(recalled.error().code), recalled.error().message);
}

}  // namespace

int run_recall(const CliOptions& options, const std::vector<std::string>& handles) {
  auto settings = common_producer_options(options);
  if (!settings) return usage_error(settings.error().message);
  Producer producer(std::move(settings.value()));
  std::size_t recalled = 0;
  for (const std::string& handle : handles) {
    const Result<std::string> result = producer.recall(options.topic, handle);
    if (result) {
      ++recalled;
    } else {
      tell("mqsend: recall of {} failed: [{} {}] {}", handle, result.error().code,
           error_code_name(result.error().code), result.error().message);
    }
    const std::string line = result_line(options, handle, result);
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  std::fflush(stdout);
  producer.close();
  if (recalled == handles.size()) return exit_code::kAllSent;
  return recalled > 0 ? exit_code::kSomeFailed : exit_code::kAllFailed;
}

}  // namespace mqsend::cli
