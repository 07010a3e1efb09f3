#!/bin/bash
# Integration tests on this machine's real tracefs. Each test_* function of each
# t_*.sh runs in its own bash, bounded in time, followed by cleanup and a check
# that nothing of probekit is left in tracefs. Prints "N passed, N failed";
# PROBEKIT_TEST_VERBOSE=1 shows the output of passing tests too.
set -u
here=$(cd "$(dirname "$0")" && pwd)
only="$*"
pass=0 failed=0 skipped=0 failures=()

if [ "$(id -u)" != 0 ]; then
	echo "integration tests need root (tracefs, network namespaces): skipped"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
[ -d /sys/kernel/tracing/instances ] || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null

for file in "$here"/t_*.sh; do
	for fn in $(grep -oE '^test_[a-z0-9_]+' "$file"); do
		if [ -n "$only" ]; then	# any of the words given
			want=0
			for w in $only; do [[ $fn == *$w* ]] && want=1; done
			[ $want = 1 ] || continue
		fi
		log=$(mktemp)
		start=$(date +%s)
		timeout -k 5 180 bash -c "source '$here/lib.sh'; source '$file'; trap cleanup EXIT; $fn" \
			>"$log" 2>&1
		rc=$?
		# the test's own leftovers check ran inside; this one is the runner's, always
		left=$(ls /sys/kernel/tracing/instances 2>/dev/null | grep '^probekit_';
		       grep -h probekit_ /sys/kernel/tracing/dynamic_events 2>/dev/null)
		if [ $rc = 77 ]; then
			echo "skip $fn ($(tail -1 "$log"))"
			skipped=$((skipped + 1))
		elif [ $rc = 0 ] && [ -z "$left" ]; then
			echo "ok   $fn ($(( $(date +%s) - start ))s)"
			[ -n "${PROBEKIT_TEST_VERBOSE:-}" ] && sed 's/^/    /' "$log"
			pass=$((pass + 1))
		else
			echo "FAIL $fn (exit $rc)"
			sed 's/^/    /' "$log"
			[ -n "$left" ] && echo "    left in tracefs: $left"
			failed=$((failed + 1))
			failures+=("$fn")
		fi
		rm -f "$log"
	done
done
[ ${#failures[@]} -gt 0 ] && echo "failed: ${failures[*]}"
echo "$pass passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
