#!/bin/sh
# vm-icount repeats across boots: the same spec in two boots gives medians of
# ns/op (guest instructions) that agree within 0.1 % for the baseline, a
# filter in the kernel, and a user-space filter answering permission events.
# A user-space consumer in notify mode shares the CPU with the operations
# and agrees within 1 % (the regression gate's threshold): how many identical
# queued events fanotify merges depends on where in the loop the consumer
# runs, which the guest's residual nondeterminism (tens of instructions per
# repetition in `none`) moves, and each event it does not merge costs it tens
# of thousands of instructions. Last, a short loop keeps the consumer's work
# in the figure.
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1
cat > "$T/spec" <<'SPEC'
--backend fanotify-kmod,fanotify-user --strategy walk --workload open-close --rules 4 --depth 3
--backend fanotify-user --strategy walk --workload open-close --rules 4 --depth 3 --mode deny
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
worst() {
	jq -n --argjson user "$1" --slurpfile a "$T/icount1.json" --slurpfile b "$T/icount2.json" '
	[range(0; $a[0].runs | length) as $r | $a[0].runs[$r] as $x | $b[0].runs[$r] as $y |
	 select(($x.backend == "fanotify-user" and $x.mode == "notify") == $user) |
	 (($x.median_ns_per_op - $y.median_ns_per_op) | fabs) / $x.median_ns_per_op * 100] | max'
}
exact=$(worst false) user=$(worst true)
echo "vm-icount: largest difference of a median between boots $exact % (none, kernel filter, deny), $user % (fanotify-user notify)"
if jq -n --argjson e "$exact" --argjson u "$user" '$e < 0.1 and $u < 1' | grep -q true; then
	pass vm-icount-repeatable
else
	fail vm-icount-repeatable "medians differ by up to $exact % (want < 0.1) and $user % (want < 1) between boots: $(jq -c '[.runs[] | {id, median_ns_per_op}]' "$T/icount1.json" "$T/icount2.json" | tr '\n' ' ')"
fi
# A loop shorter than a scheduler tick ends before the consumer runs: on one
# CPU the figure must still hold what the consumer spent afterwards on the
# loop's events (drain_cpu_ns_per_op), or notify-mode costs would fall with
# fewer operations.
"$BIN" run --box vm-icount --backend fanotify-user --strategy walk --workload open-close \
	--rules 4 --depth 3 --ops 200 --reps 3 --out "$T/short.json" > /dev/null 2> "$T/err3" ||
	{ fail vm-icount-drain-included "run failed: $(tail -3 "$T/err3")"; finish; }
if jq -e '[.runs[] | select(.backend == "fanotify-user") | .reps_detail[] |
	.drain_included and .drain_cpu_ns_per_op > 0 and
	((.ns_per_op - .loop_ns_per_op - .drain_cpu_ns_per_op) | fabs) < 0.01] |
	length == 3 and all' "$T/short.json" > /dev/null; then
	pass vm-icount-drain-included
else
	fail vm-icount-drain-included "$(jq -c '[.runs[] | select(.backend == "fanotify-user") | .reps_detail[] | {ns_per_op, loop_ns_per_op, drain_cpu_ns_per_op, drain_included}]' "$T/short.json")"
fi
finish
