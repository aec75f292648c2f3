#!/usr/bin/env bash
# Measures mqsend against the bundled test cluster (kept in --no-store mode) with 100-byte
# messages and prints one table: sync, async (window 1024), oneway, async batches of 64,
# 10 million stdin lines streamed (peak RSS), and the wall time of a one-shot `mqsend -m hello`;
# then 10 KiB log-like bodies under each --compress type: CPU per message and stored bytes.
# Each throughput row is the median of 3 runs, the one-shot time the median of 20.
# This prints figures; it is not a test and asserts nothing.
#
# Usage: scripts/bench.sh [--quick] [--build-dir DIR]
#   --quick        fewer messages per run (a smoke run, figures are rougher)
#   --build-dir    where mqsend and mqsend-testcluster are (default build/, built by
#                  scripts/build.sh when missing)
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
build_dir=build
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --build-dir) build_dir=$2; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

mqsend=$build_dir/mqsend
cluster=$build_dir/mqsend-testcluster
if [ ! -x "$mqsend" ] || [ ! -x "$cluster" ]; then
  [ "$build_dir" = build ] || { echo "bench.sh: no binaries in $build_dir" >&2; exit 1; }
  scripts/build.sh >&2
fi

runs=3
oneshot_runs=20
if [ "$quick" = 1 ]; then
  sync_count=5000; async_count=200000; oneway_count=300000; batch_count=1000000
  stream_lines=1000000; compress_count=20000
else
  sync_count=30000; async_count=500000; oneway_count=1000000; batch_count=3000000
  stream_lines=10000000; compress_count=100000
fi
topic=BenchTopic
body=$(printf 'x%.0s' $(seq 1 100))  # 100 bytes

# shellcheck source=lib/test-cluster.sh
. scripts/lib/test-cluster.sh
work=$(mktemp -d)
trap 'cluster_stop; rm -rf "$work"' EXIT

# --- the cluster ------------------------------------------------------------------------------
cluster_start "$cluster" "$work/ready" --brokers 2 --topic "$topic:8" --no-store --log-limit 0

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# --- helpers ----------------------------------------------------------------------------------
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

# CPU seconds the cluster process has used so far (utime + stime).
cluster_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$cluster_pid/stat"
}

# One run: `mqsend -q --summary args...` with stdin from $stdin_cmd (if set): no per-message
# lines, the summary line on stderr gives the figures. Prints "msgs/s p50_ms p99_ms client_cpu_s_per_M rss_mib
# cluster_cpu_s_per_M failed".
run_once() {
  local err=$work/err
  local cluster_cpu_before
  cluster_cpu_before=$(cluster_cpu)
  if [ -n "${stdin_cmd:-}" ]; then
    bash -c "$stdin_cmd" | "$mqsend" -q --summary -n "$namesrv" -t "$topic" "$@" >/dev/null 2>"$err" || true
  else
    "$mqsend" -q --summary -n "$namesrv" -t "$topic" "$@" >/dev/null 2>"$err" </dev/null || true
  fi
  local line
  line=$(grep '^mqsend: sent' "$err" | tail -n 1)
  if [ -z "$line" ]; then
    echo "bench.sh: mqsend printed no summary: $(tail -n 3 "$err")" >&2
    echo "0 0 0 0 0 0 -1"
    return
  fi
  awk -v line="$line" -v cluster="$(awk -v a="$cluster_cpu_before" -v b="$(cluster_cpu)" \
      'BEGIN { print b - a }')" 'BEGIN {
    n = split(line, w, /[ ,]+/)
    for (i = 1; i <= n; i++) {
      if (w[i] == "sent") sent = w[i + 1]
      if (w[i] == "failed") failed = w[i + 1]
      if (w[i] == "msgs/s") rate = w[i - 1]
      if (w[i] == "p50") p50 = w[i + 1]
      if (w[i] == "p99") p99 = w[i + 1]
      if (w[i] == "cpu") cpu = w[i + 1]
      if (w[i] == "rss") rss = w[i + 1]
    }
    total = sent + failed
    printf "%s %s %s %.2f %s %.2f %s\n", rate, p50, p99, total ? cpu / total * 1e6 : 0, rss,
      total ? cluster / total * 1e6 : 0, failed
  }'
}

# Median of each column over $runs runs.
measure() {
  local i
  for i in $(seq 1 "$runs"); do run_once "$@"; done >"$work/runs"
  local col out=()
  for col in 1 2 3 4 5 6; do out+=("$(awk -v c=$col '{ print $c }' "$work/runs" | median)"); done
  local failed
  failed=$(awk '{ s += $7 } END { print s + 0 }' "$work/runs")
  echo "${out[*]} $failed"
}

row() {  # name target result...
  local name=$1 target=$2
  shift 2
  read -r rate p50 p99 cpu rss cluster failed <<<"$*"
  printf '| %-32s | %9s | %8s | %8s | %11s | %7s | %11s | %-13s |%s\n' \
    "$name" "$(printf '%.0f' "$rate")" "$p50" "$p99" "$cpu" "$rss" "$cluster" "$target" \
    "$([ "$failed" = 0 ] || echo " ($failed failed)")"
}

# --- measurements -----------------------------------------------------------------------------
echo "mqsend benchmark: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "messages of ${#body} bytes, 2 brokers, topic $topic:8, cluster --no-store; median of $runs runs"
echo "load average at start: $load_before"
echo
printf '| %-32s | %9s | %8s | %8s | %11s | %7s | %11s | %-13s |\n' \
  "mode" "msgs/s" "p50 ms" "p99 ms" "CPU s/M" "RSS MiB" "cluster s/M" "target"
dashes() { printf -- '-%.0s' $(seq 1 "$1"); }
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' "$(dashes 34)" "$(dashes 11)" "$(dashes 10)" "$(dashes 10)" \
  "$(dashes 13)" "$(dashes 9)" "$(dashes 13)" "$(dashes 15)"

# Warm-up: the first run creates connections and routes in the cluster.
"$mqsend" -n "$namesrv" -t "$topic" -m "$body" --count 1000 --mode async -q >/dev/null 2>&1 || true

stdin_cmd=
row "sync (1 in flight)" ">= 15k" \
  "$(measure -m "$body" --count "$sync_count" --repeat --mode sync)"
row "async (window 1024)" ">= 150k" \
  "$(measure -m "$body" --count "$async_count" --repeat --mode async --inflight 1024)"
row "oneway" ">= 250k" \
  "$(measure -m "$body" --count "$oneway_count" --repeat --mode oneway)"
row "async batch of 64" ">= 1M" \
  "$(measure -m "$body" --count "$batch_count" --repeat --mode async --batch 64)"
# Streaming stdin is what users do: lines from a fast generator, async mode.
# One run in the full mode: 10 million lines take minutes on a busy machine, and peak RSS
# hardly varies between runs.
stdin_cmd="yes '$body' | head -n $stream_lines"
stream_runs=$([ "$quick" = 1 ] && echo "$runs" || echo 1)
row "stdin $((stream_lines / 1000000))M lines, async ($stream_runs run)" "RSS <= 32 MiB" \
  "$(runs=$stream_runs measure --mode async)"
stdin_cmd=

# --- one-shot ---------------------------------------------------------------------------------
# Process start to exit, route lookup and connection set-up included.
for _ in $(seq 1 "$oneshot_runs"); do
  start=${EPOCHREALTIME/[.,]/}
  "$mqsend" -n "$namesrv" -t "$topic" -m hello >/dev/null 2>&1 || true
  end=${EPOCHREALTIME/[.,]/}
  echo "$((end - start))"
done >"$work/oneshot"
oneshot_us=$(median <"$work/oneshot")
printf '\none-shot `mqsend -m hello` (start to exit, median of %s): %.1f ms (target <= 20 ms)\n' \
  "$oneshot_runs" "$(awk -v us="$oneshot_us" 'BEGIN { print us / 1000 }')"

# --- compression ------------------------------------------------------------------------------
# 10 KiB of application-log lines (timestamps, levels, ids, numbers): what people pipe in.
# "stored B/msg" is the commit-log bytes per message (the body as sent plus the record's
# ~200 bytes of header and properties), from the cluster's status.
awk 'BEGIN { srand(7); levels[0] = "INFO"; levels[1] = "WARN"; levels[2] = "ERROR"
  while (size < 10240) {
    line = sprintf("2026-12-01T17:%02d:%02d.%03dZ %s [worker-%d] order=%d user=u%d status=%s latency_ms=%d",
                   int(rand() * 60), int(rand() * 60), int(rand() * 1000), levels[int(rand() * 3)],
                   int(rand() * 8), 10000 + int(rand() * 90000), int(rand() * 500),
                   rand() < 0.9 ? "OK" : "RETRY", int(rand() * 900))
    out = out line "\n"; size += length(line) + 1
  }
  printf "%s", substr(out, 1, 10240) }' >"$work/log-10k"
stored_bytes() {
  cluster_control '{"cmd":"status"}' | grep -o '"commit_log_offset":[0-9]*' | cut -d: -f2 |
    awk '{ s += $1 } END { printf "%.0f\n", s }'
}
echo
echo "10 KiB log-like bodies, async, $compress_count messages a run, median of $runs runs:"
echo
printf '| %-22s | %9s | %11s | %13s |\n' "--compress" "msgs/s" "CPU s/M" "stored B/msg"
printf '|%s|%s|%s|%s|\n' "$(dashes 24)" "$(dashes 11)" "$(dashes 13)" "$(dashes 15)"
for compression in "none:--compress-over 16777216" "zlib:--compress zlib" "zlib level 1:--compress zlib --compress-level 1" \
                   "lz4:--compress lz4" "zstd:--compress zstd" "zstd level 1:--compress zstd --compress-level 1"; do
  name=${compression%%:*}
  read -r -a flags <<<"${compression#*:}"
  before=$(stored_bytes)
  read -r rate _ _ cpu _ _ failed <<<"$(measure --file "$work/log-10k" --count "$compress_count" --repeat --mode async "${flags[@]}")"
  after=$(stored_bytes)
  printf '| %-22s | %9.0f | %11s | %13.0f |%s\n' "$name" "$rate" "$cpu" \
    "$(awk -v d=$((after - before)) -v n=$((compress_count * runs)) 'BEGIN { print d / n }')" \
    "$([ "$failed" = 0 ] || echo " ($failed failed)")"
done
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
