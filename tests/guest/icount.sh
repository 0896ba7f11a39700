#!/bin/sh
# vm-icount repeats across boots: the same spec in two boots gives medians of
# ns/op (guest instructions) that agree within 0.1 % for every backend in
# deny mode, and in notify mode the workload thread's CPU per op does (see
# worst below), for every backend but one: fanotify-user in notify mode, whose
# consumer does tens of thousands of instructions per event on the same CPU
# and reads the queue in batches whose sizes the guest's residual
# nondeterminism moves (0.17 % measured), is held to 0.5 %. Every operation
# touches its own file, so nothing merges.
# Last, the per-operation figure of a notify-mode consumer sharing the CPU
# does not depend on the number of operations: a loop shorter than a
# scheduler tick ends before the consumer runs, and only counting what it
# spends afterwards (drain_cpu_ns_per_op) keeps its work in the figure.
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1
# Deny mode first: its figures are held to 0.1 % whole. Measured after the
# notify sweep, a deny sweep moved by 0.12 % between two boots, none's too:
# by our reading its tree then lands on a slab and dcache laid out by the
# notify consumers' wake-ups, which the residual nondeterminism moves.
# Measured first it agreed within 0.03 % (one pair of boots each).
cat > "$T/spec" <<'SPEC'
--backend all --strategy walk,tag --workload open-close --rules 4 --depth 3 --mode deny
--backend all --strategy walk,tag --workload open-close --rules 4 --depth 3
SPEC
for i in 1 2; do
	"$BIN" run --box vm-icount --spec "$T/spec" --ops 2000 --reps 5 --out "$T/icount$i.json" > /dev/null 2> "$T/err$i" ||
		{ fail vm-icount-repeatable "boot $i failed: $(tail -3 "$T/err$i")"; finish; }
done
jq -e '.box.kind == "vm-icount" and .box.time_unit == "instructions"' "$T/icount1.json" > /dev/null &&
	pass vm-icount-box || fail vm-icount-box "$(jq -c .box "$T/icount1.json")"
# worst true|false: the largest relative difference of a run's median between
# the two boots, over the runs with (true) or without a user-space consumer
# in notify mode.
# A notify-mode run with a consumer on the same CPU is compared by its
# workload thread's CPU per operation (the median over the repetitions): the
# consumer's own share moves with its wake-up pattern between repetitions
# (2,629 against 3,100 instructions per op seen for fanotify-kmod), so the
# whole figure's median of 5 can jump between boots; the operations and the
# filter work in their system calls do not.
worst() {
	jq -n --argjson user "$1" --slurpfile a "$T/icount1.json" --slurpfile b "$T/icount2.json" '
	def med: sort | .[(length - 1) / 2 | floor];
	def fig: if .mode == "notify" and .backend != "none" and .backend != "fanotify-user"
		then [.reps_detail[].split.workload_cpu_ns_per_op] | med else .median_ns_per_op end;
	[range(0; $a[0].runs | length) as $r | $a[0].runs[$r] as $x | $b[0].runs[$r] as $y |
	 select(($x.backend == "fanotify-user" and $x.mode == "notify") == $user) |
	 (($x | fig) - ($y | fig) | fabs) / ($x | fig) * 100] | max'
}
exact=$(worst false) user=$(worst true)
echo "vm-icount: largest difference of a median between boots: $exact % (every backend but fanotify-user in notify mode), $user % (fanotify-user notify)"
if jq -n --argjson e "$exact" --argjson u "$user" '$e < 0.1 and $u < 0.5' | grep -q true; then
	pass vm-icount-repeatable
else
	fail vm-icount-repeatable "medians differ by up to $exact % (want < 0.1) and $user % for fanotify-user notify (want < 0.5) between boots: $(jq -c '[.runs[] | {id, median_ns_per_op}]' "$T/icount1.json" "$T/icount2.json" | tr '\n' ' ')"
fi
# 200 operations end before the consumer is scheduled; 2000 do not. With
# the drain counted, the per-operation figures agree within 5 %; without it
# the short loop would look a third cheaper.
"$BIN" run --box vm-icount --backend fanotify-user --strategy walk --workload open-close \
	--rules 4 --depth 3 --ops 200 --reps 5 --out "$T/short.json" > /dev/null 2> "$T/err3" ||
	{ fail vm-icount-drain-included "run failed: $(tail -3 "$T/err3")"; finish; }
ratio=$(jq -n --slurpfile s "$T/short.json" --slurpfile l "$T/icount1.json" '
	($s[0].runs[] | select(.backend == "fanotify-user") | .overhead_ns_per_op) /
	($l[0].runs[] | select(.backend == "fanotify-user" and .mode == "notify") | .overhead_ns_per_op)')
echo "vm-icount: fanotify-user overhead at 200 operations / at 2000: $ratio"
if jq -n --argjson r "$ratio" '$r > 0.95 and $r < 1.05' | grep -q true &&
	jq -e '[.runs[] | select(.backend == "fanotify-user") | .reps_detail[] | .drain_cpu_ns_per_op > 0] | all' "$T/short.json" > /dev/null; then
	pass vm-icount-drain-included
else
	fail vm-icount-drain-included "overhead at 200 operations is $ratio x the one at 2000 (want 0.95 .. 1.05): $(jq -c '[.runs[] | select(.backend == "fanotify-user") | .reps_detail[] | {ns_per_op, loop_ns_per_op, drain_cpu_ns_per_op}]' "$T/short.json")"
fi
finish
