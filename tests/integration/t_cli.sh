# The command-line contract: list, show, plan, info, help, install.

test_list_show() {
	cd "$REPO" || fail "cd"
	"$PK" list | grep -qE '^tcp-retrans +Each TCP retransmission' || fail "list: $("$PK" list)"
	PROBEKIT_RECIPES=$WORK "$PK" list >/dev/null || fail "list with PROBEKIT_RECIPES"
	"$PK" show tcp-retrans | grep -qE '^  port +port +only connections' || fail "show: parameters"
	"$PK" show recipes/tcp-retrans.json | grep -q '\[2\] kprobe tcp_retransmit_skb' || fail "show by path"
	( cd /tmp && "$PK" show tcp-retrans >/dev/null 2>&1 ) && fail "found a recipe outside the search path"
	( cd /tmp && PROBEKIT_RECIPES="$REPO/recipes" "$PK" show tcp-retrans >/dev/null ) ||
		fail "PROBEKIT_RECIPES not searched"
}

test_plan_as_root_shows_choice_and_writes() {
	cd "$REPO" || fail "cd"
	local before
	before=$(ls $T/instances | sort)
	"$PK" plan tcp-retrans -p port=443 >$WORK/plan || fail "plan failed"
	grep -q '^clock: mono$' $WORK/plan || fail "clock"
	grep -qE '\[0\] tracepoint tcp:tcp_retransmit_skb +chosen' $WORK/plan || fail "choice"
	grep -qE '\[2\] kprobe tcp_retransmit_skb +skipped: the kernel has no kprobe_events' $WORK/plan ||
		fail "kprobe skip reason"
	grep -qE 'events/tcp/tcp_retransmit_skb/filter +> \(sport == 443 \|\| dport == 443\)' $WORK/plan ||
		fail "filter write"
	[ "$(ls $T/instances | sort)" = "$before" ] || fail "plan changed tracefs"
	"$PK" plan tcp-retrans --use retrans=kprobe >/dev/null 2>&1
	[ $? = 3 ] || fail "forcing the kprobe on this kernel must be exit 3"
}

test_plan_without_root() {
	cd "$REPO" || fail "cd"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$PK" plan tcp-retrans >$WORK/plan 2>&1 ||
		fail "plan as nobody: $(cat $WORK/plan)"
	grep -q 'not readable by this user' $WORK/plan || fail "no note: $(cat $WORK/plan)"
	grep -qE '\[0\] tracepoint tcp:tcp_retransmit_skb +chosen' $WORK/plan || fail "no choice shown"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$PK" run tcp-retrans -d 1 2>$WORK/err
	[ $? = 1 ] && grep -q 'run needs root' $WORK/err || fail "run as nobody: $(cat $WORK/err)"
}

test_info_reports_this_kernel() {
	"$PK" info >$WORK/info || fail "info failed"
	for line in 'instances: yes' 'kprobe_events: no' 'hist_triggers: no' 'synthetic_events: no' \
		    'error_log: yes' 'clock_for_run: mono'; do
		grep -qx "$line" $WORK/info || fail "info lacks '$line': $(cat $WORK/info)"
	done
	grep -q '^trace_clocks: .*mono' $WORK/info || fail "clocks"
}

test_help_everywhere() {
	"$PK" --help | grep -q '^usage: probekit COMMAND' || fail "--help"
	for c in list show plan run monitor compare report info reset; do
		"$PK" $c --help | grep -q "^usage: probekit $c" || fail "$c --help"
	done
}

test_make_install_honours_prefix_and_destdir() {
	make -s -C "$REPO" install DESTDIR=$WORK/root PREFIX=/opt/pk >/dev/null || fail "make install"
	for f in sbin/probekit share/probekit/recipes/tcp-retrans.json share/man/man8/probekit.8 \
		 share/man/man5/probekit-recipe.5; do
		[ -f $WORK/root/opt/pk/$f ] || fail "missing $f"
	done
}
