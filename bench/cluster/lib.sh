# Shared by setup.sh, run.sh and teardown.sh (sourced): starting and stopping img clusters on
# 127.0.0.1 whose every process has its own state directory under $D and a pid file in $D/pids.
# Expects D, IMG. Only processes started from here (by pid file) are ever signalled.

# cluster_prefix NAME: state directories of cluster NAME are $D/<prefix>c (coordinator) and
# $D/<prefix>n<i> (nodes): "main" has none, others their first letter ("transfer": t).
cluster_prefix() { [ "$1" = main ] && echo "" || echo "${1:0:1}"; }

# wait_for_line FILE PATTERN SECONDS PID: until FILE has a line matching PATTERN; fails if PID dies.
wait_for_line() {
  local file=$1 pattern=$2 limit=$3 pid=$4 i
  for ((i = 0; i < limit * 10; i++)); do
    grep -qE "$pattern" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { echo "process $pid exited; last lines of $file:" >&2; tail -20 "$file" >&2; return 1; }
    sleep 0.1
  done
  echo "no \"$pattern\" in $file after $limit s; last lines:" >&2; tail -20 "$file" >&2
  return 1
}

# start_cluster NAME PORT NODES SLOTS [NODE_NAMES...]: a secured coordinator on 127.0.0.1:PORT and
# NODES nodes of SLOTS slots (named node1.. unless NODE_NAMES are given), node i's blob server on
# PORT+10+i and members port on PORT+20+i. INSECURE=1 starts it with --insecure (no token).
start_cluster() {
  local name=$1 port=$2 nodes=$3 slots=$4; shift 4
  local names=("$@") p i pid log state token security=()
  p=$(cluster_prefix "$name")
  token=$D/${p}token
  mkdir -p "$D/pids" "$D/logs"
  [ "${INSECURE:-0}" = 1 ] && security=(--insecure)
  state=$D/${p}c log=$D/logs/${p}coordinator.log
  setsid "$IMG" --state "$state" coordinator --listen "127.0.0.1:$port" --name "${p}coordinator" "${security[@]}" > "$log" 2>&1 < /dev/null &
  pid=$!; echo "$pid" > "$D/pids/$name-coordinator.pid"
  wait_for_line "$log" "clients at" 180 "$pid" || return 1
  if [ "${INSECURE:-0}" = 1 ]; then
    rm -f "$token"
  else
    (umask 077; "$IMG" --state "$state" cluster token > "$token")
    chmod 600 "$token"
    security=(--token-file "$token")
  fi
  for ((i = 1; i <= nodes; i++)); do
    local node=${names[$((i - 1))]:-node$i}
    state=$D/${p}n$i log=$D/logs/${p}$node.log
    setsid "$IMG" --state "$state" node --join "127.0.0.1:$port" "${security[@]}" --name "$node" --slots "$slots" \
      --blob-port $((port + 10 + i)) --cluster-port $((port + 20 + i)) > "$log" 2>&1 < /dev/null &
    pid=$!; echo "$pid" > "$D/pids/$name-$node.pid"
  done
  for ((i = 1; i <= nodes; i++)); do
    local node=${names[$((i - 1))]:-node$i}
    wait_for_line "$D/logs/${p}$node.log" "node $node joined" 180 "$(cat "$D/pids/$name-$node.pid")" || return 1
  done
  # the scheduler knows a node from its first heartbeat (about a second after joining)
  for ((i = 0; i < 300; i++)); do
    [ "$(node_count "$port" "$token")" -ge "$nodes" ] && return 0
    sleep 0.2
  done
  echo "the coordinator on $port does not list $nodes nodes" >&2
  return 1
}

# cluster_args PORT TOKEN: the CLI flags that reach that cluster.
cluster_args() {
  local port=${1:-$PORT} token=${2:-$D/token}
  if [ -f "$token" ]; then echo "--cluster 127.0.0.1:$port --cluster-token-file $token"; else echo "--cluster 127.0.0.1:$port"; fi
}

# node_count [PORT TOKEN]: nodes the coordinator lists as ready (0 when it does not answer).
node_count() {
  # shellcheck disable=SC2046
  timeout 60 "$IMG" cluster status $(cluster_args "${1:-$PORT}" "${2:-$D/token}") 2>/dev/null \
    | awk '/^NODE / { for (i = 1; i <= NF; i++) if ($i == "STATE") c = i; f = 1; next } f && $c == "ready" { n++ } END { print n + 0 }'
}

# cluster_up: every process of the main cluster runs and the coordinator lists the nodes.
cluster_up() {
  local f
  ls "$D"/pids/main-*.pid >/dev/null 2>&1 || return 1
  for f in "$D"/pids/main-*.pid; do kill -0 "$(cat "$f")" 2>/dev/null || return 1; done
  [ "$(node_count "$PORT" "$D/token")" -ge "$NODES" ]
}

# stop_pid FILE: SIGTERM (a node drains: finishes what runs, hands back what waits), SIGKILL after
# STOP_WAIT seconds (default 20: nothing runs when the benchmark stops a cluster, and an idle node
# does not exit on SIGTERM with this img: it prints "draining" and waits, see bench/README.md).
stop_pid() {
  local file=$1 pid i
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null
    for ((i = 0; i < ${STOP_WAIT:-20} * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
    [ "${2:-}" = quiet ] || echo "stopped $(basename "$file" .pid) (pid $pid)"
  fi
  rm -f "$file"
}

# stop_cluster NAME [quiet]: nodes first (in parallel), then the coordinator.
stop_cluster() {
  local name=${1:-main} f stoppers=()
  for f in "$D"/pids/"$name"-*.pid; do
    [ -e "$f" ] || continue
    case $f in *-coordinator.pid) ;; *) stop_pid "$f" "${2:-}" & stoppers+=($!) ;; esac
  done
  # only those: a bare `wait` would also wait for the daemons this shell started
  [ ${#stoppers[@]} -eq 0 ] || wait "${stoppers[@]}"
  stop_pid "$D/pids/$name-coordinator.pid" "${2:-}"
}
