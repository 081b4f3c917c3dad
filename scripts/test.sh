#!/usr/bin/env bash
# Runs the whole test suite, one project at a time, and ends with one summary line,
# "tests: N passed, N failed". Tests start their own registries (Debian docker-registry) on
# 127.0.0.1; run scripts/install-deps.sh once on a fresh machine first.
#
# The suite says what it ran: counts come from each project's TRX results (what the runner
# itself executed, so the nested rootless run inside a test is not counted twice), and the
# run fails when
#   - a project ran zero tests (a typo'd filter, a project that was not discovered), or
#   - the total is below the floor in tests/floor.txt (tests that silently stopped running).
# With arguments (e.g. --filter ...) a project may match nothing and the floor does not apply;
# the run still fails when no project ran any test. See tests/README.md for updating the floor.
#
# Hangs: each test gets --blame-hang-timeout (IMG_TEST_HANG_TIMEOUT, default 20m: the E2E
# fixture publishes a ReadyToRun binary first), each project a `timeout` (IMG_TEST_PROJECT_TIMEOUT,
# default 90m); a project that times out counts as failed.
set -uo pipefail
cd "$(dirname "$0")/.."
hang=${IMG_TEST_HANG_TIMEOUT:-20m}
project_timeout=${IMG_TEST_PROJECT_TIMEOUT:-90m}
floor=$(grep -oE '^[0-9]+' tests/floor.txt | head -n1)
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

dotnet build Img.sln -c Release -nologo -clp:ErrorsOnly
build=$?
if [ "$build" -ne 0 ]; then
  echo "tests: build failed"
  echo "tests: 0 passed, 1 failed"
  exit "$build"
fi

# One test project at a time: the Cli rootless fixture and the E2E fixture both publish
# src/Img.Cli, and two concurrent publishes collide on crossgen's output file.
passed=0
failed=0
problems=()
ran_any=0
for project in tests/*/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  timeout --kill-after=2m "$project_timeout" \
    dotnet test "$project" -c Release --no-build -nologo \
      --blame-hang-timeout "$hang" \
      --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@"
  rc=$?
  trx="$results/$name.trx"
  total=0 p=0 f=0
  if [ -f "$trx" ]; then
    counters=$(grep -oE '<Counters [^>]*>' "$trx" | head -n1)
    total=$(sed -nE 's/.* executed="([0-9]+)".*/\1/p' <<<"$counters")
    p=$(sed -nE 's/.* passed="([0-9]+)".*/\1/p' <<<"$counters")
    f=$(sed -nE 's/.* failed="([0-9]+)".*/\1/p' <<<"$counters")
    total=${total:-0} p=${p:-0} f=${f:-0}
  fi
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    problems+=("$name: timed out after $project_timeout")
    f=$((f + 1))
  elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    # a crash, a hang dump, or a collection/fixture cleanup failure outside any test
    problems+=("$name: dotnet test exited $rc with no failed test")
    f=1
  fi
  if [ "$total" -eq 0 ]; then
    if [ "$#" -eq 0 ]; then
      problems+=("$name: ran no tests")
      f=$((f + 1))
    fi
  else
    ran_any=1
  fi
  echo "tests: $name: $p passed, $f failed"
  passed=$((passed + p))
  failed=$((failed + f))
done

if [ "$ran_any" -eq 0 ]; then
  problems+=("no project ran any test")
  failed=$((failed + 1))
elif [ "$#" -eq 0 ] && [ -n "$floor" ] && [ "$((passed + failed))" -lt "$floor" ]; then
  problems+=("$((passed + failed)) tests ran, fewer than the floor of $floor in tests/floor.txt")
  failed=$((failed + 1))
fi
for problem in "${problems[@]}"; do
  echo "tests: $problem"
done
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
