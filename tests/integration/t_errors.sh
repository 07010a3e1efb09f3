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
	[ $rc = 2 ] && grep -q "apply to recipes with a latency analysis; 'tcp-retrans' has none" $WORK/err ||
		fail "-t on tcp-retrans: $rc"
	"$PK" run tcp-retrans --use retrans=9 2>$WORK/err; rc=$?
	[ $rc = 2 ] && grep -q "has no alternative '9'" $WORK/err || fail "bad --use: $rc"
	assert_clean
}
