#!/bin/bash
# User-space instructions per slot round trip, client and host, counted by callgrind (valgrind;
# not installed by scripts/install-deps): runs the echo round trip twice (1,000 and 11,000 calls)
# and divides the difference, so start-up and shut-down cancel out. Noise-free, unlike timings.
#   bench/rtt_instructions.sh BUILD_BIN_DIR [tcp|local] [OUTDIR]   (profiles kept in OUTDIR)
B=${1:?bin dir}; T=${2:-tcp}; O=${3:-/tmp/cgrtt.$$}; mkdir -p $O
run() { # $1 = n
  if [ $T = tcp ]; then U=tcp://127.0.0.1:$((20000+RANDOM%30000)); else U=local:$O/s$RANDOM; fi
  valgrind --tool=callgrind --callgrind-out-file=$O/host.$1 $B/bench_doppel_host --url $U >/dev/null 2>$O/vh.err & local HP=$!
  for i in $(seq 50); do grep -q "LISTENING" $O/vh.err 2>/dev/null && break; sleep 0.1; done
  sleep 2
  DOPPEL_LOG=warning valgrind --tool=callgrind --callgrind-out-file=$O/client.$1 $B/bench_doppel_client --url $U --mode rtt --n $1 --warmup 0 >/dev/null 2>$O/vc.err
  kill -TERM $HP; wait $HP 2>/dev/null
}
tot() { callgrind_annotate $1 2>/dev/null | grep "PROGRAM TOTALS" | awk '{gsub(",","",$1); print $1}'; }
run 1000; run 11000
c=$(( ($(tot $O/client.11000) - $(tot $O/client.1000)) / 10000 ))
h=$(( ($(tot $O/host.11000) - $(tot $O/host.1000)) / 10000 ))
echo "instructions per round trip ($T): client $c, host $h, total $((c+h))  (profiles: $O/{client,host}.11000)"
