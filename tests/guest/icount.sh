#!/bin/sh
# vm-icount is deterministic: the same run in two boots gives ns/op (guest
# instructions) that agree within 0.1 %.
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1
for i in 1 2; do
	"$BIN" run --box vm-icount --backend fanotify-user --strategy walk --workload open-close \
		--rules 4 --depth 3 --ops 2000 --reps 3 --out "$T/icount$i.json" > /dev/null 2> "$T/err$i" ||
		{ fail vm-icount-repeatable "boot $i failed: $(tail -3 "$T/err$i")"; finish; }
done
jq -e '.box.kind == "vm-icount" and .box.time_unit == "instructions"' "$T/icount1.json" > /dev/null &&
	pass vm-icount-box || fail vm-icount-box "$(jq -c .box "$T/icount1.json")"
# The largest relative difference of any sample between the two boots.
worst=$(jq -n --slurpfile a "$T/icount1.json" --slurpfile b "$T/icount2.json" '
	[range(0; $a[0].runs | length) as $r | range(0; $a[0].runs[$r].samples_ns_per_op | length) as $i |
	 ($a[0].runs[$r].samples_ns_per_op[$i]) as $x | ($b[0].runs[$r].samples_ns_per_op[$i]) as $y |
	 (($x - $y) | fabs) / $x * 100] | max')
echo "vm-icount: largest difference between boots $worst %"
if jq -n --argjson w "$worst" '$w < 0.1' | grep -q true; then
	pass vm-icount-repeatable
else
	fail vm-icount-repeatable "samples differ by up to $worst % between boots"
fi
finish
