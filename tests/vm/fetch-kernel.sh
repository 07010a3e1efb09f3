#!/bin/bash
# Fetch the current linux-image-<ver>-amd64 of a Debian suite (what its
# linux-image-amd64 depends on) with a private apt configuration in CACHE, and
# unpack it. Prints the unpacked root. The machine's apt configuration is only
# read (for its mirror), never changed.
#   fetch-kernel.sh SUITE CACHE
# A kernel unpacked earlier is reused without network; the suite's package lists
# are updated only when they are missing or name a package that is gone. trixie
# falls back to bookworm-backports when its lists have no linux-image-amd64.
set -euo pipefail
suite=${1:?usage: fetch-kernel.sh SUITE CACHE_DIR}
cache=${2:?usage: fetch-kernel.sh SUITE CACHE_DIR}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# The machine's Debian mirror (deb822 or one-line sources); never printed
mirror() {
	local f=/etc/apt/sources.list.d/debian.sources u=
	if [ -f "$f" ]; then
		u=$(awk 'tolower($1) == "uris:" && $2 !~ /security/ { print $2; exit }' "$f")
	fi
	if [ -z "$u" ] && [ -f /etc/apt/sources.list ]; then
		u=$(awk '$1 == "deb" { sub(/^deb +(\[[^]]*\] +)?/, ""); if ($1 !~ /security/) { print $1; exit } }' \
			/etc/apt/sources.list)
	fi
	[ -n "$u" ] || { echo "fetch-kernel: no Debian mirror in /etc/apt/sources.list.d/debian.sources" \
		"or /etc/apt/sources.list" >&2; return 1; }
	echo "${u%/}"
}

# apt options for SUITE: its own sources list, lists, caches and archives in CACHE
apt_opts() {
	local s=$1
	echo "-o Dir::Etc::sourcelist=$cache/$s.list -o Dir::Etc::sourceparts=-" \
		"-o Dir::State::Lists=$cache/lists-$s -o Dir::Cache=$cache/apt-$s" \
		"-o Dir::Cache::archives=$cache/apt-$s/archives -o Dir::Cache::pkgcache=" \
		"-o Dir::Cache::srcpkgcache="
}

update() {	# SUITE
	local s=$1 keyring=/usr/share/keyrings/debian-archive-keyring.gpg opt=
	[ -f "$keyring" ] && opt=" [signed-by=$keyring]"
	echo "deb$opt $(mirror) $s main" >"$cache/$s.list"
	mkdir -p "$cache/lists-$s/partial" "$cache/apt-$s/archives/partial"
	echo "fetch-kernel: apt-get update ($s)" >&2
	# shellcheck disable=SC2046
	apt-get $(apt_opts "$s") update -qq >/dev/null 2>"$cache/apt-$s.err" ||
		{ sed 's/^/    /' "$cache/apt-$s.err" >&2; echo "fetch-kernel: apt-get update ($s) failed" >&2; return 1; }
}

kernel_pkg() {	# SUITE: linux-image-<ver>-amd64 from the suite's lists, or nothing
	local s=$1
	[ -f "$cache/$s.list" ] && [ -d "$cache/lists-$s" ] || return 0
	# shellcheck disable=SC2046
	apt-cache $(apt_opts "$s") depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}

# pick SUITE (or its fallback), updating lists only when they name no kernel
pkg='' from=''
for s in $suite $([ "$suite" = trixie ] && echo bookworm-backports); do
	pkg=$(kernel_pkg "$s")
	if [ -z "$pkg" ] && update "$s"; then
		pkg=$(kernel_pkg "$s")
	fi
	[ -n "$pkg" ] && { from=$s; break; }
	echo "fetch-kernel: no linux-image-amd64 in $s" >&2
done
[ -n "$pkg" ] || { echo "fetch-kernel: no kernel package for $suite" >&2; exit 1; }

download() {	# into $cache/debs
	mkdir -p "$cache/debs"
	# shellcheck disable=SC2046
	(cd "$cache/debs" && rm -f "$pkg"_*.deb &&
		apt-get $(apt_opts "$from") download -qq "$pkg" >/dev/null 2>"$cache/apt-$from.err")
}

if [ ! -f "$cache/$pkg/.unpacked" ]; then
	# lists older than the mirror may name a package it no longer has: update, retry once
	if ! download; then
		update "$from"
		pkg=$(kernel_pkg "$from")
		if [ -z "$pkg" ] || ! download; then
			sed 's/^/    /' "$cache/apt-$from.err" >&2
			echo "fetch-kernel: cannot download the kernel of $from" >&2
			exit 1
		fi
	fi
	echo "fetch-kernel: unpacking $pkg ($from)" >&2
	rm -rf "${cache:?}/$pkg"
	mkdir -p "$cache/$pkg"
	dpkg-deb -x "$cache/debs/$pkg"_*.deb "$cache/$pkg"
	rm -f "$cache/debs/$pkg"_*.deb
	touch "$cache/$pkg/.unpacked"
fi
echo "$cache/$pkg"
