# The delay line (tests/tools/delayline.c), this host's stand-in for netem and
# the ground truth of request/response tests: it must delay every packet by R
# ms each way, no less, and not much more. A serial client's connect and each
# of its N requests take one round trip: at least (N + 1) * 2R in all.

R=25
N=10

# elapsed ms of a serial client: NS ADDR PORT
client_ms() {
	local t0 t1
	t0=$(date +%s%N)
	client $NS_A "$1" "$2" $N >/dev/null || fail "client to $1"
	t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000000 ))
}

test_delay_line_delays_every_packet_each_way() {
	local addr port=5301 ms floor=$(( (N + 1) * 2 * R ))
	netns_pair
	delay_line $R
	for addr in $D4_B $D6_B; do
		server $NS_B $addr $port
		ms=$(client_ms $addr $port)
		echo "$addr: $N requests in $ms ms (at least $floor)"
		[ "$ms" -ge $floor ] || fail "$addr: $ms ms, less than the line's $floor"
		# an upper bound for a slow machine: the line adds R, scheduling adds ms
		[ "$ms" -le $((floor + 3000)) ] || fail "$addr: $ms ms, far more than $floor"
		port=$((port + 1))
	done
	# the same traffic over the veth, without the line: far faster
	server $NS_B $V4_B $port
	ms=$(client_ms $V4_B $port)
	echo "veth: $N requests in $ms ms"
	[ "$ms" -lt $floor ] || fail "veth: $ms ms: the delay is not the line's"
}
