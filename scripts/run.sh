#!/usr/bin/env bash
# Builds the broker in Release (incremental: only when sources changed) and runs it in the
# foreground; Ctrl-C or SIGTERM stops it cleanly. Options go to `fastlog serve`:
#   scripts/run.sh                                  # 127.0.0.1:9092, ./data, topics auto-created
#   scripts/run.sh --data-dir /srv/fastlog --listen 0.0.0.0:9092 --advertise myhost:9092
#   scripts/run.sh --help
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/artifacts/fastlog"
if ! build_log=$(dotnet build "$root/src/FastLog.Host/FastLog.Host.csproj" -c Release -o "$out" --nologo 2>&1); then
  echo "$build_log" >&2
  exit 1
fi
exec dotnet "$out/fastlog.dll" serve "$@"
