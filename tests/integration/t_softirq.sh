# softirq-latency against the kernel's own count of handler runs per CPU and
# vector (/proc/softirqs): read before probekit starts (S0), once it traces
# (S1), after UDP traffic over a veth pair has raised NET_RX (S2), and after it
# has exited (S3). Every run between S1 and S2 was traced, and nothing outside
# S0..S3 was: per CPU and vector, S2-S1 <= probekit's count <= S3-S0. Each run
# ends once: its time pairs entry to exit, so as many time pairs as runs.

softirqs() {	# -> "VECTOR CPU COUNT" lines
	awk 'NR == 1 { n = NF; next } { sub(":", "", $1); for (i = 2; i <= n + 1; i++) print $1, i - 2, $i }' /proc/softirqs
}

udp_flood() {	# NS ADDR PORT N
	ip netns exec "$1" python3 -c '
import socket, sys
addr, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(n):
    s.sendto(b"x" * 64, (addr, port))
' "$2" "$3" "$4" || fail "udp flood"
}

test_softirq_runs_match_proc_softirqs() {
	local out=$WORK/out
	netns_pair
	softirqs >$WORK/s0
	pk_start $out run softirq-latency --json -q
	softirqs >$WORK/s1
	udp_flood $NS_A $V4_B 5901 3000
	udp_flood $NS_A $V6_B 5901 2000
	softirqs >$WORK/s2
	pk_stop INT
	softirqs >$WORK/s3
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	python3 - $out $WORK/s0 $WORK/s1 $WORK/s2 $WORK/s3 <<-'PY' || fail "softirq counts"
	import json, sys
	lines = [json.loads(l) for l in open(sys.argv[1])]
	snap = [{(v, int(c)): int(n) for v, c, n in (l.split() for l in open(f))} for f in sys.argv[2:]]
	summ = [o for o in lines if o["type"] == "summary"][0]
	got = {(g["vec"]["name"], g["cpu"]): g["count"] for g in summ["groups"]}
	lost = summ.get("lost", 0)
	assert not lost, f"lost {lost}"
	bad = []
	for key in snap[0]:
	    inner, outer = snap[2][key] - snap[1][key], snap[3][key] - snap[0][key]
	    if not inner <= got.get(key, 0) <= outer:
	        bad.append(f"{key}: {inner} <= {got.get(key, 0)} <= {outer}")
	netrx = sum(snap[2][k] - snap[1][k] for k in snap[0] if k[0] == "NET_RX")
	runs = sum(got.values())
	time = [o for o in lines if o["type"] == "latency" and o["analysis"] == "time"][0]
	delay = [o for o in lines if o["type"] == "latency" and o["analysis"] == "delay"][0]
	print(f"{runs} runs traced over {len(got)} CPU/vector pairs; NET_RX between S1 and S2: {netrx}; "
	      f"time pairs {time['pairs']}, delay pairs {delay['pairs']}")
	assert not bad, bad
	assert netrx >= 100, "the traffic raised too few NET_RX"
	assert len(got) == len(summ["groups"]), "a group without a vector or a CPU"
	# runs cut by the start or the end of tracing have no pair: a handful at most
	assert runs - 2 * len(snap[0]) <= time["pairs"] <= runs, "time pairs"
	assert 0 < delay["pairs"] <= runs, "delay pairs"
	PY
	assert_clean
}

# -p cpu=N keeps one CPU's runs (matched in user space: a filter cannot test the CPU).
test_softirq_one_cpu() {
	local out=$WORK/out
	pk_start $out run softirq-latency --json -q -p cpu=0
	sleep 1
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	python3 - $out <<-'PY' || fail "cpu 0 only"
	import json, sys
	summ = [json.loads(l) for l in open(sys.argv[1]) if '"type":"summary"' in l][0]
	cpus = {g["cpu"] for g in summ["groups"]}
	print(f"CPUs in the summary: {sorted(cpus)}")
	assert cpus == {0}, cpus
	PY
	assert_clean
}
