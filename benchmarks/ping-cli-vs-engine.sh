#!/usr/bin/env bash
# Issue 12 target 2 in one run: the command line over 254 loopback targets (127.0.1.0/24, all of 127/8 answers
# on lo) against the engine's own rate and against fping. Run as root, after building the CLI and the benchmarks:
#   mvn -B -q -o package -DskipTests && mvn -B -q -o -pl benchmarks -am package -DskipTests
#   benchmarks/ping-cli-vs-engine.sh [SMALL_TOTAL] [LARGE_TOTAL] [STEADY_TOTAL]   (254000, 1016000, 10160000)
# Prints, each as received replies per second:
#   fping       fping -q -C N -i 0 -p 0 -t 1000 over the 254 targets, SMALL_TOTAL probes (at most 250 a target)
#   cli-small   bin/pathprobe ping -q -c N -i 0.000001 127.0.1.0/24, SMALL_TOTAL probes, JVM start included
#   fping-cmd   bin/pathprobe fping -q -C N -i 0 -p 0 -t 1000 -g 127.0.1.0/24, as fping's line, JVM start included
#   cli-large   the same ping with LARGE_TOTAL probes, JVM start included; and its probe phase alone (the replies
#               over the longest of ping's "time" figures: session start to the last target's end)
#   engine      IcmpRate LARGE_TOTAL 254 (engine.probe in a loop, JIT warmed, no JVM start)
#   engine-cold the same with no warm-up: the engine as cold as the command, measured from its first probe
#   cli-steady  the ping with STEADY_TOTAL probes, probe phase only, and engine-steady, IcmpRate STEADY_TOTAL after
#               one warm-up: at ~10M probes the start and the JIT are a small share, so their ratio is what the
#               session machinery costs (STEADY_TOTAL=0 leaves both out)
# and the ratios: cli-small / fping (the issue's, target >= 1.5), cli-large / engine (the issue's, target >= 0.9:
# a cold command with its JVM start against a warmed engine), and the two that compare like with like: the probe
# phase of cli-large against engine-cold (both cold, no start), and cli-steady against engine-steady. Two more say
# how far the machine lets cli-large go: engine-cold / engine (the engine the command runs, cold, against itself
# warm), and the CPU bound: all cores' time during the warmed engine's run over the CPU the command cannot avoid,
# the warmed engine's event-loop CPU (the echoes' work at its cheapest) plus the command's own JIT and VM-thread CPU
# (compiling, and with the serial collector, collecting), read from /proc/PID/task every 50 ms; what a thread did
# after the last read is missed, which can only raise the bound.
# BASELINE=DIR (another checkout, built) adds its bin/pathprobe ping at LARGE_TOTAL, for a before/after in one run.
# RUNS=N repeats the whole set N times, interleaved (each round runs every command once), and ends with the median
# of each figure and the ratios of the medians: on a shared machine one round's ratios swing by half. Each round
# prints the load average it started at.
set -euo pipefail
cd "$(dirname "$0")/.."
small=${1:-254000}
large=${2:-1016000}
steady=${3:-10160000}
jar=benchmarks/target/benchmarks.jar
[ -f "$jar" ] || { echo "build first: mvn -B -q -o -pl benchmarks -am package -DskipTests" >&2; exit 2; }
[ -x bin/pathprobe ] && [ -f probe-cli/target/pathprobe.jar ] || { echo "build first: mvn -B -q -o package -DskipTests" >&2; exit 2; }
command -v fping >/dev/null || { echo "fping is not installed (apt-get install fping)" >&2; exit 2; }
targets=$(for i in $(seq 1 254); do echo "127.0.1.$i"; done)

now() { date +%s.%N; }
rate() { awk -v n="$1" -v s="$2" -v e="$3" 'BEGIN { printf "%.0f", n / (e - s) }'; }
# Replies in fping's -C columns (stderr): every column that is not '-'.
vreplies() { awk -F' : ' '{ n = split($2, a, " "); for (i = 1; i <= n; i++) if (a[i] != "-") r++ } END { print r + 0 }'; }
# Replies in ping's summaries.
preplies() { awk '/packets transmitted/ { r += $4 } END { print r + 0 }'; }
# The probe phase of a ping run (its summaries on stdin): replies over the longest "time" (ms), as a rate.
pphase() { awk '/packets transmitted/ { r += $4; t = $NF; sub(/ms$/, "", t); if (t + 0 > m) m = t + 0 }
  END { printf "%.0f", (m > 0 ? r / (m / 1000) : 0) }'; }
# IcmpRate's rate from its first line.
erate() { sed -n '1s/.*: \([0-9]*\)\/s$/\1/p'; }

# The warmed engine's event-loop CPU in seconds, from IcmpRate's "by thread" line and its probe count.
eloops() { awk -v n="$1" '/cpu per echo by thread/ { for (i = 1; i <= NF; i++) if ($i == "loops") {
  split($(i + 1), a, "/"); printf "%.3f", (a[1] + a[2]) * n / 1e6 } }'; }
# Samples the CPU ticks of every thread of process $1 into file $2 until it ends, every 50 ms.
tsample() { while kill -0 "$1" 2>/dev/null; do cat /proc/"$1"/task/*/stat 2>/dev/null >> "$2" || true; sleep 0.05
  done; }
# From tsample's file: the last ticks seen of each thread, summed by kind, in seconds: "loops main jit vm other".
# The name is between the first "(" and the last ")" (a thread may name itself with either); utime and stime are the
# 12th and 13th fields after it.
tkinds() { awk -v hz="$(getconf CLK_TCK)" '{ match($0, /\(.*\)/); n = substr($0, RSTART + 1, RLENGTH - 2)
  split(substr($0, RSTART + RLENGTH + 1), f, " "); last[$1] = f[12] + f[13]
  kind[$1] = n ~ /^pathprobe/ ? "loops" : n == "java" ? "main" : n ~ /Compiler/ ? "jit" \
    : n ~ /^(VM Thread|GC|G1)/ ? "vm" : "other" }
  END { for (t in last) sum[kind[t]] += last[t] / hz
    printf "%.2f %.2f %.2f %.2f %.2f\n", sum["loops"], sum["main"], sum["jit"], sum["vm"], sum["other"] }'; }

ratios() { awk -v s="$1" -v f="$2" -v c="$3" -v l="$4" -v e="$5" -v lp="$6" -v ec="$7" -v sp="$8" -v es="$9" \
    -v bd="${10}" 'BEGIN {
  printf "cli-small / fping  = %.2fx (target >= 1.5)\n", s / f
  printf "fping-cmd / fping  = %.2fx\n", c / f
  printf "cli-large / engine = %.2f (target >= 0.9; cold command with JVM start vs warmed engine)\n", l / e
  printf "cli-large probe phase / engine-cold = %.2f (both cold, neither with a JVM start)\n", lp / ec
  printf "engine-cold / engine = %.2f (the same engine, cold in a fresh JVM and warmed)\n", ec / e
  printf "cli-large / engine could be at most %.2f (the CPU bound: all cores over the CPU the command cannot avoid)\n", bd
  if (es > 0) printf "cli-steady / engine-steady = %.2f (probe phases at ~10M probes, both warm)\n", sp / es }'; }
runs=${RUNS:-1}
all=$(mktemp); trap 'rm -f "$all"' EXIT

# fping refuses more than 65,535 probes per 10 s (its sequence-number space): at most 250 a target.
per=$(( small / 254 )); fper=$(( per < 250 ? per : 250 ))
lper=$(( large / 254 ))
for round in $(seq 1 "$runs"); do
  echo "round $round of $runs ($(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg))"
  s=$(now); n=$(fping -q -C "$fper" -i 0 -p 0 -t 1000 $targets 2>&1 | vreplies || true); e=$(now)
  frate=$(rate "$n" "$s" "$e"); echo "fping      sent=$(( fper * 254 )) received=$n rate=${frate}/s"

  s=$(now); n=$(bin/pathprobe ping -q -c "$per" -i 0.000001 127.0.1.0/24 2>&1 | preplies || true); e=$(now)
  srate=$(rate "$n" "$s" "$e"); echo "cli-small  sent=$(( per * 254 )) received=$n rate=${srate}/s (bin/pathprobe ping, incl. JVM start)"

  s=$(now); n=$(bin/pathprobe fping -q -C "$fper" -i 0 -p 0 -t 1000 -g 127.0.1.0/24 2>&1 | vreplies || true); e=$(now)
  crate=$(rate "$n" "$s" "$e"); echo "fping-cmd  sent=$(( fper * 254 )) received=$n rate=${crate}/s (bin/pathprobe fping, incl. JVM start)"

  lout=$(mktemp); ticks=$(mktemp)
  s=$(now); bin/pathprobe ping -q -c "$lper" -i 0.000001 127.0.1.0/24 > "$lout" 2>&1 & pid=$!
  tsample "$pid" "$ticks"; wait "$pid" || true; e=$(now)
  n=$(preplies < "$lout"); lrate=$(rate "$n" "$s" "$e"); lphase=$(pphase < "$lout")
  read -r tl tm tj tv to < <(tkinds < "$ticks"); rm -f "$lout" "$ticks"
  echo "cli-large  sent=$(( lper * 254 )) received=$n rate=${lrate}/s (bin/pathprobe ping, incl. JVM start)" \
    "probe phase ${lphase}/s; cpu s: loops $tl main $tm jit $tj vm $tv other $to"

  if [ -n "${BASELINE:-}" ]; then
    s=$(now); n=$("$BASELINE/bin/pathprobe" ping -q -c "$lper" -i 0.000001 127.0.1.0/24 2>&1 | preplies || true); e=$(now)
    brate=$(rate "$n" "$s" "$e")
    echo "baseline   sent=$(( lper * 254 )) received=$n rate=${brate}/s ($BASELINE/bin/pathprobe ping, incl. JVM start)"
  fi

  eout=$(java -cp "$jar" io.pathprobe.benchmarks.IcmpRate "$(( lper * 254 ))" 254 4096)
  erate=$(echo "$eout" | erate); echo "engine     $eout"
  # The CPU bound: the warmed engine's wall time (probes over its rate) on every core, over the unavoidable CPU.
  el=$(eloops "$(( lper * 254 ))" <<< "$eout")
  bound=$(awk -v p="$(nproc)" -v n="$(( lper * 254 ))" -v r="$erate" -v el="$el" -v j="$tj" -v v="$tv" \
    'BEGIN { printf "%.2f", p * (n / r) / (el + j + v) }')
  cout=$(java -Dicmprate.warmups=0 -cp "$jar" io.pathprobe.benchmarks.IcmpRate "$(( lper * 254 ))" 254 4096)
  crate2=$(echo "$cout" | erate); echo "engine-cold $(echo "$cout" | head -1)"

  sphase=0; srate2=0
  if [ "$steady" -gt 0 ]; then
    sper=$(( steady / 254 ))
    out=$(bin/pathprobe ping -q -c "$sper" -i 0.000001 127.0.1.0/24 2>&1 || true)
    sphase=$(echo "$out" | pphase)
    echo "cli-steady sent=$(( sper * 254 )) received=$(echo "$out" | preplies) probe phase ${sphase}/s"
    sout=$(java -Dicmprate.warmups=1 -cp "$jar" io.pathprobe.benchmarks.IcmpRate "$(( sper * 254 ))" 254 4096)
    srate2=$(echo "$sout" | erate); echo "engine-steady $(echo "$sout" | head -1)"
  fi

  ratios "$srate" "$frate" "$crate" "$lrate" "$erate" "$lphase" "$crate2" "$sphase" "$srate2" "$bound"
  echo "$frate $srate $crate $lrate ${brate:-0} $erate $lphase $crate2 $sphase $srate2 $bound" >> "$all"
done

if [ "$runs" -gt 1 ]; then
  med() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
  m=(); for col in 1 2 3 4 5 6 7 8 9 10 11; do m+=("$(awk -v c=$col '{ print $c }' "$all" | med)"); done
  echo "medians of $runs rounds: fping ${m[0]}/s cli-small ${m[1]}/s fping-cmd ${m[2]}/s cli-large ${m[3]}/s" \
    "(probe phase ${m[6]}/s) baseline ${m[4]}/s engine ${m[5]}/s engine-cold ${m[7]}/s" \
    "cli-steady ${m[8]}/s engine-steady ${m[9]}/s CPU bound ${m[10]}"
  ratios "${m[1]}" "${m[0]}" "${m[2]}" "${m[3]}" "${m[5]}" "${m[6]}" "${m[7]}" "${m[8]}" "${m[9]}" "${m[10]}"
fi
