#!/bin/bash
# make bench-overhead: what a tracer costs the server it watches. A real
# redis-server (Debian's package, unpacked into .cache/bench, never installed)
# and redis-benchmark on loopback in a private network namespace, pinned to
# CPU 0 and CPU 1; rounds of conditions in a rotating order:
#   none      no tracer
#   floor     the recipe's tracepoints (and filters, as plan prints them)
#             enabled in an instance of our own, nothing reading: the kernel's
#             own cost, what no tracer can go below
#   probekit  probekit run RECIPE -q (ARGS)
#   bpftrace  the same pairing in the kernel, where bpftrace runs
#             (tcp-rcvq-latency only): the installed one, else Debian's
#             package unpacked into .cache/bench as redis is
# Prints per condition the median throughput relative to none, and for
# probekit its CPU time per event, events, lost events and peak RSS; then
# probekit's peak RSS as the clients' connections grow from 10 to 10,000
# (redis-benchmark -c), with the groups the run reported. A benchmark: it
# prints figures and never fails on them.
#   overhead.sh PROBEKIT [RECIPE [ROUNDS [REQUESTS]]]
# BENCH_RUN_ARGS adds options to probekit's run, BENCH_PLAN_ARGS to the plan
# the floor is made from (for --explain: "--explain -t 1s" and "--explain").
set -u
PK=$(realpath "${1:?usage: overhead.sh PROBEKIT [RECIPE [ROUNDS [REQUESTS]]]}")
RECIPE=${2:-tcp-rcvq-latency}
ROUNDS=${3:-5}
REQUESTS=${4:-200000}
repo=$(cd "$(dirname "$0")/../.." && pwd)
cache=$repo/.cache/bench
T=/sys/kernel/tracing
NS=pkbench$$
INST=pkbench$$
PORT=6399
work=$(mktemp -d /tmp/pkbench.XXXXXX)
srv= tracer=

cleanup() {
	[ -n "$tracer" ] && kill -INT "$tracer" 2>/dev/null && wait "$tracer" 2>/dev/null
	[ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null
	rmdir "$T/instances/$INST" 2>/dev/null
	ip netns del $NS 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { echo "bench-overhead: needs root (tracefs, a network namespace)"; exit 1; }
[ -d $T/instances ] || mount -t tracefs nodev $T 2>/dev/null

# redis from Debian's packages, unpacked here: nothing is installed or started system-wide
redis_bin=$cache/redis/usr/bin
if [ ! -x "$redis_bin/redis-benchmark" ]; then
	mkdir -p "$cache/debs" && rm -rf "$cache/redis"
	(cd "$cache/debs" && apt-get download -qq redis-server redis-tools liblzf1 libjemalloc2 \
		>/dev/null 2>&1) || { echo "bench-overhead: apt-get download of redis failed"; exit 1; }
	for d in "$cache"/debs/*.deb; do dpkg -x "$d" "$cache/redis"; done
fi
export LD_LIBRARY_PATH=$cache/redis/usr/lib/x86_64-linux-gnu

ulimit -n "$(ulimit -Hn)"	# 10,000 connections on each side (one process each)
ip netns add $NS && ip -n $NS link set lo up || exit 1
ip netns exec $NS taskset -c 0 "$redis_bin/redis-server" --port $PORT --bind 127.0.0.1 \
	--save "" --appendonly no --maxclients 20000 >"$work/redis.log" 2>&1 &
srv=$!
for _ in $(seq 300); do
	ip netns exec $NS "$redis_bin/redis-cli" -p $PORT ping 2>/dev/null | grep -q PONG && break
	sleep 0.1
done

# requests per second of one benchmark run (SET and GET together)
load() {
	ip netns exec $NS taskset -c 1 "$redis_bin/redis-benchmark" -p $PORT -n "$REQUESTS" \
		-t set,get -q --csv 2>/dev/null |
		awk -F'"' '/^"(SET|GET)"/ { s += $4 } END { printf "%.0f\n", s }'
}

# floor: the writes plan would make for the events and filters, in an instance of ours
floor_on() {
	mkdir "$T/instances/$INST" || return 1
	"$PK" plan "$RECIPE" ${BENCH_PLAN_ARGS:-} | sed -n 's|^ *instances/probekit_<pid>/events/\([^ ]*\) *> \(.*\)$|\1\t\2|p' |
		while IFS=$'\t' read -r file val; do
			echo "$val" >"$T/instances/$INST/events/$file"
		done
}

floor_off() { rmdir "$T/instances/$INST"; }

probekit_on() {	# [RUN ARGS]
	"$PK" run "$RECIPE" -q ${BENCH_RUN_ARGS:-} "$@" >"$work/pk.out" 2>"$work/pk.err" &
	tracer=$!
	for _ in $(seq 600); do
		[ "$(cat $T/instances/probekit_$tracer/tracing_on 2>/dev/null)" = 1 ] && return 0
		sleep 0.05
	done
	echo "bench-overhead: probekit did not start: $(cat "$work/pk.err")"
	return 1
}

# CPU time, peak RSS, then the summary's events and lost
probekit_off() {
	local ticks rss
	ticks=$(awk '{ print $14 + $15 }' /proc/$tracer/stat)
	rss=$(awk '/^VmHWM/ { print $2 }' /proc/$tracer/status)
	kill -INT $tracer
	wait $tracer
	tracer=
	# events, and those of unlisted ("context") events too: every one was read
	sed -n 's/^--- [^:]*: [0-9.]* s, \([0-9]*\) events.*lost \([0-9]*\).*/\1 \2 &/p' "$work/pk.out" |
		awk '{ n = $1; if (match($0, /\(context: [^)]*\)/)) { c = substr($0, RSTART, RLENGTH)
			k = split(c, w, /[ ,)]+/); for (i = 1; i <= k; i++) if (w[i] ~ /^[0-9]+$/) n += w[i] }
			print n, $2 }' |
		awk -v t="$ticks" -v r="$rss" -v hz="$(getconf CLK_TCK)" \
			'{ print t / hz * 1e9 / ($1 > 0 ? $1 : 1), $1, $2, r }' >>"$work/probekit.cost"
}

BPF_PROG='tracepoint:tcp:tcp_probe /args->data_len > 0/ { if (!@s[args->skaddr]) { @s[args->skaddr] = nsecs; } }
tracepoint:tcp:tcp_rcv_space_adjust /@s[args->skaddr]/ { @lat = hist(nsecs - @s[args->skaddr]); delete(@s[args->skaddr]); }'

# bpftrace: installed, or Debian's unpacked here with what the machine lacks of its libraries
BPFTRACE=$(command -v bpftrace)
if [ -z "$BPFTRACE" ] && [ "$RECIPE" = tcp-rcvq-latency ]; then
	bt=$cache/bpftrace
	if [ ! -x "$bt/usr/bin/bpftrace" ]; then
		mkdir -p "$cache/bpftrace-debs" && rm -rf "$bt"
		(cd "$cache/bpftrace-debs" &&
		 for p in bpftrace $(apt-cache depends bpftrace 2>/dev/null | sed -n 's/^ *Depends: //p'); do
			dpkg -s "$p" >/dev/null 2>&1 || apt-get download -qq "$p" >/dev/null 2>&1
		 done)
		for d in "$cache"/bpftrace-debs/*.deb; do dpkg -x "$d" "$bt"; done
	fi
	[ -x "$bt/usr/bin/bpftrace" ] && BPFTRACE="env LD_LIBRARY_PATH=$bt/usr/lib/x86_64-linux-gnu $bt/usr/bin/bpftrace"
fi

bpftrace_on() {
	$BPFTRACE -e "$BPF_PROG" >"$work/bpf.out" 2>&1 &
	tracer=$!
	for _ in $(seq 600); do
		grep -q Attaching "$work/bpf.out" && { sleep 1; return 0; }
		kill -0 $tracer 2>/dev/null || break
		sleep 0.05
	done
	return 1
}

bpftrace_off() { kill -INT $tracer; wait $tracer; tracer=; }

conds="none floor probekit"
if [ "$RECIPE" = tcp-rcvq-latency ] && [ -n "$BPFTRACE" ]; then
	if bpftrace_on; then bpftrace_off; conds="$conds bpftrace"; fi
fi
echo "bench-overhead: $RECIPE, redis $("$redis_bin/redis-server" --version | awk '{ print $3 }'), $ROUNDS rounds of $REQUESTS SET+GET, conditions: $conds"
[ "${conds#*bpftrace}" = "$conds" ] && echo "  (bpftrace: not installed or cannot run on this kernel)"

load >/dev/null	# warm up
set -- $conds
n=$#
for r in $(seq 0 $((ROUNDS - 1))); do
	for k in $(seq 0 $((n - 1))); do	# rotating order: no condition always first
		eval "c=\${$(( (r + k) % n + 1 ))}"
		case $c in
		none) rps=$(load) ;;
		floor) floor_on && rps=$(load); floor_off ;;
		probekit) probekit_on && rps=$(load) && probekit_off ;;
		bpftrace) bpftrace_on && rps=$(load); bpftrace_off ;;
		esac
		echo "$c $rps" >>"$work/rps"
	done
done

median() { sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
base=$(awk '$1 == "none" { print $2 }' "$work/rps" | median)
printf "  %-9s %12s %9s\n" CONDITION "REQ/S (p50)" "VS NONE"
for c in $conds; do
	m=$(awk -v c=$c '$1 == c { print $2 }' "$work/rps" | median)
	printf "  %-9s %12.0f %8.1f%%\n" $c "$m" "$(echo "$m $base" | awk '{ print 100 * $1 / $2 }')"
done
if [ -s "$work/probekit.cost" ]; then
	awk '{ ns += $1; ev += $2; lost += $3; if ($4 > rss) rss = $4 } END {
		printf "  probekit: %.0f ns of CPU per event (user + system), %.0f events per round, %d lost, peak RSS %d KiB\n",
			ns / NR, ev / NR, lost, rss }' "$work/probekit.cost"
fi

# Memory under many connections: pending starts, groups and tables are capped
# and preallocated where they can be; this shows what grows with connections.
printf "  %-11s %14s %s\n" CONNECTIONS "PEAK RSS (KiB)" "GROUPS (RECORDS OVER THE CAP)"
for conns in 10 100 1000 10000; do
	probekit_on --json || break
	ip netns exec $NS taskset -c 1 "$redis_bin/redis-benchmark" -p $PORT -n "$REQUESTS" \
		-c $conns -t get -q >/dev/null 2>&1
	rss=$(awk '/^VmHWM/ { print $2 }' /proc/$tracer/status)
	kill -INT $tracer
	wait $tracer
	tracer=
	# the summary's groups: one "stats" each, after the whole run's
	line=$(grep -m1 '"type":"latency"\|"type":"reqresp"' "$work/pk.out")
	groups=$(( $(grep -o '"stats":' <<<"$line" | wc -l) - 1 ))
	over=$(grep -o '"groups_overflowed":[0-9]*' <<<"$line" | cut -d: -f2)
	printf "  %-11s %14s %s\n" $conns "$rss" "$groups (${over:-0})"
done
