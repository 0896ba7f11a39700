#!/bin/sh
# tests/integration/fs.sh inside the bench VM: `run --fs` on ext4, xfs, a
# btrfs subvolume and an overlay with every backend the VM kernel runs, and
# `monitor` on each with every backend, the walk strategies (the loop only
# for the module, whose loop skips rules on other filesystems), the cache
# and the tags (the marks and watches of the user-managed backends, and the
# kernel filters' verdict tags). Each run valid by the
# oracle, or, where the kernel refuses a backend on a filesystem, a SKIP with
# the kernel's reason.
. "$(dirname "$0")/../lib.sh"
"$ROOT/scripts/vm/run.sh" --box vm --timeout 1800 -- env \
	FS="ext4 xfs btrfs overlay" RUN_BACKENDS=all KILL_TEST=0 \
	BACKENDS="fanotify-user:walk fanotify-user:cache fanotify-dirmarks:tag fanotify-kmod:walk fanotify-kmod:loop fanotify-kmod:tag fanotify-bpf:walk fanotify-bpf:tag bpf-lsm:walk bpf-lsm:tag bpf-fentry:walk inotify:tag" \
	SUBTREE_BENCH="$BIN" sh "$ROOT/tests/integration/fs.sh" > "$T/out" 2> "$T/err"
st=$?
# The guest's lines are this test's, renamed for the box.
sed -n 's/^\(PASS\|FAIL\|SKIP\) fs-/\1 vm-fs-/p' "$T/out"
grep -q '^FAIL ' "$T/out" && failures=$((failures + 1))
if ! grep -q '^PASS ' "$T/out"; then
	fail vm-fs "no result from the guest (exit $st): $(tail -3 "$T/err")"
fi
"$BIN" list --box vm > "$T/list" 2> "$T/list.err"
for fs in tmpfs ext4 xfs btrfs overlay; do
	if grep -Eq "^filesystem +$fs +- +available" "$T/list"; then
		pass "vm-list-fs-$fs"
	else
		fail "vm-list-fs-$fs" "$(grep "^filesystem *$fs " "$T/list") $(tail -2 "$T/list.err")"
	fi
done
grep '^on-fs' "$T/list" | sed 's/^/NOTE vm-list: /'
finish
