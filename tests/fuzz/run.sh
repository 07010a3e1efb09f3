#!/bin/bash
# Run each libFuzzer harness for FUZZ_SECONDS on a corpus seeded from the
# shipped recipes and generated ring-buffer pages; print executions, crashes
# and leaks per harness (the target's own stderr, recipe errors, is closed),
# then "N passed, N failed". A crash or leak fails and leaves its input in build/fuzz/artifacts/: add it to tests/fuzz/regressions/HARNESS/
# (run first every time) and make it a unit regression test.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
secs=${FUZZ_SECONDS:-60}
work=$repo/build/fuzz
mkdir -p "$work/artifacts"
pass=0 failed=0 total=0

seed() {	# HARNESS DIR
	mkdir -p "$2"
	# every input that once crashed is run again first
	cp "$here/regressions/$1"/* "$2"/ 2>/dev/null
	case $1 in
	fuzz_recipe) cp "$repo"/recipes/*.json "$here"/../vm/recipes/*.json "$2"/ ;;
	fuzz_params) printf 'sport == ${port}\0port=80\0n=-1\0dev=eth0' >"$2/ref"
		     printf 'x == ${n:be32} || y == ${port:be16}\0port=65535' >"$2/be"
		     printf 'f:e lport=80 > 3/1s\0port=80' >"$2/trigger"
		     printf 'f lport > 200ms' >"$2/trigger_pair" ;;
	fuzz_reader) "$work/gen_pages" "$2" ;;
	fuzz_hist) printf '\001# event histogram\n#\n# trigger info: hist:keys=g0,lat.buckets=1000:vals=hitcount:size=32768 [active]\n#\n\n{ g0:       5001, lat: ~ 66000-66999 } hitcount:          1\n\nTotals:\n    Hits: 1\n    Entries: 1\n    Dropped: 0\n' >"$2/synth"
		   printf '\003# trigger info: hist:keys=common_pid.execname,id,ret:vals=hitcount:size=16384 if ret < 0 [active]\n{ common_pid: a\nb             [        99], id:        257, ret: 18446744073709551614 } hitcount:          5\n\nTotals:\n    Hits: 5\n    Entries: 1\n    Dropped: 0\n# trigger info: hist:keys=common_pid:vals=hitcount:size=2048 [active]\n{ common_pid:         99 } hitcount:          5\n\nTotals:\n    Hits: 5\n    Entries: 1\n    Dropped: 0\n' >"$2/execname" ;;
	esac
}

bins=()
for b in "$@"; do bins+=("$(realpath "$b")"); done
# a leak inside libtraceevent we cannot fix (see the file) is not ours
export LSAN_OPTIONS="suppressions=$here/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
cd "$repo/tests"	# the harnesses read fixtures/ and ../recipes/
for bin in "${bins[@]}"; do
	name=$(basename "$bin")
	corpus=$work/corpus-$name
	seed "$name" "$corpus"
	log=$work/$name.log
	"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
		-close_fd_mask=2 \
		-artifact_prefix="$work/artifacts/$name-" "$corpus" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	crashes=$(grep -c '^==[0-9]*==ERROR\|^SUMMARY: \|deadly signal' "$log")
	leaks=$(grep -c 'ERROR: LeakSanitizer' "$log")
	total=$((total + ${execs:-0}))
	if [ $rc = 0 ]; then
		echo "ok   fuzz $name: ${execs:-0} executions in ${secs}s, 0 crashes, 0 leaks"
		pass=$((pass + 1))
	else
		echo "FAIL fuzz $name: exit $rc after ${execs:-?} executions ($crashes crash reports, $leaks leaks)"
		# the run closed the target's stderr: run each input again to show
		# the sanitizer's report
		for art in "$work/artifacts/$name-"*; do
			[ -e "$art" ] || continue
			echo "    input: $art"
			"$bin" "$art" 2>&1 | grep -A12 -m1 'ERROR:\|runtime error\|deadly signal' | sed 's/^/    /'
		done
		failed=$((failed + 1))
	fi
done
echo "fuzz: $total executions in all"
echo "$pass passed, $failed failed"
[ $failed = 0 ]
