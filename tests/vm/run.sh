#!/bin/bash
# make check-vm: boot Debian's kernel (kprobes, hist triggers, synthetic events)
# under qemu TCG with an initramfs holding the static probekit and the guest
# tests; report each guest test here. Prints "N passed, N failed".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
probekit=${1:?usage: run.sh PROBEKIT_STATIC TCPFLOW_STATIC}
tcpflow=${2:?usage: run.sh PROBEKIT_STATIC TCPFLOW_STATIC}
cache=${PROBEKIT_VM_CACHE:-$repo/.cache/vm}

for tool in qemu-system-x86_64 cpio busybox; do
	command -v $tool >/dev/null || { echo "check-vm: $tool missing (make deps installs it)"; exit 1; }
done
kroot=$("$here/fetch-kernel.sh" "$cache")
kernel=$(ls "$kroot"/boot/vmlinuz-*)
"$here/build-initramfs.sh" "$kroot" "$cache/initramfs.cpio.gz" "$probekit" "$tcpflow"

log=$cache/console.log
start=$(date +%s)
# KVM is not usable on these machines: software emulation, bounded in time
timeout -k 10 540 qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 2 -nographic -no-reboot \
	-kernel "$kernel" -initrd "$cache/initramfs.cpio.gz" \
	-append "console=ttyS0 quiet panic=-1 loglevel=3" </dev/null >"$log" 2>&1 || true
# drop carriage returns and the firmware's terminal escapes
sed -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\x1bc//g' "$log" >"$log.txt"

echo "guest kernel: $(sed -n "s/.*PKVM kernel //p" "$log.txt")"
grep -E '^PKVM (ok|FAIL|\||\.)' "$log.txt" | sed -e 's/^PKVM ok /ok   vm: /' -e 's/^PKVM FAIL /FAIL vm: /' \
	-e 's/^PKVM [|.] /    /'
summary=$(sed -n 's/^PKVM done //p' "$log.txt")
echo "vm stage: $(( $(date +%s) - start ))s"
if [ -z "$summary" ]; then
	echo "FAIL vm: the guest did not finish; console tail:"
	tail -30 "$log.txt" | sed 's/^/    /'
	echo "0 passed, 1 failed"
	exit 1
fi
echo "$summary"
case $summary in *" 0 failed") exit 0 ;; *) exit 1 ;; esac
