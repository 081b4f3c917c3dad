#!/usr/bin/env bash
# img's build cluster on one machine (bench/cluster/setup.sh: a secured coordinator and 4 nodes x 2
# slots on 127.0.0.1) against standalone img and BuildKit, and the in-process simulation at scale.
#
#   bash bench/cluster/setup.sh          # once: bench/builds/setup.sh + the cluster
#   bash bench/cluster/run.sh            # every case, 3 runs each
#   RUNS=1 bash bench/cluster/run.sh stages8 dispatch
#   SIM_ARGS="--vertices 2000 --nodes 100" bash bench/cluster/run.sh sim
#
# Cases (BRIEF.md "Performance targets", issue 9):
#   stages8   8 independent stages (RUN sleep 2 + 8 MiB of /dev/urandom each, distinct) and a final
#             stage that COPY --from each, against stage1 (one such stage + its COPY), both cold
#             through the cluster (a fresh SALT build arg per run changes every RUN's cache key; the
#             base is on the nodes already). Target: stages8 <= 1.3 x stage1. Also: how many nodes
#             ran the 8 stages (from the "#N running on NODE" lines). Standalone img for reference.
#   dispatch  steps50 (the shared workload: 50 trivial RUNs, with an ARG SALT so that every run is
#             cold) and steps0 (FROM only), through the cluster and standalone; per-step overhead
#             (steps50 - steps0) / 50 as bench/builds computes it. Target: cluster <= standalone + 5 ms.
#   transfer  a 512 MiB result moved from one node to another, against curl of the same blob from
#             the holder's blob server (mutual TLS with the holder's member.pem). Runs on its own
#             cluster (port PORT+30: nodes "src" and "dst", 1 slot each); see "transfer" below.
#             Target: >= 80 % of curl's throughput.
#   cached    the shared `parallel` workload fully cached (-t, built once untimed first): through the
#             warm cluster, standalone img, and BuildKit (dockerd from bench/builds/setup.sh).
#             Target: cluster <= BuildKit.
#   sim       the simulation (bench/cluster/sim): 10,000 vertices on 1,000 and 100 nodes x 2 slots
#             (SIM_ARGS adds or overrides arguments), then the monorepo at 1,000 nodes again with
#             --cpu-split (CPU time by actor; SIM_SPLIT=0 skips it).
#   engine    the engine-level transfer numbers (dotnet test ... TransferThroughput), printed as is.
# Default: stages8 dispatch transfer cached sim. Results: bench/cluster/results/<date>-<time>.md
# (medians, ratios, target checks, raw CSV); build logs under $BENCH_DIR/logs/<date>-<time>/.
# Timing never fails the script; it exits 1 only when a build or a case fails.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
D=${BENCH_DIR:-/var/tmp/imgbc}
BD=${BUILDS_DIR:-/var/tmp/img-bench-builds}
WL=${WORKLOADS_DIR:-/work/shared/bench-workloads}
RUNS=${RUNS:-3}
PORT=${PORT:-7790}
NODES=${NODES:-4}
BASE=${BASE:-127.0.0.1:5000/library/busybox:latest}
IMG=${IMG:-$ROOT/bench/builds/.img/img}
DOCKER=/usr/bin/docker
SOCK=unix://$BD/docker.sock
TRANSFER_PORT=$((PORT + 30))
STAMP=$(date +%Y-%m-%d-%H%M)
if [ -e "$HERE/results/$STAMP.md" ] || [ -e "$D/logs/$STAMP" ]; then STAMP=$(date +%Y-%m-%d-%H%M%S); fi
LOGS=$D/logs/$STAMP
RESULTS=$HERE/results/$STAMP.md
mkdir -p "$LOGS" "$HERE/results" "$D/standalone" "$D/cli"
export DOCKER_BUILDKIT=1
# shellcheck source=lib.sh
. "$HERE/lib.sh"

CASES=("$@"); [ ${#CASES[@]} -gt 0 ] || CASES=(stages8 dispatch transfer cached sim)
for c in "${CASES[@]}"; do
  case $c in stages8|dispatch|transfer|cached|sim|engine) ;; *) echo "unknown case $c (stages8 dispatch transfer cached sim engine)" >&2; exit 2 ;; esac
done
has_case() { local c; for c in "${CASES[@]}"; do [ "$c" = "$1" ] && return 0; done; return 1; }
needs_cluster() { has_case stages8 || has_case dispatch || has_case cached; }

# --- preflight ----------------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || { echo "run.sh: run as root (nodes run runc)" >&2; exit 2; }
[ -x "$IMG" ] || { echo "no img at $IMG: run bench/cluster/setup.sh" >&2; exit 2; }
curl -fsS -o /dev/null http://127.0.0.1:5000/v2/ || { echo "no registry on 127.0.0.1:5000: run bench/cluster/setup.sh" >&2; exit 2; }
if needs_cluster; then
  cluster_up || { echo "the cluster on 127.0.0.1:$PORT is not up with $NODES nodes: run bench/cluster/setup.sh" >&2; exit 2; }
fi
if has_case cached; then
  "$DOCKER" -H "$SOCK" version >/dev/null 2>&1 || { echo "no dockerd on $SOCK: run bench/cluster/setup.sh" >&2; exit 2; }
fi
read -r -a CLUSTER <<< "$(cluster_args "$PORT" "$D/token")"

GEN=$(mktemp -d "${TMPDIR:-/var/tmp}/img-bench-cluster.XXXXXX")
HTTPD_PID=""
cleanup() {
  [ -n "$HTTPD_PID" ] && kill "$HTTPD_PID" 2>/dev/null
  rm -rf "$GEN"
}
trap cleanup EXIT

# --- workloads ----------------------------------------------------------------------------------
# stagesN N: N independent stages, each RUN distinct, and a final stage that copies every output.
stages_dockerfile() {
  local n=$1 i
  echo "# $n independent stages of RUN sleep 2 + 8 MiB, and a final stage that copies each (bench/cluster)."
  echo "ARG BASE=$BASE"
  for ((i = 1; i <= n; i++)); do
    printf 'FROM ${BASE} AS s%d\nARG SALT\nRUN sleep 2 && head -c 8388608 /dev/urandom > /out-%d\n' "$i" "$i"
  done
  echo 'FROM ${BASE}'
  for ((i = 1; i <= n; i++)); do echo "COPY --from=s$i /out-$i /out-$i"; done
}

context_dir() {
  local w=$1 dir=$GEN/$1
  case $w in parallel) echo "$WL/parallel"; return ;; esac
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"
    case $w in
      stages8) stages_dockerfile 8 > "$dir/Dockerfile" ;;
      stage1) stages_dockerfile 1 > "$dir/Dockerfile" ;;
      steps50)
        # the shared steps50 with an ARG SALT after FROM: every RUN's environment, so its cache key, changes per run
        awk '{ print } /^FROM / && !done { print "ARG SALT"; done = 1 }' "$WL/steps50/Dockerfile" > "$dir/Dockerfile" ;;
      steps0)
        printf '# FROM only: the base time of steps50.\nARG BASE=%s\nFROM ${BASE}\n' "$BASE" > "$dir/Dockerfile" ;;
      transfer-a|transfer-b)
        {
          echo "ARG BASE=$BASE"
          echo 'FROM ${BASE} AS a'
          echo 'ARG SALT'
          echo 'RUN echo "$SALT" > /salt && head -c 536870912 /dev/urandom > /big'
          if [ "$w" = transfer-b ]; then
            echo 'FROM ${BASE}'
            echo 'RUN --mount=type=bind,from=a,target=/a test -s /a/big'
          fi
        } > "$dir/Dockerfile" ;;
      occupy)
        # holds its node's slot until http://127.0.0.1:RELEASE_PORT/ answers (the script starts a server then)
        printf 'ARG BASE=%s\nFROM ${BASE}\nARG SALT\nARG RELEASE_PORT\nRUN until wget -q -O /dev/null http://127.0.0.1:$RELEASE_PORT/ 2>/dev/null; do sleep 0.1; done\n' "$BASE" > "$dir/Dockerfile" ;;
    esac
  fi
  echo "$dir"
}

# --- tools --------------------------------------------------------------------------------------
build() { # build TOOL CONTEXT [ARGS...]: cluster | standalone | buildkit
  local tool=$1 ctx=$2; shift 2
  case $tool in
    cluster) "$IMG" --state "$D/cli" build "${CLUSTER[@]}" --progress=plain --network host --build-arg "BASE=$BASE" "$@" "$ctx" ;;
    standalone) "$IMG" --state "$D/standalone" build --progress=plain --network host --build-arg "BASE=$BASE" "$@" "$ctx" ;;
    buildkit) "$DOCKER" -H "$SOCK" build --progress=plain --network host --build-arg "BASE=$BASE" "$@" "$ctx" ;;
  esac
}
label() { case $1 in cluster) echo "img cluster" ;; standalone) echo "img standalone" ;; buildkit) echo BuildKit ;; *) echo "$1" ;; esac; }

declare -A TIMES   # [tool/workload/case] = "t1 t2 ..."
declare -A NOTES   # [key] = text
FAILURES=()
CSV="tool,workload,case,run,value"
now() { date +%s.%N; }
record() { # record TOOL W CASE RUN VALUE
  TIMES[$1/$2/$3]="${TIMES[$1/$2/$3]:-} $5"
  CSV+=$'\n'"$1,$2,$3,$4,$5"
}
fail() { # fail WHAT LOG
  FAILURES+=("$1: $( (grep -m1 -E 'ERROR|error' "$2" || tail -1 "$2") | cut -c1-600)  (log: $2)")
  { echo "!! $1 failed; last lines of $2:"; tail -15 "$2"; } >&2
}
timed_build() { # timed_build TOOL W CASE RUN CTX [ARGS...]: records seconds (or fail); the log is $LOGS/W-CASE-TOOL-RUN.log
  local tool=$1 w=$2 c=$3 run=$4 ctx=$5; shift 5
  local log=$LOGS/$w-$c-$tool-$run.log start t
  start=$(now)
  if build "$tool" "$ctx" "$@" > "$log" 2>&1; then
    t=$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')
  else
    t=fail; fail "$(label "$tool") $w/$c run $run" "$log"
  fi
  record "$tool" "$w" "$c" "$run" "$t"
  printf '  %-15s %-10s %-7s run %d: %s s\n' "$(label "$tool")" "$w" "$c" "$run" "$t" >&2
}
# vertex_field LOG REGEX: for the vertex whose header matches REGEX, "NODE SECONDS" from its
# "#N running on NODE" and "#N DONE S.Ss" lines (plain progress).
vertex_field() {
  awk -v re="$2" '
    /^#[0-9]+ \[/ && $0 ~ re { id = $1 }
    id != "" && $1 == id && $2 == "running" && $3 == "on" { node = $4 }
    id != "" && $1 == id && $2 == "DONE" { secs = $3; sub(/s$/, "", secs) }
    END { print (node == "" ? "?" : node), (secs == "" ? "?" : secs) }' "$1"
}
# run_nodes LOG REGEX: the distinct nodes that ran the vertices whose headers match REGEX.
run_nodes() {
  awk -v re="$2" '
    /^#[0-9]+ \[/ { if ($0 ~ re) want[$1] = 1 }
    want[$1] && $2 == "running" && $3 == "on" { nodes[$4] = 1 }
    END { n = 0; for (k in nodes) n++; print n }' "$1"
}

median() { printf '%s\n' "$@" | grep -vE '^(fail|n/a|)$' | sort -g | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
med() { median ${TIMES[$1/$2/$3]:-}; }
num() { [[ -n ${1:-} && $1 != n/a && $1 != fail && $1 != "?" ]]; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

rotated() { # rotated N TOOLS...: the tools starting at the Nth
  local n=$1; shift
  local arr=("$@") k=${#arr[@]} i out=()
  for ((i = 0; i < k; i++)); do out+=("${arr[$(( (i + n) % k ))]}"); done
  echo "${out[@]}"
}

echo "== img cluster benchmark $STAMP: cases ${CASES[*]}; $RUNS runs" >&2
echo "   logs in $LOGS" >&2
START_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
T0=$(now)

# --- stages8 ------------------------------------------------------------------------------------
if has_case stages8; then
  echo "stages8: 8 independent stages vs one stage, cold through the cluster" >&2
  # warm-up, untimed: every node pulls nothing (the base is pulled once, on one node); this makes the
  # base a cache hit and runs one stage through each tool
  build cluster "$(context_dir stage1)" --build-arg "SALT=warm-$STAMP" > "$LOGS/warmup-stage1-cluster.log" 2>&1 || fail "warm-up cluster" "$LOGS/warmup-stage1-cluster.log"
  build standalone "$(context_dir stage1)" --build-arg "SALT=warm-$STAMP" > "$LOGS/warmup-stage1-standalone.log" 2>&1 || fail "warm-up standalone" "$LOGS/warmup-stage1-standalone.log"
  for ((r = 1; r <= RUNS; r++)); do
    for w in $(rotated $((r - 1)) stage1 stages8); do
      for tool in $(rotated $((r - 1)) cluster standalone); do
        timed_build "$tool" "$w" cold "$r" "$(context_dir "$w")" --build-arg "SALT=$STAMP-$r"
      done
      nodes=$(run_nodes "$LOGS/$w-cold-cluster-$r.log" 'RUN sleep 2')
      record cluster "$w" nodes "$r" "$nodes"
    done
  done
fi

# --- dispatch -----------------------------------------------------------------------------------
if has_case dispatch; then
  echo "dispatch: steps50 and steps0 through the cluster and standalone" >&2
  build cluster "$(context_dir steps0)" > "$LOGS/warmup-steps0-cluster.log" 2>&1 || fail "warm-up cluster" "$LOGS/warmup-steps0-cluster.log"
  build standalone "$(context_dir steps0)" > "$LOGS/warmup-steps0-standalone.log" 2>&1 || fail "warm-up standalone" "$LOGS/warmup-steps0-standalone.log"
  for ((r = 1; r <= RUNS; r++)); do
    for w in steps0 steps50; do
      for tool in $(rotated $((r - 1)) cluster standalone); do
        timed_build "$tool" "$w" cold "$r" "$(context_dir "$w")" --build-arg "SALT=$STAMP-$r"
      done
    done
    record cluster steps50 nodes "$r" "$(run_nodes "$LOGS/steps50-cold-cluster-$r.log" 'RUN echo')"
  done
fi

# --- transfer -----------------------------------------------------------------------------------
# Placement is forced on a cluster of its own: nodes "src" and "dst" with 1 slot each.
#  1. only src is up: stage a (512 MiB of /dev/urandom) is built with --target a -o type=tar, so
#     src holds the result and its layer blob (the export compressed it: publishing later costs a
#     manifest, not a gzip of 512 MiB; the tar goes to /dev/null);
#  2. dst joins; an "occupy" build takes src's only slot (its RUN waits for a local HTTP server; its
#     base is on src, so src is preferred while free; the run is void if it lands elsewhere);
#  3. stage b (FROM base, RUN --mount=type=bind,from=a ... test -s /a/big) must run on dst: dst
#     fetches a's result from src (publish = manifest; download, verify, unpack 512 MiB); the
#     vertex time ("#N DONE") is the transfer plus a trivial RUN (~0.1 s);
#  4. the occupier is released; curl fetches the same layer blob from src's blob server with
#     dst's member certificate (mutual TLS), to /dev/null.
# Each run uses a new SALT (a new 512 MiB result). The cluster and its state are removed after.
if has_case transfer; then
  echo "transfer: 512 MiB between two nodes vs curl" >&2
  TD=$D
  TCLI=$D/tcli
  TP=$(cluster_prefix transfer)
  stop_cluster transfer quiet
  rm -rf "$D/${TP}c" "$D/${TP}n1" "$D/${TP}n2" "$TCLI" "$D/tcli-o"
  TOKEN=$D/${TP}token
  mkdir -p "$GEN/www"; echo ok > "$GEN/www/index.html"
  RELEASE_PORT=$((PORT + 40))
  if start_cluster transfer "$TRANSFER_PORT" 1 1 src; then
    read -r -a TCLUSTER <<< "$(cluster_args "$TRANSFER_PORT" "$TOKEN")"
    # the occupier needs a CLI state of its own: a CLI holds its state's lock for the whole build
    tbuild() { "$IMG" --state "$TCLI" build "${TCLUSTER[@]}" --progress=plain --network host --build-arg "BASE=$BASE" "$@"; }
    DST_PID=""
    for ((r = 1; r <= RUNS; r++)); do
      salt=$STAMP-$r
      log_a=$LOGS/transfer-a-$r.log log_o=$LOGS/transfer-occupy-$r.log log_b=$LOGS/transfer-b-$r.log
      # 1. the result on src (the first time src is the only node; later src is preferred: the base is there)
      if ! tbuild --target a -o type=tar,dest=/dev/null --build-arg "SALT=$salt" "$(context_dir transfer-a)" > "$log_a" 2>&1; then
        fail "transfer a run $r" "$log_a"; continue
      fi
      if [ -z "$DST_PID" ]; then
        # dst joins as node 2 of the transfer cluster
        setsid "$IMG" --state "$D/${TP}n2" node --join "127.0.0.1:$TRANSFER_PORT" --token-file "$TOKEN" --name dst --slots 1 \
          --blob-port $((TRANSFER_PORT + 12)) --cluster-port $((TRANSFER_PORT + 22)) > "$D/logs/${TP}dst.log" 2>&1 < /dev/null &
        DST_PID=$!; echo "$DST_PID" > "$D/pids/transfer-dst.pid"
        wait_for_line "$D/logs/${TP}dst.log" "node dst joined" 180 "$DST_PID" || { fail "dst node" "$D/logs/${TP}dst.log"; break; }
        for ((i = 0; i < 150; i++)); do [ "$(node_count "$TRANSFER_PORT" "$TOKEN")" -ge 2 ] && break; sleep 0.2; done
      fi
      read -r holder _ <<< "$(vertex_field "$log_a" 'head -c 536870912')"
      # 2. occupy src's slot
      TCLI=$D/tcli-o tbuild --build-arg "SALT=$salt" --build-arg "RELEASE_PORT=$RELEASE_PORT" "$(context_dir occupy)" > "$log_o" 2>&1 &
      occupy_pid=$!
      for ((i = 0; i < 1200; i++)); do grep -q "running on" "$log_o" 2>/dev/null && break; kill -0 $occupy_pid 2>/dev/null || break; sleep 0.1; done
      occupier=$(awk '$2 == "running" && $3 == "on" { print $4; exit }' "$log_o")
      # 3. the transfer
      start=$(now)
      if tbuild --build-arg "SALT=$salt" "$(context_dir transfer-b)" > "$log_b" 2>&1; then
        wall=$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')
        read -r runner secs <<< "$(vertex_field "$log_b" 'from=a')"
      else
        fail "transfer b run $r" "$log_b"; runner=fail secs=fail wall=fail
      fi
      # 4. release the occupier, then curl the blob from src
      (cd "$GEN/www" && exec busybox httpd -f -p "127.0.0.1:$RELEASE_PORT") & HTTPD_PID=$!
      wait $occupy_pid || fail "transfer occupier run $r" "$log_o"
      kill "$HTTPD_PID" 2>/dev/null; wait "$HTTPD_PID" 2>/dev/null; HTTPD_PID=""
      # the newest blob over 500 MiB on src: this run's layer
      blob=$(find "$D/${TP}n1/content/blobs/sha256" -type f -size +500M -printf '%T@ %f\n' | sort -n | tail -1 | cut -d' ' -f2)
      size=$(stat -c %s "$D/${TP}n1/content/blobs/sha256/$blob")
      pem=$D/${TP}n2/cluster/member.pem
      curl_out=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' --cert "$pem" --key "$pem" --cacert "$pem" \
        "https://127.0.0.1:$((TRANSFER_PORT + 11))/v2/_img/blobs/sha256:$blob" 2> "$LOGS/transfer-curl-$r.log") || true
      read -r code ctime <<< "$curl_out"
      [ "$code" = 200 ] || { ctime=fail; fail "curl run $r (HTTP $code)" "$LOGS/transfer-curl-$r.log"; }
      valid=yes
      [ "$holder" = src ] && [ "$occupier" = src ] && [ "$runner" = dst ] || valid=no
      echo "  transfer run $r: result on $holder, occupier on $occupier, b on $runner: b's vertex $secs s (build $wall s); curl $ctime s for $size bytes; valid: $valid" >&2
      if [ $valid = yes ] && num "$secs"; then
        record img transfer seconds "$r" "$secs"
        record img transfer mibps "$r" "$(calc %.1f "$size / 1048576 / $secs")"
      else
        record img transfer seconds "$r" "n/a"
        NOTES[transfer]="${NOTES[transfer]:-}run $r void (result on $holder, occupier on $occupier, b on $runner). "
      fi
      record curl transfer seconds "$r" "$ctime"
      num "$ctime" && record curl transfer mibps "$r" "$(calc %.1f "$size / 1048576 / $ctime")"
      record img transfer build "$r" "$wall"
      TRANSFER_BYTES=$size
    done
  else
    FAILURES+=("transfer: the transfer cluster did not start (logs: $D/logs/${TP}*.log)")
  fi
  stop_cluster transfer quiet
  # KEEP_TRANSFER=1 keeps the transfer cluster's state directories (to look at its stores)
  [ "${KEEP_TRANSFER:-0}" = 1 ] || rm -rf "$D/${TP}c" "$D/${TP}n1" "$D/${TP}n2" "$TCLI" "$D/tcli-o"
fi

# --- cached -------------------------------------------------------------------------------------
if has_case cached; then
  echo "cached: parallel fully cached through the warm cluster, standalone img and BuildKit" >&2
  ctx=$(context_dir parallel)
  for tool in cluster standalone buildkit; do
    build "$tool" "$ctx" -t bench/parallel > "$LOGS/parallel-prime-$tool.log" 2>&1 || fail "$(label $tool) parallel prime" "$LOGS/parallel-prime-$tool.log"
  done
  for ((r = 1; r <= RUNS; r++)); do
    for tool in $(rotated $((r - 1)) cluster standalone buildkit); do
      timed_build "$tool" parallel cached "$r" "$ctx" -t bench/parallel
    done
  done
fi

# --- sim ----------------------------------------------------------------------------------------
SIM_REPORT=""
if has_case sim; then
  echo "sim: building and running bench/cluster/sim (SIM_ARGS: ${SIM_ARGS:-none})" >&2
  sim_start=$(now)
  dotnet build -c Release "$HERE/sim" -v quiet -nologo > "$LOGS/sim-build.log" 2>&1 || fail "building the simulation" "$LOGS/sim-build.log"
  # shellcheck disable=SC2086
  if dotnet run -c Release --no-build --project "$HERE/sim" -- ${SIM_ARGS:-} > "$LOGS/sim.md" 2> "$LOGS/sim.log"; then
    SIM_REPORT=$(cat "$LOGS/sim.md")
  else
    fail "simulation" "$LOGS/sim.log"
    SIM_REPORT=$(cat "$LOGS/sim.md" 2>/dev/null)
  fi
  # where the CPU goes, by actor (dedicated threads); SIM_SPLIT=0 skips it
  if [ "${SIM_SPLIT:-1}" = 1 ]; then
    # shellcheck disable=SC2086
    if dotnet run -c Release --no-build --project "$HERE/sim" -- --workload monorepo --nodes 1000 ${SIM_ARGS:-} --cpu-split --no-costs > "$LOGS/sim-split.md" 2>> "$LOGS/sim.log"; then
      SIM_REPORT+=$'\n\n'"$(sed -n '/^### /,$p' "$LOGS/sim-split.md" | sed 's/^### /### --cpu-split: /')"
    else
      fail "simulation --cpu-split" "$LOGS/sim.log"
    fi
  fi
  NOTES[sim]="simulation: $(awk -v a="$sim_start" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }') s in all"
fi

# --- engine -------------------------------------------------------------------------------------
ENGINE_REPORT=""
if has_case engine; then
  echo "engine: dotnet test tests/Img.Engine.Tests --filter TransferThroughput" >&2
  if (cd "$ROOT" && dotnet test tests/Img.Engine.Tests -c Release --filter "FullyQualifiedName~TransferThroughput" \
        --logger "console;verbosity=detailed") > "$LOGS/engine.log" 2>&1; then
    ENGINE_REPORT=$(grep -E '512 MiB result|^\s+(publish|curl|RegistryClient|PeerBlobSource|ResultFetcher)' "$LOGS/engine.log" | sed 's/^ *//')
  else
    fail "engine transfer test" "$LOGS/engine.log"
  fi
fi
ELAPSED=$(awk -v a="$T0" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }')

# --- report -------------------------------------------------------------------------------------
row() { # row CASE WHAT CLUSTER STANDALONE BUILDKIT RATIO TARGET
  echo "| $1 | $2 | $3 | $4 | $5 | $6 | $7 |"
}
check_stages() {
  local s8 s1; s8=$(med cluster stages8 cold); s1=$(med cluster stage1 cold)
  if num "$s8" && num "$s1"; then
    awk -v a="$s8" -v b="$s1" 'BEGIN { printf "%s: %.2f x one stage, target <= 1.3 x", (a <= 1.3 * b ? "PASS" : "MISS"), a / b }'
  else echo "n/a"; fi
}
per_step() { # per_step TOOL: ms
  local a b; a=$(med "$1" steps50 cold); b=$(med "$1" steps0 cold)
  if num "$a" && num "$b"; then calc %.1f "($a - $b) / 50 * 1000"; else echo n/a; fi
}
check_dispatch() {
  local c s; c=$(per_step cluster); s=$(per_step standalone)
  if num "$c" && num "$s"; then
    awk -v c="$c" -v s="$s" 'BEGIN { printf "%s: cluster %.1f ms vs standalone %.1f ms per step (+%.1f ms), target <= +5 ms", (c <= s + 5 ? "PASS" : "MISS"), c, s, c - s }'
  else echo "n/a"; fi
}
check_transfer() {
  local i c; i=$(med img transfer mibps); c=$(med curl transfer mibps)
  if num "$i" && num "$c"; then
    awk -v i="$i" -v c="$c" 'BEGIN { printf "%s: %.0f %% of curl, target >= 80 %%", (i >= 0.8 * c ? "PASS" : "MISS"), 100 * i / c }'
  else echo "n/a"; fi
}
check_cached() {
  local c b; c=$(med cluster parallel cached); b=$(med buildkit parallel cached)
  if num "$c" && num "$b"; then
    awk -v c="$c" -v b="$b" 'BEGIN { printf "%s: %.2f x BuildKit, target <= 1 x", (c <= b ? "PASS" : "MISS"), c / b }'
  else echo "n/a"; fi
}
ratio() { if num "${1:-}" && num "${2:-}"; then calc %.2f "$1 / $2"; else echo n/a; fi; }

version_line() {
  echo "img $("$IMG" version 2>/dev/null | awk -F': *' 'tolower($1) ~ /^ *version/ {print $2; exit}')"\
       "| BuildKit in dockerd $("$DOCKER" -H "$SOCK" version -f '{{.Server.Version}}' 2>/dev/null || echo n/a)"\
       "| $(curl --version | head -1 | cut -d' ' -f1-2)"
}

{
  echo "# img cluster benchmark: $STAMP"
  echo
  echo "Median of $RUNS runs, seconds of wall clock for whole CLI commands unless said otherwise. A secured cluster on 127.0.0.1:"
  echo "a coordinator and $NODES nodes x 2 slots, each process with its own state directory (bench/cluster/setup.sh)."
  echo "Machine: $(nproc) cores, $(free -g | awk '/^Mem/ {print $2}') GiB, kernel $(uname -r); load average at start $START_LOAD, at end $(cut -d' ' -f1-3 /proc/loadavg); total $ELAPSED s."
  echo "Versions: $(version_line). Base: $BASE. Cases: ${CASES[*]}."
  if awk -v l="${START_LOAD%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n) }'; then
    echo
    echo "**Warning: the machine was busy (load average above the core count): times are noisy.**"
  fi
  echo
  echo "| case | what | img cluster | img standalone | BuildKit | ratio | target (BRIEF.md) |"
  echo "|---|---|---:|---:|---:|---:|---|"
  if has_case stages8; then
    row stages8 "8 stages cold, s (nodes used: $(median ${TIMES[cluster/stages8/nodes]:-}))" "$(med cluster stages8 cold)" "$(med standalone stages8 cold)" - \
      "$(ratio "$(med cluster stages8 cold)" "$(med cluster stage1 cold)") x stage1" "$(check_stages)"
    row stage1 "1 stage cold, s" "$(med cluster stage1 cold)" "$(med standalone stage1 cold)" - "cluster/standalone $(ratio "$(med cluster stage1 cold)" "$(med standalone stage1 cold)")" -
  fi
  if has_case dispatch; then
    row steps50 "50 RUNs cold, s" "$(med cluster steps50 cold)" "$(med standalone steps50 cold)" - "cluster/standalone $(ratio "$(med cluster steps50 cold)" "$(med standalone steps50 cold)")" -
    row steps0 "FROM only, s" "$(med cluster steps0 cold)" "$(med standalone steps0 cold)" - "cluster/standalone $(ratio "$(med cluster steps0 cold)" "$(med standalone steps0 cold)")" -
    row dispatch "per step (steps50 - steps0) / 50, ms" "$(per_step cluster)" "$(per_step standalone)" - - "$(check_dispatch)"
  fi
  if has_case transfer; then
    row transfer "512 MiB node to node, MiB/s (curl: same blob, mutual TLS)" "$(med img transfer mibps)" "curl $(med curl transfer mibps)" - \
      "$(ratio "$(med img transfer mibps)" "$(med curl transfer mibps)")" "$(check_transfer)"
    row "transfer (s)" "the fetching vertex's time / curl's time, s" "$(med img transfer seconds)" "curl $(med curl transfer seconds)" - - "${NOTES[transfer]:--}"
  fi
  if has_case cached; then
    row cached "parallel fully cached, s" "$(med cluster parallel cached)" "$(med standalone parallel cached)" "$(med buildkit parallel cached)" \
      "$(ratio "$(med cluster parallel cached)" "$(med buildkit parallel cached)") x BuildKit" "$(check_cached)"
  fi
  echo
  if has_case transfer; then
    echo "Transfer: the fetching vertex's time (its \"#N DONE\", from its dispatch to its answer: publish on src (the blob exists: a manifest), download, verify, unpack, commit, then a trivial RUN) for ${TRANSFER_BYTES:-?} bytes (the layer blob), against \`curl -o /dev/null\` of that blob from src's blob server with dst's member.pem (mutual TLS). The whole build of b took $(med img transfer build) s (median)."
    echo
  fi
  if [ -n "$SIM_REPORT" ]; then echo "$SIM_REPORT" | sed 's/^## /## /'; echo; fi
  if [ -n "$ENGINE_REPORT" ]; then
    echo "## Engine-level transfer (tests/Img.Engine.Tests TransferThroughput)"
    echo; echo '```'; echo "$ENGINE_REPORT"; echo '```'; echo
  fi
  if [ ${#FAILURES[@]} -gt 0 ]; then
    echo "## Failures"
    echo
    for f in "${FAILURES[@]}"; do echo "- $f"; done
    echo
  fi
  echo "## Raw values (CSV: seconds, MiB/s for mibps, node counts for nodes)"
  echo
  echo '```csv'
  echo "$CSV"
  echo '```'
} > "$RESULTS"

echo
cat "$RESULTS"
echo
echo "written to $RESULTS (logs: $LOGS)"
[ ${#FAILURES[@]} -eq 0 ]
