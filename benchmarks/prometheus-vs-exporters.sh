#!/usr/bin/env bash
# pathprobe agent side by side with blackbox_exporter and smokeping_prober (Debian's packages), scraped by one
# Prometheus, against the same lab targets: N addresses (default 1000) that a namespace "vip" answers for, behind
# a veth from a namespace "probe" where every exporter and Prometheus run on 127.0.0.1. In the vip namespace,
# nftables drops 10% of echo requests to 10.99.1.0/24 (the "lossy" targets) and every packet to 10.99.3.216/29
# (the "down" targets). Prometheus scrapes /probe?module=icmp of pathprobe (5 echoes) and of blackbox (1 echo)
# for every target every 15 s; smokeping_prober pings the lossy targets once a second (SMOKEPING=all: every target;
# on a 2-core machine it then saturates a core and loses most replies itself). Not part of CI. Run as root:
#   benchmarks/prometheus-vs-exporters.sh [MINUTES] [TARGETS]        (default 10 minutes, 1000 targets, max 1016)
# Prints: up/down agreement with blackbox, loss agreement with smokeping, CPU seconds per minute and RSS of each.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
n=${2:-1000}
[ "$(id -u)" = 0 ] || { echo "run as root (network namespaces, nftables)" >&2; exit 2; }
[ "$n" -ge 1 ] && [ "$n" -le 1016 ] || { echo "TARGETS must be 1 to 1016" >&2; exit 2; }
for c in prometheus prometheus-blackbox-exporter prometheus-smokeping-prober nft ip python3; do
  command -v "$c" >/dev/null || { echo "$c is missing: apt-get install prometheus prometheus-blackbox-exporter prometheus-smokeping-prober nftables iproute2" >&2; exit 2; }
done
[ -f probe-cli/target/pathprobe.jar ] || { echo "build first: mvn -B -q package -DskipTests" >&2; exit 2; }

p=ppb$$
probe=$p-probe
vip=$p-vip
work=$(mktemp -d /tmp/$p.XXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  ip netns del "$probe" 2>/dev/null || true
  ip netns del "$vip" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
in_probe() { ip netns exec "$probe" "$@"; }

ip netns add "$probe"
ip netns add "$vip"
ip link add "$p-a" netns "$probe" type veth peer name "$p-b" netns "$vip"
in_probe ip link set lo up
# Ping sockets for every group: smokeping_prober's unprivileged mode (one socket per target, demultiplexed by the
# kernel); its --privileged raw sockets each see every reply, and at 1,000 targets lose most of them.
in_probe sysctl -qw net.ipv4.ping_group_range="0 2147483647"
in_probe ip addr add 10.98.0.1/30 dev "$p-a"
in_probe ip link set "$p-a" up
in_probe ip route add 10.99.0.0/22 via 10.98.0.2
ip netns exec "$vip" ip link set lo up
ip netns exec "$vip" ip addr add 10.98.0.2/30 dev "$p-b"
ip netns exec "$vip" ip link set "$p-b" up
ip netns exec "$vip" ip route add local 10.99.0.0/22 dev lo
ip netns exec "$vip" nft -f - <<NFT
table inet $p {
  chain pre {
    type filter hook prerouting priority -300;
    ip daddr 10.99.3.216/29 drop
    ip daddr 10.99.1.0/24 icmp type echo-request numgen random mod 100 < 10 drop
  }
}
NFT
targets=()
for ((i = 0; i < n; i++)); do targets+=("10.99.$((i / 256)).$((i % 256))"); done
list=$(printf '"%s",' "${targets[@]}"); list="[${list%,}]"
if [ "${SMOKEPING:-lossy}" = all ]; then
  smoke=("${targets[@]}")
else
  smoke=(); for t in "${targets[@]}"; do [[ $t == 10.99.1.* ]] && smoke+=("$t"); done
fi

cat > "$work/agent.yml" <<YML
allow: [10.99.0.0/22]
probe: {max_concurrent: 1000}
YML
cat > "$work/blackbox.yml" <<YML
modules:
  icmp:
    prober: icmp
    timeout: 5s
    icmp: {preferred_ip_protocol: ip4}
YML
# probe_job NAME PORT: a scrape job that has the exporter on PORT probe each of $list by ICMP (blackbox's multi-target way).
probe_job() {
  cat <<YML
  - job_name: $1
    metrics_path: /probe
    params: {module: [icmp]}
    static_configs: [{targets: $list}]
    relabel_configs:
      - {source_labels: [__address__], target_label: __param_target}
      - {source_labels: [__param_target], target_label: target}
      - {target_label: __address__, replacement: "127.0.0.1:$2"}
YML
}
cat > "$work/prometheus.yml" <<YML
global: {scrape_interval: 15s, scrape_timeout: 10s}
scrape_configs:
$(probe_job pathprobe 19917)
$(probe_job blackbox 19115)
  - job_name: smokeping
    static_configs: [{targets: ["127.0.0.1:19374"]}]
YML

# Started without a wrapper function, so that $! is the exporter itself (ip netns exec execs it).
ip netns exec "$probe" env PATHPROBE_JAVA_OPTS="-Xmx256m" bin/pathprobe agent --listen 127.0.0.1:19917 --config "$work/agent.yml" \
  --audit-log /dev/null 2>"$work/pathprobe.log" & pids+=($!); pp=$!
ip netns exec "$probe" prometheus-blackbox-exporter --config.file="$work/blackbox.yml" --web.listen-address=127.0.0.1:19115 \
  --log.level=warn 2>"$work/blackbox.log" & pids+=($!); bb=$!
ip netns exec "$probe" prometheus-smokeping-prober --web.listen-address=127.0.0.1:19374 --log.level=warn \
  "${smoke[@]}" 2>"$work/smokeping.log" & pids+=($!); sp=$!
sleep 8 # the exporters listen before the first scrape
ip netns exec "$probe" prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address=127.0.0.1:19090 --log.level=warn 2>"$work/prometheus.log" & pids+=($!)

cpu() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$1/stat"; }   # utime + stime, at 100 ticks/s
rss() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
query() {
  in_probe python3 -c 'import json,sys,urllib.parse,urllib.request
r = json.load(urllib.request.urlopen("http://127.0.0.1:19090/api/v1/query?query=" + urllib.parse.quote(sys.argv[1])))
v = r["data"]["result"]; print(v[0]["value"][1] if v else "none")' "$1"
}

sleep 30 # warm-up: JIT, first scrapes
c0=(); for pid in $pp $bb $sp; do c0+=("$(cpu "$pid")"); done
t0=$(date +%s)
sleep $((minutes * 60))
t1=$(date +%s)
c1=(); for pid in $pp $bb $sp; do c1+=("$(cpu "$pid")"); done
w="$((t1 - t0))s"
clean='target!~"10\\.99\\.1\\..*"'
lossy='target=~"10\\.99\\.1\\..*"'
echo "$n targets, $minutes min measured, scrape interval 15 s (pathprobe 5 echoes/scrape, blackbox 1); smokeping ${#smoke[@]} targets at 1/s"
echo "up/down agreement (non-lossy targets, last scrape): $(query "count((probe_success{job=\"pathprobe\",$clean} == bool on(target) probe_success{job=\"blackbox\",$clean}) == 1)") of $(query "count(probe_success{job=\"blackbox\",$clean})"); down seen by pathprobe: $(query "count(probe_success{job=\"pathprobe\"} == 0)"), by blackbox: $(query "count(probe_success{job=\"blackbox\"} == 0)")"
echo "lossy targets, share of scrapes with probe_success 1: pathprobe $(query "avg(avg_over_time(probe_success{job=\"pathprobe\",$lossy}[$w]))"), blackbox $(query "avg(avg_over_time(probe_success{job=\"blackbox\",$lossy}[$w]))")"
pl=$(query "1 - sum(sum_over_time(probe_icmp_packets_received_count{job=\"pathprobe\",$lossy}[$w])) / sum(sum_over_time(probe_icmp_packets_sent_count{job=\"pathprobe\",$lossy}[$w]))")
pn=$(query "sum(sum_over_time(probe_icmp_packets_sent_count{job=\"pathprobe\",$lossy}[$w]))")
sl=$(query "1 - sum(increase(smokeping_response_duration_seconds_count{host=~\"10\\\\.99\\\\.1\\\\..*\"}[$w])) / sum(increase(smokeping_requests_total{host=~\"10\\\\.99\\\\.1\\\\..*\"}[$w]))")
sn=$(query "sum(increase(smokeping_requests_total{host=~\"10\\\\.99\\\\.1\\\\..*\"}[$w]))")
# Two estimates of one loss rate: their difference has sd sqrt(q(1-q)(1/n1 + 1/n2)); |z| < 3.9 agrees (1e-4).
awk -v a="$pl" -v n1="$pn" -v b="$sl" -v n2="$sn" 'BEGIN { q = (a * n1 + b * n2) / (n1 + n2)
  z = (a - b) / sqrt(q * (1 - q) * (1 / n1 + 1 / n2))
  printf "loss on lossy targets (10%% of echo requests dropped): pathprobe %.4f of %d echoes, smokeping %.4f of %d; z = %.2f (%s)\n", a, n1, b, n2, z, (z < 3.9 && z > -3.9) ? "agree" : "DISAGREE" }'
[ "${SMOKEPING:-lossy}" = all ] && echo "smokeping loss on the clean targets (its own receive loss): $(query "1 - sum(increase(smokeping_response_duration_seconds_count{host!~\"10\\\\.99\\\\.(1\\\\.|3\\\\.21[6-9]|3\\\\.22[0-3]).*\"}[$w])) / sum(increase(smokeping_requests_total{host!~\"10\\\\.99\\\\.(1\\\\.|3\\\\.21[6-9]|3\\\\.22[0-3]).*\"}[$w]))")"
names=(pathprobe blackbox smokeping)
procs=("$pp" "$bb" "$sp")
for i in 0 1 2; do
  awk -v n="${names[$i]}" -v a="${c0[$i]}" -v b="${c1[$i]}" -v m="$minutes" -v r="$(rss "${procs[$i]}")" \
    'BEGIN { printf "%-10s CPU %.2f s/min, RSS %d MiB\n", n, (b - a) / m, r }'
done
