#!/usr/bin/env bash
# The user's view of persistence: `doppel set` writes a PERSISTED property of persist_host and
# returns once the change came back; the host is SIGKILLed right after, started again on the
# same SQLite file, and `doppel get` must read the value that was acknowledged.
#
#   persist_cli_test.sh PATH/TO/doppel PATH/TO/persist_host
set -u

DOPPEL=${1:?usage: persist_cli_test.sh DOPPEL HOST}
HOST=${2:?usage: persist_cli_test.sh DOPPEL HOST}

tmp=$(mktemp -d)
HOST_PID=
failures=0
checks=0
cleanup() {
  [[ -n $HOST_PID ]] && kill -9 "$HOST_PID" 2>/dev/null && wait "$HOST_PID" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
  failures=$((failures + 1))
  echo "FAIL: $*"
}

# start_host: persist_host on a fresh local socket and the same store file; sets HOST_PID, URL.
start_host() {
  : >"$tmp/host.out"
  "$HOST" "$tmp/state.sqlite" "local:$tmp/host-$RANDOM.sock" >"$tmp/host.out" 2>"$tmp/host.err" &
  HOST_PID=$!
  for _ in $(seq 1 100); do
    if grep -q '^READY' "$tmp/host.out" 2>/dev/null; then
      URL=$(sed -n 's/^READY //p' "$tmp/host.out" | head -1)
      return 0
    fi
    kill -0 "$HOST_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "FAIL: persist_host did not start: $(cat "$tmp/host.err")"
  exit 1
}

kill_host() {
  kill -9 "$HOST_PID"
  wait "$HOST_PID" 2>/dev/null
  HOST_PID=
}

# expect PROPERTY JSON: `doppel get` prints exactly JSON.
expect() {
  checks=$((checks + 1))
  local got
  got=$("$DOPPEL" get "$URL" ControlUnit "$1" 2>&1)
  [[ $got == "$2" ]] || fail "get $1: got [$got], expected [$2]"
}

start_host
expect speed 10
for value in 42 -7 100000 0 9; do
  "$DOPPEL" set "$URL" ControlUnit speed "$value" >/dev/null || fail "set speed $value"
  kill_host
  start_host
  expect speed "$value"
done
"$DOPPEL" set "$URL" ControlUnit label '"saved by the CLI"' >/dev/null || fail "set label"
"$DOPPEL" set "$URL" ControlUnit counter 5 >/dev/null || fail "set counter"
kill_host
start_host
expect label '"saved by the CLI"'
expect counter 0  # not PERSISTED: back to its default
kill_host

echo "persist_cli_test: $checks checks, $failures failures"
[[ $failures -eq 0 ]]
