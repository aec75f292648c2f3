#include "cli/config_file.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

namespace mqsend::cli {

namespace {

constexpr std::string_view kBlanks = " \t";

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kBlanks) - first + 1);
}

// Reads values off the front of a line's value part.
class ValueScanner {
 public:
  explicit ValueScanner(std::string_view text) : text_(text) {}

  Result<std::vector<std::string>> scalar() {
    auto value = item("#");
    if (!value) return value.error();
    if (Status rest = expect_end()) return *rest;
    return std::vector<std::string>{std::move(value.value())};
  }

  Result<std::vector<std::string>> array() {
    text_.remove_prefix(1);  // '['
    std::vector<std::string> values;
    skip_blanks();
    if (take(']')) return end_of_array(std::move(values));
    while (true) {
      auto value = item(",]#");
      if (!value) return value.error();
      values.push_back(std::move(value.value()));
      skip_blanks();
      if (take(']')) return end_of_array(std::move(values));
      if (!take(',')) return Error{error_code::kInvalidArgument, "expected ',' or ']' in the array"};
      skip_blanks();
      if (take(']')) return end_of_array(std::move(values));  // trailing comma, as TOML allows
    }
  }

 private:
  Result<std::vector<std::string>> end_of_array(std::vector<std::string> values) {
    if (Status rest = expect_end()) return *rest;
    return values;
  }

  // A quoted string, or bare text up to one of `stops` (trimmed).
  Result<std::string> item(std::string_view stops) {
    skip_blanks();
    if (take('"')) return basic_string();
    if (take('\'')) return literal_string();
    const auto end = std::min(text_.find_first_of(stops), text_.size());
    std::string value(trim(text_.substr(0, end)));
    text_.remove_prefix(end);
    return value;
  }

  Result<std::string> basic_string() {
    std::string value;
    while (!text_.empty()) {
      const char c = text_.front();
      text_.remove_prefix(1);
      if (c == '"') return value;
      if (c != '\\') {
        value += c;
        continue;
      }
      if (text_.empty()) break;
      const char escaped = text_.front();
      text_.remove_prefix(1);
      switch (escaped) {
        case '\\': value += '\\'; break;
        case '"': value += '"'; break;
        case 'n': value += '\n'; break;
        case 't': value += '\t'; break;
        case 'r': value += '\r'; break;
        default:
          return Error{error_code::kInvalidArgument,
                       fmt::format("unknown escape '\\{}' (use \\\\ for a backslash)", escaped)};
      }
    }
    return Error{error_code::kInvalidArgument, "unterminated \"string\""};
  }

  Result<std::string> literal_string() {
    const auto end = text_.find('\'');
    if (end == std::string_view::npos) return Error{error_code::kInvalidArgument, "unterminated 'string'"};
    std::string value(text_.substr(0, end));
    text_.remove_prefix(end + 1);
    return value;
  }

  Status expect_end() {
    skip_blanks();
    if (text_.empty() || text_.front() == '#') return std::nullopt;
    return Error{error_code::kInvalidArgument,
                 fmt::format("unexpected '{}' after the value", std::string(text_))};
  }

  void skip_blanks() {
    while (!text_.empty() && kBlanks.find(text_.front()) != std::string_view::npos) text_.remove_prefix(1);
  }

  bool take(char c) {
    if (text_.empty() || text_.front() != c) return false;
    text_.remove_prefix(1);
    return true;
  }

  std::string_view text_;
};

bool valid_key(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

Result<ConfigEntry> parse_line(std::string_view line, int number) {
  const auto equals = line.find('=');
  if (equals == std::string_view::npos) {
    return Error{error_code::kInvalidArgument, "expected 'key = value'"};
  }
  ConfigEntry entry;
  entry.line = number;
  entry.key = std::string(trim(line.substr(0, equals)));
  std::replace(entry.key.begin(), entry.key.end(), '_', '-');
  if (!valid_key(entry.key)) {
    return Error{error_code::kInvalidArgument, fmt::format("bad key '{}'", entry.key)};
  }
  const std::string_view value = trim(line.substr(equals + 1));
  entry.array = !value.empty() && value.front() == '[';
  ValueScanner scanner(value);
  auto values = entry.array ? scanner.array() : scanner.scalar();
  if (!values) return Error{values.error().code, entry.key + ": " + values.error().message};
  entry.values = std::move(values.value());
  return entry;
}

bool is_bare_word(const std::string& value) {
  if (value == "true" || value == "false") return true;
  if (value.empty()) return false;
  char* end = nullptr;
  std::strtod(value.c_str(), &end);
  return end == value.c_str() + value.size() && value.find_first_of(" \t") == std::string::npos;
}

std::string quoted(const std::string& value) {
  std::string out = "\"";
  for (const char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out + '"';
}

std::string config_value(const std::string& value) {
  return is_bare_word(value) ? value : quoted(value);
}

}  // namespace

Result<std::vector<ConfigEntry>> parse_config(std::string_view text) {
  std::vector<ConfigEntry> entries;
  std::set<std::string> seen;
  int number = 0;
  while (!text.empty()) {
    const auto end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[') {
      return Error{error_code::kInvalidArgument,
                   fmt::format("line {}: sections are not supported; every key is a long flag name", number)};
    }
    auto entry = parse_line(line, number);
    if (!entry) return Error{entry.error().code, fmt::format("line {}: {}", number, entry.error().message)};
    if (!seen.insert(entry->key).second) {
      return Error{error_code::kInvalidArgument,
                   fmt::format("line {}: {} is set twice (use an array for several values)", number, entry->key)};
    }
    entries.push_back(std::move(entry.value()));
  }
  return entries;
}

Result<std::vector<std::string>> parse_config_array(std::string_view text) {
  return ValueScanner(text).array();
}

Result<std::vector<ConfigEntry>> read_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{error_code::kInvalidArgument, "cannot read config file " + path};
  std::ostringstream text;
  text << in.rdbuf();
  auto entries = parse_config(text.str());
  if (!entries) return Error{entries.error().code, "config file " + path + ", " + entries.error().message};
  return entries;
}

std::string format_config_line(const std::string& key, const std::vector<std::string>& values,
                               bool array) {
  if (!array) return key + " = " + config_value(values.empty() ? std::string() : values.back());
  std::string line = key + " = [";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) line += ", ";
    line += config_value(values[i]);
  }
  return line + "]";
}

Environment process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::string default_config_path(const Environment& environment) {
  if (auto xdg = environment("XDG_CONFIG_HOME"); xdg && !xdg->empty()) return *xdg + "/mqsend/config";
  if (auto home = environment("HOME"); home && !home->empty()) return *home + "/.config/mqsend/config";
  return "";
}

}  // namespace mqsend::cli
