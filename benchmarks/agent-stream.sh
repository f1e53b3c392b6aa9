#!/usr/bin/env bash
# Events streamed from an agent (its own process, pinned to core 0) to a coordinator (core 1) over loopback, and an
# agent's heap and RSS with N concurrent captures. Build first: mvn -B -q package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
jar=benchmarks/target/benchmarks.jar
events=${1:-1000000}
port=${2:-19917}
java -Xmx512m -cp "$jar" io.pathprobe.benchmarks.AgentBench serve "$port" "$events" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
taskset -cp 0 "$server" >/dev/null
sleep 3
for run in 1 2 3; do
  taskset -c 1 java -cp "$jar" io.pathprobe.benchmarks.AgentBench consume "$port"
done
kill "$server"
wait "$server" 2>/dev/null || true
trap - EXIT
echo "--- the same plan in-process and through an agent (50 loopback listeners, a connect every 10 ms each, 10 s)"
java -cp "$jar" io.pathprobe.benchmarks.AgentBench overhead 50 10
echo "--- 100 concurrent captures (ping + one TCP check a second each, loopback listener)"
java -cp "$jar" io.pathprobe.benchmarks.AgentBench captures 100 30
