#!/usr/bin/env bash
# Builds of pathprobe side by side at steady state: `ping -q -c N -i 0.000001 127.0.1.0/24` (254 loopback
# targets, N probes each; run as root) from each checkout given as LABEL=DIR (a built one: DIR/bin/pathprobe),
# each once a round with the order rotating by one a round, so that every build runs in every slot on a shared
# machine. Prints per run: the load average, replies, the probe phase (replies over the longest of ping's "time"),
# the wall rate with JVM start, and user/system CPU (per echo for user).
#   ROUNDS=4 N=40000 benchmarks/ping-rotate.sh base=../build-of-parent new=.
set -u
n=${N:-40000}; rounds=${ROUNDS:-3}
[ $# -ge 1 ] || { echo "usage: [ROUNDS=3] [N=40000] $0 LABEL=DIR..." >&2; exit 2; }
builds=("$@")
for b in "${builds[@]}"; do
  [ -x "${b#*=}/bin/pathprobe" ] || { echo "${b#*=}/bin/pathprobe is missing: give a built checkout" >&2; exit 2; }
done
run() { local dir=$1 label=$2 s e out
  s=$(date +%s.%N)
  out=$( { /usr/bin/time -f "TIME %U %S" "$dir/bin/pathprobe" ping -q -c "$n" -i 0.000001 127.0.1.0/24; } 2>&1 )
  e=$(date +%s.%N)
  echo "$out" | awk -v l="$label" -v s="$s" -v e="$e" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
    /packets transmitted/ { r += $4; t = $NF; sub(/ms$/, "", t); if (t + 0 > m) m = t + 0 }
    /^TIME/ { u = $2; sy = $3 }
    END { printf "%-8s load %s received=%d phase=%.0f/s wall=%.0f/s user=%.1fs (%.2f us/echo) sys=%.1fs\n",
          l, load, r, (m > 0 ? r / (m / 1000) : 0), r / (e - s), u, (r > 0 ? u * 1e6 / r : 0), sy }'
}
m=${#builds[@]}
for r in $(seq 0 $((rounds - 1))); do
  for j in $(seq 0 $((m - 1))); do
    b=${builds[$(( (r + j) % m ))]}
    run "${b#*=}" "${b%%=*}"
  done
done
