#pragma once
// Integration-test harness: runs the real mqsend binary and the bundled test cluster as child
// processes, and talks to the cluster's control port.
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace mqsend::test {

// How many times slower than plain the programs may run in this build (tests/CMakeLists.txt:
// 3 under ThreadSanitizer, else 1). The harness multiplies its kill limits by it; a timing
// check may widen its slack by it, never the bound the check is about.
inline constexpr int kTimeScale = MQSEND_TEST_TIME_SCALE;

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by the time limit
  std::string out;
  std::string err;
  std::chrono::milliseconds elapsed{0};
};

// Runs `argv` (argv[0] is the program path) with `input` on stdin; kills it after `limit`
// (times kTimeScale).
// `env` entries "K=V" are added to the environment; "K=" removes K.
// `stdout_read_delay`: the child's stdout is not read for that long after the start (a slow
// reader: once the pipe buffer is full, the child's writes block); stderr is read throughout.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input = "",
                          std::chrono::milliseconds limit = std::chrono::seconds(30),
                          const std::vector<std::string>& env = {},
                          std::chrono::milliseconds stdout_read_delay = std::chrono::milliseconds(0));

// The mqsend binary under test: $MQSEND_TEST_BIN when set (to run the suite against another
// build, e.g. the previous commit's, and see which tests fail there), else this build's.
std::string mqsend_bin();

// Runs mqsend with `args`.
ProcessResult run_mqsend(const std::vector<std::string>& args, const std::string& input = "",
                         const std::vector<std::string>& env = {});

// mqsend with a stdin pipe the test writes to over time (long streams); stdout and stderr are
// collected as they come. The destructor kills it if wait() was not called.
class MqsendProcess {
 public:
  explicit MqsendProcess(const std::vector<std::string>& args,
                         const std::vector<std::string>& env = {});
  ~MqsendProcess();
  MqsendProcess(const MqsendProcess&) = delete;
  MqsendProcess& operator=(const MqsendProcess&) = delete;

  // Writes all of `data` to mqsend's stdin.
  void write(const std::string& data);
  void close_stdin();
  // Sends `signal_number` (e.g. SIGINT) to mqsend.
  void signal(int signal_number) const;
  // Output collected so far (stdout, stderr).
  std::string out_so_far();
  std::string err_so_far();
  // Closes stdin and waits for the exit; kills mqsend after `limit` times kTimeScale (exit_code -1).
  ProcessResult wait(std::chrono::milliseconds limit = std::chrono::seconds(60));

 private:
  void collect(int fd, std::string& sink);

  int pid_ = -1;
  int stdin_fd_ = -1;
  std::chrono::steady_clock::time_point start_;
  std::mutex mutex_;
  std::string out_;
  std::string err_;
  std::thread out_reader_;
  std::thread err_reader_;
};

// Polls `condition` every few ms until it holds or `limit` has passed; returns whether it held.
// For waiting on an effect the test cannot be told about (the cluster's logs and stores).
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds limit);

// The first `lines` lines of `text`, "...", and its last line (mqsend's summary): stderr with a
// line per failed record, shortened for a failure message.
std::string first_lines_and_last(const std::string& text, int lines);

// Every JSON line of `text`.
std::vector<nlohmann::json> json_lines(const std::string& text);

// A running mqsend-testcluster, stopped (SIGTERM, then waited for) by the destructor.
class TestCluster {
 public:
  explicit TestCluster(const std::vector<std::string>& args = {"--brokers", "2", "--auto-create-topic"});
  ~TestCluster();
  TestCluster(const TestCluster&) = delete;
  TestCluster& operator=(const TestCluster&) = delete;

  const nlohmann::json& ready() const { return ready_; }
  std::string namesrv() const { return ready_.at("namesrv").get<std::string>(); }
  std::string broker_addr(const std::string& name) const;

  // Sends one control command, returns its reply.
  nlohmann::json control(const nlohmann::json& command) const;
  // The messages the brokers stored for `topic` (control "messages").
  std::vector<nlohmann::json> messages(const std::string& topic) const;
  // Their bodies, decoded, as stored (a compressed body stays compressed).
  std::multiset<std::string> stored_bodies(const std::string& topic) const;
  // The request log (control "log").
  std::vector<nlohmann::json> log() const;
  // How many logged requests carry request code `code`.
  int requests_with_code(int code) const;
  // Waits up to `limit` until at least `count` logged requests carry `code`; false if they never did.
  bool wait_for_requests(int code, int count, std::chrono::milliseconds limit) const;
  // Send requests (codes 10, 310, 320) logged per listener target ("broker-a", "broker-a-vip").
  std::map<std::string, int> sends_per_target() const;
  // A status counter of broker `broker` by JSON pointer, e.g. "/transactions/checks_sent" or
  // "/replies/pushed" (control "status").
  std::int64_t broker_counter(const std::string& broker, const std::string& pointer) const;
  // Waits up to `limit` until that counter is at least `count`; false if it never was.
  bool wait_for_counter(const std::string& broker, const std::string& pointer, std::int64_t count,
                        std::chrono::milliseconds limit) const;
  // Control "reply": the broker that replied to the stored request, or the error reply.
  nlohmann::json reply(const std::string& correlation_id, const std::string& body) const;

  // Stops the cluster and returns its exit code.
  int stop();

 private:
  int pid_ = -1;
  int stdout_fd_ = -1;
  nlohmann::json ready_;
};

std::string base64_decode(const std::string& text);

// A file's bytes ("" when it cannot be read), and a file made of `bytes`.
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& bytes);

// How often `needle` occurs in `text` (non-overlapping).
std::size_t count_occurrences(const std::string& text, const std::string& needle);

// A path under /tmp unique to this test process: /tmp/mqsend-it-<pid>-<name>.
std::string temp_path(const std::string& name);

// The flags a CLI11 `--help` lists on its option lines ("  -n,--namesrv TEXT ..."): the long
// names, and with `with_short` the short ones too.
std::set<std::string> help_flags(const std::string& help, bool with_short = false);

// `args` preceded by -n and the cluster's name server.
std::vector<std::string> with_namesrv(const TestCluster& cluster, std::vector<std::string> args);

}  // namespace mqsend::test
