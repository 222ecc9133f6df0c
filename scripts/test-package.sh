#!/usr/bin/env bash
# Installs the .deb that scripts/package.sh built, runs the installed broker with the installed
# config as its service user, produces and consumes with kcat, stops it with SIGTERM, then removes
# and purges the package. Needs root (or sudo), dpkg and kcat; refuses to touch a fastlog package
# that is already installed. Prints "package test: ok" or the step that failed.
# Usage: scripts/test-package.sh [path/to/fastlog_<version>_amd64.deb]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
deb="${1:-$(ls "$root"/artifacts/package/fastlog_*_amd64.deb 2>/dev/null | head -n 1)}"
[ -f "$deb" ] || { echo "package test: no .deb (run scripts/package.sh first)" >&2; exit 1; }
sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
if dpkg -s fastlog >/dev/null 2>&1; then
  echo "package test: a fastlog package is already installed here; not touching it" >&2
  exit 1
fi
data_existed=0
[ -e /var/lib/fastlog ] && data_existed=1

work=$(mktemp -d)
broker_pid=""
cleanup() {
  [ -n "$broker_pid" ] && kill -9 "$broker_pid" 2>/dev/null || true
  $sudo_cmd dpkg -P fastlog >/dev/null 2>&1 || true
  [ "$data_existed" = 0 ] && $sudo_cmd rm -rf /var/lib/fastlog
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "package test: FAILED: $*" >&2; [ -f "$work/broker.log" ] && sed 's/^/  broker: /' "$work/broker.log" >&2; exit 1; }

$sudo_cmd dpkg -i "$deb" >/dev/null || fail "dpkg -i"
getent passwd fastlog >/dev/null || fail "no fastlog system user"
[ "$(stat -c %U /var/lib/fastlog)" = fastlog ] || fail "/var/lib/fastlog is not owned by fastlog"
[ -f /etc/fastlog/server.properties ] || fail "no /etc/fastlog/server.properties"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify /lib/systemd/system/fastlog.service 2>"$work/verify.log" || fail "systemd-analyze verify: $(cat "$work/verify.log")"
fi

# The installed binary needs no .NET: run it with a PATH that has none. The installed config, as
# the service user (check-host as the unit runs it, over the config's log.dirs); only the ports are
# overridden (ephemeral, so nothing collides on a shared host).
env -i PATH=/usr/bin:/bin /usr/bin/fastlog --help >/dev/null || fail "fastlog --help without .NET on PATH"
$sudo_cmd runuser -u fastlog -- env -i PATH=/usr/bin:/bin /usr/lib/fastlog/fastlog check-host --config /etc/fastlog/server.properties --probe-seconds 0.2 >"$work/check.log" \
  || fail "check-host as the service user: $(cat "$work/check.log")"
$sudo_cmd runuser -u fastlog -- env -i PATH=/usr/bin:/bin /usr/lib/fastlog/fastlog serve --config /etc/fastlog/server.properties \
  --listen 127.0.0.1:0 --metrics off >"$work/broker.log" 2>&1 &
broker_pid=$!
port=""
for _ in $(seq 1 300); do
  port=$(sed -n 's/.*serving Kafka on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/broker.log" | head -n 1)
  [ -n "$port" ] && break
  kill -0 "$broker_pid" 2>/dev/null || fail "the installed broker exited at start"
  sleep 0.1
done
[ -n "$port" ] || fail "the installed broker did not start within 30 s"

seq 1 1000 | sed 's/^/record-/' >"$work/sent"
kcat -P -b "127.0.0.1:$port" -t package-test -X request.required.acks=all <"$work/sent" || fail "kcat produce"
timeout 60 kcat -C -b "127.0.0.1:$port" -t package-test -o beginning -e -q >"$work/received" || fail "kcat consume"
cmp -s "$work/sent" "$work/received" || fail "consumed records differ from the produced ones"
ls /var/lib/fastlog/package-test-0/*.log >/dev/null 2>&1 || fail "no log segment under /var/lib/fastlog"

$sudo_cmd kill -TERM "$broker_pid" 2>/dev/null || kill -TERM "$broker_pid"
for _ in $(seq 1 300); do kill -0 "$broker_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$broker_pid" 2>/dev/null && fail "the broker did not stop within 30 s of SIGTERM"
wait "$broker_pid" 2>/dev/null || true
broker_pid=""
grep -q "stopped cleanly" "$work/broker.log" || fail "no clean stop after SIGTERM"

$sudo_cmd dpkg -r fastlog >/dev/null || fail "dpkg -r"
[ ! -e /usr/lib/fastlog/fastlog ] || fail "the binary is still installed after dpkg -r"
[ -f /etc/fastlog/server.properties ] || fail "dpkg -r removed the conffile (only purge may)"
$sudo_cmd dpkg -P fastlog >/dev/null || fail "dpkg -P"
[ ! -e /etc/fastlog/server.properties ] || fail "dpkg -P left /etc/fastlog/server.properties"
getent passwd fastlog >/dev/null && fail "dpkg -P left the fastlog user"
echo "package test: ok ($(basename "$deb"): installed, served 1000 records to kcat as user fastlog, stopped on SIGTERM, removed, purged)"
