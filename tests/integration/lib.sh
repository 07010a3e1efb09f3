# Helpers for the integration tests: private network namespaces, induced loss,
# kernel counters, and checks that nothing of probekit is left in tracefs.
# Everything a test creates carries the test's pid in its name and is removed
# by cleanup(), which the runner calls after every test.

PK=${PROBEKIT:?set PROBEKIT to the probekit binary}
TOOLS=${TOOLS:?set TOOLS to the test tools directory}
REPO=${REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
T=/sys/kernel/tracing
[ -d $T/instances ] || T=/sys/kernel/debug/tracing
ID=$$
NS_A=pkA$ID
NS_B=pkB$ID
V4_A=10.231.$((ID % 250)).1
V4_B=10.231.$((ID % 250)).2
V6_A=fd00:231:$((ID % 9999))::1
V6_B=fd00:231:$((ID % 9999))::2
D4_A=10.232.$((ID % 250)).1		# the delay line's ends
D4_B=10.232.$((ID % 250)).2
D6_A=fd00:232:$((ID % 9999))::1
D6_B=fd00:232:$((ID % 9999))::2
BG_PIDS=()
WORK=$(mktemp -d /tmp/probekit-it.XXXXXX)

fail() {
	echo "FAIL: $*"
	exit 1
}

# Start something in the background and remember it for cleanup.
bg() {
	"$@" &
	BG_PIDS+=($!)
}

netns_pair() {
	ip netns add $NS_A && ip netns add $NS_B || fail "ip netns add"
	ip link add va$ID type veth peer name vb$ID || fail "veth"
	ip link set va$ID netns $NS_A
	ip link set vb$ID netns $NS_B
	ip -n $NS_A addr add $V4_A/24 dev va$ID
	ip -n $NS_B addr add $V4_B/24 dev vb$ID
	ip -n $NS_A addr add $V6_A/64 dev va$ID nodad
	ip -n $NS_B addr add $V6_B/64 dev vb$ID nodad
	for ns in $NS_A $NS_B; do
		ip -n $ns link set lo up
	done
	ip -n $NS_A link set va$ID up
	ip -n $NS_B link set vb$ID up
	# the carrier comes up asynchronously: a first packet sent before it is lost
	wait_for "the veth pair did not come up" veth_up
}

veth_up() {
	ip -n $NS_A -o link show va$ID | grep -q 'state UP' &&
		ip -n $NS_B -o link show vb$ID | grep -q 'state UP'
}

# Drop PCT% of the data segments (PSH) arriving in NS for the listed ports, on
# the input hook: the sender then really retransmits (output drops are requeued).
# Handshakes and pure ACKs pass, so every retransmission is of one data segment.
add_loss() {
	local ns=$1 pct=$2
	shift 2
	local ports
	ports=$(IFS=,; echo "$*")
	ip netns exec $ns nft -f - <<-NFT || fail "nft"
	table inet pkloss$ID {
		chain input {
			type filter hook input priority 0;
			tcp dport { $ports } tcp flags & psh == psh numgen random mod 100 < $pct drop
			tcp sport { $ports } tcp flags & psh == psh numgen random mod 100 < $pct drop
		}
	}
	NFT
}

# A delay line of R ms each way between the two namespaces (this host has no
# netem): tests/tools/delayline.c between TUN devices pkdl0 (NS_A: D4_A, D6_A)
# and pkdl1 (NS_B: D4_B, D6_B). It and its devices go with cleanup().
delay_line() {	# R_MS
	bg "$TOOLS/delayline" $NS_A $NS_B $1 170 >$WORK/delayline
	wait_for "the delay line did not start" grep -q '^ready' $WORK/delayline
	ip -n $NS_A addr add $D4_A/24 dev pkdl0 && ip -n $NS_A addr add $D6_A/64 dev pkdl0 nodad &&
		ip -n $NS_A link set pkdl0 up || fail "pkdl0"
	ip -n $NS_B addr add $D4_B/24 dev pkdl1 && ip -n $NS_B addr add $D6_B/64 dev pkdl1 nodad &&
		ip -n $NS_B link set pkdl1 up || fail "pkdl1"
}

retrans_segs() {
	ip netns exec "$1" awk '/^Tcp:/ { if (h) { print $13; exit } h = 1 }' /proc/net/snmp
}

tcp_mib() {	# NS NAME (a Tcp: column of /proc/net/snmp, e.g. OutRsts)
	ip netns exec "$1" awk -v name="$2" '/^Tcp:/ {
		if (!h) { for (i = 2; i <= NF; i++) if ($i == name) col = i; h = 1; next }
		print $col; exit }' /proc/net/snmp
}

# Poll until a command succeeds; never assume the machine's speed. WAIT_SLEEP
# names another way to sleep (a test that must start no process: a builtin).
WAIT_S=${PROBEKIT_TEST_WAIT:-60}
wait_for() {	# WHAT CMD...
	local what=$1 deadline=$((SECONDS + WAIT_S))
	shift
	until "$@"; do
		[ $SECONDS -lt $deadline ] || fail "$what: not within ${WAIT_S}s"
		${WAIT_SLEEP:-sleep} 0.05
	done
}

# Sleep without a process (tests where a process started is events too):
# reads a FIFO the test opened as NAP_FD, which nobody writes.
nap() { read -rt "$1" -u $NAP_FD || true; }

server() {	# NS ADDR PORT [DELAY_MS]: returns once it listens
	local log=$WORK/server.$3
	if [ $# -gt 3 ]; then
		bg ip netns exec "$1" "$TOOLS/tcpflow" delay-server "$2" "$3" "$4" 60 >"$log"
	else
		bg ip netns exec "$1" "$TOOLS/tcpflow" server "$2" "$3" 60 >"$log"
	fi
	wait_for "server on port $3 did not start listening" grep -q '^listening' "$log"
}

client() {	# NS ADDR PORT REQUESTS -> prints "lport N" / "done N"
	ip netns exec "$1" "$TOOLS/tcpflow" client "$2" "$3" "$4" 100 60
}

# Start probekit in the background; wait until its instance is tracing.
pk_start() {	# OUTFILE ARGS...
	local out=$1
	shift
	"$PK" "$@" >"$out" 2>"$out.err" &
	PK_PID=$!
	BG_PIDS+=($PK_PID)
	local deadline=$((SECONDS + WAIT_S))
	while [ $SECONDS -lt $deadline ]; do
		[ "$(cat $T/instances/probekit_$PK_PID/tracing_on 2>/dev/null)" = 1 ] && return 0
		kill -0 $PK_PID 2>/dev/null || break
		sleep 0.05
	done
	cat "$out.err"
	fail "probekit did not start tracing within ${WAIT_S}s"
}

pk_stop() {	# SIGNAL -> waits, sets PK_RC
	kill -"${1:-INT}" $PK_PID
	wait $PK_PID
	PK_RC=$?
}

# probekit's state in tracefs: instances and dynamic events (empty when clean)
leftovers() {
	ls $T/instances 2>/dev/null | grep '^probekit_'
	cat $T/dynamic_events $T/kprobe_events 2>/dev/null | grep 'probekit_'
}

assert_clean() {
	local l
	l=$(leftovers)
	[ -z "$l" ] || fail "left behind in tracefs: $l"
}

# count NDJSON events matching a jq-free predicate: field=value pairs
count_events() {	# FILE laddr lport raddr rport
	python3 - "$@" <<-'PY'
	import json, sys
	f, la, lp, ra, rp = sys.argv[1:6]
	n = 0
	for line in open(f):
	    o = json.loads(line)
	    if o.get("type") == "event" and o["laddr"] == la and str(o["lport"]) == lp \
	       and o["raddr"] == ra and str(o["rport"]) == rp:
	        n += 1
	print(n)
	PY
}

# Runs on every exit of a test, failed or not: whatever the test made goes.
# probekit runs get SIGINT first so they clean up themselves; a run that does
# not is killed, and reset removes what it left (dead runs' state only).
cleanup() {
	local p
	for p in "${BG_PIDS[@]}"; do
		kill -INT "$p" 2>/dev/null
	done
	for _ in $(seq 100); do
		local alive=0
		for p in "${BG_PIDS[@]}"; do
			kill -0 "$p" 2>/dev/null && alive=1
		done
		[ $alive = 0 ] && break
		sleep 0.1
	done
	for p in "${BG_PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null
	done
	wait 2>/dev/null
	"$PK" reset >/dev/null 2>&1
	# foreign state some tests create on purpose
	rmdir $T/instances/foreign$ID 2>/dev/null
	grep -q "foreign$ID/" $T/dynamic_events 2>/dev/null && echo "-:foreign$ID/x" >>$T/uprobe_events
	ip netns del $NS_A 2>/dev/null
	ip netns del $NS_B 2>/dev/null
	rm -rf "$WORK"
	true
}
