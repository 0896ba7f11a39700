#!/bin/sh
# reproduce.sh OLD.json NEW.json: how closely NEW reproduces OLD, run by run
# (matched by id): the relative change of each median, and of each overhead
# as a share of the run's cost, counted against 0.01, 0.1, 0.5 and 1 %, then
# every run past 0.1 %. For two vm-icount files of the same matrix, e.g. the
# committed results/default and a `make bench SET=reproduce` on a new machine:
#   scripts/reproduce.sh results/default/results.json results/reproduce/results.json
# `subtree-bench compare` is the regression gate; this says how close.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 OLD.json NEW.json" >&2; exit 2; }
for f in "$1" "$2"; do
	jq -e '.runs | type == "array"' "$f" > /dev/null 2>&1 ||
		{ echo "$0: $f: not a results file (no .runs array)" >&2; exit 2; }
done
jq -n -r --slurpfile a "$1" --slurpfile b "$2" '
def pct(x; y): (y - x) / x * 100;
def within(l): [.[] | select(fabs <= l)] | length;
($a[0].runs | map(select(.oracle.valid and .stats.median.value != null) | {key: .id, value: .}) | from_entries) as $A
| [$b[0].runs[] | select(.oracle.valid and $A[.id] != null and .stats.median.value != null)
   | {id, workload,
      med: pct($A[.id].stats.median.value; .stats.median.value),
      ov: (if .stats.overhead.value != null and $A[.id].stats.overhead.value != null
           then (.stats.overhead.value - $A[.id].stats.overhead.value) / $A[.id].stats.median.value * 100
           else null end)}] as $r
| ($r | map(.med)) as $m | ($r | map(select(.ov != null) | .ov)) as $o
| "runs valid in both: \($r | length) (OLD \($a[0].runs | length), NEW \($b[0].runs | length) runs)",
  "median within 0.01 / 0.1 / 0.5 / 1 %: \($m | within(0.01)) / \($m | within(0.1)) / \($m | within(0.5)) / \($m | within(1)) of \($m | length)",
  "overhead change within 0.01 / 0.1 / 0.5 / 1 % of the cost: \($o | within(0.01)) / \($o | within(0.1)) / \($o | within(0.5)) / \($o | within(1)) of \($o | length)",
  "worst median: \($r | max_by(.med | fabs) | "\(.id) \(.med * 1000 | round / 1000) %")",
  "past 0.1 % (median, overhead as % of cost), by workload:",
  ($r | map(select((.med | fabs) > 0.1 or ((.ov // 0) | fabs) > 0.1)) | group_by(.workload)[]
   | "  \(.[0].workload): \(length) runs", (.[] | "    \(.id): \(.med * 1000 | round / 1000) %, \(if .ov == null then "-" else (.ov * 1000 | round / 1000 | tostring) + " %" end)"))'
