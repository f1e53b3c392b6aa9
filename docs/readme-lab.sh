#!/bin/bash
# The lab behind the README's ticket example (run as root): client namespaces pp-office (behind router pp-r1, which
# drops 10% of what it forwards, like a lossy carrier) and pp-other (clean), router pp-r2, and the "load balancer"
# pp-vip (203.0.113.10, TCP listeners on 80 and 443). Nothing leaves the namespaces.
#   docs/readme-lab.sh up
#   bin/pathprobe ticket 203.0.113.10 --port 80,443 --duration 1m --instance lb-demo \
#       --vantage netns:pp-office --vantage netns:pp-other --out ticket-lb-demo
#   docs/readme-lab.sh down
set -euo pipefail
A=pp-office; B=pp-other; R1=pp-r1; R2=pp-r2; V=pp-vip
up() {
  for n in $A $B $R1 $R2 $V; do ip netns add $n; ip -n $n link set lo up; done
  ip link add c0 netns $A type veth peer name a0 netns $R1
  ip link add x1 netns $R1 type veth peer name x2 netns $R2
  ip link add c0 netns $B type veth peer name b0 netns $R2
  ip link add v0 netns $V type veth peer name vv netns $R2
  ip -n $A addr add 10.1.0.2/24 dev c0; ip -n $A link set c0 up; ip -n $A route add default via 10.1.0.1
  ip -n $R1 addr add 10.1.0.1/24 dev a0; ip -n $R1 link set a0 up
  ip -n $R1 addr add 10.12.0.1/30 dev x1; ip -n $R1 link set x1 up; ip -n $R1 route add default via 10.12.0.2
  ip -n $R2 addr add 10.12.0.2/30 dev x2; ip -n $R2 link set x2 up; ip -n $R2 route add 10.1.0.0/24 via 10.12.0.1
  ip -n $R2 addr add 10.2.0.1/24 dev b0; ip -n $R2 link set b0 up
  ip -n $R2 addr add 203.0.113.1/24 dev vv; ip -n $R2 link set vv up
  ip -n $B addr add 10.2.0.2/24 dev c0; ip -n $B link set c0 up; ip -n $B route add default via 10.2.0.1
  ip -n $V addr add 203.0.113.10/24 dev v0; ip -n $V link set v0 up; ip -n $V route add default via 203.0.113.1
  for r in $R1 $R2; do ip netns exec $r sysctl -qw net.ipv4.ip_forward=1; done
  # the office's carrier: 10% of forwarded packets dropped at random on r1
  ip netns exec $R1 nft -f - <<'NFT'
table inet pplab {
  chain lossy {
    type filter hook forward priority 0;
    numgen random mod 100 < 10 drop
  }
}
NFT
  for p in 80 443; do
    ip netns exec $V python3 -m http.server $p --bind 203.0.113.10 >/dev/null 2>&1 & echo $! >> /tmp/pathprobe-readme-lab.pids
  done
  # the listeners must be up before a capture starts, or its first checks are refused (at most 10 s)
  for i in $(seq 100); do
    [[ $(ip netns exec $V ss -Hltn 'sport = :80 or sport = :443' | wc -l) -ge 2 ]] && break
    sleep 0.1
  done
}
down() {
  if [[ -f /tmp/pathprobe-readme-lab.pids ]]; then kill $(cat /tmp/pathprobe-readme-lab.pids) 2>/dev/null || true; rm -f /tmp/pathprobe-readme-lab.pids; fi
  for n in $A $B $R1 $R2 $V; do ip netns del $n 2>/dev/null || true; done
}
"$@"
