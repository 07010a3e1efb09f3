# probekit monitor: several recipes in one instance and one reader, against
# the kernel's own counters, read from the metrics file it keeps for
# node_exporter while it runs: a lossy request/response flow (RetransSegs of
# both namespaces), connects to a port nobody listens on in IPv6 (each one
# refused, one reset sent: the server namespace's Tcp:OutRsts), the one
# connection that is established. tcp-connect and tcp-retrans both read
# sock:inet_sock_set_state: one enable, the OR of their filters.

# NAME{LABELS} value in the metrics file, or "none"
metric() {	# FILE SAMPLE
	awk -v s="$2" '$1 == s { v = $2 } END { print v == "" ? "none" : v }' "$1"
}

metrics_say() {	# FILE SAMPLE VALUE
	[ "$(metric "$1" "$2")" = "$3" ]
}

test_monitor_three_recipes_match_the_kernel_counters() {
	local out=$WORK/out prom=$WORK/probekit.prom ra0 rb0 ra1 rb1 rst0 rst1
	netns_pair
	server $NS_B $V4_B 5101
	ra0=$(retrans_segs $NS_A); rb0=$(retrans_segs $NS_B); rst0=$(tcp_mib $NS_B OutRsts)
	pk_start $out monitor tcp-retrans tcp-connect tcp-resets -p port=5101 \
		--textfile $WORK --every 0.2 --max-cpu off
	[ "$(ls $T/instances | grep -c '^probekit_')" = 1 ] || fail "not one instance: $(ls $T/instances)"
	[ -z "$(cat $T/set_event)" ] || fail "events enabled in the top-level buffer: $(cat $T/set_event)"
	[ "$(cat $T/instances/probekit_$PK_PID/events/tcp/tcp_receive_reset/enable)" = 1 ] ||
		fail "the third recipe's events are not enabled in the instance"
	grep -q '||' $T/instances/probekit_$PK_PID/events/sock/inet_sock_set_state/filter ||
		fail "inet_sock_set_state's filter is not the OR of two recipes': $(cat $T/instances/probekit_$PK_PID/events/sock/inet_sock_set_state/filter)"
	# before the loss: a dropped SYN would make an attempt wait its retransmission
	[ "$(ip netns exec $NS_A "$TOOLS/tcpflow" connects $V6_B 5101 4 0 60 | tail -1)" = \
	  "established 0 refused 4 timeout 0 gaveup 0" ] || fail "refused connects"
	add_loss $NS_B 12 5101
	client $NS_A $V4_B 5101 150 | grep -q '^lport' || fail "client did not connect"
	sleep 0.5
	ra1=$(retrans_segs $NS_A); rb1=$(retrans_segs $NS_B); rst1=$(tcp_mib $NS_B OutRsts)
	local retrans=$((ra1 - ra0 + rb1 - rb0)) rsts=$((rst1 - rst0))
	echo "kernel: RetransSegs +$retrans (both sides), server's OutRsts +$rsts"
	[ $retrans -gt 0 ] || fail "no retransmissions were induced"
	wait_for "the metrics file says $retrans retransmissions" metrics_say $prom \
		'probekit_events_total{recipe="tcp-retrans",event="retrans"}' $retrans
	wait_for "4 refused connects: $(grep attempts_total $prom)" metrics_say $prom \
		'probekit_attempts_total{recipe="tcp-connect",analysis="connect",result="refused"}' 4
	metrics_say $prom \
		'probekit_attempts_total{recipe="tcp-connect",analysis="connect",result="established"}' 1 ||
		fail "established: $(grep 'result="established"' $prom)"
	wait_for "$rsts resets sent" metrics_say $prom \
		'probekit_events_total{recipe="tcp-resets",event="sent"}' $rsts
	for r in tcp-retrans tcp-connect tcp-resets; do
		metrics_say $prom "probekit_recipe_up{recipe=\"$r\"}" 1 || fail "$r is not up"
	done
	metrics_say $prom probekit_lost_events_total 0 || fail "events were lost"
	[ "$(metric $prom probekit_records_read_total)" -gt 0 ] || fail "no records read"
	if command -v promtool >/dev/null; then
		promtool check metrics <$prom || fail "promtool check metrics"
	fi
	pk_stop TERM
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	for r in tcp-retrans tcp-connect tcp-resets; do
		grep -q "^--- $r: " $out || fail "no summary of $r"
	done
	[ ! -e $WORK/.probekit.prom.$PK_PID ] || fail "a temporary metrics file was left"
	[ ! -e $prom ] || fail "the metrics file outlives the monitor (node_exporter would serve it)"
	assert_clean
}

test_monitor_skips_a_recipe_the_kernel_cannot_run() {
	local out=$WORK/out
	cat >$WORK/nosuch.json <<-'EOF'
	{
	  "probekit": 1,
	  "name": "nosuch",
	  "description": "a tracepoint no kernel has",
	  "fields": { "sk": { "format": "hex" } },
	  "events": {
	    "e": { "any": [ { "tracepoint": "tcp:no_such_tracepoint_xyz", "fields": { "sk": "skaddr" } } ] }
	  },
	  "output": { "columns": ["time", "sk"] }
	}
	EOF
	pk_start $out monitor $WORK/nosuch.json tcp-resets --textfile $WORK --every 0.2
	grep -q "recipe 'nosuch' is skipped" $out.err || fail "no skip message: $(cat $out.err)"
	wait_for "the metrics file" test -s $WORK/probekit.prom
	metrics_say $WORK/probekit.prom 'probekit_recipe_up{recipe="tcp-resets"}' 1 ||
		fail "tcp-resets not up: $(head -5 $WORK/probekit.prom)"
	metrics_say $WORK/probekit.prom 'probekit_recipe_up{recipe="nosuch"}' 0 ||
		fail "the skipped recipe is not down: $(head -5 $WORK/probekit.prom)"
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	grep -q '^--- tcp-resets: ' $out || fail "no summary of tcp-resets"
	assert_clean
}

test_monitor_usage_errors() {
	local rc
	"$PK" monitor >/dev/null 2>&1; rc=$?
	[ $rc = 2 ] || fail "no recipe: exit $rc"
	"$PK" monitor tcp-resets -p nosuchparam=1 2>$WORK/err; rc=$?
	[ $rc = 2 ] && grep -q "no recipe given has a parameter 'nosuchparam'" $WORK/err ||
		fail "unknown parameter: exit $rc, $(cat $WORK/err)"
	"$PK" monitor tcp-resets --every 0.01 2>$WORK/err; rc=$?
	[ $rc = 2 ] && grep -q -- "--every 0.01" $WORK/err || fail "--every: exit $rc, $(cat $WORK/err)"
	"$PK" monitor tcp-resets --explain 2>$WORK/err; rc=$?
	[ $rc = 2 ] || fail "--explain: exit $rc"
	"$PK" monitor tcp-resets tcp-connect tcp-resets 2>$WORK/err; rc=$?
	[ $rc = 2 ] && grep -q "given twice" $WORK/err || fail "a recipe twice: exit $rc, $(cat $WORK/err)"
	"$PK" monitor tcp-resets --listen nonsense 2>$WORK/err; rc=$?
	[ $rc = 2 ] || fail "--listen nonsense: exit $rc"
	# --set FILE: each mistake one line naming FILE:LINE
	"$PK" monitor --set $WORK/nosuch 2>$WORK/err; rc=$?
	[ $rc = 2 ] && grep -q "set $WORK/nosuch: No such file" $WORK/err || fail "--set: $(cat $WORK/err)"
	printf '# recipes\n\ntcp-resets\ntcp-connect port\n' >$WORK/set
	"$PK" monitor --set $WORK/set 2>$WORK/err; rc=$?
	[ $rc = 2 ] && grep -q "set:4: 'port' is not NAME=VALUE" $WORK/err || fail "set line: $(cat $WORK/err)"
	printf 'tcp-resets\ntcp-connect\x1b[31m\n' >$WORK/set
	"$PK" monitor --set $WORK/set 2>$WORK/err; rc=$?
	[ $rc = 2 ] && grep -q "set:2: a control byte" $WORK/err || fail "control: $(cat $WORK/err)"
	[ "$(wc -l <$WORK/err)" = 1 ] || fail "not one line: $(cat $WORK/err)"
	printf 'tcp-resets\n' >$WORK/set
	"$PK" monitor tcp-resets --set $WORK/set 2>$WORK/err; rc=$?
	[ $rc = 2 ] && grep -q "given twice" $WORK/err || fail "twice via --set: $(cat $WORK/err)"
	assert_clean
}

# --plan: the whole set as it would run, the monitor's own decisions, nothing changed.
test_monitor_plan_shows_the_set_and_changes_nothing() {
	cd "$REPO" || fail "cd"
	local before rc plan=$WORK/plan
	before=$(ls $T/instances | sort; cat $T/dynamic_events $T/kprobe_events 2>/dev/null)
	"$PK" monitor --plan tcp-retrans tcp-connect tcp-resets --listen :9464 --record $WORK/rec \
		--trigger 'tcp-connect latency > 200ms' --trigger 'tcp-resets:sent lport=3306' \
		--trigger 'tcp-retrans:tlp > 5/1s' >$plan 2>$WORK/err || fail "exit $?: $(cat $WORK/err)"
	[ "$(ls $T/instances | sort; cat $T/dynamic_events $T/kprobe_events 2>/dev/null)" = "$before" ] ||
		fail "--plan changed tracefs"
	[ ! -e $WORK/rec ] || fail "--plan made the record directory"
	grep -qx 'set: 3 recipes in one instance, one reader: tcp-retrans tcp-connect tcp-resets' $plan ||
		fail "no set line: $(head -3 $plan)"
	[ "$(grep -cE '^capabilities: ' $plan)" = 1 ] || fail "the kernel's capabilities not once"
	[ "$(grep -cE '^  instances/probekit_<pid> +mkdir' $plan)" = 1 ] || fail "not one instance"
	# tcp-connect's states widen the filter tcp-retrans's events put on the shared tracepoint
	grep -qE 'inet_sock_set_state/filter > .*newstate == 1\)\).*oldstate == 2 && newstate == 7' $plan ||
		fail "the shared filter is not the OR of both recipes': $(grep inet_sock_set_state/filter $plan)"
	grep -qx 'recipe 3 of 3: tcp-resets (./recipes/tcp-resets.json)' $plan || fail "no third recipe"
	grep -q '^metrics: served at http://127.0.0.1:9464/metrics ' $plan || fail "no metrics line"
	grep -q '^pairs: made in user space' $plan || fail "no pairs line"
	grep -q '^history in the kernel: not used: ' $plan || fail "no history decision: $(cat $plan)"
	grep -qx "trigger 'tcp-resets:sent lport=3306': any event sent of tcp-resets whose lport printed as \"3306\"" \
		$plan || fail "trigger not described: $(grep ^trigger $plan)"
	grep -qx "trigger 'tcp-connect latency > 200ms': a pair or request of tcp-connect whose latency is over 200.000 ms" \
		$plan || fail "latency trigger not described: $(grep ^trigger $plan)"
	if grep -q 'kprobe_events: no' $plan; then	# tlp is a kprobe: it cannot fire here
		grep -q '^  it cannot fire on this kernel: event tlp of tcp-retrans is not traced here' $plan ||
			fail "the tlp trigger is not said to be dead: $(grep -A1 "tlp >" $plan)"
	fi
	"$PK" monitor --plan tcp-resets --record $WORK/rec --trigger 'tcp-resets:nosuch' 2>$WORK/err; rc=$?
	[ $rc = 2 ] && grep -q "the recipe has no event of that name" $WORK/err ||
		fail "a bad trigger: exit $rc, $(cat $WORK/err)"
	"$PK" monitor --plan tcp-resets --listen nonsense 2>$WORK/err; rc=$?
	[ $rc = 2 ] && grep -q -- "--listen nonsense: not ADDR:PORT" $WORK/err || fail "--listen: exit $rc"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$PK" monitor --plan tcp-resets \
		>$plan 2>&1 || fail "--plan as nobody: $(cat $plan)"
	grep -q 'not readable by this user' $plan || fail "no note as nobody: $(head -3 $plan)"
	assert_clean
}

# A free TCP port on 127.0.0.1 (the kernel's pick, released at once).
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# One number from Prometheus's HTTP API: the query's single value, or "none".
prom_query() {	# PORT QUERY
	curl -s --max-time 5 "http://127.0.0.1:$1/api/v1/query" --data-urlencode "query=$2" |
		python3 -c 'import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if len(r) == 1 else "none")' 2>/dev/null || echo none
}

prom_says() {	# PORT QUERY VALUE
	[ "$(prom_query "$1" "$2")" = "$3" ]
}

# A real Prometheus (Debian's) scrapes the monitor's /metrics every second:
# its query API returns the counts the kernel's counters and the test's own
# traffic say, and histogram_quantile the known delay within its bucket.
test_prometheus_scrapes_the_monitor() {
	command -v prometheus >/dev/null || fail "Debian's prometheus is not installed (make deps)"
	local out=$WORK/out mport pport ra0 rb0 ra1 rb1
	mport=$(free_port); pport=$(free_port)
	netns_pair
	# reads each request 20 ms after it came: a timer only runs late, and
	# 20 ms leaves 12.7 ms to the bucket's bound (30 ms left 2.7: a busy host overshot it)
	server $NS_B $V4_B 5131 20
	server $NS_B $V4_B 5132
	pk_start $out monitor tcp-rcvq-latency tcp-retrans tcp-connect \
		-p tcp-rcvq-latency:port=5131 -p tcp-retrans:port=5132 -p tcp-connect:port=5133 \
		--listen 127.0.0.1:$mport --every 0.2 --max-cpu off
	cat >$WORK/prometheus.yml <<-CONF
	global:
	  scrape_interval: 1s
	scrape_configs:
	  - job_name: probekit
	    static_configs:
	      - targets: ["127.0.0.1:$mport"]
	CONF
	bg prometheus --config.file=$WORK/prometheus.yml --storage.tsdb.path=$WORK/tsdb \
		--web.listen-address=127.0.0.1:$pport --log.level=warn
	wait_for "prometheus ready" curl -sf -o /dev/null http://127.0.0.1:$pport/-/ready
	for i in 1 2 3; do
		curl -sf http://127.0.0.1:$mport/metrics >$WORK/scrape.$i || fail "scrape $i"
		promtool check metrics <$WORK/scrape.$i || fail "promtool check metrics, scrape $i"
	done
	ra0=$(retrans_segs $NS_A); rb0=$(retrans_segs $NS_B)
	ip netns exec $NS_A "$TOOLS/tcpflow" periodic $V4_B 5131 20 100 10 60 >/dev/null ||
		fail "the delayed client"
	[ "$(ip netns exec $NS_A "$TOOLS/tcpflow" connects $V4_B 5133 5 0 60 | tail -1)" = \
	  "established 0 refused 5 timeout 0 gaveup 0" ] || fail "refused connects"
	add_loss $NS_B 12 5132
	client $NS_A $V4_B 5132 150 | grep -q '^lport' || fail "the lossy client did not connect"
	sleep 0.5
	ra1=$(retrans_segs $NS_A); rb1=$(retrans_segs $NS_B)
	local retrans=$((ra1 - ra0 + rb1 - rb0)) q
	echo "kernel: RetransSegs +$retrans (both sides)"
	[ $retrans -gt 0 ] || fail "no retransmissions were induced"
	wait_for "prometheus has $retrans retransmissions" prom_says $pport \
		'probekit_events_total{recipe="tcp-retrans",event="retrans"}' $retrans
	wait_for "prometheus has 5 refused connects" prom_says $pport \
		'probekit_attempts_total{recipe="tcp-connect",result="refused"}' 5
	# 20 reads of the server, 20 ms late each; 20 of the client (its answers), at once
	wait_for "prometheus has 40 receive-queue waits: $(prom_query $pport 'probekit_latency_seconds_count')" \
		prom_says $pport 'probekit_latency_seconds_count{recipe="tcp-rcvq-latency"}' 40
	prom_says $pport 'probekit_latency_seconds_bucket{recipe="tcp-rcvq-latency",le="0.032768"} -
		ignoring(le) probekit_latency_seconds_bucket{recipe="tcp-rcvq-latency",le="0.016384"}' 20 ||
		fail "not 20 waits between 16.4 and 32.8 ms: $(curl -s http://127.0.0.1:$mport/metrics | grep rcvq)"
	q=$(prom_query $pport 'histogram_quantile(0.75, probekit_latency_seconds_bucket{recipe="tcp-rcvq-latency"})')
	echo "histogram_quantile(0.75): $q s (the server's delay: 0.020 s; its bucket: 0.016384 to 0.032768 s)"
	python3 -c "import sys; q = float(sys.argv[1]); sys.exit(0 if 0.016384 <= q <= 0.032768 else 1)" "$q" ||
		fail "p75 $q is not in the delay's bucket"
	prom_says $pport 'probekit_recipe_up' none	# three series: not one value
	for r in tcp-rcvq-latency tcp-retrans tcp-connect; do
		prom_says $pport "probekit_recipe_up{recipe=\"$r\"}" 1 || fail "$r not up in prometheus"
	done
	pk_stop TERM
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	assert_clean
}

# Bad and hostile requests get 4xx and change nothing; slow clients are cut off.
test_metrics_endpoint_refuses_what_it_does_not_serve() {
	local out=$WORK/out mport code
	mport=$(free_port)
	# the HTTP library (and gnutls with it) is loaded by --listen alone, not linked
	readelf -d "$PK" | grep -q 'NEEDED.*libmicrohttpd' && fail "probekit is linked with libmicrohttpd"
	pk_start $out monitor tcp-resets --listen 127.0.0.1:$mport --every 0.2 --max-cpu off
	wait_for "the endpoint" curl -sf -o /dev/null http://127.0.0.1:$mport/metrics
	grep -q 'libmicrohttpd\.so' /proc/$PK_PID/maps || fail "--listen runs without libmicrohttpd mapped"
	code=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$mport/)
	[ "$code" = 404 ] || fail "GET /: $code"
	code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d x=1 http://127.0.0.1:$mport/metrics)
	[ "$code" = 405 ] || fail "POST: $code"
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 40000 /dev/zero | tr '\0' a)" \
		http://127.0.0.1:$mport/metrics)
	[ "${code:0:1}" = 4 ] || fail "a 40 kB header: $code"
	# slowloris: connections that never finish their request are closed, the
	# endpoint still answers
	python3 - $mport <<-'PY' || fail "slow clients"
	import socket, sys, time
	port = int(sys.argv[1])
	held = []
	for i in range(12):
	    s = socket.create_connection(("127.0.0.1", port), timeout=10)
	    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")	# never ends
	    held.append(s)
	time.sleep(7)	# beyond the endpoint's 5 s timeout
	closed = 0
	for s in held:
	    try:
	        closed += s.recv(1) == b""
	    except OSError:
	        closed += 1
	print("slow connections closed by the endpoint:", closed, "of", len(held))
	sys.exit(0 if closed == len(held) else 1)
	PY
	curl -sf http://127.0.0.1:$mport/metrics >$WORK/scrape || fail "no answer after the slow clients"
	grep -q '^probekit_http_requests_total{code="4xx"} [1-9]' $WORK/scrape ||
		fail "refused requests not counted: $(grep http_requests $WORK/scrape)"
	promtool check metrics <$WORK/scrape || fail "promtool"
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	assert_clean
}

# Under systemd (Type=notify) the monitor says READY=1 once it traces, and
# STOPPING=1 when it ends: a socket of the test's stands for systemd's.
test_monitor_tells_systemd_it_is_ready() {
	local out=$WORK/out
	python3 - $WORK/notify <<-'PY' >$WORK/notes &
	import socket, sys
	s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
	s.bind(sys.argv[1]); s.settimeout(60)
	for _ in range(2):
	    print(s.recv(4096).decode().replace("\n", " "), flush=True)
	PY
	BG_PIDS+=($!)
	wait_for "the notify socket" test -S $WORK/notify
	NOTIFY_SOCKET=$WORK/notify pk_start $out monitor tcp-resets tcp-connect --max-cpu off
	wait_for "READY=1" grep -q "READY=1" $WORK/notes
	grep -q "^READY=1 STATUS=tracing tcp-resets tcp-connect MAINPID=$PK_PID" $WORK/notes ||
		fail "notification: $(cat $WORK/notes)"
	[ "$(cat $T/instances/probekit_$PK_PID/tracing_on)" = 1 ] || fail "ready before tracing"
	pk_stop TERM
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	wait_for "STOPPING=1" grep -q "^STOPPING=1" $WORK/notes
	assert_clean
}

# Request/response metrics are by server port and role, never by a client's
# ephemeral port; past --max-series the rest is summed as port="other".
test_monitor_reqresp_series_are_capped() {
	local out=$WORK/out prom=$WORK/probekit.prom
	netns_pair
	server $NS_B $V4_B 5141 5
	pk_start $out monitor tcp-reqresp -p port=5141 --max-series 1 --textfile $WORK --every 0.2 \
		--max-cpu off
	ip netns exec $NS_A "$TOOLS/tcpflow" periodic $V4_B 5141 10 100 10 60 >/dev/null || fail "client"
	# the server's and the client's side of the same 10 requests: one series, one folded
	wait_for "10 requests folded into port=other: $(grep requests_total $prom)" metrics_say $prom \
		'probekit_requests_total{recipe="tcp-reqresp",analysis="reqresp",role="any",port="other"}' 10
	python3 - $prom <<-'PY' || fail "series: $(grep -E 'requests_total|folded' $prom)"
	import sys
	rows = [l.split() for l in open(sys.argv[1]) if l.startswith("probekit_requests_total{")]
	kept = [r for r in rows if 'port="other"' not in r[0]]
	print(rows)
	assert len(rows) == 2 and len(kept) == 1, rows
	assert 'port="5141"' in kept[0][0] and kept[0][1] == "10", kept
	folded = [l for l in open(sys.argv[1]) if l.startswith("probekit_series_folded{")]
	assert len(folded) == 1 and folded[0].split()[1] == "1", folded
	PY
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	assert_clean
}

# --max-cpu in a monitor: a storm of system calls (syscaller's getppid loop,
# 6 s) makes the syscalls recipe cost far over 10% of a CPU; the guard turns
# that recipe off (its raw_syscalls events disabled in the instance) and
# not tcp-resets, which goes on counting the resets the test makes meanwhile;
# after the storm syscalls comes back. Polls use shell builtins: a process
# the test starts is system calls too.
shed_line() {	# FILE PATTERN
	local line
	while IFS= read -r line; do
		[[ $line == *"overhead guard"*$2* ]] && return 0
	done <"$1"
	return 1
}

test_monitor_guard_sheds_the_costliest_recipe_and_restores_it() {
	local out=$WORK/out prom=$WORK/probekit.prom inst
	netns_pair
	mkfifo $WORK/nap
	exec {NAP_FD}<>$WORK/nap
	pk_start $out monitor syscalls tcp-resets --max-cpu 10 --textfile $WORK --every 0.5
	inst=$T/instances/probekit_$PK_PID/events
	timeout 6 sh -c "while :; do '$TOOLS/syscaller' 200000 0 1 1 >/dev/null; done" &
	local storm=$!
	WAIT_SLEEP=nap wait_for "the guard to shed syscalls" shed_line $out.err "recipe 'syscalls' shed"
	[ "$(<$inst/raw_syscalls/sys_enter/enable)" = 0 ] || fail "sys_enter still enabled"
	[ "$(<$inst/tcp/tcp_send_reset/enable)" = 1 ] || fail "tcp-resets was turned off too"
	shed_line $out.err "tracing paused" && fail "paused instead of shedding: $(<$out.err)"
	# tcp-resets traces on: a refused connect is one reset sent
	ip netns exec $NS_A "$TOOLS/tcpflow" connects $V4_B 5199 1 0 30 >/dev/null
	WAIT_SLEEP=nap wait_for "the reset counted while syscalls is shed" metrics_say $prom \
		'probekit_events_total{recipe="tcp-resets",event="sent"}' 1
	metrics_say $prom 'probekit_recipe_shed{recipe="syscalls"}' 1 ||
		fail "metrics: $(grep shed $prom)"
	wait $storm
	WAIT_SLEEP=nap wait_for "syscalls back after the storm" shed_line $out.err \
		"recipe 'syscalls' traces again"
	[ "$(<$inst/raw_syscalls/sys_enter/enable)" = 1 ] || fail "sys_enter not enabled again"
	WAIT_SLEEP=nap wait_for "the metrics say it is back" metrics_say $prom \
		'probekit_recipe_shed{recipe="syscalls"}' 0
	[ "$(metric $prom 'probekit_recipe_sheds_total{recipe="syscalls"}')" -ge 1 ] || fail "sheds"
	metrics_say $prom 'probekit_recipe_sheds_total{recipe="tcp-resets"}' 0 ||
		fail "tcp-resets was shed: $(<$out.err)"
	exec {NAP_FD}>&-
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(<$out.err)"
	grep 'overhead guard' $out.err
	assert_clean
}

# SIGHUP reloads the set (the command line's recipes and --set FILE, files
# read again): a recipe whose file and parameters did not change keeps its
# counters (they go on from where they were, against both namespaces'
# RetransSegs), a changed one starts over, an added one starts, a set that
# does not load is refused and the running one goes on; one instance all along.
test_monitor_reload_keeps_the_counters_of_unchanged_recipes() {
	local out=$WORK/out prom=$WORK/probekit.prom set=$WORK/set r0 r1 r2 retrans
	netns_pair
	server $NS_B $V4_B 5131
	cp "$REPO"/recipes/tcp-retrans.json "$REPO"/recipes/tcp-resets.json \
		"$REPO"/recipes/tcp-connect.json $WORK/
	echo "$WORK/tcp-retrans.json port=5131   # the lossy flow" >$set
	r0=$(( $(retrans_segs $NS_A) + $(retrans_segs $NS_B) ))
	pk_start $out monitor $WORK/tcp-resets.json --set $set --textfile $WORK --every 0.2 \
		--max-cpu off
	add_loss $NS_B 12 5131
	client $NS_A $V4_B 5131 100 | grep -q '^done' || fail "client"
	r1=$(( $(retrans_segs $NS_A) + $(retrans_segs $NS_B) ))
	[ $((r1 - r0)) -gt 0 ] || fail "no retransmissions induced"
	wait_for "$((r1 - r0)) retransmissions before the reload" metrics_say $prom \
		'probekit_events_total{recipe="tcp-retrans",event="retrans"}' $((r1 - r0))
	ip netns exec $NS_A "$TOOLS/tcpflow" connects $V4_B 5132 1 0 30 >/dev/null
	wait_for "a reset sent" metrics_say $prom \
		'probekit_events_total{recipe="tcp-resets",event="sent"}' 1
	kill -HUP $PK_PID
	wait_for "the first reload" metrics_say $prom probekit_reloads_total 1
	metrics_say $prom 'probekit_events_total{recipe="tcp-retrans",event="retrans"}' $((r1 - r0)) ||
		fail "an unchanged recipe's counter did not go on: $(grep 'retrans"' $prom)"
	metrics_say $prom 'probekit_events_total{recipe="tcp-resets",event="sent"}' 1 ||
		fail "tcp-resets lost its count"
	client $NS_A $V4_B 5131 100 | grep -q '^done' || fail "client after the reload"
	r2=$(( $(retrans_segs $NS_A) + $(retrans_segs $NS_B) ))
	retrans=$((r2 - r0))
	echo "kernel: RetransSegs +$((r1 - r0)) before the reload, +$((r2 - r1)) after"
	wait_for "$retrans retransmissions in all, across the reload" metrics_say $prom \
		'probekit_events_total{recipe="tcp-retrans",event="retrans"}' $retrans
	# tcp-resets changes (its file), tcp-connect is added (the set file)
	sed -i 's/"description": "/"description": "Edited. /' $WORK/tcp-resets.json
	echo "$WORK/tcp-connect.json port=5132" >>$set
	kill -HUP $PK_PID
	wait_for "the second reload" metrics_say $prom probekit_reloads_total 2
	metrics_say $prom 'probekit_events_total{recipe="tcp-resets",event="sent"}' 0 ||
		fail "a changed recipe's counter did not start over"
	metrics_say $prom 'probekit_recipe_up{recipe="tcp-connect"}' 1 || fail "tcp-connect not added"
	metrics_say $prom 'probekit_events_total{recipe="tcp-retrans",event="retrans"}' $retrans ||
		fail "tcp-retrans's counter after the second reload"
	grep -q 'changed (counters start over): tcp-resets; added: tcp-connect' $out.err ||
		fail "the log: $(grep reloaded $out.err)"
	ip netns exec $NS_A "$TOOLS/tcpflow" connects $V4_B 5132 2 0 30 >/dev/null
	wait_for "the added recipe counts" metrics_say $prom \
		'probekit_attempts_total{recipe="tcp-connect",analysis="connect",result="refused"}' 2
	# a set that does not load: refused, nothing changes
	echo '{"probekit": 1' >$WORK/broken.json
	echo "$WORK/broken.json" >>$set
	kill -HUP $PK_PID
	wait_for "the refusal" grep -q 'reload refused' $out.err
	sleep 0.5
	metrics_say $prom probekit_reloads_total 2 || fail "a refused reload counted"
	metrics_say $prom 'probekit_recipe_up{recipe="tcp-connect"}' 1 || fail "the set changed"
	# a parameter alone changes (tcp-connect's port): that recipe starts over, the others go on
	sed -i -e "s|^$WORK/broken.json\$||" -e "s|tcp-connect.json port=5132|tcp-connect.json port=5133|" $set
	kill -HUP $PK_PID
	wait_for "the third reload" metrics_say $prom probekit_reloads_total 3
	metrics_say $prom \
		'probekit_attempts_total{recipe="tcp-connect",analysis="connect",result="refused"}' 0 ||
		fail "a recipe whose parameter changed kept its counter: $(grep 'refused' $prom)"
	metrics_say $prom 'probekit_events_total{recipe="tcp-retrans",event="retrans"}' $retrans ||
		fail "tcp-retrans's counter after the third reload"
	[ "$(ls $T/instances | grep -c '^probekit_')" = 1 ] || fail "not one instance: $(ls $T/instances)"
	[ -z "$(cat $T/set_event)" ] || fail "events in the top-level buffer"
	promtool check metrics <$prom || fail "promtool"
	pk_stop TERM
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	assert_clean
}

# Cardinality: 15,000 connects from 1,000 addresses of NS_A (each from an
# ephemeral port of its own) to a closed port of NS_B: the server sends
# 15,000 resets (its Tcp:OutRsts) to 1,000 remote addresses and 15,000
# remote ports. The metrics label events by remote address and by process:
# 50 addresses (--max-series) get series, the rest sum in raddr="other" and
# are counted as folded; no port is a label. Memory is bounded by caps (the
# summary's per-flow tables hold 4,096 groups, then an overflow group; label
# tables --max-series values): once they are full, after 5,000 connects, the
# monitor's resident memory stays where it is for the next 10,000.
connect_from_many() {	# FIRST COUNT: connects from 10.233.x.y, cycling through 1,000 addresses
	ip netns exec $NS_A python3 - "$1" "$2" "$V4_B" <<-'PY'
	import socket, sys
	first, count, dst = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
	for k in range(first, first + count):
	    i = k % 1000
	    s = socket.socket()
	    s.bind((f"10.233.{i // 250}.{i % 250 + 1}", 0))
	    s.settimeout(5)
	    try:
	        s.connect((dst, 5998))
	    except OSError:
	        pass
	    s.close()
	PY
}

test_monitor_series_stay_bounded_under_ten_thousand_peers() {
	local out=$WORK/out prom=$WORK/probekit.prom rst0 rst sent other named folded rss1 rss2
	netns_pair
	python3 -c "
for i in range(1000): print(f'addr add 10.233.{i // 250}.{i % 250 + 1}/32 dev va$ID')" >$WORK/addrs
	ip -n $NS_A -batch $WORK/addrs || fail "addresses"
	ip -n $NS_B route add 10.233.0.0/16 dev vb$ID || fail "route"
	rst0=$(tcp_mib $NS_B OutRsts)
	# ASan's quarantine would hold freed memory for a while: RSS would grow with time, not peers
	ASAN_OPTIONS=quarantine_size_mb=1 pk_start $out monitor tcp-resets --max-series 50 \
		--textfile $WORK --every 0.3 --max-cpu off
	connect_from_many 0 5000
	wait_for "5000 resets counted" metrics_say $prom \
		'probekit_events_total{recipe="tcp-resets",event="sent"}' 5000
	sleep 1
	rss1=$(metric $prom probekit_resident_memory_bytes)
	connect_from_many 5000 10000
	rst=$(( $(tcp_mib $NS_B OutRsts) - rst0 ))
	[ $rst = 15000 ] || fail "the server sent $rst resets, not 15000"
	wait_for "15000 resets counted" metrics_say $prom \
		'probekit_events_total{recipe="tcp-resets",event="sent"}' 15000
	sleep 1
	rss2=$(metric $prom probekit_resident_memory_bytes)
	read -r named sent other folded < <(python3 - $prom <<-'PY'
	import re, sys
	named, sent, other, folded = set(), 0, 0, 0
	for line in open(sys.argv[1]):
	    m = re.match(r'probekit_events_by_remote_total\{recipe="tcp-resets",event="sent",raddr="([^"]*)"\} (\d+)', line)
	    if m:
	        sent += int(m.group(2))
	        if m.group(1) == "other":
	            other = int(m.group(2))
	        else:
	            named.add(m.group(1))
	    m = re.match(r'probekit_label_values_folded\{recipe="tcp-resets",label="raddr"\} (\S+)', line)
	    if m:
	        folded = float(m.group(1))
	print(len(named), sent, other, int(folded))
	PY
	)
	echo "kernel: OutRsts +$rst; metrics: $named addresses with series, $sent resets by address ($other in other), ~$folded addresses folded; RSS $rss1 -> $rss2 bytes; $(grep -vc '^#' $prom) series in all"
	[ "$sent" = 15000 ] || fail "resets by address sum to $sent"
	[ "$named" -le 50 ] && [ "$named" -ge 45 ] || fail "$named addresses with series (cap 50)"
	[ "$folded" -ge 900 ] && [ "$folded" -le 1010 ] || fail "folded estimate $folded (about 951)"
	grep -q 'rport=\|lport=' $prom && fail "a port became a label"
	[ "$(grep -vc '^#' $prom)" -lt 400 ] || fail "too many series: $(grep -vc '^#' $prom)"
	# ASan's allocator moves by a few hundred KiB either way; 140 bytes kept per
	# peer would be 2 MiB
	[ $((rss2 - rss1)) -lt $((2 * 1024 * 1024)) ] || fail "RSS grew by $((rss2 - rss1)) bytes"
	promtool check metrics <$prom || fail "promtool"
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	assert_clean
}
