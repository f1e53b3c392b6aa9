#!/usr/bin/env bash
# Time from launch to the first printed result of `bin/pathprobe ping -c 1`, `tcp -c 1` and one `mtr -r -c 1` round
# on loopback, each run RUNS times; prints the median, the quickest and the slowest (seconds) per command.
#   benchmarks/first-result.sh [RUNS] [JAVA_HOME...]      (default 20 runs, the java on PATH)
# "First result" is the first stdout line that carries a measurement: ping's reply line, tcp's outcome line, mtr's
# first hop row. The TCP target is a closed loopback port (refused is a result, and nothing listens for it).
# Set PATHPROBE_CDS=off to measure without the class-data archive the package step builds.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
shift || true
homes=("$@")
[ ${#homes[@]} -gt 0 ] || homes=("")
[ -x bin/pathprobe ] && [ -f probe-cli/target/pathprobe.jar ] || {
    echo "build first: mvn -B -q package -DskipTests" >&2; exit 2; }

# A loopback port with no listener: bind an ephemeral port and let it go.
port=$(perl -MIO::Socket::INET -e 'my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0,
    Proto => "tcp", Listen => 1) or die; print $s->sockport')

# perl measures: it starts the command, stamps the first line that matches, and waits for the command to end.
measure() {  # pattern, command...
    perl -MTime::HiRes=time -e '
        my ($pattern, @cmd) = @ARGV;
        my $start = time;
        open(my $out, "-|", @cmd) or die "cannot start $cmd[0]: $!";
        my $first;
        while (my $line = <$out>) { $first //= time if $line =~ /$pattern/; }
        close $out;
        defined $first or die "no result line from @cmd\n";
        printf "%.4f\n", $first - $start;' "$@"
}

summary() {  # name, then the times on stdin
    sort -n | awk -v name="$1" '{ t[NR] = $1 } END {
        m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2;
        printf "%-28s median %.3f s  min %.3f  max %.3f  (%d runs)\n", name, m, t[1], t[NR], NR }'
}

for home in "${homes[@]}"; do
    if [ -n "$home" ]; then export JAVA_HOME=$home; fi
    jdk=$("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p')
    echo "JDK $jdk, PATHPROBE_CDS=${PATHPROBE_CDS:-on}, load $(cut -d' ' -f1-3 /proc/loadavg)"
    for i in $(seq "$runs"); do measure 'bytes from' bin/pathprobe ping -c 1 127.0.0.1; done | summary "ping -c 1 127.0.0.1"
    for i in $(seq "$runs"); do measure 'refused by|connected to' bin/pathprobe tcp -c 1 -p "$port" 127.0.0.1 || true; done \
        | summary "tcp -c 1 127.0.0.1:$port"
    for i in $(seq "$runs"); do measure '^ +1\.' bin/pathprobe mtr -r -n -c 1 127.0.0.1; done | summary "mtr -r -n -c 1 127.0.0.1"
done
