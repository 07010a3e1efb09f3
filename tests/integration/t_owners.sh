# Socket owners against what each program knows of its own sockets.
# Two copies of the test client under different names retransmit over a lossy
# path (nft drop on input, both directions) to one server: "alpha" holds one
# long connection, "beta" makes short ones, one process each, every one gone
# before the summary. Each client prints its local port; each process's pid is
# the test's. Every retransmission (timers and softirq: no process ran it) must
# name the program that owns its socket, with its pid; the server's must name
# the server.

owners_vs_programs() {	# CLIENT_ADDR SERVER_ADDR
	local a=$1 b=$2 out=$WORK/out port=5001
	netns_pair
	add_loss $NS_B 15 $port
	add_loss $NS_A 15 $port
	server $NS_B "$b" $port
	local server_pid=${BG_PIDS[-1]}
	cp "$TOOLS/tcpflow" $WORK/alpha && cp "$TOOLS/tcpflow" $WORK/beta || fail "cp"
	pk_start $out run tcp-retrans -p port=$port --json
	ip netns exec $NS_A $WORK/alpha client "$b" $port 150 100 60 >$WORK/alpha.out &
	local alpha_pid=$!
	local i p
	: >$WORK/beta.pids
	for i in 1 2 3 4 5 6 7 8; do
		ip netns exec $NS_A $WORK/beta client "$b" $port 6 100 60 >$WORK/beta.$i &
		p=$!
		wait $p || fail "beta client $i failed"
		echo "$p $(awk '/^lport/ { print $2 }' $WORK/beta.$i)" >>$WORK/beta.pids
	done
	wait $alpha_pid || fail "alpha client failed"
	sleep 0.5	# the last timers' retransmissions
	pk_stop INT
	[ $PK_RC = 0 ] || fail "probekit exit $PK_RC: $(cat $out.err)"
	echo "$alpha_pid $(awk '/^lport/ { print $2 }' $WORK/alpha.out)" >$WORK/alpha.pids
	python3 - $out "$a" "$b" $port $server_pid $WORK/alpha.pids $WORK/beta.pids <<-'PY' || fail "owners"
	import json, sys
	f, ca, sa, port, server_pid, alpha, beta = sys.argv[1:]
	port, server_pid = int(port), int(server_pid)
	owner = {}	# client lport -> (pid, name)
	for path, name in ((alpha, "alpha"), (beta, "beta")):
	    for line in open(path):
	        pid, lport = line.split()
	        owner[int(lport)] = (int(pid), name)
	lines = [json.loads(l) for l in open(f)]
	ev = [o for o in lines if o["type"] == "event"]
	seen = {"alpha": 0, "beta": 0, "server": 0}
	nameless = 0
	for o in ev:
	    if o["laddr"] == ca:	# learned at connect(), or from the table
	        pid, name = owner[o["lport"]]
	        sources = ("context", "earlier", "table")
	    else:	# accepted sockets: the table; a closed one's listener
	        assert o["laddr"] == sa and o["lport"] == port, o
	        pid, name = server_pid, "tcpflow"
	        sources = ("table", "listener")
	    # a beta gone before probekit read its first event may have no name (its
	    # pid is right): /proc has it no more, saved_cmdlines not always
	    assert o["pid"] == pid and o["comm"] in ((name, "-") if name == "beta" else (name,)), \
	        ("wrong owner", o, pid, name)
	    nameless += o["comm"] == "-"
	    assert o["owner"] in sources, o
	    seen[name if name != "tcpflow" else "server"] += 1
	rep = [o for o in lines if o["type"] == "owners"]
	assert len(rep) == 1 and rep[0]["events"]["unknown"] == 0, rep
	assert sum(rep[0]["events"].values()) == len(ev), (rep, len(ev))
	beta_conns = len({o["lport"] for o in ev if o["laddr"] == ca and owner[o["lport"]][1] == "beta"})
	print("retransmissions attributed: alpha %(alpha)d, beta %(beta)d, server %(server)d" % seen,
	      "; beta connections with one: %d;" % beta_conns, "sources:", rep[0]["events"],
	      "; without a name: %d" % nameless)
	assert nameless * 2 <= len(ev), ("most owners named", nameless, len(ev))
	assert all(seen.values()), ("a program did not retransmit: the test proves nothing", seen)
	PY
	assert_clean
}

test_owners_ipv4_long_and_short_connections() {
	owners_vs_programs $V4_A $V4_B
}

test_owners_ipv6_long_and_short_connections() {
	owners_vs_programs $V6_A $V6_B
}

# The text form names the owner and says where it came from; a report line sums up.
test_owners_text_report() {
	local out=$WORK/out
	netns_pair
	add_loss $NS_A 20 5001
	server $NS_B $V4_B 5001
	pk_start $out run tcp-retrans -p port=5001
	client $NS_A $V4_B 5001 60 >/dev/null
	sleep 0.3
	pk_stop INT
	head -1 $out | grep -q '^TIME  *EVENT  *PID  *COMM  *OWNER  *LADDR:LPORT' || fail "header: $(head -1 $out)"
	grep -qE "^[0-9:.]+ +retrans +${BG_PIDS[0]} +tcpflow +table +$V4_B:5001 " $out ||
		fail "no server retransmission owned by the server: $(sed -n 2p $out)"
	grep -qE '^socket owners of [0-9]+ events: .*, 0 unknown; socket table read [0-9]+ times' $out ||
		fail "no owners report: $(grep 'socket owners' $out)"
	assert_clean
}

# A forked server: the parent accepts, forks, and both keep the connection's
# socket (as pre-fork servers that forget to close do). The server's
# retransmissions name the child where they ran in it (it is the one using the
# socket), and where the socket table named the owner, the lower pid, shared.
# (Which of the two paths a run takes is timing: unit tests check the table's.)
test_owners_shared_by_a_forked_server() {
	local out=$WORK/out
	netns_pair
	add_loss $NS_A 20 5001
	ip netns exec $NS_B python3 - $V4_B 5001 >$WORK/forked 2>&1 <<-'PY' &
	import os, signal, socket, sys, time
	signal.alarm(60)
	l = socket.socket()
	l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	l.bind((sys.argv[1], int(sys.argv[2]))); l.listen()
	print("listening", os.getpid(), flush=True)
	c, _ = l.accept()
	child = os.fork()
	if child == 0:	# the child answers; the parent keeps its copy open
	    # one byte per 100-byte request, as the client waits for: one request in
	    # flight, so every answer is a data segment of its own that the loss may
	    # take (an echo let requests pile up: a few large answers, sometimes none lost)
	    pending = 0
	    while True:
	        d = c.recv(65536)
	        if not d:
	            os._exit(0)
	        pending += len(d)
	        while pending >= 100:
	            c.sendall(b"k")
	            pending -= 100
	print("child", child, flush=True)
	os.waitpid(child, 0)
	time.sleep(60)	# the parent outlives the run: its copy stays open
	PY
	BG_PIDS+=($!)
	wait_for "the forked server did not listen" grep -q '^listening' $WORK/forked
	pk_start $out run tcp-retrans -p port=5001 --json
	local r0 r1
	r0=$(retrans_segs $NS_B)
	client $NS_A $V4_B 5001 120 >/dev/null || fail "client"
	sleep 0.3
	r1=$(retrans_segs $NS_B)
	pk_stop INT
	echo "the server's namespace retransmitted $((r1 - r0)) segments"
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	local parent child
	parent=$(awk '/^listening/ { print $2 }' $WORK/forked)
	child=$(awk '/^child/ { print $2 }' $WORK/forked)
	python3 - $out $V4_B $parent $child <<-'PY' || fail "shared"
	import json, sys
	f, sa, parent, child = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
	ev = [json.loads(l) for l in open(f)]
	srv = [o for o in ev if o["type"] == "event" and o["laddr"] == sa]
	print(f"server retransmissions {len(srv)}; owners", sorted({(o['pid'], o['owner']) for o in srv}),
	      f"(parent {parent}, child {child})")
	assert srv, "the server did not retransmit: the test proves nothing"
	for o in srv:
	    if o["owner"] in ("context", "earlier"):
	        assert o["pid"] == child, o
	    else:	# both hold the socket and the listener: the lower pid
	        assert o["owner"] in ("shared", "listener") and o["pid"] == min(parent, child), o
	PY
	assert_clean
}
