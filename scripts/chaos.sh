#!/usr/bin/env bash
# Attacks a broker with faults under a queue workload and checks every acknowledged write
# (tests/FastLog.Chaos; the README's "Chaos testing" section):
#   scripts/chaos.sh                          # 100 faults (kill -9, pause, full disk) on one node, acks=all (~10 min)
#   scripts/chaos.sh --faults kill --acks 1   # acks=1: what a kill -9 loses, by design, within log.flush.interval.ms
#   scripts/chaos.sh --cluster 3              # 3 brokers, RF 3, min.insync.replicas 2: leader/controller kills, pauses, isolations, splits, bridges, ...
#   scripts/chaos.sh --cluster 3 --faults leader-kill:100,pause:50,isolate:50,controller-kill:30   # the cluster soak
#   scripts/chaos.sh --bootstrap host:9092 --duration 300   # your own deployment: workload and checks, no faults
#   scripts/chaos.sh --help                   # every option
# Builds the harness (and the broker it runs) in Release when a source is newer than the build,
# then writes report.md, timeline.svg, findings.txt and broker.log (broker-<id>.log) and producers.log (librdkafka's idempotence log: epoch bumps and sequence errors) to artifacts/chaos/<time>/.
# Exit code: 0 no violation, 1 violations, 2 the run could not be done. Needs root for the disk, isolate, split and bridge faults.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/artifacts/chaos-harness"

if [ ! -e "$out/FastLog.Chaos.dll" ] || [ -n "$(find "$root/src" "$root/tests/FastLog.Chaos" "$root/tests/FastLog.Testing" \
    "$root"/Directory.*.props "$root/global.json" \( -name obj -o -name bin \) -prune -o -newer "$out/FastLog.Chaos.dll" -type f -print -quit)" ]; then
  if ! build_log=$(dotnet build "$root/tests/FastLog.Chaos/FastLog.Chaos.csproj" -c Release -o "$out" --nologo 2>&1); then
    echo "$build_log" >&2
    exit 2
  fi
  touch "$out/FastLog.Chaos.dll" # an up-to-date build may leave it older than a touched source
fi

args=("$@")
has_out=0
for arg in "$@"; do [ "$arg" = "--out" ] && has_out=1; done
[ "$has_out" = 1 ] || args+=(--out "$root/artifacts/chaos/$(date -u +%Y%m%d-%H%M%S)")
exec dotnet "$out/FastLog.Chaos.dll" "${args[@]}"
