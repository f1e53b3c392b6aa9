#!/usr/bin/env bash
# Heap a ticket capture holds per port: a loopback capture of 1 port and one of N ports (a listener and N-1 closed
# ports: connected and refused checks, an ICMP trace and a TCP-mode trace per port), each for SECONDS, and the live
# heap (what a full GC leaves: jcmd GC.class_histogram) a few seconds before its end. The difference over N-1 is the
# cost of a port. Root (the ticket's ping and ICMP trace).
#   benchmarks/ticket-memory.sh [N] [SECONDS]          (default 21 ports, 30 s)
# Environment: PATHPROBE (the launcher to measure, default bin/pathprobe: e.g. another checkout's, for before and
# after), TICKET_INTERVAL (between each check's probes, default 0.2 s).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-21}
seconds=${2:-30}
launcher=${PATHPROBE:-bin/pathprobe}
interval=${TICKET_INTERVAL:-0.2}
java=$(if [ -n "${JAVA_HOME:-}" ]; then echo "$JAVA_HOME/bin/java"; else readlink -f "$(command -v java)"; fi)
jcmd="$(dirname "$java")/jcmd"
[ -x "$jcmd" ] || { echo "no jcmd beside $java: use a JDK (JAVA_HOME)" >&2; exit 2; }
[ "$n" -ge 2 ] || { echo "N must be 2 or more (the slope needs two sizes)" >&2; exit 2; }
out=$(mktemp -d)
. benchmarks/accept-listener.sh # the script runs from the repository root (cd above)
start_accept_listener "$out/port"
run=""
cleanup() { [ -n "$run" ] && kill "$run" 2>/dev/null; kill "$listener" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$out"; }
trap cleanup EXIT
for _ in $(seq 50); do [ -s "$out/port" ] && break; sleep 0.1; done
port=$(cat "$out/port")

# live_kb PORTS: runs one capture and prints its live heap in KB, and its largest classes to stderr.
live_kb() {
  "$launcher" ticket 127.0.0.1 -p "$1" -d "${seconds}s" -i "$interval" --instance memory -o "$out/bundle-$RANDOM" \
      > "$out/ticket.out" 2>&1 &
  run=$!
  sleep $(( seconds - 5 ))
  "$jcmd" "$run" GC.class_histogram > "$out/histo" 2>/dev/null || { cat "$out/ticket.out" >&2; exit 1; }
  wait "$run" || true
  run=""
  sed -n '4,8p' "$out/histo" | awk '{ printf "    %6.1f MB %s\n", $3 / 1048576, $4 }' >&2
  awk '$1 == "Total" { printf "%.0f", $3 / 1024 }' "$out/histo"
}
echo "ticket capture of 1 port ($port), ${seconds} s:" >&2
one=$(live_kb "$port")
echo "ticket capture of $n ports ($port,20000-$((20000 + n - 2))), ${seconds} s:" >&2
many=$(live_kb "$port,20000-$((20000 + n - 2))")
awk -v a="$one" -v b="$many" -v n="$n" 'BEGIN {
  printf "live heap: 1 port %.1f MB, %d ports %.1f MB: %.0f KB a port\n", a / 1024, n, b / 1024, (b - a) / (n - 1) }'
