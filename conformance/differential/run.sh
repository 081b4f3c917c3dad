#!/usr/bin/env bash
# Differential harness: builds each case with BuildKit (dockerd's builder) and with img, saves
# both images as docker-archive tars and compares them layer entry by layer entry and config
# field by field (Compare/). See README.md for what is normalised and why.
#
#   bash conformance/differential/run.sh [CASE...]     # default: every directory in cases/
#
# Environment: DOCKER_HOST_SOCK (default /var/tmp/img-bench-builds/docker.sock, started by
# bench/builds/setup.sh), IMG (an img binary; default: published from src/Img.Cli into
# $WORK/bin), WORK (default /var/tmp/img-diff), SKIP_PUBLISH=1 to reuse $WORK/bin.
# Exit status: 0 when every case matched, 1 when any differed or failed.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=${WORK:-/var/tmp/img-diff}
SOCK=${DOCKER_HOST_SOCK:-/var/tmp/img-bench-builds/docker.sock}
DOCKER=(/usr/bin/docker -H "unix://$SOCK")   # Debian's 20.10 client: its builder is BuildKit
STATE=$WORK/state
mkdir -p "$WORK/out"
# A fresh img state each run: an image cached by an older img would hide what this one does.
[ "${KEEP_STATE:-0}" = 1 ] || rm -rf "$STATE"

"${DOCKER[@]}" info >/dev/null 2>&1 || { echo "run.sh: no dockerd on $SOCK (bash bench/builds/setup.sh)" >&2; exit 2; }

if [ -z "${IMG:-}" ]; then
  IMG=$WORK/bin/img
  if [ "${SKIP_PUBLISH:-0}" != 1 ] || [ ! -x "$IMG" ]; then
    echo "publishing img into $WORK/bin"
    dotnet publish "$ROOT/src/Img.Cli" -c Release -o "$WORK/bin" -v quiet -nologo >/dev/null || exit 2
  fi
fi
COMPARE=$WORK/compare/imgdiff-compare
dotnet build "$HERE/Compare" -c Release -o "$WORK/compare" -v quiet -nologo >/dev/null || exit 2

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
  rm -f "$ctx/build-args" "$ctx/prepare.sh" "$ctx/compare-args" "$ctx/buildkit-unsupported"
  if [ -f "$src/prepare.sh" ]; then (cd "$ctx" && bash "$src/prepare.sh") || { echo "== $name: prepare.sh failed"; failed=$((failed+1)); continue; }; fi
  args=()
  [ -f "$src/build-args" ] && mapfile -t args < <(grep -v '^#' "$src/build-args" | sed '/^$/d')
  compare_args=()
  [ -f "$src/compare-args" ] && mapfile -t compare_args < <(grep -v '^#' "$src/compare-args" | sed '/^$/d')
  tag=imgdiff/$name:latest

  if [ -f "$src/buildkit-unsupported" ]; then
    # The reference cannot build it (a Dockerfile feature newer than dockerd 20.10's BuildKit):
    # img must still build it; its output is left for reading.
    if "$IMG" --state "$STATE" build --progress=plain --network host "${args[@]}" -t "$tag" "$ctx" >"$out/img.log" 2>&1; then
      echo "== $name: img only ($(cat "$src/buildkit-unsupported"))"; skipped=$((skipped+1))
    else
      echo "== $name: img FAILED (logs in $out)"; tail -5 "$out/img.log" | sed 's/^/   img: /'; failed=$((failed+1))
    fi
    continue
  fi
  if ! DOCKER_BUILDKIT=1 "${DOCKER[@]}" build --progress=plain --network host "${args[@]}" -t "$tag" "$ctx" >"$out/buildkit.log" 2>&1; then
    bk_ok=0
  else
    bk_ok=1
    if ! "${DOCKER[@]}" save "$tag" -o "$out/buildkit.tar" 2>"$out/buildkit-save.log"; then
      echo "== $name: docker save FAILED: $(cat "$out/buildkit-save.log")"; failed=$((failed+1)); continue
    fi
  fi
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
    if [ "$known" -gt 0 ]; then echo "== $name: same ($known known BuildKit 0.8 differences, see $out/diff.txt)"; else echo "== $name: same"; fi
    same=$((same+1))
  else
    echo "== $name: DIFFERENT"; cat "$out/diff.txt"; differ=$((differ+1))
  fi
done
echo "cases: $same same, $differ different, $failed failed, $skipped img only"
[ $differ -eq 0 ] && [ $failed -eq 0 ]
