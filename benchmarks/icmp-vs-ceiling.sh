#!/usr/bin/env bash
# The engine's ICMP echo rate on both cores beside the C ceilings, side by side in one run (issue 12, target 1).
# Everything runs in a network namespace of its own (its loopback, its ping_group_range), so other programs'
# raw ICMP sockets neither see this traffic nor add to it. Run as root.
#   [ROUNDS=N] [BASELINE=DIR] [ENGINE_WINDOW=N] benchmarks/icmp-vs-ceiling.sh [PROBES] [MODE]
#     (default 1000000 probes over 254 targets; MODE DGRAM or RAW; ROUNDS 1; the engine's echoes in flight N x 512)
# Two ceilings, each N threads with one ping socket per thread (N = processors): the plain one (sendto/recv, no
# socket options), and the same doing the kernel work the engine asks for ("engine": kernel receive stamps read
# from each reply's control message, IP_RECVERR, IP_RECVTTL, sendmmsg/recvmmsg of 64 with control buffers), so a
# ratio tells the engine's own cost from what an accurate prober must have the kernel do. The one-thread
# ceilings (ping socket, raw socket) run once, first: whether N threads scale on this machine now.
# Then ROUNDS rounds of: both N-thread ceilings, the engine (IcmpRate, one lane per event loop, N loops, as many
# echoes in flight as the ceilings, N x 512; ENGINE_WINDOW=N to change it: at 4,096 the kernel spends 0.2-0.3 us
# more an echo on colder socket buffers), BASELINE's IcmpRate when set
# (another checkout, its benchmarks built, for a before/after in the same minutes; before the engine's in even
# rounds, after it in odd ones); and both ceilings once more. A round's ratio is against the mean of the
# ceiling runs either side of it (the machine is shared: figures drift while it runs). With several rounds it also
# prints the median of the rounds' ratios and the best engine run against the best ceiling run: on a machine
# others share, a run that had both cores to itself shows what the code can do, and the medians what it did.
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-1000000}
mode=${2:-DGRAM}
rounds=${ROUNDS:-1}
threads=$(nproc)
window=512
engine_window=${ENGINE_WINDOW:-$(( threads * window ))}
jar=benchmarks/target/benchmarks.jar
[ -f "$jar" ] || { echo "build first: mvn -B -q -pl benchmarks -am package -DskipTests" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "run as root (a network namespace, raw sockets)" >&2; exit 2; }
[[ "$rounds" =~ ^[1-9][0-9]?$ ]] || { echo "ROUNDS must be 1-99, was '$rounds'" >&2; exit 2; }
[[ "$engine_window" =~ ^[1-9][0-9]{0,6}$ ]] || { echo "ENGINE_WINDOW must be a number of echoes in flight (1-9999999), was '$engine_window'" >&2; exit 2; }
benchmarks/ceilings/build.sh
ceil=benchmarks/target/ceilings/echoceil

ns=pp-icmpceil-$$
ip netns add "$ns"
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
ip -n "$ns" link set lo up
ip netns exec "$ns" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
in_ns() { ip netns exec "$ns" "$@"; }
rate_of() { sed -n 's/.*: \([0-9]*\)\/s$/\1/p'; }
# "... cpu per echo: user U us, kernel K us ...": "U K"
cpu_of() { sed -n 's/.*cpu per echo: user \([0-9.]*\) us, kernel \([0-9.]*\) us.*/\1 \2/p' | head -1; }
load() { cut -d' ' -f1 /proc/loadavg; }
results=$(mktemp)
trap 'ip netns del "$ns" 2>/dev/null || true; rm -f "$results"' EXIT
# One line per run into $results: KIND ROUND RATE USER KERNEL
record() { local out=$1 kind=$2 round=$3; echo "$out"; echo "$kind $round $(echo "$out" | rate_of) $(echo "$out" | cpu_of)" >> "$results"; }

per_thread=$(( total / threads ))
ceilings() { # round
  record "$(in_ns "$ceil" dgram "$threads" "$per_thread" "$window" || true)" plain "$1"
  record "$(in_ns "$ceil" dgram "$threads" "$per_thread" "$window" engine || true)" work "$1"
}
baseline() { # round
  local out
  out=$(in_ns java -cp "$BASELINE/$jar" io.pathprobe.benchmarks.IcmpRate "$total" 254 "$engine_window" "$threads" "$mode")
  echo "baseline $out"; echo "baseline $1 $(echo "$out" | rate_of) $(echo "$out" | cpu_of)" >> "$results"
}
echo "load average $(load)"
out=$(in_ns "$ceil" dgram 1 "$total" "$window" || true); echo "$out"; d1=$(echo "$out" | rate_of)
out=$(in_ns "$ceil" raw 1 "$total" "$window" || true); echo "$out"; r1=$(echo "$out" | rate_of)
for r in $(seq "$rounds"); do
  ceilings "$r"
  # With a baseline, every other round runs it first: the run right after the ceilings was slower in some rounds.
  if [ -n "${BASELINE:-}" ] && [ $((r % 2)) = 0 ]; then baseline "$r"; fi
  record "$(in_ns java -cp "$jar" io.pathprobe.benchmarks.IcmpRate "$total" 254 "$engine_window" "$threads" "$mode")" engine "$r"
  if [ -n "${BASELINE:-}" ] && [ $((r % 2)) = 1 ]; then baseline "$r"; fi
  echo "load average $(load)"
done
ceilings $((rounds + 1))
awk -v t="$threads" -v n="$rounds" -v d="$d1" -v r1="$r1" '
  { rate[$1, $2] = $3; user[$1, $2] = $4; kern[$1, $2] = $5; if ($3 > best[$1]) best[$1] = $3
    cpu[$1] += $4 + $5; ker[$1] += $5; usr[$1] += $4; runs[$1]++ }
  function median(a, m,   i, j, x) { for (i = 2; i <= m; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
    return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
  END {
    for (i = 1; i <= n; i++) {
      c = (rate["plain", i] + rate["plain", i + 1]) / 2; w = (rate["work", i] + rate["work", i + 1]) / 2
      rp[i] = rate["engine", i] / c; rw[i] = rate["engine", i] / w; rb[i] = rate["baseline", i] / c
      printf "round %d: pathprobe %.0f/s, echoceil dgram %d threads %.0f/s (with the engine kernel work %.0f/s): pathprobe / echoceil = %.2f, / the one with the engine kernel work = %.2f", i, rate["engine", i], t, c, w, rp[i], rw[i]
      if (rate["baseline", i] > 0) printf ", baseline / echoceil = %.2f (pathprobe / baseline = %.2fx)", rb[i], rate["engine", i] / rate["baseline", i]
      printf "\n"
    }
    c = (rate["plain", 1] + rate["plain", 2]) / 2
    printf "echoceil dgram %d threads, round 1 mean: %.0f/s (%.2fx its one-thread run); pathprobe / echoceil raw 1 thread = %.2f\n", t, c, c / d, rate["engine", 1] / r1
    if (n > 1) {
      printf "median of %d rounds: pathprobe / echoceil = %.2f, / the one with the engine kernel work = %.2f", n, median(rp, n), median(rw, n)
      if (runs["baseline"] > 0) printf ", baseline / echoceil = %.2f", median(rb, n)
      printf "\nbest runs: pathprobe %.0f/s, echoceil %.0f/s, with the engine kernel work %.0f/s: %.2f and %.2f\n", best["engine"], best["plain"], best["work"], best["engine"] / best["plain"], best["engine"] / best["work"]
    }
    # With both on all cores, rates go as 1 / CPU per echo; the engine kernel time alone bounds it from above.
    pc = cpu["engine"] / runs["engine"]; pk = ker["engine"] / runs["engine"]; pu = usr["engine"] / runs["engine"]
    cc = cpu["plain"] / runs["plain"]; ce = cpu["work"] / runs["work"]; ke = ker["work"] / runs["work"]
    if (pc > 0 && cc > 0) {
      printf "cpu per echo (means): echoceil %.2f us, with the engine kernel work %.2f us (kernel %.2f); pathprobe %.2f us (user %.2f, kernel %.2f)\n", cc, ce, ke, pc, pu, pk
      printf "ratio if both had the cores = %.2f (with the engine kernel work %.2f); if the code of pathprobe cost nothing = %.2f (%.2f)\n", cc / pc, ce / pc, cc / pk, ce / pk
    }
  }' "$results"
