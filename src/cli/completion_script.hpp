#pragma once
// Shell completion scripts (bash, zsh, fish) written from a CLI11 app's own definitions, so
// that every flag anyone adds is completed without further edits. What a flag's value
// completes to comes from its definition:
//   - a flag taking no value (add_flag) completes nothing after it;
//   - choices: a type name "a|b|c" (->type_name("sync|async|oneway")) or the "{a,b}" that
//     CLI::IsMember puts in it;
//   - file names: a type name or validator naming FILE or PATH, alone or as a choice
//     (->type_name("FILE"), ->check(CLI::ExistingFile), a validator described "FILE|-");
//   - anything else is a value of the user's own: nothing is offered.
// Subcommands are offered as the first word and complete their own flags.
#include <string>
#include <string_view>

#include "cli/cli11_fwd.hpp"

namespace mqsend::cli {

enum class Shell { kBash, kZsh, kFish };

// "bash", "zsh", "fish"; false for anything else.
bool parse_shell(std::string_view name, Shell& shell);

// The completion script of `program` (the command name completed), defined by `app`.
std::string completion_script(const CLI::App& app, std::string_view program, Shell shell);

}  // namespace mqsend::cli
