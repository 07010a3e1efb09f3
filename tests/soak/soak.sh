#!/bin/bash
# The monitor for SOAK_SECONDS (default 1800) under mixed traffic between two
# private namespaces: short request/response connections with loss, a long
# one with 30 ms answers, bulk transfers (GSO skbs of many segments), IPv4
# and IPv6, refused connects, resets; the endpoint scraped every 2 s (and
# `promtool check metrics` on a scrape every 30 s), bad requests among the
# scrapes, a SIGHUP every 5 minutes (once, midway, in a run under 10); the
# flight recorder writing captures.
# Checks at the end: resident memory did not grow once warm (after a
# warm-up that fills the summary's bounded tables; the last third of the
# run against the middle third), retransmissions counted (no more
# than the kernel's RetransSegs, none lost), bad requests answered 4xx and counted as such, no capture over
# its bounds, exit 0 and nothing left in tracefs.
#
#   PROBEKIT=./probekit TOOLS=build/tools tests/soak/soak.sh [SECONDS]
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../integration/lib.sh"
trap cleanup EXIT
trap "exit 1" INT TERM	# cleanup runs on these too
SECS=${1:-${SOAK_SECONDS:-1800}}
[ "$(id -u)" = 0 ] || { echo "soak: needs root (tracefs, namespaces)"; exit 77; }
[ -d $T/instances ] || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
command -v promtool >/dev/null || fail "promtool (Debian's prometheus) is not installed: make deps"
out=$WORK/out cap=$WORK/cap prom=$WORK/probekit.prom
mkdir -p $cap
mport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
netns_pair
life=$((SECS + 120))	# the servers' own time bound
bg ip netns exec $NS_B "$TOOLS/tcpflow" server $V4_B 5301 $life >$WORK/s1
bg ip netns exec $NS_B "$TOOLS/tcpflow" server $V6_B 5302 $life >$WORK/s2
bg ip netns exec $NS_B "$TOOLS/tcpflow" delay-server $V4_B 5303 30 $life >$WORK/s3
bg ip netns exec $NS_B "$TOOLS/tcpflow" qp-server $V4_B 5304 0:0 $life >$WORK/s4
bg ip netns exec $NS_B "$TOOLS/tcpflow" server $V4_B 5305 $life >$WORK/s5
for s in s1 s2 s3 s4 s5; do
	wait_for "server $s" grep -q '^listening' $WORK/$s
done
add_loss $NS_B 3 5301 5302 5304 5305
r0=$(( $(retrans_segs $NS_A) + $(retrans_segs $NS_B) ))
pk_start $out monitor tcp-retrans tcp-connect tcp-resets tcp-reqresp \
	-p tcp-reqresp:port=5305 --listen 127.0.0.1:$mport --textfile $WORK --every 1 \
	--record $cap --trigger 'tcp-reqresp total > 25ms' --trigger 'tcp-retrans:retrans > 20/1s' \
	--capture-interval 60 --max-captures 5 --captures-mb 64 --record-mb 16 --before 5 --after 1 \
	--max-cpu off -b ${SOAK_BUFFER_KB:-8192}	# the warm-up's bursts: a slow (ASan) build keeps up
wait_for "the first metrics" curl -sf --max-time 5 -o /dev/null http://127.0.0.1:$mport/metrics
# Warm-up: the tables a run keeps for its summary are bounded (4,096 flows,
# 4,096 connections' statistics, then overflow): fill them first, so that
# what is measured after is growth, not tables filling up to their caps.
ip netns exec $NS_A python3 - $V4_B <<-'PY' || fail "warm-up"
import socket, sys
dst = sys.argv[1]
for k in range(5000):		# refused: a flow and a reset each
    s = socket.socket(); s.settimeout(5)
    try: s.connect((dst, 5399))
    except OSError: pass
    s.close()
for k in range(4500):		# one request each, on a connection of its own
    s = socket.create_connection((dst, 5305), timeout=10)
    s.sendall(b"q" * 100); s.recv(1); s.close()
PY
end=$((SECONDS + SECS))
every_hup=$(( SECS < 600 ? SECS / 2 : 300 ))	# a short run reloads once, midway
rss=() bad=0 scrapes=0 hups=0 next_hup=$((SECONDS + every_hup)) next_check=$((SECONDS + 30))
# traffic: each round a few seconds, every shape
traffic() {
	while [ $SECONDS -lt $end ]; do
		ip netns exec $NS_A "$TOOLS/tcpflow" client $V4_B 5301 20 100 20 >/dev/null
		ip netns exec $NS_A "$TOOLS/tcpflow" client $V6_B 5302 20 100 20 >/dev/null
		ip netns exec $NS_A "$TOOLS/tcpflow" rr-client $V4_B 5304 4 100 1048576 1 30 >/dev/null
		ip netns exec $NS_A "$TOOLS/tcpflow" periodic $V4_B 5303 5 100 10 20 >/dev/null
		ip netns exec $NS_A "$TOOLS/tcpflow" client $V4_B 5305 20 100 20 >/dev/null
		ip netns exec $NS_A "$TOOLS/tcpflow" connects $V4_B 5399 3 0 20 >/dev/null
		ip netns exec $NS_A "$TOOLS/tcpflow" connects $V6_B 5399 3 0 20 >/dev/null
	done
}
traffic &
BG_PIDS+=($!)
while [ $SECONDS -lt $end ]; do
	kill -0 $PK_PID 2>/dev/null || fail "the monitor died: $(tail -3 $out.err)"
	curl -sf --max-time 5 -o $WORK/scrape http://127.0.0.1:$mport/metrics || fail "a scrape failed"
	scrapes=$((scrapes + 1))
	v=$(awk '$1 == "probekit_resident_memory_bytes" { print $2 }' $WORK/scrape)
	[ -n "$v" ] || fail "no probekit_resident_memory_bytes in a scrape: $(head -c 300 $WORK/scrape)"
	rss+=("$v")
	code=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:$mport/nothing)
	[ "$code" = 404 ] || fail "GET /nothing: $code"
	code=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' -X POST -d x http://127.0.0.1:$mport/metrics)
	[ "$code" = 405 ] || fail "POST: $code"
	bad=$((bad + 2))
	if [ $SECONDS -ge $next_check ]; then
		promtool check metrics <$WORK/scrape >/dev/null 2>&1 || fail "promtool check metrics"
		next_check=$((SECONDS + 30))
	fi
	if [ $SECONDS -ge $next_hup ]; then
		kill -HUP $PK_PID
		hups=$((hups + 1))
		next_hup=$((SECONDS + every_hup))
	fi
	sleep 2
done
wait "${BG_PIDS[-1]}" 2>/dev/null
sleep 2
r1=$(( $(retrans_segs $NS_A) + $(retrans_segs $NS_B) ))
curl -sf --max-time 5 -o $WORK/scrape http://127.0.0.1:$mport/metrics || fail "the last scrape"
pk_stop TERM
[ $PK_RC = 0 ] || fail "exit $PK_RC: $(tail -5 $out.err)"
assert_clean
n=${#rss[@]}
python3 - "$n" "${rss[@]}" <<-'PY' || fail "resident memory grew"
import statistics, sys
n = int(sys.argv[1]); rss = [int(x) for x in sys.argv[2:2 + n]]
mid = statistics.median(rss[n // 3: 2 * n // 3]); last = statistics.median(rss[2 * n // 3:])
print(f"resident memory: first {rss[0] / 2**20:.1f} MiB, middle third {mid / 2**20:.1f} MiB, "
      f"last third {last / 2**20:.1f} MiB, peak {max(rss) / 2**20:.1f} MiB")
sys.exit(0 if last - mid < 2 * 2**20 else 1)
PY
counted=$(awk '$1 == "probekit_events_total{recipe=\"tcp-retrans\",event=\"retrans\"}" { print $2 }' $WORK/scrape)
refused=$(awk '$1 == "probekit_http_requests_total{code=\"4xx\"}" { print $2 }' $WORK/scrape)
lost=$(awk '$1 == "probekit_lost_events_total" { print $2 }' $WORK/scrape)
echo "$SECS s: $scrapes scrapes, $bad bad requests ($refused counted 4xx), $hups reloads, lost events $lost"
echo "retransmissions: kernel +$((r1 - r0)), monitor $counted; captures: $(ls $cap | wc -l) kept"
[ "$refused" -ge "$bad" ] || fail "4xx counted $refused, sent $bad"
[ $hups -ge 1 ] && grep -q "probekit monitor: reloaded" $out.err || fail "no reload: $hups sent"
# an event is one retransmitted skb, RetransSegs counts segments (a bulk
# transfer's GSO skbs carry several): at least one, at most all of them
[ "$lost" = 0 ] && [ "$counted" -gt 0 ] && [ "$counted" -le $((r1 - r0)) ] ||
	fail "the monitor counted $counted retransmissions, the kernel $((r1 - r0)) segments (lost $lost)"
[ "$(ls $cap | wc -l)" -le 5 ] || fail "more than --max-captures"
[ -z "$(ls -A $cap | grep -v '^probekit-capture-')" ] || fail "partial captures: $(ls -A $cap)"
echo "ok   soak ($SECS s)"
