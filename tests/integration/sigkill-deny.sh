#!/bin/sh
# SIGKILL of the harness while a fanotify-user deny group (FAN_OPEN_PERM)
# is attached and an open waits for its answer: the kernel releases the
# group with the process and allows every pending permission event, so no
# open stays blocked; nothing of the harness is left (group, mount).
# consumer-stall (SUBTREE_BENCH_FAULT, tests/README.md) with a watchdog
# that would only fire after 10 minutes makes the open wait for sure.
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1

fanotify_holders() {
	grep -l '^fanotify ' /proc/[0-9]*/fdinfo/* 2>/dev/null | cut -d/ -f3 | sort -u
}
# Holders that were not there at the start and run this test's binary or
# its children (other users of the box run their own and come and go).
bin=$(readlink -f "$BIN")
new_holders() {
	for p in $(fanotify_holders | comm -13 "$T/before" -); do
		[ "$(readlink -f "/proc/$p/exe" 2>/dev/null)" = "$bin" ] || [ "$p" = "${child:-x}" ] && echo "$p"
	done
}
fanotify_holders > "$T/before"

# blocks FILE: an open of FILE is still waiting after 2 s.
blocks() { timeout 2 cat "$1" > /dev/null 2>&1; [ $? -eq 124 ]; }

# monitor: the command's first open is answered, the consumer then stalls.
scratch_tmpfs
mkdir -p "$T/fs/in"
for f in a b c; do echo $f > "$T/fs/in/$f"; done
SUBTREE_BENCH_FAULT=consumer-stall "$BIN" monitor --mode deny --watchdog-ms 600000 \
	--backend fanotify-user --rule "$T/fs/in" -- sh -c "cat $T/fs/in/a; sleep 600" \
	> "$T/mon.out" 2> "$T/mon.err" &
pid=$!
at_exit "kill -9 $pid 2>/dev/null"
for _ in $(seq 100); do
	grep -q 'deny' "$T/mon.out" && break
	sleep 0.1
done
child=$(pgrep -P $pid)
[ -n "$child" ] && at_exit "kill -9 $child 2>/dev/null"
# The stalled consumer leaves b's open waiting (positive control).
cat "$T/fs/in/b" > "$T/b.out" 2>&1 &
catpid=$!
sleep 1
if ! kill -0 $catpid 2>/dev/null; then
	fail sigkill-deny-monitor "the open did not wait for the stalled consumer: the check could not fail ($(cat "$T/b.out" "$T/mon.err" | tr '\n' ' '))"
else
	kill -9 $pid
	wait $pid 2> /dev/null
	t=0
	while kill -0 $catpid 2>/dev/null && [ $t -lt 50 ]; do
		sleep 0.1
		t=$((t + 1))
	done
	if kill -0 $catpid 2>/dev/null; then
		kill -9 $catpid
		fail sigkill-deny-monitor "the pending open still waits 5 s after the SIGKILL"
	elif ! wait $catpid || [ "$(cat "$T/b.out")" != b ]; then
		fail sigkill-deny-monitor "the pending open was not allowed: $(cat "$T/b.out")"
	elif blocks "$T/fs/in/c"; then
		fail sigkill-deny-monitor "a new open under the rule blocks after the SIGKILL"
	elif [ -n "$(new_holders)" ]; then
		fail sigkill-deny-monitor "a fanotify group is left: $(new_holders)"
	else
		pass sigkill-deny-monitor
	fi
fi
# shellcheck disable=SC2086 # one PID a word
[ -n "$child" ] && kill -9 $child 2>/dev/null

# run: the workload thread's own open waits; a filesystem mark makes every
# open on the scratch tmpfs wait, so any file there shows it.
SUBTREE_BENCH_FAULT=consumer-stall "$BIN" run --mode deny --backend fanotify-user --rules 2 \
	--ops 2000 --reps 3 --watchdog-ms 600000 --out "$T/run.json" > /dev/null 2> "$T/run.err" &
pid=$!
at_exit "kill -9 $pid 2>/dev/null"
file=
for _ in $(seq 300); do
	if grep -qs '^fanotify ' /proc/$pid/fdinfo/*; then
		file=$(find /tmp/subtree-bench.$pid.* -type f 2>/dev/null | head -1)
		[ -n "$file" ] && blocks "$file" && break
		file=
	fi
	sleep 0.1
done
if [ -z "$file" ]; then
	fail sigkill-deny-run "no open waited on the run's deny group: the check could not fail ($(tail -2 "$T/run.err"))"
	kill -9 $pid
else
	kill -9 $pid
	wait $pid 2> /dev/null
	if ! timeout 5 cat "$file" > /dev/null; then
		fail sigkill-deny-run "an open of '$file' blocks or fails after the SIGKILL"
	elif [ -n "$(new_holders)" ]; then
		fail sigkill-deny-run "a fanotify group is left: $(new_holders)"
	else
		# SIGKILL cannot unmount: the next run does (cleanup.sh checks the message).
		"$BIN" run --backend fanotify-user --rules 1 --ops 10 --reps 1 --out "$T/next.json" > /dev/null 2>&1
		if grep -q " /tmp/subtree-bench\.$pid\." /proc/mounts; then
			fail sigkill-deny-run "the killed run's scratch mount is still there after the next run"
		else
			pass sigkill-deny-run
		fi
	fi
fi
finish
