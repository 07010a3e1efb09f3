# tcp-reqresp against ground truth: servers that read each request Q ms after
# it became readable and answer P ms after the read (Q, P per connection),
# reached through the delay line (R ms each way), and serial clients.
#
# Expected per connection, server side: WAIT = Q, APP = P, TOTAL = Q + P;
# client side: TOTAL = Q + P + 2R. Tolerances (on the p50 of 10 to 20 requests):
#  - never less than the truth, except the histogram's 0.4% (a p50 is a
#    bucket's midpoint) and 0.2 ms of stamps taken on different CPUs;
#  - at most TOL_MS more: the server's poll() wake-up and nanosleep's
#    overshoot (tens of us), the read and write, and on a busy 2-CPU VM under
#    ASan a few ms of scheduling; the client side adds the delay line's own
#    wake-up per packet (see t_delayline.sh) and the far kernel's share.

R=20
TOL_MS=${PROBEKIT_RR_TOL_MS:-8}

# p50 checks on the NDJSON of one or two runs: per connection, against Q:P.
check_conns() {	# SERVER_OUT CLIENT_OUT SPEC... (SPEC: lport_or_rport:Q:P:R:min_requests)
	python3 - "$TOL_MS" "$@" <<-'PY'
	import json, sys
	tol = float(sys.argv[1]); sout, cout = sys.argv[2], sys.argv[3]
	def conns(f):
	    rr = [json.loads(l) for l in open(f)]
	    rr = [o for o in rr if o["type"] == "reqresp"]
	    assert len(rr) == 1, f"{f}: {len(rr)} reqresp summaries"
	    return rr[0]["connections"]
	sc, cc = conns(sout), conns(cout)
	for f in (sout, cout):	# what the runs could not time, and lost events: for a failure's story
	    o = [json.loads(l) for l in open(f)]
	    rr = [x for x in o if x["type"] == "reqresp"][0]
	    summ = [x for x in o if x["type"] == "summary"]
	    print(f"{f.split('/')[-1]}:", {k: v for k, v in rr.items() if k.startswith(("stray", "unknown",
	          "invalidated", "evicted"))}, "lost", summ[0]["lost"] if summ else "?")
	ok = True
	def within(name, got_ns, want, slack=tol):
	    got = got_ns / 1e6
	    good = want * 0.996 - 0.2 <= got <= want + slack
	    print(f"  {name}: {got:.3f} ms (truth {want} ms)", "ok" if good else "WRONG")
	    return good
	for spec in sys.argv[4:]:
	    port, q, p, r, n = (int(x) for x in spec.split(":"))
	    srv = [c for c in sc if c["role"] == "server" and c["lport"] == port]
	    cli = [c for c in cc if c["role"] == "client" and c["rport"] == port]
	    print(f"port {port}: Q={q} P={p} R={r}: {len(srv)} server, {len(cli)} client connections")
	    if len(srv) != 1 or (r >= 0 and len(cli) != 1):
	        ok = False; continue
	    s = srv[0]
	    if s["total"]["count"] < n or s["pipelined"]:
	        print("  server requests:", s["total"]["count"], "pipelined", s["pipelined"]); ok = False
	    ok &= within("server WAIT p50", s["wait"]["p50_ns"], q)
	    ok &= within("server APP p50", s["app"]["p50_ns"], p)
	    ok &= within("server TOTAL p50", s["total"]["p50_ns"], q + p)
	    if r >= 0:
	        c = cli[0]
	        if c["total"]["count"] < n:
	            print("  client requests:", c["total"]["count"]); ok = False
	        ok &= within("client TOTAL p50", c["total"]["p50_ns"], q + p + 2 * r, 2 * tol)
	sys.exit(0 if ok else 1)
	PY
}

qp_server() {	# NS ADDR PORT Q:P[,...]
	bg ip netns exec "$1" "$TOOLS/tcpflow" qp-server "$2" "$3" "$4" 120 >"$WORK/qp.$3"
	wait_for "qp-server on port $3 did not listen" grep -q '^listening' "$WORK/qp.$3"
}

rr_client() {	# NS ADDR PORT REQUESTS REQ_SIZE RESP_SIZE DEPTH
	ip netns exec "$1" "$TOOLS/tcpflow" rr-client "$2" "$3" "$4" "$5" "$6" "$7" 100 >/dev/null
}

test_reqresp_server_split_and_client_total_through_the_delay_line() {
	local srv=$WORK/srv cli=$WORK/cli pids=() spid cpid
	netns_pair
	delay_line $R
	qp_server $NS_B $D4_B 5401 30:10
	qp_server $NS_B $D4_B 5402 5:40
	qp_server $NS_B $D6_B 5403 15:25
	qp_server $NS_B $D4_B 5404 10:20
	# a connection that exists before the runs: its role comes from the listeners
	bg ip netns exec $NS_A "$TOOLS/tcpflow" rr-client $D4_B 5404 300 64 64 1 120 >$WORK/early
	wait_for "early client" grep -q '^lport' $WORK/early
	# the server side reads through sock:sock_recv_length, the client side through
	# tcp:tcp_rcv_space_adjust: both alternatives against the same truth
	pk_start $srv run tcp-reqresp --role server --json -t 0 --use read=1
	grep -q 'sock_recv_length' $T/instances/probekit_$PK_PID/set_event ||
		fail "sock_recv_length not enabled"
	spid=$PK_PID
	pk_start $cli run tcp-reqresp --role client --json -t 0
	cpid=$PK_PID
	rr_client $NS_A $D4_B 5401 15 100 100 1 & pids+=($!)
	rr_client $NS_A $D4_B 5402 15 2000 64 1 & pids+=($!)
	# IPv6, and a bulk response (GSO segments) on it
	rr_client $NS_A $D6_B 5403 10 64 150000 1 & pids+=($!)
	wait "${pids[@]}" || fail "a client failed"
	PK_PID=$spid; pk_stop INT; [ $PK_RC = 0 ] || fail "server run: exit $PK_RC: $(cat $srv.err)"
	PK_PID=$cpid; pk_stop INT; [ $PK_RC = 0 ] || fail "client run: exit $PK_RC: $(cat $cli.err)"
	check_conns $srv $cli 5401:30:10:$R:15 5402:5:40:$R:15 5403:15:25:$R:10 5404:10:20:$R:3 ||
		fail "per-connection times"
	# --role kept each run to its side; every request line is a whole exchange
	grep -q '"role":"client"' $srv && fail "--role server printed client lines"
	grep -q '"role":"server"' $cli && fail "--role client printed server lines"
	python3 - $srv <<-'PY' || fail "request lines"
	import json, sys
	lines = [json.loads(l) for l in open(sys.argv[1])]
	req = [o for o in lines if o["type"] == "request" and o["lport"] == 5401]
	seqs = sorted(o["seq"] for o in req)
	print("5401 request lines:", len(req), "seq", seqs[:3], "...", "from_open", {o["from_open"] for o in req})
	assert seqs == list(range(1, 16)), seqs
	assert all(o["bytes_in"] == 100 and o["bytes_out"] == 100 for o in req)
	early = [o for o in lines if o["type"] == "request" and o["lport"] == 5404]
	assert early and all(o["from_open"] == 0 for o in early), "early connection"
	PY
	check_compare $cli $srv
	assert_clean
}

# compare joins the two runs per request: NETWORK = client - server = 2R plus
# the delay line's wake-ups and the two kernels (same tolerance as the client).
# The slow requests (client p90 and up) are the 5401/5402/5403 ones; whether
# the server or the network was their larger part depends on Q + P vs 2R.
check_compare() {	# CLIENT_OUT SERVER_OUT
	"$PK" compare "$1" "$2" >$WORK/cmp.txt || fail "compare: $(cat $WORK/cmp.txt)"
	cat $WORK/cmp.txt
	"$PK" compare --json "$1" "$2" >$WORK/cmp.json || fail "compare --json"
	python3 - $WORK/cmp.json $R $TOL_MS <<-'PY' || fail "compare"
	import json, sys
	o = json.load(open(sys.argv[1])); r = int(sys.argv[2]); tol = float(sys.argv[3])
	ok = True
	for c in o["connections"]:
	    port = c["server_port"]
	    want_n = {5401: 15, 5402: 15, 5403: 10}.get(port)
	    if want_n is None:	# the early connection: both sides saw it only from the middle
	        print(port, c["join"], c.get("joined")); continue
	    net = c["network"]["p50_ns"] / 1e6
	    good = c["join"] == "request" and c["joined"] == want_n and \
	           2 * r * 0.996 - 0.2 <= net <= 2 * r + 2 * tol and not c["disagree"]
	    print(f"{port}: {c['joined']} joined, network p50 {net:.3f} ms (2R = {2*r})", "ok" if good else "WRONG")
	    ok &= good
	nj = o["not_joined"]
	good = nj["client_only"] == 0 and nj["server_only"] == 0 and nj["disagree"] == 0
	print("not joined:", nj, "ok" if good else "WRONG"); ok &= good
	sl = o["slow"]
	good = sl["count"] > 0 and sl["server"] + sl["network"] == sl["count"]
	print("slow:", sl, "ok" if good else "WRONG"); ok &= good
	sys.exit(0 if ok else 1)
	PY
}

# A client with 4 requests in flight against a server that reads one request
# at a time: each batch's later requests are read after the first answer went
# out. Ground truth: 10 batches of 4 = 10 pipelined exchanges, none timed; a
# serial client on the same server: 40 timed, none pipelined.
test_reqresp_pipelining_is_counted_not_timed() {
	local out=$WORK/out
	netns_pair
	qp_server $NS_B $V4_B 5411 3:2
	pk_start $out run tcp-reqresp --json -t 0 -p port=5411
	rr_client $NS_A $V4_B 5411 40 50 50 4 || fail "pipelining client"
	rr_client $NS_A $V4_B 5411 40 50 50 1 || fail "serial client"
	sleep 0.3
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	python3 - $out <<-'PY' || fail "pipelining"
	import json, sys
	lines = [json.loads(l) for l in open(sys.argv[1])]
	rr = [o for o in lines if o["type"] == "reqresp"][0]
	srv = sorted((c for c in rr["connections"] if c["role"] == "server"), key=lambda c: c["rport"])
	for c in srv:
	    print("server conn from", c["rport"], "timed", c["total"]["count"], "pipelined", c["pipelined"])
	assert len(srv) == 2, srv
	pipe, serial = srv if srv[0]["pipelined"] else srv[::-1]
	assert pipe["pipelined"] == 10 and pipe["total"]["count"] == 0, pipe
	assert serial["pipelined"] == 0 and serial["total"]["count"] == 40, serial
	assert rr["pipelined"] == 10, rr["pipelined"]
	port = [p for p in rr["ports"] if p["role"] == "server" and p["port"] == 5411][0]
	assert port["pipelined"] == 10 and port["total"]["count"] == 40, port
	# no request line for a pipelined exchange
	lines_pipe = [o for o in lines if o["type"] == "request" and o["role"] == "server"
	              and o["rport"] == pipe["rport"]]
	assert not lines_pipe, lines_pipe[:2]
	PY
	assert_clean
}

# The text form: -t lines as columns, -i tables, the summary's tables.
test_reqresp_text_lines_intervals_and_tables() {
	local out=$WORK/out
	netns_pair
	qp_server $NS_B $V4_B 5421 25:5
	qp_server $NS_B $V6_B 5422 0:0
	pk_start $out run tcp-reqresp -t 20ms -i 1
	rr_client $NS_A $V4_B 5421 10 40 40 1 || fail "client"
	rr_client $NS_A $V6_B 5422 10 40 40 1 || fail "client"
	wait_for "no interval table" grep -q '^--- request/response time' $out
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	cat $out
	# 10 slow server lines (>= 25 ms), and the client's, none for the fast server
	[ "$(grep -cE "^[0-9:.]+ +server +$V4_B:5421 " $out)" = 10 ] || fail "server -t lines"
	[ "$(grep -cE "^[0-9:.]+ +client .*$V4_B:5421 " $out)" = 10 ] || fail "client -t lines"
	grep -q ":5422 " <(grep -E '^[0-9:.]+ +(server|client) ' $out) && fail "a fast request was printed"
	grep -qE '^  server 5421 +10 ' $out || fail "no server row for port 5421"
	grep -qE '^  client 5422 +10 ' $out || fail "no client row for port 5422"
	grep -q "\[$V6_B\]:5422 -> " $out || fail "no IPv6 connection row"
	assert_clean
}

# Errors a user can cause: one line each, what and where, exit 2.
test_reqresp_usage_errors() {
	local out=$WORK/err
	"$PK" run tcp-retrans --role server -d 1 2>$out; [ $? = 2 ] || fail "--role on tcp-retrans"
	grep -qx "probekit: --role: recipe 'tcp-retrans' has no analysis that takes it" $out || fail "$(cat $out)"
	"$PK" run tcp-reqresp --role both -d 1 2>$out; [ $? = 2 ] || fail "--role both"
	grep -qx "probekit: --role both: neither 'server' nor 'client'" $out || fail "$(cat $out)"
	"$PK" run tcp-reqresp -g comm -d 1 2>$out; [ $? = 2 ] || fail "-g on tcp-reqresp"
	printf '{"type":"reqresp","connections":[]}\n{"type":"request",\n' >$WORK/bad.ndjson
	"$PK" compare $WORK/bad.ndjson $WORK/bad.ndjson 2>$out; [ $? = 2 ] || fail "compare bad"
	[ "$(wc -l <$out)" = 1 ] && grep -q "^probekit: $WORK/bad.ndjson:2:[0-9]*: " $out || fail "$(cat $out)"
	echo '{"type":"summary"}' >$WORK/none.ndjson
	"$PK" compare $WORK/none.ndjson $WORK/none.ndjson 2>$out; [ $? = 2 ] || fail "compare none"
	grep -q "no tcp-reqresp results" $out || fail "$(cat $out)"
	assert_clean
}

# Short connections (one request each, then close): every one counts once,
# with its own timing, though the kernel reuses freed sockets' memory (the
# key) for the next ones: a close must end a connection.
test_reqresp_short_connections_each_count_once() {
	local out=$WORK/out i
	netns_pair
	qp_server $NS_B $V6_B 5431 4:6
	pk_start $out run tcp-reqresp --json -p port=5431
	for i in $(seq 20); do
		rr_client $NS_A $V6_B 5431 1 30 3000 1 || fail "client $i"
	done
	sleep 0.3
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	python3 - $out $TOL_MS <<-'PY' || fail "short connections"
	import json, sys
	tol = float(sys.argv[2])
	rr = [json.loads(l) for l in open(sys.argv[1]) if '"type":"reqresp"' in l][0]
	for role in ("server", "client"):
	    conns = [c for c in rr["connections"] if c["role"] == role]
	    counts = sorted(c["total"]["count"] for c in conns)
	    print(role, len(conns), "connections, requests each:", set(counts))
	    assert len(conns) == 20 and counts == [1] * 20, counts
	    port = [p for p in rr["ports"] if p["role"] == role and p["port"] == 5431][0]
	    assert port["total"]["count"] == 20 and port["bytes_out" if role == "server" else "bytes_in"] == 20 * 3000, port
	srv = [p for p in rr["ports"] if p["role"] == "server"][0]
	wait, app = srv["wait"]["p50_ns"] / 1e6, srv["app"]["p50_ns"] / 1e6
	print(f"server WAIT p50 {wait:.3f} ms (4), APP p50 {app:.3f} ms (6)")
	assert 4 * 0.996 - 0.2 <= wait <= 4 + tol and 6 * 0.996 - 0.2 <= app <= 6 + tol
	assert rr["stray_sends"] == 0 and rr["stray_reads"] == 0 and rr["stray_arrivals"] == 0, rr
	PY
	assert_clean
}
