#!/usr/bin/env bash
# Starts an N-broker FastLog cluster on 127.0.0.1 in the foreground (gossip + metadata quorum):
#   scripts/cluster.sh 3                       # Kafka on 9092, 9093, 9094; data in ./data-cluster/broker-<id>
#   scripts/cluster.sh 3 --base-port 19092 --data-dir /tmp/fl
#   scripts/cluster.sh 5 --voters 3           # brokers 1-3 vote in the metadata quorum, 4 and 5 observe it
# The first min(N, 5) brokers vote in the quorum unless --voters says fewer; the others observe the
# metadata log. Gossip, Raft and metrics ports are chosen free. Prints one line
# per broker (id and bootstrap address) once the cluster has a controller; Ctrl-C or SIGTERM stops
# them all cleanly. Broker logs go to <data-dir>/broker-<id>.log.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
usage() { echo "usage: scripts/cluster.sh N [--voters M] [--base-port P] [--data-dir DIR]  (1 <= N <= 9, 1 <= M <= min(N, 5))" >&2; exit 2; }
[ $# -ge 1 ] || usage
count=$1; shift
base_port=9092
data_dir=./data-cluster
voter_count=""
while [ $# -gt 0 ]; do
  case "$1" in
    --voters) voter_count=$2; shift 2 ;;
    --base-port) base_port=$2; shift 2 ;;
    --data-dir) data_dir=$2; shift 2 ;;
    *) usage ;;
  esac
done
[[ "$count" =~ ^[1-9]$ ]] || usage
[ -n "$voter_count" ] || voter_count=$((count < 5 ? count : 5))
[[ "$voter_count" =~ ^[1-5]$ ]] && [ "$voter_count" -le "$count" ] || usage

out="$root/artifacts/fastlog"
if ! build_log=$(dotnet build "$root/src/FastLog.Host/FastLog.Host.csproj" -c Release -o "$out" --nologo 2>&1); then
  echo "$build_log" >&2
  exit 1
fi

# A free port per gossip (UDP) and Raft (TCP) endpoint: bound to port 0 once and released.
free_ports() { python3 -c 'import socket,sys
for kind in sys.argv[1:]:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' "$@"; }
mapfile -t raft < <(free_ports $(for _ in $(seq "$count"); do echo tcp; done))
mapfile -t gossip < <(free_ports $(for _ in $(seq "$count"); do echo udp; done))
mapfile -t metrics < <(free_ports $(for _ in $(seq "$count"); do echo tcp; done))
voters=$(for i in $(seq "$voter_count"); do printf '%s@127.0.0.1:%s,' "$i" "${raft[$((i-1))]}"; done)
voters=${voters%,}

mkdir -p "$data_dir"
pids=()
stop() { trap - INT TERM; kill -TERM "${pids[@]}" 2>/dev/null || true; wait "${pids[@]}" 2>/dev/null || true; }
trap 'stop; exit 0' INT TERM
for i in $(seq "$count"); do
  port=$((base_port + i - 1))
  seeds=""
  [ "$i" -gt 1 ] && seeds="--cluster-seeds 127.0.0.1:${gossip[0]}"
  # shellcheck disable=SC2086
  dotnet "$out/fastlog.dll" serve --node-id "$i" --listen "127.0.0.1:$port" --data-dir "$data_dir/broker-$i" \
    --metrics "127.0.0.1:${metrics[$((i-1))]}" --cluster-listen "127.0.0.1:${gossip[$((i-1))]}" $seeds --quorum-voters "$voters" \
    >"$data_dir/broker-$i.log" 2>&1 &
  pids+=($!)
done

# Ready once some broker's log names a controller (bounded: 60 s).
for _ in $(seq 600); do
  if grep -q "controller is now node" "$data_dir"/broker-*.log 2>/dev/null; then
    for i in $(seq "$count"); do echo "broker $i: 127.0.0.1:$((base_port + i - 1)) (metrics http://127.0.0.1:${metrics[$((i-1))]}/metrics)"; done
    wait "${pids[@]}"
    exit 0
  fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "a broker exited; see $data_dir/broker-*.log" >&2; stop; exit 1; }
  done
  sleep 0.1
done
echo "no controller elected within 60 s; see $data_dir/broker-*.log" >&2
stop
exit 1
