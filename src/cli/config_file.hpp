#pragma once
// mqsend's config file format and location (no CLI11 here: layered_settings.hpp applies it).
//
// Format: one `key = value` per line, keys are the long flag names ("timeout", "namesrv";
// '_' may stand for '-'). Values are bare (up to a '#' comment, trimmed), "basic strings"
// (escapes \\ \" \n \t \r), 'literal strings', or one-line arrays [a, "b", 'c'] for repeatable
// flags. '#' starts a comment line; blank lines are skipped; [sections] and repeated keys are
// errors. This is the subset of TOML that CLI11 writes.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/common/error.hpp"

namespace mqsend::cli {

struct ConfigEntry {
  std::string key;                  // normalized: '_' became '-'
  std::vector<std::string> values;  // one for a scalar, any number for an array
  bool array = false;
  int line = 0;

  bool operator==(const ConfigEntry& other) const {
    return key == other.key && values == other.values && array == other.array && line == other.line;
  }
};

// Errors carry error_code::kInvalidArgument and say "line N: ...".
Result<std::vector<ConfigEntry>> parse_config(std::string_view text);
// Errors name the file.
Result<std::vector<ConfigEntry>> read_config_file(const std::string& path);

// A one-line array as in the file, "[a, \"b\", 'c']", for a repeatable flag's environment variable.
Result<std::vector<std::string>> parse_config_array(std::string_view text);

// One `key = value` line (no newline) that parse_config reads back to the same values:
// numbers and booleans bare, other scalars quoted, arrays when `array`.
std::string format_config_line(const std::string& key, const std::vector<std::string>& values,
                               bool array);

// Environment lookups go through this, so that tests need not touch the process environment.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;
Environment process_environment();

// $XDG_CONFIG_HOME/mqsend/config, else $HOME/.config/mqsend/config; "" when neither is set.
std::string default_config_path(const Environment& environment);

}  // namespace mqsend::cli
