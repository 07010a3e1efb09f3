#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package, installed for real (as root): dpkg -i, its files, probekit
# list from /, systemd-analyze verify on the unit, the unit's ExecStart run as
# systemd would (tests/deb/run_unit.py: EnvironmentFile, capability bounding set,
# NoNewPrivileges, NOTIFY_SOCKET) until READY=1, its metrics, SIGTERM, tracefs
# left clean, then dpkg --purge and nothing of the package left.
#   tests/deb/install-test.sh build/deb/probekit_VERSION_ARCH.deb
# Prints "ok"/"FAIL" lines and "N passed, N failed"; exit status 1 on a failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
deb=${1:?usage: install-test.sh PACKAGE.deb}
pkg=probekit
unit_name=probekit-monitor.service
conffile=/etc/default/probekit
port=9464
timeout=60
pass=0 failed=0
installed_by_us=0 mounted_tracefs=0 made_state=0 runner_pid=
tmp=$(mktemp -d /tmp/probekit-deb-test.XXXXXX)
python=/usr/bin/python3
[ -x $python ] || python=$(command -v python3)

ok()   { echo "ok   $*"; pass=$((pass + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
check() {	# check DESCRIPTION COMMAND...
	local what=$1; shift
	if "$@" >"$tmp/check.out" 2>&1; then ok "$what"; else
		fail "$what"; sed 's/^/    /' "$tmp/check.out" | head -20; fi
}
# dpkg has the package in any state but purged (installed, half-installed, config-files)
known() {
	local st
	st=$(dpkg-query -W -f='${Status}' $pkg 2>/dev/null) && [ -n "$st" ] && [[ $st != *not-installed ]]
}
summary() {
	echo "$pass passed, $failed failed"
	[ $failed = 0 ]
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [ -n "$runner_pid" ] && kill -0 "$runner_pid" 2>/dev/null; then
		kill -TERM "$runner_pid" 2>/dev/null	# it kills the monitor it started
		# it stops the monitor with SIGTERM (SIGKILL after 10 s)
		for _ in $(seq 150); do kill -0 "$runner_pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$runner_pid" 2>/dev/null
	fi
	if [ -s "$tmp/monitor.pid" ]; then	# the monitor itself, should the runner have died
		local mon
		mon=$(cat "$tmp/monitor.pid")
		if kill -0 "$mon" 2>/dev/null; then
			kill -TERM "$mon"
			for _ in $(seq 100); do kill -0 "$mon" 2>/dev/null || break; sleep 0.1; done
			kill -KILL "$mon" 2>/dev/null && sleep 0.2
		fi
		# what a killed monitor left in tracefs: reset removes dead runs' state only
		if [ -d "/sys/kernel/tracing/instances/probekit_$mon" ] && [ -x /usr/sbin/probekit ]; then
			/usr/sbin/probekit reset
		fi
	fi
	if [ $installed_by_us = 1 ] && known; then
		dpkg --purge $pkg >/dev/null 2>&1 || echo "cleanup: dpkg --purge $pkg failed" >&2
	fi
	[ $made_state = 1 ] && rm -rf /var/lib/probekit
	[ $mounted_tracefs = 1 ] && umount /sys/kernel/tracing 2>/dev/null
	rm -rf "$tmp"
	exit $rc
}
trap cleanup EXIT
trap 'echo "interrupted"; exit 130' INT TERM

if [ "$(id -u)" != 0 ]; then
	echo "FAIL the package test needs root (dpkg -i, tracefs)"; exit 1
fi
if [ ! -f "$deb" ]; then
	echo "FAIL $deb: no such package (make deb)"; exit 1
fi
deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
if known; then
	echo "FAIL $pkg is already installed here: the test would purge it (dpkg --purge $pkg first)"
	exit 1
fi
if [ -e /var/lib/probekit ]; then
	echo "FAIL /var/lib/probekit exists: the test would remove it (purge checks it goes)"; exit 1
fi
if $python -c "import socket,sys; s=socket.socket(); s.settimeout(1); sys.exit(s.connect_ex(('127.0.0.1',$port)) != 0)"; then
	echo "FAIL something listens on 127.0.0.1:$port (the default configuration's --listen): stop it first"
	ss -ltnp "sport = :$port" 2>/dev/null | sed 's/^/    /'
	exit 1
fi
if [ ! -d /sys/kernel/tracing/instances ]; then
	mount -t tracefs nodev /sys/kernel/tracing && mounted_tracefs=1
fi

# --- install ---
installed_by_us=1
if dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1; then
	ok "dpkg -i $(basename "$deb")"
elif apt-get install -y -q "$deb" >>"$tmp/dpkg.log" 2>&1; then
	ok "apt-get install $(basename "$deb") (dependencies were missing for dpkg -i)"
else
	fail "installing $(basename "$deb")"; sed 's/^/    /' "$tmp/dpkg.log" | tail -20
	summary; exit 1
fi
dpkg -L $pkg | sort >"$tmp/files"
dpkg-query -W -f='${Conffiles}\n' $pkg | awk 'NF {print $1}' >"$tmp/conffiles"

# --- files ---
version=$(dpkg-query -W -f='${Version}' $pkg)
check "/usr/sbin/probekit runs and says the package's version ($version)" \
	bash -c "[ -x /usr/sbin/probekit ] && /usr/sbin/probekit --version | tee /dev/stderr | \
	grep -qx 'probekit $version'"
check "the recipes are in /usr/share/probekit/recipes" \
	bash -c 'for r in tcp-retrans tcp-connect tcp-resets; do
		[ -r /usr/share/probekit/recipes/$r.json ] || { echo "no $r.json"; exit 1; }; done'
for m in /usr/share/man/man8/probekit.8.gz /usr/share/man/man5/probekit-recipe.5.gz; do
	check "man -l $m renders" bash -c "[ -r $m ] && MANWIDTH=80 man -l $m 2>&1 | \
		tee /dev/stderr | grep -q '^NAME' && MANWIDTH=80 man -l $m >/dev/null"
done
unit=$(grep -E "/lib/systemd/system/$unit_name\$" "$tmp/files" | head -1)
check "the unit is installed ($unit)" test -n "$unit" -a -r "${unit:-/nonexistent}"
unit=${unit:-/lib/systemd/system/$unit_name}
check "$conffile is a conffile of the package" grep -qx "$conffile" "$tmp/conffiles"
check "the unit is not enabled" bash -c "! ls /etc/systemd/system/*.wants/$unit_name 2>/dev/null"

# --- the recipe directory compiled in ---
check "the recipe directory compiled in is /usr/share/probekit/recipes (probekit list --help)" \
	bash -c '/usr/sbin/probekit list --help | tee /dev/stderr | grep -q "/usr/share/probekit/recipes\.$"'
check "probekit list, run in /, finds all $(ls /usr/share/probekit/recipes | wc -l) packaged recipes" \
	bash -c 'cd / && [ ! -e recipes ] && out=$(env -u PROBEKIT_RECIPES /usr/sbin/probekit list 2>&1);
		echo "$out"; for f in /usr/share/probekit/recipes/*.json; do r=$(basename "$f" .json)
		grep -q "^$r " <<<"$out" || { echo "missing: $r"; exit 1; }; done'

# --- the unit ---
check "systemd-analyze verify $unit" bash -c "out=\$(systemd-analyze verify '$unit' 2>&1); rc=\$?;
	echo \"\$out\"; [ \$rc = 0 ] && ! grep -q . <<<\"\$out\""
if systemd-analyze security --help 2>/dev/null | grep -q -- --offline; then
	systemd-analyze security --offline=yes "$unit" >"$tmp/security" 2>&1
	echo "     systemd-analyze security --offline=yes: $(grep -E 'Overall exposure level' "$tmp/security" | sed 's/.*: //')"
fi

# The unit as systemd starts it; the state directory made as StateDirectory= makes it.
made_state=1
$python "$here/run_unit.py" "$unit" /var/lib --timeout $timeout \
	--metrics "http://127.0.0.1:$port/metrics" \
	--expect 'probekit_recipe_up{recipe="tcp-retrans"} 1' \
	--instance-dir '/sys/kernel/tracing/instances/probekit_{pid}' \
	>"$tmp/run.log" 2>&1 &
runner_pid=$!
# its monitor's pid, for the cleanup and the tracefs checks (bounded wait)
for _ in $(seq $((timeout * 10))); do
	grep -q '^pid ' "$tmp/run.log" && break
	kill -0 $runner_pid 2>/dev/null || break
	sleep 0.1
done
mon_pid=$(awk '/^pid / {print $2; exit}' "$tmp/run.log")
[ -n "$mon_pid" ] && echo "$mon_pid" >"$tmp/monitor.pid"
wait $runner_pid
runner_rc=$?
runner_pid=
while IFS= read -r line; do
	case $line in
	"ok   "*) ok "${line#ok   }" ;;
	"FAIL "*) fail "${line#FAIL }" ;;
	"pid "*) ;;
	*) echo "    $line" ;;
	esac
done <"$tmp/run.log"
[ $runner_rc = 0 ] || fail "the service run (run_unit.py exit $runner_rc)"
[ -n "$mon_pid" ] || fail "run_unit.py said the service's pid"
check "nothing of the monitor left in tracefs" bash -c "
	ls /sys/kernel/tracing/instances | grep -x 'probekit_$mon_pid' &&  exit 1
	grep -h 'probekit_$mon_pid' /sys/kernel/tracing/dynamic_events /sys/kernel/tracing/kprobe_events \
		2>/dev/null && exit 1; exit 0"
others=$(ls /sys/kernel/tracing/instances | grep '^probekit_' | tr '\n' ' ')
[ -n "$others" ] && echo "     (other probekit instances in tracefs, not this test's: $others)"

# The same run with a unit whose ExecStart lost $MONITOR_OPTIONS (no --listen)
# must fail the metrics check: the check above can fail.
sed 's/ \$MONITOR_OPTIONS//' "$unit" >"$tmp/broken.service"
mkdir -p "$tmp/state"
$python "$here/run_unit.py" "$tmp/broken.service" "$tmp/state" --timeout 5 \
	--metrics "http://127.0.0.1:$port/metrics" \
	--expect 'probekit_recipe_up{recipe="tcp-retrans"} 1' >"$tmp/broken.log" 2>&1 &
runner_pid=$!
wait $runner_pid
broken_rc=$?
runner_pid=
check "a unit without \$MONITOR_OPTIONS in ExecStart fails the metrics check (exit $broken_rc)" \
	bash -c "[ $broken_rc != 0 ] && grep '^FAIL http://127.0.0.1:$port/metrics' '$tmp/broken.log' ||
		{ cat '$tmp/broken.log'; exit 1; }"

# --- purge ---
check "dpkg --purge $pkg" dpkg --purge $pkg
installed_by_us=0
check "every file of the package is gone (dpkg -L before the purge)" bash -c '
	left=0
	while IFS= read -r f; do
		[ "$f" = /. ] && continue
		# directories other packages share (/usr, /usr/share/man/man8) stay;
		# one nobody owns any more must be gone if it is empty
		if [ -d "$f" ]; then	# /lib may be a symbolic link (merged /usr)
			if ! dpkg-query -S "$f" >/dev/null 2>&1 && [ -z "$(ls -A "$f")" ]; then
				echo "left: $f/"; left=1
			fi
			continue
		fi
		if [ -e "$f" ] || [ -L "$f" ]; then echo "left: $f"; left=1; fi
	done <"'"$tmp/files"'"
	for d in /usr/share/probekit /usr/share/doc/probekit; do
		[ -e $d ] && { echo "left: $d"; left=1; }; done
	exit $left'
check "the conffile $conffile is gone" test ! -e $conffile
check "the state directory /var/lib/probekit is gone" test ! -e /var/lib/probekit
made_state=0
check "dpkg has $pkg purged" bash -c "! { $(declare -f known); pkg=$pkg; known; }"

summary
