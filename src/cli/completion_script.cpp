#include "cli/completion_script.hpp"

#include <algorithm>
#include <cctype>
#include <regex>
#include <sstream>
#include <vector>

#include <CLI/CLI.hpp>

namespace mqsend::cli {

namespace {

// What a flag's value completes to.
enum class ValueKind { kNone, kFree, kFile, kChoices };

struct Flag {
  std::vector<std::string> names;  // "-n", "--namesrv"
  std::string summary;             // the description's first words, safe to quote in any shell
  ValueKind value = ValueKind::kNone;
  std::vector<std::string> choices;
};

struct Command {
  std::string name;  // "" for the program itself
  std::string summary;
  std::vector<Flag> flags;
  bool takes_arguments = false;  // has positionals (recall's handles)
};

// Up to the first character that would need quoting somewhere, at most ~60 characters.
std::string summary_of(const std::string& description) {
  std::string summary = description.substr(0, description.find_first_of(":;([{'\"`$\\\n"));
  if (summary.size() > 60) summary = summary.substr(0, summary.rfind(' ', 60));
  while (!summary.empty() && (summary.back() == ' ' || summary.back() == ',')) summary.pop_back();
  return summary;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::istringstream in(text);
  for (std::string part; std::getline(in, part, separator);) parts.push_back(part);
  return parts;
}

void classify_value(const CLI::Option& option, Flag& flag) {
  if (option.get_items_expected_max() == 0) return;  // a flag (add_flag expects no value)
  flag.value = ValueKind::kFree;
  static const std::regex kBarChoices(R"([A-Za-z0-9._-]+(\|[A-Za-z0-9._-]+)+)");
  static const std::regex kBraceChoices(R"(\{[A-Za-z0-9._-]+(,[A-Za-z0-9._-]+)*\})");
  for (const std::string& part : split(option.get_type_name(), ':')) {
    const std::vector<std::string> alternatives = split(part, '|');  // "FILE|-": a file or stdin
    if (std::any_of(alternatives.begin(), alternatives.end(),
                    [](const std::string& word) { return word == "FILE" || word == "PATH"; })) {
      flag.value = ValueKind::kFile;
      return;
    }
    if (std::regex_match(part, kBarChoices)) {
      flag.choices = split(part, '|');
    } else if (std::regex_match(part, kBraceChoices)) {
      flag.choices = split(part.substr(1, part.size() - 2), ',');
    }
    if (!flag.choices.empty()) {
      flag.value = ValueKind::kChoices;
      return;
    }
  }
}

Command command_of(const CLI::App& app, std::string name) {
  Command command{std::move(name), summary_of(app.get_description()), {}, false};
  for (const CLI::Option* option : app.get_options()) {
    if (!option->nonpositional()) {
      command.takes_arguments = true;
      continue;
    }
    Flag flag;
    for (const std::string& name : option->get_snames()) flag.names.push_back("-" + name);
    for (const std::string& name : option->get_lnames()) flag.names.push_back("--" + name);
    flag.summary = summary_of(option->get_description());
    classify_value(*option, flag);
    command.flags.push_back(std::move(flag));
  }
  return command;
}

std::vector<Command> commands_of(const CLI::App& app) {
  std::vector<Command> commands{command_of(app, "")};
  for (const CLI::App* subcommand : app.get_subcommands([](const CLI::App*) { return true; })) {
    commands.push_back(command_of(*subcommand, subcommand->get_name()));
  }
  return commands;
}

std::string joined(const std::vector<std::string>& words, const char* separator) {
  std::string out;
  for (const std::string& word : words) out += (out.empty() ? "" : separator) + word;
  return out;
}

std::vector<std::string> subcommand_names(const std::vector<Command>& commands) {
  std::vector<std::string> names;
  for (std::size_t i = 1; i < commands.size(); ++i) names.push_back(commands[i].name);
  return names;
}

// A shell function name for the program: mqsend-testcluster -> _mqsend_testcluster.
std::string function_prefix(std::string_view program) {
  std::string prefix = "_";
  for (const char c : program) prefix += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return prefix;
}

std::string bash_script(const std::vector<Command>& commands, std::string_view program) {
  const std::string fn = function_prefix(program);
  const std::string subcommands = joined(subcommand_names(commands), "|");
  std::ostringstream out;
  out << "# bash completion for " << program << ", generated from its CLI11 definitions by\n"
      << "# mqsend-completion (src/cli/completion_script.cpp)             -*- shell-script -*-\n\n"
      << "# The flags of command $1 ('' for " << program << " itself).\n"
      << fn << "_flags() {\n    case $1 in\n";
  for (const Command& command : commands) {
    std::vector<std::string> names;
    for (const Flag& flag : command.flags) names.insert(names.end(), flag.names.begin(), flag.names.end());
    out << "        '" << command.name << "') echo '" << joined(names, " ") << "' ;;\n";
  }
  out << "    esac\n}\n\n"
      << "# What the value of flag $2 of command $1 completes to: its choices, @file, @value (the\n"
      << "# user's own); nothing for a flag that takes no value.\n"
      << fn << "_value() {\n    case $1 in\n";
  for (const Command& command : commands) {
    out << "        '" << command.name << "') case $2 in\n";
    for (const Flag& flag : command.flags) {
      if (flag.value == ValueKind::kNone) continue;
      out << "            " << joined(flag.names, "|") << ") echo '"
          << (flag.value == ValueKind::kFile   ? std::string("@file")
              : flag.value == ValueKind::kFree ? std::string("@value")
                                               : joined(flag.choices, " "))
          << "' ;;\n";
    }
    out << "        esac ;;\n";
  }
  out << "    esac\n}\n\n"
      << fn << "() {\n"
      << "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} command= i\n";
  if (!subcommands.empty()) {
    out << "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
        << "        case ${COMP_WORDS[i]} in " << subcommands << ") command=${COMP_WORDS[i]} ;; esac\n"
        << "    done\n";
  }
  out << "    # --flag=value is one word, or three when '=' is in COMP_WORDBREAKS.\n"
      << "    local flag=$prev value=$cur prefix= kind\n"
      << "    if [[ $cur == -*=* ]]; then\n"
      << "        flag=${cur%%=*} value=${cur#*=} prefix=${cur%%=*}=\n"
      << "    elif [[ $cur == = ]]; then\n"
      << "        value=\n"
      << "    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then\n"
      << "        flag=${COMP_WORDS[COMP_CWORD-2]}\n"
      << "    fi\n"
      << "    kind=$(" << fn << "_value \"$command\" \"$flag\")\n"
      << "    case $kind in\n"
      << "        '') ;;\n"
      << "        @value) return ;;\n"
      << "        @file) COMPREPLY=($(compgen -f -P \"$prefix\" -- \"$value\")); compopt -o filenames 2>/dev/null; return ;;\n"
      << "        *) COMPREPLY=($(compgen -P \"$prefix\" -W \"$kind\" -- \"$value\")); return ;;\n"
      << "    esac\n"
      << "    if [[ $cur == -* ]]; then\n"
      << "        COMPREPLY=($(compgen -W \"$(" << fn << "_flags \"$command\")\" -- \"$cur\"))\n";
  if (!subcommands.empty()) {
    out << "    elif [[ -z $command ]]; then\n"
        << "        COMPREPLY=($(compgen -W '" << joined(subcommand_names(commands), " ") << "' -- \"$cur\"))\n";
  }
  out << "    fi\n}\ncomplete -F " << fn << " " << program << "\n";
  return out.str();
}

std::string zsh_spec(const Flag& flag, const std::string& name) {
  const bool is_long = name.rfind("--", 0) == 0;
  std::string spec = "*" + name;
  if (flag.value != ValueKind::kNone) spec += is_long ? "=" : "+";
  spec += "[" + flag.summary + "]";
  switch (flag.value) {
    case ValueKind::kNone: break;
    case ValueKind::kFree: spec += ":value: "; break;
    case ValueKind::kFile: spec += ":file:_files"; break;
    case ValueKind::kChoices: spec += ":value:(" + joined(flag.choices, " ") + ")"; break;
  }
  return "'" + spec + "'";
}

std::string zsh_script(const std::vector<Command>& commands, std::string_view program) {
  const std::string fn = function_prefix(program);
  const std::string subcommands = joined(subcommand_names(commands), "|");
  std::ostringstream out;
  out << "#compdef " << program << "\n"
      << "# zsh completion for " << program << ", generated from its CLI11 definitions by\n"
      << "# mqsend-completion (src/cli/completion_script.cpp)\n\n"
      << fn << "() {\n    local command= i\n    local -a specs\n";
  if (!subcommands.empty()) {
    out << "    for ((i = 2; i < CURRENT; i++)); do\n"
        << "        case ${words[i]} in " << subcommands << ") command=${words[i]}; break ;; esac\n"
        << "    done\n"
        << "    if [[ -n $command ]]; then  # complete the subcommand's words as its own command line\n"
        << "        words=(\"${words[1]}\" \"${(@)words[i+1,-1]}\")\n"
        << "        (( CURRENT -= i - 1 ))\n"
        << "    fi\n";
  }
  out << "    case $command in\n";
  for (const Command& command : commands) {
    out << "        '" << command.name << "') specs=(\n";
    for (const Flag& flag : command.flags) {
      for (const std::string& name : flag.names) out << "            " << zsh_spec(flag, name) << "\n";
    }
    if (command.name.empty() && !subcommands.empty()) {
      std::vector<std::string> described;
      for (std::size_t i = 1; i < commands.size(); ++i) {
        described.push_back(commands[i].name + "\\:\"" + commands[i].summary + "\"");
      }
      out << "            '1:command:((" << joined(described, " ") << "))'\n";
    } else if (command.takes_arguments) {
      out << "            '*:argument: '\n";
    }
    out << "        ) ;;\n";
  }
  out << "    esac\n    _arguments -S : \"${specs[@]}\"\n}\n\n" << fn << " \"$@\"\n";
  return out.str();
}

std::string fish_script(const std::vector<Command>& commands, std::string_view program) {
  const std::string fn = function_prefix(program).substr(1);
  std::ostringstream out;
  out << "# fish completion for " << program << ", generated from its CLI11 definitions by\n"
      << "# mqsend-completion (src/cli/completion_script.cpp)\n\n"
      << "# Succeeds when the command being completed is $argv[1] ('' for " << program << " itself).\n"
      << "function __" << fn << "_command_is\n"
      << "    set -l command ''\n"
      << "    for word in (commandline -opc)[2..-1]\n"
      << "        if contains -- $word " << joined(subcommand_names(commands), " ") << "\n"
      << "            set command $word\n"
      << "            break\n"
      << "        end\n"
      << "    end\n"
      << "    test \"$command\" = \"$argv[1]\"\n"
      << "end\n\n"
      << "complete -c " << program << " -f\n";
  for (std::size_t i = 1; i < commands.size(); ++i) {
    out << "complete -c " << program << " -n \"__" << fn << "_command_is ''\" -a " << commands[i].name
        << " -d '" << commands[i].summary << "'\n";
  }
  for (const Command& command : commands) {
    for (const Flag& flag : command.flags) {
      out << "complete -c " << program << " -n \"__" << fn << "_command_is '" << command.name << "'\"";
      for (const std::string& name : flag.names) {
        out << (name.rfind("--", 0) == 0 ? " -l " + name.substr(2) : " -s " + name.substr(1));
      }
      switch (flag.value) {
        case ValueKind::kNone: break;
        case ValueKind::kFree: out << " -x"; break;
        case ValueKind::kFile: out << " -r -F"; break;
        case ValueKind::kChoices: out << " -x -a '" << joined(flag.choices, " ") << "'"; break;
      }
      out << " -d '" << flag.summary << "'\n";
    }
  }
  return out.str();
}

}  // namespace

bool parse_shell(std::string_view name, Shell& shell) {
  if (name == "bash") shell = Shell::kBash;
  else if (name == "zsh") shell = Shell::kZsh;
  else if (name == "fish") shell = Shell::kFish;
  else return false;
  return true;
}

std::string completion_script(const CLI::App& app, std::string_view program, Shell shell) {
  const std::vector<Command> commands = commands_of(app);
  switch (shell) {
    case Shell::kBash: return bash_script(commands, program);
    case Shell::kZsh: return zsh_script(commands, program);
    case Shell::kFish: return fish_script(commands, program);
  }
  return "";
}

}  // namespace mqsend::cli
