# Nothing of probekit survives a run, whatever ends it; only dead runs' state is reset.

test_signals_leave_nothing_behind() {
	local out=$WORK/out
	for sig in INT TERM HUP; do
		pk_start $out run tcp-retrans -q
		[ -d $T/instances/probekit_$PK_PID ] || fail "no instance while running"
		pk_stop $sig
		[ $PK_RC = 0 ] || fail "SIG$sig: exit $PK_RC: $(cat $out.err)"
		grep -q -- '--- tcp-retrans' $out || fail "SIG$sig: no summary"
		assert_clean
	done
}

test_sigpipe_from_closed_reader() {
	netns_pair
	add_loss $NS_B 25 5003
	server $NS_B $V4_B 5003
	# head exits after two lines; the next event line gets EPIPE/SIGPIPE
	( timeout 60 "$PK" run tcp-retrans -p port=5003 | head -2 >$WORK/head ) &
	local pipeline=$!
	for _ in $(seq 20); do
		client $NS_A $V4_B 5003 50 >/dev/null
		kill -0 $pipeline 2>/dev/null || break
	done
	wait $pipeline
	[ "$(wc -l <$WORK/head)" = 2 ] || fail "head got: $(cat $WORK/head)"
	pgrep -f "run tcp-retrans -p port=5003" >/dev/null && fail "probekit still running"
	assert_clean
}

test_duration_expiry() {
	local t0 rc
	t0=$(date +%s%N)
	"$PK" run tcp-retrans -d 1 -q >$WORK/out 2>&1
	rc=$?
	[ $rc = 0 ] || fail "exit $rc: $(cat $WORK/out)"
	local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	# start-up time is the machine's (and ASan's); the bound only catches a hang
	[ $ms -ge 1000 ] && [ $ms -lt $((WAIT_S * 1000)) ] || fail "-d 1 took ${ms}ms"
	grep -q -- '--- tcp-retrans: 1.0 s' $WORK/out || fail "summary: $(cat $WORK/out)"
	assert_clean
}

test_kill9_leftovers_removed_by_reset_and_next_run() {
	local out=$WORK/out
	pk_start $out run tcp-retrans -q
	local dead=$PK_PID
	kill -9 $dead
	wait $dead 2>/dev/null
	[ -d $T/instances/probekit_$dead ] || fail "expected the killed run's instance to remain"
	"$PK" reset >$WORK/reset || fail "reset failed"
	grep -q "removed instance probekit_$dead (pid $dead is gone)" $WORK/reset || fail "$(cat $WORK/reset)"
	assert_clean
	"$PK" reset | grep -q 'nothing to remove' || fail "second reset found something"

	pk_start $out run tcp-retrans -q
	dead=$PK_PID
	kill -9 $dead
	wait $dead 2>/dev/null
	"$PK" run tcp-retrans -d 0.3 -q >/dev/null || fail "next run failed"
	[ -d $T/instances/probekit_$dead ] && fail "next run did not remove the dead run's instance"
	assert_clean
}

test_reset_spares_foreign_state_and_live_runs() {
	local out=$WORK/out uprobe="p:foreign$ID/x /bin/true:0x0"
	mkdir $T/instances/foreign$ID || fail "mkdir instance"
	echo "$uprobe" >>$T/uprobe_events || fail "cannot create a foreign uprobe"
	pk_start $out run tcp-retrans -q
	"$PK" reset >$WORK/reset || fail "reset failed"
	[ -d $T/instances/foreign$ID ] || fail "reset removed a foreign instance"
	grep -q "foreign$ID/x" $T/dynamic_events || fail "reset removed a foreign dynamic event"
	[ -d $T/instances/probekit_$PK_PID ] || fail "reset removed a live run's instance"
	pk_stop INT
	rmdir $T/instances/foreign$ID
	echo "-:foreign$ID/x" >>$T/uprobe_events
	assert_clean
}

test_two_runs_do_not_disturb_each_other() {
	netns_pair
	add_loss $NS_B 15 5001 5002
	server $NS_B $V4_B 5001
	server $NS_B $V4_B 5002
	pk_start $WORK/one run tcp-retrans -p port=5001 --json
	local one=$PK_PID
	pk_start $WORK/two run tcp-retrans -p port=5002 --json
	local two=$PK_PID
	client $NS_A $V4_B 5001 80 >/dev/null
	client $NS_A $V4_B 5002 80 >/dev/null
	PK_PID=$one pk_stop INT
	[ -d $T/instances/probekit_$two ] || fail "stopping one run removed the other's instance"
	# the second run still traces after the first is gone
	local before after
	before=$(grep -c '"type":"event"' $WORK/two)
	client $NS_A $V4_B 5002 80 >/dev/null
	sleep 0.3
	PK_PID=$two pk_stop INT
	after=$(grep -c '"type":"event"' $WORK/two)
	[ "$(grep -c '"rport":5001' $WORK/one)" -gt 0 ] || fail "run one saw nothing"
	grep -qE '"[lr]port":5002[,}]' $WORK/one && fail "run one saw port 5002"
	grep -q '"rport":5001' $WORK/two && fail "run two saw port 5001"
	[ "$after" -gt "$before" ] || fail "run two stopped tracing when run one ended"
	assert_clean
}
