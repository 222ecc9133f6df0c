#!/usr/bin/env bash
# Runs every test project in FastLog.sln and ends with one line: "N passed, N failed[, N skipped]".
# Usage: scripts/test.sh [extra dotnet test args, e.g. --filter Category!=Slow]
set -uo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# --blame-hang-timeout turns a hung test into a failure with a dump instead of a stuck CI run.
dotnet test FastLog.sln -c Release --nologo \
  --blame-hang-timeout 5m --blame-hang-dump-type none \
  "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# VSTest prints one summary per test assembly:
#   "Passed!  - Failed:     0, Passed:    12, Skipped:     0, Total:    12, Duration: ..."
read -r passed failed skipped < <(
  grep -E '^(Passed|Failed)! +- Failed: ' "$log" | awk -F'[:,]' '
    { f += $2; p += $4; s += $6 }
    END { printf "%d %d %d\n", p, f, s }')

# A build error or a crashed test host prints no summary for that assembly: count it as a failure.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
  echo "dotnet test exited with status $status without reporting a failed test (build error or aborted run)."
fi

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
