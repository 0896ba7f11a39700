#!/bin/sh
# Build and cache the guest kernel for the `vm` / `vm-icount` test boxes.
#
#   kernel.sh [--variant bench|debug] build|path|key|info
#
#   build  build (or reuse) the kernel; print only the cache entry path on stdout
#   path   print the cache entry path if that kernel is built, else exit 1
#   key    print the cache key (sha256 of source version, patches, fragments, this script)
#   info   print the entry's build-info
#
# Source: Debian's linux-source-6.12 tarball, plus kernel/patches/*.patch (in
# name order, `patch -p1`), config = x86_64 tinyconfig + kvm_guest.config +
# kernel/config/bench.config (+ debug.config for the debug variant).
# Cache: ${SUBTREE_BENCH_CACHE:-~/.cache/subtree-bench}/kernels/<variant>-<key16>/
# is the built in-tree source tree (usable for `make -C <entry> M=<dir> modules`
# and `bpftool btf dump file <entry>/vmlinux format c`), with build-info and
# build.log in it. Progress goes to stderr; V=1 shows the whole build.
set -eu

ME=$(basename "$0")
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${SUBTREE_BENCH_CACHE:-${HOME:-/root}/.cache/subtree-bench}
SRC_PKG=linux-source-6.12
SRC_TARBALL=${SUBTREE_BENCH_KERNEL_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
KEEP=3
VERBOSE=${V:-0}

die() { echo "$ME: $*" >&2; exit 1; }
say() { echo "$ME: $*" >&2; }

usage() {
	echo "usage: $ME [--variant bench|debug] build|path|key|info" >&2
	exit 2
}

variant=bench
cmd=
while [ $# -gt 0 ]; do
	case $1 in
	--variant) [ $# -ge 2 ] || usage; variant=$2; shift 2 ;;
	--variant=*) variant=${1#--variant=}; shift ;;
	-h|--help) usage ;;
	build|path|key|info) [ -z "$cmd" ] || usage; cmd=$1; shift ;;
	*) usage ;;
	esac
done
[ -n "$cmd" ] || usage

case $variant in
bench) FRAGMENTS="$ROOT/kernel/config/bench.config" ;;
debug) FRAGMENTS="$ROOT/kernel/config/bench.config $ROOT/kernel/config/debug.config" ;;
*) die "unknown variant '$variant' (bench or debug)" ;;
esac
for f in $FRAGMENTS; do [ -r "$f" ] || die "missing config fragment $f"; done

# Patches in name order; an empty series is fine. The cover letter
# (0000-cover-letter.patch) changes no code: neither applied nor in the key,
# so that regenerating its figures rebuilds nothing.
patches() {
	for p in "$ROOT"/kernel/patches/*.patch; do
		case ${p##*/} in 0000-cover-letter.patch) continue ;; esac
		[ -f "$p" ] && printf '%s\n' "$p"
	done
	return 0
}

src_version() {
	dpkg-query -W -f='${Version}' "$SRC_PKG" 2>/dev/null ||
		die "$SRC_PKG is not installed (run scripts/deps.sh)"
}

# The cache key: everything that changes the built tree. Each input is framed
# by its name and size so that moving bytes between inputs changes the key.
compute_key() {
	{
		printf 'variant %s\nsource %s %s\n' "$variant" "$SRC_PKG" "$(src_version)"
		patches | while IFS= read -r p; do
			printf 'patch %s %s\n' "$(basename "$p")" "$(wc -c <"$p")"
			cat "$p"
		done
		for f in $FRAGMENTS; do
			printf 'fragment %s %s\n' "$(basename "$f")" "$(wc -c <"$f")"
			cat "$f"
		done
		printf 'script %s\n' "$(wc -c <"$SELF")"
		cat "$SELF"
	} | sha256sum | cut -d' ' -f1
}

KEY=$(compute_key)
ENTRY=$CACHE/kernels/$variant-$(printf %s "$KEY" | cut -c1-16)

is_built() { [ -f "$ENTRY/build-info" ] && [ -f "$ENTRY/arch/x86/boot/bzImage" ]; }

case $cmd in
key) echo "$KEY"; exit 0 ;;
path)
	is_built || die "no $variant kernel built for the current sources (key $(printf %s "$KEY" | cut -c1-16)); run 'make vm-kernel$( [ "$variant" = debug ] && echo -debug)' (or $0 --variant $variant build)"
	echo "$ENTRY"; exit 0 ;;
info)
	is_built || die "no $variant kernel built; run 'make vm-kernel$( [ "$variant" = debug ] && echo -debug)'"
	cat "$ENTRY/build-info"; exit 0 ;;
esac

# ---- build -------------------------------------------------------------------
mkdir -p "$CACHE/kernels" "$CACHE/logs"
is_built && { echo "$ENTRY"; exit 0; }

# One build per variant at a time; a second caller waits and then reuses it.
exec 9>"$CACHE/kernels/.lock-$variant"
if ! flock -n 9; then
	say "another $variant kernel build is running; waiting for it"
	flock 9
fi
is_built && { echo "$ENTRY"; exit 0; }

[ -r "$SRC_TARBALL" ] || die "$SRC_TARBALL not found (install $SRC_PKG: scripts/deps.sh)"
for t in make gcc flex bison bc pahole patch flock; do
	command -v "$t" >/dev/null 2>&1 || die "'$t' not found (run scripts/deps.sh)"
done

stamp=$(date -u +%Y%m%dT%H%M%SZ)
LOG=$CACHE/logs/kernel-$variant-$stamp.log
TMP=$CACHE/kernels/.tmp-$(basename "$ENTRY").$$
cleanup() {
	rc=$?
	[ -n "${TMP:-}" ] && [ -d "$TMP" ] && rm -rf "$TMP"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Leftovers of interrupted builds (their flock holder is gone: we hold it now).
rm -rf "$CACHE/kernels/.tmp-$variant-"*
: >"$LOG"

# run STEP-DESCRIPTION CMD...: log the command's output; on failure show the tail.
run() {
	desc=$1; shift
	echo "### $desc: $*" >>"$LOG"
	if [ "$VERBOSE" = 1 ]; then
		say "$desc"
		# The pipe loses the status; record it in a file.
		{ s=0; "$@" 2>&1 || s=$?; echo $s >"$TMP.rc"; } | tee -a "$LOG" >&2
		st=$(cat "$TMP.rc"); rm -f "$TMP.rc"
	else
		st=0; "$@" >>"$LOG" 2>&1 || st=$?
	fi
	if [ "$st" != 0 ]; then
		echo "$ME: $desc failed (exit $st); last 40 lines of $LOG:" >&2
		tail -n 40 "$LOG" >&2
		echo "$ME: full log kept at $LOG" >&2
		exit 1
	fi
}

t0=$(date +%s)
say "building $variant kernel $(basename "$ENTRY") (log: $LOG; takes minutes)"
mkdir -p "$TMP"
run "unpack $SRC_TARBALL" tar -xJf "$SRC_TARBALL" -C "$TMP" --strip-components=1
patches >"$TMP/.subtree-bench-patches"
while IFS= read -r p; do
	run "apply $(basename "$p")" patch -p1 -N -s -d "$TMP" -i "$p"
done <"$TMP/.subtree-bench-patches"
rm -f "$TMP/.subtree-bench-patches"

MK="make -C $TMP ARCH=x86_64"
# shellcheck disable=SC2086
run "tinyconfig" $MK tinyconfig
# shellcheck disable=SC2086
# shellcheck disable=SC2016
run "merge config fragments" sh -c 'cd "$1" && shift && ./scripts/kconfig/merge_config.sh -m .config "$@"' \
	merge "$TMP" kernel/configs/kvm_guest.config $FRAGMENTS
# shellcheck disable=SC2086
run "olddefconfig" $MK olddefconfig

# Every option of the fragments that this Kconfig knows must have its value in
# .config; options the Kconfig does not define (e.g. CONFIG_FANOTIFY_FILTER
# before the patch series lands) are reported once and otherwise ignored.
check_config() {
	known=$TMP/.kconfig-symbols
	find "$TMP" -name 'Kconfig*' -type f -exec \
		sed -n 's/^[[:space:]]*\(menu\)\{0,1\}config[[:space:]]\{1,\}\([A-Za-z0-9_]\{1,\}\).*/\2/p' {} + |
		sort -u >"$known"
	# awk: the fragments in order (a later line for a symbol wins, as in
	# merge_config), then .config; prints "unknown SYM" and "bad SYM want got".
	# shellcheck disable=SC2086
	awk -v known="$known" -v config="$TMP/.config" '
		function val(line) {
			if (line ~ /^# CONFIG_[A-Za-z0-9_]+ is not set$/) return "n"
			return substr(line, index(line, "=") + 1)
		}
		function sym(line) {
			if (line ~ /^# CONFIG_/) { split(line, w, " "); return w[2] }
			return substr(line, 1, index(line, "=") - 1)
		}
		BEGIN {
			while ((getline s < known) > 0) k["CONFIG_" s] = 1
			while ((getline l < config) > 0)
				if (l ~ /^CONFIG_[A-Za-z0-9_]+=/) have[sym(l)] = val(l)
		}
		/^CONFIG_[A-Za-z0-9_]+=/ || /^# CONFIG_[A-Za-z0-9_]+ is not set$/ {
			s = sym($0)
			if (!(s in want)) order[++n] = s
			want[s] = val($0)
		}
		END {
			for (i = 1; i <= n; i++) {
				s = order[i]
				if (!(s in k)) { print "unknown " s; continue }
				got = (s in have) ? have[s] : "n"
				if (got != want[s]) print "bad " s " want " want[s] " got " got
			}
		}' $FRAGMENTS >"$TMP/.config-check"
	rm -f "$known"
	unknown=$(sed -n 's/^unknown //p' "$TMP/.config-check" | tr '\n' ' ' | sed 's/ $//')
	[ -z "$unknown" ] || say "note: not defined by this kernel's Kconfig, ignored: $unknown"
	printf '%s\n' "$unknown" >"$TMP/.subtree-bench-unknown"
	if grep -q '^bad ' "$TMP/.config-check"; then
		echo "$ME: ERROR: the kernel config silently dropped options of the fragments (unmet dependencies?):" >&2
		sed -n 's/^bad \([^ ]*\) want \(.*\) got \(.*\)$/'"$ME"':   \1: wanted \2, got \3/p' "$TMP/.config-check" >&2
		echo "$ME: fix kernel/config/*.config; log: $LOG" >&2
		exit 1
	fi
	rm -f "$TMP/.config-check"
}
check_config

# shellcheck disable=SC2086
run "make bzImage modules" $MK -j"$(nproc)" bzImage modules
# Sanity: what the harness relies on exists.
for f in vmlinux arch/x86/boot/bzImage Module.symvers; do
	[ -e "$TMP/$f" ] || { echo "$ME: build produced no $f; log: $LOG" >&2; exit 1; }
done
# The final .config must still satisfy the fragments (the build may re-run syncconfig).
check_config

kver=$(make -s --no-print-directory -C "$TMP" kernelversion)
t1=$(date +%s)
unknown=$(cat "$TMP/.subtree-bench-unknown"); rm -f "$TMP/.subtree-bench-unknown"
{
	echo "variant=$variant"
	echo "key=$KEY"
	echo "kernelversion=$kver"
	echo "source_package=$SRC_PKG"
	echo "source_version=$(src_version)"
	echo "patches=$(patches | while IFS= read -r p; do basename "$p"; done | tr '\n' ' ' | sed 's/ $//')"
	echo "fragments=$(for f in $FRAGMENTS; do printf '%s\n' "${f#"$ROOT"/}"; done | tr '\n' ' ' | sed 's/ $//')"
	echo "ignored_options=$unknown"
	echo "built_at=$stamp"
	echo "build_seconds=$((t1 - t0))"
	echo "host=$(uname -n) $(nproc) cpus"
} >"$TMP/build-info"
mv "$LOG" "$TMP/build.log"
LOG=$ENTRY/build.log

# Publish atomically: only a complete tree ever carries the entry's name.
rm -rf "$ENTRY"
mv "$TMP" "$ENTRY"
TMP=
say "built $variant kernel $kver in $((t1 - t0)) s: $ENTRY"

# Keep the newest $KEEP entries of this variant (they are ~1-3 GB each).
# shellcheck disable=SC2012
ls -1dt "$CACHE/kernels/$variant-"* 2>/dev/null | tail -n +$((KEEP + 1)) | while IFS= read -r old; do
	[ "$old" = "$ENTRY" ] || rm -rf "$old"
done

echo "$ENTRY"
