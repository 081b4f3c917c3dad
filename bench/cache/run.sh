#!/usr/bin/env bash
# A cold CI runner that starts warm: img vs BuildKit (dockerd 20.10's builder) building with a
# cache another build exported to the loopback registry, on a fresh state, and the bytes each
# downloads for it.
#
#   bash bench/builds/setup.sh          # once: registry 127.0.0.1:5000 + busybox base, dockerd, img published
#   bash bench/cache/run.sh             # both workloads, 3 runs per case
#   RUNS=1 bash bench/cache/run.sh app5
#
# Workloads: ctx (the shared 20,000-file context) and app5 (made here: five stages, four feeding
# the last). Per tool and workload, once and untimed: the tool's state is reset and the build
# exports its cache with its image, pushed to the registry:
#   img       img build --cache-to type=inline --push -t 127.0.0.1:5001/bench-cache/W:img
#   BuildKit  docker build --build-arg BUILDKIT_INLINE_CACHE=1 -t 127.0.0.1:5001/bench-cache/W:buildkit; docker push
# (inline caches on both sides: what BuildKit in dockerd 20.10 can export). Then, timed, each run:
#   cached    the tool reset to an empty state (img: a new state directory; BuildKit: every image
#             removed and the build cache pruned, i.e. nothing from the exporting build), then
#             a build of the same context with --cache-from that image, loading the image
#             locally (`-t bench/W`): every step comes from the cache;
#   change    the same with one byte appended to one file of the context (ctx: src/pkg000/f000.txt,
#             app5: config/app.conf): the steps after its COPY run, on layers fetched from the cache.
# The registry is reached through count-proxy.py (127.0.0.1:5001), which counts every byte it
# sends to the builders: the MiB column is what a build downloaded (base image included).
# The tools alternate within each run, in a rotating order. Timing never fails the script; it
# exits 1 only when a build fails (its log tail is printed). Results: a table on stdout and in
# bench/cache/results/<date>-<time>.md, with the raw numbers as CSV.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
D=${BENCH_DIR:-/var/tmp/img-bench-builds}
WL=${WORKLOADS_DIR:-/work/shared/bench-workloads}
RUNS=${RUNS:-3}
TOOLS=${TOOLS:-"img buildkit"}
IMG=${IMG:-$HERE/../builds/.img/img}
PROXY_PORT=${PROXY_PORT:-5001}
REG=127.0.0.1:$PROXY_PORT
BASE=$REG/library/busybox:latest
IMG_STATE_ROOT=${IMG_STATE_ROOT:-/var/tmp/imgbench-cache}
DOCKER=/usr/bin/docker
SOCK=unix://$D/docker.sock
STAMP=$(date +%Y-%m-%d-%H%M)
if [ -e "$HERE/results/$STAMP.md" ] || [ -e "$D/logs/cache-$STAMP" ]; then STAMP=$(date +%Y-%m-%d-%H%M%S); fi
LOGS=$D/logs/cache-$STAMP
RESULTS=$HERE/results/$STAMP.md
mkdir -p "$LOGS" "$HERE/results" "$IMG_STATE_ROOT"
export DOCKER_BUILDKIT=1

# --- preflight ----------------------------------------------------------------------------------
[ -x "$IMG" ] || { echo "no img at $IMG: run bench/builds/setup.sh" >&2; exit 2; }
curl -fsS -o /dev/null http://127.0.0.1:5000/v2/ || { echo "no registry on 127.0.0.1:5000: run bench/builds/setup.sh" >&2; exit 2; }
case " $TOOLS " in *" buildkit "*) "$DOCKER" -H "$SOCK" version >/dev/null 2>&1 || { echo "no dockerd on $SOCK: run bench/builds/setup.sh" >&2; exit 2; };; esac
command -v python3 >/dev/null || { echo "python3 is required (count-proxy.py)" >&2; exit 2; }

COUNTER=$LOGS/downloaded-bytes
python3 "$HERE/count-proxy.py" "$PROXY_PORT" 5000 "$COUNTER" > "$LOGS/proxy.log" 2>&1 &
PROXY_PID=$!
GEN=$(mktemp -d "${TMPDIR:-/var/tmp}/img-bench-cache.XXXXXX")
trap 'kill $PROXY_PID 2>/dev/null; rm -rf "$GEN"' EXIT
for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://$REG/v2/" 2>/dev/null && break; sleep 0.05; done
curl -fsS -o /dev/null "http://$REG/v2/" || { echo "count-proxy.py did not start:" >&2; cat "$LOGS/proxy.log" >&2; exit 2; }

# --- workloads ----------------------------------------------------------------------------------
WORKLOADS=("$@"); [ ${#WORKLOADS[@]} -gt 0 ] || WORKLOADS=(ctx app5)
for w in "${WORKLOADS[@]}"; do
  case $w in ctx|app5) ;; *) echo "unknown workload $w (ctx app5)" >&2; exit 2 ;; esac
done

context_dir() { # the build context of workload W, made once
  local w=$1 dir=$GEN/$1
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"
    case $w in
      ctx) sh "$WL/ctx/gen.sh" "$dir" >/dev/null ;;
      app5)
        mkdir -p "$dir/src" "$dir/config"
        for i in $(seq 1 40); do head -c 4096 /dev/urandom | base64 > "$dir/src/module$i.txt"; done
        echo "listen=8080" > "$dir/config/app.conf"
        cat > "$dir/Dockerfile" <<'DOCKERFILE'
# Five stages: dependencies, a tool, a build and a test on the dependencies, the final image.
ARG BASE=127.0.0.1:5000/library/busybox:latest
FROM ${BASE} AS deps
RUN mkdir -p /deps && for i in $(seq 1 500); do echo "dependency $i" > /deps/d$i.txt; done \
 && dd if=/dev/urandom of=/deps/blob bs=1M count=16 2>/dev/null

FROM ${BASE} AS tool
RUN dd if=/dev/urandom of=/tool bs=1M count=8 2>/dev/null && sleep 1

FROM deps AS build
COPY src /src
RUN cat /src/*.txt /deps/d*.txt > /build.out && cp /deps/blob /build.blob

FROM deps AS test
COPY src /src
RUN wc -c /src/*.txt > /test.out && sleep 1

FROM ${BASE}
COPY --from=tool /tool /usr/bin/tool
COPY --from=build /build.out /build.blob /app/
COPY --from=test /test.out /app/
COPY config /app/config
RUN ls -laR /app > /app/listing
DOCKERFILE
        ;;
    esac
  fi
  echo "$dir"
}

changed_file() { case $1 in ctx) echo src/pkg000/f000.txt ;; app5) echo config/app.conf ;; esac; }

# --- tools --------------------------------------------------------------------------------------
state_of() { echo "$IMG_STATE_ROOT/$1"; }   # img's state per run (fresh = a new directory)

reset() { # reset TOOL [STATE]: nothing cached, no image
  case $1 in
    img) rm -rf "$2" ;;
    buildkit)
      local ids; ids=$("$DOCKER" -H "$SOCK" images -aq)
      [ -z "$ids" ] || "$DOCKER" -H "$SOCK" rmi -f $ids >/dev/null 2>&1
      "$DOCKER" -H "$SOCK" builder prune -af >/dev/null ;;
  esac
}

export_cache() { # export_cache TOOL W CTX: the exporting build, untimed
  local tool=$1 w=$2 ctx=$3 ref=$REG/bench-cache/$2:$1 state
  case $tool in
    img)
      state=$(state_of export); reset img "$state"
      "$IMG" --state "$state" build --progress=plain --network host --build-arg "BASE=$BASE" -t "$ref" --push --cache-to type=inline "$ctx" ;;
    buildkit)
      reset buildkit
      "$DOCKER" -H "$SOCK" build --progress=plain --network host --build-arg "BASE=$BASE" --build-arg BUILDKIT_INLINE_CACHE=1 -t "$ref" "$ctx" \
        && "$DOCKER" -H "$SOCK" push "$ref" ;;
  esac
}

import_build() { # import_build TOOL W CTX STATE: the timed build
  local tool=$1 w=$2 ctx=$3 state=$4 ref=$REG/bench-cache/$2:$1
  case $tool in
    img) "$IMG" --state "$state" --debug build --progress=plain --network host --build-arg "BASE=$BASE" -t "bench/$w" --cache-from "$ref" "$ctx" ;;
    buildkit) "$DOCKER" -H "$SOCK" build --progress=plain --network host --build-arg "BASE=$BASE" -t "bench/$w" --cache-from "$ref" "$ctx" ;;
  esac
}

label() { case $1 in img) echo img ;; buildkit) echo BuildKit ;; esac; }

# --- measuring ----------------------------------------------------------------------------------
declare -A TIMES BYTES
FAILURES=()
CSV="tool,workload,case,run,seconds,downloaded_bytes"
now() { date +%s.%N; }
bytes() { cat "$COUNTER" 2>/dev/null || echo 0; }

timed() { # timed TOOL W CASE RUN CTX
  local tool=$1 w=$2 c=$3 run=$4 ctx=$5 log=$LOGS/$2-$3-$1-$4.log start end t b0 b state
  state=$(state_of "$tool-$w-$c-$run")
  reset "$tool" "$state"
  sleep 0.2 # let connections of the reset settle before counting
  b0=$(bytes); start=$(now)
  if import_build "$tool" "$w" "$ctx" "$state" > "$log" 2>&1; then
    end=$(now); t=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
  else
    t=fail
    FAILURES+=("$(label "$tool") $w $c run $run: $( (grep -m1 -E 'ERROR|error' "$log" || tail -1 "$log") | cut -c1-600)  (log: $log)")
    { echo "!! $(label "$tool") $w/$c run $run failed; last lines of $log:"; tail -15 "$log"; } >&2
  fi
  b=$(( $(bytes) - b0 ))
  [ "$tool" = img ] && rm -rf "$state"
  TIMES[$tool/$w/$c]="${TIMES[$tool/$w/$c]:-} $t"
  BYTES[$tool/$w/$c]="${BYTES[$tool/$w/$c]:-} $b"
  CSV+=$'\n'"$tool,$w,$c,$run,$t,$b"
  printf '  %-8s %-5s %-7s run %d: %s s, %s bytes downloaded\n' "$(label "$tool")" "$w" "$c" "$run" "$t" "$b" >&2
}

rotated() { local arr=($TOOLS) n i out=(); n=${#arr[@]}; for ((i = 0; i < n; i++)); do out+=("${arr[$(( (i + $1) % n ))]}"); done; echo "${out[@]}"; }

echo "== cache import benchmark $STAMP: workloads ${WORKLOADS[*]}; tools $TOOLS; $RUNS runs; logs in $LOGS" >&2
START_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
T0=$(now)
for w in "${WORKLOADS[@]}"; do
  ctx=$(context_dir "$w")
  file=$ctx/$(changed_file "$w")
  original=$(mktemp "$GEN/original.XXXXXX"); cp "$file" "$original"
  for tool in $TOOLS; do
    if ! export_cache "$tool" "$w" "$ctx" > "$LOGS/$w-export-$tool.log" 2>&1; then
      FAILURES+=("$(label "$tool") $w export: $(tail -1 "$LOGS/$w-export-$tool.log" | cut -c1-600)  (log: $LOGS/$w-export-$tool.log)")
      { echo "!! $(label "$tool") $w export failed:"; tail -15 "$LOGS/$w-export-$tool.log"; } >&2
    fi
  done
  for c in cached change; do
    for ((r = 1; r <= RUNS; r++)); do
      cp "$original" "$file"
      [ "$c" = change ] && printf 'x' >> "$file"
      for tool in $(rotated $((r - 1))); do
        timed "$tool" "$w" "$c" "$r" "$ctx"
      done
    done
  done
  cp "$original" "$file"
done
ELAPSED=$(awk -v a="$T0" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }')
reset buildkit >/dev/null 2>&1 || true

# --- report -------------------------------------------------------------------------------------
median() { printf '%s\n' $@ | grep -v fail | sort -g | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
med() { median "${TIMES[$1/$2/$3]:-}"; }
mib() { local m; m=$(median "${BYTES[$1/$2/$3]:-}"); [ "$m" = n/a ] && echo n/a || awk -v b="$m" 'BEGIN { printf "%.2f", b / 1048576 }'; }
ratio() { if [[ $1 == n/a || $2 == n/a || -z $1 || -z $2 ]]; then echo n/a; else awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; fi; }
goal() { # img faster than BuildKit and downloading less
  local i=$1 b=$2 im=$3 bm=$4
  if [[ $i == n/a || $b == n/a || $im == n/a || $bm == n/a ]]; then echo n/a; return; fi
  awk -v i="$i" -v b="$b" -v im="$im" -v bm="$bm" 'BEGIN { printf "%s (time %s, bytes %s)", (i < b && im <= bm ? "PASS" : "FAIL"), (i < b ? "faster" : "slower"), (im <= bm ? "fewer or equal" : "more") }'
}
{
  echo "# Cache import: img vs BuildKit, $STAMP"
  echo
  echo "Median of $RUNS runs, seconds (wall clock of the whole build command) and MiB downloaded from the registry (base image included). Fresh state, --cache-from an inline cache pushed by a previous build of the same tool."
  echo "Machine: $(nproc) cores, $(free -g | awk '/^Mem/ {print $2}') GiB, kernel $(uname -r); load average at start $START_LOAD, at end $(cut -d' ' -f1-3 /proc/loadavg); total $ELAPSED s."
  echo "Versions: img $("$IMG" version 2>/dev/null | awk -F': *' 'tolower($1) ~ /^ *version/ {print $2; exit}') | BuildKit in dockerd $("$DOCKER" -H "$SOCK" version -f '{{.Server.Version}}' 2>/dev/null)."
  if awk -v l="${START_LOAD%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n) }'; then
    echo
    echo "**Warning: the machine was busy (load average above the core count): times are noisy.**"
  fi
  echo
  echo "| workload | case | img s | BuildKit s | img/BuildKit | img MiB | BuildKit MiB | goal: faster and fewer bytes |"
  echo "|---|---|---:|---:|---:|---:|---:|---|"
  for w in "${WORKLOADS[@]}"; do
    for c in cached change; do
      i=$(med img "$w" "$c"); b=$(med buildkit "$w" "$c"); im=$(mib img "$w" "$c"); bm=$(mib buildkit "$w" "$c")
      echo "| $w | $c | $i | $b | $(ratio "$i" "$b") | $im | $bm | $(goal "$i" "$b" "$im" "$bm") |"
    done
  done
  echo
  if [ ${#FAILURES[@]} -gt 0 ]; then
    echo "## Failed builds"; echo
    for f in "${FAILURES[@]}"; do echo "- $f"; done
    echo
  fi
  echo "## Raw numbers (CSV)"; echo
  echo '```csv'; echo "$CSV"; echo '```'
} > "$RESULTS"

echo
cat "$RESULTS"
echo
echo "written to $RESULTS (logs: $LOGS)"
[ ${#FAILURES[@]} -eq 0 ]
