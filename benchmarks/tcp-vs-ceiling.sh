#!/usr/bin/env bash
# TCP connect probes per second on loopback, side by side in one run: the C ceiling (benchmarks/ceilings/connceil.c:
# one epoll thread, SO_LINGER 0 closes, an accept loop in a second process) and pathprobe's JMH TcpConnectBenchmark. The machine is
# shared and noisy, so the ceiling runs before and after the benchmark and the ratio uses their mean.
#   benchmarks/tcp-vs-ceiling.sh [JMH options]      (default: -f 1 -wi 2 -w 3s -i 3 -r 3s)
# The ceiling is compiled with gcc by benchmarks/ceilings/build.sh into benchmarks/target/ceilings.
set -euo pipefail
cd "$(dirname "$0")/.."
jmh_args=("$@")
[ ${#jmh_args[@]} -gt 0 ] || jmh_args=(-f 1 -wi 2 -w 3s -i 3 -r 3s)
jar=benchmarks/target/benchmarks.jar
if [ ! -f "$jar" ]; then
  echo "building $jar ..."
  mvn -B -q -o -pl benchmarks -am package -DskipTests
fi
total=${TCPCEIL_TOTAL:-200000}

benchmarks/ceilings/build.sh
ceil=benchmarks/target/ceilings/connceil

run_ceiling() { # prints the rate
  local port=$(( 20000 + RANDOM % 10000 ))
  local out
  out=$("$ceil" "$port" "$total" 256 2>&1 || true)
  echo "$out" >&2
  echo "$out" | sed -n 's/.*: \([0-9]*\)\/s$/\1/p'
}

c1=$(run_ceiling)

csv=$(mktemp /tmp/tcpbench.XXXXXX.csv)
java -jar "$jar" TcpConnectBenchmark "${jmh_args[@]}" -rf csv -rff "$csv" | grep -E 'not-connected|^Iteration|TcpConnectBenchmark\.' || true
prate=$(awk -F, '$1 ~ /TcpConnectBenchmark.connect"$/ { gsub(/"/, "", $5); print $5 }' "$csv")
[ -n "$prate" ] || { echo "the benchmark reported no score (see above: did probes fail?)" >&2; exit 1; }
printf 'pathprobe  TcpConnectBenchmark: %.0f/s\n' "$prate"

c2=$(run_ceiling)
if [ -n "$c1" ] && [ -n "$c2" ]; then
  awk -v p="$prate" -v a="$c1" -v b="$c2" 'BEGIN {
    c = (a + b) / 2
    printf "connceil   mean of before/after: %.0f/s\n", c
    printf "pathprobe / connceil = %.2f\n", p / c }'
fi
rm -f "$csv"
