#!/usr/bin/env bash
# Records the session that ClientStateRecordedSessionTests replays: real grid-servers, a real
# headless client with --events, and a login, edits, a conflict, a lost server, a reconnect
# and a resend. Writes recorded-session.jsonl next to this script. Needs the services up
# (scripts/services up) and a debug build. Not run by CI; the recording is committed.
#
# Each output line is one of
#   {"type":"status",...}        a connection status change (--events)
#   {"type":"<server frame>",...} a server message, in the order the client received it
#   {"action":"set|clear|resolve","cell":...,"value":...}   what the script did, in order
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
cd "$root"
source .state/services.env
bin=$(swift build --show-bin-path)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
grid="rec-$RANDOM$RANDOM"
"$bin/grid-server" --port 28901 --server-id rec-a --insecure-no-auth --spool-dir "$work/spool-a" --log-level error &
pid_a=$!
"$bin/grid-server" --port 28902 --server-id rec-b --insecure-no-auth --spool-dir "$work/spool-b" --log-level error &
for port in 28901 28902; do until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.1; done; done
mkfifo "$work/script"
"$bin/grid-tui" --headless --events --script "$work/script" --server ws://127.0.0.1:28901/ws --server ws://127.0.0.1:28902/ws \
  --user rec --grid "$grid" >"$work/out" &
exec 3>"$work/script"
act() { echo "echo {\"action\":\"$1\",\"cell\":\"$2\"${3:+,\"value\":\"$3\"}}" >&3; echo "$1 $2${3:+ $3}" >&3; }
other() { printf '%s\nquit\n' "$1" | "$bin/grid-tui" --headless --script - --server ws://127.0.0.1:28902/ws --user other --grid "$grid" >/dev/null; }
act set A1 one
act set A2 two
echo "settle" >&3
act clear A2
echo "sync" >&3
sleep 0.5
# A conflict: rec's server is frozen while rec writes B1 over version 0, other commits B1 first.
kill -STOP "$pid_a"
act set B1 mine
sleep 0.3
other "set B1 theirs"
kill -CONT "$pid_a"
sleep 1
act resolve B1
echo "sync" >&3
# A lost server: frozen again, rec's next edit is never answered, then the server dies; the
# client moves to rec-b and resends it.
kill -STOP "$pid_a"
act set C1 resent
sleep 0.3
kill -9 "$pid_a"
echo "sync 20000" >&3
echo "settle 20000" >&3
echo "quit" >&3
exec 3>&-
wait %3 || true
grep -v '"type":"pong"\|"type":"health"' "$work/out" >"$here/recorded-session.jsonl"
echo "recorded $(wc -l <"$here/recorded-session.jsonl") lines into $here/recorded-session.jsonl"
