#!/bin/sh
# make bench: measure the matrix, then plots and a report from the results.
#
#   make bench [BOX=auto|host|vm|vm-icount] [MATRIX=default|quick]
#              [OPS=2000] [REPS=10] [SET=<name>]
#
# BOX=auto (the default) measures on the host when the host can run every
# backend, and in vm-icount otherwise, and says which and why. The results
# go to results/<SET>/results.json (SET defaults to MATRIX), the report to
# results/<SET>/REPORT.md, and for the default set also to ./REPORT.md.
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

[ -f "$SPEC" ] || { echo "make bench: MATRIX=$MATRIX: no $SPEC (use default or quick)" >&2; exit 2; }
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
start=$(date +%s)
"$BIN" run --box "$BOX" --spec "$SPEC" --ops "$OPS" --reps "$REPS" --out "$OUT/results.json"
st=$?
echo "make bench: measured in $(( $(date +%s) - start )) s (exit $st); results in $OUT/results.json"
# Invalid runs (exit 1) are reported, not plotted; bad input or a crash stops here.
[ $st -le 1 ] || exit $st
report_md=
[ "$SET" = default ] && report_md="--report-md REPORT.md"
# shellcheck disable=SC2086
"$BIN" report --out-dir "$OUT" $report_md "$OUT/results.json" || exit $?
echo "make bench: report in $OUT/REPORT.md"
exit $st
