#!/usr/bin/env bash
# Leader failover of a 3-broker cluster (real processes on 127.0.0.1): kills the leader of a
# partition N times (default 20) and prints the time from kill -9 until every live broker's
# Metadata names the new leader, p50/p99, while checking that no leader epoch ever has two leaders.
#   scripts/failover.sh [KILLS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
kills=${1:-20}
[[ "$kills" =~ ^[1-9][0-9]*$ ]] || { echo "usage: scripts/failover.sh [KILLS]" >&2; exit 2; }
FASTLOG_FAILOVER_KILLS=$kills dotnet test "$root/tests/FastLog.Broker.Tests" -c Release --nologo \
  --filter "FullyQualifiedName~ClusterFailoverTests.Killed_leaders_are_replaced" \
  --logger "console;verbosity=detailed" 2>&1 | grep -E "leader failover over|Passed!|Failed!|Error Message|epoch .* has two leaders" 
