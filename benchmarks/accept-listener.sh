# Sourced by the benchmarks that need a TCP peer on loopback (soak.sh, ticket-memory.sh).
# start_accept_listener FILE: a listener on a free 127.0.0.1 port that accepts each connect and closes it at once,
# in the background; the port is written to FILE once it listens, and $listener is its pid (the caller kills it).
start_accept_listener() {
  python3 - "$1" <<'PY' &
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(4096)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
while True:
    c, _ = s.accept(); c.close()
PY
  listener=$!
}
