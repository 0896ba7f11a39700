#!/bin/sh
# The cached kernel tree builds out-of-tree modules (make -C <entry> M=<dir>)
# and the guest loads and unloads them.
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
kdir=$("$ROOT/scripts/vm/kernel.sh" ${SUBTREE_BENCH_TEST_VM_ARGS:+$(echo "$SUBTREE_BENCH_TEST_VM_ARGS" | grep -o -- '--variant [a-z]*')} path) ||
	fail "no kernel built"
mkdir "$WORK/mod"
cat >"$WORK/mod/sbvmtest.c" <<'C'
#include <linux/module.h>
#include <linux/init.h>
static int __init sbvmtest_init(void) { pr_info("sbvmtest: loaded\n"); return 0; }
static void __exit sbvmtest_exit(void) { pr_info("sbvmtest: unloaded\n"); }
module_init(sbvmtest_init);
module_exit(sbvmtest_exit);
MODULE_LICENSE("GPL");
C
echo 'obj-m := sbvmtest.o' >"$WORK/mod/Kbuild"
make -s -C "$kdir" M="$WORK/mod" modules >"$WORK/build.log" 2>&1 ||
	fail "M= build failed: $(tail -n 5 "$WORK/build.log" | tr '\n' '|')"
[ -f "$WORK/mod/sbvmtest.ko" ] || fail "no sbvmtest.ko"
vm --share "$WORK/mod" -- sh -c "insmod '$WORK/mod/sbvmtest.ko' && grep -q '^sbvmtest ' /proc/modules && rmmod sbvmtest && ! grep -q '^sbvmtest ' /proc/modules && dmesg | grep -c 'sbvmtest: \(un\)\{0,1\}loaded'"
[ "$st" = 0 ] || fail "exit $st: $(show "$WORK/err")"
[ "$(cat "$WORK/out")" = 2 ] || fail "module did not load and unload: '$(show "$WORK/out")'"
pass
