# net-drops against an nft counter: a rule on the server namespace's input
# hook drops UDP datagrams to one port and counts them; the kernel names the
# reason NETFILTER_DROP (6.x). probekit must count exactly the counter's
# packets under that name, in netfilter (nf_hook_slow, or nft_do_chain where
# the kernel reports the verdict's place), IPv4 and IPv6 (both ETH_P types).

udp_burst() {	# NS ADDR PORT N
	ip netns exec "$1" python3 -c '
import socket, sys
addr, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(n):
    s.sendto(b"x" * 64, (addr, port))
' "$2" "$3" "$4" || fail "udp burst"
}

nft_packets() {	# NS TABLE
	ip netns exec "$1" nft list table inet "$2" | sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
}

test_drops_match_the_nft_counter_by_reason() {
	local out=$WORK/out
	netns_pair
	ip netns exec $NS_B nft -f - <<-NFT || fail "nft"
	table inet pkdrop$ID {
		chain input {
			type filter hook input priority 0;
			udp dport 5701 counter drop
		}
	}
	NFT
	pk_start $out run net-drops --json
	udp_burst $NS_A $V4_B 5701 40
	udp_burst $NS_A $V6_B 5701 25
	wait_for "the counter did not reach 65" test "$(nft_packets $NS_B pkdrop$ID)" -ge 65
	sleep 0.3
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	python3 - $out "$(nft_packets $NS_B pkdrop$ID)" <<-'PY' || fail "drops"
	import json, sys
	f, want = sys.argv[1], int(sys.argv[2])
	lines = [json.loads(l) for l in open(f)]
	ev = [o for o in lines if o["type"] == "event" and o["reason"] and o["reason"]["name"] == "NETFILTER_DROP"]
	summ = [o for o in lines if o["type"] == "summary"][0]
	groups = [g for g in summ["groups"] if g["reason"]["name"] == "NETFILTER_DROP"]
	locs = {g["location"] for g in groups}
	protos = sorted({o["protocol"] for o in ev})
	print(f"nft counter {want}; NETFILTER_DROP events {len(ev)}, in the summary {sum(g['count'] for g in groups)}; at {locs}; protocols {protos}")
	assert want == 65 and len(ev) == want, "events"
	assert sum(g["count"] for g in groups) == want, "summary"
	assert locs and all(l.startswith(("nf_hook_slow", "nft_do_chain")) for l in locs), locs
	assert protos == ["0x800", "0x86dd"], protos
	assert all(isinstance(o["reason"]["value"], int) for o in ev)
	PY
	assert_clean
}
