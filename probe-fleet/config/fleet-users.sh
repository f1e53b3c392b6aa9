#!/usr/bin/env bash
# Writes the users of a pathprobe fleet broker: DIR/users.conf (included by nats-server.conf) with one user per
# name and its permissions, and DIR/NAME.auth, the key=value auth file that user's pathprobe reads
# (pathprobe agent --nats URL --nats-auth NAME.auth). Passwords are random (openssl), files mode 600.
#
#   fleet-users.sh DIR coordinator AGENT[:GROUP]...
#
# 'coordinator' (and any name starting with 'coordinator') gets the coordinator's permissions; every other name is
# an agent, optionally a member of queue group GROUP (its --queue). Names: letters, digits, '-', '_'.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 DIR coordinator AGENT[:GROUP]..." >&2
  exit 2
fi
dir=$1
shift
mkdir -p "$dir"
umask 077
out="$dir/users.conf"
tmp=$(mktemp "$dir/.users.XXXXXX")
{
  echo "# written by fleet-users.sh: do not edit by hand, run it again"
  echo "authorization {"
  echo "  users = ["
  for spec in "$@"; do
    name=${spec%%:*}
    group=""
    [ "$spec" != "$name" ] && group=${spec#*:}
    for n in "$name" $group; do
      if ! [[ $n =~ ^[A-Za-z0-9_-]{1,64}$ ]]; then
        echo "$0: '$n' must be 1 to 64 letters, digits, '-' or '_'" >&2
        exit 2
      fi
    done
    pw=$(openssl rand -hex 24)
    printf 'user=%s\npassword=%s\n' "$name" "$pw" > "$dir/$name.auth"
    if [[ $name == coordinator* ]]; then
      cat <<USER
    { user: "$name", password: "$pw", permissions: {
        publish: { allow: ["pathprobe.agent.*.*", "pathprobe.work.*"] }
        subscribe: { allow: ["pathprobe.hb.*", "pathprobe.ev.*.*", "pathprobe.res.*.*", "_INBOX.>"] } } }
USER
    else
      work=""
      [ -n "$group" ] && work=", \"pathprobe.work.$group\""
      cat <<USER
    { user: "$name", password: "$pw", permissions: {
        publish: { allow: ["pathprobe.hb.$name", "pathprobe.ev.$name.*", "pathprobe.res.$name.*"] }
        subscribe: { allow: ["pathprobe.agent.$name.*"$work] }
        allow_responses: { max: 1, expires: "1m" } } }
USER
    fi
  done
  echo "  ]"
  echo "}"
} > "$tmp"
mv "$tmp" "$out"
echo "wrote $out and $# auth file(s) in $dir" >&2
