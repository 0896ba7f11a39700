#!/bin/sh
# A stalled permission-event consumer cannot hang the box: the watchdog
# allows pending opens after a bounded time and the run is marked invalid.
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1

for backend in fanotify-user fanotify-dirmarks; do
	name=watchdog-$backend
	start=$(date +%s)
	SUBTREE_BENCH_FAULT=consumer-stall timeout 120 "$BIN" run --mode deny --backend $backend \
		--rules 2 --hit-ratio 1 --ops 200 --reps 1 --watchdog-ms 300 --out "$T/$backend.json" \
		> /dev/null 2> "$T/$backend.err"
	st=$?
	took=$(($(date +%s) - start))
	if [ $st -eq 124 ]; then
		fail "$name" "the run hung: the stalled consumer blocked the opens"
	elif [ $st -ne 1 ]; then
		fail "$name" "exit status $st, expected 1: $(tail -3 "$T/$backend.err")"
	elif ! jq -e --arg b $backend '[.runs[] | select(.backend == $b) | .oracle.valid == false and (.oracle.why | test("watchdog fired"))] | all' "$T/$backend.json" > /dev/null; then
		fail "$name" "not marked invalid by the watchdog: $(jq -c '[.runs[].oracle]' "$T/$backend.json")"
	elif [ $took -gt 60 ]; then
		fail "$name" "took ${took}s: the watchdog is not bounded"
	else
		pass "$name"
	fi
done

# monitor too: a stalled deny consumer lets the command's open through.
scratch_tmpfs
mkdir -p "$T/fs/in"
echo a > "$T/fs/in/a"
echo b > "$T/fs/in/b"
SUBTREE_BENCH_FAULT=consumer-stall timeout 60 "$BIN" monitor --mode deny --watchdog-ms 300 \
	--backend fanotify-user --rule "$T/fs/in" -- sh -c "cat $T/fs/in/a; cat $T/fs/in/b" > "$T/out" 2> "$T/err"
st=$?
if [ $st -eq 124 ]; then
	fail watchdog-monitor "monitor hung"
elif grep -qx b "$T/out" && grep -q "watchdog fired" "$T/err"; then
	pass watchdog-monitor
else
	fail watchdog-monitor "exit $st: $(cat "$T/out" "$T/err" | tr '\n' ' ')"
fi
finish
