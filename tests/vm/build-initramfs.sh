#!/bin/bash
# Build the test VM's initramfs: busybox, static probekit, tcpflow and syscaller, iproute2's
# tc with its libraries, sch_netem.ko, inet_diag.ko and tcp_diag.ko and the config
# from the kernel package,
# recipes, tests.
#   build-initramfs.sh KERNEL_ROOT OUT.cpio.gz PROBEKIT TCPFLOW SYSCALLER
set -euo pipefail
kroot=$1 out=$2 probekit=$3 tcpflow=$4 syscaller=$5
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

mkdir -p "$dir"/{bin,usr/sbin,proc,sys,dev,tmp,recipes,tests,modules}
cp /bin/busybox "$dir/bin/busybox"
cp "$probekit" "$dir/bin/probekit"
cp "$tcpflow" "$dir/bin/tcpflow"
cp "$syscaller" "$dir/bin/syscaller"
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
# modules: lib/modules, or usr/lib/modules (merged /usr, trixie); .ko or .ko.xz,
# decompressed here since the guest's insmod takes plain .ko files
mods=
for m in "$kroot"/lib/modules/* "$kroot"/usr/lib/modules/*; do
	[ -d "$m/kernel" ] && { mods=$m; break; }
done
[ -n "$mods" ] || { echo "build-initramfs: no lib/modules/VERSION in $kroot" >&2; exit 1; }
# sch_netem (loss and delay), inet_diag and tcp_diag (the socket table sock_diag
# dumps: modules in Debian's kernels, loaded on demand on a real host)
copy_module() {	# PATH_WITHOUT_SUFFIX
	local ko=$mods/kernel/$1.ko name=${1##*/}
	if [ -f "$ko" ]; then
		cp "$ko" "$dir/modules/"
	elif [ -f "$ko.xz" ]; then
		command -v xz >/dev/null || { echo "build-initramfs: xz missing (make deps installs it)" >&2; exit 1; }
		xz -dc "$ko.xz" >"$dir/modules/$name.ko"
	else
		echo "build-initramfs: no $name.ko or $name.ko.xz in $mods" >&2
		exit 1
	fi
}
copy_module net/sched/sch_netem
copy_module net/ipv4/inet_diag
copy_module net/ipv4/tcp_diag
# the kernel's config: the guest's ground truth for what the kernel has
cp "$kroot"/boot/config-* "$dir/tests/kernel.config"
chmod +x "$dir/init" "$dir/tests/guest.sh"
(cd "$dir" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
