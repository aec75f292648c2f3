#include "client/remoting/remoting_command.hpp"

#include <array>

namespace mqsend {

namespace {
// Indexed by the LanguageCode ordinal; the names are Java's LanguageCode enum constants.
constexpr std::array<std::string_view, 14> kLanguageNames = {
    "JAVA", "CPP", "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY",
    "OTHER", "HTTP", "GO", "PHP", "OMS", "RUST", "NODE_JS",
};
}  // namespace

std::string_view language_name(LanguageCode code) {
  const auto ordinal = static_cast<std::size_t>(code);
  // An out-of-range value can only come from a cast; name it like the catch-all.
  return ordinal < kLanguageNames.size() ? kLanguageNames[ordinal] : "OTHER";
}

std::optional<LanguageCode> language_from_name(std::string_view name) {
  for (std::size_t ordinal = 0; ordinal < kLanguageNames.size(); ++ordinal) {
    if (kLanguageNames[ordinal] == name) return static_cast<LanguageCode>(ordinal);
  }
  return std::nullopt;
}

}  // namespace mqsend
