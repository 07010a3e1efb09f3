#!/bin/bash
# make check-vm: boot real Debian kernels under qemu TCG, one after the other,
# each with an initramfs holding the static probekit and the guest tests, and
# report each guest test here, prefixed with its kernel. The kernels are the
# current ones of the suites in PROBEKIT_VM_SUITES (default: bullseye 5.10 with
# kprobes but no hist triggers, bookworm 6.1, trixie 6.12 or bookworm-backports).
# Prints "N passed, N failed" over all kernels last; a guest that did not
# finish counts as a failure. PROBEKIT_VM_TESTS=REGEX runs only the guest tests
# whose names it matches.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
probekit=${1:?usage: run.sh PROBEKIT_STATIC TCPFLOW_STATIC SYSCALLER_STATIC}
tcpflow=${2:?usage: run.sh PROBEKIT_STATIC TCPFLOW_STATIC SYSCALLER_STATIC}
syscaller=${3:?usage: run.sh PROBEKIT_STATIC TCPFLOW_STATIC SYSCALLER_STATIC}
cache=${PROBEKIT_VM_CACHE:-$repo/.cache/vm}
suites=${PROBEKIT_VM_SUITES:-bullseye bookworm trixie}

for tool in qemu-system-x86_64 cpio busybox xz; do
	command -v $tool >/dev/null || { echo "check-vm: $tool missing (make deps installs it)"; exit 1; }
done
mkdir -p "$cache"

pass=0
failed=0
for suite in $suites; do
	start=$(date +%s)
	if ! kroot=$("$here/fetch-kernel.sh" "$suite" "$cache"); then
		echo "FAIL vm $suite: no kernel"
		failed=$((failed + 1))
		continue
	fi
	kernel=$(ls "$kroot"/boot/vmlinuz-*)
	kver=${kernel##*/vmlinuz-}
	tag="vm ${kver%-amd64}"
	initrd=$cache/initramfs-$suite.cpio.gz
	if ! "$here/build-initramfs.sh" "$kroot" "$initrd" "$probekit" "$tcpflow" "$syscaller"; then
		echo "FAIL $tag: no initramfs"
		failed=$((failed + 1))
		continue
	fi

	log=$cache/console-$suite.log
	boot=$(date +%s)
	# KVM is not usable on these machines: software emulation, bounded in time.
	# thread=single: with one host thread per vCPU, a 6.12 guest took a stray int3
	# (Oops in ttwu_do_activate) while jump labels were being patched by text_poke.
	timeout -k 10 540 qemu-system-x86_64 -accel tcg,thread=single -cpu max -m 1024 -smp 2 -nographic -no-reboot \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 quiet panic=-1 loglevel=3${PROBEKIT_VM_TESTS:+ probekit.tests=$PROBEKIT_VM_TESTS}" </dev/null >"$log" 2>&1 || true
	# drop carriage returns and the firmware's terminal escapes
	sed -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\x1bc//g' "$log" >"$log.txt"

	echo "guest kernel ($suite): $(sed -n "s/.*PKVM kernel //p" "$log.txt")"
	grep -E '^PKVM (ok|FAIL|\||\.)' "$log.txt" | sed -e "s/^PKVM ok /ok   $tag: /" \
		-e "s/^PKVM FAIL /FAIL $tag: /" -e 's/^PKVM [|.] /    /' || true
	summary=$(sed -n 's/^PKVM done //p' "$log.txt")
	if [ -z "$summary" ]; then
		echo "FAIL $tag: the guest did not finish; console tail:"
		tail -30 "$log.txt" | sed 's/^/    /'
		# what it reported before, and one failure for not finishing
		p=$(grep -c '^PKVM ok ' "$log.txt" || true)
		f=$(( $(grep -c '^PKVM FAIL ' "$log.txt" || true) + 1 ))
	else
		read -r p f <<<"$(echo "$summary" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')"
		[ -n "${f:-}" ] || { echo "FAIL $tag: bad guest summary '$summary'"; p=0 f=1; }
	fi
	pass=$((pass + p))
	failed=$((failed + f))
	end=$(date +%s)
	echo "$tag stage: $((end - start))s (qemu $((end - boot))s): $p passed, $f failed"
done
echo "$pass passed, $failed failed"
[ $failed = 0 ]
