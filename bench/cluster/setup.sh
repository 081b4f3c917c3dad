#!/usr/bin/env bash
# Prepares the cluster benchmark (run.sh) on a Debian 12 machine, as root:
#   - bench/builds/setup.sh first (packages, img published into bench/builds/.img, the loopback
#     registry on 127.0.0.1:5000 with the busybox base, dockerd on a private socket for BuildKit);
#   - a secured img cluster on 127.0.0.1: a coordinator (clients on $PORT, members PORT+1, blobs
#     PORT+2) and 4 nodes x 2 slots (node1..node4, blob servers on fixed ports PORT+11..PORT+14),
#     each with its own state directory under $BENCH_DIR, the token in $BENCH_DIR/token (0600);
#   - a state directory for the standalone img the cases compare with.
# Idempotent: daemons already running (pid files, and the cluster answers) are reused.
#
#   bash bench/cluster/setup.sh        # SKIP_PUBLISH=1 keeps an existing bench/builds/.img
#   NODES=4 SLOTS=2 PORT=7790 BENCH_DIR=/var/tmp/imgbc bash bench/cluster/setup.sh
#
# State paths are kept short on purpose (img's overlayfs lowerdir option is cut at 4096 bytes:
# steps50 fails with a state directory longer than ~33 characters), hence /var/tmp/imgbc.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
D=${BENCH_DIR:-/var/tmp/imgbc}
IMG=${IMG:-$ROOT/bench/builds/.img/img}
PORT=${PORT:-7790}
NODES=${NODES:-4}
SLOTS=${SLOTS:-2}
mkdir -p "$D/logs"

[ "$(id -u)" = 0 ] || { echo "setup.sh: run as root" >&2; exit 1; }

# --- registry, base image, dockerd, img -------------------------------------------------------
# (its own BENCH_DIR: BUILDS_DIR here, default /var/tmp/img-bench-builds, as bench/builds uses)
BENCH_DIR=${BUILDS_DIR:-/var/tmp/img-bench-builds} bash "$ROOT/bench/builds/setup.sh"
[ -x "$IMG" ] || { echo "no img at $IMG" >&2; exit 1; }

# --- the cluster --------------------------------------------------------------------------------
# shellcheck source=lib.sh
. "$HERE/lib.sh"

if cluster_up; then
  echo "cluster: already up on 127.0.0.1:$PORT ($(node_count) nodes)"
else
  stop_cluster quiet
  start_cluster main "$PORT" "$NODES" "$SLOTS"
fi
mkdir -p "$D/standalone" "$D/cli"
echo "cluster: coordinator 127.0.0.1:$PORT, token $D/token, $NODES nodes x $SLOTS slots (state under $D, logs in $D/logs)"
"$IMG" cluster status --cluster "127.0.0.1:$PORT" --cluster-token-file "$D/token" | sed 's/^/  /'
