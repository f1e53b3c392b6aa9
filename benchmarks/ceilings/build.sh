#!/usr/bin/env bash
# Compiles the C ceiling programs of benchmarks/ceilings into benchmarks/target/ceilings (gcc; when a source is
# newer than its program). The benchmark scripts run it first; `build.sh --check` compiles into a temporary
# directory with warnings as errors (CI's compile-only check).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../target/ceilings"
flags=(-O2 -Wall -Wextra -pthread)
if [ "${1:-}" = "--check" ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
  flags+=(-Werror)
fi
command -v gcc >/dev/null || { echo "the ceiling programs need gcc (apt-get install gcc)" >&2; exit 2; }
mkdir -p "$out"
for src in "$here"/*.c; do
  prog="$out/$(basename "$src" .c)"
  if [ ! -x "$prog" ] || [ "$src" -nt "$prog" ]; then
    gcc "${flags[@]}" -o "$prog" "$src"
  fi
done
[ "${1:-}" = "--check" ] && echo "ceiling programs compile: $(cd "$here" && ls ./*.c | xargs -n1 basename | tr '\n' ' ')"
exit 0
