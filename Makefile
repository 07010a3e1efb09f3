# probekit — recipe-driven ftrace tracer
PREFIX    ?= /usr/local
DESTDIR   ?=
SBINDIR   := $(PREFIX)/sbin
DATADIR   := $(PREFIX)/share/probekit
MANDIR    := $(PREFIX)/share/man

CC        ?= cc
# the static binary has no HTTP server (libmicrohttpd would bring gnutls): no monitor --listen
STATIC_PKGS := libtracefs libtraceevent jansson libseccomp libnl-3.0
PKGS      := $(STATIC_PKGS) libmicrohttpd
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
# libmicrohttpd is not linked: monitor --listen loads it (dlopen), the other commands
# do not pay for it and gnutls at start (output/metrics_http.c)
PKG_LIBS   = $(shell pkg-config --libs $(STATIC_PKGS)) -lm -ldl
WARN      := -Wall -Wextra -Werror -D_GNU_SOURCE
CFLAGS    ?= -O2 -g
# CPPFLAGS and LDFLAGS as packagers set them (dpkg-buildflags: fortify, relro/now)
ALL_CFLAGS = -std=gnu11 $(WARN) $(CPPFLAGS) $(CFLAGS) -Isrc $(PKG_CFLAGS) \
             -DPK_RECIPE_DIR='"$(DATADIR)/recipes"' -MMD -MP
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# Stage folders under src/ (see ARCHITECTURE.md); libprobekit.a is all but cmd/ and main.c.
SRCS      := $(sort $(wildcard src/*.c src/*/*.c))
LIB_SRCS  := $(filter-out src/main.c src/cmd/%,$(SRCS))
CMD_SRCS  := $(filter-out $(LIB_SRCS),$(SRCS))
LIB       := build/libprobekit.a
SAN_LIB   := build/asan/libprobekit.a
FUZZ_LIB  := build/fuzz/libprobekit.a
LIB_OBJS  := $(LIB_SRCS:src/%.c=build/%.o)
CMD_OBJS  := $(CMD_SRCS:src/%.c=build/%.o)
SAN_LOBJS := $(LIB_SRCS:src/%.c=build/asan/%.o)
SAN_COBJS := $(CMD_SRCS:src/%.c=build/asan/%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c tests/unit/*/*.c))
UNIT_OBJS := $(UNIT_SRCS:tests/unit/%.c=build/asan/unit/%.o)
TOOLS     := build/tools/tcpflow build/tools/delayline build/tools/syscaller build/tools/sleeper \
             build/tools/lazyreader

# Fuzzing (libFuzzer): the parsers of outside input, built with clang.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_OBJS    := $(LIB_SRCS:src/%.c=build/fuzz/%.o)
FUZZERS      := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

PHONY_BENCH := bench-overhead
.PHONY: all asan static bench-decode bench-reqresp bench-startup $(PHONY_BENCH) check check-unit check-integration check-static \
	check-vm check-fuzz check-soak soak fuzz deps install uninstall clean deb check-deb

all: probekit

probekit: $(CMD_OBJS) $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(LIB): $(LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

$(SAN_LIB): $(SAN_LOBJS)
	rm -f $@ && ar rcs $@ $^

$(FUZZ_LIB): $(FUZZ_OBJS)
	rm -f $@ && ar rcs $@ $^

build/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Sanitizer build, used by every test.
asan: probekit-asan build/asan/unit-tests

probekit-asan: $(SAN_COBJS) $(SAN_LIB)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(PKG_LIBS)

build/asan/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

build/asan/unit/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -Itests/unit -Itests/bench -c -o $@ $<

build/asan/unit-tests: $(UNIT_OBJS) $(SAN_LIB)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(PKG_LIBS) -lm

build/tools/%: tests/tools/%.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) -O2 -o $@ $<

# static: no loader opens anything, so every openat the syscalls test counts is its own
build/tools/syscaller: tests/tools/syscaller.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) -O2 -static -o $@ $<

build/tools/%-static: tests/tools/%.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) -O2 -static -o $@ $<

# One file for locked-down hosts: no shared libraries at run time. libtraceevent's
# plugin loader (dlopen) is linked but never used; libnl's static archive gives it
# the socket table as the dynamic binary has.
static: probekit-static

probekit-static: $(SRCS) $(wildcard src/*/*.h)
	@mkdir -p build
	$(CC) $(ALL_CFLAGS) -DPK_NO_HTTP -static -o $@ $(SRCS) $(shell pkg-config --static --libs $(STATIC_PKGS)) -lm

build/fuzz/%.o: src/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=gnu11 $(WARN) -O1 -g -Isrc $(PKG_CFLAGS) -DPK_RECIPE_DIR='"$(DATADIR)/recipes"' \
	  -MMD -MP $(FUZZ_FLAGS) \
	  -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB)
	$(FUZZ_CC) -std=gnu11 $(WARN) -O1 -g -Isrc -Itests/bench $(PKG_CFLAGS) $(FUZZ_FLAGS) \
	  -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) $(PKG_LIBS)

build/fuzz/gen_pages: tests/fuzz/gen_pages.c tests/bench/kprobe_layout.h tests/bench/pagegen.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) -O2 -Itests/bench $(PKG_CFLAGS) -o $@ $<

# Each fuzzer for FUZZ_SECONDS (default 60); prints executions, crashes and leaks.
fuzz: $(FUZZERS) build/fuzz/gen_pages
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh $(FUZZERS)

# The same, briefly, as part of make check.
check-fuzz: $(FUZZERS) build/fuzz/gen_pages
	FUZZ_SECONDS=$${FUZZ_SECONDS:-10} tests/fuzz/run.sh $(FUZZERS)

check: check-unit check-integration check-soak check-static check-deb check-fuzz bench-decode bench-reqresp bench-startup check-vm

check-unit: build/asan/unit-tests
	cd tests && ../build/asan/unit-tests

check-integration: probekit-asan $(TOOLS)
	PROBEKIT=$(CURDIR)/probekit-asan TOOLS=$(CURDIR)/build/tools tests/integration/run.sh

# The monitor under mixed traffic, scrapes, bad requests and reloads: a short
# run of the ASan build in check (its quarantine kept small, or freed memory
# would look like growth), the long one (SOAK_SECONDS, default 1800) on -O2.
check-soak: probekit-asan $(TOOLS)
	ASAN_OPTIONS=quarantine_size_mb=1 SOAK_BUFFER_KB=32768 PROBEKIT=$(CURDIR)/probekit-asan \
	  TOOLS=$(CURDIR)/build/tools tests/soak/soak.sh 60

soak: probekit $(TOOLS)
	PROBEKIT=$(CURDIR)/probekit TOOLS=$(CURDIR)/build/tools tests/soak/soak.sh $${SOAK_SECONDS:-1800}

# ns per event for read + decode + pair, on generated ring-buffer pages (-O2 build)
# what a tracer costs a real server (redis from Debian's packages, unpacked into .cache/bench):
# no tracer, the tracepoints alone, probekit, bpftrace where it runs; not part of check
bench-overhead: probekit
	tests/bench/overhead.sh ./probekit $(BENCH_RECIPE)

bench-decode: build/bench-decode
	cd tests && ../build/bench-decode

build/bench-decode: $(LIB) tests/bench/bench_decode.c tests/bench/pagegen.h
	$(CC) $(ALL_CFLAGS) -Itests/bench -o $@ tests/bench/bench_decode.c $(LIB) $(PKG_LIBS)

# ms from exec to a plan, and to tracing on, for the -O2 and the ASan build
bench-reqresp: build/bench-reqresp
	cd tests && ../build/bench-reqresp

build/bench-reqresp: $(LIB) tests/bench/bench_reqresp.c
	$(CC) $(ALL_CFLAGS) -Itests/bench -o $@ tests/bench/bench_reqresp.c $(LIB) $(PKG_LIBS)

bench-startup: probekit probekit-asan
	tests/bench/startup.sh $(CURDIR)/probekit $(CURDIR)/probekit-asan

check-static: probekit-static
	@readelf -d probekit-static 2>&1 | grep -q 'There is no dynamic section' || \
	  { echo "FAIL probekit-static has a dynamic section"; exit 1; }
	@./probekit-static --version | grep -q '^probekit ' && ./probekit-static list >/dev/null
	@echo "ok   probekit-static is static and runs"

# The Debian package (debian/): dpkg-buildpackage in a copy of the tree's files
# (tracked, and untracked ones git does not ignore) in build/deb/src, so neither
# the tree nor the other targets' build/ see its output; probekit_*.deb,
# .buildinfo and .changes land in build/deb/ (the copy's parent directory).
deb:
	rm -rf build/deb && mkdir -p build/deb/src
	git ls-files -co --exclude-standard -z | \
	  tar --null --no-recursion --ignore-failed-read -T - -cf - 2>/dev/null | tar -C build/deb/src -xf -
	cd build/deb/src && dpkg-buildpackage -us -uc -b
	@ls build/deb/*.deb build/deb/*.changes

# The package: lintian (no errors, no warnings), then installed, the unit's
# command run as systemd would, purged (tests/deb/install-test.sh; root).
check-deb: deb
	lintian --fail-on error,warning build/deb/probekit_*.changes
	tests/deb/install-test.sh build/deb/probekit_*_*.deb

# Real-kernel tests (kprobes, kretprobes, error_log, capabilities) in qemu VMs: Debian's
# 5.10, 6.1 and 6.12 kernels (PROBEKIT_VM_SUITES="bullseye bookworm trixie").
check-vm: probekit-static build/tools/tcpflow-static build/tools/syscaller
	tests/vm/run.sh $(CURDIR)/probekit-static $(CURDIR)/build/tools/tcpflow-static \
	    $(CURDIR)/build/tools/syscaller

# Build and test dependencies (Debian/Ubuntu: apt-get; RHEL family: dnf).
deps:
	@if command -v apt-get >/dev/null; then \
	  apt-get update -qq && apt-get install -y -qq gcc make pkg-config libtracefs-dev \
	    libtraceevent-dev libjansson-dev libseccomp-dev libnl-3-dev libmicrohttpd-dev clang libclang-rt-dev nftables iproute2 procps python3 util-linux \
	    qemu-system-x86 busybox-static cpio xz-utils binutils prometheus \
	    debhelper dpkg-dev fakeroot lintian; \
	elif command -v dnf >/dev/null; then \
	  dnf install -y gcc make pkgconf-pkg-config libtracefs-devel libtraceevent-devel \
	    jansson-devel libseccomp-devel libnl3-devel libmicrohttpd-devel clang compiler-rt nftables iproute procps-ng libasan libubsan python3 util-linux \
	    qemu-system-x86 busybox cpio xz binutils glibc-static; \
	else echo "make deps: no apt-get or dnf here; install libtracefs, libtraceevent, jansson, libseccomp, libnl-3, libmicrohttpd" >&2; exit 1; fi

install: probekit
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(DATADIR)/recipes $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5
	install -m 755 probekit $(DESTDIR)$(SBINDIR)/probekit
	install -m 644 recipes/*.json $(DESTDIR)$(DATADIR)/recipes/
	install -m 644 man/probekit.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 644 man/probekit-recipe.5 $(DESTDIR)$(MANDIR)/man5/

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/probekit $(DESTDIR)$(MANDIR)/man8/probekit.8 \
	  $(DESTDIR)$(MANDIR)/man5/probekit-recipe.5
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build probekit probekit-asan probekit-static

-include $(LIB_OBJS:.o=.d) $(CMD_OBJS:.o=.d) $(SAN_LOBJS:.o=.d) $(SAN_COBJS:.o=.d) $(UNIT_OBJS:.o=.d) $(FUZZ_OBJS:.o=.d)
