#!/usr/bin/env bash
# Differential harness: builds each case with BuildKit (dockerd's builder) and with img, saves
# both images as docker-archive tars and compares them layer entry by layer entry and config
# field by field (Compare/). See README.md for what is normalised and why.
#
#   bash conformance/differential/run.sh [CASE...]     # default: every directory in cases/
#
# REFERENCE=dockerd (default: dockerd 20.10's builder, BuildKit 0.8) or REFERENCE=buildkitd (a
# standalone buildkitd, v0.11.6 from /work/shared/tools/buildkitd.sh, driven by buildctl; BUILDCTL
# and BUILDKIT_ADDR say where). Environment: DOCKER_HOST_SOCK (default /var/tmp/img-bench-builds/docker.sock, started by
# bench/builds/setup.sh), IMG (an img binary; default: published from src/Img.Cli into
# $WORK/bin), WORK (default /var/tmp/img-diff), SKIP_PUBLISH=1 to reuse $WORK/bin.
# Exit status: 0 when every case matched, 1 when any differed or failed.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=${WORK:-/var/tmp/img-diff}
SOCK=${DOCKER_HOST_SOCK:-/var/tmp/img-bench-builds/docker.sock}
DOCKER=(/usr/bin/docker -H "unix://$SOCK")   # Debian's 20.10 client: its builder is BuildKit
REFERENCE=${REFERENCE:-dockerd}
BUILDCTL=(${BUILDCTL:-/tmp/bkbin/buildctl} --addr "${BUILDKIT_ADDR:-unix:///tmp/bk/buildkitd.sock}")
STATE=$WORK/state
mkdir -p "$WORK/out"
# A fresh img state each run: an image cached by an older img would hide what this one does.
[ "${KEEP_STATE:-0}" = 1 ] || rm -rf "$STATE"

case $REFERENCE in
  dockerd) "${DOCKER[@]}" info >/dev/null 2>&1 || { echo "run.sh: no dockerd on $SOCK (bash bench/builds/setup.sh)" >&2; exit 2; } ;;
  buildkitd) "${BUILDCTL[@]}" debug workers >/dev/null 2>&1 || { echo "run.sh: no buildkitd at ${BUILDCTL[*]} (bash /work/shared/tools/buildkitd.sh GIT_DIR)" >&2; exit 2; } ;;
  *) echo "run.sh: REFERENCE must be dockerd or buildkitd" >&2; exit 2 ;;
esac

# docker build's arguments as buildctl options of the dockerfile frontend (buildkitd was started
# with --oci-worker-net=host, so RUN already gets the host network).
buildctl_args() {
  local out=() a
  while [ $# -gt 0 ]; do
    a=$1; shift
    case $a in
      --target|--build-arg|--label|--secret|--platform) set -- "$a=$1" "${@:2}"; continue ;;
      --target=*) out+=(--opt "target=${a#*=}") ;;
      --build-arg=*) out+=(--opt "build-arg:${a#*=}") ;;
      --label=*) out+=(--opt "label:${a#*=}") ;;
      --platform=*) out+=(--opt "platform=${a#*=}") ;;
      --secret=*) out+=(--secret "${a#*=}") ;;
      *) echo "run.sh: no buildctl form for build argument $a" >&2; return 1 ;;
    esac
  done
  printf '%s\n' "${out[@]}"
}

# Builds the case with the reference into $out/buildkit.tar; fails when the build fails.
reference_build() {
  if [ "$REFERENCE" = buildkitd ]; then
    local opts=()
    mapfile -t opts < <(buildctl_args "${args[@]}") || return 1
    "${BUILDCTL[@]}" build --progress=plain --frontend dockerfile.v0 --local context="$ctx" --local dockerfile="$ctx" \
      "${opts[@]}" --output "type=docker,name=$tag,dest=$out/buildkit.tar" >"$out/buildkit.log" 2>&1
  else
    DOCKER_BUILDKIT=1 "${DOCKER[@]}" build --progress=plain --network host "${args[@]}" -t "$tag" "$ctx" >"$out/buildkit.log" 2>&1 &&
      { "${DOCKER[@]}" save "$tag" -o "$out/buildkit.tar" 2>"$out/buildkit-save.log" ||
        { echo "docker save FAILED: $(cat "$out/buildkit-save.log")" >>"$out/buildkit.log"; return 1; }; }
  fi
}

if [ -z "${IMG:-}" ]; then
  IMG=$WORK/bin/img
  if [ "${SKIP_PUBLISH:-0}" != 1 ] || [ ! -x "$IMG" ]; then
    echo "publishing img into $WORK/bin"
    dotnet publish "$ROOT/src/Img.Cli" -c Release -o "$WORK/bin" -v quiet -nologo >/dev/null || exit 2
  fi
fi
COMPARE=$WORK/compare/imgdiff-compare
dotnet build "$HERE/Compare" -c Release -o "$WORK/compare" -v quiet -nologo >/dev/null || exit 2

# The secret of --secret cases (build-args: --secret id=tok,src=$WORK/secret.txt).
printf 'not-in-any-layer\n' >"$WORK/secret.txt"

# ADD <url> cases fetch from here (both builders reach loopback: dockerd runs on the host).
python3 -m http.server 18765 --bind 127.0.0.1 --directory "$HERE/http-root" >"$WORK/http.log" 2>&1 &
http_pid=$!
trap 'kill $http_pid 2>/dev/null' EXIT

cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  for d in "$HERE"/cases/*/; do cases+=("$(basename "$d")"); done
fi

same=0; differ=0; failed=0; skipped=0
for name in "${cases[@]}"; do
  src=$HERE/cases/$name
  out=$WORK/out/$name
  rm -rf "$out"; mkdir -p "$out"
  # The context is a copy: prepare.sh makes what git cannot hold (hardlinks, modes, archives).
  ctx=$out/context
  cp -a "$src" "$ctx"
  rm -f "$ctx/build-args" "$ctx/prepare.sh" "$ctx/compare-args" "$ctx/buildkit-unsupported" "$ctx/buildkitd-unsupported"
  if [ -f "$src/prepare.sh" ]; then (cd "$ctx" && bash "$src/prepare.sh") || { echo "== $name: prepare.sh failed"; failed=$((failed+1)); continue; }; fi
  args=()
  # $WORK in build-args is this run's work directory (where secret.txt, below, lives).
  [ -f "$src/build-args" ] && mapfile -t args < <(grep -v '^#' "$src/build-args" | sed '/^$/d' | sed "s|\$WORK|$WORK|g")
  compare_args=()
  # A line "dockerd: ARG" applies only to REFERENCE=dockerd (BuildKit 0.8's own differences).
  if [ -f "$src/compare-args" ]; then
    if [ "$REFERENCE" = dockerd ]; then
      mapfile -t compare_args < <(grep -v '^#' "$src/compare-args" | sed '/^$/d; s/^dockerd: *//')
    else
      mapfile -t compare_args < <(grep -v '^#' "$src/compare-args" | sed '/^$/d; /^dockerd:/d')
    fi
  fi
  [ "$REFERENCE" = buildkitd ] && compare_args+=(--reference=buildkitd)
  tag=imgdiff/$name:latest

  # buildkit-unsupported: dockerd's BuildKit 0.8 cannot build the case; buildkitd-unsupported: v0.11 cannot.
  unsupported=$src/buildkit-unsupported
  [ "$REFERENCE" = buildkitd ] && unsupported=$src/buildkitd-unsupported
  if [ -f "$unsupported" ]; then
    # The reference cannot build it (a Dockerfile feature newer than dockerd 20.10's BuildKit):
    # img must still build it; its output is left for reading.
    if "$IMG" --state "$STATE" build --progress=plain --network host "${args[@]}" -t "$tag" "$ctx" >"$out/img.log" 2>&1; then
      echo "== $name: img only ($(cat "$unsupported"))"; skipped=$((skipped+1))
    else
      echo "== $name: img FAILED (logs in $out)"; tail -5 "$out/img.log" | sed 's/^/   img: /'; failed=$((failed+1))
    fi
    continue
  fi
  if reference_build; then bk_ok=1; else bk_ok=0; fi
  if ! "$IMG" --state "$STATE" build --progress=plain --network host "${args[@]}" -t "$tag" "$ctx" >"$out/img.log" 2>&1; then
    img_ok=0
  else
    img_ok=1
    if ! "$IMG" --state "$STATE" save -o "$out/img.tar" "$tag" 2>"$out/img-save.log"; then
      echo "== $name: img save FAILED: $(cat "$out/img-save.log")"; failed=$((failed+1)); continue
    fi
  fi

  if [ $bk_ok = 0 ] && [ $img_ok = 0 ]; then
    echo "== $name: both failed (same outcome)"; same=$((same+1))
    echo "   buildkit: $(grep -m1 -iE 'error|failed' "$out/buildkit.log")"
    echo "   img:      $(grep -m1 -iE 'error|failed' "$out/img.log")"
    continue
  fi
  if [ $bk_ok != $img_ok ]; then
    echo "== $name: DIFFERENT OUTCOME (buildkit ok=$bk_ok, img ok=$img_ok; logs in $out)"
    [ $bk_ok = 0 ] && tail -5 "$out/buildkit.log" | sed 's/^/   buildkit: /'
    [ $img_ok = 0 ] && tail -5 "$out/img.log" | sed 's/^/   img: /'
    failed=$((failed+1)); continue
  fi
  if "$COMPARE" "$out/buildkit.tar" "$out/img.tar" "${compare_args[@]}" >"$out/diff.txt"; then
    known=$(grep -c '^  known:' "$out/diff.txt")
    if [ "$known" -gt 0 ]; then echo "== $name: same ($known known version differences, see $out/diff.txt)"; else echo "== $name: same"; fi
    same=$((same+1))
  else
    echo "== $name: DIFFERENT"; cat "$out/diff.txt"; differ=$((differ+1))
  fi
done
echo "cases: $same same, $differ different, $failed failed, $skipped img only"
[ $differ -eq 0 ] && [ $failed -eq 0 ]
