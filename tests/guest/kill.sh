#!/bin/sh
# The guest is killed mid-run (the VM timeout fires during a measurement):
# the run says so and exits 124, no QEMU is left, and every cell measured
# before the kill is in the results on the host (written incrementally).
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1
start=$(date +%s)
# 256 short cells (64 rule counts x 4 depths) take about 4.5 minutes on the
# 2-core build box (38 were done at the kill), so the kill comes mid-run on a
# box up to 5x faster, and after some cells on one several times slower.
SUBTREE_BENCH_VM_TIMEOUT=45 "$BIN" run --box vm --backend fanotify-user --strategy walk \
	--rules "$(seq -s, 1 64)" --depth 1,2,3,4 --ops 2000 --reps 5 --out "$T/killed.json" > /dev/null 2> "$T/err"
st=$?
took=$(($(date +%s) - start))
if [ $st -ne 124 ]; then
	fail vm-kill-mid-run "exit $st, expected 124 (finished before the timeout?): $(tail -2 "$T/err")"
elif ! grep -q 'guest did not finish within 45 s: killed' "$T/err"; then
	fail vm-kill-mid-run "no timeout message: $(tail -2 "$T/err")"
elif [ $took -gt 120 ]; then
	fail vm-kill-mid-run "took ${took}s"
elif pgrep -f "$T/killed.json" > /dev/null || pgrep -f "$T" | grep -q .; then
	fail vm-kill-mid-run "a process of the killed guest is still running"
elif ! jq -e '.schema_version == 2 and (.runs | length) >= 2 and ([.runs[] | .oracle.valid] | all)' "$T/killed.json" > /dev/null; then
	fail vm-kill-mid-run "the cells measured before the kill are not in the results: $(jq -c '[.runs[].id]' "$T/killed.json" 2>&1 | head -c 300)"
else
	pass vm-kill-mid-run
fi
finish
