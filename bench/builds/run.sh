#!/usr/bin/env bash
# img build vs BuildKit (dockerd 20.10's builder) vs buildah on /work/shared/bench-workloads.
#
#   bash bench/builds/setup.sh               # once: registry + busybox base, dockerd, img published
#   bash bench/builds/run.sh                 # every workload, 3 runs each
#   bash bench/builds/run.sh ctx biglayer    # some workloads
#   RUNS=1 TOOLS="img buildkit" bash bench/builds/run.sh steps50
#
# Workloads: parallel, steps50, ctx, biglayer (the shared ones), plus three made here:
#   parallel-distinct  parallel with four stages that differ (the shared one has four identical
#                      RUNs on one base: BuildKit and img merge them into ONE vertex, so it does
#                      not exercise concurrency at all);
#   stage1             one stage of parallel feeding the final stage: the "one stage" reference
#                      for the concurrency target (added automatically with parallel*);
#   steps0             FROM only: the base for steps50's per-step overhead (added with steps50).
# Cases: cold (every tool's cache reset first), cached (same build again), and for ctx change
# (one byte appended to src/pkg000/f000.txt before each run). Runs alternate the tools, with a
# rotating order. Medians, ratios and the BRIEF.md target checks are printed and written to
# bench/builds/results/<date>-<time>.md (raw times as CSV in the same file).
#
# Cold resets: img: its state dir emptied (images, content, cache db, snapshots, runc, tmp)
# except snapshots/auto-choice, the remembered snapshotter probe (a per-machine setting, not
# build cache); BuildKit: `docker rmi` of every image + `docker builder prune -af`; buildah:
# `buildah rm -a; buildah rmi -a -f`. buildah uses a private storage root under $BENCH_DIR so
# that resetting it never touches /var/lib/containers.
#
# Timing never fails the script; it exits 1 only when a build fails (its log tail is printed).
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
D=${BENCH_DIR:-/var/tmp/img-bench-builds}
WL=${WORKLOADS_DIR:-/work/shared/bench-workloads}
RUNS=${RUNS:-3}
COLD_RUNS_BIG=${COLD_RUNS_BIG:-$RUNS}   # cold runs for ctx and biglayer (slow ones)
TOOLS=${TOOLS:-"img buildkit buildah"}
BASE=${BASE:-127.0.0.1:5000/library/busybox:latest}
IMG=${IMG:-$HERE/.img/img}
# img's state dir: kept short on purpose. img's overlayfs mounts pass every lowerdir as an absolute
# path in one mount(2) option string, which the kernel cuts at 4096 bytes: steps50 (51 layers)
# fails with "No such file or directory" once the state path is longer than ~33 characters.
IMG_STATE=${IMG_STATE:-/var/tmp/imgbench-state}
DOCKER=/usr/bin/docker
SOCK=unix://$D/docker.sock
BUILDAH=(buildah --root "$D/buildah/root" --runroot "$D/buildah/run")
STAMP=$(date +%Y-%m-%d-%H%M)
# two runs started in the same minute must not overwrite each other's results
if [ -e "$HERE/results/$STAMP.md" ] || [ -e "$D/logs/$STAMP" ]; then STAMP=$(date +%Y-%m-%d-%H%M%S); fi
LOGS=$D/logs/$STAMP
RESULTS=$HERE/results/$STAMP.md
mkdir -p "$LOGS" "$HERE/results" "$IMG_STATE"
export DOCKER_BUILDKIT=1 STORAGE_DRIVER=overlay

# --- preflight ----------------------------------------------------------------------------------
[ -x "$IMG" ] || { echo "no img at $IMG: run bench/builds/setup.sh" >&2; exit 2; }
curl -fsS -o /dev/null http://127.0.0.1:5000/v2/ || { echo "no registry on 127.0.0.1:5000: run bench/builds/setup.sh" >&2; exit 2; }
case " $TOOLS " in *" buildkit "*) "$DOCKER" -H "$SOCK" version >/dev/null 2>&1 || { echo "no dockerd on $SOCK: run bench/builds/setup.sh" >&2; exit 2; };; esac

# --- workloads ----------------------------------------------------------------------------------
REQ=("$@"); [ ${#REQ[@]} -gt 0 ] || REQ=(parallel parallel-distinct steps50 ctx biglayer)
WORKLOADS=()
add() { local w; for w in "${WORKLOADS[@]}"; do [ "$w" = "$1" ] && return; done; WORKLOADS+=("$1"); }
for w in "${REQ[@]}"; do
  case $w in
    parallel|parallel-distinct) add stage1; add "$w" ;;
    steps50) add steps0; add steps50 ;;
    ctx|biglayer|stage1|steps0) add "$w" ;;
    *) echo "unknown workload $w (parallel parallel-distinct stage1 steps50 steps0 ctx biglayer)" >&2; exit 2 ;;
  esac
done

GEN=$(mktemp -d "${TMPDIR:-/var/tmp}/img-bench-ctx.XXXXXX")
trap 'rm -rf "$GEN"' EXIT
# context_dir W: the build context of workload W (generated ones under $GEN).
context_dir() {
  local w=$1 dir=$GEN/$1
  case $w in
    parallel|steps50|biglayer) echo "$WL/$w"; return ;;
  esac
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"
    case $w in
      ctx) sh "$WL/ctx/gen.sh" "$dir" >/dev/null ;;
      parallel-distinct)
        sed -E 's|^RUN sleep 2 (.*)$|RUN sleep 2 \1 \&\& echo STAGE > /stage|' "$WL/parallel/Dockerfile" \
          | awk '/^FROM .* AS s[0-9]/ { s = $NF } { sub(/STAGE/, s); print }' > "$dir/Dockerfile" ;;
      stage1)
        cat > "$dir/Dockerfile" <<'EOF'
# One stage of parallel/ feeding the final stage: the "one stage" time of the concurrency target.
ARG BASE=127.0.0.1:5000/library/busybox:latest
FROM ${BASE} AS s1
RUN sleep 2 && dd if=/dev/urandom of=/out bs=1M count=8 2>/dev/null
FROM ${BASE}
COPY --from=s1 /out /o1
RUN ls -la /o1
EOF
        ;;
      steps0)
        printf '# FROM only: the base time of steps50.\nARG BASE=127.0.0.1:5000/library/busybox:latest\nFROM ${BASE}\n' > "$dir/Dockerfile" ;;
    esac
  fi
  echo "$dir"
}

cases_of() {
  case $1 in
    ctx) echo "cold cached change" ;;
    stage1|steps0) echo "cold" ;;
    *) echo "cold cached" ;;
  esac
}

# --- tools --------------------------------------------------------------------------------------
build() { # build TOOL WORKLOAD CONTEXT
  local tool=$1 w=$2 ctx=$3
  case $tool in
    img) "$IMG" --state "$IMG_STATE" --debug build --progress=plain --network host --build-arg "BASE=$BASE" -t "bench/$w" "$ctx" ;;
    buildkit) "$DOCKER" -H "$SOCK" build --progress=plain --network host --build-arg "BASE=$BASE" -t "bench/$w" "$ctx" ;;
    buildah) "${BUILDAH[@]}" bud --runtime runc --network host --layers --jobs 4 --tls-verify=false --build-arg "BASE=$BASE" -t "bench/$w" "$ctx" ;;
  esac
}

reset() { # reset TOOL: nothing cached, no image, no base image
  case $1 in
    img)
      rm -rf "$IMG_STATE"/{cache,content,images,runc,tmp}
      find "$IMG_STATE/snapshots" -mindepth 1 -maxdepth 1 ! -name auto-choice -exec rm -rf {} + 2>/dev/null
      true ;;
    buildkit)
      local ids; ids=$("$DOCKER" -H "$SOCK" images -aq)
      [ -z "$ids" ] || "$DOCKER" -H "$SOCK" rmi -f $ids >/dev/null 2>&1
      "$DOCKER" -H "$SOCK" builder prune -af >/dev/null ;;
    buildah)
      "${BUILDAH[@]}" rm -a >/dev/null 2>&1
      "${BUILDAH[@]}" rmi -a -f >/dev/null 2>&1
      true ;;
  esac
}

label() { case $1 in img) echo img ;; buildkit) echo BuildKit ;; buildah) echo buildah ;; esac; }

# --- measuring ----------------------------------------------------------------------------------
declare -A TIMES   # [tool/workload/case] = "t1 t2 ..."
FAILURES=()
CSV="tool,workload,case,run,seconds"

now() { date +%s.%N; }
timed_build() { # timed_build TOOL W CASE RUN CTX: appends the time (or "fail") to TIMES
  local tool=$1 w=$2 c=$3 run=$4 ctx=$5 log=$LOGS/$2-$3-$1-$4.log start end t
  start=$(now)
  if build "$tool" "$w" "$ctx" > "$log" 2>&1; then
    end=$(now); t=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
  else
    t=fail
    FAILURES+=("$(label "$tool") $w $c run $run: $( (grep -m1 -E 'ERROR|error' "$log" || tail -1 "$log") | cut -c1-600)  (log: $log)")
    { echo "!! $(label "$tool") $w/$c run $run failed; last lines of $log:"; tail -15 "$log"; } >&2
  fi
  TIMES[$tool/$w/$c]="${TIMES[$tool/$w/$c]:-} $t"
  CSV+=$'\n'"$tool,$w,$c,$run,$t"
  printf '  %-8s %-18s %-7s run %d: %s s\n' "$(label "$tool")" "$w" "$c" "$run" "$t" >&2
}

rotated() { # rotated N: the tools, starting at the Nth
  local arr=($TOOLS) n=${#arr[@]} i out=()
  for ((i = 0; i < n; i++)); do out+=("${arr[$(( (i + $1) % n ))]}"); done
  echo "${out[@]}"
}

echo "== img build benchmark $STAMP: workloads ${WORKLOADS[*]}; tools $TOOLS; $RUNS runs (cold ctx/biglayer: $COLD_RUNS_BIG)" >&2
echo "   logs in $LOGS" >&2
# warm-up, untimed: img's first use of a state dir probes the snapshotter (remembered in
# snapshots/auto-choice), dockerd and buildah have their own first-build costs.
for tool in $TOOLS; do build "$tool" steps0 "$(context_dir steps0)" > "$LOGS/warmup-$tool.log" 2>&1 || echo "warm-up build failed for $tool (see $LOGS/warmup-$tool.log)" >&2; done
START_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
T0=$(now)
for w in "${WORKLOADS[@]}"; do
  ctx=$(context_dir "$w")
  for c in $(cases_of "$w"); do
    runs=$RUNS
    [ "$c" = cold ] && case $w in ctx|biglayer) runs=$COLD_RUNS_BIG ;; esac
    for ((r = 1; r <= runs; r++)); do
      [ "$c" = change ] && printf 'x' >> "$ctx/src/pkg000/f000.txt"
      for tool in $(rotated $((r - 1))); do
        [ "$c" = cold ] && reset "$tool"
        # cached after a failed build, or after another workload's cold reset: build once, untimed
        if [ "$c" = cached ] && [ "$r" = 1 ] && [[ "${TIMES[$tool/$w/cold]:-}" == *fail* || -z "${TIMES[$tool/$w/cold]:-}" ]]; then
          build "$tool" "$w" "$ctx" > "$LOGS/$w-prime-$tool.log" 2>&1
        fi
        timed_build "$tool" "$w" "$c" "$r" "$ctx"
      done
    done
  done
done
ELAPSED=$(awk -v a="$T0" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }')

# --- report -------------------------------------------------------------------------------------
median() { printf '%s\n' $@ | grep -v fail | sort -g | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
med() { median "${TIMES[$1/$2/$3]:-}"; }
ratio() { if [[ $1 == n/a || $2 == n/a || -z $1 || -z $2 ]]; then echo n/a; else awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; fi; }
num() { [[ $1 != n/a && -n $1 ]]; }

check() { # check W CASE: the BRIEF.md target for that row, or "-"
  local w=$1 c=$2 i b ref
  i=$(med img "$w" "$c"); b=$(med buildkit "$w" "$c")
  case $w/$c in
    parallel/cold|parallel-distinct/cold)
      ref=$(med img stage1 cold)
      if num "$i" && num "$ref"; then
        awk -v i="$i" -v r="$ref" 'BEGIN { printf "%s: %.2fx img one-stage build (%.2f s), target <= 1.15x", (i <= 1.15 * r ? "PASS" : "FAIL"), i / r, r }'
      else echo "n/a"; fi ;;
    steps50/cold)
      local i0 b0; i0=$(med img steps0 cold); b0=$(med buildkit steps0 cold)
      if num "$i" && num "$b" && num "$i0" && num "$b0"; then
        awk -v i="$i" -v b="$b" -v i0="$i0" -v b0="$b0" 'BEGIN { oi = (i - i0) / 50 * 1000; ob = (b - b0) / 50 * 1000;
          printf "%s: per step img %.0f ms, BuildKit %.0f ms, target <= %.0f ms", (oi <= ob / 2 ? "PASS" : "FAIL"), oi, ob, ob / 2 }'
      else echo "n/a"; fi ;;
    ctx/cached|ctx/change)
      if num "$i" && num "$b"; then
        awk -v i="$i" -v b="$b" 'BEGIN { printf "%s: target faster than BuildKit", (i < b ? "PASS" : "FAIL") }'
      else echo "n/a"; fi ;;
    biglayer/cold)
      if num "$i" && num "$b"; then
        awk -v i="$i" -v b="$b" 'BEGIN { printf "%s: img %.0f MiB/s, BuildKit %.0f MiB/s (512 MiB / build time), target >= BuildKit", (i <= b ? "PASS" : "FAIL"), 512 / i, 512 / b }'
      else echo "n/a"; fi ;;
    *) echo "-" ;;
  esac
}

version_line() {
  echo "img $("$IMG" version 2>/dev/null | awk -F': *' 'tolower($1) ~ /^ *version/ {print $2; exit}')"\
       "| BuildKit in dockerd $("$DOCKER" -H "$SOCK" version -f '{{.Server.Version}}' 2>/dev/null)"\
       "| $(buildah --version | cut -d' ' -f1-3)"
}

{
  echo "# img build vs BuildKit vs buildah: $STAMP"
  echo
  echo "Median of $RUNS runs (cold ctx/biglayer: $COLD_RUNS_BIG), seconds, wall clock of the whole CLI command."
  echo "Machine: $(nproc) cores, $(free -g | awk '/^Mem/ {print $2}') GiB, kernel $(uname -r); load average at start $START_LOAD, at end $(cut -d' ' -f1-3 /proc/loadavg); total $ELAPSED s."
  echo "Versions: $(version_line). Base: $BASE."
  if awk -v l="${START_LOAD%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n) }'; then
    echo
    echo "**Warning: the machine was busy (load average above the core count): times are noisy, img's more than the others'.**"
  fi
  echo
  echo "| workload | case | img s | BuildKit s | buildah s | img/BuildKit | img/buildah | target (BRIEF.md) |"
  echo "|---|---|---:|---:|---:|---:|---:|---|"
  for w in "${WORKLOADS[@]}"; do
    for c in $(cases_of "$w"); do
      i=$(med img "$w" "$c"); b=$(med buildkit "$w" "$c"); h=$(med buildah "$w" "$c")
      echo "| $w | $c | $i | $b | $h | $(ratio "$i" "$b") | $(ratio "$i" "$h") | $(check "$w" "$c") |"
    done
  done
  echo
  if [ ${#FAILURES[@]} -gt 0 ]; then
    echo "## Failed builds"
    echo
    for f in "${FAILURES[@]}"; do echo "- $f"; done
    echo
  fi
  echo "## Raw times (CSV)"
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
