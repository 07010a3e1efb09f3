#!/bin/bash
# Fetch Debian's current linux-image-*-amd64 with apt into CACHE and unpack it.
# Prints the unpacked root. Reuses an earlier download.
set -euo pipefail
cache=${1:?usage: fetch-kernel.sh CACHE_DIR}
mkdir -p "$cache"
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
if [ -z "$pkg" ]; then
	apt-get update -qq >&2
	pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
fi
[ -n "$pkg" ] || { echo "fetch-kernel: no linux-image-amd64 in apt" >&2; exit 1; }
root=$cache/$pkg
if [ ! -f "$root/.unpacked" ]; then
	rm -rf "$root"
	mkdir -p "$root"
	(cd "$cache" && rm -f "$pkg"_*.deb && apt-get download -qq "$pkg" >&2)
	dpkg-deb -x "$cache/$pkg"_*.deb "$root"
	touch "$root/.unpacked"
fi
echo "$root"
