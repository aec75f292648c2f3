#!/usr/bin/env bash
# Soak test (not part of the suite): streams stdin lines through `mqsend --mode async` for
# MINUTES while the bundled test cluster gets random faults, then checks that
#   - every record has exactly one outcome line (sent or failed), and mqsend's summary agrees;
#   - the cluster stored at least as many messages as were reported sent;
#   - mqsend's RSS did not grow: the median of the last minute's samples is within 10 % + 2 MiB
#     of the median of the second minute's (the first minute is warm-up).
#
# Usage: scripts/soak.sh MINUTES [RATE=10000]   (RATE: records per second, mqsend --rate)
# Faults, one at a time on a random broker of three, held 1-3 s then cleared: delay, SYSTEM_BUSY,
# a random broker error code, close_after, a reset after N bytes, a malformed, oversized,
# truncated or garbage frame, responses with a wrong opaque, black hole, down, connections
# turned half-open; now and then a slow name server.
# MQSEND_BIN / MQSEND_CLUSTER_BIN override build/mqsend and build/mqsend-testcluster;
# MQSEND_SOAK_FLAGS adds mqsend flags (e.g. --latency-fault).
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:?usage: scripts/soak.sh MINUTES [RATE]}
rate=${2:-10000}
mqsend_bin=${MQSEND_BIN:-build/mqsend}
cluster_bin=${MQSEND_CLUSTER_BIN:-build/mqsend-testcluster}
for binary in "$mqsend_bin" "$cluster_bin"; do
  [ -x "$binary" ] || { echo "soak: $binary not found (build first, or set MQSEND_BIN / MQSEND_CLUSTER_BIN)" >&2; exit 2; }
done
records=$(awk -v m="$minutes" -v r="$rate" 'BEGIN { printf "%d", m * 60 * r }')

# shellcheck source=lib/test-cluster.sh
. scripts/lib/test-cluster.sh
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  cluster_stop
  rm -rf "$work"
}
trap cleanup EXIT

# The store is off (a long soak would fill memory); the per-topic counters still count.
cluster_start "$cluster_bin" "$work/ready" --brokers 3 --topic Soak:4 --no-store --log-limit 0

# One random fault at a time; every fault and its target go to faults.log.
inject_faults() {
  local brokers=(broker-a broker-b broker-c) codes=(SYSTEM_ERROR SERVICE_NOT_AVAILABLE 2 205 999)
  local frame_faults=(malformed oversized truncated garbage)
  while :; do
    sleep "0.$((RANDOM % 9 + 1))"
    local target=${brokers[RANDOM % 3]} fault
    case $((RANDOM % 11)) in
      0) fault="\"fault\":\"delay\",\"ms\":$((RANDOM % 400 + 50))" ;;
      1) fault='"fault":"code","code":"SYSTEM_BUSY","count":50' ;;
      2) fault="\"fault\":\"code\",\"code\":\"${codes[RANDOM % ${#codes[@]}]}\",\"count\":20" ;;
      3) fault="\"fault\":\"close_after\",\"requests\":$((RANDOM % 200))" ;;
      4) fault="\"fault\":\"${frame_faults[RANDOM % ${#frame_faults[@]}]}\",\"count\":1" ;;
      5) fault='"fault":"wrong_opaque","count":5' ;;
      6) fault='"fault":"black_hole"' ;;
      7) fault='"fault":"down"' ;;
      8) target=namesrv fault="\"fault\":\"delay\",\"ms\":$((RANDOM % 300 + 50))" ;;
      9) fault='"fault":"half_open"' ;;
      10) fault="\"fault\":\"reset_after\",\"bytes\":$((RANDOM % 100000))" ;;
    esac
    echo "$target $fault" >>"$work/faults.log"
    cluster_control "{\"cmd\":\"fault\",\"target\":\"$target\",$fault}" >/dev/null || true
    sleep "$((RANDOM % 3 + 1))"
    cluster_control "{\"cmd\":\"fault\",\"target\":\"$target\",\"fault\":\"clear\"}" >/dev/null || true
  done
}

# Samples RSS (KiB) of PID every 5 s: "seconds rss" lines.
sample_rss() {
  local pid=$1 started=$SECONDS rss
  while rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null); do
    [ -n "$rss" ] && echo "$((SECONDS - started)) $rss"
    sleep 5
  done
}

# Outcome lines -> index list, status counts (streamed: the output can be gigabytes).
mkfifo "$work/out"
awk -v indexes="$work/indexes" -v counts="$work/counts" '
  match($0, /"index":[0-9]+/) { print substr($0, RSTART + 8, RLENGTH - 8) > indexes }
  match($0, /"status":"[A-Z_]+"/) { status[substr($0, RSTART + 10, RLENGTH - 11)]++ }
  END { for (s in status) print s, status[s] > counts }
' <"$work/out" &
awk_pid=$!

echo "soak: $records records at $rate/s through async mode, random faults, ${minutes} min" >&2
inject_faults &
pids+=($!)
started=$SECONDS
seq 1 "$records" |
  "$mqsend_bin" -n "$namesrv" -t Soak --mode async --json --rate "$rate" --timeout 3000 \
    --route-refresh 5000 ${MQSEND_SOAK_FLAGS:-} >"$work/out" 2>"$work/err" &
mqsend_pid=$!
sample_rss "$mqsend_pid" >"$work/rss" &
pids+=($!)
set +e
wait "$mqsend_pid"
exit_code=$?
set -e
elapsed=$((SECONDS - started))
wait "$awk_pid"
kill "${pids[@]}" 2>/dev/null || true
cluster_control '{"cmd":"fault","target":"namesrv","fault":"clear"}' >/dev/null
accepted=$(cluster_control '{"cmd":"status"}' | sed -E 's/.*"messages_accepted":([0-9]+).*/\1/')

count_of() { awk -v s="$1" '$1 == s { print $2 }' "$work/counts" | grep . || echo 0; }
sent=$(count_of SEND_OK)
failed=$(count_of FAILED)
outcomes=$(wc -l <"$work/indexes")
distinct=$(sort -n -u "$work/indexes" | wc -l)
missing=$((records - distinct))
twice=$((outcomes - distinct))
faults=$(wc -l <"$work/faults.log")

# RSS medians (MiB): second minute vs last minute.
median_mib() {
  sort -n | awk '{ v[NR] = $1 } END { if (NR) printf "%.1f", v[int((NR + 1) / 2)] / 1024; else print "nan" }'
}
rss_early=$(awk '$1 >= 60 && $1 < 120 { print $2 }' "$work/rss" | median_mib)
last=$(tail -1 "$work/rss" | cut -d' ' -f1)
rss_late=$(awk -v last="$last" '$1 > last - 60 { print $2 }' "$work/rss" | median_mib)
rss_max=$(cut -d' ' -f2 "$work/rss" | sort -n | tail -1 | awk '{ printf "%.1f", $1 / 1024 }')

echo "mqsend exit $exit_code after ${elapsed} s; $faults faults injected"
echo "records $records: sent $sent, failed $failed, outcome lines $outcomes, missing $missing, reported twice $twice"
echo "cluster accepted $accepted messages (retries past a budget may store a record twice)"
echo "mqsend RSS MiB: second-minute median $rss_early, last-minute median $rss_late, max $rss_max"
summary=$(grep '^mqsend: sent' "$work/err" | tail -1 || true)
echo "${summary:-mqsend printed no summary}"

status=0
[ "$missing" -eq 0 ] && [ "$twice" -eq 0 ] || { echo "soak: FAIL: records without exactly one outcome" >&2; status=1; }
[ $((sent + failed)) -eq "$records" ] || { echo "soak: FAIL: sent + failed != records" >&2; status=1; }
[[ $summary == "mqsend: sent $sent, failed $failed,"* ]] || { echo "soak: FAIL: the summary disagrees with the outcome lines" >&2; status=1; }
[ "$accepted" -ge "$sent" ] || { echo "soak: FAIL: the cluster accepted fewer messages than were reported sent" >&2; status=1; }
if [ "$rss_early" != nan ] && [ "$rss_late" != nan ]; then
  awk -v a="$rss_early" -v b="$rss_late" 'BEGIN { exit !(b > a * 1.1 + 2) }' &&
    { echo "soak: FAIL: RSS grew from $rss_early to $rss_late MiB" >&2; status=1; }
else
  echo "soak: run at least 3 minutes to compare RSS" >&2
fi
[ "$status" -eq 0 ] && echo "soak: PASS"
exit "$status"
