#!/usr/bin/env bash
# Echo probes per second on loopback, side by side in one run: fping, pathprobe, and the C ceiling
# (benchmarks/ceilings/echoceil.c with one thread and one raw socket, compiled by benchmarks/ceilings/build.sh).
# Same 254 targets (127.0.1.1-127.0.1.254; all of 127/8 answers on lo). Run as root.
#   benchmarks/icmp-vs-fping.sh [TOTAL_PROBES]        (default 254000: 1000 per target)
# pathprobe runs through `bin/pathprobe ping -q` when the CLI exists, else through the benchmark jar's IcmpRate main.
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-254000}
per_target=$(( total / 254 ))
total=$(( per_target * 254 ))
targets=$(for i in $(seq 1 254); do echo "127.0.1.$i"; done)
jar=benchmarks/target/benchmarks.jar
[ -f "$jar" ] || { echo "build first: mvn -B -q -o -pl benchmarks -am package -DskipTests" >&2; exit 2; }
command -v fping >/dev/null || { echo "fping is not installed (apt-get install fping)" >&2; exit 2; }

now() { date +%s.%N; }
rate() { awk -v n="$1" -v s="$2" -v e="$3" 'BEGIN { printf "%.0f", n / (e - s) }'; }

# fping at its fastest: -i 0 between packets (root), -p 0 per target; received = replies in its -C columns.
# fping refuses more than 65,535 probes per 10 s (its sequence-number space), so it gets at most 250 per target.
fper=$(( per_target < 250 ? per_target : 250 ))
s=$(now)
fout=$(fping -q -C "$fper" -i 0 -p 0 -t 1000 $targets 2>&1 || true)
e=$(now)
frecv=$(echo "$fout" | awk -F' : ' '{ n = split($2, a, " "); for (i = 1; i <= n; i++) if (a[i] != "-") r++ } END { print r + 0 }')
frate=$(rate "$frecv" "$s" "$e")
echo "fping      sent=$(( fper * 254 )) received=$frecv rate=${frate}/s"

if [ -x bin/pathprobe ] && bin/pathprobe ping --help >/dev/null 2>&1; then
  s=$(now)
  pout=$(bin/pathprobe ping -q -c "$per_target" -i 0.000001 $targets 2>&1 || true)
  e=$(now)
  precv=$(echo "$pout" | awk '/packets transmitted/ { r += $4 } END { print r + 0 }')
  prate=$(rate "$precv" "$s" "$e")
  echo "pathprobe  sent=$total received=$precv rate=${prate}/s (bin/pathprobe ping, incl. JVM start)"
else
  pout=$(java -cp "$jar" io.pathprobe.benchmarks.IcmpRate "$total" 254 4096)
  echo "$pout"
  prate=$(echo "$pout" | sed -n 's/.*: \([0-9]*\)\/s$/\1/p')
fi

benchmarks/ceilings/build.sh
cout=$(benchmarks/target/ceilings/echoceil raw 1 "$total" 512 || true)
echo "$cout"
crate=$(echo "$cout" | sed -n 's/.*: \([0-9]*\)\/s$/\1/p')

awk -v p="$prate" -v f="$frate" -v c="$crate" 'BEGIN {
  printf "pathprobe / fping    = %.1fx\n", p / f
  printf "pathprobe / echoceil raw 1 thread = %.2f\n", p / c }'
