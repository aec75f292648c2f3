// --compress zlib|lz4|zstd against the bundled cluster: the stored sysFlag carries the type
// bits RocketMQ 5 sets, and the stored body decodes to what was sent.
#include <catch2/catch.hpp>

#include <string>

#include "client/producer/compression.hpp"
#include "harness.hpp"

using mqsend::test::base64_decode;
using mqsend::test::run_mqsend;
using mqsend::test::temp_path;
using mqsend::test::TestCluster;
using mqsend::test::with_namesrv;
using mqsend::test::write_file;

namespace {

std::string log_lines(std::size_t size) {
  std::string body;
  for (int i = 0; body.size() < size; ++i) {
    body += "2026-12-01T17:00:00." + std::to_string(i % 1000) + "Z INFO [worker-" + std::to_string(i % 8) +
            "] order=" + std::to_string(10000 + i * 37) + " user=u" + std::to_string(i % 97) + " status=OK\n";
  }
  return body.substr(0, size);
}

}  // namespace

TEST_CASE("compression types: each is stored with its sysFlag bits and decodes to the body", "[integration][compression]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Z:1"});
  const std::string body = log_lines(10240);
  const std::string file = temp_path("body-10k");
  write_file(file, body);
  struct Case {
    std::vector<std::string> flags;
    int sys_flag;
  };
  const std::vector<Case> cases = {
      {{}, 0x301},  // the default: zlib, with the type bits a 4.9.4+ Java client sets
      {{"--compress", "zlib", "--compress-level", "9"}, 0x301},
      {{"--compress", "lz4"}, 0x101},
      {{"--compress", "ZSTD", "--compress-level", "3"}, 0x201},
  };
  for (const Case& c : cases) {
    REQUIRE(cluster.control({{"cmd", "reset_messages"}}).at("ok") == true);
    std::vector<std::string> args{"-t", "Z", "--file", file};
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    const auto run = run_mqsend(with_namesrv(cluster, args));
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    const auto stored = cluster.messages("Z");
    REQUIRE(stored.size() == 1);
    CHECK(stored[0].at("sys_flag") == c.sys_flag);
    const std::string wire = base64_decode(stored[0].at("body").get<std::string>());
    CHECK(wire.size() < body.size() / 2);
    auto decoded = mqsend::decompress_body(c.sys_flag, wire, 1 << 20);
    REQUIRE(decoded);
    CHECK(decoded.value() == body);
    // The cluster decodes each type too, as a consumer would.
    CHECK(base64_decode(stored[0].at("body_decoded").get<std::string>()) == body);
  }
  // Under --compress-over a body goes as it is, whatever the type.
  REQUIRE(cluster.control({{"cmd", "reset_messages"}}).at("ok") == true);
  REQUIRE(run_mqsend(with_namesrv(cluster, {"-t", "Z", "--compress", "lz4", "-m", "short"})).exit_code == 0);
  CHECK(cluster.messages("Z").at(0).at("sys_flag") == 0);
}

TEST_CASE("compression types: a level the type does not take is a usage error", "[integration][compression]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Z:1"});
  for (const std::vector<std::string>& flags : std::vector<std::vector<std::string>>{
           {"--compress", "lz4", "--compress-level", "5"},
           {"--compress", "zlib", "--compress-level", "10"},
           {"--compress", "zstd", "--compress-level", "23"},
           {"--compress", "snappy"}}) {
    std::vector<std::string> args{"-t", "Z", "-m", "x"};
    args.insert(args.end(), flags.begin(), flags.end());
    const auto run = run_mqsend(with_namesrv(cluster, args));
    INFO(run.err);
    CHECK(run.exit_code == 2);
  }
  CHECK(cluster.messages("Z").empty());
}
