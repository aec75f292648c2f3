#include "cli/probe.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include <fmt/format.h>

#include "cli/diagnostics.hpp"
#include "cli/exit_codes.hpp"
#include "cli/probe_report.hpp"
#include "cli/producer_settings.hpp"
#include "client/producer/name_space.hpp"
#include "client/producer/producer.hpp"
#include "client/route/topic_publish_info.hpp"

namespace mqsend::cli {

namespace {

// A broker's probe: the queues to send to, and how each failed send failed.
struct BrokerRun {
  BrokerProbe probe;
  std::vector<MessageQueue> queues;
  std::vector<int> failure_codes;
};

// The first line only: name server and broker remarks end with a FAQ link on the next.
std::string describe(const Error& error) {
  const std::string_view message(error.message);
  return fmt::format("[{} {}] {}", error.code, error_code_name(error.code), message.substr(0, message.find('\n')));
}

// Failures of the connection rather than of one queue: the broker's other queues would wait
// out the same fate.
bool broker_unreachable(int code) {
  return is_transport_error(code) || error_class(code) == ErrorClass::kTimeout;
}

bool has_writable_queue_data(const TopicRouteData& route, const std::string& broker) {
  return std::any_of(route.queue_datas.begin(), route.queue_datas.end(), [&](const QueueData& queue) {
    return queue.broker_name == broker && (queue.perm & perm::kWrite) != 0 && queue.write_queue_nums > 0;
  });
}

// One run per broker named in the route or in the queue list, sorted by name.
std::vector<BrokerRun> plan_runs(const TopicPublishInfo& info) {
  std::map<std::string, BrokerRun> runs;
  for (const BrokerData& broker : info.route().broker_datas) runs[broker.broker_name].probe.broker = broker.broker_name;
  for (const MessageQueue& queue : info.queues()) {
    BrokerRun& run = runs[queue.broker_name];
    run.probe.broker = queue.broker_name;
    run.queues.push_back(queue);
  }
  std::vector<BrokerRun> sorted;
  for (auto& [name, run] : runs) {
    run.probe.address = info.master_address(name).value_or("");
    run.probe.queues_total = run.queues.size();
    if (run.probe.address.empty() && has_writable_queue_data(info.route(), name)) {
      run.probe.errors.push_back("no master in the route: its writable queues cannot take messages");
      run.failure_codes.push_back(error_code::kBrokerNotExistException);
    }
    sorted.push_back(std::move(run));
  }
  return sorted;
}

// Probes the broker's queues in turn: each send starts from the outcome of the one before.
void probe_queue(Producer& producer, const CommonOptions& options, BrokerRun& run, std::size_t next) {
  if (next == run.queues.size()) return;
  if (!run.failure_codes.empty() && broker_unreachable(run.failure_codes.back())) {
    const std::size_t not_tried = run.queues.size() - next;
    run.failure_codes.insert(run.failure_codes.end(), not_tried, run.failure_codes.back());
    run.probe.errors.push_back(fmt::format("{} more queue(s) not tried: the broker did not answer", not_tried));
    return;
  }
  const MessageQueue& queue = run.queues[next];
  Message message;
  message.topic = options.topic;
  message.body = kProbeBody;
  message.set_tags(options.tags);
  producer.send_to_queue(std::move(message), queue, [&producer, &options, &run, next](SendOutcome outcome) {
    if (outcome.result) {
      ++run.probe.queues_ok;
      run.probe.rt_ms.push_back(static_cast<double>(outcome.latency.count()) / 1000.0);
    } else {
      run.failure_codes.push_back(outcome.result.error().code);
      run.probe.errors.push_back(
          fmt::format("queue {}: {}", run.queues[next].queue_id, describe(outcome.result.error())));
    }
    probe_queue(producer, options, run, next + 1);
  });
}

// Runs the brokers in parallel (one send in flight each), their queues in turn.
std::vector<BrokerProbe> probe_brokers(Producer& producer, const CommonOptions& options,
                                       std::vector<BrokerRun>& runs, RunTally& tally) {
  std::size_t most_queues = 0;
  for (BrokerRun& run : runs) {
    probe_queue(producer, options, run, 0);
    most_queues = std::max(most_queues, run.queues.size());
  }
  // Every send ends within its own budget.
  producer.flush(Producer::Clock::now() + Milliseconds(options.timeout_ms) * (most_queues + 1));
  std::vector<BrokerProbe> brokers;
  for (BrokerRun& run : runs) {
    tally.sent += run.probe.queues_ok;
    for (const int code : run.failure_codes) tally.count_failure(code, is_server_answer(code));
    brokers.push_back(std::move(run.probe));
  }
  return brokers;
}

std::size_t master_brokers(const TopicRouteData& route) {
  return static_cast<std::size_t>(std::count_if(route.broker_datas.begin(), route.broker_datas.end(),
                                                [](const BrokerData& broker) {
                                                  return broker.broker_addrs.count(kMasterBrokerId) != 0;
                                                }));
}

ProbeReport probe_topic(const CliOptions& options, const ProbeOptions& probe,
                        const ProducerOptions& settings) {
  ProbeReport report;
  report.topic = options.topic;
  report.routed_topic = wrap_namespace(options.name_space, options.topic);
  Producer producer(settings);
  Result<TopicRouteData> route = producer.topic_route(options.topic);
  if (!route) {
    report.errors.push_back("no route: " + describe(route.error()));
    report.exit_code = exit_code::kNoRoute;
    return report;
  }
  report.route = *route;
  const TopicPublishInfo info(report.routed_topic, std::move(route.value()));
  std::vector<BrokerRun> runs = plan_runs(info);
  RunTally tally;
  report.brokers = probe_brokers(producer, options, runs, tally);
  const std::size_t masters = master_brokers(*report.route);
  if (!info.ok()) {
    report.errors.push_back("the route has no writable master queue");
    report.exit_code = exit_code::kNoRoute;
  } else if (probe.expect_brokers > 0 && masters < static_cast<std::size_t>(probe.expect_brokers)) {
    report.errors.push_back(fmt::format("expected {} brokers, the route has {}", probe.expect_brokers, masters));
    report.exit_code = exit_code::kFewerBrokers;
  } else {
    report.exit_code = exit_code_for(tally);
  }
  return report;
}

// Failures on stderr too, one line each, so that they show whatever stdout carries.
void print_failures(const ProbeReport& report) {
  for (const std::string& error : report.errors) tell("mqsend: probe {}: {}", report.topic, error);
  for (const BrokerProbe& broker : report.brokers) {
    if (broker.ok()) continue;
    tell("mqsend: probe {}: broker {} ({}): {}/{} queues accepted{}{}", report.topic,
         broker.broker, broker.address.empty() ? "no master" : broker.address, broker.queues_ok,
         broker.queues_total, broker.errors.empty() ? "" : "; ", broker.errors.empty() ? "" : broker.errors.front());
  }
}

}  // namespace

const char* probe_exit_code_help() {
  return "Exit codes (first that applies):\n"
         "  0  every writable queue accepted its message\n"
         "  2  usage error\n"
         "  3  no route: unknown topic, no writable master queue, or no name server reachable\n"
         "  6  the route has fewer master brokers than --expect-brokers\n"
         "  1  some queues failed\n"
         "  4  every queue failed\n"
         "  5  every queue failed by timeout\n";
}

int run_probe(const CliOptions& options, const ProbeOptions& probe) {
  auto settings = common_producer_options(options);
  if (!settings) return usage_error(settings.error().message);
  settings->register_with_brokers = true;  // operators see the probe in producerConnection
  const ProbeReport report = probe_topic(options, probe, *settings);
  const std::string text = options.json_output ? render_json(report) : render_text(report);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  print_failures(report);
  return report.exit_code;
}

}  // namespace mqsend::cli
