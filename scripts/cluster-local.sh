#!/usr/bin/env bash
# A local img build cluster on this machine, for trying cluster mode out: one coordinator and N
# nodes, each an `img` daemon with its own state directory, all on 127.0.0.1 with --insecure
# (no TLS, no token: loopback only).
#
#   scripts/cluster-local.sh [start] [-n NODES] [-s SLOTS] [-p PORT] [-d DIR] [-b IMG]
#       starts the cluster, waits until every node has joined, prints the line to use it:
#       eval "$(scripts/cluster-local.sh)"   # sets IMG_CLUSTER; then: img build -t app .
#   scripts/cluster-local.sh status [-d DIR] [-b IMG]     img cluster status of that cluster
#   scripts/cluster-local.sh stop [-d DIR] [--clean]      SIGTERM (nodes drain, then leave), then
#                                                          the coordinator; --clean removes DIR
#
# Defaults: IMG=./out/img, DIR=/tmp/img-cluster, 3 nodes, 2 slots each, coordinator port 7700
# (clients on PORT, members on PORT+1, blobs on PORT+2). Logs are DIR/<daemon>.log, state
# directories DIR/<daemon>/ (kept by stop, so a restarted cluster keeps its cache). The
# environment variables IMG, IMG_CLUSTER_DIR, NODES, SLOTS and PORT set the same defaults.
# Nodes pull base images from registries, never from a client's store: push your base image to
# a registry the nodes can reach (a loopback registry works) and name it in FROM.
set -euo pipefail

command=start
if [[ $# -gt 0 && $1 != -* ]]; then
  command=$1
  shift
fi
img=${IMG:-./out/img}
dir=${IMG_CLUSTER_DIR:-/tmp/img-cluster}
nodes=${NODES:-3}
slots=${SLOTS:-2}
port=${PORT:-7700}
clean=false
while [[ $# -gt 0 ]]; do
  case $1 in
    -n|--nodes) nodes=$2; shift 2 ;;
    -s|--slots) slots=$2; shift 2 ;;
    -p|--port) port=$2; shift 2 ;;
    -d|--dir) dir=$2; shift 2 ;;
    -b|--binary) img=$2; shift 2 ;;
    --clean) clean=true; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "cluster-local.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

# one spelling of the directory: pid files are checked against the daemons' --state arguments
[[ $command == start ]] && mkdir -p "$dir"
[[ -d $dir ]] && dir=$(cd "$dir" && pwd)

say() { echo "cluster-local: $*" >&2; }
die() { say "$*"; exit 1; }

# a process that exists and is not a zombie (kill -0 succeeds on zombies nobody reaped)
running() {
  local pid=$1
  [[ -r /proc/$pid/stat ]] && [[ $(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) != Z ]]
}

# a pid file names a daemon of this cluster while that process still runs img on a state dir of $dir
alive() {
  local pidfile=$1 pid
  [[ -f $pidfile ]] || return 1
  pid=$(<"$pidfile")
  [[ -n $pid ]] && running "$pid" && tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$dir/$(basename "$pidfile" .pid)"
}

# waits until a log holds a line, or the daemon exits, or the time runs out
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

# starts one daemon detached from this shell (its own session: Ctrl-C here does not reach it)
launch() {
  local name=$1
  shift
  mkdir -p "$dir/$name"
  : >"$dir/$name.log"
  setsid "$img" --state "$dir/$name" "$@" </dev/null >>"$dir/$name.log" 2>&1 &
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

start() {
  [[ -x $img ]] || die "no img binary at $img (publish it: dotnet publish src/Img.Cli -c Release -o out, or pass -b PATH)"
  [[ $nodes =~ ^[0-9]+$ && $nodes -ge 1 ]] || die "-n takes a number of nodes (1 or more), not $nodes"
  [[ $slots =~ ^[0-9]+$ && $slots -ge 1 ]] || die "-s takes a number of slots (1 or more), not $slots"
  img=$(cd "$(dirname "$img")" && pwd)/$(basename "$img")
  for pidfile in "$dir"/*.pid; do
    [[ -e $pidfile ]] || continue
    alive "$pidfile" && die "a cluster already runs from $dir ($(basename "$pidfile" .pid) is up): run '$0 stop -d $dir' first"
    rm -f "$pidfile"
  done
  local address=127.0.0.1:$port
  echo "$address" >"$dir/address"
  launch coordinator coordinator --listen "$address" --insecure --name coordinator
  wait_for coordinator "img coordinator coordinator: clients at" 60 || { stop_all; exit 1; }
  say "coordinator up: clients at $address, members at 127.0.0.1:$((port + 1)), blobs at 127.0.0.1:$((port + 2))"
  for i in $(seq 1 "$nodes"); do
    launch "n$i" node --join "$address" --insecure --name "n$i" --slots "$slots"
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
}

case $command in
  start) start ;;
  stop)
    stop_all
    if $clean; then
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
  *) die "unknown command $command: start, stop or status" ;;
esac
