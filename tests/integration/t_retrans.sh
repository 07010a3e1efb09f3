# tcp-retrans against ground truth: the kernel's own RetransSegs in each namespace.
# The traffic is request/response with one small request in flight, so every
# retransmission is exactly one segment and the counts must be equal.

# Run a lossy flow between the namespaces and compare per direction.
retrans_vs_kernel() {	# ADDR_A ADDR_B PORT
	local a=$1 b=$2 port=$3 out=$WORK/out
	netns_pair
	add_loss $NS_B 12 $port
	server $NS_B "$b" $port
	pk_start $out run tcp-retrans -p port=$port --json
	local ra0 rb0 ra1 rb1 cport
	ra0=$(retrans_segs $NS_A); rb0=$(retrans_segs $NS_B)
	cport=$(client $NS_A "$b" $port 150 | awk '/^lport/ { print $2 }')
	[ -n "$cport" ] || fail "client did not connect"
	sleep 0.5
	ra1=$(retrans_segs $NS_A); rb1=$(retrans_segs $NS_B)
	pk_stop INT
	[ $PK_RC = 0 ] || fail "probekit exit $PK_RC: $(cat $out.err)"
	local got_a got_b
	got_a=$(count_events $out "$a" $cport "$b" $port)
	got_b=$(count_events $out "$b" $port "$a" $cport)
	echo "client side: kernel $((ra1 - ra0)), probekit $got_a; server side: kernel $((rb1 - rb0)), probekit $got_b"
	[ $((ra1 - ra0)) -gt 0 ] || fail "no retransmissions were induced"
	[ "$got_a" = $((ra1 - ra0)) ] || fail "client retransmissions: kernel $((ra1 - ra0)), probekit $got_a"
	[ "$got_b" = $((rb1 - rb0)) ] || fail "server retransmissions: kernel $((rb1 - rb0)), probekit $got_b"
	# every event has a known TCP state, and the summary counts the flow
	python3 - $out "$a" $cport $((ra1 - ra0)) <<-'PY' || fail "event or summary content"
	import json, sys
	f, la, lp, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
	lines = [json.loads(l) for l in open(f)]
	ev = [o for o in lines if o["type"] == "event"]
	assert all(o["state"] in ("ESTABLISHED", "FIN_WAIT1", "CLOSE_WAIT", "LAST_ACK", "CLOSING", "SYN_SENT") for o in ev), ev
	assert all(o["time"].endswith("Z") and o["sk"].startswith("0x") for o in ev)
	s = lines[-1]
	assert s["type"] == "summary" and s["lost"] == 0, s
	assert any(g["laddr"] == la and g["lport"] == lp and g["count"] == n for g in s["groups"]), s["groups"]
	PY
	assert_clean
}

test_ipv4_every_retransmission_reported() {
	retrans_vs_kernel $V4_A $V4_B 5001
}

test_ipv6_every_retransmission_reported() {
	retrans_vs_kernel $V6_A $V6_B 5001
}

test_ipv6_text_output_brackets() {
	local out=$WORK/out
	netns_pair
	add_loss $NS_B 20 5001
	server $NS_B $V6_B 5001
	pk_start $out run tcp-retrans -p port=5001
	client $NS_A $V6_B 5001 60 >/dev/null
	sleep 0.3
	pk_stop INT
	head -1 $out | grep -q '^TIME  *EVENT  *PID  *COMM  *OWNER  *LADDR:LPORT  *RADDR:RPORT  *STATE  *KIND  *SEGS$' ||
		fail "header: $(head -1 $out)"
	grep -qE "^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} +retrans .*\[$V6_A\]:[0-9]+ +\[$V6_B\]:5001 +[A-Z_0-9]+ +(rto|fast|tlp|syn|unknown) +-$" $out ||
		fail "no bracketed IPv6 line: $(sed -n 2p $out)"
	grep -q '^retransmissions per flow:' $out || fail "no summary"
	assert_clean
}

test_port_filter_applies_in_kernel() {
	local out=$WORK/out
	netns_pair
	add_loss $NS_B 15 5001 5002
	server $NS_B $V4_B 5001
	server $NS_B $V4_B 5002
	pk_start $out run tcp-retrans -p port=5001 --json
	grep -q 'sport == 5001 || dport == 5001' \
		$T/instances/probekit_$PK_PID/events/tcp/tcp_retransmit_skb/filter ||
		fail "filter not in the kernel: $(cat $T/instances/probekit_$PK_PID/events/tcp/tcp_retransmit_skb/filter)"
	local r0 r1
	r0=$(retrans_segs $NS_A)
	client $NS_A $V4_B 5001 100 >/dev/null &
	local c1=$!
	client $NS_A $V4_B 5002 100 >/dev/null
	wait $c1
	sleep 0.3
	r1=$(retrans_segs $NS_A)
	pk_stop INT
	local n1 n2
	n1=$(grep -c '"rport":5001' $out)
	n2=$(grep -c -E '"(l|r)port":5002' $out)
	echo "kernel total $((r1 - r0)), probekit port 5001: $n1, port 5002: $n2"
	[ "$n1" -gt 0 ] || fail "no retransmissions on 5001 seen"
	[ "$n2" = 0 ] || fail "port 5002 got through the filter"
	[ $((r1 - r0)) -gt "$n1" ] || fail "5002 did not retransmit: the test proves nothing"
	assert_clean
}

test_address_match_in_user_space() {
	local out=$WORK/out
	netns_pair
	add_loss $NS_B 20 5001
	server $NS_B :: 5001
	pk_start $out run tcp-retrans -p port=5001 -p addr=$V6_B --json
	client $NS_A $V4_B 5001 60 >/dev/null
	client $NS_A $V6_B 5001 60 >/dev/null
	sleep 0.3
	pk_stop INT
	local v6 v4
	v6=$(grep -c "\"raddr\":\"$V6_B\"" $out)
	v4=$(grep -c "$V4_B" $out)
	echo "IPv6 events $v6, IPv4 events $v4"
	[ "$v6" -gt 0 ] || fail "no IPv6 events"
	[ "$v4" = 0 ] || fail "IPv4 flow not excluded by addr="
}

tcpext() {	# NS NAME: a TcpExt: counter of /proc/net/netstat
	ip netns exec "$1" awk -v name="$2" '/^TcpExt:/ {
		if (!h) { for (i = 2; i <= NF; i++) if ($i == name) c = i; h = 1; next }
		print $c; exit }' /proc/net/netstat
}

# The kind of each retransmission against the kernel's own counters of the
# sending namespace: rto = TCPTimeouts + TCPSlowStartRetrans (the timer's
# retransmission and the rest in Loss), fast = TCPFastRetrans (in Recovery),
# tlp <= TCPLossProbes (a probe may send new data instead). Small segments:
# one skb is one segment, so the figures must be equal, and nothing unknown.
test_retransmission_kinds_match_the_kernel_counters() {
	local out=$WORK/out
	netns_pair
	add_loss $NS_B 15 5003
	server $NS_B $V4_B 5003
	server $NS_B $V6_B 5003
	pk_start $out run tcp-retrans -p port=5003 --json
	local c0 c1 n
	c0=$(for n in TCPTimeouts TCPSlowStartRetrans TCPFastRetrans TCPLossProbes; do tcpext $NS_A $n; done)
	client $NS_A $V4_B 5003 150 >/dev/null || fail "client"
	client $NS_A $V6_B 5003 150 >/dev/null || fail "client"
	sleep 0.5
	c1=$(for n in TCPTimeouts TCPSlowStartRetrans TCPFastRetrans TCPLossProbes; do tcpext $NS_A $n; done)
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	python3 - $out "$V4_A $V6_A" $c0 $c1 <<-'PY' || fail "kinds"
	import json, sys
	f, a_side = sys.argv[1], sys.argv[2].split()
	c0, c1 = list(map(int, sys.argv[3:7])), list(map(int, sys.argv[7:11]))
	d = dict(zip(["timeouts", "slowstart", "fast", "probes"], [y - x for x, y in zip(c0, c1)]))
	lines = [json.loads(l) for l in open(f)]
	ev = [o for o in lines if o["type"] == "event" and o["laddr"] in a_side]
	kinds = {}
	for o in ev:
	    kinds[o["kind"]] = kinds.get(o["kind"], 0) + 1
	print("client's kernel:", d, "probekit:", kinds)
	ok = len(ev) > 0 and kinds.get("unknown", 0) == 0
	ok &= kinds.get("rto", 0) == d["timeouts"] + d["slowstart"]
	ok &= kinds.get("fast", 0) == d["fast"]
	ok &= kinds.get("tlp", 0) <= d["probes"]
	summ = [o for o in lines if o["type"] == "summary"][0]
	per_kind = {g["kind"]: g["count"] for g in summ["more"][0]["groups"]}
	ok &= all(per_kind.get(k, 0) >= n for k, n in kinds.items())
	ok &= not any(o["event"] == "cong" for o in lines if o["type"] == "event")
	sys.exit(0 if ok else 1)
	PY
	assert_clean
}

# Bulk transfers: under GSO one retransmitted skb carries many segments, and
# Tcp:RetransSegs counts segments. This kernel's tracepoints give no segment
# count: the events must be the retransmitted skbs of the sending namespace,
# fewer than its RetransSegs, and the summary must print that counter (the
# run is in the sender's namespace) with the note saying what each counts.
test_bulk_transfers_events_are_skbs_beside_retranssegs() {
	local out=$WORK/out r0 r1 pk=$WORK/pk-in-a
	netns_pair
	ip netns exec $NS_B nft -f - <<-NFT || fail "nft"
	table inet pkbulk$ID {
		chain input {
			type filter hook input priority 0;
			tcp dport 5004 meta length > 200 numgen inc mod 20 == 7 drop
		}
	}
	NFT
	bg ip netns exec $NS_B "$TOOLS/tcpflow" qp-server $V4_B 5004 0:0 60 >$WORK/qp
	wait_for "qp-server did not listen" grep -q '^listening' $WORK/qp
	bg ip netns exec $NS_B "$TOOLS/tcpflow" qp-server $V6_B 5004 0:0 60 >$WORK/qp6
	wait_for "qp-server did not listen" grep -q '^listening' $WORK/qp6
	printf '#!/bin/sh\nexec ip netns exec %s %s "$@"\n' $NS_A "$PK" >$pk && chmod +x $pk
	PK=$pk pk_start $out run tcp-retrans -p port=5004 --json
	r0=$(retrans_segs $NS_A)
	ip netns exec $NS_A "$TOOLS/tcpflow" rr-client $V4_B 5004 3 1000000 100 1 60 >/dev/null ||
		fail "IPv4 bulk client"
	ip netns exec $NS_A "$TOOLS/tcpflow" rr-client $V6_B 5004 2 1000000 100 1 60 >/dev/null ||
		fail "IPv6 bulk client"
	sleep 0.5
	r1=$(retrans_segs $NS_A)
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	python3 - $out $((r1 - r0)) "$V4_A $V6_A" <<-'PY' || fail "bulk"
	import json, sys
	f, segs, a_side = sys.argv[1], int(sys.argv[2]), sys.argv[3].split()
	lines = [json.loads(l) for l in open(f)]
	ev = [o for o in lines if o["type"] == "event" and o["laddr"] in a_side]
	summ = [o for o in lines if o["type"] == "summary"][0]
	rate = [q for q in summ["snmp"] if q["numerator"] == "Tcp:RetransSegs"][0]
	kinds = {}
	for o in ev:
	    kinds[o["kind"]] = kinds.get(o["kind"], 0) + 1
	print("sender's Tcp:RetransSegs +%d, the run's +%d; retransmitted skbs %d %s" %
	      (segs, rate["numerator_delta"], len(ev), kinds))
	ok = 0 < len(ev) < segs and rate["numerator_delta"] == segs
	ok &= "segments" in rate["note"] and all(o["segs"] is None for o in ev)
	ok &= "segs" not in summ
	sys.exit(0 if ok else 1)
	PY
	assert_clean
}
