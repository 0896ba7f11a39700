#!/bin/sh
# make bench: measure the matrix, then plots and a report from the results.
#
#   make bench [BOX=auto|host|vm|vm-icount] [MATRIX=default|quick|tag|prefix|fs|setup|threads]
#              [OPS=2000] [REPS=10] [SET=<name>]
#
# BOX=auto (the default) measures on the host when the host can run every
# backend, and in vm-icount otherwise, and says which and why. The results
# go to results/<SET>/results.json (SET defaults to MATRIX), the report to
# results/<SET>/REPORT.md, and for the default set also to ./REPORT.md.
# Exit 0 when every run passed the oracle or failed it as it did in the
# previous results (a race a backend is known to lose is a finding);
# 1 when a run that passed before fails now; else the run's own status.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
BIN=./subtree-bench
BOX=${BOX:-auto}
MATRIX=${MATRIX:-default}
SET=${SET:-$MATRIX}
OPS=${OPS:-2000}
REPS=${REPS:-10}
SPEC=scripts/matrices/$MATRIX.spec
OUT=results/$SET

[ -f "$SPEC" ] || { echo "make bench: MATRIX=$MATRIX: no $SPEC (one of: $(cd scripts/matrices && ls *.spec | sed "s/\.spec$//" | tr "\n" " " | sed "s/ $//"))" >&2; exit 2; }
if [ "$BOX" = auto ]; then
	missing=$("$BIN" list | awk '$1 == "backend" && $3 == "notify" && $4 != "available" { print $2 }' | tr '\n' ' ')
	if [ -z "$missing" ]; then
		BOX=host
		echo "make bench: box host: this kernel runs every backend"
	else
		BOX=vm-icount
		echo "make bench: box vm-icount: the host cannot run ${missing% } ('subtree-bench list' says why); the bench VM runs them all, and counts instructions, which repeat across boots"
	fi
fi
case $BOX in host|vm|vm-icount) ;; *) echo "make bench: BOX=$BOX: use auto, host, vm or vm-icount" >&2; exit 2 ;; esac

mkdir -p "$OUT"
# What passed the oracle before: the committed results of this set, else
# the file this run overwrites.
prev=$(mktemp)
trap 'rm -f "$prev"' EXIT
git show "HEAD:$OUT/results.json" > "$prev" 2>/dev/null || cp "$OUT/results.json" "$prev" 2>/dev/null || : > "$prev"
start=$(date +%s)
"$BIN" run --box "$BOX" --spec "$SPEC" --ops "$OPS" --reps "$REPS" --out "$OUT/results.json"
st=$?
echo "make bench: measured in $(( $(date +%s) - start )) s (exit $st); results in $OUT/results.json"
# Invalid runs (exit 1) are reported, not plotted; bad input or a crash stops here.
[ $st -le 1 ] || exit $st
report_md= wall=
# The default set's report pairs it with the host's wall-clock set and the
# real-world workloads, and fills
# the cover letter's figures, as make report does.
if [ "$SET" = default ]; then
	report_md="--report-md REPORT.md"
	[ -f kernel/patches/0000-cover-letter.patch ] &&
		report_md="$report_md --cover-letter kernel/patches/0000-cover-letter.patch"
	[ -f results/realistic/results.json ] &&
		report_md="$report_md --realistic results/realistic/results.json"
	[ -f results/host/results.json ] && [ "$BOX" != host ] && wall=results/host/results.json
fi
# shellcheck disable=SC2086
"$BIN" report --out-dir "$OUT" $report_md "$OUT/results.json" $wall || exit $?
echo "make bench: report in $OUT/REPORT.md"
[ $st -eq 0 ] && exit 0
# A race a backend is known to lose is a finding of the report, not a
# failure of the command; a run that passed before and fails now is.
invalid=$(jq -r '[.runs[] | select(.oracle.valid | not) | .id] | .[]' "$OUT/results.json")
if [ -s "$prev" ]; then
	regressed=$(jq -r --slurpfile now "$OUT/results.json" '
		[.runs[] | select(.oracle.valid) | .id] as $was |
		[$now[0].runs[] | select((.oracle.valid | not) and (.id as $i | $was | index($i))) | .id] | .[]' "$prev")
else
	regressed=
fi
if [ -n "$regressed" ]; then
	echo "make bench: these runs passed the oracle in the previous results and fail now:" >&2
	echo "$regressed" | sed 's/^/  /' >&2
	exit 1
fi
echo "make bench: $(echo "$invalid" | grep -c .) run(s) failed the oracle, as in the previous results (or with none to compare): see 'Invalid runs' in $OUT/REPORT.md"
exit 0
