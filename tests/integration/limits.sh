#!/bin/sh
# Production limits on the host, each with a clear error and nothing lost:
# fs.fanotify.max_user_marks reached by fanotify-dirmarks (at attach, in the
# middle of a sweep, and while it follows new directories), a fanotify queue
# overflow (FAN_Q_OVERFLOW counted, the run invalid), and a full results
# directory (ENOSPC: the run stops, the file stays valid JSON). Every sysctl
# and mount changed here is restored on every exit path (lib.sh's at_exit).
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1

limit=/proc/sys/fs/fanotify/max_user_marks
old_limit=$(cat $limit)
at_exit "echo $old_limit > $limit"
# set_limit N: the limit is shared by every root process on the box: keep
# each window short and put the old value back right after the run.
set_limit() { echo "$1" > $limit; }
restore_limit() { echo "$old_limit" > $limit; }
# The marks the box's fanotify groups hold now (fdinfo lists each): they
# count against the same limit.
marks_in_use() { cat /proc/[0-9]*/fdinfo/* 2>/dev/null | grep -c '^fanotify \(ino\|mnt_id\|sdev\|fsid\):'; }

# jsonok FILE: jansson (the harness's own loader, through merge) reads it.
jsonok() { "$BIN" merge --partial "$1" --out "$T/reread.json" > /dev/null 2>&1; }

# How many marks each cell needs: with the limit at 1 every attach fails
# and says so (the run goes on to the next cell and records both).
set_limit 1
"$BIN" run --backend fanotify-dirmarks --rules 1,40 --ops 100 --reps 1 --count-reps 0 \
	--out "$T/need.json" > /dev/null 2> "$T/need.err"
st=$?
restore_limit
need1=$(sed -n 's/.*needs \([0-9]*\) marks.*max_user_marks is 1:.*/\1/p' "$T/need.err" | sort -n | head -1)
need40=$(sed -n 's/.*needs \([0-9]*\) marks.*max_user_marks is 1:.*/\1/p' "$T/need.err" | sort -n | tail -1)
if [ $st -ne 1 ] || [ -z "$need1" ] || [ "$need1" -ge "$need40" ]; then
	fail limit-marks-attach "exit $st (expected 1), marks needed '$need1' and '$need40': $(tail -3 "$T/need.err")"
elif ! jq -e '[.runs[] | select(.backend == "fanotify-dirmarks") | .oracle.valid == false and (.oracle.why | test("attach failed: .*fs.fanotify.max_user_marks is 1: raise it \\(sysctl -w fs.fanotify.max_user_marks="))] | length == 2 and all' "$T/need.json" > /dev/null; then
	fail limit-marks-attach "the failed attaches are not recorded with the limit: $(jq -c '[.runs[] | {id, why: .oracle.why}]' "$T/need.json")"
else
	pass limit-marks-attach
fi

# Mid-sweep: the first cell fits, the second does not. The first stays in
# the results, valid; the second is recorded as failed, naming the limit.
if [ -n "$need1" ] && [ -n "$need40" ]; then
	set_limit $(($(marks_in_use) + (need1 + need40) / 2))
	"$BIN" run --backend fanotify-dirmarks --rules 1,40 --ops 200 --reps 2 --count-reps 0 \
		--out "$T/sweep.json" > /dev/null 2> "$T/sweep.err"
	st=$?
	restore_limit
	if [ $st -ne 1 ]; then
		fail limit-marks-mid-sweep "exit $st, expected 1: $(tail -3 "$T/sweep.err")"
	elif ! grep -q "fanotify-dirmarks: attach: .*raise.* fs.fanotify.max_user_marks" "$T/sweep.err"; then
		fail limit-marks-mid-sweep "no error naming the limit: $(grep -i attach "$T/sweep.err" | head -2)"
	elif ! jq -e '([.runs[] | select(.rules == 1) | .oracle.valid and .reps == 2] | length == 2 and all) and ([.runs[] | select(.rules == 40 and .backend == "fanotify-dirmarks") | .oracle.valid == false and (.oracle.why | test("max_user_marks"))] | length == 1)' "$T/sweep.json" > /dev/null; then
		fail limit-marks-mid-sweep "the first cell is lost or the second not recorded: $(jq -c '[.runs[] | {id, valid: .oracle.valid}]' "$T/sweep.json")"
	else
		pass limit-marks-mid-sweep
	fi

	# While following: the rule's one directory fits with 2 marks to spare;
	# the third new directory finds the limit reached. The consumer stops
	# with the limit named and how to raise it.
	mkdir -p "$T/m"
	mount -t tmpfs sb-test-m "$T/m" && at_exit "umount -l '$T/m' 2>/dev/null"
	set_limit $(($(marks_in_use) + 3))
	"$BIN" monitor --backend fanotify-dirmarks --rule "$T/m" -- \
		sh -c "for i in 1 2 3 4 5 6; do mkdir $T/m/d\$i; sleep 0.2; done" > "$T/follow.out" 2> "$T/follow.err"
	restore_limit
	if grep -q "^subtree-bench monitor: marking a new directory: fanotify_mark('$T/m/d[0-9]'): No space left on device: raise fs.fanotify.max_user_marks (sysctl -w fs.fanotify.max_user_marks=N)$" "$T/follow.err" &&
		! grep -q 'did not drain' "$T/follow.err"; then
		pass limit-marks-follow
	else
		fail limit-marks-follow "no error naming the limit: $(tr '\n' ' ' < "$T/follow.err")"
	fi
	umount "$T/m"
fi
if [ "$(cat $limit)" != "$old_limit" ]; then
	fail limit-marks-restored "fs.fanotify.max_user_marks is $(cat $limit), was $old_limit"
fi

# Queue overflow. The harness's groups have FAN_UNLIMITED_QUEUE; the test
# hook bounded-queue gives them the kernel's default queue (16384 events,
# fs.fanotify.max_queued_events) and consumer-pause keeps the consumer from
# reading until the 20,000 opens are done. Control: the paused consumer
# alone (unlimited queue) loses nothing.
qmax=$(cat /proc/sys/fs/fanotify/max_queued_events)
if [ "$qmax" -ge 20000 ]; then
	echo "SKIP limit-queue-overflow: fs.fanotify.max_queued_events is $qmax, not below the 20,000 opens"
else
	qargs="--rules 2 --hit-ratio 1 --ops 20000 --reps 1 --count-reps 1"
	# shellcheck disable=SC2086
	overflow_run limit-queue-unlimited fanotify-user consumer-pause 0 '.oracle.valid and .oracle.overflows == 0' FAN_Q_OVERFLOW $qargs
	# shellcheck disable=SC2086
	overflow_run limit-queue-overflow fanotify-user consumer-pause,bounded-queue 1 \
		'.oracle.valid == false and .oracle.overflows >= 1 and .oracle.missing > 0 and (.oracle.why | test("[0-9]+ lost to overflow")) and .backend_counters.queue_overflows >= 1' FAN_Q_OVERFLOW $qargs
fi

# A rule list longer than the harness takes: refused before anything runs.
# Its cap (1,000,000) is below what the filters' kernel sides accept
# (kmod/fanotify_subtree.c: 2^20 rules; the BPF rule table: 2^24 slots).
expect limit-rules-cap 2 "--rules '1000001': give a whole number from 1 to 1000000" -- \
	"$BIN" run --backend fanotify-kmod --rules 1000001 --out "$T/cap.json"

# A full results directory: a 64 KiB tmpfs as --out's directory and a sweep
# that outgrows it. The run stops with an error naming the file and ENOSPC;
# the file left is valid JSON with the cells written before, no temporary
# file is left, and the cells after the error were not measured.
mkdir "$T/small"
if mount -t tmpfs -o size=64k sb-test-small "$T/small"; then
	at_exit "umount -l '$T/small' 2>/dev/null"
	"$BIN" run --backend fanotify-user --rules "$(seq -s, 1 60)" --ops 50 --reps 3 --count-reps 0 \
		--out "$T/small/r.json" > /dev/null 2> "$T/small.err"
	st=$?
	kept=$(sed -n 's/.*stopping: .* keeps the \([0-9]*\) runs written before$/\1/p' "$T/small.err")
	if [ $st -ne 1 ]; then
		fail limit-results-enospc "exit $st, expected 1: $(tail -3 "$T/small.err")"
	elif ! grep -q "cannot write '$T/small/r\.\(json\|csv\)': No space left on device (its filesystem is full" "$T/small.err"; then
		fail limit-results-enospc "no error naming the file and ENOSPC: $(grep -v '^\[' "$T/small.err" | tail -3)"
	elif ! jsonok "$T/small/r.json"; then
		fail limit-results-enospc "the results file is not valid: $("$BIN" merge --partial "$T/small/r.json" --out "$T/reread.json" 2>&1 | head -2)"
	elif ! jq -e --argjson kept "${kept:-0}" '(.runs | length) == $kept and $kept >= 2 and $kept < 120 and ([.runs[] | .oracle.valid] | all)' "$T/small/r.json" > /dev/null; then
		fail limit-results-enospc "the file does not hold the ${kept:-?} runs the run said it kept: $(jq -c '[.runs[].id]' "$T/small/r.json" | head -c 300)"
	elif find "$T/small" -name '*.tmp' | grep -q .; then
		fail limit-results-enospc "a temporary file is left: $(ls "$T/small")"
	else
		pass limit-results-enospc
	fi
	umount "$T/small"
else
	fail limit-results-enospc "cannot mount a tmpfs (run as root)"
fi
finish
