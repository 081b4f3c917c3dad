#!/usr/bin/env bash
# Stops what setup.sh (and an interrupted run.sh) started: the transfer cluster if one is left, the
# main cluster (nodes, then the coordinator), then bench/builds/teardown.sh (dockerd and the registry,
# if its setup started them; KEEP_BUILDS=1 leaves them up for bench/builds). PURGE=1 also deletes
# $BENCH_DIR (every state directory, the token, the logs) and passes PURGE=1 on.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
D=${BENCH_DIR:-/var/tmp/imgbc}
IMG=${IMG:-$ROOT/bench/builds/.img/img}
# shellcheck source=lib.sh
. "$HERE/lib.sh"

stop_cluster transfer
stop_cluster main
if [ "${KEEP_BUILDS:-0}" != 1 ]; then
  BENCH_DIR=${BUILDS_DIR:-/var/tmp/img-bench-builds} bash "$ROOT/bench/builds/teardown.sh"
fi
if [ "${PURGE:-0}" = 1 ] && [ -d "$D" ]; then
  # mounts a killed node may have left (step snapshots), deepest first
  awk -v d="$D/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
  rm -rf "$D" && echo "removed $D"
fi
