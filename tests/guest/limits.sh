#!/bin/sh
# Limits and faults that need the bench kernel, in one boot of the VM:
# - ring-buffer drops: bpf-lsm with a one-page ring buffer and a consumer
#   that reads nothing until the operations are over (test hooks tiny-ring
#   and consumer-pause, tests/README.md) counts its drops and the run is
#   invalid; the same paused consumer with the real 8 MiB ring loses nothing;
# - rmmod of the filter module while fanotify-kmod's deny group holds it:
#   refused (the module is in use), and the filter still denies.
# With --in-guest it runs the checks (inside the VM); without, it boots the
# VM to run itself there.
. "$(dirname "$0")/../lib.sh"

if [ "${1:-}" != --in-guest ]; then
	"$ROOT/scripts/vm/run.sh" --box vm --timeout 600 -- \
		env SUBTREE_BENCH="$BIN" sh "$0" --in-guest > "$T/out" 2> "$T/err"
	st=$?
	guest_results vm-limits $st
	finish
fi

cd "$T" || exit 1

rargs="--strategy walk --rules 2 --hit-ratio 1 --ops 2000 --reps 1 --count-reps 1"
# shellcheck disable=SC2086
overflow_run vm-limit-ring-full-control bpf-lsm consumer-pause 0 '.oracle.valid and .oracle.overflows == 0 and .backend_counters.ring_drops == 0' "records dropped" $rargs
# shellcheck disable=SC2086
overflow_run vm-limit-ring-drops bpf-lsm consumer-pause,tiny-ring 1 \
	'.oracle.valid == false and .oracle.overflows > 0 and .oracle.missing > 0 and (.oracle.why | test("[0-9]+ lost to overflow")) and .backend_counters.ring_drops > 0' "records dropped" $rargs

# rmmod while attached: the group holds a reference on the module.
scratch_tmpfs
mkdir -p "$T/fs/in"
echo a > "$T/fs/in/a"
if grep -q '^fanotify_subtree ' /proc/modules; then
	echo "SKIP vm-rmmod-attached: fanotify_subtree was loaded before the test: the harness would not unload it"
else
	"$BIN" monitor --mode deny --backend fanotify-kmod --rule "$T/fs/in" -- \
		sh -c "rmmod fanotify_subtree; echo rmmod=\$?; grep -c '^fanotify_subtree ' /proc/modules; cat $T/fs/in/a; echo cat=\$?" \
		> "$T/rmmod.out" 2>&1
	st=$?
	if ! grep -q 'rmmod=1' "$T/rmmod.out" || ! grep -q 'in use' "$T/rmmod.out"; then
		fail vm-rmmod-attached "rmmod was not refused as in use (exit $st): $(tr '\n' ' ' < "$T/rmmod.out")"
	elif ! grep -qx 1 "$T/rmmod.out" || ! grep -q 'cat=1' "$T/rmmod.out" || ! grep -q 'Operation not permitted' "$T/rmmod.out"; then
		fail vm-rmmod-attached "after the refused rmmod the filter no longer denies: $(tr '\n' ' ' < "$T/rmmod.out")"
	elif grep -q '^fanotify_subtree ' /proc/modules; then
		fail vm-rmmod-attached "the harness loaded the module and left it loaded after detach"
	else
		pass vm-rmmod-attached
	fi
fi
finish
