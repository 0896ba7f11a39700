#!/bin/sh
# SIGTERM to run.sh kills the guest: exit 143, a message naming the kept
# console log, no QEMU left (found by its unique --share path).
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
mkdir "$WORK/marker"
# shellcheck disable=SC2086
"$RUN" ${SUBTREE_BENCH_TEST_VM_ARGS:-} --share "$WORK/marker" -- sh -c 'while :; do :; done' \
	>"$WORK/out" 2>"$WORK/err" &
pid=$!
i=0
until pgrep -f "qemu-system.*$WORK/marker" >/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || { kill "$pid"; fail "no QEMU started within 10 s"; }
	sleep 0.1
done
sleep 2
kill -TERM "$pid"
st=0
wait "$pid" || st=$?
[ "$st" = 143 ] || fail "exit $st, not 143: $(show "$WORK/err")"
grep -q 'interrupted: guest killed; console log kept at ' "$WORK/err" ||
	fail "no message on stderr: $(show "$WORK/err")"
sleep 1
if pgrep -f "$WORK/marker" >/dev/null; then
	pkill -KILL -f "$WORK/marker"
	fail "QEMU still running after run.sh was terminated"
fi
log=$(sed -n 's/.*console log kept at //p' "$WORK/err")
rm -f "$log"
pass
