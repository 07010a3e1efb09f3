#!/bin/bash
# Build the test VM's initramfs: busybox, static probekit and tcpflow, iproute2's
# tc with its libraries, sch_netem.ko from the kernel package, recipes, tests.
#   build-initramfs.sh KERNEL_ROOT OUT.cpio.gz PROBEKIT TCPFLOW
set -euo pipefail
kroot=$1 out=$2 probekit=$3 tcpflow=$4
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

mkdir -p "$dir"/{bin,usr/sbin,proc,sys,dev,tmp,recipes,tests,modules}
cp /bin/busybox "$dir/bin/busybox"
cp "$probekit" "$dir/bin/probekit"
cp "$tcpflow" "$dir/bin/tcpflow"
cp "$here/init" "$dir/init"
cp "$here/guest.sh" "$dir/tests/guest.sh"
cp "$repo"/recipes/*.json "$here"/recipes/*.json "$dir/recipes/"
# a dynamic binary rides along with its libraries
tc=$(command -v tc)
cp "$tc" "$dir/usr/sbin/tc"
for lib in $(ldd "$tc" | grep -oE '/[^ ]+'); do
	mkdir -p "$dir$(dirname "$lib")"
	cp -L "$lib" "$dir$lib"
done
kver=$(ls "$kroot/lib/modules")
cp "$kroot/lib/modules/$kver/kernel/net/sched/sch_netem.ko" "$dir/modules/"
chmod +x "$dir/init" "$dir/tests/guest.sh"
(cd "$dir" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
