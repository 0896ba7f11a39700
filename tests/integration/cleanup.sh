#!/bin/sh
# The harness never leaves the box broken: after SIGINT, SIGTERM, a dead
# consumer thread, a crashed process or SIGKILL there is no fanotify group,
# no mark and no scratch mount left (checked in /proc), and what was
# measured is kept.
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1

# Processes other than the test's that hold fanotify groups (fdinfo lists them).
fanotify_holders() {
	grep -l '^fanotify ' /proc/[0-9]*/fdinfo/* 2>/dev/null | cut -d/ -f3 | sort -u
}
before=$(fanotify_holders)

# long_run OUT: a run that takes minutes, in the background; sets pid.
long_run() {
	"$BIN" run --backend fanotify-user,fanotify-dirmarks --rules 2,3 --ops 2000 --reps 10 \
		--out "$1" > /dev/null 2> "$1.err" &
	pid=$!
	# Wait for the second cell: the first is finished and written.
	for _ in $(seq 600); do
		grep -q ' r3 ' "$1.err" 2>/dev/null && break
		sleep 0.1
	done
}

for spec in INT:2 TERM:15; do
	sig=${spec%:*} num=${spec#*:}
	name=cleanup-sig$sig
	long_run "$T/$sig.json"
	# Positive control: mid-run the group, its marks and the mount exist
	# (between two steps, or during none, there is no group: look again).
	seen=no
	for _ in $(seq 100); do
		if grep -qs '^fanotify ' /proc/$pid/fdinfo/* && grep -q ' /tmp/subtree-bench\.' /proc/self/mounts; then
			seen=yes
			break
		fi
		sleep 0.05
	done
	if [ $seen = no ]; then
		fail "$name" "no fanotify group or scratch mount seen mid-run: the check could not fail"
		kill -9 $pid
		continue
	fi
	kill -$sig $pid
	wait $pid
	st=$?
	want=$((128 + num))
	if [ $st -ne $want ]; then
		fail "$name" "exit status $st, expected $want: $(tail -3 "$T/$sig.json.err")"
	elif ! no_scratch_mounts; then
		fail "$name" "scratch mount left: $(grep subtree-bench /proc/self/mounts)"
	elif [ "$(fanotify_holders)" != "$before" ]; then
		fail "$name" "a fanotify group is left: $(fanotify_holders)"
	elif ! jq -e '(.runs | length) >= 3 and ([.runs[] | select(.rules == 2 and .reps == 10)] | length) == 3' "$T/$sig.json" > /dev/null; then
		fail "$name" "the finished cell was not kept: $(jq -c '[.runs[] | {id, reps}]' "$T/$sig.json")"
	else
		pass "$name"
	fi
done

# The consumer thread dies: the run goes on, says why it is invalid, and
# the harness's own check after each detach finds nothing left attached.
SUBTREE_BENCH_FAULT=consumer-exit "$BIN" run --backend fanotify-user --rules 2 --ops 500 --reps 2 \
	--drain-ms 500 --out "$T/dead.json" > /dev/null 2> "$T/dead.err"
st=$?
if [ $st -ne 1 ]; then
	fail cleanup-consumer-dies "exit status $st, expected 1 (invalid run): $(tail -3 "$T/dead.err")"
elif grep -q "left an attachment behind" "$T/dead.err"; then
	fail cleanup-consumer-dies "$(grep 'left an attachment' "$T/dead.err")"
elif ! jq -e '[.runs[] | select(.backend == "fanotify-user") | .oracle.valid == false and (.oracle.why | test("consumer"))] | all' "$T/dead.json" > /dev/null; then
	fail cleanup-consumer-dies "not marked invalid for the consumer: $(jq -c '[.runs[].oracle]' "$T/dead.json")"
elif ! no_scratch_mounts; then
	fail cleanup-consumer-dies "scratch mount left"
else
	pass cleanup-consumer-dies
fi

# The consumer crashes the whole process (SIGSEGV): the crash handler still
# unmounts the scratch space; the kernel drops the group with the process.
SUBTREE_BENCH_FAULT=consumer-crash "$BIN" run --backend fanotify-user --rules 2 --ops 500 --reps 2 \
	--out "$T/crash.json" > /dev/null 2>&1
st=$?
if [ $st -ne 139 ]; then
	fail cleanup-consumer-crash "exit status $st, expected 139 (SIGSEGV)"
elif ! no_scratch_mounts; then
	fail cleanup-consumer-crash "scratch mount left: $(grep subtree-bench /proc/self/mounts)"
elif [ "$(fanotify_holders)" != "$before" ]; then
	fail cleanup-consumer-crash "a fanotify group is left"
else
	pass cleanup-consumer-crash
fi

# SIGKILL cannot be caught: the next run unmounts what the dead one left.
long_run "$T/kill.json"
kill -9 $pid
wait $pid 2> /dev/null
if ! grep -q " /tmp/subtree-bench\.$pid\." /proc/self/mounts; then
	fail cleanup-sigkill-reaped "SIGKILL left no mount: the check could not fail"
else
	"$BIN" run --backend fanotify-user --rules 1 --ops 10 --reps 1 --out "$T/next.json" > /dev/null 2> "$T/next.err"
	if grep -q "unmounting /tmp/subtree-bench\.$pid\..*left by run $pid that was killed" "$T/next.err" && no_scratch_mounts; then
		pass cleanup-sigkill-reaped
	else
		fail cleanup-sigkill-reaped "$(cat "$T/next.err" | head -3)"
	fi
fi
finish
