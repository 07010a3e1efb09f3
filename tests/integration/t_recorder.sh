# The flight recorder (monitor --record): captures against what the test made
# happen — one request a server holds 300 ms among thousands it answers at
# once, a burst of retransmissions nft induces, resets to a closed port — and
# the bounds: the rate limit, the count and size of captures, a monitor killed
# while it writes, the --on-trigger command and its time limit.

captures() {	# DIR -> the final captures, one per line
	ls "$1" 2>/dev/null | grep -E '^probekit-capture-.*\.ndjson$'
}

n_captures() {	# DIR N
	[ "$(captures "$1" | wc -l)" = "$2" ]
}

at_least_captures() {	# DIR N
	[ "$(captures "$1" | wc -l)" -ge "$2" ]
}

# Python checks of a capture: prints what the test asserts on
capture_facts() {	# FILE
	python3 - "$1" <<-'PY'
	import json, sys
	lines = open(sys.argv[1]).read().splitlines()
	h = json.loads(lines[0])
	ev = [json.loads(l) for l in lines[1:]]
	fired = h["fired_ts_ns"]
	slow = [e for e in ev if e["type"] == "request" and e["total"] >= 300_000_000]
	fast = [e for e in ev if e["type"] == "request" and e["total"] < 300_000_000]
	events = [e for e in ev if e["type"] == "event"]
	before = [e for e in events if e["ts_ns"] < fired]
	after = [e for e in events if e["ts_ns"] >= fired]
	print("type", h["type"], "trigger", h["trigger"].replace(" ", "_"), "header_events",
	      h["events"], "lines", len(ev), "slow", len(slow),
	      "slow_roles", ",".join(sorted(e["role"] for e in slow)), "fast", len(fast),
	      "before", len(before), "after", len(after),
	      "fired_by_role", (h.get("fired_by") or {}).get("role"),
	      "cut_short", h["cut_short"], "kernel", h["kernel"]["release"],
	      "recipes", ",".join(r["name"] for r in h["recipes"]))
	PY
}

fact() {	# FACTS NAME -> value
	echo "$1" | awk -v k="$2" '{ for (i = 1; i < NF; i += 2) if ($i == k) print $(i + 1) }'
}

test_recorder_keeps_the_one_slow_request_and_its_context() {
	local out=$WORK/out cap=$WORK/cap facts f
	mkdir $cap
	netns_pair
	# request 1500 of all waits 300 ms in the server's socket; the others are answered at once
	bg ip netns exec $NS_B "$TOOLS/tcpflow" spike-server $V4_B 5201 1500 300 60 >$WORK/server
	wait_for "server" grep -q '^listening' $WORK/server
	pk_start $out monitor tcp-reqresp tcp-retrans -p port=5201 --record $cap \
		--trigger 'tcp-reqresp total > 200ms' --before 3 --after 1 --max-cpu off
	ip netns exec $NS_A "$TOOLS/tcpflow" client $V4_B 5201 3000 100 60 | grep -q '^done 3000' ||
		fail "the client did not finish its 3000 requests"
	wait_for "a capture in $cap" n_captures $cap 1
	sleep 1	# a second trigger (the client's side of the same request) would show now
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	n_captures $cap 1 || fail "not exactly one capture: $(captures $cap)"
	[ -z "$(ls -A $cap | grep -v '^probekit-capture-')" ] || fail "other files left: $(ls -A $cap)"
	f=$cap/$(captures $cap)
	facts=$(capture_facts $f)
	echo "$facts"
	[ "$(fact "$facts" type)" = capture ] || fail "no header"
	[ "$(fact "$facts" trigger)" = "tcp-reqresp_total_>_200ms" ] || fail "trigger"
	[ "$(fact "$facts" header_events)" = "$(fact "$facts" lines)" ] || fail "the header's count"
	# the server saw the 300 ms in its socket, the client as its total: both, once each
	[ "$(fact "$facts" slow_roles)" = client,server ] || fail "the slow request's two sides"
	[ "$(fact "$facts" fired_by_role)" != None ] || fail "the header does not say what fired"
	[ "$(fact "$facts" fast)" -gt 100 ] || fail "the fast requests around it are missing"
	[ "$(fact "$facts" before)" -gt 100 ] && [ "$(fact "$facts" after)" -gt 10 ] ||
		fail "events before and after the trigger are missing"
	[ "$(fact "$facts" recipes)" = tcp-reqresp,tcp-retrans ] || fail "recipes"
	[ "$(fact "$facts" kernel)" = "$(uname -r)" ] || fail "kernel"
	grep -q "capture $f: tcp-reqresp total > 200ms" $out.err || fail "no log line: $(cat $out.err)"
	"$PK" report $f >$WORK/report || fail "report failed"
	grep -q "this line fired the trigger" $WORK/report || fail "report: no fired line"
	grep -q '^  tcp-reqresp *request *arrive' $WORK/report || fail "report: no summary"
	# a capture is a run's NDJSON: compare joins its two sides (one host saw both)
	"$PK" compare $f $f >$WORK/compare || fail "compare does not take a capture: $(cat $WORK/compare)"
	grep -qi 'joined' $WORK/compare || fail "compare joined nothing: $(head -5 $WORK/compare)"
	assert_clean
}

test_recorder_rate_limits_and_bounds_its_captures() {
	local out=$WORK/out cap=$WORK/cap prom=$WORK/probekit.prom n suppressed size
	mkdir $cap
	netns_pair
	server $NS_B $V4_B 5202
	# any request fires: 4 s of them, at most one capture a second, two kept, 1 MB in all
	pk_start $out monitor tcp-reqresp -p port=5202 --record $cap --trigger 'tcp-reqresp:arrive' \
		--before 0.5 --after 0.2 --capture-interval 1 --max-captures 2 --record-mb 1 \
		--captures-mb 1 --textfile $WORK --every 0.2 --max-cpu off
	ip netns exec $NS_A "$TOOLS/tcpflow" periodic $V4_B 5202 200 2000 20 60 | grep -q '^done 200' ||
		fail "client"
	wait_for "the recorder's metrics" grep -q '^probekit_captures_total' $prom
	sleep 0.5
	n=$(awk '$1 == "probekit_captures_total" { print $2 }' $prom)
	suppressed=$(awk '$1 == "probekit_captures_suppressed_total" { print $2 }' $prom)
	echo "captures $n, suppressed $suppressed, in the directory: $(captures $cap | wc -l)"
	[ "$n" -ge 2 ] || fail "fewer than 2 captures in 4 s of triggers"
	[ "$n" -le 6 ] || fail "$n captures in about 4 s: the 1 s interval is not kept"
	[ "$suppressed" -gt 100 ] || fail "triggers were not suppressed: $suppressed"
	promtool check metrics <$prom 2>&1 || fail "promtool"
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	[ "$(captures $cap | wc -l)" -le 2 ] || fail "more than --max-captures kept: $(captures $cap)"
	size=$(du -cb $cap/probekit-capture-* | tail -1 | cut -f1)
	[ "$size" -le $((1 << 20)) ] || fail "captures take $size bytes, over --captures-mb 1"
	grep -q 'removed the oldest capture' $out.err || fail "no rotation said"
	assert_clean
}

test_recorder_killed_while_writing_leaves_no_partial_capture() {
	local out=$WORK/out cap=$WORK/cap deadline f
	mkdir $cap
	netns_pair
	server $NS_B $V4_B 5203
	# many events before a late trigger: the capture is large and takes a while to write
	pk_start $out monitor tcp-reqresp -p port=5203 --record $cap --record-mb 256 \
		--captures-mb 1024 --before 60 --after 0 --trigger 'tcp-reqresp:state newstate=CLOSE' \
		--max-cpu off
	ip netns exec $NS_A "$TOOLS/tcpflow" rr-client $V4_B 5203 40000 100 1 1 120 | grep -q '^done' ||
		fail "client"
	deadline=$((SECONDS + WAIT_S))
	until compgen -G "$cap/.probekit-capture-*.tmp.$PK_PID" >/dev/null; do
		[ $SECONDS -lt $deadline ] || fail "no capture being written: $(ls -A $cap)"
		captures $cap | grep -q . && fail "the capture was written before it could be caught"
	done
	kill -9 $PK_PID
	wait $PK_PID 2>/dev/null
	compgen -G "$cap/.probekit-capture-*" >/dev/null || fail "the hidden file is gone already"
	[ -z "$(captures $cap)" ] || fail "a capture under its final name: $(captures $cap)"
	"$PK" reset >/dev/null
	# the next monitor removes what the killed one left half-written
	pk_start $out.2 monitor tcp-reqresp -p port=5203 --record $cap --trigger 'tcp-reqresp > 1s' \
		--max-cpu off
	pk_stop INT
	grep -q 'a dead run left half-written' $out.2.err || fail "not removed: $(cat $out.2.err)"
	[ -z "$(ls -A $cap)" ] || fail "left in $cap: $(ls -A $cap)"
	assert_clean
}

test_recorder_burst_and_event_triggers() {
	local out=$WORK/out cap=$WORK/cap f facts
	mkdir $cap
	netns_pair
	server $NS_B $V4_B 5204
	# the first trigger fires on the first reset the server sends to port 5205 (closed)
	pk_start $out monitor tcp-retrans tcp-resets -p tcp-retrans:port=5204 --record $cap \
		--trigger "tcp-resets:sent lport=5205" --trigger 'tcp-retrans:retrans > 3/2s' \
		--before 2 --after 0.5 --capture-interval 0 --max-cpu off
	ip netns exec $NS_A "$TOOLS/tcpflow" connects $V4_B 5205 1 0 30 >/dev/null
	wait_for "a capture of the reset" n_captures $cap 1
	f=$cap/$(captures $cap | head -1)
	python3 - $f <<-'PY' || fail "the reset capture"
	import json, sys
	lines = open(sys.argv[1]).read().splitlines()
	h = json.loads(lines[0]); ev = [json.loads(l) for l in lines[1:]]
	assert h["trigger"] == "tcp-resets:sent lport=5205", h["trigger"]
	sent = [e for e in ev if e["recipe"] == "tcp-resets" and e["event"] == "sent"]
	assert len(sent) == 1 and sent[0]["lport"] == 5205, sent
	PY
	add_loss $NS_B 30 5204
	# one request in flight: each loss waits its RTO (200 ms and more), a few a second
	client $NS_A $V4_B 5204 80 | grep -q '^done' || fail "client"
	wait_for "a capture of the retransmission burst" at_least_captures $cap 2
	f=$cap/$(captures $cap | sed -n 2p)
	python3 - $f <<-'PY' || fail "the burst capture"
	import json, sys
	lines = open(sys.argv[1]).read().splitlines()
	h = json.loads(lines[0]); ev = [json.loads(l) for l in lines[1:]]
	assert h["trigger"] == "tcp-retrans:retrans > 3/2s", h["trigger"]
	fired = h["fired_ts_ns"]
	burst = [e for e in ev if e["event"] == "retrans" and fired - 2 * 10**9 <= e["ts_ns"] <= fired]
	assert len(burst) >= 4, len(burst)
	print("retransmissions in the 2 s before the trigger:", len(burst))
	PY
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	assert_clean
}

test_recorder_runs_the_trigger_command_bounded_in_time() {
	local out=$WORK/out cap=$WORK/cap f
	mkdir $cap
	netns_pair
	pk_start $out monitor tcp-resets --record $cap --trigger 'tcp-resets:sent' --after 0 \
		--capture-interval 0 --max-cpu off \
		--on-trigger "cp \"\$1\" $WORK/hooked; echo \"\$PROBEKIT_CAPTURE\" >$WORK/hookpath; exec sleep 60.$ID" \
		--on-trigger-timeout 2
	ip netns exec $NS_A "$TOOLS/tcpflow" connects $V4_B 5206 1 0 30 >/dev/null
	wait_for "the command ran" test -s $WORK/hookpath
	f=$(cat $WORK/hookpath)
	[ -f "$f" ] && cmp -s "$f" $WORK/hooked || fail "the command did not get the capture's path"
	local hook
	hook=$(pgrep -x -f "sleep 60.$ID") || fail "the command is not running"
	# it holds nothing of the monitor's: an inherited trace_pipe_raw would keep
	# the instance from being removed while the command runs
	[ -z "$(ls -l /proc/$hook/fd | grep -E 'tracing|pipe:')" ] ||
		fail "the command inherited the monitor's files: $(ls -l /proc/$hook/fd)"
	wait_for "the command killed after its 2 s" grep -q 'ran out of time' $out.err
	pgrep -x -f "sleep 60.$ID" >/dev/null && fail "the command's process group outlived its time"
	# tracing went on while the command ran: a second reset made a second capture
	ip netns exec $NS_A "$TOOLS/tcpflow" connects $V4_B 5206 1 0 30 >/dev/null
	wait_for "a second capture" n_captures $cap 2
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	assert_clean
}

# A reload is planned before the running set stops: a set that no longer
# holds the recipe a --trigger names is refused, and the recorder goes on
# capturing; a set that holds it reloads, and captures go on after it.
test_recorder_refuses_a_reload_that_drops_a_triggered_recipe() {
	local out=$WORK/out cap=$WORK/cap set=$WORK/set
	mkdir $cap
	netns_pair
	echo "tcp-resets" >$set
	pk_start $out monitor --set $set --record $cap --trigger 'tcp-resets:sent' --after 0 \
		--capture-interval 0 --max-cpu off
	echo "tcp-retrans" >$set
	kill -HUP $PK_PID
	wait_for "the refusal" grep -q 'reload refused' $out.err
	grep -q "tcp-resets" <(grep -B2 'reload refused' $out.err) ||
		fail "the refusal does not name the trigger's recipe: $(grep -B2 'reload refused' $out.err)"
	grep -q 'reloaded' $out.err && fail "the set was reloaded"
	ip netns exec $NS_A "$TOOLS/tcpflow" connects $V4_B 5207 1 0 30 >/dev/null
	wait_for "a capture after the refused reload" n_captures $cap 1
	printf 'tcp-resets\ntcp-retrans port=5207\n' >$set
	kill -HUP $PK_PID
	wait_for "the reload" grep -q 'reloaded: kept (counters go on): tcp-resets' $out.err
	ip netns exec $NS_A "$TOOLS/tcpflow" connects $V4_B 5207 1 0 30 >/dev/null
	wait_for "a capture after the reload" n_captures $cap 2
	pk_stop TERM
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	assert_clean
}

test_recorder_usage_errors() {
	local cap=$WORK/cap
	mkdir $cap
	expect_usage() {	# MESSAGE ARGS...
		local msg=$1
		shift
		"$PK" monitor "$@" >$WORK/o 2>$WORK/e
		[ $? = 2 ] || fail "exit not 2 for: $*"
		grep -qF -- "$msg" $WORK/e || fail "for '$*': $(cat $WORK/e)"
		[ "$(wc -l <$WORK/e)" = 1 ] || fail "not one line: $(cat $WORK/e)"
	}
	expect_usage "need --record DIR" tcp-resets --trigger 'tcp-resets:sent'
	expect_usage "at least one --trigger" tcp-resets --record $cap
	expect_usage "no recipe of that name" tcp-resets --record $cap --trigger 'tcp-retrans:retrans'
	expect_usage "no event of that name" tcp-resets --record $cap --trigger 'tcp-resets:nosuch'
	expect_usage "conditions are FIELD=VALUE" tcp-resets --record $cap --trigger 'tcp-resets:sent nosuch=1'
	expect_usage "conditions are FIELD=VALUE" tcp-resets --record $cap --trigger 'tcp-resets:sent > 5'
	expect_usage "RECIPE [FIELD] > TIME" tcp-resets --record $cap --trigger 'tcp-resets'
	expect_usage "not a time after" tcp-reqresp --record $cap --trigger 'tcp-reqresp > soon'
	expect_usage "not a writable directory" tcp-resets --record $WORK/nosuch --trigger 'tcp-resets:sent'
	expect_usage "larger than --captures-mb" tcp-resets --record $cap --trigger 'tcp-resets:sent' \
		--record-mb 64 --captures-mb 32
	expect_usage "not one printable line" tcp-resets --record $cap --trigger $'tcp-resets:sent\n'
	[ -z "$(ls -A $cap)" ] || fail "files made: $(ls -A $cap)"
	# report: what is not a capture is one line naming the file and line
	echo '{"type":"event"}' >$WORK/notcap
	"$PK" report $WORK/notcap >/dev/null 2>$WORK/e; [ $? = 2 ] || fail "report: exit"
	grep -q "notcap:1: not a probekit capture" $WORK/e || fail "report: $(cat $WORK/e)"
	printf '%s\n{bad\n' "$(echo '{"type":"capture","fired_ts_ns":1}')" >$WORK/badcap
	"$PK" report $WORK/badcap >/dev/null 2>$WORK/e; [ $? = 2 ] || fail "report: exit"
	grep -q "badcap:2:[0-9]*: " $WORK/e || fail "report: $(cat $WORK/e)"
	assert_clean
}
