# tcp-resets against the kernel's own counter: connects to a closed port are
# each answered by one reset (reason NO_SOCKET), and a server that closes
# with SO_LINGER 0 aborts its connection with one active reset. The server
# namespace's Tcp:OutRsts delta is the number of resets it sent; the client
# namespace received each of them. IPv4 and IPv6.

abort_once() {	# ADDR PORT: a server in NS_B aborts the one connection from NS_A
	ip netns exec $NS_B python3 - "$1" "$2" >$WORK/abort 2>&1 <<-'PY' &
	import socket, struct, sys
	addr, port = sys.argv[1], int(sys.argv[2])
	l = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
	l.bind((addr, port)); l.listen(); l.settimeout(60)
	print("listening", flush=True)
	a, _ = l.accept()
	a.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
	a.close()
	PY
	BG_PIDS+=($!)
	wait_for "the aborting server did not listen" grep -q listening $WORK/abort
	ip netns exec $NS_A python3 - "$1" "$2" <<-'PY' || fail "the client saw no reset"
	import socket, sys
	try:	# the abort may come before connect() returns
	    c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=60)
	    c.recv(10)
	    sys.exit(1)
	except ConnectionResetError:
	    pass
	PY
}

test_resets_match_tcp_outrsts_per_flow_and_port() {
	local out=$WORK/out rst0 rst1
	netns_pair
	rst0=$(tcp_mib $NS_B OutRsts)
	pk_start $out run tcp-resets --json
	ip netns exec $NS_A "$TOOLS/tcpflow" connects $V4_B 5901 4 0 60 >/dev/null
	ip netns exec $NS_A "$TOOLS/tcpflow" connects $V6_B 5901 3 0 60 >/dev/null
	abort_once $V4_B 5902
	sleep 0.3
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	rst1=$(tcp_mib $NS_B OutRsts)
	python3 - $out $((rst1 - rst0)) "$V4_A $V6_A" "$V4_B $V6_B" <<-'PY' || fail "resets"
	import json, sys
	f, outrsts, a_side, b_side = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4].split()
	lines = [json.loads(l) for l in open(f)]
	ev = [o for o in lines if o["type"] == "event"]
	summ = [o for o in lines if o["type"] == "summary"][0]
	sent = [o for o in ev if o["event"] == "sent" and o["laddr"] in b_side]
	recv = [o for o in ev if o["event"] == "received" and o["laddr"] in a_side]
	print("server's Tcp:OutRsts +%d; sent by the server %d, received by the client %d" %
	      (outrsts, len(sent), len(recv)))
	ok = outrsts == 8 and len(sent) == 8 and len(recv) == 8
	refused = [o for o in sent if o["lport"] == 5901]
	reasons = {o["reason"]["name"] if isinstance(o["reason"], dict) else o["reason"] for o in refused}
	print("reasons of the resets to the closed port:", reasons)
	ok &= len(refused) == 7 and reasons == {"NO_SOCKET"}
	ok &= sorted((o["raddr"], o["rport"]) for o in sent) == sorted((o["laddr"], o["lport"]) for o in recv)
	ports = {(g["event"], g["lport"]): g["count"] for g in summ["more"][0]["groups"]}
	print("per local port:", {k: v for k, v in ports.items() if k[0] == "sent"})
	ok &= ports.get(("sent", 5901)) == 7 and ports.get(("sent", 5902)) == 1
	flows = [g for g in summ["groups"] if g["event"] == "sent" and g["laddr"] in b_side]
	ok &= len(flows) == 8 and all(g["count"] == 1 for g in flows)
	sys.exit(0 if ok else 1)
	PY
	assert_clean
}
