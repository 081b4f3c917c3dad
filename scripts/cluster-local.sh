#!/usr/bin/env bash
# A local img build cluster on this machine, for trying cluster mode out: one coordinator and N
# nodes, each an `img` daemon with its own state directory, all on 127.0.0.1 with --insecure
# (no TLS, no token: loopback only), and a registry on 127.0.0.1:5000 holding a busybox image
# (cluster nodes pull base images from registries, never from a client's store).
#
#   scripts/cluster-local.sh [start] [N] [-s SLOTS] [-p PORT] [-d DIR] [-b IMG]
#                                [--registry-port P | --no-registry]
#       starts the registry (pushing 127.0.0.1:5000/busybox:latest, made from Debian's
#       busybox-static as scripts/quickstart.sh makes it), the coordinator and N nodes, waits
#       until every node has joined, and prints the line to use it:
#       eval "$(scripts/cluster-local.sh 3)"   # sets IMG_CLUSTER; then: img build -t app .
#   scripts/cluster-local.sh status [-d DIR] [-b IMG]    img cluster status of that cluster
#   scripts/cluster-local.sh stop [-d DIR] [--clean]     SIGTERM to the nodes (they drain, then
#                                                         leave), the coordinator, the registry;
#                                                         --clean also removes DIR
#
# Defaults: IMG=./out/img, DIR=/tmp/img-cluster, 3 nodes (-n N works too), 2 slots each,
# coordinator port 7700 (clients on PORT, members on PORT+1, blobs on PORT+2), registry port
# 5000 (an answering registry already there is used as it is). Logs are DIR/<daemon>.log, state
# directories DIR/<daemon>/, kept by stop: a cluster started again keeps its cache. The
# environment variables IMG, IMG_CLUSTER_DIR, NODES, SLOTS, PORT and REGISTRY_PORT set the same
# defaults.
set -euo pipefail

command=start
case ${1:-} in
  start|stop|status) command=$1; shift ;;
esac
img=${IMG:-./out/img}
dir=${IMG_CLUSTER_DIR:-/tmp/img-cluster}
nodes=${NODES:-3}
slots=${SLOTS:-2}
port=${PORT:-7700}
registry_port=${REGISTRY_PORT:-5000}
clean=false
while [[ $# -gt 0 ]]; do
  case $1 in
    -n|--nodes) nodes=$2; shift 2 ;;
    -s|--slots) slots=$2; shift 2 ;;
    -p|--port) port=$2; shift 2 ;;
    -d|--dir) dir=$2; shift 2 ;;
    -b|--binary) img=$2; shift 2 ;;
    --registry-port) registry_port=$2; shift 2 ;;
    --no-registry) registry_port=; shift ;;
    --clean) clean=true; shift ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    [0-9]*) nodes=$1; shift ;;
    *) echo "cluster-local.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "$0")" && pwd)

# one spelling of the directory: pid files are checked against the daemons' arguments
[[ $command == start ]] && mkdir -p "$dir"
[[ -d $dir ]] && dir=$(cd "$dir" && pwd)

say() { echo "cluster-local: $*" >&2; }
die() { say "$*"; exit 1; }

# a process that exists and is not a zombie (kill -0 succeeds on zombies nobody reaped)
running() {
  local pid=$1
  [[ -r /proc/$pid/stat ]] && [[ $(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) != Z ]]
}

# a pid file names a process of this cluster while it runs with DIR/<name> among its arguments
# (a daemon's --state, the registry's config): a reused pid is not taken for it
alive() {
  local pidfile=$1 pid name
  [[ -f $pidfile ]] || return 1
  pid=$(<"$pidfile")
  name=$(basename "$pidfile" .pid)
  [[ -n $pid ]] && running "$pid" || return 1
  local arg
  while IFS= read -r -d '' arg; do
    [[ $arg == "$dir/$name" || $arg == "$dir/$name/"* ]] && return 0
  done <"/proc/$pid/cmdline" 2>/dev/null
  return 1
}

# waits until a log holds a line, or the process exits, or the time runs out
wait_for() {
  local name=$1 text=$2 seconds=$3 waited=0
  while ! grep -qF -- "$text" "$dir/$name.log" 2>/dev/null; do
    if ! alive "$dir/$name.pid"; then
      say "$name exited while starting; its log ($dir/$name.log) ends with:"
      tail -n 20 "$dir/$name.log" >&2 || true
      return 1
    fi
    if (( waited >= seconds * 10 )); then
      say "$name did not print \"$text\" within $seconds s; its log ($dir/$name.log) ends with:"
      tail -n 20 "$dir/$name.log" >&2 || true
      return 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}

# starts a process detached from this shell (its own session: Ctrl-C here does not reach it)
launch() {
  local name=$1
  shift
  : >"$dir/$name.log"
  setsid "$@" </dev/null >>"$dir/$name.log" 2>&1 &
  echo $! >"$dir/$name.pid"
}

stop_one() {
  local name=$1 pid waited=0
  alive "$dir/$name.pid" || { rm -f "$dir/$name.pid"; return 0; }
  pid=$(<"$dir/$name.pid")
  kill -TERM "$pid" 2>/dev/null || true
  # a node drains first: its running steps finish before it leaves
  while running "$pid"; do
    if (( waited >= 600 )); then
      say "$name (pid $pid) still runs 60 s after SIGTERM: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  rm -f "$dir/$name.pid"
  say "stopped $name"
}

# the distribution API's base endpoint answers 200 (or 401 behind auth)
registry_answers() {
  local status
  status=$(timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$registry_port && printf 'GET /v2/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && head -n1 <&3" 2>/dev/null) || return 1
  [[ $status == *" 200 "* || $status == *" 401 "* ]]
}

# a registry on 127.0.0.1:REGISTRY_PORT (started here unless one answers) with busybox pushed
start_registry() {
  local address=127.0.0.1:$registry_port
  if registry_answers; then
    say "a registry already answers at $address: using it"
  else
    command -v docker-registry >/dev/null || die "docker-registry is not installed (Debian docker-registry, scripts/install-deps.sh), or pass --no-registry"
    mkdir -p "$dir/registry/storage"
    cat >"$dir/registry/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/registry/storage
  delete:
    enabled: true
http:
  addr: $address
EOF
    launch registry docker-registry serve "$dir/registry/config.yml"
    local waited=0
    until registry_answers; do
      alive "$dir/registry.pid" || { tail -n 20 "$dir/registry.log" >&2; die "the registry did not start on $address"; }
      (( waited++ < 300 )) || die "the registry did not answer on $address within 30 s"
      sleep 0.1
    done
  fi
  # the busybox image quickstart.sh imports, made again in a state directory of the script's own
  local tar
  tar=$(mktemp --suffix=.tar)
  bash "$here/busybox-rootfs.sh" "$tar"
  "$img" --state "$dir/seed" import -c 'CMD ["sh"]' "$tar" "$address/busybox:latest" >/dev/null
  rm -f "$tar"
  "$img" --state "$dir/seed" push -q "$address/busybox:latest" >/dev/null
  say "registry at $address holds $address/busybox:latest"
}

start() {
  [[ -x $img ]] || die "no img binary at $img (publish it: dotnet publish src/Img.Cli -c Release -o out, or pass -b PATH)"
  [[ $nodes =~ ^[0-9]+$ && $nodes -ge 1 ]] || die "the number of nodes must be 1 or more, not $nodes"
  [[ $slots =~ ^[0-9]+$ && $slots -ge 1 ]] || die "-s takes a number of slots (1 or more), not $slots"
  img=$(cd "$(dirname "$img")" && pwd)/$(basename "$img")
  for pidfile in "$dir"/*.pid; do
    [[ -e $pidfile ]] || continue
    alive "$pidfile" && die "a cluster already runs from $dir ($(basename "$pidfile" .pid) is up): run '$0 stop -d $dir' first"
    rm -f "$pidfile"
  done
  if [[ -n $registry_port ]]; then
    start_registry || { stop_all; exit 1; }
  fi
  local address=127.0.0.1:$port
  echo "$address" >"$dir/address"
  mkdir -p "$dir/coordinator"
  launch coordinator "$img" --state "$dir/coordinator" coordinator --listen "$address" --insecure --name coordinator
  wait_for coordinator "img coordinator coordinator: clients at" 60 || { stop_all; exit 1; }
  say "coordinator up: clients at $address, members at 127.0.0.1:$((port + 1)), blobs at 127.0.0.1:$((port + 2))"
  for i in $(seq 1 "$nodes"); do
    mkdir -p "$dir/n$i"
    launch "n$i" "$img" --state "$dir/n$i" node --join "$address" --insecure --name "n$i" --slots "$slots"
  done
  for i in $(seq 1 "$nodes"); do
    wait_for "n$i" "node n$i joined as" 60 || { stop_all; exit 1; }
  done
  say "$nodes node(s) joined ($slots slots each); logs and state in $dir; stop with: $0 stop -d $dir"
  echo "export IMG_CLUSTER=$address"
}

stop_all() {
  [[ -d $dir ]] || { say "nothing runs from $dir"; return 0; }
  for pidfile in "$dir"/n*.pid; do
    [[ -e $pidfile ]] || continue
    stop_one "$(basename "$pidfile" .pid)" &
  done
  wait
  stop_one coordinator
  stop_one registry
}

case $command in
  start) start ;;
  stop)
    stop_all
    if $clean && [[ -d $dir ]]; then
      # a node killed hard may have left snapshot mounts behind
      grep -F " $dir/" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r -n1 umount -l || true
      rm -rf "$dir"
      say "removed $dir"
    fi
    ;;
  status)
    [[ -x $img ]] || die "no img binary at $img (pass -b PATH)"
    [[ -f $dir/address ]] || die "no cluster was started from $dir"
    exec "$img" --state "$dir/client" cluster status --cluster "$(<"$dir/address")"
    ;;
esac
