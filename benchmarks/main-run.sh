#!/usr/bin/env bash
# The README's Benchmarks table in one run: its scripts one after the other, in the order of the rows, each ratio
# against an anchor measured by that script in the same minutes. Run as root on a quiet machine, after building:
#   mvn -B -q package -DskipTests && mvn -B -q -pl benchmarks -am package -DskipTests
#   benchmarks/main-run.sh [LOGDIR]        (default /tmp/pathprobe-main-run; a summary line per script)
# The JDK 25 first-result row needs a checkout packaged by JDK 25 (its AOT cache serves only that java):
#   there, benchmarks/first-result.sh 20 /usr/lib/jvm/<jdk-25>
set -u
cd "$(dirname "$0")/.."
log=${1:-/tmp/pathprobe-main-run}
mkdir -p "$log"
: > "$log/summary"
run() { # name command...
    local name=$1
    shift
    echo "== $name $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg): $*" | tee -a "$log/summary"
    timeout 900 "$@" > "$log/$name.log" 2>&1
    echo "rc=$? end $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log/summary"
}
run tcp benchmarks/tcp-vs-ceiling.sh
run icmp-dgram env ROUNDS=3 benchmarks/icmp-vs-ceiling.sh 1000000 DGRAM
run icmp-raw env ROUNDS=2 benchmarks/icmp-vs-ceiling.sh 1000000 RAW
run ping env RUNS=3 benchmarks/ping-cli-vs-engine.sh
run sweep env RUNS=5 benchmarks/sweep-vs-nmap.sh loopback
run lab benchmarks/sweep-vs-nmap.sh lab
run first benchmarks/first-result.sh 20
echo "logs in $log"
