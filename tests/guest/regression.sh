#!/bin/sh
# CI's regression check: the quick matrix in vm-icount, compared with the
# committed baseline (results/baseline/quick.json). Instructions per op
# repeat across boots, so `compare` gates at 1 %.
. "$(dirname "$0")/../lib.sh"
BASE=$ROOT/results/baseline/quick.json
if [ ! -f "$BASE" ]; then
	fail regression-baseline "no $BASE: make it with 'make baseline' (results/baseline/README.md)"
	finish
fi
"$BIN" run --box vm-icount --spec "$ROOT/scripts/matrices/quick.spec" --ops 2000 --reps 5 \
	--out "$T/quick.json" > /dev/null 2> "$T/err"
st=$?
if [ $st -ne 0 ]; then
	fail regression-quick-matrix "exit $st: $(grep -E 'INVALID RUN|run:' "$T/err" | head -3 | tr '\n' ' ')"
	finish
fi
pass regression-quick-matrix
"$BIN" compare "$BASE" "$T/quick.json" > "$T/cmp" 2>&1
st=$?
cat "$T/cmp"
case $st in
0) pass regression-compare ;;
1) fail regression-compare "a metric regressed past its threshold, or a run of the baseline is missing, invalid or unavailable (see above); if the change is intended, refresh the baseline (results/baseline/README.md)" ;;
*) fail regression-compare "compare could not run (exit $st)" ;;
esac
finish
