#!/bin/sh
# The host root is read-only in the guest: writes fail and nothing appears on the host.
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
# A checkout under /tmp is shared writable (run.sh): probe the host root elsewhere then.
case $ROOT in /tmp/*|/run/*|/dev/shm/*) probe_dir=/var/tmp ;; *) probe_dir=$ROOT ;; esac
probe=$probe_dir/.vm-readonly-probe.$$
rm -f "$probe"
vm -- sh -c "if echo x >'$probe'; then echo wrote; fi; if mkdir /subtree-bench-probe.$$; then echo mkdir; fi"
[ -e "$probe" ] && { rm -f "$probe"; fail "the guest created $probe on the host"; }
[ -e "/subtree-bench-probe.$$" ] && { rmdir "/subtree-bench-probe.$$"; fail "the guest created a directory in /"; }
[ "$st" = 0 ] || fail "exit $st: $(show "$WORK/err")"
[ -s "$WORK/out" ] && fail "a write to the host root succeeded in the guest: $(show "$WORK/out")"
grep -q 'Read-only file system' "$WORK/err" || fail "expected EROFS, got: $(show "$WORK/err")"
pass
