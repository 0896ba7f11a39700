#!/bin/sh
# The monitor checks of tests/integration/monitor.sh, inside the bench VM,
# for the backends only the VM kernel can run.
. "$(dirname "$0")/../lib.sh"
"$ROOT/scripts/vm/run.sh" --box vm --timeout 900 -- env \
	BACKENDS="none fanotify-kmod:walk fanotify-kmod:loop fanotify-kmod:tag fanotify-bpf:walk fanotify-bpf:loop fanotify-bpf:tag bpf-lsm:walk bpf-lsm:loop bpf-lsm:tag bpf-lsm:prefix bpf-fentry:walk bpf-fentry:loop bpf-fentry:prefix" \
	DENY_BACKENDS="fanotify-kmod:walk fanotify-kmod:loop fanotify-kmod:tag fanotify-bpf:walk fanotify-bpf:loop fanotify-bpf:tag bpf-lsm:walk bpf-lsm:loop bpf-lsm:tag bpf-lsm:prefix landlock" \
	SUBTREE_BENCH="$BIN" sh "$ROOT/tests/integration/monitor.sh" > "$T/out" 2> "$T/err"
st=$?
# The guest's PASS/FAIL lines are this test's, renamed for the box.
sed -n 's/^\(PASS\|FAIL\) monitor-/\1 vm-monitor-/p' "$T/out"
if ! grep -q '^PASS ' "$T/out"; then
	fail vm-monitor "no result from the guest (exit $st): $(tail -3 "$T/err")"
elif [ $st -ne 0 ] && ! grep -q '^FAIL ' "$T/out"; then
	# A timeout cuts the list short: the checks it did not reach must not pass unseen.
	fail vm-monitor "the guest exited $st after $(grep -c '^PASS ' "$T/out") checks, none failed: a timeout? $(tail -3 "$T/err")"
fi
finish
