#!/usr/bin/env bash
# Benchmarks FastLog against this machine's own limits, in one command:
#   scripts/bench.sh --quick            # ~45 s (once built): short runs, 256 MiB large log (smoke-sized figures)
#   scripts/bench.sh                    # full run: 30 s per phase, 10 GiB large log (~9 min)
#   scripts/bench.sh --replication      # what replication costs: single node vs a one-broker cluster and 3-broker clusters (~3 min; with --quick ~1 min)
#   scripts/bench.sh --out DIR          # report directory (default artifacts/bench/<timestamp>/)
# Builds the broker and the load tool in Release (skipped when no source is newer than the
# build), measures disk (O_DIRECT), loopback TCP and fdatasync limits, starts `fastlog serve` on a
# fresh data dir in a temp dir (same disk as $TMPDIR; --work-dir PATH to choose), runs the
# scenarios, and writes report.md, chart.svg, results.json and broker.log. Other options go to
# `FastLog.LoadTests bench` (--partitions, --producers, --latency-producers, ...).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
broker_out="$root/artifacts/fastlog"
tool_out="$root/artifacts/loadtests"

# True when OUTPUT ($1) is missing or any file under the given sources (or a build setting) is newer.
stale() {
  local output="$1"; shift
  [ -e "$output" ] || return 0
  [ -n "$(find "$@" "$root"/Directory.*.props "$root/global.json" \( -name obj -o -name bin \) -prune \
      -o -newer "$output" -type f -print -quit 2>/dev/null)" ]
}

build() { # PROJECT OUTPUT_DIR DLL SOURCE_DIR...
  local csproj="$1" out="$2" dll="$3"; shift 3
  stale "$out/$dll" "$@" || return 0
  if ! build_log=$(dotnet build "$root/$csproj" -c Release -o "$out" --nologo 2>&1); then
    echo "$build_log" >&2
    exit 1
  fi
  touch "$out/$dll" # an up-to-date build may leave it older than a touched source
}

build src/FastLog.Host/FastLog.Host.csproj "$broker_out" fastlog.dll "$root/src"
build perf/FastLog.LoadTests/FastLog.LoadTests.csproj "$tool_out" FastLog.LoadTests.dll "$root/src" "$root/perf/FastLog.LoadTests" "$root/tests/FastLog.Testing"

args=("$@")
has_out=0
for arg in "$@"; do [ "$arg" = "--out" ] && has_out=1; done
[ "$has_out" = 1 ] || args+=(--out "$root/artifacts/bench/$(date +%Y%m%d-%H%M%S)")
exec dotnet "$tool_out/FastLog.LoadTests.dll" bench --broker "$broker_out/fastlog.dll" "${args[@]}"
