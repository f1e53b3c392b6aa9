#!/usr/bin/env bash
# Soak: a ticket capture and a sustained mtr capture side by side at a high rate on loopback, for an hour by default,
# sampling each JVM's resident set (RSS) and Java heap every minute into a CSV. Not run in CI (it takes an hour);
# run it after changing anything that keeps per-probe or per-round state, or the launcher's heap settings.
#   benchmarks/soak.sh [SECONDS] [OUT_DIR]      (default 3600 s, soak-out/)
# Environment: SAMPLE (seconds between samples, default 60), LIVE_EVERY (seconds between live-heap figures, default
# SAMPLE: each forces a full GC, which itself flattens the curve, so sample RSS often and the live heap rarely),
# INTERVAL (seconds between mtr rounds, default 0.01),
# TICKET_INTERVAL (between the ticket's probes of each check, default 0.2, the least it allows), TICKET_PORTS (its
# ports besides the listener's, default 20000-20019: refused, or whatever answers there on this host),
# PATHPROBE_JAVA_OPTS (passed to both runs, as bin/pathprobe does).
# Root: mtr rounds 10 ms apart need it (as ping -i below 2 ms does).
# Output: OUT_DIR/soak.csv (elapsed_s,process,rss_kb,rss_peak_kb,heap_used_kb,heap_committed_kb,gc_count,
# live_heap_kb), the two runs' output and bundles, and a last line per process: RSS and heap at the first and last
# sample. live_heap_kb is what a full GC leaves (jcmd GC.class_histogram forces one, a short pause a minute): the
# figure that tells a leak from garbage not yet collected.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-3600}
out=${2:-soak-out}
sample=${SAMPLE:-60}
live_every=${LIVE_EVERY:-$sample}
interval=${INTERVAL:-0.01}
ticket_interval=${TICKET_INTERVAL:-0.2}
ticket_ports=${TICKET_PORTS:-20000-20019}
[ -f probe-cli/target/pathprobe.jar ] || { echo "build first: mvn -B -q package -DskipTests" >&2; exit 2; }
java=$(if [ -n "${JAVA_HOME:-}" ]; then echo "$JAVA_HOME/bin/java"; else readlink -f "$(command -v java)"; fi)
jstat="$(dirname "$java")/jstat"
jcmd="$(dirname "$java")/jcmd"
[ -x "$jstat" ] && [ -x "$jcmd" ] || { echo "no jstat and jcmd beside $java: use a JDK (JAVA_HOME)" >&2; exit 2; }
mkdir -p "$out"
rm -rf "$out/ticket" "$out/mtr"

# A listener for the ticket's TCP checks (connects are accepted and closed at once), on a free loopback port.
. benchmarks/accept-listener.sh # the script runs from the repository root (cd above)
start_accept_listener "$out/port"
pids=()
cleanup() { kill "${pids[@]}" "$listener" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 50); do [ -s "$out/port" ] && break; sleep 0.1; done
port=$(cat "$out/port")

# Both run a little past the soak so that the last sample sees them alive; they end on SIGTERM, which writes the
# bundle as Ctrl-C does (background jobs of a script inherit SIGINT ignored).
run=$((seconds + 2 * sample))
bin/pathprobe ticket 127.0.0.1 -p "$port,$ticket_ports" -d "${run}s" -i "$ticket_interval" --instance soak -o "$out/ticket" \
    > "$out/ticket.out" 2>&1 &
pids+=($!)
bin/pathprobe mtr -n -c 0 -i "$interval" --duration "${run}s" --out "$out/mtr" 127.0.0.1 > "$out/mtr.out" 2>&1 &
pids+=($!)
names=(ticket mtr)

csv="$out/soak.csv"
echo "elapsed_s,process,rss_kb,rss_peak_kb,heap_used_kb,heap_committed_kb,gc_count,live_heap_kb" > "$csv"
start=$(date +%s)
last_live=-$live_every
sample_all() {
  local now=$(( $(date +%s) - start ))
  local want_live=0
  if [ $(( now - last_live )) -ge "$live_every" ]; then want_live=1; last_live=$now; fi
  for i in "${!pids[@]}"; do
    local pid=${pids[$i]}
    [ -r "/proc/$pid/status" ] || { echo "${names[$i]} (pid $pid) ended early: see $out/${names[$i]}.out" >&2; exit 1; }
    local rss hwm
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
    hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
    # jstat -gc: capacities (C) and use (U) of survivor 0/1, eden and old generations in KB; YGC and FGC counts.
    local heap
    heap=$("$jstat" -gc "$pid" 2>/dev/null | awk 'NR == 2 {
        printf "%.0f,%.0f,%d", $3 + $4 + $6 + $8, $1 + $2 + $5 + $7, $13 + $15 }')
    local live=""
    [ "$want_live" = 1 ] && live=$("$jcmd" "$pid" GC.class_histogram 2>/dev/null | awk '$1 == "Total" { printf "%.0f", $3 / 1024 }')
    echo "$now,${names[$i]},$rss,$hwm,${heap:-,,},${live:-}" >> "$csv"
  done
}
sleep 5 # past the JVMs' start
sample_all
# Samples on a fixed schedule (every SAMPLE s from the start), however long jstat and jcmd take on a busy host.
next=$sample
while [ "$next" -le "$seconds" ]; do
  wait_s=$(( start + next - $(date +%s) ))
  [ "$wait_s" -gt 0 ] && sleep "$wait_s"
  sample_all
  next=$(( next + sample ))
done
for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
for pid in "${pids[@]}"; do wait "$pid" || true; done
pids=()
for n in "${names[@]}"; do
  awk -F, -v n="$n" '$2 == n { if (!f) { f = $0 } l = $0; if ($8 != "") { if (fl == "") { fl = $8 } ll = $8 } } END {
      split(f, a, ","); split(l, b, ",");
      printf "%-6s RSS %d -> %d MB (peak %d MB), live heap %d -> %d MB, committed %d -> %d MB, over %d s\n",
          n, a[3] / 1024, b[3] / 1024, b[4] / 1024, fl / 1024, ll / 1024, a[6] / 1024, b[6] / 1024, b[1] }' "$csv"
done
