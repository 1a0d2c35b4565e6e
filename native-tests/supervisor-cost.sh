#!/bin/sh
# What a running VM costs Hostdev, vm start and vm stop --force wall time: two builds interleaved.
# Usage: native-tests/supervisor-cost.sh OLD_HOSTDEV NEW_HOSTDEV [ROUNDS]
#   OLD_HOSTDEV/NEW_HOSTDEV: the ./hostdev script of each build (e.g. a checkout of main built in a temp dir).
# Prints one line per run: build, round, start wall (ms), supervisor RSS/PSS (KiB, from /proc/PID/smaps_rollup once
# the VM runs: the supervisor JVM after it listens, or the waiter shell), stop --force wall (ms), load average.
set -eu
old=$1; new=$2; rounds=${3:-5}
work=$(mktemp -d); chmod 700 "$work"
trap 'rm -rf "$work"' EXIT
printf 'name = "costvm"\nmemory = "64M"\naccel = "tcg"\n' > "$work/vm.toml"
ms() { date +%s%3N; }
rollup() { awk '/^Rss:/{r=$2} /^Pss:/{p=$2} END{printf "%s %s", r, p}' "/proc/$1/smaps_rollup"; }
i=0
while [ "$i" -lt "$rounds" ]; do
  for build in old new; do
    if [ "$build" = old ]; then h=$old; else h=$new; fi
    export HOSTDEV_RUN_DIR="$work/$build"
    t0=$(ms); "$h" vm start "$work/vm.toml" >/dev/null; t1=$(ms)
    sup=$(sed -n 's/.*"supervisor":{"pid":\([0-9]*\).*/\1/p' "$HOSTDEV_RUN_DIR/costvm/state.json")
    # the old supervisor is a JVM still starting: measure it once it listens
    n=0; while [ "$build" = old ] && ! grep -q "listening for SHUTDOWN" "$HOSTDEV_RUN_DIR/costvm/supervisor.log" 2>/dev/null && [ $n -lt 600 ]; do sleep 0.1; n=$((n+1)); done
    sleep 1
    mem=$(rollup "$sup")
    t2=$(ms); "$h" vm stop costvm --force >/dev/null; t3=$(ms)
    # let the previous build's background clean-up end before the next run
    n=0; while kill -0 "$sup" 2>/dev/null && [ $n -lt 600 ]; do sleep 0.1; n=$((n+1)); done
    echo "$build round=$i start_ms=$((t1-t0)) supervisor_rss_pss_kib=$mem stop_force_ms=$((t3-t2)) load=$(cut -d' ' -f1-3 /proc/loadavg)"
  done
  i=$((i+1))
done
