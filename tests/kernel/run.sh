#!/bin/sh
# Kernel-side tests of the fanotify filter series, run in the bench VM.
#
#   tests/kernel/run.sh [--variant bench|debug] [--kdir DIR] [--timeout S]
#
# Builds, against the guest kernel tree (scripts/vm/kernel.sh --variant V
# build, or --kdir DIR for a tree built by hand):
#   kmod/fanotify_subtree.ko, filter_test, and when the tree has the BPF
#   struct_ops patch, bpf/fanotify_bpf.bpf.o (+ skeleton) and filter_test_bpf;
# then boots the VM (scripts/vm/run.sh) and runs tests/kernel/guest.sh there.
# Output goes to $BUILD/tests-kernel/<variant>/ (BUILD defaults to build/).
# A check that cannot run on this kernel prints `SKIP name: why` on stdout
# (tests/run.sh counts it). Exit status: 0 iff every test that ran passed and
# the kernel log has no splat.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
variant=bench kdir='' timeout=900
while [ $# -gt 0 ]; do
	case $1 in
	--variant) variant=$2; shift 2 ;;
	--kdir) kdir=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	*) echo "usage: $0 [--variant bench|debug] [--kdir DIR] [--timeout S]" >&2; exit 2 ;;
	esac
done

[ -n "$kdir" ] || kdir=$("$ROOT/scripts/vm/kernel.sh" --variant "$variant" build)
kdir=$(cd "$kdir" && pwd)
B=$(mkdir -p "${BUILD:-$ROOT/build}/tests-kernel/$variant" && cd "${BUILD:-$ROOT/build}/tests-kernel/$variant" && pwd)
CFLAGS="-std=c11 -Wall -Wextra -Werror -O2 -g"

echo "tests/kernel: kernel tree $kdir, build dir $B" >&2

# The module, built out of a copy so that bench and debug builds coexist.
rm -rf "$B/kmod"
mkdir -p "$B/kmod"
cp "$ROOT/kmod/Kbuild" "$ROOT/kmod/fanotify_subtree.c" "$ROOT/bench/fanotify_filter.h" \
	"$ROOT/bench/rule_table.h" "$B/kmod/"
make -s -C "$kdir" M="$B/kmod" modules >&2

# shellcheck disable=SC2086
cc $CFLAGS -I"$ROOT/bench" -o "$B/filter_test" "$ROOT/tests/kernel/filter_test.c" -pthread

with_bpf=''
if grep -q bpf_fanotify_data_dentry "$kdir/System.map" 2>/dev/null; then
	bpftool btf dump file "$kdir/vmlinux" format c >"$B/vmlinux.h"
	clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror \
		-I"$B" -I"$ROOT/bpf" -c "$ROOT/bpf/fanotify_bpf.bpf.c" -o "$B/fanotify_bpf.bpf.o"
	for t in storage bad_write bad_leak kfunc_test rename_seq verdict_test; do
		clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror \
			-I"$B" -I"$ROOT/bpf" -c "$ROOT/tests/kernel/$t.bpf.c" -o "$B/$t.bpf.o"
	done
	bpftool gen skeleton "$B/fanotify_bpf.bpf.o" >"$B/fanotify_bpf.skel.h"
	for t in kfunc_test rename_seq verdict_test; do
		bpftool gen skeleton "$B/$t.bpf.o" name "$t" >"$B/$t.skel.h"
	done
	# shellcheck disable=SC2086
	cc $CFLAGS -DWITH_BPF -I"$ROOT/bench" -I"$ROOT/bpf" -I"$B" -o "$B/filter_test_bpf" \
		"$ROOT/tests/kernel/filter_test.c" -pthread -lbpf
	with_bpf=bpf
else
	# Counted by tests/run.sh (kernel_results) as a skipped check.
	echo "SKIP bpf: $kdir/System.map has no bpf_fanotify_data_dentry (a kernel without the BPF struct_ops patch of kernel/patches): filter_test_bpf and its groups did not run"
fi

KDEV_ENTRY=$kdir
export KDEV_ENTRY
runner=${SUBTREE_BENCH_VM_RUN:-$ROOT/scripts/vm/run.sh}
exec "$runner" --variant "$variant" --timeout "$timeout" -- \
	"$ROOT/tests/kernel/guest.sh" "$B" "$B/kmod/fanotify_subtree.ko" $with_bpf
