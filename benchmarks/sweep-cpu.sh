#!/usr/bin/env bash
# Where a loopback sweep's CPU goes, by thread: `perf record` (4 kHz) of `pathprobe tcp 127.0.0.1 -p 1-65535 -c 1`,
# samples counted as CPU ms of the two event loops (user space and kernel apart), the main thread (start, report)
# and the C1 compiler. CPU time moves less with other load than wall time does, so a change to the per-port Java
# path shows here when sweep-vs-nmap.sh's wall times are lost in a busy machine's noise.
# Usage: benchmarks/sweep-cpu.sh [RUNS] [BASELINE]   (BASELINE: another built checkout, run alternately with this
# one, first in odd rounds and second in even ones). Needs perf (linux-perf) and the right to profile (root).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
baseline=${2:-}
[ -f probe-cli/target/pathprobe.jar ] || { echo "build first: mvn -B -q package -DskipTests" >&2; exit 2; }
command -v perf >/dev/null || { echo "perf is not installed (apt-get install linux-perf)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

split() { # checkout
  perf record -q -F 4000 -o "$tmp/perf.data" -- "$1/bin/pathprobe" tcp 127.0.0.1 -p 1-65535 -c 1 > /dev/null 2>&1 || true
  perf script -i "$tmp/perf.data" -G -F comm,ip 2>/dev/null | awk '{
      if ($1 ~ /^pathprobe-1-/) { if ($NF ~ /^ffffffff/) k++; else u++ } else if ($1 == "java") m++; else if ($1 ~ /^C1/) c++
    } END { printf "loops user %6.1f ms, kernel %6.1f ms; main %6.1f ms; C1 %6.1f ms\n", u / 4, k / 4, m / 4, c / 4 }'
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$runs"); do
  if [ -z "$baseline" ]; then
    echo "round $r: $(split .)"
  elif (( r % 2 )); then
    echo "round $r: this     $(split .)"; echo "         baseline $(split "$baseline")"
  else
    echo "round $r: baseline $(split "$baseline")"; echo "         this     $(split .)"
  fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
