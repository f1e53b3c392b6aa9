#!/usr/bin/env bash
# The first probe's RTT against the later ones, on loopback: N runs of a fresh pathprobe process each, for ping
# (echo replies) and tcp (a closed port: RSTs). Prints the median and the range of probe 1 and of probes 2-5.
# Usage: benchmarks/first-probe.sh [RUNS] [LAUNCHER]   (LAUNCHER defaults to bin/pathprobe; ping needs ping
# sockets or root)
set -uo pipefail
runs=${1:-20}
pp=${2:-$(dirname "$0")/../bin/pathprobe}
port=9
if ss -Htln "sport = :$port" | grep -q .; then
    echo "first-probe.sh: something listens on 127.0.0.1:$port; the tcp case needs a closed port" >&2
    exit 2
fi
for i in $(seq "$runs"); do
    { "$pp" ping -c 5 -i 0.05 127.0.0.1 || true; } | sed -n 's/.*icmp_seq=\([0-9]*\) .*time=\([0-9.]*\) ms.*/ping \1 \2/p'
    { "$pp" tcp -c 5 -i 0.05 127.0.0.1:$port || true; } | sed -n 's/^refused by .* time=\([0-9.]*\) ms.*/tcp \1/p' \
        | awk '{print $1, NR, $2}'
done | awk '
    { k = $1 ($2 == 1 ? " probe 1   " : " probes 2-5"); v[k] = v[k] " " $3 }
    END {
        for (k in v) {
            n = split(substr(v[k], 2), a, " ")
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
            printf "%s: median %.3f ms, min %.3f, max %.3f (%d probes)\n", k, a[int((n + 1) / 2)], a[1], a[n], n
        }
    }' | sort
