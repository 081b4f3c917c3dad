#!/usr/bin/env bash
# Runs the whole test suite and ends with one summary line, "N passed, N failed".
# Tests start their own registries (Debian docker-registry) on 127.0.0.1; run
# scripts/install-deps.sh once on a fresh machine first.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
dotnet build Img.sln -c Release -nologo -clp:ErrorsOnly 2>&1 | tee -a "$log"
build=${PIPESTATUS[0]}
if [ "$build" -ne 0 ]; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit "$build"
fi
# one test project at a time: the Cli rootless fixture and the E2E fixture both publish
# src/Img.Cli, and two concurrent publishes collide on crossgen's output file
dotnet test Img.sln -c Release --no-build -nologo -m:1 "$@" 2>&1 | tee -a "$log"
rc=${PIPESTATUS[0]}
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "tests: $passed passed, $failed failed"
exit "$rc"
