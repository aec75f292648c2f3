// Runs a libFuzzer target without libFuzzer: every file given (directories are walked) is fed to
// LLVMFuzzerTestOneInput, then a fixed set of mutations of each — bit flips, truncations and
// overwritten 32-bit length words — so the ordinary test suite exercises the target.
// A crash or sanitizer report fails the run; otherwise the exit status is 0.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

constexpr int kBitFlipsPerSeed = 48;
constexpr int kTruncationsPerSeed = 16;
constexpr int kWordOverwritesPerSeed = 24;
// Values that break length words: negative, zero, below the minimum, just past a frame's limit.
constexpr std::uint32_t kHostileWords[] = {0x00000000, 0x00000003, 0x00000004, 0xFFFFFFFF,
                                           0x80000000, 0x7FFFFFFF, 0x00FFFFFD, 0x01000000,
                                           0x00FFFFFF, 0x02000000, 0x0000FFFF, 0x00000001};

std::vector<std::string> read_inputs(int argc, char** argv) {
  std::vector<std::filesystem::path> paths;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path argument(argv[i]);
    if (std::filesystem::is_directory(argument)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(argument)) {
        if (entry.is_regular_file()) paths.push_back(entry.path());
      }
    } else {
      paths.push_back(argument);
    }
  }
  std::sort(paths.begin(), paths.end());  // a reproducible order
  std::vector<std::string> inputs;
  for (const auto& path : paths) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream content;
    content << file.rdbuf();
    inputs.push_back(content.str());
  }
  return inputs;
}

void run(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
}

// Deterministic pseudo-random positions (xorshift32), the same on every run.
class Positions {
 public:
  std::size_t below(std::size_t bound) {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return bound == 0 ? 0 : state_ % bound;
  }

 private:
  std::uint32_t state_ = 0x9E3779B9;
};

std::size_t run_mutations(const std::string& seed, Positions& positions) {
  std::size_t runs = 0;
  if (seed.empty()) return runs;
  for (int i = 0; i < kBitFlipsPerSeed; ++i, ++runs) {
    std::string mutant = seed;
    // Half the flips hit the first 16 bytes, where the frame words and fixed header fields are.
    const std::size_t at = positions.below(i % 2 == 0 ? std::min<std::size_t>(seed.size(), 16) : seed.size());
    mutant[at] = static_cast<char>(mutant[at] ^ (1u << (i % 8)));
    run(mutant);
  }
  for (int i = 0; i < kTruncationsPerSeed; ++i, ++runs) {
    run(seed.substr(0, i < 8 ? static_cast<std::size_t>(i) : positions.below(seed.size())));
  }
  for (int i = 0; i < kWordOverwritesPerSeed; ++i, ++runs) {
    std::string mutant = seed;
    // The two frame words first, then words anywhere (binary header lengths).
    const std::size_t at = i < 2 * 6 ? (i % 2) * 4 : positions.below(seed.size());
    const std::uint32_t word = kHostileWords[positions.below(std::size(kHostileWords))];
    for (std::size_t byte = 0; byte < 4 && at + byte < mutant.size(); ++byte) {
      mutant[at + byte] = static_cast<char>(word >> (24 - 8 * byte));
    }
    run(mutant);
  }
  return runs;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> inputs = read_inputs(argc, argv);
  if (inputs.empty()) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIRECTORY...\n", argv[0]);
    return 2;
  }
  std::size_t runs = 0;
  for (const auto& input : inputs) {
    run(input);
    ++runs;
  }
  Positions positions;
  for (const auto& input : inputs) runs += run_mutations(input, positions);
  std::printf("%zu inputs, %zu runs, no crash\n", inputs.size(), runs);
  return 0;
}
