#!/usr/bin/env bash
# Pull/push throughput of img against skopeo on a loopback docker-registry.
#
#   bash bench/pullpush/run.sh            # 4 layers x 64 MiB, 3 runs each
#   LAYERS=2 LAYER_MIB=16 RUNS=1 bash bench/pullpush/run.sh
#
# Builds img (Release), starts two Debian docker-registry processes on 127.0.0.1 (a source that
# holds the seeded image, and a push target whose storage is wiped before every push), makes a
# random-data image with LAYERS gzip layers (an OCI layout written by make-image.py, loaded with
# `img load`, pushed once with `img push`), then times, alternating the tools, RUNS times each:
#   pull:  img pull into an empty state  vs  skopeo copy docker://... oci:DIR  and  dir:DIR
#   push:  img push to an empty registry vs  skopeo copy oci:DIR docker://... (same empty registry)
# and prints the medians and img/skopeo ratios. Timing never fails the script; setup errors do.
set -euo pipefail

LAYERS=${LAYERS:-4}
LAYER_MIB=${LAYER_MIB:-64}
RUNS=${RUNS:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/img-pullpush.XXXXXX")
REGISTRY_PIDS=()

cleanup() {
  for pid in "${REGISTRY_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

need() { command -v "$1" >/dev/null || { echo "missing $1: apt-get install -y ${2:-$1}" >&2; exit 1; }; }
need docker-registry; need skopeo; need python3; need dotnet

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_registry NAME PORT: serves $WORK/NAME/storage on 127.0.0.1:PORT; records the pid.
start_registry() {
  local name=$1 port=$2 dir="$WORK/$1"
  mkdir -p "$dir/storage"
  cat > "$dir/config.yml" <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/storage
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: pullpush-bench
YAML
  docker-registry serve "$dir/config.yml" > "$dir/registry.log" 2>&1 &
  REGISTRY_PIDS+=($!)
  for _ in $(seq 1 200); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/v2/" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "registry $name did not start:" >&2; cat "$dir/registry.log" >&2; exit 1
}

# restart_target: an empty push registry, so that nothing can be skipped or mounted.
restart_target() {
  local last=$(( ${#REGISTRY_PIDS[@]} - 1 ))
  kill "${REGISTRY_PIDS[$last]}" 2>/dev/null || true
  wait "${REGISTRY_PIDS[$last]}" 2>/dev/null || true
  unset "REGISTRY_PIDS[$last]"
  rm -rf "$WORK/target"
  start_registry target "$TARGET_PORT"
}

now() { date +%s.%N; }
# timed CMD...: runs CMD quietly, prints the seconds it took (or "fail").
timed() {
  local start end
  start=$(now)
  if "$@" > "$WORK/last.log" 2>&1; then end=$(now); awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }'; else echo fail; cat "$WORK/last.log" >&2; fi
}
median() { printf '%s\n' "$@" | grep -v fail | sort -g | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { if [[ $1 == n/a || $2 == n/a ]]; then echo n/a; else awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", a / b }'; fi; }

echo "== building img (Release)" >&2
dotnet publish "$ROOT/src/Img.Cli" -c Release -o "$WORK/img-bin" --nologo -v quiet > "$WORK/publish.log" 2>&1 \
  || { cat "$WORK/publish.log" >&2; exit 1; }
IMG="$WORK/img-bin/img"

SOURCE_PORT=$(free_port); start_registry source "$SOURCE_PORT"
TARGET_PORT=$(free_port); start_registry target "$TARGET_PORT"
SRC="127.0.0.1:$SOURCE_PORT/bench/app:latest"

POLICY="$WORK/policy.json"
echo '{"default":[{"type":"insecureAcceptAnything"}]}' > "$POLICY"
# Not exported: docker-registry would read REGISTRY_AUTH_FILE as its auth.file setting.
SKOPEO=(env REGISTRY_AUTH_FILE="$WORK/skopeo-auth.json" skopeo --policy "$POLICY")

echo "== making a $((LAYERS * LAYER_MIB)) MiB image ($LAYERS x $LAYER_MIB MiB random layers) and seeding $SRC" >&2
python3 "$ROOT/bench/pullpush/make-image.py" "$WORK/image.tar" "$SRC" "$LAYERS" "$LAYER_MIB"
"$IMG" --state "$WORK/seed" load -i "$WORK/image.tar" >&2
rm -f "$WORK/image.tar"
"$IMG" --state "$WORK/seed" push "$SRC" >&2

declare -a IMG_PULL SK_OCI SK_DIR IMG_PUSH SK_PUSH
for run in $(seq 1 "$RUNS"); do
  echo "== run $run/$RUNS" >&2
  rm -rf "$WORK/pulled"
  IMG_PULL+=("$(timed "$IMG" --state "$WORK/pulled" pull -q "$SRC")")
  rm -rf "$WORK/oci"
  SK_OCI+=("$(timed "${SKOPEO[@]}" copy -q --src-tls-verify=false "docker://$SRC" "oci:$WORK/oci:app")")
  rm -rf "$WORK/dir"
  SK_DIR+=("$(timed "${SKOPEO[@]}" copy -q --src-tls-verify=false "docker://$SRC" "dir:$WORK/dir")")

  restart_target
  "$IMG" --state "$WORK/seed" tag "$SRC" "127.0.0.1:$TARGET_PORT/bench/img$run:latest"
  IMG_PUSH+=("$(timed "$IMG" --state "$WORK/seed" push -q "127.0.0.1:$TARGET_PORT/bench/img$run:latest")")
  restart_target
  SK_PUSH+=("$(timed "${SKOPEO[@]}" copy -q --dest-tls-verify=false "oci:$WORK/oci:app" "docker://127.0.0.1:$TARGET_PORT/bench/skopeo$run:latest")")
done

pull_img=$(median "${IMG_PULL[@]}"); pull_oci=$(median "${SK_OCI[@]}"); pull_dir=$(median "${SK_DIR[@]}")
push_img=$(median "${IMG_PUSH[@]}"); push_sk=$(median "${SK_PUSH[@]}")

echo
echo "pull/push of a $((LAYERS * LAYER_MIB)) MiB image ($LAYERS layers), loopback docker-registry, median of $RUNS (seconds)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
printf '%-44s %9s %11s %11s\n' "operation" "img" "skopeo" "img/skopeo"
printf '%-44s %9s %11s %11s\n' "pull -> empty store   vs  skopeo oci:DIR" "$pull_img" "$pull_oci" "$(ratio "$pull_img" "$pull_oci")"
printf '%-44s %9s %11s %11s\n' "pull -> empty store   vs  skopeo dir:DIR" "$pull_img" "$pull_dir" "$(ratio "$pull_img" "$pull_dir")"
printf '%-44s %9s %11s %11s\n' "push -> empty registry (skopeo from oci:)" "$push_img" "$push_sk" "$(ratio "$push_img" "$push_sk")"
echo "runs: img pull ${IMG_PULL[*]} | skopeo oci ${SK_OCI[*]} | skopeo dir ${SK_DIR[*]} | img push ${IMG_PUSH[*]} | skopeo push ${SK_PUSH[*]}"
