# Bad input: one clear line, the documented exit status, nothing left behind.

# RECIPE_TEXT EXPECTED_STATUS EXPECTED_TEXT [ARGS...]
expect_fail() {
	local text=$1 status=$2 want=$3
	shift 3
	printf '%s' "$text" >$WORK/r.json
	"$PK" run $WORK/r.json -d 2 "$@" >$WORK/out 2>$WORK/err
	local rc=$?
	[ $rc = "$status" ] || fail "exit $rc, want $status: $(cat $WORK/err)"
	[ "$(wc -l <$WORK/err)" = 1 ] || fail "want one line, got: $(cat $WORK/err)"
	grep -qF -- "$want" $WORK/err || fail "want '$want' in: $(cat $WORK/err)"
	assert_clean
}

HEAD='{"probekit":1,"name":"t","description":"d","parameters":{"port":{"type":"port"}},"fields":{"lport":{"format":"port"}},'
OUT='"output":{"columns":["time","lport"]}}'
tp() {	# TRACEPOINT FILTER
	echo "\"events\":{\"e\":{\"any\":[{\"tracepoint\":\"$1\",\"fields\":{\"lport\":\"sport\"},\"filter\":\"$2\"}]}},"
}

test_malformed_json() {
	expect_fail '{"probekit": 1,
  "name": "t",,
}' 2 "r.json:2:"
}

test_unknown_key_wrong_type_missing_field() {
	expect_fail "${HEAD}\"colour\":1,$(tp tcp:tcp_retransmit_skb 'sport > 0')$OUT" 2 "colour: unknown key"
	expect_fail "${HEAD%,}, \"events\":5,$OUT" 2 "events: must be an object, not an integer"
	expect_fail '{"probekit":1,"name":"t","events":{}}' 2 "description: missing required key"
}

test_unknown_parameter_and_bad_value() {
	expect_fail "$HEAD$(tp tcp:tcp_retransmit_skb 'sport > 0')$OUT" 2 "has no parameter 'nope'" -p nope=1
	expect_fail "$HEAD$(tp tcp:tcp_retransmit_skb 'sport > 0')$OUT" 2 "parameter port: 'http' is not a valid port" -p port=http
}

test_tracepoint_that_does_not_exist() {
	expect_fail "$HEAD$(tp tcp:no_such_event 'sport > 0')$OUT" 3 \
		"event 'e': no alternative runs on this kernel: [0] tracepoint tcp:no_such_event: not in this kernel"
}

test_function_that_does_not_exist() {
	expect_fail "$HEAD\"events\":{\"e\":{\"any\":[{\"kprobe\":\"no_such_function_xyz\",\"args\":{\"p\":\"\$arg1\"},\"fields\":{\"lport\":\"p\"}}]}},$OUT" \
		3 "[0] kprobe no_such_function_xyz: the kernel has no kprobe_events"
}

test_filter_the_kernel_rejects() {
	expect_fail "$HEAD$(tp tcp:tcp_retransmit_skb 'nosuchfield == ${port}')$OUT" 2 \
		"the kernel rejected filter '(nosuchfield == 80)' on tcp:tcp_retransmit_skb: Field not found" -p port=80
}

test_every_alternative_unsupported() {
	expect_fail "$HEAD\"events\":{\"e\":{\"any\":[{\"tracepoint\":\"nosys:nope\",\"fields\":{}},{\"kprobe\":\"tcp_retransmit_skb\",\"fields\":{}}]}},$OUT" \
		3 "[0] tracepoint nosys:nope: not in this kernel; [1] kprobe tcp_retransmit_skb: the kernel has no kprobe_events"
}

test_usage_errors() {
	local rc
	"$PK" frobnicate 2>$WORK/err; rc=$?
	[ $rc = 2 ] && grep -q "unknown command 'frobnicate'" $WORK/err || fail "unknown command: $rc"
	"$PK" run no-such-recipe 2>$WORK/err; rc=$?
	[ $rc = 2 ] && grep -q "no recipe 'no-such-recipe' on the search path" $WORK/err || fail "missing recipe: $rc"
	"$PK" run tcp-retrans -d soon 2>$WORK/err; rc=$?
	[ $rc = 2 ] && grep -q -- "-d soon: not a duration" $WORK/err || fail "bad duration: $rc"
	"$PK" run tcp-retrans -t 2ms -d 1 2>$WORK/err; rc=$?
	[ $rc = 2 ] && grep -qx "probekit: -t: recipe 'tcp-retrans' has no analysis that takes it" $WORK/err ||
		fail "-t on tcp-retrans: $rc"
	"$PK" run tcp-retrans --use retrans=9 2>$WORK/err; rc=$?
	[ $rc = 2 ] && grep -q "has no alternative '9'" $WORK/err || fail "bad --use: $rc"
	assert_clean
}

# The hostile recipe of the report (a fetch arg that deletes another tool's
# probe and makes one of its own): show, plan and run refuse it at load with
# one line naming the JSON path; nothing is written to tracefs.
test_hostile_recipe_refused_by_show_plan_run() {
	python3 - "$REPO/recipes/tcp-retrans.json" >$WORK/evil.json <<-'PY'
	import json, sys
	r = json.load(open(sys.argv[1]))
	for ev in r["events"].values():
	    ev["any"] = [a for a in ev["any"] if "kprobe" in a]
	    for a in ev["any"]:
	        k = next(iter(a["args"]))
	        a["args"][k] = "$arg1\n-:victim/probe\np:pkevil/made tcp_sendmsg"
	print(json.dumps(r))
	PY
	local before cmd rc
	before=$(cat $T/dynamic_events 2>/dev/null)
	for cmd in show plan run; do
		"$PK" $cmd $WORK/evil.json >$WORK/out 2>$WORK/err
		rc=$?
		[ $rc = 2 ] || fail "$cmd: exit $rc, want 2: $(cat $WORK/err)"
		[ "$(wc -l <$WORK/err)" = 1 ] || fail "$cmd: want one line: $(cat $WORK/err)"
		grep -qF 'evil.json: events.retrans.any[0].args.sk: a string holds a control character' \
			$WORK/err || fail "$cmd: $(cat $WORK/err)"
	done
	[ "$(cat $T/dynamic_events 2>/dev/null)" = "$before" ] || fail "dynamic events changed"
	assert_clean
}

no_raw_control() {	# FILE WHAT
	LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$1" && fail "$2: raw control byte: $(od -c "$1" | head -5)"
	true
}

# Every error path that echoes recipe or parameter text prints no raw control
# byte (terminal escapes set titles and clear screens).
test_errors_print_no_control_bytes() {
	local esc=$'\e]0;pwned\a\e[2J' cases=() i=0 rc
	cases+=("${HEAD}$(tp "tcp:${esc}" 'sport > 0')$OUT")
	cases+=("${HEAD}\"colour${esc}\":1,$(tp tcp:tcp_retransmit_skb 'sport > 0')$OUT")
	cases+=("${HEAD}$(tp tcp:tcp_retransmit_skb "sport > \${p${esc}}")$OUT")
	cases+=("${HEAD}\"events\":{\"e${esc}\":{\"any\":[]}},$OUT")
	cases+=("{\"probekit\":1,\"name\":\"t${esc}\"")
	for text in "${cases[@]}"; do
		printf '%s' "$text" | sed 's/\x1b/\\u001b/g; s/\x07/\\u0007/g' >$WORK/r$i.json
		"$PK" run $WORK/r$i.json -d 1 >$WORK/out 2>$WORK/err
		rc=$?
		[ $rc = 2 ] || fail "case $i: exit $rc, want 2: $(cat $WORK/err)"
		no_raw_control $WORK/err "case $i"
		i=$((i + 1))
	done
	# the same bytes raw in a parameter value and a recipe name
	"$PK" run tcp-retrans -p "port=1${esc}" -d 1 >$WORK/out 2>$WORK/err
	rc=$?
	[ $rc = 2 ] || fail "-p: exit $rc, want 2: $(cat $WORK/err)"
	no_raw_control $WORK/err "-p"
	"$PK" show "nosuch${esc}" >$WORK/out 2>$WORK/err
	rc=$?
	[ $rc = 2 ] || fail "show: exit $rc, want 2: $(cat $WORK/err)"
	no_raw_control $WORK/err "show"
	"$PK" run tcp-retrans --use "retrans=${esc}" -d 1 >$WORK/out 2>$WORK/err
	rc=$?
	[ $rc = 2 ] || fail "--use: exit $rc, want 2: $(cat $WORK/err)"
	no_raw_control $WORK/err "--use"
	"$PK" run tcp-retrans "-${esc}" >$WORK/out 2>$WORK/err
	rc=$?
	[ $rc = 2 ] || fail "bad option: exit $rc, want 2: $(cat $WORK/err)"
	grep -q 'unknown option' $WORK/err || fail "bad option: $(cat $WORK/err)"
	no_raw_control $WORK/err "bad option"
	assert_clean
}
