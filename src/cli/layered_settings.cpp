#include "cli/layered_settings.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/options.hpp"

namespace mqsend::cli {

namespace {

const std::set<std::string, std::less<>> kKeyless = {"help", "version", "config", "print-config"};
// What to send, how much, and whether at all, is said on each command line: a body, a cap or a
// --dry-run inherited from the environment or a config file would silently replace stdin or -l
// (a cron job's, say), or send nothing.
const std::set<std::string, std::less<>> kFlagOnly = {"message", "file",        "input-file", "count",
                                                      "repeat",  "size",        "no-template", "dry-run"};
constexpr std::string_view kMask = "******";

// Every keyed option of an app and its subcommands, grouped by key in definition order.
template <typename OptionPointer>
struct KeyedOptions {
  std::vector<std::string> order;
  std::map<std::string, std::vector<OptionPointer>> by_key;
};

template <typename App, typename OptionPointer>
void collect_options(App& app, KeyedOptions<OptionPointer>& keyed) {
  for (OptionPointer option : app.get_options()) {
    if (option->get_lnames().empty()) continue;
    const std::string& key = option->get_lnames().front();
    if (kKeyless.count(key) != 0) continue;
    auto& options = keyed.by_key[key];
    if (options.empty()) keyed.order.push_back(key);
    options.push_back(option);
  }
  for (auto* subcommand : app.get_subcommands([](auto*) { return true; })) {
    collect_options(*subcommand, keyed);
  }
}

bool is_flag(const CLI::Option& option) { return option.get_items_expected_max() == 0; }
bool is_list(const CLI::Option& option) { return option.get_items_expected_max() > 1; }

// As CLI11 shows defaults: "[a,b]" for lists.
std::string display_value(const std::vector<std::string>& values, bool list) {
  if (!list) return values.empty() ? std::string() : values.back();
  std::string text = "[";
  for (std::size_t i = 0; i < values.size(); ++i) text += (i > 0 ? "," : "") + values[i];
  return text + "]";
}

// The value an option had before any layer: its captured default.
std::vector<std::string> default_values(const CLI::Option& option) {
  const std::string& text = option.get_default_str();
  if (is_flag(option)) return {text.empty() ? "false" : text};
  if (!is_list(option)) return {text};
  std::vector<std::string> values;
  std::string_view items(text);
  if (items.size() >= 2 && items.front() == '[' && items.back() == ']') items = items.substr(1, items.size() - 2);
  while (!items.empty()) {
    const auto comma = std::min(items.find(','), items.size());
    values.emplace_back(items.substr(0, comma));
    items.remove_prefix(std::min(comma + 1, items.size()));
  }
  return values;
}

// Runs `values` through the option's validators and callback into its variable, and leaves
// the option not given, so that the command line still replaces it. The value the option
// already holds is accepted as is: defaults need not pass the validators (--queue-id and
// --file have ""), and --print-config output must read back.
Status apply_value(CLI::Option& option, const std::vector<std::string>& values, const std::string& source) {
  if (values == default_values(option)) return std::nullopt;
  if (!is_list(option) && values.size() != 1) {
    return Error{error_code::kInvalidArgument, source + ": takes one value, not a list"};
  }
  try {
    option.clear();
    option.add_result(values);
    option.run_callback();
  } catch (const CLI::Error& error) {
    option.clear();
    return Error{error_code::kInvalidArgument, source + ": " + error.what()};
  }
  option.clear();
  if (!is_secret(option)) option.default_str(display_value(values, is_list(option)));
  return std::nullopt;
}

// The value a flag-only setting may have in a layer: its default, which changes nothing, so that
// config files --print-config wrote before still read. -l was one path before it was
// repeatable: its old default, "", is one too.
bool is_default_value(const std::string& key, const CLI::Option& option, const std::vector<std::string>& values) {
  return values == default_values(option) || (key == "input-file" && values == std::vector<std::string>{""});
}

Status apply_to_all(const std::string& key, const std::vector<CLI::Option*>& options,
                    const std::vector<std::string>& values, const std::string& source) {
  if (kFlagOnly.count(key) != 0) {
    if (is_default_value(key, *options.front(), values)) return std::nullopt;
    return Error{error_code::kInvalidArgument,
                 fmt::format("{}: --{} is a command-line flag only: what to send never comes from the "
                             "environment or a config file",
                             source, key)};
  }
  for (CLI::Option* option : options) {
    if (Status error = apply_value(*option, values, source)) return error;
  }
  return std::nullopt;
}

// A repeatable flag's variable may hold several values as a config file array, [a, "b"];
// anything else is one value.
Result<std::vector<std::string>> environment_values(const CLI::Option& option, const std::string& value) {
  if (is_list(option) && value.front() == '[') return parse_config_array(value);
  return std::vector<std::string>{value};
}

std::optional<std::string> config_flag(const std::vector<std::string>& args) {
  std::optional<std::string> path;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") break;
    if (arg == "--config" && i + 1 < args.size()) {
      path = args[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      path = arg.substr(9);
    }
  }
  return path;
}

// The file layer's path, "" for none. An explicitly named file must exist.
std::string config_path(const std::vector<std::string>& args, const Environment& environment) {
  if (auto flag = config_flag(args)) return *flag;
  if (auto variable = environment("MQSEND_CONFIG"); variable && !variable->empty()) return *variable;
  std::string fallback = default_config_path(environment);
  return !fallback.empty() && access(fallback.c_str(), F_OK) == 0 ? fallback : "";
}

}  // namespace

std::string environment_name(std::string_view key) {
  std::string name = "MQSEND_";
  for (const char c : key) name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

Result<AppliedSettings> apply_setting_layers(CLI::App& app, const std::vector<std::string>& args,
                                             const Environment& environment) {
  KeyedOptions<CLI::Option*> keyed;
  collect_options(app, keyed);
  AppliedSettings applied;
  applied.config_path = config_path(args, environment);
  if (!applied.config_path.empty()) {
    auto entries = read_config_file(applied.config_path);
    if (!entries) return entries.error();
    for (const ConfigEntry& entry : *entries) {
      const std::string source =
          fmt::format("config file {}, line {}: {}", applied.config_path, entry.line, entry.key);
      auto options = keyed.by_key.find(entry.key);
      if (options == keyed.by_key.end()) {
        return Error{error_code::kInvalidArgument,
                     fmt::format("config file {}, line {}: unknown key '{}' (keys are the long flag names)",
                                 applied.config_path, entry.line, entry.key)};
      }
      if (Status error = apply_to_all(entry.key, options->second, entry.values, source)) return *error;
      applied.values[entry.key] = entry.values;
    }
  }
  for (const std::string& key : keyed.order) {
    const std::string name = environment_name(key);
    auto value = environment(name);
    if (!value || value->empty()) continue;
    const std::string source = "environment " + name;
    const auto& options = keyed.by_key[key];
    auto values = environment_values(*options.front(), *value);
    if (!values) return Error{values.error().code, source + ": " + values.error().message};
    if (Status error = apply_to_all(key, options, *values, source)) return *error;
    applied.values[key] = std::move(values.value());
  }
  return applied;
}

std::string effective_config(const CLI::App& app, const AppliedSettings& applied) {
  KeyedOptions<const CLI::Option*> keyed;
  collect_options(app, keyed);
  std::string text = fmt::format("# mqsend settings: flags > environment (MQSEND_*) > {}\n",
                                 applied.config_path.empty() ? "no config file" : applied.config_path);
  for (const std::string& key : keyed.order) {
    if (kFlagOnly.count(key) != 0) continue;  // the file layer refuses them
    const auto& options = keyed.by_key.at(key);
    const CLI::Option& first = *options.front();
    auto given = std::find_if(options.begin(), options.end(),
                              [](const CLI::Option* option) { return option->count() > 0; });
    auto layered = applied.values.find(key);
    std::vector<std::string> values = given != options.end()       ? (*given)->results()
                                      : layered != applied.values.end() ? layered->second
                                                                        : default_values(first);
    const bool set = std::any_of(values.begin(), values.end(), [](const std::string& v) { return !v.empty(); });
    if (is_secret(first) && set) values = {std::string(kMask)};
    text += format_config_line(key, values, is_list(first)) + "\n";
  }
  return text;
}

}  // namespace mqsend::cli
