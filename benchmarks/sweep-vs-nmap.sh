#!/usr/bin/env bash
# Port sweeps side by side in one run: nmap -sT -T5 and pathprobe tcp -c 1, wall time (JVM start included) and the
# states each found. Run as root.
#   1. one host, every port: 127.0.0.1 -p 1-65535 (nmap -p- -n)
#   2. many hosts x ports: a /24 x ports 1-100 in a namespace lab this script builds and deletes (client - server
#      on one veth; the server answers for all of 10.251.0.0/24; no default route, nothing leaves the lab):
#        .1-.63    listeners on 22, 80, 99; every other port refused (RST)
#        .64-.127  the same, with port 25 dropped and port 53 rejected with ICMP admin-prohibited
#        .128-.191 everything dropped (nmap: filtered; pathprobe: timed out)
#        .192-.254 everything reset by the firewall (closed / refused)
#      Both with -Pn semantics (no host discovery: pathprobe has none) and a 300 ms answer timeout (nmap -T5's
#      --max-rtt-timeout; pathprobe --timeout 0.3).
#   benchmarks/sweep-vs-nmap.sh            (both parts)
#   benchmarks/sweep-vs-nmap.sh loopback   (part 1 only)      benchmarks/sweep-vs-nmap.sh lab   (part 2 only)
# States compared: open = open; nmap's closed = pathprobe's refused; nmap's filtered = timed out or unreachable.
# RUNS=N (default 5) repeats the loopback pair N times, interleaved, each with its ratio; BASELINE=DIR (another
# checkout, built) adds its bin/pathprobe to each loopback round, for a before/after in the same minutes.
# nmap's loopback time is bimodal: a connect that meets itself (its ephemeral port is the port it probes, about
# one in 28,000 of the ephemeral range's connects) is taken by nmap for a dropped packet ("Detected likely
# self-connect", "Increased max_successful_tryno ... (packet drop)" with -d), after which it sends nothing for a
# second; each round says how many it met.
# Each loopback round also measures the floor under any JVM sweep, in the same minutes: the C sweep ceiling
# (benchmarks/ceilings/sweepceil.c, one thread and two, the same ports) and the JVM's own start with bin/pathprobe
# tcp's options and class-data archive (a class that does nothing, from exec to its main and to its exit), and
# prints the bound "JVM floor + best ceiling sweep" beside nmap's quick rounds (those without a self-connect). A
# bound above nmap's quick time proves the target out of reach for a JVM here; below it, it is what to aim at.
# pathprobe's "first probe" is from exec to its header line, which it prints once the first connect has started.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
[ -f probe-cli/target/pathprobe.jar ] || { echo "build first: mvn -B -q package -DskipTests" >&2; exit 2; }
command -v nmap >/dev/null || { echo "nmap is not installed (apt-get install nmap)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "run as root (network namespaces, and nmap as pathprobe's peer)" >&2; exit 2; }

tmp=$(mktemp -d)
p="ppsweep$$"
listener=""
cleanup() {
  [ -n "$listener" ] && kill "$listener" 2>/dev/null || true
  ip netns del "$p-c" 2>/dev/null || true
  ip netns del "$p-s" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

now() { date +%s.%N; }
secs() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.2f", e - s }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# nmap -oG output -> "HOST PORT STATE" lines (ports in the "Ignored State" spelled out from the asked range).
nmap_states() { # file first_port last_port
  awk -v lo="$2" -v hi="$3" -F'\t' '/^Host: .*Ports:/ {
      split($1, h, " "); host = h[2]; delete st; ign = ""
      for (i = 2; i <= NF; i++) {
        if ($i ~ /^Ports: /) { n = split(substr($i, 8), ps, ", ")
          for (j = 1; j <= n; j++) { split(ps[j], f, "/"); st[f[1] + 0] = f[2] } }
        if ($i ~ /^Ignored State: /) { split($i, g, " "); ign = g[3] }
      }
      for (port = lo; port <= hi; port++) print host, port, (port in st ? st[port] : ign)
    }' "$1" | sort
}

# pathprobe's text (the compact sweep form) -> "HOST PORT STATE" in nmap's words: the listed ports, and the rest of
# the asked range in the state its "N ... ports not listed" line names (a complete sweep leaves no port unprobed).
pathprobe_text_states() { # file first_port last_port
  awk -v lo="$2" -v hi="$3" '
    function word(s) { return s == "refused" ? "closed" : (s == "timed out" || s == "unreachable") ? "filtered" : s }
    function flush() { if (host == "") return
      for (port = lo; port <= hi; port++) print host, port, (port in st ? st[port] : hidden)
      delete st; host = ""; hidden = "" }
    /^--- .* tcp sweep: / { flush(); host = $2 }
    / ports not listed$/ { s = $0; sub(/^[0-9]+ /, "", s); sub(/ ports not listed$/, "", s); hidden = word(s) }
    function put(target, state) { n = split(target, f, ":"); st[f[n] + 0] = state }
    /^connected to / { put($3, "open") }
    /^refused by / { put($3, "closed") }
    /^timeout / { put($2, "filtered") }
    /^unreachable / { put($2, "filtered") }
    /^error / { t = $2; sub(/:$/, "", t); put(t, "error") }
    END { flush() }' "$1" | sort
}

# pathprobe's --json (schema pathprobe.cli.sweep/1) -> the same, without a JSON tool: the document puts "host"
# before its ports and each port's "port" just before its "state".
pathprobe_json_states() { # file
  awk '/^    "host" : / { gsub(/[",]/, "", $3); host = $3 }
       /^      "port" : / { gsub(/,/, "", $3); port = $3 }
       /^      "state" : / { gsub(/[",]/, "", $3); s = $3
         if (s == "refused") s = "closed"; else if (s == "timedOut" || s == "unreachable") s = "filtered"
         print host, port, s }' "$1" | sort
}

compare() { # label nmap_states_file pathprobe_states_file
  local n p
  n=$(wc -l < "$2"); p=$(wc -l < "$3")
  echo "  states by nmap:      $(awk '{ c[$3]++ } END { for (s in c) printf "%s=%d ", s, c[s] }' "$2")($n ports)"
  echo "  states by pathprobe: $(awk '{ c[$3]++ } END { for (s in c) printf "%s=%d ", s, c[s] }' "$3")($p ports)"
  if cmp -s "$2" "$3"; then
    echo "  same state for every host and port: yes"
  else
    echo "  same state for every host and port: NO; the differences (< nmap, > pathprobe):"
    diff "$2" "$3" | grep '^[<>]' | head -20 | sed 's/^/    /' || true
  fi
}

# Runs pathprobe once more with --json (not timed against nmap) and checks it lists the same states as the text.
json_agrees() { # text_states_file json_file
  pathprobe_json_states "$2" > "$2.states"
  if cmp -s "$1" "$2.states"; then echo "  --json lists every port, in the same states: yes"
  else
    echo "  --json lists every port, in the same states: NO ($(wc -l < "$2.states") ports; the differences, < text, > json):"
    diff "$1" "$2.states" | grep '^[<>]' | head -10 | sed 's/^/    /' || true
  fi
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# The JVM floor's command: bin/pathprobe's own java options for "tcp" (read through a stand-in java that prints its
# arguments, beside a copy of the real JDK's release file, so the launcher picks the same heap, JIT and archive),
# with a class that does nothing appended to the class path (a class-data archive takes a longer class path).
floor_setup() {
  local real fake="$tmp/jdk" arg
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then real="$JAVA_HOME/bin/java"; else real=$(command -v java); fi
  mkdir -p "$fake/bin" "$tmp/floor"
  cp "$(dirname "$(dirname "$(readlink -f "$real")")")/release" "$fake/release"
  printf '#!/bin/sh\nfor a; do printf "%%s\\n" "$a"; done\n' > "$fake/bin/java"; chmod +x "$fake/bin/java"
  cat > "$tmp/floor/Floor.java" <<'EOF'
public final class Floor {
    public static void main(String[] args) {
        System.out.println(System.currentTimeMillis()); // main reached
    }
}
EOF
  "$(dirname "$real")/javac" -d "$tmp/floor" "$tmp/floor/Floor.java"
  floor_cmd=("$real")
  while IFS= read -r arg; do
    [ "$arg" = -jar ] && break
    floor_cmd+=("$arg")
  done < <(JAVA_HOME="$fake" bin/pathprobe tcp 127.0.0.1)
  floor_cmd+=(-cp "probe-cli/target/pathprobe.jar:$tmp/floor" Floor)
}

# One empty JVM run: "MAIN EXIT", seconds from exec to main and to the process's end.
floor_run() {
  local s e m
  s=$EPOCHREALTIME; m=$("${floor_cmd[@]}"); e=$EPOCHREALTIME
  awk -v s="$s" -v e="$e" -v m="$m" 'BEGIN { printf "%.3f %.3f\n", m / 1000 - s, e - s }'
}

# One sweep by pathprobe (arguments: the launcher), its output in $tmp/lo.txt: "FIRST END", seconds from exec to
# the header line and to the end.
pathprobe_run() {
  local s f="" e line
  s=$EPOCHREALTIME
  { "$@" tcp 127.0.0.1 -p 1-65535 -c 1 || true; } | {
    while IFS= read -r line; do
      [ -z "$f" ] && f=$EPOCHREALTIME
      printf '%s\n' "$line"
    done > "$tmp/lo.txt"
    printf '%s' "${f:-$EPOCHREALTIME}" > "$tmp/lo.first"
  }
  e=$EPOCHREALTIME
  awk -v s="$s" -v e="$e" -v f="$(cat "$tmp/lo.first")" 'BEGIN { printf "%.3f %.3f\n", f - s, e - s }'
}

# One run of the C ceiling: "WALL USER SYS OPEN CLOSED OTHER".
ceil_run() { # threads
  benchmarks/target/ceilings/sweepceil 127.0.0.1 "$1" | awk '{ for (i = 3; i <= NF; i++) { split($i, f, "="); v[f[1]] = f[2] }
    printf "%s %s %s %d %d %d\n", v["wall"], v["user"], v["sys"], v["open"], v["closed"], v["filtered"] + v["errors"] }'
}

if [ "$what" = all ] || [ "$what" = loopback ]; then
  benchmarks/ceilings/build.sh
  floor_setup
  echo "=== 127.0.0.1, ports 1-65535 (load before: $(load))"
  quick=() bounds=()
  for round in $(seq 1 "${RUNS:-5}"); do
    s=$(now); nmap -sT -p- -T5 -n -d -oG "$tmp/lo.nmap" 127.0.0.1 > "$tmp/lo.nmap.log" 2>&1; e=$(now)
    tn=$(secs "$s" "$e")
    selfc=$(grep -c 'self-connect' "$tmp/lo.nmap.log" || true)
    [ "$selfc" = 0 ] && quick+=("$tn")
    read -r pf tp < <(pathprobe_run bin/pathprobe)
    line="round $round: nmap ${tn} s (self-connects $selfc), pathprobe ${tp} s (first probe at ${pf} s), ratio $(ratio "$tp" "$tn")"
    if [ -n "${BASELINE:-}" ]; then
      cp "$tmp/lo.txt" "$tmp/lo.txt.keep"
      read -r bf tb < <(pathprobe_run "$BASELINE/bin/pathprobe")
      mv "$tmp/lo.txt.keep" "$tmp/lo.txt"
      line="$line; baseline ${tb} s (first probe at ${bf} s), ratio $(ratio "$tb" "$tn")"
    fi
    echo "$line   (load $(load))"
    read -r w1 u1 k1 o1 c1 x1 < <(ceil_run 1)
    read -r w2 u2 k2 o2 c2 x2 < <(ceil_run 2)
    read -r fm fe < <(floor_run)
    best=$(awk -v a="$w1" -v b="$w2" 'BEGIN { print (a < b ? a : b) }')
    bound=$(awk -v f="$fe" -v b="$best" 'BEGIN { printf "%.3f", f + b }')
    bounds+=("$bound")
    echo "         sweepceil 1 thread ${w1} s (user $u1, sys $k1; open $o1, closed $c1, other $x1)," \
      "2 threads ${w2} s (user $u2, sys $k2; open $o2, closed $c2, other $x2)"
    echo "         JVM floor (tcp's options and archive, empty main): main at ${fm} s, exit at ${fe} s;" \
      "bound = floor + best ceiling = ${bound} s   (load $(load))"
  done
  echo "(nmap -sT -p- -T5 -n 127.0.0.1; pathprobe tcp 127.0.0.1 -p 1-65535 -c 1, JVM start included)"
  echo "JVM floor's command: ${floor_cmd[*]}"
  lowest() { printf '%s\n' "$@" | sort -g | head -1; }
  if [ ${#quick[@]} -gt 0 ]; then
    echo "nmap's quick rounds (no self-connect): ${quick[*]} s; bounds: ${bounds[*]} s;" \
      "lowest bound $(lowest "${bounds[@]}") s against the quickest nmap $(lowest "${quick[@]}") s"
  else
    echo "no quick nmap round (every one met itself); bounds: ${bounds[*]} s"
  fi
  nmap_states "$tmp/lo.nmap" 1 65535 > "$tmp/lo.n"
  pathprobe_text_states "$tmp/lo.txt" 1 65535 > "$tmp/lo.p"
  echo "pathprobe's output: $(wc -l < "$tmp/lo.txt") lines; nmap's: $(nmap -sT -p- -T5 -n 127.0.0.1 | wc -l) lines"
  # Loopback is shared with everything else on the machine: a listener may come or go between the two scans,
  # and a connect can meet itself (its ephemeral port is the port it connects to); both show as differences.
  compare loopback "$tmp/lo.n" "$tmp/lo.p"
  bin/pathprobe tcp 127.0.0.1 -p 1-65535 -c 1 --json > "$tmp/lo.json" || true
  json_agrees "$tmp/lo.p" "$tmp/lo.json"
  echo
fi

if [ "$what" = all ] || [ "$what" = lab ]; then
  ip netns add "$p-c"; ip netns add "$p-s"
  ip -n "$p-c" link set lo up; ip -n "$p-s" link set lo up
  ip netns exec "$p-s" sysctl -q -w net.ipv4.icmp_ratemask=0   # every ICMP reject sent, none rate-limited
  ip link add sweep0 netns "$p-c" type veth peer name sweep1 netns "$p-s"
  ip -n "$p-c" addr add 10.251.1.1/24 dev sweep0; ip -n "$p-c" link set sweep0 up
  ip -n "$p-s" addr add 10.251.1.2/24 dev sweep1; ip -n "$p-s" link set sweep1 up
  ip -n "$p-s" route add local 10.251.0.0/24 dev lo
  ip -n "$p-c" route add 10.251.0.0/24 via 10.251.1.2
  ip netns exec "$p-s" nft -f - <<'EOF'
table inet sweep {
  chain input {
    type filter hook input priority 0; policy accept;
    ip daddr 10.251.0.64-10.251.0.127 tcp dport 25 drop
    ip daddr 10.251.0.64-10.251.0.127 tcp dport 53 reject with icmp type admin-prohibited
    ip daddr 10.251.0.128-10.251.0.191 tcp dport 1-100 drop
    ip daddr 10.251.0.192-10.251.0.254 tcp dport 1-100 reject with tcp reset
  }
}
EOF
  # Listeners that never accept: the kernel completes each handshake into the backlog, which is all a connect
  # scan needs (fewer than 4096 connects reach each port).
  cat > "$tmp/Listen.java" <<'EOF'
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

public class Listen {
    public static void main(String[] args) throws Exception {
        List<ServerSocket> sockets = new ArrayList<>();
        for (String port : args) {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress("0.0.0.0", Integer.parseInt(port)), 4096);
            sockets.add(s);
        }
        System.out.println("listening");
        Thread.sleep(600_000); // the script kills it at the end; ten minutes at most in any case
    }
}
EOF
  ip netns exec "$p-s" java "$tmp/Listen.java" 22 80 99 > "$tmp/listen.out" &
  listener=$!
  for _ in $(seq 1 100); do grep -q listening "$tmp/listen.out" 2>/dev/null && break; sleep 0.1; done
  grep -q listening "$tmp/listen.out" || { echo "the lab's listener did not start" >&2; exit 1; }
  ip netns exec "$p-c" ping -c 1 -W 2 10.251.0.1 >/dev/null   # resolve the neighbour once for both tools

  echo "=== lab: 10.251.0.0/24 (254 hosts) x ports 1-100 = 25,400 pairs (load before: $(load))"
  s=$(now)
  ip netns exec "$p-c" nmap -sT -Pn -n -T5 -p 1-100 -oG "$tmp/lab.nmap" 10.251.0.1-254 >/dev/null
  e=$(now); tn=$(secs "$s" "$e")
  s=$(now)
  ip netns exec "$p-c" bin/pathprobe tcp -c 1 --timeout 0.3 -p 1-100 10.251.0.0/24 > "$tmp/lab.txt" || true
  e=$(now); tp=$(secs "$s" "$e")
  echo "nmap -sT -Pn -n -T5 -p 1-100 10.251.0.1-254              ${tn} s"
  echo "pathprobe tcp -c 1 --timeout 0.3 -p 1-100 10.251.0.0/24  ${tp} s   (JVM start included)"
  echo "pathprobe / nmap time = $(ratio "$tp" "$tn")   (load after: $(load))"
  nmap_states "$tmp/lab.nmap" 1 100 > "$tmp/lab.n"
  pathprobe_text_states "$tmp/lab.txt" 1 100 > "$tmp/lab.p"
  echo "pathprobe's output: $(wc -l < "$tmp/lab.txt") lines; nmap's: $(wc -l < "$tmp/lab.nmap") lines (-oG); the"\
    "host blocks of .1, .64, .128 and .192, and the last lines:"
  awk '/^--- 10\.251\.0\.(1|64|128|192) / { show = 1 } /^$/ { show = 0 } show' "$tmp/lab.txt" | sed 's/^/    /'
  tail -n 3 "$tmp/lab.txt" | sed 's/^/    /'
  compare lab "$tmp/lab.n" "$tmp/lab.p"
  ip netns exec "$p-c" bin/pathprobe tcp -c 1 --timeout 0.3 --json -p 1-100 10.251.0.0/24 > "$tmp/lab.json" || true
  json_agrees "$tmp/lab.p" "$tmp/lab.json"
fi
