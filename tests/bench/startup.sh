#!/bin/bash
# make bench-startup: start-up time, in ms, of the -O2 and the ASan build:
# `probekit plan tcp-retrans`, and (as root) the time from exec of
# `probekit run tcp-retrans` until its instance has tracing_on = 1.
# A benchmark, not a test: it prints figures (min / median / max) and never fails on them.
set -uo pipefail
runs=${BENCH_RUNS:-15}
T=/sys/kernel/tracing

stats() {	# values in us on stdin -> "min / median / max ms"
	sort -n | awk '{ v[NR] = $1 } END { printf "%.1f / %.1f / %.1f ms (%d runs)", v[1] / 1000, v[int((NR + 1) / 2)] / 1000, v[NR] / 1000, NR }'
}

now_us() { echo $(( ${EPOCHREALTIME/./} )); }	# bash 5: no fork

plan_times() {	# BINARY
	for _ in $(seq "$runs"); do
		local t0=$(now_us)
		"$1" plan tcp-retrans >/dev/null 2>&1
		echo $(( $(now_us) - t0 ))
	done
}

tracing_times() {	# BINARY
	for _ in $(seq "$runs"); do
		local t0=$(now_us) pid t1= v deadline=$((SECONDS + 60))
		"$1" run tcp-retrans -q >/dev/null 2>&1 &
		pid=$!
		# busy-poll with builtins only (no fork per look), bounded to 60 s
		while [ $SECONDS -lt $deadline ]; do
			v=
			{ read -r v <$T/instances/probekit_$pid/tracing_on; } 2>/dev/null
			if [ "$v" = 1 ]; then
				t1=$(now_us)
				break
			fi
			[ -d /proc/$pid ] || break
		done
		kill -INT $pid 2>/dev/null
		wait $pid 2>/dev/null
		[ -n "$t1" ] && echo $(( t1 - t0 ))
	done
}

for bin in "$@"; do
	echo "startup $(basename "$bin"): plan tcp-retrans: $(plan_times "$bin" | stats)"
	if [ "$(id -u)" = 0 ] && [ -d $T/instances ]; then
		echo "startup $(basename "$bin"): run tcp-retrans until tracing: $(tracing_times "$bin" | stats)"
	fi
done
