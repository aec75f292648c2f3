#pragma once
// The CLI11 types that the option headers only name (by reference or pointer). CLI11's own
// header costs several seconds of compile time per file (mostly its validator objects), so only
// the .cpp files that define or parse options include <CLI/CLI.hpp>.
namespace CLI {
class App;
class Option;
}  // namespace CLI
