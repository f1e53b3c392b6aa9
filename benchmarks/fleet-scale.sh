#!/usr/bin/env bash
# N pathprobe agents (in one JVM, each with its own broker connection and source address 127.0.2.I) on one
# nats-server with the shipped configuration, on loopback: one capture plan to all of them; prints the time to
# the last agent's first event and the events/s through the broker. Build first: mvn -B -q package -DskipTests
#   benchmarks/fleet-scale.sh [AGENTS=50] [SECONDS=10] [INTERVAL_MS=10]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-50}; seconds=${2:-10}; every=${3:-10}
port=14299
dir=$(mktemp -d)
cp probe-fleet/config/nats-server.conf "$dir/"
users=(coordinator)
for i in $(seq 1 "$n"); do users+=("s$i"); done
bash probe-fleet/config/fleet-users.sh "$dir" "${users[@]}"
nats-server -c "$dir/nats-server.conf" -a 127.0.0.1 -p "$port" >"$dir/broker.log" 2>&1 &
broker=$!
trap 'kill $broker 2>/dev/null || true; rm -rf "$dir"' EXIT
sleep 1
java -Xmx1g -cp benchmarks/target/benchmarks.jar io.pathprobe.benchmarks.FleetBench "nats://127.0.0.1:$port" "$dir" \
  "$n" "$seconds" "$every"
