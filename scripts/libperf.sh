#!/bin/sh
# Build libperf (and the libapi it needs) from the kernel source's tools/lib.
# No Debian package ships libperf, so it comes from the installed
# linux-source-6.12 tarball, the same source the bench kernel is built from.
#
#   libperf.sh [build]   build (or reuse) it; print only the prefix on stdout
#   libperf.sh prefix    print the prefix it would use (no build; cheap)
#
# Cache: ${SUBTREE_BENCH_CACHE:-~/.cache/subtree-bench}/libperf-<pkgversion>/
#   linux-source-6.12/tools/   only this part of the tarball is extracted
#   prefix/include/perf/*.h    installed headers
#   prefix/lib/libperf.a, libapi.a, pkgconfig/libperf.pc
#   prefix/.ok                 written last: the cache entry is complete
# Link with: -L<prefix>/lib -l:libperf.a -l:libapi.a
# (scripts/libperf.mk does this for the Makefile.) Progress goes to stderr;
# V=1 shows the whole build. Idempotent: a complete entry costs one stat().
set -eu

ME=$(basename "$0")
CACHE=${SUBTREE_BENCH_CACHE:-${HOME:-/root}/.cache/subtree-bench}
SRC_PKG=linux-source-6.12
SRC_TARBALL=${SUBTREE_BENCH_KERNEL_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
VERBOSE=${V:-0}

die() { echo "$ME: $*" >&2; exit 1; }
say() { echo "$ME: $*" >&2; }

pkgversion() {
	v=$(dpkg-query -W -f='${Version}' "$SRC_PKG" 2>/dev/null || true)
	if [ -z "$v" ] && [ -r "$SRC_TARBALL" ]; then
		# Not installed as a package (custom tarball): key on its size+mtime.
		v=custom-$(stat -c '%s-%Y' "$SRC_TARBALL")
	fi
	# Nothing installed yet (before `make deps`): `prefix` must still answer,
	# `build` then stops below with the fix.
	[ -n "$v" ] || v=unknown
	# '~' and ':' are legal in Debian versions but awkward in make and paths.
	printf '%s\n' "$v" | tr '~:' '-_'
}

cmd=${1:-build}
case $cmd in
build|prefix) ;;
-h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
*) echo "usage: $ME [build|prefix]" >&2; exit 2 ;;
esac

ENTRY=$CACHE/libperf-$(pkgversion)
PREFIX=$ENTRY/prefix

if [ "$cmd" = prefix ]; then
	printf '%s\n' "$PREFIX"
	exit 0
fi

# Fast path: a complete entry.
if [ -f "$PREFIX/.ok" ]; then
	printf '%s\n' "$PREFIX"
	exit 0
fi

[ -r "$SRC_TARBALL" ] ||
	die "no $SRC_TARBALL: install package $SRC_PKG ('sudo make deps') or set SUBTREE_BENCH_KERNEL_TARBALL"
command -v make >/dev/null || die "make not found: install it ('sudo make deps')"

mkdir -p "$ENTRY"
# Two makes (or a make and a test) may race to build: serialize on a lock.
exec 9>"$ENTRY/.lock"
if command -v flock >/dev/null; then
	flock 9
fi
if [ -f "$PREFIX/.ok" ]; then		# built while we waited
	printf '%s\n' "$PREFIX"
	exit 0
fi

LOG=$ENTRY/build.log
: >"$LOG"
run() {
	if [ "$VERBOSE" = 1 ]; then
		"$@" >&2
	else
		"$@" >>"$LOG" 2>&1 || {
			tail -n 30 "$LOG" >&2
			die "failed: $* (full log: $LOG)"
		}
	fi
}

SRC=$ENTRY/$SRC_PKG
if [ ! -f "$SRC/tools/lib/perf/Makefile" ]; then
	say "extracting $SRC_PKG/tools from $SRC_TARBALL"
	rm -rf "$SRC" "$ENTRY/tmp"
	mkdir -p "$ENTRY/tmp"
	run tar -xJf "$SRC_TARBALL" -C "$ENTRY/tmp" "$SRC_PKG/tools"
	mv "$ENTRY/tmp/$SRC_PKG" "$SRC"
	rmdir "$ENTRY/tmp"
fi

say "building libperf into $PREFIX"
rm -rf "$PREFIX"
# install_lib / install_headers / install_pkgconfig only: plain `install`
# also builds the man pages and fails without asciidoc. libdir_relative=lib
# keeps the layout the same on every architecture. libperf.a calls into
# libapi (fs/, cpu.c), which libperf's build makes but does not install.
jobs=$(nproc 2>/dev/null || echo 1)
[ "$jobs" -gt 2 ] && jobs=2
run make -C "$SRC/tools/lib/perf" -j"$jobs" prefix="$PREFIX" libdir_relative=lib \
	install_lib install_headers install_pkgconfig
api=$(find "$SRC/tools/lib/api" -name libapi.a | head -n 1)
[ -n "$api" ] || die "libapi.a was not built (full log: $LOG)"
cp "$api" "$PREFIX/lib/libapi.a"
[ -f "$PREFIX/lib/libperf.a" ] || die "libperf.a was not installed (full log: $LOG)"
[ -f "$PREFIX/include/perf/evsel.h" ] || die "libperf headers were not installed (full log: $LOG)"
echo "$SRC_PKG $(pkgversion) $(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$PREFIX/.ok"
say "done"
printf '%s\n' "$PREFIX"
