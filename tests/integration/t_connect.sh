# tcp-connect against ground truth the tests make: a delay line of R ms each
# way (connect latency = one round trip, 2R), SYNs dropped by an nft rule with
# a counter (each dropped SYN is one SYN retransmission of the attempt, and
# the attempt waits the retransmission timeout, 1 s), a closed port (each
# attempt refused by one reset, the server namespace's Tcp:OutRsts), the
# kernel giving up (tcp_syn_retries=1: one retransmission, then 1 + 2 s) and
# a client giving up first (non-blocking connect closed after 300 ms).
# IPv4 and IPv6 in each.

R=20

connects() {	# NS ADDR PORT N GIVE_UP_MS -> the tool's last line
	ip netns exec "$1" "$TOOLS/tcpflow" connects "$2" "$3" "$4" "$5" 60 | tail -1
}

attempts_check() {	# FILE PYTHON-CHECK: runs the check with lines, attempts, summary
	python3 - "$1" "$2" <<-'PY'
	import json, sys, textwrap
	lines = [json.loads(l) for l in open(sys.argv[1])]
	att = [o for o in lines if o["type"] == "attempt"]
	summ = [o for o in lines if o["type"] == "attempts"][0]
	def results(addr=None):
	    r = {}
	    for o in att:
	        if addr is None or o["raddr"] == addr:
	            r[o["result"]] = r.get(o["result"], 0) + 1
	    return r
	for o in att:
	    print(o["result"], o["raddr"], o["rport"], o["lport"], o["comm"], o["pid"],
	          "%.3f ms" % (o["latency"] / 1e6), "syn_retrans", o["syn_retrans"])
	ok = True
	exec(textwrap.dedent(sys.argv[2]))
	sys.exit(0 if ok else 1)
	PY
}

test_connect_latency_is_the_round_trip_of_the_delay_line() {
	local out=$WORK/out
	netns_pair
	delay_line $R
	server $NS_B $D4_B 5801
	server $NS_B $D6_B 5801
	pk_start $out run tcp-connect --json -p port=5801
	[ "$(connects $NS_A $D4_B 5801 6 0)" = "established 6 refused 0 timeout 0 gaveup 0" ] ||
		fail "IPv4 connects"
	[ "$(connects $NS_A $D6_B 5801 4 0)" = "established 4 refused 0 timeout 0 gaveup 0" ] ||
		fail "IPv6 connects"
	sleep 0.3
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	attempts_check $out "
	r = $R
	ok &= results('$D4_B') == {'established': 6} and results('$D6_B') == {'established': 4}
	ok &= len(att) == 10 and all(o['comm'] == 'tcpflow' and o['pid'] > 0 and o['lport'] > 0
	                             and o['syn_retrans'] == 0 and o['rport'] == 5801 for o in att)
	lat = sorted(o['latency'] / 1e6 for o in att)
	print('connect latency p50', lat[len(lat) // 2], 'ms, 2R =', 2 * r)
	# never under the round trip; over it by what the delay line's process and
	# the host add: the median within 4 ms, one in ten may be a scheduling
	# hiccup of the delay line (a busy CI host once made one 51.7 ms for 40)
	ok &= all(2 * r * 0.996 - 0.2 <= l for l in lat) and lat[len(lat) // 2] <= 2 * r + 4
	ok &= sum(l > 2 * r + 8 for l in lat) <= 1 and lat[-1] <= 2 * r + 40
	groups = {g['raddr']: g for g in summ['groups']}
	ok &= summ['ended'] == 10 and summ['outcomes'][0]['count'] == 10
	ok &= groups['$D4_B']['outcomes'][0]['time']['count'] == 6
	ok &= groups['$D6_B']['outcomes'][0]['time']['count'] == 4
	" || fail "connect latency"
	assert_clean
}

syn_dropped() {
	test "$(ip netns exec $NS_B nft list table inet pksyn$ID |
		sed -n 's/.*counter packets \([0-9]*\).*/\1/p')" -ge 1
}

syn_debug() {	# ADDR PORT
	ip netns exec $NS_B nft list table inet pksyn$ID | grep counter
	ip netns exec $NS_A ss -tan dst "$1"
	cat $WORK/attempt.$1
}

# Drop the SYNs to PORT in NS_B until the counter shows one, then let them pass.
drop_one_syn_of() {	# ADDR PORT
	local out=$WORK/attempt.$1
	ip netns exec $NS_B nft -f - <<-NFT || fail "nft"
	table inet pksyn$ID {
		chain input {
			type filter hook input priority 0;
			tcp dport $2 tcp flags & (syn | ack) == syn counter drop
		}
	}
	NFT
	bg sh -c "ip netns exec $NS_A $TOOLS/tcpflow connects $1 $2 1 0 60 > $out"
	local deadline=$((SECONDS + WAIT_S))
	until syn_dropped; do
		[ $SECONDS -lt $deadline ] && ! grep -q '^established' $out ||
			fail "no SYN to $1 dropped: $(syn_debug $1 $2 | tr '\n' ' ')"
		sleep 0.05
	done
	ip netns exec $NS_B nft delete table inet pksyn$ID
	wait_for "the attempt did not end" grep -q '^established 1' $out
}

test_dropped_syns_are_retransmissions_of_the_attempt() {
	local out=$WORK/out
	netns_pair
	server $NS_B $V4_B 5802
	server $NS_B $V6_B 5802
	pk_start $out run tcp-connect --json -p port=5802
	drop_one_syn_of $V4_B 5802
	drop_one_syn_of $V6_B 5802
	sleep 0.3
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	# one SYN dropped: one retransmission, after the initial RTO of 1 s
	attempts_check $out "
	ok &= results('$V4_B') == {'established': 1} and results('$V6_B') == {'established': 1}
	ok &= all(o['syn_retrans'] == 1 and 1000 <= o['latency'] / 1e6 <= 1300 for o in att)
	ok &= summ['outcomes'][0]['counted'] == 2
	" || fail "SYN retransmissions"
	assert_clean
}

test_refused_attempts_match_the_resets_the_server_sent() {
	local out=$WORK/out rst0 rst1
	netns_pair
	rst0=$(tcp_mib $NS_B OutRsts)
	pk_start $out run tcp-connect --json -t 100ms
	[ "$(connects $NS_A $V4_B 5803 4 0)" = "established 0 refused 4 timeout 0 gaveup 0" ] ||
		fail "IPv4 connects"
	[ "$(connects $NS_A $V6_B 5803 3 0)" = "established 0 refused 3 timeout 0 gaveup 0" ] ||
		fail "IPv6 connects"
	sleep 0.3
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	rst1=$(tcp_mib $NS_B OutRsts)
	echo "server's Tcp:OutRsts delta: $((rst1 - rst0))"
	# -t 100ms: failures are printed however fast they were
	attempts_check $out "
	ok &= results('$V4_B') == {'refused': 4} and results('$V6_B') == {'refused': 3}
	ok &= len(att) == $((rst1 - rst0)) == 7
	" || fail "refused"
	assert_clean
}

test_the_kernel_and_the_client_giving_up() {
	local out=$WORK/out
	netns_pair
	ip netns exec $NS_A sysctl -qw net.ipv4.tcp_syn_retries=1 || fail "sysctl"
	ip netns exec $NS_B nft -f - <<-NFT || fail "nft"
	table inet pksyn$ID {
		chain input {
			type filter hook input priority 0;
			tcp dport 5804 tcp flags & (syn | ack) == syn counter drop
		}
	}
	NFT
	pk_start $out run tcp-connect --json
	[ "$(connects $NS_A $V4_B 5804 1 0)" = "established 0 refused 0 timeout 1 gaveup 0" ] ||
		fail "IPv4 blocking connect"
	[ "$(connects $NS_A $V6_B 5804 2 300)" = "established 0 refused 0 timeout 0 gaveup 2" ] ||
		fail "IPv6 connects given up"
	sleep 0.3
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	# tcp_syn_retries=1: given up 3 s (1 + 2) after the SYN; every SYN sent
	# was dropped and counted, one by each attempt given up within 300 ms
	syns=$(ip netns exec $NS_B nft list table inet pksyn$ID |
		sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
	echo "SYNs dropped: $syns"
	attempts_check $out "
	ok &= results('$V4_B') == {'timeout': 1} and results('$V6_B') == {'closed': 2}
	t = [o for o in att if o['result'] == 'timeout'][0]
	ok &= t['syn_retrans'] >= 1 and 1 + t['syn_retrans'] + 2 == $syns
	ok &= 2900 <= t['latency'] / 1e6 <= 3400
	ok &= all(o['syn_retrans'] == 0 and 300 <= o['latency'] / 1e6 <= 400
	          for o in att if o['result'] == 'closed')
	" || fail "timeouts"
	assert_clean
}
