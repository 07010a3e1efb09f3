# syscalls against a program that knows its own calls (tests/tools/syscaller,
# static: no loader): exactly N getppid(), M openat() failing with ENOENT and
# K nanosleep() of 2 ms, each timed by itself. probekit must count them
# exactly, name the error, and time the sleeps as the program did: its time
# (entry to return) is inside the program's (which adds the vDSO clock reads
# and the tracepoints' own cost), within 10% of it.

syscalls_check() {	# OUT PROGRAM-OUTPUT N M K
	python3 - "$@" <<-'PY'
	import json, sys
	out, prog, n, m, k = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
	lines = [json.loads(l) for l in open(out)]
	own = {l.split()[0]: l.split()[1:] for l in open(prog)}
	summ = [o for o in lines if o["type"] == "summary"][0]
	lat = [o for o in lines if o["type"] == "latency" and o["analysis"] == "time"][0]
	assert summ["lost"] == 0, f"lost {summ['lost']}"
	def calls(name, err=None):	# err None: the calls that succeeded
	    return sum(g["count"] for g in summ["groups"] if g["comm"] == "syscaller"
	               and g["syscall"]["name"] == name and g["err"] == err)
	def timed(name):
	    g = [g for g in lat["groups"] if g["comm"] == "syscaller" and g["syscall"]["name"] == name]
	    return g[0]["stats"] if g else {"count": 0}
	ppid, enoent, sleeps = calls("getppid"), calls("openat", "-ENOENT"), timed("nanosleep")
	own_p50, own_avg = int(own["nanosleep"][1]), int(own["nanosleep"][2])
	print(f"getppid {ppid} (want {n}), openat -ENOENT {enoent} (want {m}), "
	      f"getppid timed {timed('getppid')['count']}; nanosleep {sleeps['count']} timed: "
	      f"p50 {sleeps.get('p50_ns')} ns, avg {sleeps.get('avg_ns')} ns; its own p50 {own_p50}, avg {own_avg}")
	assert ppid == n and enoent == m, "counts"
	assert timed("getppid")["count"] == n and timed("openat")["count"] == m, f"timed counts: openat {timed('openat')}"
	assert calls("openat") == 0, "an openat of syscaller's succeeded"
	assert sleeps["count"] == k, "sleeps"
	# the median of ten sleeps: the program and probekit take neighbouring
	# ranks (5th or 6th), and a percentile is within 0.4% of its rank's value;
	# two sleeps differ by well under 1.5% (2 ms, the timer's slack 50 us)
	assert 0.9 * own_p50 <= sleeps["p50_ns"] <= own_p50 * 1.02, "sleep p50"
	assert sleeps["avg_ns"] <= own_avg and sleeps["total_ns"] <= k * own_avg, "sleep time"
	PY
}

test_syscalls_exact_counts_errors_and_times() {
	local out=$WORK/out
	pk_start $out run syscalls --json -q
	# its own calls are left out in the kernel
	grep -q "common_pid != $PK_PID" $T/instances/probekit_$PK_PID/events/raw_syscalls/sys_enter/filter ||
		fail "probekit's own calls are traced: $(cat $T/instances/probekit_$PK_PID/events/raw_syscalls/sys_enter/filter)"
	# through a pipe: a redirect would be an openat of the forked shell, which
	# probekit names after the program it became (it reads /proc after exec)
	"$TOOLS/syscaller" 5000 300 50 2000 | cat >$WORK/own
	[ "${PIPESTATUS[0]}" = 0 ] || fail "syscaller"
	sleep 0.3
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	syscalls_check $out $WORK/own 5000 300 50 || fail "syscalls"
	assert_clean
}

# -p comm=NAME: the kernel keeps that program's calls only.
test_syscalls_of_one_program() {
	local out=$WORK/out
	pk_start $out run syscalls --json -q -p comm=syscaller
	grep -q 'comm == "syscaller"' $T/instances/probekit_$PK_PID/events/raw_syscalls/sys_exit/filter ||
		fail "no comm filter in the kernel: $(cat $T/instances/probekit_$PK_PID/events/raw_syscalls/sys_exit/filter)"
	"$TOOLS/syscaller" 1000 20 10 2000 | cat >$WORK/own
	[ "${PIPESTATUS[0]}" = 0 ] || fail "syscaller"
	ls / >/dev/null
	sleep 0.3
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	syscalls_check $out $WORK/own 1000 20 10 || fail "syscalls"
	python3 - $out <<-'PY' || fail "other programs"
	import json, sys
	summ = [json.loads(l) for l in open(sys.argv[1]) if '"type":"summary"' in l][0]
	comms = {g["comm"] for g in summ["groups"]}
	print(f"programs: {sorted(comms)}")
	assert comms == {"syscaller"}, comms
	PY
	assert_clean
}

# --max-cpu: a storm of system calls (syscaller's getppid loop, for 6 s) costs
# probekit far more than 10% of a CPU: after 3 s over the budget it pauses
# tracing and says so, resumes once the storm is over and stays on; it then
# sees what follows exactly: a copy named aftercall makes 100 getppid(). The
# test polls with shell builtins: processes it started would be events too.
guard_last() {	# FILE: its last line from the guard
	local line last=
	while IFS= read -r line; do
		[[ $line == *"overhead guard"* ]] && last=$line
	done <"$1"
	echo "$last"
}
guard_resumed() { [[ $(guard_last "$1") == *resumed* ]]; }
guard_paused() { [[ $(guard_last "$1") == *"tracing paused"* ]]; }
test_syscalls_overhead_guard() {
	local out=$WORK/out after=$WORK/aftercall
	cp "$TOOLS/syscaller" $after
	mkfifo $WORK/nap
	exec {NAP_FD}<>$WORK/nap
	pk_start $out run syscalls --json -q --max-cpu 10
	timeout 6 sh -c "while :; do '$TOOLS/syscaller' 200000 0 1 1 >/dev/null; done" &
	local storm=$!
	WAIT_SLEEP=nap wait_for "the guard to pause tracing" guard_paused $out.err
	wait $storm
	WAIT_SLEEP=nap wait_for "tracing to resume after the storm" guard_resumed $out.err
	nap 1.5	# a second just after resuming decides whether it pauses again
	guard_resumed $out.err || fail "paused again after the storm: $(guard_last $out.err)"
	# it lives 1 s after its calls: probekit names a process from /proc when it
	# reads its events (within a poll, 200 ms), and one already gone may be nameless
	"$after" 100 0 1 1000000 >/dev/null
	nap 0.3
	exec {NAP_FD}>&-
	pk_stop INT
	[ $PK_RC = 0 ] || fail "exit $PK_RC: $(cat $out.err)"
	grep 'overhead guard' $out.err
	python3 - $out <<-'PY' || fail "guard report"
	import json, sys
	lines = [json.loads(l) for l in open(sys.argv[1])]
	summ = [o for o in lines if o["type"] == "summary"][0]
	g = summ["guard"]
	after = sum(x["count"] for x in summ["groups"] if x["comm"] == "aftercall"
	            and x["syscall"]["name"] == "getppid")
	print(f"guard: {g}; aftercall's getppid: {after} (want 100)")
	assert g["max_cpu"] == 10 and g["pauses"] >= 1 and g["paused_seconds"] >= 4.9, g
	assert g["max_cpu_seen"] > 10, g
	assert after == 100, after
	PY
	assert_clean
}
