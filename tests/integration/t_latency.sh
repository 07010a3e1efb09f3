# tcp-rcvq-latency against ground truth: a server that reads each request
# exactly D ms after it became readable, D per connection (its port).
#
# Tolerance: the measured wait is D plus the wake-up of poll() and the read
# (tens of microseconds) plus nanosleep's overshoot (timer slack, 50 us); on a
# busy 2-CPU VM scheduling adds up to a millisecond or two. It is never less
# than D, except for the histogram's 0.4% (the p50 is a bucket's midpoint).
# So: D * 0.995 <= p50 <= D + 2 ms.

DELAYS="0 2 30 60"	# ms, on ports 5101..5104

start_delay_servers() {
	local i=0
	for d in $DELAYS; do
		server $NS_B $V4_B $((5101 + i)) $d
		i=$((i + 1))
	done
}

run_clients() {	# REQUESTS: one periodic client per server, all at once
	local pids=() i
	for i in 0 1 2 3; do
		ip netns exec $NS_A "$TOOLS/tcpflow" periodic $V4_B $((5101 + i)) "$1" 100 10 60 >/dev/null &
		pids+=($!)
	done
	wait "${pids[@]}" || fail "a client failed"
}

test_rcvq_per_flow_p50_matches_the_delay() {
	local out=$WORK/out
	netns_pair
	start_delay_servers
	pk_start $out run tcp-rcvq-latency --json -t 15ms
	run_clients 20
	sleep 0.3
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	python3 - $out $V4_B "$DELAYS" <<-'PY' || fail "per-flow latencies"
	import json, sys
	f, server, delays = sys.argv[1], sys.argv[2], [int(d) for d in sys.argv[3].split()]
	lines = [json.loads(l) for l in open(f)]
	lat = [o for o in lines if o["type"] == "latency"][0]
	pairs = [o for o in lines if o["type"] == "pair"]
	ok = True
	for i, d in enumerate(delays):
	    port = 5101 + i
	    g = [g for g in lat["groups"] if g["laddr"] == server and g["lport"] == port]
	    if len(g) != 1:
	        print("port", port, "groups", g); ok = False; continue
	    s = g[0]["stats"]
	    p50 = s["p50_ns"] / 1e6
	    good = s["count"] == 20 and d * 0.995 <= p50 <= d + 2
	    print(f"D={d} ms: {s['count']} pairs, p50 {p50:.3f} ms, max {s['max_ns']/1e6:.3f} ms", "ok" if good else "WRONG")
	    ok &= good
	    slow = [p for p in pairs if p["laddr"] == server and p["lport"] == port]
	    want = 20 if d > 15 else 0
	    if len(slow) != want or any(p["latency"] < 15e6 for p in slow):
	        print(f"port {port}: {len(slow)} pairs over 15 ms, want {want}"); ok = False
	if len(pairs) != 40:
	    print("pairs printed:", len(pairs), "want 40"); ok = False
	if lat["unmatched_ends"] or lat["timeouts"] or lat["evictions"] or lat["invalidated"]:
	    print("counters:", lat); ok = False
	sys.exit(0 if ok else 1)
	PY
	assert_clean
}

test_rcvq_threshold_text_lines() {
	local out=$WORK/out
	netns_pair
	start_delay_servers
	pk_start $out run tcp-rcvq-latency -t 15ms -q
	run_clients 10
	sleep 0.3
	pk_stop INT
	# -q: no pair lines, only the summary; then the same without -q
	grep -qE '[0-9.]+ ms$' <(sed -n '1,/^---/p' $out | grep -v '^---') && fail "-q printed pairs"
	pk_start $out run tcp-rcvq-latency -t 15ms
	run_clients 10
	sleep 0.3
	pk_stop INT
	local n
	n=$(grep -cE "^[0-9:.]+ +[0-9]+ +[0-9]+ +tcpflow +$V4_B:510[34] +$V4_A:[0-9]+ +[0-9.]+ ms$" $out)
	[ "$n" = 20 ] || fail "want 20 slow pair lines from the 30 and 60 ms flows, got $n: $(head -5 $out)"
	grep -q '^receive queue wait (rcvq): ' $out || fail "no summary"
	grep -qE '^ +usecs : count +distribution$' $out || fail "no log2 histogram"
}

test_rcvq_interval_summaries() {
	local out=$WORK/out rc
	netns_pair
	start_delay_servers
	pk_start $out run tcp-rcvq-latency -p port=5103 -i 1 -d 3.5
	run_clients 25
	wait $PK_PID
	rc=$?
	[ $rc = 0 ] || fail "exit $rc: $(cat $out.err)"
	[ "$(grep -c '^--- receive queue wait: [0-9]* pairs in 1.0 s$' $out)" = 3 ] ||
		fail "want 3 interval summaries: $(cat $out)"
	grep -q "^--- receive queue wait: [1-9][0-9]* pairs in 1.0 s$" $out || fail "no interval saw pairs: $(cat $out)"
	assert_clean
}

test_rcvq_plan_shows_pairing() {
	cd "$REPO" || fail "cd"
	"$PK" plan tcp-rcvq-latency -p port=80 >$WORK/plan || fail "plan"
	grep -q '^latency rcvq: arrive -> read by sock; first start wins, an end consumes its start' $WORK/plan ||
		fail "no latency line"
	grep -qE '\[1\] tracepoint tcp:tcp_probe +chosen' $WORK/plan || fail "arrive choice"
	grep -qE 'tcp_probe/filter +> \(data_len > 0\) && \(sport == 80 \|\| dport == 80\)' $WORK/plan ||
		fail "payload filter"
	grep -q '^clock: mono$' $WORK/plan || fail "clock"
}

# The 6.3+ alternative (no ports in those events: per socket), forced on this kernel.
test_rcvq_sock_events_alternative() {
	local out=$WORK/out
	netns_pair
	server $NS_B $V4_B 5103 30
	pk_start $out run tcp-rcvq-latency --use arrive=3 --use read=3 -g sock --json
	grep -q 'protocol == 6' $T/instances/probekit_$PK_PID/events/sock/sk_data_ready/filter ||
		fail "sk_data_ready not filtered to TCP"
	ip netns exec $NS_A "$TOOLS/tcpflow" periodic $V4_B 5103 10 100 10 60 >/dev/null || fail "client"
	sleep 0.3
	pk_stop INT
	python3 - $out <<-'PY' || fail "per-socket latencies"
	import json, sys
	lat = [json.loads(l) for l in open(sys.argv[1]) if '"type":"latency"' in l][0]
	groups = [(g["sock"], g["stats"]["count"], g["stats"]["p50_ns"] / 1e6) for g in lat["groups"]]
	print(groups)
	server = [g for g in groups if g[2] >= 30 * 0.995]
	assert len(server) == 1 and server[0][1] == 10 and server[0][2] <= 32, server
	assert all(g[0].startswith("0x") for g in groups)
	PY
	assert_clean
}

# -g comm groups by process name, resolved when each event is decoded: two
# servers of the same name are one group, and one that exits during the run
# keeps its name in the summary. Ground truth: the requests each one read.
test_rcvq_group_by_comm_outlives_the_process() {
	local out=$WORK/out srv=$WORK/pkcommsrv first port
	netns_pair
	cp "$TOOLS/tcpflow" $srv	# its file name is its comm
	for port in 5111 5112; do
		bg ip netns exec $NS_B $srv delay-server $V4_B $port 5 60 >$WORK/server.$port
		wait_for "server on port $port did not start listening" grep -q '^listening' $WORK/server.$port
		[ $port = 5111 ] && first=${BG_PIDS[-1]}
	done
	pk_start $out run tcp-rcvq-latency -g comm --json
	ip netns exec $NS_A "$TOOLS/tcpflow" periodic $V4_B 5111 10 100 10 60 >/dev/null || fail "client 1"
	kill $first
	wait $first 2>/dev/null
	kill -0 $first 2>/dev/null && fail "the first server did not exit"
	ip netns exec $NS_A "$TOOLS/tcpflow" periodic $V4_B 5112 10 100 10 60 >/dev/null || fail "client 2"
	sleep 0.3
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	python3 - $out <<-'PY' || fail "groups by comm: $(grep '"type":"latency"' $out)"
	import json, sys
	lat = [json.loads(l) for l in open(sys.argv[1]) if '"type":"latency"' in l][0]
	named = [g for g in lat["groups"] if g["comm"] == "pkcommsrv"]
	print([(g["comm"], g["stats"]["count"]) for g in lat["groups"]])
	assert len(named) == 1 and named[0]["stats"]["count"] == 20, named
	PY
	assert_clean
}
