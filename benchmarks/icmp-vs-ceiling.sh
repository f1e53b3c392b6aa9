#!/usr/bin/env bash
# The engine's ICMP echo rate on both cores beside the C ceilings, side by side in one run (issue 12, target 1).
# Everything runs in a network namespace of its own (its loopback, its ping_group_range), so other programs'
# raw ICMP sockets neither see this traffic nor add to it. Run as root.
#   benchmarks/icmp-vs-ceiling.sh [PROBES] [MODE]     (default 1000000 probes over 254 targets; MODE DGRAM or RAW)
# Order: the N-thread ceiling (one ping socket per thread, N = processors), the one-thread ceilings (ping socket,
# raw socket: whether N threads scale on this machine now), the engine (IcmpRate, one lane per event loop, N
# loops), the N-thread ceiling again; the ratio uses the mean of the two N-thread runs (the machine is shared:
# figures drift while it runs). BASELINE=DIR (another checkout, its benchmarks built) runs its IcmpRate right after
# this one's, for a before/after in the same minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-1000000}
mode=${2:-DGRAM}
threads=$(nproc)
jar=benchmarks/target/benchmarks.jar
[ -f "$jar" ] || { echo "build first: mvn -B -q -pl benchmarks -am package -DskipTests" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "run as root (a network namespace, raw sockets)" >&2; exit 2; }
benchmarks/ceilings/build.sh
ceil=benchmarks/target/ceilings/echoceil

ns=pp-icmpceil-$$
ip netns add "$ns"
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
ip -n "$ns" link set lo up
ip netns exec "$ns" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
in_ns() { ip netns exec "$ns" "$@"; }
rate_of() { sed -n 's/.*: \([0-9]*\)\/s$/\1/p'; }
# "... cpu per echo: user U us, kernel K us ...": U+K, or K alone with 'kernel'
cpu_of() { sed -n 's/.*cpu per echo: user \([0-9.]*\) us, kernel \([0-9.]*\) us.*/\1 \2/p' | head -1 |
  awk -v k="${1:-}" '{ print (k == "kernel" ? $2 : $1 + $2) }'; }

per_thread=$(( total / threads ))
out=$(in_ns "$ceil" dgram "$threads" "$per_thread" 512 || true); echo "$out"; a=$(echo "$out" | rate_of)
ca=$(echo "$out" | cpu_of)
out=$(in_ns "$ceil" dgram 1 "$total" 512 || true); echo "$out"; d1=$(echo "$out" | rate_of)
out=$(in_ns "$ceil" raw 1 "$total" 512 || true); echo "$out"; r1=$(echo "$out" | rate_of)
out=$(in_ns java -cp "$jar" io.pathprobe.benchmarks.IcmpRate "$total" 254 4096 "$threads" "$mode"); echo "$out"
p=$(echo "$out" | rate_of)
pc=$(echo "$out" | cpu_of); pk=$(echo "$out" | cpu_of kernel)
q=0
if [ -n "${BASELINE:-}" ]; then
  out=$(in_ns java -cp "$BASELINE/$jar" io.pathprobe.benchmarks.IcmpRate "$total" 254 4096 "$threads" "$mode")
  echo "baseline $out"; q=$(echo "$out" | rate_of)
fi
out=$(in_ns "$ceil" dgram "$threads" "$per_thread" 512 || true); echo "$out"; b=$(echo "$out" | rate_of)
cb=$(echo "$out" | cpu_of)
awk -v p="$p" -v q="$q" -v a="$a" -v b="$b" -v r="$r1" -v d="$d1" -v t="$threads" \
    -v ca="${ca:-0}" -v cb="${cb:-0}" -v pc="${pc:-0}" -v pk="${pk:-0}" 'BEGIN {
  c = (a + b) / 2
  printf "echoceil dgram %d threads, mean of before/after: %.0f/s (%.2fx its one-thread run)\n", t, c, c / d
  printf "pathprobe / echoceil dgram %d threads = %.2f\n", t, p / c
  printf "pathprobe / echoceil raw 1 thread    = %.2f\n", p / r
  if (q > 0) printf "baseline / echoceil dgram %d threads = %.2f (pathprobe / baseline = %.2fx)\n", t, q / c, p / q
  # With both on all cores, rates go as 1 / CPU per echo; the engine kernel time alone bounds it from above.
  cc = (ca + cb) / 2
  if (cc > 0 && pc > 0) printf "cpu per echo: echoceil %.2f us, pathprobe %.2f us (kernel %.2f): ratio if both had the cores = %.2f, if the code of pathprobe cost nothing = %.2f\n", cc, pc, pk, cc / pc, cc / pk }'
