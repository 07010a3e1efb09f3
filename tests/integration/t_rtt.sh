# tcp-rtt against the delay line: every packet waits R ms each way, so the
# kernel's smoothed RTT on both ends of every connection is 2R plus the line's
# own wake-ups (t_delayline.sh) and the two stacks (tens of us).
# Tolerance on each p50: [2R - 0.4% - 0.2 ms, 2R + 8 ms]; -t must print
# exactly the samples at or over its threshold, no other.

R=20

test_rtt_p50_is_the_round_trip_of_the_delay_line() {
	local out=$WORK/out
	netns_pair
	delay_line $R
	server $NS_B $D4_B 5501
	server $NS_B $D6_B 5501
	server $NS_B $V4_B 5501		# the veth, no delay: under the threshold
	pk_start $out run tcp-rtt --json -t 30ms -p port=5501
	# two connections from one peer: one group per address, whatever the ports
	client $NS_A $D4_B 5501 10 >/dev/null || fail "IPv4 client"
	client $NS_A $D4_B 5501 10 >/dev/null || fail "IPv4 client"
	client $NS_A $D6_B 5501 10 >/dev/null || fail "IPv6 client"
	client $NS_A $V4_B 5501 10 >/dev/null || fail "veth client"
	sleep 0.3
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	python3 - $out $R "$V4_B" "$D4_A" "$D4_B" "$D6_A" "$D6_B" <<-'PY' || fail "srtt"
	import json, sys
	f, r, veth = sys.argv[1], int(sys.argv[2]), sys.argv[3]
	lines = [json.loads(l) for l in open(f)]
	dist = [o for o in lines if o["type"] == "distribution"][0]
	samples = [o for o in lines if o["type"] == "sample"]
	ok = True
	v = [g for g in dist["groups"] if g["raddr"] == veth]
	fast = sum(g["stats"]["count"] for g in dist["groups"] if g["stats"]["max_ns"] < 30e6)
	print("veth peer:", v[0]["stats"]["count"] if v else 0, "samples, p50",
	      v[0]["stats"]["p50_ns"] / 1e6 if v else None, "ms;", fast, "samples in groups under 30 ms")
	ok &= len(v) == 1 and v[0]["stats"]["p50_ns"] < 5e6 and fast > 0
	for addr in sys.argv[4:]:
	    g = [g for g in dist["groups"] if g["raddr"] == addr]
	    if len(g) != 1:
	        print("no group for", addr); ok = False; continue
	    s = g[0]["stats"]
	    p50 = s["p50_ns"] / 1e6
	    good = s["count"] >= 10 and 2 * r * 0.996 - 0.2 <= p50 <= 2 * r + 8
	    print(f"raddr {addr}: {s['count']} samples, srtt p50 {p50:.3f} ms (2R = {2*r})", "ok" if good else "WRONG")
	    ok &= good
	over = sum(1 for o in samples if o["rtt"] >= 30e6)
	print(f"-t 30ms: {len(samples)} lines, all >= 30 ms: {over == len(samples)}; samples {dist['samples']}")
	# the delay line's samples (about 2R) are all printed, the veth's none
	ok &= over == len(samples) == dist["samples"] - fast and over > 0
	ok &= not any(veth in (o["laddr"], o["raddr"]) for o in samples)
	sys.exit(0 if ok else 1)
	PY
	assert_clean
}

# -g comm: per process owning the socket (socket owners), whatever context the
# segment was handled in: two copies of the client named alpha and beta, and
# the server, each with the delay line's round trip. Samples whose owner the
# socket table did not know yet (it is read at most every 100 ms) are few.
test_rtt_per_program_owning_the_socket() {
	local out=$WORK/out
	netns_pair
	delay_line $R
	server $NS_B $D4_B 5502
	cp "$TOOLS/tcpflow" $WORK/alpha && cp "$TOOLS/tcpflow" $WORK/beta || fail "cp"
	pk_start $out run tcp-rtt --json -q -g comm -p port=5502
	ip netns exec $NS_A $WORK/alpha client $D4_B 5502 20 100 60 >/dev/null || fail "alpha"
	ip netns exec $NS_A $WORK/beta client $D4_B 5502 20 100 60 >/dev/null || fail "beta"
	sleep 0.3
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	python3 - $out $R <<-'PY' || fail "per program"
	import json, sys
	lines = [json.loads(l) for l in open(sys.argv[1])]
	r = int(sys.argv[2])
	dist = [o for o in lines if o["type"] == "distribution"][0]
	own = [o for o in lines if o["type"] == "owners"][0]
	groups = {g["comm"]: g["stats"] for g in dist["groups"]}
	for comm, s in groups.items():
	    print(f"{comm}: {s['count']} samples, srtt p50 {s['p50_ns'] / 1e6:.3f} ms")
	print("owners:", own["events"], "table reads", own["table_reads"])
	for comm in ("alpha", "beta", "tcpflow"):
	    s = groups[comm]
	    assert s["count"] >= 10 and 2 * r * 0.996 - 0.2 <= s["p50_ns"] / 1e6 <= 2 * r + 8, comm
	assert set(groups) <= {"alpha", "beta", "tcpflow", None}, groups.keys()
	assert groups.get(None, {"count": 0})["count"] * 4 <= dist["samples"], "too many unknown"
	PY
	assert_clean
}
