#!/usr/bin/env bash
# A plain-HTTP registry on loopback for trying `img push` / `img pull` (Debian docker-registry,
# distribution v2.8; img talks plain HTTP to 127.0.0.1 without any flag).
#
#   scripts/registry-local.sh [start] [-p PORT] [-d DIR]   start it in the background (no auth)
#   scripts/registry-local.sh stop [-d DIR]                stop it (its storage stays in DIR)
#
# Defaults: port 5000, DIR=/tmp/img-registry (config.yml, storage/, registry.log, registry.pid).
set -euo pipefail
command=start
case ${1:-} in
  start|stop) command=$1; shift ;;
esac
port=5000
dir=/tmp/img-registry
while [[ $# -gt 0 ]]; do
  case $1 in
    -p|--port) port=$2; shift 2 ;;
    -d|--dir) dir=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "registry-local.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

running() { [[ -f $dir/registry.pid ]] && kill -0 "$(cat "$dir/registry.pid")" 2>/dev/null; }

# the distribution API's base endpoint answers 200
answers() {
  local status
  status=$(timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && printf 'GET /v2/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && head -n1 <&3" 2>/dev/null) || return 1
  [[ $status == *" 200 "* ]]
}

if [[ $command == stop ]]; then
  if running; then
    kill "$(cat "$dir/registry.pid")"
    echo "registry-local: stopped (storage kept in $dir/storage)"
  fi
  rm -f "$dir/registry.pid"
  exit 0
fi

if answers; then
  echo "registry-local: a registry already answers at 127.0.0.1:$port"
  exit 0
fi
command -v docker-registry >/dev/null || { echo "registry-local: install Debian docker-registry (scripts/install-deps.sh)" >&2; exit 1; }
mkdir -p "$dir/storage"
cat >"$dir/config.yml" <<CONFIG
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
CONFIG
setsid docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 </dev/null &
echo $! >"$dir/registry.pid"
for _ in $(seq 300); do
  answers && { echo "registry-local: a registry answers at 127.0.0.1:$port (stop: bash scripts/registry-local.sh stop)"; exit 0; }
  running || break
  sleep 0.1
done
tail -n 20 "$dir/registry.log" >&2
echo "registry-local: the registry did not start on 127.0.0.1:$port" >&2
exit 1
