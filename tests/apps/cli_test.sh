#!/usr/bin/env bash
# shellcheck disable=SC2015  # pass and fail always succeed: "test && pass || fail" is if-then-else
# End-to-end test of the doppel command-line tool against tests/apps/cli_test_host.cpp: every
# subcommand over tcp:// and local:, the error cases with their exit codes and messages, watch
# across a host restart, and lookups through a registry.
#
#   cli_test.sh PATH/TO/doppel PATH/TO/cli_test_host
set -u

DOPPEL=${1:?usage: cli_test.sh DOPPEL HOST}
HOST=${2:?usage: cli_test.sh DOPPEL HOST}

tmp=$(mktemp -d)
pids=()
failures=0
passes=0

cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

pass() { passes=$((passes + 1)); }
fail() {
  failures=$((failures + 1))
  echo "FAIL: $*"
}

# start_host NAME ARGS... : starts the host in the background, waits for READY, sets HOST_PID and
# HOST_URLS (the bound URLs).
start_host() {
  local name=$1
  shift
  "$HOST" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  HOST_PID=$!
  pids+=("$HOST_PID")
  for _ in $(seq 1 100); do
    if grep -q '^READY' "$tmp/$name.out" 2>/dev/null; then
      HOST_URLS=$(sed -n 's/^READY //p' "$tmp/$name.out" | head -1)
      return 0
    fi
    if ! kill -0 "$HOST_PID" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "FAIL: host $name did not start: $(cat "$tmp/$name.err")"
  exit 1
}

stop_host() {
  kill -TERM "$1" 2>/dev/null
  wait "$1" 2>/dev/null
}

# check WHAT CODE STDOUT STDERR -- COMMAND...
#   STDOUT and STDERR are exact, or "*" for anything, or "contains:TEXT".
#   Errors must be one line on stderr.
check() {
  local what=$1 code=$2 out=$3 err=$4
  shift 5
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  local gotOut gotErr
  gotOut=$(cat "$tmp/out")
  gotErr=$(cat "$tmp/err")
  local problems=()
  [[ $got == "$code" ]] || problems+=("exit code $got, expected $code")
  matches "$gotOut" "$out" || problems+=("stdout [$gotOut], expected [$out]")
  matches "$gotErr" "$err" || problems+=("stderr [$gotErr], expected [$err]")
  if [[ $code != 0 && $(wc -l <"$tmp/err") -gt 1 ]]; then
    problems+=("stderr has more than one line")
  fi
  if ((${#problems[@]} == 0)); then
    pass
  else
    fail "$what: ${problems[*]}"
  fi
}

matches() {
  local got=$1 want=$2
  [[ $want == '*' ]] && return 0
  if [[ $want == contains:* ]]; then
    [[ $got == *"${want#contains:}"* ]]
    return
  fi
  [[ $got == "$want" ]]
}

# wait_for FILE TEXT [TRIES]: until FILE contains TEXT (0.1 s per try).
wait_for() {
  local file=$1 text=$2 tries=${3:-100}
  for _ in $(seq 1 "$tries"); do
    grep -qF -- "$text" "$file" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# wait_for_handler PID SIGNAL_NUMBER: until the process catches that signal (its handler is
# installed). A background job starts with SIGINT ignored, so a signal sent earlier is lost.
wait_for_handler() {
  local pid=$1 bit=$((1 << ($2 - 1)))
  for _ in $(seq 1 200); do
    local caught
    caught=$(awk '/^SigCgt:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || return 1
    [[ -n $caught ]] && (((16#$caught & bit) != 0)) && return 0
    sleep 0.05
  done
  return 1
}

# Options and usage ------------------------------------------------------------------------------

check "--help" 0 "contains:usage: doppel [OPTIONS] COMMAND URL" "" -- "$DOPPEL" --help
check "--version" 0 "contains:doppel 0." "" -- "$DOPPEL" --version
check "no command" 1 "" "doppel: no command given (see doppel --help)" -- "$DOPPEL"
check "missing argument" 1 "" "doppel: missing PROPERTY (usage: doppel get URL NAME PROPERTY)" \
  -- "$DOPPEL" get local:x ControlUnit
check "unknown option" 1 "" 'doppel: unknown option "--frob" (see doppel --help)' \
  -- "$DOPPEL" --frob list local:x
check "bad URL" 1 "" 'contains:"foo://bar"' -- "$DOPPEL" list foo://bar

# Connection failures ----------------------------------------------------------------------------

# A one-shot command fails at the first refusal; watch keeps trying until --timeout.
start=$(date +%s%N)
check "connection refused" 2 "" "contains:doppel: cannot reach tcp://127.0.0.1:1: " \
  -- "$DOPPEL" --timeout 3000 list tcp://127.0.0.1:1
elapsed=$((($(date +%s%N) - start) / 1000000))
((elapsed < 2000)) && pass || fail "connection refused took ${elapsed} ms"
check "no such local socket" 2 "" "contains:doppel: cannot reach local:$tmp/nothing: " \
  -- "$DOPPEL" get "local:$tmp/nothing" ControlUnit speed
start=$(date +%s%N)
check "watch gives up after the timeout" 2 "" \
  "contains:doppel: cannot reach tcp://127.0.0.1:1 within 700 ms (" \
  -- "$DOPPEL" --timeout 700 watch tcp://127.0.0.1:1 ControlUnit
elapsed=$((($(date +%s%N) - start) / 1000000))
((elapsed >= 600 && elapsed < 3000)) && pass || fail "watch with --timeout 700 took ${elapsed} ms"
"$DOPPEL" --timeout 20000 watch tcp://127.0.0.1:1 ControlUnit >/dev/null 2>&1 &
early_watch=$!
pids+=("$early_watch")
wait_for_handler "$early_watch" 2 || fail "watch never installed its SIGINT handler"
start=$(date +%s%N)
kill -INT "$early_watch"
wait "$early_watch"
code=$?
elapsed=$((($(date +%s%N) - start) / 1000000))
[[ $code == 0 ]] && pass || fail "watch interrupted while connecting exited with $code"
((elapsed < 2000)) && pass || fail "watch took ${elapsed} ms to stop while connecting"

# Every command over tcp and local -------------------------------------------------------------

start_host main tcp://127.0.0.1:0 "local:$tmp/doppel-cli-test"
MAIN_PID=$HOST_PID
read -r TCP_URL LOCAL_URL <<<"$HOST_URLS"
[[ $TCP_URL == tcp://127.0.0.1:* ]] && pass || fail "host URL $TCP_URL"

for URL in "$TCP_URL" "$LOCAL_URL"; do
  d() { "$DOPPEL" "$@"; }

  expected_list=$(printf '%s\n%s' "ControlUnit  ControlUnit  -" "Plain        -            -")
  check "list $URL" 0 "$expected_list" "" -- d list "$URL"

  check "show $URL" 0 "contains:ControlUnit (type ControlUnit, signature -)" "" -- d show "$URL" ControlUnit
  for line in "  int speed = 10" '  QString status = "idle"' '  ControlUnit::Mode mode = "Idle"' \
    '  Reading last = {"sensor":"t1","value":1.5}' '  QString serial = "SN-1"  [no change signal]' \
    "  enum Mode { Idle = 0, Auto = 1, Manual = 2 }" "  Reading { QString sensor; double value }" \
    "  alarm(QString message)" "  int reset(int toValue)" "  void start()" \
    "  QList<int> scale(double factor)"; do
    check "show $URL has [$line]" 0 "contains:$line" "" -- d show "$URL" ControlUnit
  done
  check "show a plain object $URL" 0 "contains:Plain (type -, signature -)" "" -- d show "$URL" Plain

  check "get int $URL" 0 "10" "" -- d get "$URL" ControlUnit speed
  check "get QString $URL" 0 '"idle"' "" -- d get "$URL" ControlUnit status
  check "get double $URL" 0 "21.5" "" -- d get "$URL" ControlUnit temperature
  check "get bool $URL" 0 "false" "" -- d get "$URL" ControlUnit running
  check "get enum $URL" 0 '"Idle"' "" -- d get "$URL" ControlUnit mode
  check "get QStringList $URL" 0 '["a","b"]' "" -- d get "$URL" ControlUnit tags
  check "get QPoint $URL" 0 '{"x":1,"y":2}' "" -- d get "$URL" ControlUnit position
  check "get gadget $URL" 0 '{"sensor":"t1","value":1.5}' "" -- d get "$URL" ControlUnit last

  check "set int $URL" 0 "" "" -- d set "$URL" ControlUnit speed 42
  check "set int took $URL" 0 "42" "" -- d get "$URL" ControlUnit speed
  check "set the same value $URL" 0 "" "" -- d set "$URL" ControlUnit speed 42
  check "set a negative int $URL" 0 "" "" -- d set "$URL" ControlUnit speed -7
  check "set negative took $URL" 0 "-7" "" -- d get "$URL" ControlUnit speed
  check "set enum by key $URL" 0 "" "" -- d set "$URL" ControlUnit mode '"Manual"'
  check "set enum by key took $URL" 0 '"Manual"' "" -- d get "$URL" ControlUnit mode
  check "set enum by number $URL" 0 "" "" -- d set "$URL" ControlUnit mode 1
  check "set enum by number took $URL" 0 '"Auto"' "" -- d get "$URL" ControlUnit mode
  check "set QStringList $URL" 0 "" "" -- d set "$URL" ControlUnit tags '["x","y z"]'
  check "set QStringList took $URL" 0 '["x","y z"]' "" -- d get "$URL" ControlUnit tags
  check "set QPoint $URL" 0 "" "" -- d set "$URL" ControlUnit position '{"x":5,"y":-6}'
  check "set QPoint took $URL" 0 '{"x":5,"y":-6}' "" -- d get "$URL" ControlUnit position
  check "set gadget $URL" 0 "" "" -- d set "$URL" ControlUnit last '{"sensor":"t2","value":2.5}'
  check "set gadget took $URL" 0 '{"sensor":"t2","value":2.5}' "" -- d get "$URL" ControlUnit last
  check "set bool $URL" 0 "" "" -- d set "$URL" ControlUnit running true

  check "call with a reply $URL" 0 "-7" "" -- d call "$URL" ControlUnit reset 5
  check "call took effect $URL" 0 "5" "" -- d get "$URL" ControlUnit speed
  check "call by signature $URL" 0 "5" "" -- d call "$URL" ControlUnit 'reset(int)' 10
  check "call with a string $URL" 0 '"hi there"' "" -- d call "$URL" ControlUnit echo '"hi there"'
  check "call with two arguments $URL" 0 "5" "" -- d call "$URL" ControlUnit add 2 3
  check "call returning a list $URL" 0 "[2,4]" "" -- d call "$URL" ControlUnit scale 2
  check "call with a QVariant $URL" 0 '{"a":[1,2.5,"x",null,true],"b":{}}' "" \
    -- d call "$URL" ControlUnit echoVariant '{"b":{},"a":[1,2.5,"x",null,true]}'
  check "call with a big number as QVariant $URL" 0 '5000000000' "" \
    -- d call "$URL" ControlUnit echoVariant 5000000000
  check "call with an enum in and out $URL" 0 '"Manual"' "" \
    -- d call "$URL" ControlUnit modeAfter '"Auto"'
  check "set QDateTime $URL" 0 "" "" -- d set "$URL" ControlUnit stamp '"2023-01-02T01:02:03.004+01:00"'
  check "set QDateTime took $URL" 0 '"2023-01-02T01:02:03.004+01:00"' "" -- d get "$URL" ControlUnit stamp
  check "get binary QByteArray $URL" 0 '{"base64":"AP8="}' "" -- d get "$URL" ControlUnit blob
  check "set QByteArray $URL" 0 "" "" -- d set "$URL" ControlUnit blob '"text"'
  check "set QByteArray took $URL" 0 '"text"' "" -- d get "$URL" ControlUnit blob
  check "set QByteArray as base64 $URL" 0 "" "" -- d set "$URL" ControlUnit blob '{"base64":"AP8="}'
  check "set QMap $URL" 0 "" "" -- d set "$URL" ControlUnit limits '{"b":2,"a":1}'
  check "set QMap took $URL" 0 '{"a":1,"b":2}' "" -- d get "$URL" ControlUnit limits
  d set "$URL" ControlUnit limits '{}'
  check "call void $URL" 0 "" "" -- d call "$URL" ControlUnit stop
  check "void call took effect $URL" 0 "false" "" -- d get "$URL" ControlUnit running

  # Restore what the next round expects.
  d set "$URL" ControlUnit mode '"Idle"'
  d set "$URL" ControlUnit tags '["a","b"]'
  d set "$URL" ControlUnit position '{"x":1,"y":2}'
  d set "$URL" ControlUnit last '{"sensor":"t1","value":1.5}'

  # Errors: one line, the right exit code.
  check "unknown object $URL" 3 "" "doppel: no object \"Foo\" at $URL (objects: ControlUnit, Plain)" \
    -- d get "$URL" Foo speed
  check "unknown property $URL" 3 "" \
    'doppel: "ControlUnit" has no property "nope" (properties: status, temperature, running, speed, mode, limit, tags, position, last, serial, stamp, blob, limits)' \
    -- d get "$URL" ControlUnit nope
  check "unknown property in set $URL" 3 "" "contains:has no property \"nope\"" \
    -- d set "$URL" ControlUnit nope 1
  check "unknown slot $URL" 3 "" "contains:doppel: \"ControlUnit\" has no slot \"nope\" (slots: " \
    -- d call "$URL" ControlUnit nope
  check "bad JSON $URL" 4 "" "contains:doppel: bad JSON for property \"speed\": " \
    -- d set "$URL" ControlUnit speed '{'
  check "bare string hint $URL" 4 "" "contains:(a string needs JSON quotes: '\"busy\"')" \
    -- d set "$URL" ControlUnit status busy
  check "wrong type $URL" 4 "" \
    'doppel: bad value for property "speed" (int): expected an integer for int, got "fast"' \
    -- d set "$URL" ControlUnit speed '"fast"'
  check "out of range $URL" 4 "" \
    'doppel: bad value for property "speed" (int): 3000000000 is out of range for int (-2147483648..2147483647)' \
    -- d set "$URL" ControlUnit speed 3000000000
  check "unknown enum key $URL" 4 "" "contains:\"Fast\" is not a key of ControlUnit::Mode (keys: Idle, Auto, Manual)" \
    -- d set "$URL" ControlUnit mode '"Fast"'
  check "wrong argument count $URL" 4 "" \
    'doppel: add(int,int) takes 2 arguments (int a, int b), got 1' -- d call "$URL" ControlUnit add 1
  check "wrong argument type $URL" 4 "" \
    'doppel: bad value for argument 2 (b) of add(int,int) (int): expected an integer for int, got true' \
    -- d call "$URL" ControlUnit add 1 true
  check "refused write times out $URL" 2 "" \
    'doppel: no change of "limit" came back within 1500 ms (the source refused the write, or the property is read-only)' \
    -- d --timeout 1500 set "$URL" ControlUnit limit 5
  check "unchanged value after refusal $URL" 0 "100" "" -- d get "$URL" ControlUnit limit
done
unset -f d

# watch, across a host restart -----------------------------------------------------------------

"$DOPPEL" watch "$TCP_URL" ControlUnit >"$tmp/watch.out" 2>"$tmp/watch.err" &
WATCH_PID=$!
pids+=("$WATCH_PID")
# Signals reach the watch only once it is listening: raise until one shows up.
seen=0
for i in $(seq 1 50); do
  "$DOPPEL" call "$TCP_URL" ControlUnit raise "\"ping$i\"" >/dev/null 2>&1
  if grep -q '"signal":"alarm"' "$tmp/watch.out" 2>/dev/null; then
    seen=1
    break
  fi
  sleep 0.1
done
((seen)) && pass || fail "watch never printed a signal: $(cat "$tmp/watch.out" "$tmp/watch.err")"
wait_for "$tmp/watch.out" '{"signal":"alarm","args":["ping' && pass || fail "watch signal line format"

"$DOPPEL" set "$TCP_URL" ControlUnit speed 12
wait_for "$tmp/watch.out" '{"property":"speed","value":12}' && pass ||
  fail "watch did not print the property change: $(cat "$tmp/watch.out")"
"$DOPPEL" set "$TCP_URL" ControlUnit mode '"Manual"'
wait_for "$tmp/watch.out" '{"property":"mode","value":"Manual"}' && pass ||
  fail "watch did not print the enum change: $(cat "$tmp/watch.out")"
grep -q 'speedChanged' "$tmp/watch.out" && fail "watch printed a change signal as a signal" || pass

stop_host "$MAIN_PID"
wait_for "$tmp/watch.out" '{"state":"Suspect"}' && pass ||
  fail "watch did not report Suspect: $(cat "$tmp/watch.out")"
kill -0 "$WATCH_PID" 2>/dev/null && pass || fail "watch exited when the host went away"

start_host restarted "$TCP_URL"
RESTARTED_PID=$HOST_PID
wait_for "$tmp/watch.out" '{"state":"Valid"}' 150 && pass ||
  fail "watch did not report Valid after the restart: $(cat "$tmp/watch.out" "$tmp/watch.err")"
# The restarted host starts from its defaults: the watch sees the values that moved.
wait_for "$tmp/watch.out" '{"property":"speed","value":10}' && pass ||
  fail "watch did not report the resynced speed: $(cat "$tmp/watch.out")"
"$DOPPEL" call "$TCP_URL" ControlUnit raise '"after restart"'
wait_for "$tmp/watch.out" '{"signal":"alarm","args":["after restart"]}' && pass ||
  fail "watch did not see a signal after the restart: $(cat "$tmp/watch.out")"

kill -INT "$WATCH_PID"
wait "$WATCH_PID"
code=$?
[[ $code == 0 ]] && pass || fail "watch exited with $code on SIGINT"
[[ ! -s $tmp/watch.err ]] && pass || fail "watch wrote to stderr: $(cat "$tmp/watch.err")"
if grep -qv '^{' "$tmp/watch.out"; then fail "watch printed a line that is not JSON"; else pass; fi

"$DOPPEL" watch "$TCP_URL" ControlUnit >/dev/null 2>&1 &
WATCH2_PID=$!
pids+=("$WATCH2_PID")
wait_for_handler "$WATCH2_PID" 15 || fail "watch never installed its SIGTERM handler"
kill -TERM "$WATCH2_PID"
wait "$WATCH2_PID"
code=$?
[[ $code == 0 ]] && pass || fail "watch exited with $code on SIGTERM"

check "watch of an unknown object" 3 "" "contains:doppel: no object \"Foo\"" \
  -- "$DOPPEL" watch "$TCP_URL" Foo
stop_host "$RESTARTED_PID"

# Through a registry -----------------------------------------------------------------------------

start_host registry --registry tcp://127.0.0.1:0
REGISTRY_URL=$HOST_URLS
start_host registered --register-with "$REGISTRY_URL" tcp://127.0.0.1:0
REGISTERED_URL=$HOST_URLS
registered=0
for _ in $(seq 1 50); do
  if "$DOPPEL" --registry list "$REGISTRY_URL" 2>/dev/null | grep -q '^ControlUnit'; then
    registered=1
    break
  fi
  sleep 0.1
done
((registered)) && pass || fail "the registry never listed ControlUnit"
check "registry list shows the host" 0 "contains:ControlUnit  ControlUnit  -  $REGISTERED_URL" \
  "" -- "$DOPPEL" --registry list "$REGISTRY_URL"
check "registry get" 0 "10" "" -- "$DOPPEL" --registry get "$REGISTRY_URL" ControlUnit speed
check "registry set" 0 "" "" -- "$DOPPEL" --registry set "$REGISTRY_URL" ControlUnit speed 3
check "registry call" 0 "3" "" -- "$DOPPEL" --registry call "$REGISTRY_URL" ControlUnit reset 10
check "registry unknown object" 3 "" \
  "contains:doppel: no object \"Foo\" at the registry at $REGISTRY_URL (objects: " \
  -- "$DOPPEL" --registry get "$REGISTRY_URL" Foo speed

echo "cli_test: $passes passed, $failures failed"
((failures == 0))
