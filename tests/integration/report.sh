#!/bin/sh
# Integration test of `subtree-bench report` on the hand-written fixtures
# tests/fixtures/report-*.json:
#   report-basic.json      vm-icount: none, fanotify-user/walk, fanotify-kmod
#                          walk and tag at rules 1/10/100 (depth 4) and depth
#                          1/4/32 (10 rules), outside-fs, one run that failed
#                          the oracle, bpf-lsm unavailable
#   report-extra.json      the same box: fanotify-bpf/tag (merge)
#   report-host.json       a host box (must not merge with vm-icount); its
#                          reps_detail say where the consumer ran
#   report-schema1.json, report-truncated.json, report-allinvalid.json: bad input
#   report-split.json      vm-icount, the newer runner's fields: the cost
#                          split and the oracle's counts per repetition at 10
#                          rules (none at 100), references pass and kfunc,
#                          a bimodal run, a burst-regime pair (/f4), a run
#                          that failed with merged events, deny mode
#   report-split-host.json host (consumers on their own CPU): some of the same
#                          ids, paired overheads (overhead_pct) but for pass
# jq derives a few variants of report-split.json, and of report-basic.json the
# headline's scopes and, for --cover-letter, deny mode at 10000 rules. One
# line per check: `PASS name` or `FAIL name: why`. Exit 0 when all pass.
#
#   tests/integration/report.sh        (after `make build`)
# SUBTREE_BENCH=path overrides the binary (default: ./subtree-bench);
# SUBTREE_BENCH=standalone (or no working ./subtree-bench) builds
# bench/cmd_report.c, bench/report/ and bench/stats.c alone with a two-line
# main, with ASan and UBSan if SAN=1.
# shellcheck disable=SC2016 # backticks in patterns are Markdown, not expansions

# ROOT, BIN, T (scratch dir), pass/fail/finish.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
WORK=$T
cd "$ROOT" || exit 1
FIX=tests/fixtures
BASIC=$FIX/report-basic.json

# show FILE: a short excerpt for a failure message.
show() { head -c 400 "$1" | tr '\n' '|'; }

# --- the binary -------------------------------------------------------------
if [ "$BIN" = standalone ] || ! "$BIN" report --help >/dev/null 2>&1; then
	cat >"$WORK/main.c" <<'EOF2'
#include "bench/cmd.h"
const char *sb_repo_dir(void) { return "."; }
int main(int argc, char **argv) { return argc < 2 ? 2 : cmd_report(argc - 1, argv + 1); }
EOF2
	san=
	[ "${SAN:-0}" = 1 ] && san="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
	# shellcheck disable=SC2086,SC2046 # $san and pkg-config output are word lists
	if ! gcc -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror $san -I. \
		bench/cmd_report.c bench/report/*.c bench/stats.c "$WORK/main.c" \
		$(pkg-config --cflags --libs jansson gsl) -lm \
		-o "$WORK/sb" 2>"$WORK/cc.err"; then
		fail report-build "$(show "$WORK/cc.err")"
		exit 1
	fi
	# The standalone binary takes the subcommand as argv[1], like the real one.
	BIN=$WORK/sb
fi

# report ARGS...: run `report`, stdout/stderr to $WORK/out|err, status in $st.
report() {
	st=0
	"$BIN" report "$@" >"$WORK/out" 2>"$WORK/err" || st=$?
}

# Valid runs of a fixture, "id median" per line. The fixtures put one run on
# four lines: id first, then samples, stats (median first), oracle.
valid_runs() {
	awk '
	/"id": "/ { s = $0; sub(/.*"id": "/, "", s); sub(/".*/, "", s); id = s }
	/"median": \{ "value": / { s = $0; sub(/.*"median": \{ "value": /, "", s); sub(/[,} ].*/, "", s); med = s }
	/"valid": true/ { print id, med }
	' "$1"
}
invalid_runs() {
	awk '/"id": "/ { s = $0; sub(/.*"id": "/, "", s); sub(/".*/, "", s); id = s }
	     /"valid": false/ { print id }' "$1"
}
median_of() { valid_runs "$BASIC" | awk -v id="$1" '$1 == id { print $2 }'; }

# --- one report from the basic fixture ---------------------------------------
OUT=$WORK/out1
report --out-dir "$OUT" "$BASIC"
if [ "$st" -eq 0 ] && [ -s "$OUT/REPORT.md" ]; then
	pass report-runs
else
	fail report-runs "exit $st, stderr: $(show "$WORK/err")"
	exit 1
fi
MD=$OUT/REPORT.md

# Figures: the cost and overhead plots, vs rules and vs depth, PNG and SVG,
# each with its .dat and .gp.
why=
for stem in \
	open-close-notify-vs-rules-depth4-hit0.5 \
	open-close-notify-overhead-vs-rules-depth4-hit0.5 \
	open-close-notify-vs-depth-rules10-hit0.5 \
	open-close-notify-overhead-vs-depth-rules10-hit0.5 \
	outside-fs-notify-vs-rules-depth4-hit0.5 \
	outside-fs-notify-overhead-vs-rules-depth4-hit0.5; do
	for ext in png svg dat gp; do
		[ -s "$OUT/$stem.$ext" ] || why="$why $stem.$ext missing or empty;"
	done
	file -b "$OUT/$stem.png" 2>/dev/null | grep -q '^PNG image' || why="$why $stem.png is not a PNG;"
	file -b "$OUT/$stem.svg" 2>/dev/null | grep -q 'SVG' || why="$why $stem.svg is not an SVG;"
	grep -qF "($stem.png)" "$MD" || why="$why REPORT.md does not link $stem.png;"
done
# No figure for a slice with a single x value (rules 10, depth 1).
for f in "$OUT"/*-vs-rules-depth1-*; do
	[ -e "$f" ] && why="$why a vs-rules figure for depth 1, which has one rule count;"
done
if [ -z "$why" ]; then pass report-figures; else fail report-figures "$why"; fi

# Every valid run: one table row with its id and its median (stats.median.value).
why=
n=0
for line in $(valid_runs "$BASIC" | tr ' ' '='); do
	id=${line%%=*}
	med=${line#*=}
	n=$((n + 1))
	row=$(grep -F "| \`$id\` |" "$MD")
	[ "$(printf '%s\n' "$row" | grep -c .)" -eq 1 ] || { why="$why $id: not exactly one table row;"; continue; }
	printf '%s\n' "$row" | grep -qF "| $med [" || why="$why $id: row lacks median $med;"
done
[ "$n" -ge 20 ] || why="$why only $n valid runs found in the fixture (parser out of date?);"
if [ -z "$why" ]; then pass report-valid-runs-in-tables; else fail report-valid-runs-in-tables "$why"; fi

# The invalid run: in the failed section with its oracle counters, nowhere else.
why=
bad=$(invalid_runs "$BASIC")
[ -n "$bad" ] || why="no invalid run in the fixture;"
for id in $bad; do
	[ "$(grep -cF "\`$id\`" "$MD")" -eq 1 ] || why="$why $id mentioned $(grep -cF "\`$id\`" "$MD") times;"
	sed -n '/^## Runs that failed the oracle/,/^## /p' "$MD" | grep -F "\`$id\`" |
		grep -qF '| 2000 | 1997 | 3 | 0 | 0 |' || why="$why $id not in the failed section with its counters;"
	sed -n '1,/^## Runs that failed the oracle/p' "$MD" | grep -qF "$id" && why="$why $id appears before the failed section;"
done
grep -q '^## create-unlink' "$MD" && why="$why a create-unlink table (its only run is invalid);"
for f in "$OUT"/create-unlink*; do
	[ -e "$f" ] && why="$why a create-unlink figure;"
done
if [ -z "$why" ]; then pass report-invalid-run-listed-not-plotted; else fail report-invalid-run-listed-not-plotted "$why"; fi

# Unavailable backends, with the probe's reason.
if sed -n '/^## Unavailable backends/,/^## /p' "$MD" | grep -q '^| bpf-lsm | notify | BPF LSM not active'; then
	pass report-unavailable
else
	fail report-unavailable "bpf-lsm/notify not listed with its reason"
fi

# Box, revision, method, estimators: from the JSON.
why=
for s in 'vm-icount' '6.12.57-sb1' 'QEMU TCG CPU version 2.5+' 'instructions/op' \
	'0123456789abcdef0123456789abcdef01234567' '(`reps`): 5 (every run)' \
	'(`ops`): 2000 (every run)' '19 of the 19 monitored runs carry `none` baseline samples' \
	'`median(backend) - median(none); 95% CI: percentile bootstrap over both samples`' \
	'`sample median; 95% CI: percentile bootstrap, 2000 resamples`'; do
	grep -qF -- "$s" "$MD" || why="$why missing '$s';"
done
if [ -z "$why" ]; then pass report-box-method-estimators; else fail report-box-method-estimators "$why"; fi

# Delivery: which figures hold the consumer's work after the loop, from each
# run's reps_detail (report-host.json: one run on a shared CPU, two apart);
# a file that does not record it (report-basic.json) gets no such line.
report --out-dir "$WORK/host" "$FIX/report-host.json"
if [ "$st" -eq 0 ] && grep -qF -- '- Delivery: in 1 of the 3 monitored runs the consumer thread shared the workload' "$WORK/host/REPORT.md" &&
	grep -qF 'In 2 it ran on a CPU of its own' "$WORK/host/REPORT.md" && ! grep -q -- '- Delivery:' "$MD"; then
	pass report-delivery
else
	fail report-delivery "exit $st: $(grep -h -- '- Delivery' "$WORK/host/REPORT.md" "$MD" | head -c 300)"
fi

# Derived sentences match the fixture's numbers.
why=
lo=$(median_of fanotify-user/walk/open-close/notify/r1/d4/h0.5)
hi=$(median_of fanotify-user/walk/open-close/notify/r100/d4/h0.5)
factor=$(awk -v a="$lo" -v b="$hi" 'BEGIN { printf "%.2f", b / a }')
want="- fanotify-user/walk: cost per operation grows ${factor}x from 1 rule to 100 rules ($lo to $hi instructions/op), at depth 4, hit ratio 0.5."
grep -qxF -- "$want" "$MD" || why="$why no growth sentence '$want';"
grep -qF -- '- fanotify-kmod/tag: no measurable change from 1 rule to 100 rules' "$MD" ||
	why="$why kmod/tag (overlapping CIs) not reported as unchanged;"
best=$(median_of fanotify-kmod/tag/open-close/notify/r100/d4/h0.5)
grep -qF -- "- At 100 rules (depth 4, hit ratio 0.5) the cheapest is fanotify-kmod/tag at $best instructions/op" "$MD" ||
	why="$why cheapest at 100 rules is not fanotify-kmod/tag at $best;"
grep -qF -- 'fanotify-kmod/walk (100 rules, depth 4, hit ratio 0.5) shows no measurable overhead over `none`' "$MD" ||
	why="$why outside-fs kmod/walk (CI includes 0) not 'no measurable overhead';"
grep -qF -- 'fanotify-user/walk (100 rules, depth 4, hit ratio 0.5) adds 401.0 instructions/op over `none`' "$MD" ||
	why="$why outside-fs user/walk overhead 401 not reported;"
if [ -z "$why" ]; then pass report-derived-sentences; else fail report-derived-sentences "$why"; fi

# Data files: the figures' numbers, re-plottable.
dat=$OUT/open-close-notify-vs-rules-depth4-hit0.5.dat
gp=$OUT/open-close-notify-vs-rules-depth4-hit0.5.gp
# rules 1..100: log x (max/min > 20); costs within 2 decades: linear y.
if grep -q "^100 $hi " "$dat" && grep -q '^# index 3: none (floor)' "$dat" &&
	grep -qx 'logx = 1' "$gp" && grep -qx 'logy = 0' "$gp"; then
	pass report-dat
else
	fail report-dat "$(show "$dat")"
fi

# Deterministic: a second run (another directory, then the same one) gives
# byte-identical REPORT.md, .dat and .gp files.
why=
report --out-dir "$WORK/out2" "$BASIC"
[ "$st" -eq 0 ] || why="second run exit $st;"
cp "$MD" "$WORK/first.md"
report --out-dir "$OUT" "$BASIC"
[ "$st" -eq 0 ] || why="$why third run exit $st;"
for f in "$OUT"/REPORT.md "$OUT"/*.dat "$OUT"/*.gp; do
	cmp -s "$f" "$WORK/out2/$(basename "$f")" || why="$why $(basename "$f") differs;"
done
cmp -s "$WORK/first.md" "$MD" || why="$why REPORT.md differs on a rerun;"
if [ -z "$why" ]; then pass report-deterministic; else fail report-deterministic "$why"; fi

# The summary: REPORT.md opens with it (right after the title and the
# generated-file comment), at most 15 lines with its heading, every sentence
# naming the figure it comes from; a scope without runs says so.
why=
[ "$(grep -m1 '^## ' "$MD")" = '## Summary' ] || why="the first section is not the summary;"
[ "$(sed -n '/^## Summary/,$p' "$MD" | sed -n '2,$p' | sed '/^## /,$d' | wc -l)" -le 14 ] ||
	why="$why the summary is longer than 15 lines;"
grep -qxF -- '- In scope: not measured (no open-close run of a filter in notify mode at hit ratio 1).' "$MD" ||
	why="$why no 'not measured' for the missing in-scope cell;"
for fig in $(sed -n '/^## Summary/,/^## Figures/p' "$MD" | sed -n 's/.* Figure: `\([^`]*\)`\.$/\1/p'); do
	[ -s "$OUT/$fig" ] || why="$why the summary names $fig, which is not there;"
done
# A sentence without a figure only says that there is none.
nofig=$(sed -n '/^## Summary/,/^## Figures/p' "$MD" | grep '^- ' | grep -v 'Figure: `[^`]*\.png`\.$' |
	grep -v 'not measured\|: no \|^- No headline figure')
[ -z "$nofig" ] || why="$why a summary sentence names no figure: $(printf '%s' "$nofig" | head -c 200);"
if [ -z "$why" ]; then pass report-summary; else fail report-summary "$why"; fi

# The headline figure, from a variant of the basic fixture with its 100-rule
# open-close runs copied to hit ratio 1 (in scope) and 0 (out of scope), where
# fanotify-kmod/walk is made cheaper than kmod/tag: the bar keeps the
# strategy that is cheapest in scope (tag). PNG, SVG and PDF, linked, named
# by the summary with the numbers of the fixture.
why=
jq '.runs += ([.runs[] | select(.id | test("/open-close/notify/r100/d4/h0.5$"))] as $c
	| [$c[] | .id |= sub("h0.5$"; "h1") | .hit_ratio = 1]
	+ [$c[] | .id |= sub("h0.5$"; "h0") | .hit_ratio = 0
	   | if (.id | startswith("fanotify-kmod/walk/")) then .stats.overhead.value = 100
	     | .stats.overhead.ci95 = [90, 110] else . end])' "$BASIC" >"$WORK/scope.json"
HO=$WORK/scope
report --out-dir "$HO" "$WORK/scope.json"
[ "$st" -eq 0 ] || why="exit $st: $(show "$WORK/err");"
stem=headline-overhead-by-scope
file -b "$HO/$stem.png" 2>/dev/null | grep -q '^PNG image' || why="$why no $stem.png;"
file -b "$HO/$stem.svg" 2>/dev/null | grep -q 'SVG' || why="$why no $stem.svg;"
file -b "$HO/$stem.pdf" 2>/dev/null | grep -q '^PDF document' || why="$why no $stem.pdf;"
grep -qF "($stem.png)" "$HO/REPORT.md" && grep -qF "($stem.pdf)" "$HO/REPORT.md" || why="$why REPORT.md does not link it;"
sed -n '/^## Summary/,/^## /p' "$HO/REPORT.md" | grep -qxF -- '- In scope (open-close, 100 rules, depth 4, hit ratio 1; `none` 10001 instructions/op), overhead over `none` [95 % CI] of each backend'"'"'s cheapest strategy: cheapest fanotify-kmod/tag +309.0 [287.0, 331.0] (+3.1 %); most expensive fanotify-user/walk +25999 [25889, 26109] (+260 %). Figure: `headline-overhead-by-scope.png`.' ||
	why="$why no in-scope sentence with the fixture's numbers;"
sed -n '/^## Summary/,/^## /p' "$HO/REPORT.md" | grep -qF -- '- Out of scope on the monitored filesystem (open-close, 100 rules, depth 4, hit ratio 0; `none` 10001 instructions/op), overhead over `none` [95 % CI] of each backend'"'"'s cheapest strategy: cheapest fanotify-kmod/tag +309.0' ||
	why="$why the out-of-scope bar did not keep kmod's in-scope strategy;"
sed -n '/^## Summary/,/^## /p' "$HO/REPORT.md" | grep -qF -- '- On another filesystem (outside-fs, 100 rules, depth 4, hit ratio 0.5; `none` 5001 instructions/op)' ||
	why="$why no other-filesystem sentence;"
awk '$2 == "\"fanotify-kmod/tag\"" { print $3, $8 }' "$HO/$stem.dat" | grep -qx '309 309' ||
	why="$why the .dat lacks kmod/tag's overheads;"
grep -q 'fanotify-kmod/walk' "$HO/$stem.dat" && why="$why kmod/walk in the headline though tag is its cheapest in scope;"
[ "$(sed -n '/^## Summary/,$p' "$HO/REPORT.md" | sed -n '2,$p' | sed '/^## /,$d' | wc -l)" -le 14 ] ||
	why="$why the summary is longer than 15 lines;"
if [ -z "$why" ]; then pass report-headline; else fail report-headline "$why"; fi

# The figures are deterministic too: the same results give the same PNG,
# SVG and PDF bytes (the PDF's date is the results' created_utc, or
# SOURCE_DATE_EPOCH).
why=
report --out-dir "$WORK/scope2" "$WORK/scope.json"
for f in "$HO"/REPORT.md "$HO"/*.png "$HO"/*.svg "$HO"/*.pdf; do
	cmp -s "$f" "$WORK/scope2/$(basename "$f")" || why="$why $(basename "$f") differs;"
done
SOURCE_DATE_EPOCH=86400 "$BIN" report --out-dir "$WORK/scope3" "$WORK/scope.json" >/dev/null 2>&1
grep -aq '/CreationDate (D:19700102000000Z)' "$WORK/scope3/$stem.pdf" || why="$why SOURCE_DATE_EPOCH not the PDF's date;"
if [ -z "$why" ]; then pass report-figures-deterministic; else fail report-figures-deterministic "$why"; fi

# Small multiples: past six series on one axis, one panel per backend on
# shared axes (jq copies the basic fixture's fanotify-user/walk runs to four
# more backends: seven series, six backends). Greyscale: every series a
# distinct point type and dash type pair, the point type the backend's; the
# figures are 1280x720.
why=
jq '.runs += ([.runs[] | select(.id | test("^fanotify-user/walk/open-close/notify/"))] as $u
	| [["fanotify-dirmarks", "tag"], ["fanotify-bpf", "walk"], ["bpf-lsm", "walk"], ["bpf-fentry", "walk"]]
	| map(. as [$b, $s] | $u[] | .backend = $b | .strategy = $s
		| .id |= sub("^fanotify-user/walk/"; $b + "/" + $s + "/")) | flatten)' "$BASIC" >"$WORK/many.json"
report --out-dir "$WORK/many" "$WORK/many.json"
[ "$st" -eq 0 ] || why="exit $st: $(show "$WORK/err");"
gp=$WORK/many/open-close-notify-vs-rules-depth4-hit0.5.gp
grep -qx 'npanels = 6' "$gp" || why="$why not six panels;"
grep -qF 'panel_title[3] = "fanotify-kmod"; panel_first[3] = 3; panel_last[3] = 4' "$gp" ||
	why="$why fanotify-kmod's panel is not its two series;"
grep -qx 'npanels = 1' "$OUT/open-close-notify-vs-rules-depth4-hit0.5.gp" || why="$why three series in panels;"
pairs=$(sed -n 's/.*series_pt\[[0-9]*\] = \([0-9]*\); series_dt\[[0-9]*\] = \([0-9]*\)$/\1 \2/p' "$gp")
[ "$(printf '%s\n' "$pairs" | grep -c .)" -eq 7 ] || why="$why not seven series;"
[ "$(printf '%s\n' "$pairs" | sort -u | grep -c .)" -eq 7 ] || why="$why two series share a point and dash type;"
[ "$(printf '%s\n' "$pairs" | awk '{ print $1 }' | sort -u | grep -c .)" -eq 6 ] || why="$why not one point type per backend;"
file -b "$WORK/many/open-close-notify-vs-rules-depth4-hit0.5.png" | grep -q '1280 x 720' || why="$why the PNG is not 1280x720;"
file -b "$WORK/many/open-close-notify-vs-rules-depth4-hit0.5.pdf" | grep -q '^PDF document' || why="$why no PDF;"
if [ -z "$why" ]; then pass report-small-multiples; else fail report-small-multiples "$why"; fi

# Bad input: a clear error naming the file and the fix, exit 2.
bad_input() { # name file-args... ; expects $want in stderr
	name=$1
	shift
	report --out-dir "$WORK/bad" "$@"
	if [ "$st" -eq 2 ] && grep -qF -- "$want" "$WORK/err" && grep -q 'fix:' "$WORK/err"; then
		pass "$name"
	else
		fail "$name" "exit $st (want 2), stderr: $(show "$WORK/err")"
	fi
}
want="$FIX/report-truncated.json: not valid JSON"
bad_input report-bad-json "$FIX/report-truncated.json"
want="$FIX/report-missing.json: cannot read"
bad_input report-missing-file "$FIX/report-missing.json"
want="$FIX/report-schema1.json: schema_version is 1"
bad_input report-bad-schema "$FIX/report-schema1.json"
want="$FIX/report-allinvalid.json: no valid runs"
bad_input report-no-valid-runs "$FIX/report-allinvalid.json"
want='refusing to merge'
bad_input report-refuse-box-mix "$BASIC" "$FIX/report-host.json"
report --out-dir "$WORK/bad"
if [ "$st" -eq 2 ] && grep -q 'no results file' "$WORK/err"; then
	pass report-usage
else
	fail report-usage "exit $st, stderr: $(show "$WORK/err")"
fi

# Merge two files from the same kind of box; top-level copy with relative links.
why=
mkdir -p "$WORK/top"
report --out-dir "$WORK/top/results/m" --report-md "$WORK/top/REPORT.md" --title "merged" \
	"$BASIC" "$FIX/report-extra.json"
[ "$st" -eq 0 ] || why="exit $st: $(show "$WORK/err");"
M=$WORK/top/results/m/REPORT.md
grep -qF '| `fanotify-bpf/tag/open-close/notify/r100/d4/h0.5` |' "$M" || why="$why fanotify-bpf runs missing;"
grep -qF '| `fanotify-user/walk/open-close/notify/r100/d4/h0.5` |' "$M" || why="$why fanotify-user runs missing;"
[ "$(grep -c '^| bpf-lsm | notify |' "$M")" -eq 1 ] || why="$why bpf-lsm/notify not listed exactly once;"
grep -q '^# merged$' "$M" || why="$why title not used;"
grep -qF '](results/m/open-close-notify-vs-rules-depth4-hit0.5.png)' "$WORK/top/REPORT.md" ||
	why="$why top-level REPORT.md links are not relative to it;"
grep -qF '](open-close-notify-vs-rules-depth4-hit0.5.png)' "$M" || why="$why set REPORT.md links not local;"
if [ -z "$why" ]; then pass report-merge; else fail report-merge "$why"; fi

# Default output directory: the results file's own directory.
mkdir -p "$WORK/set"
cp "$BASIC" "$WORK/set/results.json"
report "$WORK/set/results.json"
if [ "$st" -eq 0 ] && [ -s "$WORK/set/REPORT.md" ] && [ -s "$WORK/set/outside-fs-notify-vs-rules-depth4-hit0.5.png" ]; then
	pass report-default-out-dir
else
	fail report-default-out-dir "exit $st: $(show "$WORK/err")"
fi

# --- the newer runner's fields (report-split.json) -----------------------------
SPLIT=$FIX/report-split.json
SHOST=$FIX/report-split-host.json
SO=$WORK/split
report --out-dir "$SO" "$SPLIT"
SMD=$SO/REPORT.md
[ "$st" -eq 0 ] || fail report-split-runs "exit $st: $(show "$WORK/err")"
# section NAME: the lines of REPORT.md section "## NAME..." up to the next one.
section() { awk -v h="## $1" 'index($0, h) == 1 { on = 1; print; next } /^## / { on = 0 } on' "$2"; }
# row ID [FILE]: the table rows that name run ID.
rows() { grep -F "| \`$1\` |" "${2:-$SMD}"; }

# The stacked cost split: the figure for notify and for deny at the preferred
# cell (10 rules, depth 4, hit ratio 0.5), linked and said to be there.
why=
for m in notify deny; do
	stem=open-close-$m-split-rules10-depth4-hit0.5
	for ext in png svg dat gp; do
		[ -s "$SO/$stem.$ext" ] || why="$why $stem.$ext missing;"
	done
	file -b "$SO/$stem.png" 2>/dev/null | grep -q '^PNG image' || why="$why $stem.png is not a PNG;"
	grep -qF "($stem.png)" "$SMD" || why="$why REPORT.md does not link $stem.png;"
done
grep -qF "Where an operation's cost goes, at 10 rules, depth 4, hit ratio 0.5: the cell of 10 or 100 rules" "$SMD" ||
	why="$why the cell is not named;"
# Medians over the repetitions (bench/stats.c): workload 10990/11000/11010,
# consumer 4490/4500/4510 on the shared CPU, remainder 520/500/480: stacked
# 11000, 11000 + 4500 = 15500, 15500 + 500 = 16000; no bar beside.
dat=$SO/open-close-notify-split-rules10-depth4-hit0.5.dat
awk '$16 == "fanotify-user/walk/open-close/notify/r10/d4/h0.5" { print $6, $7, $8, $9, $10, $11 }' "$dat" |
	grep -qx '11000 15500 15500 16000 NaN 16000' || why="$why user/walk stack wrong in the .dat;"
grep -qx 'have_consumer_in = 1' "$SO/open-close-notify-split-rules10-depth4-hit0.5.gp" || why="$why no consumer in the stack;"
grep -qx 'have_beside = 0' "$SO/open-close-notify-split-rules10-depth4-hit0.5.gp" || why="$why a bar beside on vm-icount;"
# Deny: the kernel filter has no consumer: workload and remainder only.
awk '$16 == "fanotify-kmod/walk/open-close/deny/r10/d4/h0.5" { print $6, $7, $9 }' \
	"$SO/open-close-deny-split-rules10-depth4-hit0.5.dat" | grep -qx '11200 NaN 11500' ||
	why="$why deny kmod/walk stack wrong;"
if [ -z "$why" ]; then pass report-split-figure; else fail report-split-figure "$why"; fi

# The split figure's cell: with a split at 10 and at 100 rules, the one with
# more backends; 10 on a tie. (jq copies the 10-rule repetitions to 100 rules
# and takes two of them away at 10.)
why=
jq '.runs |= (map(select(.id | test("/notify/r10/d4/h0.5$"))) as $ten
	| map(. as $r | if ($r.id | test("/notify/r100/d4/h0.5$"))
		then .reps_detail = ([$ten[] | select(.id == ($r.id | sub("/r100/"; "/r10/")))] | .[0].reps_detail)
		else . end))' "$SPLIT" >"$WORK/tie.json"
jq '(.runs[] | select(.id == "fanotify-kmod/tag/open-close/notify/r10/d4/h0.5"
	or .id == "fanotify-bpf/kfunc/open-close/notify/r10/d4/h0.5") | .reps_detail) = []' \
	"$WORK/tie.json" >"$WORK/more100.json"
report --no-plots --out-dir "$WORK/tie" "$WORK/tie.json"
[ -s "$WORK/tie/open-close-notify-split-rules10-depth4-hit0.5.dat" ] || why="a tie is not drawn at 10 rules;"
report --no-plots --out-dir "$WORK/more100" "$WORK/more100.json"
[ -s "$WORK/more100/open-close-notify-split-rules100-depth4-hit0.5.dat" ] &&
	[ ! -e "$WORK/more100/open-close-notify-split-rules10-depth4-hit0.5.dat" ] ||
	why="$why more backends at 100 rules, but not drawn there;"
grep -qF "Where an operation's cost goes, at 100 rules, depth 4, hit ratio 0.5: the cell of 10 or 100 rules" \
	"$WORK/more100/REPORT.md" || why="$why the cell is not named;"
if [ -z "$why" ]; then pass report-split-cell; else fail report-split-cell "$why"; fi

# The split table: workload / consumer / remainder per op, consumer per event
# (8980/9000/9020 -> 9000), and the events per repetition (medians).
why=
rows fanotify-user/walk/open-close/notify/r10/d4/h0.5 |
	grep -qF '| 11000 | 4500 | yes (shares the workload'"'"'s CPU) | 500.0 | 9000 | 16000 [15990, 16010] |' ||
	why="$why no split row for user/walk;"
rows fanotify-kmod/walk/open-close/deny/r10/d4/h0.5 | grep -qF '| 11200 | — | — (no consumer) | 300.0 | — |' ||
	why="$why no split row for deny kmod/walk;"
# pass sends everything: 1000 expected, 2000 delivered, 1000 extra.
rows fanotify-kmod/pass/open-close/notify/r10/d4/h0.5 | grep -qF '| 1000 | 2000 | 0 | 0 | 0 | 0 | 1000 | 0 |' ||
	why="$why no events row for pass;"
# A run without reps_detail (100 rules) has no split and no events row.
[ "$(rows fanotify-kmod/walk/open-close/notify/r100/d4/h0.5 | grep -c .)" -eq 1 ] ||
	why="$why a run without reps_detail got split or events rows;"
if [ -z "$why" ]; then pass report-split-table; else fail report-split-table "$why"; fi

# Bimodal (fanotify-kmod/tag at 100 rules): both modes in the table, a note,
# the median circled in the figure and footnoted in the legend and sentences.
why=
rows fanotify-kmod/tag/open-close/notify/r100/d4/h0.5 | grep -qF '| 11025 (2) \| 12160 (3) |' ||
	why="$why the table does not show both modes;"
grep -qF 'Bimodal (`stats.bimodal`): `fanotify-kmod/tag/open-close/notify/r100/d4/h0.5`.' "$SMD" || why="$why no note;"
gp=$SO/open-close-notify-vs-rules-depth4-hit0.5.gp
grep -q '^set label "bimodal" at 100, 12150 point' "$gp" || why="$why the median is not marked;"
grep -qF 'series_title[3] = "fanotify-kmod/tag (circled: bimodal)"' "$gp" || why="$why no legend footnote;"
grep -qF '12150 (bimodal: modes 11025 (2) and 12160 (3))' "$SMD" || why="$why the sentences do not say bimodal;"
if [ -z "$why" ]; then pass report-bimodal; else fail report-bimodal "$why"; fi

# pass and kfunc: labelled reference everywhere, never the cheapest (pass is,
# at 10810 instructions/op at 100 rules; among the filters it is kmod/tag).
why=
for id in fanotify-kmod/pass/open-close/notify/r100/d4/h0.5 fanotify-bpf/kfunc/open-close/notify/r10/d4/h0.5; do
	rows "$id" | grep -q '| \(pass\|kfunc\) (reference) |' || why="$why $id not labelled in the table;"
done
grep -qF '= "fanotify-kmod/pass (reference)"' "$gp" || why="$why the legend does not label pass;"
grep -qF 'xticlabels' "$SO/open-close-notify-split-rules10-depth4-hit0.5.gp" &&
	grep -qF '"fanotify-bpf/kfunc (reference)"' "$SO/open-close-notify-split-rules10-depth4-hit0.5.dat" ||
	why="$why the split figure does not label kfunc;"
grep -qF -- '- At 100 rules (depth 4, hit ratio 0.5) the cheapest is fanotify-kmod/tag at 12150' "$SMD" ||
	why="$why the cheapest is not kmod/tag;"
grep -q 'cheapest is fanotify-[a-z]*/\(pass\|kfunc\)\|most expensive, fanotify-[a-z]*/\(pass\|kfunc\)' "$SMD" &&
	why="$why a reference is cheapest or most expensive;"
if [ -z "$why" ]; then pass report-reference; else fail report-reference "$why"; fi

# The burst regime: its own section with the merged counts (250 delivered,
# 750 merged per repetition), nowhere else: not in a figure, table or sentence.
why=
burst=$(section 'Burst regime: 4 objects reused, fanotify merges identical events' "$SMD")
[ -n "$burst" ] || why="no burst section;"
for id in none/-/open-close/notify/r10/d4/h0.5/f4 fanotify-user/walk/open-close/notify/r10/d4/h0.5/f4; do
	[ "$(grep -cF "\`$id\`" "$SMD")" -eq "$(printf '%s\n' "$burst" | grep -cF "\`$id\`")" ] ||
		why="$why $id outside its section;"
	grep -lF "$id" "$SO"/*.dat "$SO"/*.gp >/dev/null 2>&1 && why="$why $id in a figure;"
done
printf '%s\n' "$burst" | grep -F '`fanotify-user/walk/open-close/notify/r10/d4/h0.5/f4`' |
	grep -qF '| 1000 | 250 | 750 | 0 |' || why="$why no merged counts;"
grep -qF '9500 instructions/op' "$SMD" && why="$why the burst median in a sentence;"
if [ -z "$why" ]; then pass report-burst-section; else fail report-burst-section "$why"; fi

# Method: what the timing pass holds and where the consumer ran; the failed
# run lists its merged events. Neither for the old fixture.
why=
grep -qF -- '- Timing pass: between the clock reads, the operations alone' "$SMD" || why="no timing-pass line;"
grep -qF 'on the `vm-icount` box the consumer shared the workload'"'"'s CPU in 6 of the 6 runs that have one' "$SMD" ||
	why="$why no consumer line;"
grep -qF -- '- Regime: ' "$SMD" || why="$why no regime line;"
section 'Runs that failed the oracle' "$SMD" | grep -F '`fanotify-dirmarks/walk/open-close/notify/r10/d4/h0.5`' |
	grep -qF '| 3000 | 2990 | 0 | 0 | 0 | 10 | 0 | 0 |' || why="$why the failed run lacks its merged count;"
grep -q 'Timing pass\|Burst regime\|Cost split\|Events per timing\|Instruction counts and wall clock' "$MD" &&
	why="$why new sections for the old fixture;"
if [ -z "$why" ]; then pass report-method-new-fields; else fail report-method-new-fields "$why"; fi

# A host box: consumers on their own CPU are a bar beside the stack.
why=
report --out-dir "$WORK/shost" "$SHOST"
[ "$st" -eq 0 ] || why="exit $st: $(show "$WORK/err");"
grep -qx 'have_beside = 1' "$WORK/shost/open-close-notify-split-rules10-depth4-hit0.5.gp" || why="$why no bar beside;"
awk '$16 == "fanotify-user/walk/open-close/notify/r10/d4/h0.5" { print $6, $7, $9, $10 }' \
	"$WORK/shost/open-close-notify-split-rules10-depth4-hit0.5.dat" | grep -qx '1100 NaN 1520 900' ||
	why="$why the consumer is in the stack;"
rows fanotify-user/walk/open-close/notify/r10/d4/h0.5 "$WORK/shost/REPORT.md" | grep -qF '| 900.0 | no (a CPU of its own) |' ||
	why="$why the table puts the consumer in the figure;"
if [ -z "$why" ]; then pass report-split-beside; else fail report-split-beside "$why"; fi

# Instruction counts beside wall clock: the vm-icount file and the host file,
# paired by id. Expected by hand from the fixtures' numbers:
#   instructions: median / median(none at the same cell)
#   wall clock:   1 + overhead_pct / 100 with its CI, or for pass (no
#                 overhead_pct) 1 + overhead / median(none), CI likewise
ratio() { awk "BEGIN { printf \"%.3f\", $1 }"; }
why=
report --out-dir "$WORK/pair" "$SPLIT" "$SHOST"
PMD=$WORK/pair/REPORT.md
[ "$st" -eq 0 ] || why="exit $st: $(show "$WORK/err");"
pairs=$(section 'Instruction counts and wall clock' "$PMD")
[ -n "$pairs" ] || why="$why no section;"
check_pair() { # id icount-ratio wall wall-lo wall-hi inside
	printf '%s\n' "$pairs" | grep -F "| \`$1\` |" | grep -qF "| $2 | $3 [$4, $5]" ||
		why="$why $1: not $2 vs $3 [$4, $5];"
	printf '%s\n' "$pairs" | grep -F "| \`$1\` |" | grep -qF "| $6 |" || why="$why $1: inside is not $6;"
}
check_pair fanotify-user/walk/open-close/notify/r10/d4/h0.5 "$(ratio 16000/10000)" \
	"$(ratio '1 + 52/100')" "$(ratio '1 + 48/100')" "$(ratio '1 + 56/100')" no
check_pair fanotify-user/walk/open-close/notify/r100/d4/h0.5 "$(ratio 17000/10002)" \
	"$(ratio '1 + 60/100')" "$(ratio '1 + 57/100')" "$(ratio '1 + 63/100')" no
check_pair fanotify-kmod/walk/open-close/notify/r10/d4/h0.5 "$(ratio 12000/10000)" \
	"$(ratio '1 + 19.5/100')" "$(ratio '1 + 15/100')" "$(ratio '1 + 25/100')" yes
check_pair fanotify-kmod/pass/open-close/notify/r10/d4/h0.5 "$(ratio 10800/10000)" \
	"$(ratio '1 + 150/1000')" "$(ratio '1 + 100/1000')" "$(ratio '1 + 200/1000')" no
# CPU ratio: (workload + consumer CPU) / none's workload CPU, medians of the
# host fixture's splits; a run without a split has none.
printf '%s\n' "$pairs" | grep -F "| \`fanotify-user/walk/open-close/notify/r10/d4/h0.5\` |" |
	grep -qF "| no | $(ratio '(1100 + 900) / 950') |" || why="$why user/walk: no CPU ratio $(ratio '(1100 + 900) / 950');"
printf '%s\n' "$pairs" | grep -F "| \`fanotify-kmod/walk/open-close/notify/r10/d4/h0.5\` |" |
	grep -qF "| yes | $(ratio '(1150 + 80) / 950') |" || why="$why kmod/walk: no CPU ratio;"
printf '%s\n' "$pairs" | grep -F "| \`fanotify-user/walk/open-close/notify/r100/d4/h0.5\` |" |
	grep -qF "| no | - |" || why="$why r100 (no split) has a CPU ratio;"
printf '%s\n' "$pairs" | grep -qF -- "  - In CPU time (workload + consumer): its CPU ratio is " || why="$why no CPU sentence;"
# kfunc and kmod/walk at 100 rules have no host twin: not paired.
printf '%s\n' "$pairs" | grep -qF 'fanotify-bpf/kfunc/' && why="$why kfunc paired without a twin;"
off_lo=$(awk 'BEGIN { printf "%+.3f", 16000/10000 - (1 + 52/100) }')
off_hi=$(awk 'BEGIN { printf "%+.3f", 17000/10002 - (1 + 60/100) }')
printf '%s\n' "$pairs" | grep -qF -- "- fanotify-user/walk: the instruction count does not predict wall-clock time at 2 of 2 paired cells: its ratio is off by $off_lo to $off_hi" ||
	why="$why no user/walk sentence with $off_lo to $off_hi;"
printf '%s\n' "$pairs" | grep -qF -- '- fanotify-kmod/walk: the instruction count predicts wall-clock time at its one paired cell' ||
	why="$why no kmod/walk sentence;"
printf '%s\n' "$pairs" | grep -qF -- "- fanotify-kmod/pass (reference): the instruction count does not predict wall-clock time at 1 of 1 paired cell: its ratio is off by $(awk 'BEGIN { printf "%+.3f", 10800/10000 - (1 + 150/1000) }')" ||
	why="$why no pass sentence;"
# The host runs are only here: the rest of the report is the vm-icount box's.
grep -qF '(box kind `host`, time unit ns) is paired with the above' "$PMD" || why="$why the Box section does not say;"
cmp -s "$WORK/pair/open-close-notify-vs-rules-depth4-hit0.5.dat" "$SO/open-close-notify-vs-rules-depth4-hit0.5.dat" ||
	why="$why the host runs changed a figure;"
if [ -z "$why" ]; then pass report-wallclock-pairs; else fail report-wallclock-pairs "$why"; fi

# Deterministic for the new fields too (make report reproduces its output).
why=
report --out-dir "$WORK/pair2" "$SPLIT" "$SHOST"
for f in "$WORK/pair"/REPORT.md "$WORK/pair"/*.dat "$WORK/pair"/*.gp; do
	cmp -s "$f" "$WORK/pair2/$(basename "$f")" || why="$why $(basename "$f") differs;"
done
if [ -z "$why" ]; then pass report-new-fields-deterministic; else fail report-new-fields-deterministic "$why"; fi

# A whole number written as a real beyond long long ("ops": 1e300) is not one:
# shown without it, not cast (undefined behaviour the fuzz target found; the
# SAN build's run of this test checks it).
jq '.runs[0].ops = 1e300' "$BASIC" > "$WORK/bigops.json"
report --no-plots --out-dir "$WORK/bigops" "$WORK/bigops.json"
if [ "$st" -eq 0 ] && ! grep -q "runtime error" "$WORK/err"; then pass report-real-out-of-range
else fail report-real-out-of-range "exit $st: $(show "$WORK/err")"; fi

# --- --realistic: the "Real-world workloads" section --------------------------
# tests/fixtures/report-realistic.json is `subtree-bench import` of the import
# fixtures (tests/integration/import.sh lists their numbers): fio smallfiles
# none 25000/50000 and fanotify-user 50000/62500 ns per I/O (paired), fio
# metadata none only, hyperfine untar none 0.10/0.12/0.11 s and
# fanotify-user 0.15/0.16/0.14 s (unpaired).
REAL=$FIX/report-realistic.json
why=
report --no-plots --out-dir "$WORK/real" "$BASIC" --realistic "$REAL"
RMD=$WORK/real/REPORT.md
if [ $st -ne 0 ] || [ ! -s "$RMD" ]; then
	fail report-realistic "exit $st: $(show "$WORK/err")"
else
	sec=$(section 'Real-world workloads' "$RMD")
	[ -n "$sec" ] || why="$why no section;"
	# Each workload once, fio jobs first, each backend's median, ratio, overhead and n.
	[ "$(printf '%s\n' "$sec" | grep '^### ' | tr '\n' ' ')" = '### fio:metadata ### fio:smallfiles ### hyperfine:untar ' ] ||
		why="$why workloads: $(printf '%s\n' "$sec" | grep '^### ' | tr '\n' ' ');"
	for want in '| none | 116.7 [' '| none | 37.5 [' '| 1 (baseline) | (baseline) | 2 |' \
		'| fanotify-user | 56.2 [' '| 1.50 | 62.5 [25.0, 100.0] | 2 |' \
		'| none | 110.0 [' '| fanotify-user | 150.0 [' '| 1.36 | 36.4 [16.7, 60.0] | 3 |' \
		'(ms per command)' '(µs per I/O)' 'Overhead: `unpaired: difference of medians' \
		'Overhead: `paired' 'Exit status: 6 timed commands checked, 0 exited non-zero.' \
		'Exit status: 4 timed commands checked, 0 exited non-zero.' \
		'the drain of the queue after the command has exited'; do
		printf '%s\n' "$sec" | grep -qF -- "$want" || why="$why no '$want';"
	done
	# Beside the synthetic figures: the main report is unchanged above it.
	awk '/^## Real-world workloads/ { exit } { print }' "$RMD" >"$WORK/real-above.md"
	report --no-plots --out-dir "$WORK/noreal" "$BASIC"
	awk '/^## Box/ { exit } { print }' "$WORK/noreal/REPORT.md" >"$WORK/noreal-above.md"
	cmp -s "$WORK/real-above.md" "$WORK/noreal-above.md" || why="$why the report above the section changed;"
	grep -q '^## Real-world workloads' "$WORK/noreal/REPORT.md" && why="$why a section without --realistic;"
	report --no-plots --out-dir "$WORK/real2" "$BASIC" --realistic "$REAL"
	cmp -s "$RMD" "$WORK/real2/REPORT.md" || why="$why REPORT.md differs on a rerun;"
	if [ -z "$why" ]; then pass report-realistic; else fail report-realistic "$why"; fi
fi
head -c 300 "$REAL" >"$WORK/real-truncated.json"
report --no-plots --out-dir "$WORK/realbad" "$BASIC" --realistic "$WORK/real-truncated.json"
if [ $st -eq 2 ] && grep -qF 'real-truncated.json' "$WORK/err" && [ ! -e "$WORK/realbad/REPORT.md" ]; then
	pass report-realistic-bad-input
else
	fail report-realistic-bad-input "exit $st (expected 2, naming the file, no report): $(show "$WORK/err")"
fi

# --- the cover letter (--cover-letter FILE) ----------------------------------
# The scope fixture plus deny mode at 10000 rules: kmod/tag (the headline's
# kmod strategy) at 777 and kmod/walk, cheaper but not that strategy, at 500;
# fanotify-bpf/walk, measured in deny mode only, at 1234.
jq '.runs += [.runs[] | select(.id | test("^(none|fanotify-user|fanotify-kmod)/.*/open-close/notify/r100/d4/h0.5$"))
	| .id |= sub("/notify/r100/"; "/deny/r10000/") | .mode = "deny" | .rules = 10000
	| if (.id | startswith("fanotify-kmod/tag/")) then .stats.overhead.value = 777 | .stats.overhead.ci95 = [770, 790]
	  elif (.id | startswith("fanotify-kmod/walk/")) then .stats.overhead.value = 500 | .stats.overhead.ci95 = [490, 510]
	  else . end]
	| .runs += [.runs[] | select(.id == "fanotify-kmod/walk/open-close/deny/r10000/d4/h0.5")
	| .backend = "fanotify-bpf" | .id |= sub("^fanotify-kmod/"; "fanotify-bpf/")
	| .stats.overhead.value = 1234 | .stats.overhead.ci95 = [1200, 1300]]' "$WORK/scope.json" >"$WORK/cover.json"
BEGIN_M='Figures (generated from the results below by `make report`; do not edit):'
END_M='(end of the generated figures)'
printf 'Subject: [PATCH 0/2] test\n\nBefore the figures.\n\n%s\nstale line\n%s\n\nAfter the figures.\n-- \n2.39.5\n' \
	"$BEGIN_M" "$END_M" >"$WORK/letter"
printf 'Subject: [PATCH 0/2] test\n\nBefore the figures.\n\n%s\n' "$BEGIN_M" >"$WORK/letter.head"
printf '%s\n\nAfter the figures.\n-- \n2.39.5\n' "$END_M" >"$WORK/letter.tail"
CO=$WORK/cover
# The block regenerated: the text around it kept byte for byte, the stale
# line gone, the box and every headline backend there.
why=
report --no-plots --out-dir "$CO" --cover-letter "$WORK/letter" "$WORK/cover.json"
[ "$st" -eq 0 ] || why="exit $st: $(show "$WORK/err");"
nh=$(wc -l <"$WORK/letter.head") nt=$(wc -l <"$WORK/letter.tail")
head -n "$nh" "$WORK/letter" | cmp -s - "$WORK/letter.head" || why="$why the text before the block changed;"
tail -n "$nt" "$WORK/letter" | cmp -s - "$WORK/letter.tail" || why="$why the text after the block changed;"
grep -qx 'stale line' "$WORK/letter" && why="$why the old block is still there;"
grep -qxF 'Box:      vm-icount (instructions/op), CPU QEMU TCG CPU version 2.5+, 1 core' "$WORK/letter" ||
	why="$why no box line;"
grep -qxF 'Kernel:   6.12.57-sb1 #1 SMP PREEMPT_DYNAMIC Debian 6.12.57-1' "$WORK/letter" || why="$why no kernel line;"
for b in fanotify-user/walk fanotify-kmod/tag fanotify-bpf/walk; do
	grep -q "^$b " "$WORK/letter" || why="$why no row for $b;"
done
grep -q '^fanotify-kmod/walk ' "$WORK/letter" && why="$why kmod/walk has a row though tag is its strategy;"
awk -v m="$END_M" 'f && length($0) > 80 { bad = 1 } $0 == m { f = 0 } index($0, "Figures (generated") == 1 { f = 1 }
	END { exit bad }' "$WORK/letter" || why="$why a block line is wider than 80 columns;"
if [ -z "$why" ]; then pass report-cover-letter; else fail report-cover-letter "$why"; fi

# The numbers are the headline .dat's of the same run (columns 6, 11, 16:
# the text over each bar) and the fixture's deny overheads; "-" where a
# backend was not measured.
why=
# cover_row LABEL: the value line of LABEL's row (label, in scope, out of scope, other fs, deny).
cover_row() { awk -v b="$1" '$1 == b { print; exit }' "$WORK/letter"; }
# cover_ci LABEL: the CI line under it.
cover_ci() { awk -v b="$1" 'f { print; exit } $1 == b { f = 1 }' "$WORK/letter"; }
rows_dat=$(awk '!/^#/ { n++ } END { print n + 0 }' "$CO/headline-overhead-by-scope.dat")
[ "$rows_dat" -ge 2 ] || why="$why the .dat has $rows_dat rows;"
while read -r label in out other; do
	got=$(cover_row "$label" | awk '{ print NF, $2, $3, $4 }')
	want=$(echo "$in $out $other" | awk '{ for (i = 1; i <= 3; i++) $i = $i == "NaN" ? "-" : ($i > 0 ? "+" : "") $i
		print 5, $1, $2, $3 }')
	[ "$got" = "$want" ] || why="$why $label: the letter has '$got', the .dat '$want' (fields, in, out, other);"
done <<DAT
$(sed 's/"not measured"/"-"/g' "$CO/headline-overhead-by-scope.dat" |
	awk '!/^#/ { gsub(/"/, "", $2); gsub(/"/, "", $6); gsub(/"/, "", $11); gsub(/"/, "", $16)
		print $2, ($7 ? $6 : "NaN"), ($12 ? $11 : "NaN"), ($17 ? $16 : "NaN") }')
DAT
[ "$(cover_row fanotify-kmod/tag | awk '{ print $5 }')" = "+777.0" ] || why="$why kmod/tag deny is not +777.0;"
cover_ci fanotify-kmod/tag | grep -q '\[770\.0,790\.0\]$' || why="$why kmod/tag deny CI is not [770.0,790.0];"
bpf=$(cover_row fanotify-bpf/walk | awk '{ print $2, $3, $4, $5 }')
[ "$bpf" = "- - - +1234" ] || why="$why fanotify-bpf/walk (deny only) row is '$bpf';"
grep -qF 'open-close, 10000 rules, depth 4, hit ratio 0.5 (none 10001)' "$WORK/letter" || why="$why no deny cell line;"
if [ -z "$why" ]; then pass report-cover-letter-numbers; else fail report-cover-letter-numbers "$why"; fi

# Byte for byte: a second run leaves the letter as it is, and a letter with
# another stale block comes out the same.
why=
cp "$WORK/letter" "$WORK/letter.1"
report --no-plots --out-dir "$CO" --cover-letter "$WORK/letter" "$WORK/cover.json"
[ "$st" -eq 0 ] || why="exit $st: $(show "$WORK/err");"
cmp -s "$WORK/letter" "$WORK/letter.1" || why="$why the second run changed it;"
cat "$WORK/letter.head" >"$WORK/letter.2"
printf 'other\nstale\nlines\n' >>"$WORK/letter.2"
cat "$WORK/letter.tail" >>"$WORK/letter.2"
report --no-plots --out-dir "$CO" --cover-letter "$WORK/letter.2" "$WORK/cover.json"
cmp -s "$WORK/letter.2" "$WORK/letter.1" || why="$why another stale block gives other bytes;"
ls "$WORK"/letter*.tmp >/dev/null 2>&1 && why="$why a temporary file is left;"
if [ -z "$why" ]; then pass report-cover-letter-deterministic; else fail report-cover-letter-deterministic "$why"; fi

# A file without the markers (or with the closing one missing): exit 2,
# the file and both marker lines named, the file untouched, nothing written.
why=
printf 'Subject: [PATCH 0/2] test\n\nNo figures here.\n' >"$WORK/nomark"
cp "$WORK/nomark" "$WORK/nomark.orig"
report --no-plots --out-dir "$WORK/nomark-out" --cover-letter "$WORK/nomark" "$WORK/cover.json"
[ "$st" -eq 2 ] || why="exit $st, expected 2;"
for s in "$WORK/nomark: no line that opens the generated figures" "$BEGIN_M" "$END_M"; do
	grep -qF -- "$s" "$WORK/err" || why="$why the error lacks '$s';"
done
cmp -s "$WORK/nomark" "$WORK/nomark.orig" || why="$why the file changed;"
[ -e "$WORK/nomark-out" ] && why="$why the report was written anyway;"
cp "$WORK/letter.head" "$WORK/noend"
report --no-plots --out-dir "$WORK/nomark-out" --cover-letter "$WORK/noend" "$WORK/cover.json"
[ "$st" -eq 2 ] && grep -qF "$WORK/noend: no line that closes the generated figures" "$WORK/err" ||
	why="$why no closing marker: exit $st, $(show "$WORK/err");"
cmp -s "$WORK/noend" "$WORK/letter.head" || why="$why the file without the closing marker changed;"
if [ -z "$why" ]; then pass report-cover-letter-no-markers; else fail report-cover-letter-no-markers "$why"; fi

# A letter that cannot be replaced (its temporary file's name is taken by a
# directory, which stops root too): exit 1, the letter as it was.
why=
printf 'stale\n' >"$WORK/stale"
cat "$WORK/letter.head" "$WORK/stale" "$WORK/letter.tail" >"$WORK/ro"
cp "$WORK/ro" "$WORK/ro.orig"
mkdir "$WORK/ro.tmp"
report --no-plots --out-dir "$CO" --cover-letter "$WORK/ro" "$WORK/cover.json"
[ "$st" -eq 1 ] || why="exit $st, expected 1;"
grep -qF "$WORK/ro" "$WORK/err" || why="$why the error does not name it: $(show "$WORK/err");"
cmp -s "$WORK/ro" "$WORK/ro.orig" || why="$why the letter changed;"
if [ -z "$why" ]; then pass report-cover-letter-unwritable; else fail report-cover-letter-unwritable "$why"; fi

# The set-up section (bench/report/setup.c): attach time (reps_detail[].attach_ns)
# and the counting pass's kmem, marks and map_bytes against dirs_in_scope. jq
# gives the notify open-close runs at 10 and 100 rules 4 + rules directories,
# 1000/1100/1200 attach per 10 rules (fanotify-kmod/walk 3 times that), kmem of 4096 bytes per 10 rules at attach
# (5120 at the end; one run's meminfo read unsettled), rules + 2 marks for fanotify-user, and 2048 map bytes
# for fanotify-bpf; deny mode has one number of directories only (no figure),
# and report-basic.json has no dirs_in_scope (no section).
why=
jq '.runs |= map(if (.id | test("/open-close/notify/r(10|100)/d4/h0.5$")) and (.backend != "none") then
	.dirs_in_scope = (.rules + 4)
	| .reps_detail = [range(3) as $i | ((.reps_detail[$i] // {}) + {attach_ns: ((1000 + 100 * $i) * .rules / 10 * (if .id | test("^fanotify-kmod/walk/") then 3 else 1 end))})]
	| .counting_detail = [{kmem: {method: "meminfo", settled: ((.id | test("^fanotify-bpf/kfunc/.*/r10/")) | not), attach_bytes: (409.6 * .rules), end_bytes: (512 * .rules)},
		marks: (if .backend == "fanotify-user" then .rules + 2 else null end),
		map_bytes: (if .backend == "fanotify-bpf" then 2048 else null end)}]
	elif (.id | test("/open-close/deny/r10/")) then .dirs_in_scope = 14 else . end)' \
	"$SPLIT" >"$WORK/setup.json"
report --out-dir "$WORK/setup" "$WORK/setup.json"
UMD=$WORK/setup/REPORT.md
stem=setup-notify-depth4-hit0.5
[ "$st" -eq 0 ] || why="exit $st: $(show "$WORK/err");"
for ext in png svg dat gp; do
	[ -s "$WORK/setup/$stem.$ext" ] || why="$why $stem.$ext missing;"
done
section "Set-up: attach cost" "$UMD" | grep -qF "![Attach cost and kernel memory against directories in scope, notify mode]($stem.png)" ||
	why="$why the figure is not linked;"
section "Set-up: attach cost" "$UMD" | grep -qF 'Kernel memory was read by `meminfo`' || why="$why the method is not named;"
section "Set-up: attach cost" "$UMD" | grep -qF 'In 1 counting repetition the `meminfo` read before the attach never settled' ||
	why="$why the unsettled read (fanotify-bpf/kfunc r10) is not said;"
# The median of 30000/33000/36000 attach (3 times the others) with their range, 40 and 50 KiB, no marks or map bytes: fanotify-kmod/walk at 100 rules.
rows fanotify-kmod/walk/open-close/notify/r100/d4/h0.5 "$UMD" |
	grep -qF "| fanotify-kmod | walk | 100 | 104 | 33000 (30000 to 36000) | 40.0 | 50.0 | — | — |" ||
	why="$why kmod/walk at 100 rules: $(rows fanotify-kmod/walk/open-close/notify/r100/d4/h0.5 "$UMD" | tail -1);"
rows fanotify-user/walk/open-close/notify/r10/d4/h0.5 "$UMD" | grep -qF "| 14 | 1100 (1000 to 1200) | 4.00 | 5.00 | 12 | — |" ||
	why="$why fanotify-user's marks;"
rows fanotify-bpf/kfunc/open-close/notify/r100/d4/h0.5 "$UMD" | grep -qF "| — | 2.00 |" ||
	why="$why fanotify-bpf's map bytes;"
# The data: kmod/walk's block, dirs then attach, kmem at attach and end; NaN for no marks.
grep -qx '104 33000 40960 51200 NaN NaN 100 fanotify-kmod/walk/open-close/notify/r100/d4/h0.5' "$WORK/setup/$stem.dat" ||
	why="$why no kmod/walk row in $stem.dat;"
grep -q 'none/' "$WORK/setup/$stem.dat" && why="$why none is drawn;"
section "Set-up: attach cost" "$UMD" | grep -qF "At 104 directories in scope the attach costs from 11000 (fanotify-user/walk) to 33000 instructions (fanotify-kmod/walk), 3.00 times as much. The most kernel memory at attach at 104 directories: 40.0 KiB (fanotify-user/walk)." ||
	why="$why no sentence;"
grep -qF '`fanotify-dirmarks/walk/open-close/notify/r10/d4/h0.5` (failed the oracle: 10 expected events merged' "$UMD" ||
	why="$why the invalid dirmarks run is not listed;"
grep -qF 'Set-up, deny mode' "$UMD" && why="$why deny mode has one x but a figure;"
grep -qF 'Set-up' "$MD" && why="$why report-basic.json (no dirs_in_scope) has a set-up section;"
if [ -z "$why" ]; then pass report-setup; else fail report-setup "$why"; fi


# --- workload threads (run --threads N) ----------------------------------------
# jq copies none, fanotify-user/walk and fanotify-kmod/walk at 10 rules to
# two threads (/t2, threads 2, medians 1.5 times as much) and adds one /t2
# run at 20 rules that has no one-thread run. The section sets each beside
# its one-thread twin with the ratio; the /t2 runs are in the tables, in no
# figure, and in no sentence; the fixture alone has no such section. The
# one-thread runs get a consumer on a CPU of its own and loops of 8000, the
# /t2 ones a consumer sharing a thread's CPU (none: no consumer) and loops of
# 10000: `no / yes` and a loop ratio of 1.250.
why=
jq 'def cell: .id | test("^(none/-|fanotify-user/walk|fanotify-kmod/walk)/open-close/notify/r10/d4/h0.5$");
	.runs |= map(if cell
		then .reps_detail |= map(.loop_ns_per_op = 8000 | .split.consumer_in_total = false) else . end)
	| .runs += [.runs[] | select(.oracle.valid and cell)
	| .id += "/t2" | .threads = 2 | .stats.median.value *= 1.5 | .samples_ns_per_op |= map(. * 1.5)
	| .backend as $b | .reps_detail |= map(.loop_ns_per_op = 10000 | .split.consumer_in_total = ($b != "none"))]
	| .runs += [.runs[] | select(.id == "fanotify-user/walk/open-close/notify/r10/d4/h0.5/t2")
	| .id = "fanotify-user/walk/open-close/notify/r20/d4/h0.5/t2" | .rules = 20]' "$SPLIT" >"$WORK/threads.json"
report --out-dir "$WORK/threads" "$WORK/threads.json"
TMD=$WORK/threads/REPORT.md
[ "$st" -eq 0 ] || why="exit $st: $(show "$WORK/err");"
section "Workload threads" "$TMD" >"$WORK/thr-section"
grep -qF 'the ratio is N threads over one' "$WORK/thr-section" || why="$why no section;"
for c in "none/-|10000|15000" "fanotify-user/walk|16000|24000" "fanotify-kmod/walk|12000|18000"; do
	bs=${c%%|*} rest=${c#*|}
	cin="no / yes"
	[ "$bs" = none/- ] && cin="no / no"
	grep -qF "| ${bs%/*} | ${bs#*/} | open-close | notify | 10 | 4 | 0.5 | 2 | ${rest%|*} | ${rest#*|} | 1.500 | $cin | 1.250 | \`$bs/open-close/notify/r10/d4/h0.5/t2\` |" \
		"$WORK/thr-section" || why="$why $bs: $(grep -F "$bs/" "$WORK/thr-section" | head -1);"
done
grep -qF '| fanotify-user | walk | open-close | notify | 20 | 4 | 0.5 | 2 | — | 24000 | — (no one-thread run of this cell) | — / yes | — |' \
	"$WORK/thr-section" || why="$why the run without a twin;"
[ "$(grep -c '/t2` |$' "$WORK/thr-section")" = 4 ] || why="$why not 4 rows;"
section "Table: open-close, notify mode" "$TMD" | grep -qF '`fanotify-kmod/walk/open-close/notify/r10/d4/h0.5/t2`' ||
	why="$why not in the table;"
grep -l '/t2' "$WORK"/threads/*.dat >/dev/null 2>&1 && why="$why a /t2 run is in a figure: $(grep -l '/t2' "$WORK"/threads/*.dat | head -2);"
section "Appendix" "$TMD" | grep -qF 'r20' && why="$why a /t2 run in a sentence;"
grep -qF '## Workload threads' "$SMD" && why="$why report-split.json (no threads) has the section;"
if [ -z "$why" ]; then pass report-threads; else fail report-threads "$why"; fi

# --- the question table (bench/report/question.c) -----------------------------
# jq copies none and fanotify-kmod walk/tag at r100 d4 h0.5 to the headline's
# in-scope (h1: overheads 3000/2500) and out-of-scope (h0: 100/50) cells, gives
# kmod/walk at r100 an attach of 5000 with 104 directories and 4 KiB, and adds
# a mkdir-tree run of kmod/walk (0 of 100 missing) and of dirmarks/tag (7 of
# 100 missing, invalid). The rows say so, an approach without runs says it is
# not measured, the inherited marks say they are not built, and the sentences
# name the cheapest approach and the one that lost events. report-split.json
# alone (no fanotify-dirmarks/tag) still has the section (kmod walk and tag).
why=
jq 'def cell($h; $o): .id |= sub("/h0.5$"; "/h\($h)") | .hit_ratio = $h | .stats.overhead.value = $o | .stats.overhead.ci95 = [$o - 10, $o + 10];
	.runs += [.runs[] | select(.id | test("^(none/-|fanotify-kmod/walk|fanotify-kmod/tag)/open-close/notify/r100/d4/h0.5$"))
		| (cell(1; (if .backend == "none" then 0 elif .strategy == "walk" then 3000 else 2500 end)),
		   cell(0; (if .backend == "none" then 0 elif .strategy == "walk" then 100 else 50 end)))]
	| .runs |= map(if .id == "fanotify-kmod/walk/open-close/notify/r100/d4/h0.5" then
		.dirs_in_scope = 104 | .reps_detail = [range(3) | {attach_ns: 5000}]
		| .counting_detail = [{kmem: {method: "meminfo", settled: true, attach_bytes: 4096, end_bytes: 8192}, marks: null, map_bytes: null}]
		else . end)
	| .runs += [.runs[] | select(.id == "fanotify-dirmarks/walk/open-close/notify/r10/d4/h0.5")
		| .id = "fanotify-dirmarks/tag/mkdir-tree/notify/r10/d4/h0.5" | .strategy = "tag" | .workload = "mkdir-tree"
		| .oracle.expected = 100 | .oracle.missing = 7]
	| .runs += [.runs[] | select(.id == "fanotify-kmod/walk/open-close/notify/r10/d4/h0.5")
		| .id = "fanotify-kmod/walk/mkdir-tree/notify/r10/d4/h0.5" | .workload = "mkdir-tree"
		| .oracle.expected = 100 | .oracle.missing = 0]' "$SPLIT" >"$WORK/question.json"
report --out-dir "$WORK/question" "$WORK/question.json"
[ "$st" -eq 0 ] || why="exit $st: $(show "$WORK/err");"
section "The question" "$WORK/question/REPORT.md" >"$WORK/q-section"
grep -qF '| per-filesystem mark + module filter | fanotify-kmod | walk | +3000 [2990, 3010] | +100.0 [90.0, 110.0] | — | +2000 → ' "$WORK/q-section" ||
	why="$why kmod/walk's overheads: $(grep -F '| fanotify-kmod | walk |' "$WORK/q-section");"
grep -qF '| 5000 at 100 rules, 104 directories | 4.00 | 0 of 100 in 1 workload |' "$WORK/q-section" ||
	why="$why kmod/walk's set-up or events;"
grep -qF '| fanotify-dirmarks | tag | — | — | — | — | — | — | — | 7 of 100 in 1 workload (1 of 1 run failed the oracle) |' "$WORK/q-section" ||
	why="$why dirmarks' lost events;"
grep -qF '| BPF LSM | bpf-lsm | walk | not measured in this set |' "$WORK/q-section" || why="$why bpf-lsm not said unmeasured;"
grep -qF '| fanotify-inherit | - | not built: the series has no mark inheritance on mkdir yet |' "$WORK/q-section" ||
	why="$why fanotify-inherit not said unbuilt;"
grep -qxF -- '- In scope, the cheapest approach is fanotify-kmod/tag (+2500); it is a per-filesystem filter.' "$WORK/q-section" ||
	why="$why no in-scope sentence;"
grep -qxF -- '- Events lost in the directory-entry workloads: fanotify-dirmarks/tag lost 7 of 100; the other 1 approach measured there lost none.' "$WORK/q-section" ||
	why="$why no events-lost sentence;"
section "The question" "$SMD" | grep -qF '| fanotify-dirmarks | tag | not measured in this set |' || why="$why report-split.json alone: no section or a dirmarks row;"
# every kmem read of the question fixture settled: no sentence about it
grep -qF 'never settled' "$WORK/question/REPORT.md" && why="$why an unsettled-read sentence though every read settled;"
if [ -z "$why" ]; then pass report-question; else fail report-question "$why"; fi

finish
