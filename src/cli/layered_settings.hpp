#pragma once
// Settings from three layers with the precedence flags > environment > config file.
//
// CLI11's own config support reads the file after the environment (file > env), so the two
// lower layers are applied here instead, before parsing: each value is run through its
// option's validators and callback into the bound variable (file first, then environment on
// top), and the option is left "not given". Parsing then lets every flag on the command line
// replace what the layers set; a repeatable flag given on the command line replaces the
// layers' list rather than adding to it.
//
// Keys are the long flag names: "timeout" in the file, MQSEND_TIMEOUT in the environment
// (upper case, '-' as '_'); NAMESRV_ADDR also sets --namesrv (CLI11 applies it at parse time,
// over MQSEND_NAMESRV); a repeatable flag's variable takes several values as a file array,
// MQSEND_PROPERTY='[a=1, b=2]'. The body and how many to send (message, file, input-file,
// count, repeat) are flags only: either lower layer setting them is an error, and
// --print-config leaves them out. The file is --config FILE, else $MQSEND_CONFIG, else
// default_config_path() when that file exists. --help, --version, --config and
// --print-config have no key. A key is the same setting on every command that has the flag.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cli/cli11_fwd.hpp"
#include "cli/config_file.hpp"
#include "client/common/error.hpp"

namespace mqsend::cli {

// What the lower layers set, for --print-config.
struct AppliedSettings {
  std::string config_path;  // the file read, "" when none
  std::map<std::string, std::vector<std::string>> values;  // key -> values, the winning layer's
};

// "MQSEND_" + the key in upper case with '-' as '_'.
std::string environment_name(std::string_view key);

// Applies the file and environment layers to every option of `app` and its subcommands.
// `args` are the command-line arguments without the program name (only --config is looked
// at). Errors (kInvalidArgument): an unreadable or malformed file, an unknown key, a value
// that its flag rejects; the message names the file and line or the variable.
Result<AppliedSettings> apply_setting_layers(CLI::App& app, const std::vector<std::string>& args,
                                             const Environment& environment);

// The effective settings after parsing, as a config file: a comment line naming the sources,
// then one line per key in flag order; secrets (is_secret) print as ******.
std::string effective_config(const CLI::App& app, const AppliedSettings& applied);

}  // namespace mqsend::cli
