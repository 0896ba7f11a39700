#!/bin/sh
# A hung guest is killed at --timeout: exit 124, a clear message naming the
# kept console log, and no QEMU process left (found by its unique --share path).
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
mkdir "$WORK/marker"
# Under vm-icount (sleep=off) an idle guest jumps its clock to the next timer,
# so `sleep 1000` ends in seconds of wall time: hang it with a busy loop there.
case " ${SUBTREE_BENCH_TEST_VM_ARGS:-} " in
*" vm-icount "*) set -- sh -c "while :; do :; done" ;;
*) set -- sleep 1000 ;;
esac
t0=$(date +%s)
vm --timeout 20 --share "$WORK/marker" -- "$@"
t1=$(date +%s)
[ "$st" = 124 ] || fail "exit $st, not 124"
grep -q 'guest did not finish within 20 s: killed; console log kept at ' "$WORK/err" ||
	fail "no timeout message on stderr: $(show "$WORK/err")"
log=$(sed -n 's/.*console log kept at //p' "$WORK/err")
[ -s "$log" ] || fail "console log '$log' missing or empty"
[ $((t1 - t0)) -lt 60 ] || fail "took $((t1 - t0)) s"
sleep 1
if pgrep -f "$WORK/marker" >/dev/null; then
	pgrep -af "$WORK/marker" | head -3
	pkill -KILL -f "$WORK/marker"
	fail "a process of the killed guest is still running"
fi
rm -f "$log"
pass
