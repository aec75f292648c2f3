# Sourced by the scripts that drive the bundled test cluster (bench, fault matrix, soak, ...).
#
#   cluster_start BINARY READY_FILE [CLUSTER FLAGS...]
#       starts the cluster in the background and waits for its ready line; sets cluster_pid,
#       cluster_ready (the line), namesrv and control_addr. Exits the script if it does not start.
#   cluster_control JSON    one control command; prints the reply line, fails unless "ok":true
#   cluster_stop            stops the cluster started last (safe to call twice)

cluster_pid= cluster_ready= namesrv= control_addr=

cluster_start() {
  local binary=$1 ready_file=$2
  shift 2
  rm -f "$ready_file"
  "$binary" "$@" --ready-file "$ready_file" --quiet >/dev/null &
  cluster_pid=$!
  for _ in $(seq 1 200); do
    [ -s "$ready_file" ] && break
    kill -0 "$cluster_pid" 2>/dev/null || break
    sleep 0.05
  done
  if [ ! -s "$ready_file" ]; then
    echo "$(basename "$0"): the test cluster did not start ($binary $*)" >&2
    exit 1
  fi
  cluster_ready=$(cat "$ready_file")
  namesrv=$(sed -E 's/.*"namesrv":"([^"]+)".*/\1/' <<<"$cluster_ready")
  control_addr=$(sed -E 's/.*"control":"([^"]+)".*/\1/' <<<"$cluster_ready")
}

cluster_control() {
  local fd reply
  exec {fd}<>"/dev/tcp/${control_addr%:*}/${control_addr##*:}"
  printf '%s\n' "$1" >&"$fd"
  IFS= read -r reply <&"$fd"
  exec {fd}>&-
  case $reply in
    *'"ok":true'*) printf '%s\n' "$reply" ;;
    *) echo "$(basename "$0"): control $1 -> $reply" >&2; return 1 ;;
  esac
}

cluster_stop() {
  if [ -n "${cluster_pid:-}" ]; then
    kill "$cluster_pid" 2>/dev/null || true
    wait "$cluster_pid" 2>/dev/null || true
    cluster_pid=
  fi
}
