#!/usr/bin/env bash
# One trace of a 4-hop path side by side: mtr -n -r -c 1, traceroute -n, and pathprobe's tracer (one round), on the
# same lab path. The script builds its own namespaces (client - r1 - r2 - r3 - server, 10.250.N.0/24 links, no
# default routes: traffic stays inside) and deletes them on exit. Run as root.
#   benchmarks/mtr-vs-peers.sh [MODE]      MODE: icmp (default) or udp, for traceroute and pathprobe (mtr -u too)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-icmp}
jar=benchmarks/target/benchmarks.jar
[ -f "$jar" ] || { echo "build first: mvn -B -q -o -pl benchmarks -am package -DskipTests" >&2; exit 2; }
for tool in ip mtr traceroute; do
  command -v $tool >/dev/null || { echo "$tool is not installed" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "run as root (network namespaces)" >&2; exit 2; }

p="ppbench$$"
nodes=(c r1 r2 r3 s)
cleanup() { for n in "${nodes[@]}"; do ip netns del "$p-$n" 2>/dev/null || true; done; }
trap cleanup EXIT
for n in "${nodes[@]}"; do
  ip netns add "$p-$n"
  ip -n "$p-$n" link set lo up
  ip netns exec "$p-$n" sysctl -q -w net.ipv4.ip_forward=1 net.ipv4.icmp_ratemask=0 \
    net.ipv4.icmp_errors_use_inbound_ifaddr=1 net.ipv4.ping_group_range="0 2147483647"
done
# Link i joins nodes[i-1] (.1) and nodes[i] (.2) on 10.250.i.0/24.
for i in 1 2 3 4; do
  a="$p-${nodes[$((i-1))]}"; b="$p-${nodes[$i]}"
  ip link add "l${i}a" netns "$a" type veth peer name "l${i}b" netns "$b"
  ip -n "$a" addr add "10.250.$i.1/24" dev "l${i}a"; ip -n "$a" link set "l${i}a" up
  ip -n "$b" addr add "10.250.$i.2/24" dev "l${i}b"; ip -n "$b" link set "l${i}b" up
done
# Routes: toward the server via the next node, toward the client via the previous one.
for i in 0 1 2 3 4; do
  ns="$p-${nodes[$i]}"
  for j in 1 2 3 4; do
    if [ "$j" -gt $((i + 1)) ]; then ip -n "$ns" route add "10.250.$j.0/24" via "10.250.$((i + 1)).2"; fi
    if [ "$j" -lt "$i" ]; then ip -n "$ns" route add "10.250.$j.0/24" via "10.250.$i.1"; fi
  done
done
target=10.250.4.2
ip netns exec "$p-c" ping -c 1 -W 2 "$target" >/dev/null   # resolve neighbours once for every tool

now() { date +%s.%N; }
ms() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.0f", (e - s) * 1000 }'; }
run() { # variable, label, command...
  local var=$1 label=$2; shift 2
  local s e out
  s=$(now); out=$("$@" 2>&1); e=$(now)
  printf '%-40s %6s ms\n' "$label" "$(ms "$s" "$e")"
  echo "$out" | sed 's/^/    /'
  printf -v "$var" '%s' "$(ms "$s" "$e")"
}
u=""; [ "$mode" = udp ] && u="-u"
I=""; [ "$mode" = icmp ] && I="-I"
run t_mtr "mtr -n -r -c 1 $u" ip netns exec "$p-c" mtr -n -r -c 1 $u "$target"
run t_mtrg "mtr -n -r -c 1 -G 1 $u" ip netns exec "$p-c" mtr -n -r -c 1 -G 1 $u "$target"
run t_tr "traceroute -n $I" ip netns exec "$p-c" traceroute -n $I "$target"
run t_pp "pathprobe $mode (JVM start included)" ip netns exec "$p-c" java -cp "$jar" io.pathprobe.benchmarks.TraceOnce "$target" "$mode"
echo
awk -v m="$t_mtr" -v g="$t_mtrg" -v t="$t_tr" -v p="$t_pp" 'BEGIN {
  printf "wall-time ratio pathprobe/peer: mtr -c 1 %.2f, mtr -c 1 -G 1 %.2f, traceroute %.2f\n", p / m, p / g, p / t }'
