#!/bin/sh
# Runs inside the bench VM (scripts/vm/run.sh), as root:
#   guest.sh BUILD_DIR KO_FILE [bpf]
# Loads the "subtree" filter module, runs filter_test (and with "bpf",
# filter_test_bpf against the struct_ops filter), unloads the module, and
# checks the kernel log for splats (BUG, WARNING, KASAN, lockdep, kmemleak).
# A check that cannot run prints `SKIP name: why` (tests/run.sh counts it).
# Exit 0 iff all that ran passed.
set -u

BUILD=$1
KO=$2
WITH_BPF=${3:-}
SYSFS=/sys/fs/fanotify/filters
fail=0
# SPLAT_ERE: the splat lines, shared with scripts/soak.sh
. "$(dirname "$0")/../../scripts/vm/splat.sh"

say() { echo "guest.sh: $*"; }
bad() { echo "guest.sh: FAIL: $*"; fail=1; }

dmesg -c >/dev/null 2>&1
# The debug kernel (kmemleak: KASAN, lockdep too) runs each struct_ops load
# several times slower: the unregister and relink tests take fewer rounds
# there (each way of unregistering still runs twice).
if [ -e /sys/kernel/debug/kmemleak ]; then
	export FILTER_TEST_FEW_ROUNDS=1
	# and it has fault injection: the enomem group must run, not skip
	export FILTER_TEST_REQUIRE_FAULTS=1
fi
[ -d "$SYSFS" ] || bad "$SYSFS missing: kernel without CONFIG_FANOTIFY_FILTER?"

if insmod "$KO"; then
	[ -d "$SYSFS/subtree" ] || bad "no $SYSFS/subtree after insmod"
	say "registered: $(cd "$SYSFS" && echo *)"
	# the scratch tree must live on a filesystem with file handles: tmpfs
	"$BUILD/filter_test" -d /tmp all || bad "filter_test"
	# close() frees a group's filter, and drops its module reference, a
	# grace period later: retry for up to 5 s
	tries=0
	while ! rmmod fanotify_subtree 2>/dev/null && [ $tries -lt 50 ]; do
		tries=$((tries + 1))
		sleep 0.1
	done
	if ! grep -q '^fanotify_subtree ' /proc/modules; then
		[ -d "$SYSFS/subtree" ] && bad "$SYSFS/subtree left after rmmod"
	else
		bad "rmmod after all groups closed"
	fi
	# load/unload again: registration is clean after unregister
	if ! { insmod "$KO" && rmmod fanotify_subtree; }; then
		bad "second insmod/rmmod"
	fi
else
	bad "insmod $KO"
fi

if [ "$WITH_BPF" = bpf ]; then
	"$BUILD/filter_test_bpf" -b bpf -d /tmp all || bad "filter_test_bpf"
fi

if [ -w /sys/kernel/debug/kmemleak ]; then
	# two scans: a fresh object is reported only once it is old enough
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	if [ -s /sys/kernel/debug/kmemleak ]; then
		bad "kmemleak reports:"
		head -n 60 /sys/kernel/debug/kmemleak
	else
		say "kmemleak: no leaks"
	fi
elif ! grep -q ' /sys/kernel/debug debugfs ' /proc/mounts; then
	# Counted by tests/run.sh (kernel_results) as a skipped check.
	echo "SKIP kmemleak: debugfs is not mounted at /sys/kernel/debug, so a debug kernel's leak scan cannot run"
else
	say "kmemleak: not in this kernel (CONFIG_DEBUG_KMEMLEAK, debug variant only): no scan"
fi

if dmesg | grep -E "$SPLAT_ERE" >/tmp/splat.txt; then
	bad "kernel log has splats:"
	dmesg | tail -n 120
else
	say "kernel log: no splats"
fi

if [ "$fail" = 0 ]; then say PASS; else say FAILED; fi
exit "$fail"
