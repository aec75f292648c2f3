#!/usr/bin/env bash
# Prints the failover matrix: broker fault x send mode x latency fault strategy -> what became of
# the input records. Each cell starts a fresh test cluster (broker-a and broker-b, topic Matrix
# with 2 queues on each; broker-a carries the fault), streams N records through mqsend --json
# (a few first, a pause in which mid-stream faults start, then the rest) and reads the result
# from mqsend's output and the cluster's stored messages.
#
# Columns: sent / failed = records reported sent / failed; no-outcome = records without exactly
# one output line; dup = records stored more than once (stored UNIQ_KEYs minus distinct ones);
# lost = records reported sent that no broker stored (oneway has no acknowledgement); brokers =
# where the sent records ended up; tried-a = records that tried broker-a at all (the latency
# fault strategy keeps this low); worst-ms = largest latencyMs (time to an outcome); exit =
# mqsend's exit code.
#
# Usage: scripts/fault-matrix.sh [-n RECORDS] [FAULT ...]
#   FAULT is one of: down slow slow-past-budget slow-one-broker slow-both busy not-available
#   illegal close reset black-hole half-open namesrv1-down broker-added broker-removed
#   (default: all).
# MQSEND_BIN and MQSEND_CLUSTER_BIN override build/mqsend and build/mqsend-testcluster.
set -euo pipefail
cd "$(dirname "$0")/.."

mqsend_bin=${MQSEND_BIN:-build/mqsend}
cluster_bin=${MQSEND_CLUSTER_BIN:-build/mqsend-testcluster}
records=20
first_phase=4
if [ "${1:-}" = "-n" ]; then
  records=$2
  shift 2
fi
all_faults=(down slow slow-past-budget slow-one-broker slow-both busy not-available illegal close reset
            black-hole half-open namesrv1-down broker-added broker-removed)
faults=("$@")
[ ${#faults[@]} -gt 0 ] || faults=("${all_faults[@]}")
for binary in "$mqsend_bin" "$cluster_bin"; do
  [ -x "$binary" ] || { echo "fault-matrix: $binary not found (build first, or set MQSEND_BIN / MQSEND_CLUSTER_BIN)" >&2; exit 2; }
done

# shellcheck source=lib/test-cluster.sh
. scripts/lib/test-cluster.sh
work=$(mktemp -d)
trap 'cluster_stop; rm -rf "$work"' EXIT

fault() { cluster_control "{\"cmd\":\"fault\",\"target\":\"${2:-broker-a}\",$1}" >/dev/null; }

# Records from..to-1, one a line; with a delay, written one at a time.
write_records() {
  local from=$1 to=$2 gap=${3:-0}
  for ((i = from; i < to; i++)); do
    echo "record $i"
    [ "$gap" = 0 ] || sleep "$gap"
  done
}

# Fault settings: the brokers, the fault set before the stream (on broker-a; before_b: on
# broker-b), the action at the pause, mqsend flags, the pause, and the gap between the records
# after it (a slow stream that outlives a route refresh).
configure() {
  brokers=2 ; before=() ; before_b=() ; midway=() ; flags=(--timeout 2000) ; pause=0.3 ; gap=0
  namesrv_prefix=
  case $1 in
    down) before=('"fault":"down"') ;;
    slow) before=('"fault":"delay","ms":600'); flags=(--timeout 3000); pause=1 ;;
    # The first attempt gives up at 1200/3 ms while broker-a stores the message anyway.
    slow-past-budget) before=('"fault":"delay","ms":900'); flags=(--timeout 1200); pause=1.2 ;;
    # One broker slower than a share of the budget: waited for (no other broker to move to).
    slow-one-broker) brokers=1; before=('"fault":"delay","ms":1500'); flags=(--timeout 3000); pause=1.6 ;;
    # Both slower than a share: the first answer, late for its share, ends the send.
    slow-both) before=('"fault":"delay","ms":1500'); before_b=("${before[@]}"); flags=(--timeout 3000); pause=1.6 ;;
    busy) before=('"fault":"code","code":"SYSTEM_BUSY"') ;;
    not-available) before=('"fault":"code","code":"SERVICE_NOT_AVAILABLE"') ;;
    illegal) before=('"fault":"code","code":"MESSAGE_ILLEGAL"') ;;
    close) midway=('fault "\"fault\":\"close_after\",\"requests\":0"'); flags=(--timeout 6000) ;;
    black-hole) before=('"fault":"black_hole"'); flags=(--timeout 900); pause=0.7 ;;
    # Connections open at the pause freeze (nothing read or written, sockets kept); --rate
    # spreads the rest over more than one attempt budget, so later records use new connections.
    half-open) midway=('fault "\"fault\":\"half_open\""'); flags=(--timeout 900 --rate 20) ;;
    reset) midway=('fault "\"fault\":\"reset_after\",\"bytes\":0"'); flags=(--timeout 6000) ;;
    namesrv1-down) namesrv_prefix="127.0.0.1:1;" ;;
    broker-added)
      midway=('cluster_control "{\"cmd\":\"add_broker\",\"name\":\"broker-c\"}" >/dev/null')
      flags=(--timeout 2000 --route-refresh 200); gap=0.05 ;;
    broker-removed)
      midway=('cluster_control "{\"cmd\":\"remove_broker\",\"name\":\"broker-a\"}" >/dev/null' 'fault "\"fault\":\"down\""')
      flags=(--timeout 2000 --route-refresh 200); gap=0.05 ;;
    *) echo "fault-matrix: unknown fault '$1' (${all_faults[*]})" >&2; exit 2 ;;
  esac
}

# Waits until the cluster's request log stops growing (oneway frames still arriving).
settle() {
  local total previous=-1
  for _ in $(seq 1 40); do
    total=$(cluster_control '{"cmd":"log","code":0}' | sed -E 's/.*"total":([0-9]+).*/\1/')
    [ "$total" = "$previous" ] && return
    previous=$total
    sleep 0.025
  done
}

run_cell() {
  local fault_name=$1 mode=$2 strategy=$3
  configure "$fault_name"
  cluster_start "$cluster_bin" "$work/ready" --brokers "$brokers" --topic Matrix:2
  local setting action
  for setting in "${before[@]}"; do fault "$setting"; done
  for setting in "${before_b[@]}"; do fault "$setting" broker-b; done
  local strategy_flag=()
  [ "$strategy" = on ] && strategy_flag=(--latency-fault)
  set +e
  {
    write_records 0 "$first_phase"
    sleep "$pause"
    for action in "${midway[@]}"; do eval "$action"; done
    write_records "$first_phase" "$records" "$gap"
  } | timeout 120 "$mqsend_bin" -n "$namesrv_prefix$namesrv" -t Matrix --json --mode "$mode" \
      "${strategy_flag[@]}" "${flags[@]}" >"$work/out" 2>"$work/err"
  local exit_code=${PIPESTATUS[1]}
  set -e
  settle
  cluster_control '{"cmd":"messages","topic":"Matrix"}' | grep -o '"UNIQ_KEY":"[^"]*"' | cut -d'"' -f4 | sort >"$work/stored" || true
  cluster_stop

  local sent failed no_outcome dup lost brokers tried_a worst
  sent=$(grep -c '"status":"SEND_OK"\|"status":"SENT_ONEWAY"\|"status":"FLUSH_\|"status":"SLAVE_' "$work/out" || true)
  failed=$(grep -c '"status":"FAILED"' "$work/out" || true)
  no_outcome=$(grep -o '"index":[0-9]*' "$work/out" | cut -d: -f2 | sort -n | uniq -c |
               awk -v n="$records" '$1 == 1 { once++ } END { print n - once }')
  dup=$(($(wc -l <"$work/stored") - $(sort -u "$work/stored" | wc -l)))
  lost=$(grep -v '"status":"FAILED"' "$work/out" | grep -o '"msgId":"[^"]*"' | cut -d'"' -f4 | sort -u |
         comm -23 - <(sort -u "$work/stored") | wc -l || true)  # grep finds none when every record failed
  brokers=$(grep -o '"broker":"[^"]*"' "$work/out" | cut -d'"' -f4 | sed 's/^broker-//' | sort | uniq -c |
            awk '{ printf "%s%s:%s", sep, $2, $1; sep = " " }' || true)
  tried_a=$(grep -c '"brokersTried":\[[^]]*"broker-a"' "$work/out" || true)
  worst=$(grep -o '"latencyMs":[0-9.e+-]*' "$work/out" | cut -d: -f2 | sort -g | tail -1)
  printf '%-17s %-6s %-3s %5s %6s %10s %4s %5s  %-14s %7s %9.0f %4s\n' "$fault_name" "$mode" "$strategy" \
    "$sent" "$failed" "$no_outcome" "$dup" "$lost" "${brokers:--}" "$tried_a" "${worst:-0}" "$exit_code"
}

printf '%-17s %-6s %-3s %5s %6s %10s %4s %5s  %-14s %7s %9s %4s\n' fault mode lft sent failed no-outcome \
  dup lost brokers tried-a worst-ms exit
for fault_name in "${faults[@]}"; do
  configure "$fault_name"  # rejects unknown names before any cluster starts
  for mode in sync async oneway; do
    for strategy in off on; do
      run_cell "$fault_name" "$mode" "$strategy"
    done
  done
done
