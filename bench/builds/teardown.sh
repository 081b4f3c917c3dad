#!/usr/bin/env bash
# Stops what setup.sh started: dockerd (private socket) and the registry, if setup.sh started it.
# PURGE=1 also deletes $BENCH_DIR (dockerd's data root, registry storage).
set -uo pipefail

D=${BENCH_DIR:-/var/tmp/img-bench-builds}

stop_pid() { # stop_pid NAME PIDFILE
  local name=$1 file=$2 pid
  [ -f "$file" ] || { echo "$name: not started by setup.sh"; return 0; }
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "$name: stopped (pid $pid)"
  else
    echo "$name: not running"
  fi
  rm -f "$file"
}

stop_pid dockerd "$D/dockerd.pid"
stop_pid registry "$D/registry/pid"
if [ "${PURGE:-0}" = 1 ]; then
  umount -R "$D/root" 2>/dev/null || true
  rm -rf "$D" && echo "removed $D"
fi
