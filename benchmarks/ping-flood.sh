#!/usr/bin/env bash
# Flood ping (issue 13's -f, issue 12's "as fast as replies allow") beside iputils in one run: one target, one echo
# in flight, each reply sending the next. Runs in a network namespace of its own (its loopback). Run as root, after
# building the CLI (mvn -B -q -o package -DskipTests):
#   benchmarks/ping-flood.sh [COUNT]        (default 200000)
# Prints each tool's echoes per second by ping's own "time" (first to last send; no JVM start) and by the wall
# clock (JVM start included), and the ratio of the first. BASELINE=DIR (another checkout, built) adds its
# bin/pathprobe, for a before/after in the same minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-200000}
[ "$(id -u)" = 0 ] || { echo "run as root (flood ping, a network namespace)" >&2; exit 2; }
[ -x bin/pathprobe ] && [ -f probe-cli/target/pathprobe.jar ] || { echo "build first: mvn -B -q -o package -DskipTests" >&2; exit 2; }
command -v ping >/dev/null || { echo "iputils ping is not installed (apt-get install iputils-ping)" >&2; exit 2; }

ns=pp-flood-$$
ip netns add "$ns"
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
ip -n "$ns" link set lo up

# One run: prints "NAME received=R time=T ms rate=R/T wall=W s".
run() {
  local name=$1; shift
  local s e out
  s=$(date +%s.%N)
  out=$(ip netns exec "$ns" "$@" -f -q -c "$count" 127.0.0.1 2>&1 | grep 'packets transmitted' || true)
  e=$(date +%s.%N)
  echo "$out" | awk -v n="$name" -v s="$s" -v e="$e" '{
    for (i = 1; i <= NF; i++) { if ($(i + 1) ~ /^received/) r = $i; if ($i == "time") t = $(i + 1) }
    sub(/ms$/, "", t)
    printf "%-10s received=%d time=%d ms rate=%.0f/s wall=%.2f s (%.0f/s)\n", n, r, t, r / (t / 1000), e - s, r / (e - s) }'
}
a=$(run iputils ping); echo "$a"
b=$(run pathprobe bin/pathprobe ping); echo "$b"
if [ -n "${BASELINE:-}" ]; then
  run baseline "$BASELINE/bin/pathprobe" ping
fi
rate() { sed -n 's/.* rate=\([0-9]*\)\/s .*/\1/p'; }
awk -v a="$(echo "$a" | rate)" -v b="$(echo "$b" | rate)" 'BEGIN { printf "pathprobe / iputils (by ping time) = %.2f\n", b / a }'
