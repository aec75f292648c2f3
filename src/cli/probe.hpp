#pragma once
// `mqsend probe`: a smoke test of one topic. Reads the topic's own route from the name
// servers (no TBW102 fallback: a topic that does not exist is a failure here), prints it,
// sends one message to every writable queue of every master broker (sync, one attempt each,
// addressed to the queue; brokers in parallel, a broker's queues in turn; once a broker fails
// to connect or answer, its remaining queues are not tried and count as failed) and prints a
// per-broker table or a JSON report.
//
// Exit code, first match: 3 no route (unknown topic or no name server reachable); 6 fewer
// master brokers in the route than --expect-brokers; otherwise the send rule of
// exit_codes.hpp over the queues (0 every queue accepted, 1 some failed, 4 all failed,
// 5 all timed out). A route broker without a master, while it has writable queues, is a failure.
#include "cli/options.hpp"

namespace mqsend::cli {

namespace exit_code {
inline constexpr int kFewerBrokers = 6;  // probe: the route has fewer brokers than --expect-brokers
}  // namespace exit_code

// The text of the probe's exit-code table, for --help.
const char* probe_exit_code_help();

// Probe messages: this body, tagged with --tags when given.
inline constexpr const char* kProbeBody = "mqsend probe";

int run_probe(const CliOptions& options, const ProbeOptions& probe);

}  // namespace mqsend::cli
