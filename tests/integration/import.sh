#!/bin/sh
# Integration test of `subtree-bench import` and scripts/realistic.sh:
#  - the hand-written fixtures (trimmed real fio and hyperfine JSON):
#      tests/fixtures/import-fio/fio-<backend>-<job>-<rep>.json
#        smallfiles: none 40000 and 20000 iops (25000, 50000 ns/op),
#                    fanotify-user 20000 and 16000 iops (50000, 62500 ns/op);
#        metadata:   none, three stonewalled groups (1000 creates at 10000/s,
#                    1000 stats at 20000/s, 1000 deletes at 5000/s: 0.35 s for
#                    3000 I/Os = 116666.67 ns/op), after a "fio: ..." warning
#                    line as fio prints them;
#      tests/fixtures/import-hyperfine/hyperfine-untar.json
#        none 0.10/0.12/0.11 s, fanotify-user 0.15/0.16/0.14 s;
#    are imported and every schema field and number checked (the hyperfine
#    overhead unpaired: its repetitions are not interleaved; fio's paired),
#    and the result is read back by compare and report;
#  - bad input (unreadable, not JSON, misnamed, unknown backend, the wrong
#    tool's JSON, a failed fio job, a failed command) exits 2 naming the file
#    and the fix, and writes nothing;
#  - scripts/realistic.sh on the host, REPS=2 (none, fanotify-user,
#    fanotify-dirmarks; ~30 s), as root: the fio jobs and every hyperfine
#    workload (untar, untar-linux, git-status, git-diff, make; the kernel
#    tarball replaced by a small stand-in, a 2-module C project), every
#    command exiting 0, the results read back by report --realistic; and
#    once stopped with SIGTERM after 3 s (exit 143, no scratch mount left).
#
#   sh tests/integration/import.sh        (after `make build`)
# SUBTREE_BENCH=path overrides the binary.
. "$(dirname "$0")/../lib.sh"
FIX=$ROOT/tests/fixtures
OUT=$T/out.json

if [ ! -x "$BIN" ]; then
	echo "FAIL import-binary: $BIN not found or not executable; fix: run 'make build' first"
	exit 1
fi
if ! command -v jq >/dev/null 2>&1; then
	echo "FAIL import-jq: jq not found; fix: scripts/deps.sh"
	exit 1
fi

# jcheck NAME FILTER: pass when jq FILTER on $OUT prints true.
jcheck() {
	got=$(jq -e "$2" "$OUT" 2>&1)
	if [ "$got" = true ]; then
		pass "$1"
	else
		fail "$1" "jq '$2' gave: $(echo "$got" | head -3 | tr '\n' ' ')"
	fi
}

# --- the fixtures ---------------------------------------------------------
"$BIN" import --fio "$FIX"/import-fio/*.json \
	--hyperfine "$FIX"/import-hyperfine/hyperfine-untar.json --out "$OUT" >"$T/log" 2>&1
st=$?
if [ $st -ne 0 ] || [ ! -s "$OUT" ]; then
	fail import-fixtures "exit $st: $(cat "$T/log")"
	finish
fi
pass import-fixtures

# shellcheck disable=SC2016 # jq, not shell, variables
near='def near($a; $b): ((($a - $b) | fabs) <= 1e-6 * ($b | fabs) + 1e-9);'
run() { echo ".runs[] | select(.id == \"$1\")"; }
jcheck import-header '.schema_version == 2 and (.command_line | startswith("subtree-bench import --fio ")) and .tool == "subtree-bench" and (.git_revision | type) == "string" and (.box.kind | IN("host", "vm", "vm-icount")) and (.box.time_unit | type) == "string" and (.created_utc | type) == "string"'
jcheck import-run-count '(.runs | length) == 5 and ([.runs[].id] | unique | length) == 5'
jcheck import-fio-none "$near [$(run none/-/fio:smallfiles/notify) | .backend == \"none\" and .workload == \"fio:smallfiles\" and .mode == \"notify\" and .samples_ns_per_op == [25000, 50000] and .baseline_samples_ns_per_op == null and .median_ns_per_op == 37500 and .overhead_ns_per_op == 0 and .reps == 2 and .ops == 30000] == [true]"
jcheck import-fio-backend "$near [$(run fanotify-user/-/fio:smallfiles/notify) | .samples_ns_per_op == [50000, 62500] and .baseline_samples_ns_per_op == [25000, 50000] and .median_ns_per_op == 56250 and .overhead_ns_per_op == 18750 and .stats.median.value == 56250 and .stats.overhead.value == 18750 and (.stats.median.ci95 | length) == 2 and .stats.n == 2] == [true]"
jcheck import-fio-groups "$near [$(run none/-/fio:metadata/notify) | near(.samples_ns_per_op[0]; 350000000 / 3000) and .ops == 3000 and .fio.reps[0].groups == 3] == [true]"
jcheck import-fio-raw "[$(run fanotify-user/-/fio:smallfiles/notify) | .fio.version == \"fio-3.33\" and (.fio.reps | length) == 2 and .fio.reps[0].jobs[0].read.iops == 14000 and .fio.reps[0].jobs[0].write.iops == 6000 and (.fio.reps[0].jobs[0].read.clat_ns.p99 | type) == \"number\" and (.fio.reps[0].jobs[0].sys_cpu_pct | type) == \"number\" and .reps_detail[1].rep == 2 and .reps_detail[1].ns_per_op == 62500] == [true]"
jcheck import-hyperfine "$near [$(run fanotify-user/-/hyperfine:untar/notify) | .workload == \"hyperfine:untar\" and .ops == 1 and .samples_ns_per_op == [150000000, 160000000, 140000000] and .baseline_samples_ns_per_op == [100000000, 120000000, 110000000] and near(.median_ns_per_op; 150000000) and near(.overhead_ns_per_op; 40000000) and .hyperfine.mean == 0.15 and .hyperfine.user == 0.021 and .hyperfine.system == 0.083 and .hyperfine.unit == \"s\"] == [true]"
# hyperfine's repetitions are not interleaved: the overhead is unpaired (median 150 ms -
# median 110 ms, 36.4 %), with no pair count and no modes of differences; fio's stays paired.
jcheck import-hyperfine-unpaired "$near [$(run fanotify-user/-/hyperfine:untar/notify) | (.stats.overhead.estimator | startswith(\"unpaired\")) and near(.stats.overhead.value; 40000000) and (.stats.overhead.ci95 | length) == 2 and .stats.overhead.pairs == null and (.stats.overhead | has(\"modes\") or has(\"bimodal\") | not) and (.stats.overhead_pct.estimator | startswith(\"unpaired\")) and near(.stats.overhead_pct.value; 4000 / 110)] == [true]"
jcheck import-fio-paired "[$(run fanotify-user/-/fio:smallfiles/notify) | (.stats.overhead.estimator | startswith(\"paired\")) and .stats.overhead.pairs == 2 and (.stats.overhead.modes | length) == 1] == [true]"
jcheck import-oracle '[.runs[].oracle | .valid == true and .expected == 0 and .delivered == 0 and .missing == 0 and .unexpected == 0 and .overflows == 0 and (.why | startswith("not checked"))] | all'
jcheck import-exit-status '[.runs[] | .exit_status.nonzero == 0 and .exit_status.checked == .reps and (.exit_status.how | type) == "string"] | all'
jcheck import-warnings '([.runs[] | (.warnings | type) == "array"] | all) and ([.runs[] | select(.workload | startswith("hyperfine:")) | .warnings | any(test("not interleaved"))] | all) and ([.runs[] | select((.workload | startswith("hyperfine:")) and .backend != "none") | .warnings | any(test("not interleaved.*so the overhead is unpaired"))] | all)'
if [ -s "$T/out.csv" ] && grep -q '^fanotify-user/-/fio:smallfiles/notify,fanotify-user,-,fio:smallfiles,notify,' "$T/out.csv"; then
	pass import-csv
else
	fail import-csv "no CSV view with the fanotify-user row beside $OUT"
fi
if "$BIN" compare "$OUT" "$OUT" >"$T/log" 2>&1; then
	pass import-compare-reads-it
else
	fail import-compare-reads-it "compare OUT OUT: $(tail -3 "$T/log")"
fi
if "$BIN" report --no-plots --out-dir "$T/report" "$OUT" >"$T/log" 2>&1 && [ -s "$T/report/REPORT.md" ]; then
	pass import-report-reads-it
else
	fail import-report-reads-it "report --no-plots: $(tail -3 "$T/log")"
fi
# shellcheck disable=SC2016 # backquotes of Markdown, not of the shell
if grep -qF -- '- Interleaving: 1 of the 2 monitored runs carry' "$T/report/REPORT.md" &&
	grep -qF '1 more carries `none` samples measured apart from their own (imported hyperfine timings' "$T/report/REPORT.md" &&
	grep -qF '`unpaired: difference of medians' "$T/report/REPORT.md"; then
	pass import-report-unpaired
else
	fail import-report-unpaired "REPORT.md does not say the hyperfine run's overhead is unpaired: $(grep -F 'Interleaving' "$T/report/REPORT.md")"
fi
# --fio=FILE, and kinds switching back and forth in one command line.
if "$BIN" import --fio="$FIX/import-fio/fio-none-smallfiles-1.json" \
	--hyperfine "$FIX"/import-hyperfine/hyperfine-untar.json \
	--fio "$FIX/import-fio/fio-none-smallfiles-2.json" --out "$T/o2.json" >"$T/log" 2>&1 &&
	[ "$(jq -c '[.runs[] | .id + ":" + (.reps | tostring)]' "$T/o2.json")" = \
		'["none/-/fio:smallfiles/notify:2","none/-/hyperfine:untar/notify:3","fanotify-user/-/hyperfine:untar/notify:3"]' ]; then
	pass import-argument-order
else
	fail import-argument-order "$(cat "$T/log"; jq -c '[.runs[].id]' "$T/o2.json" 2>&1)"
fi
"$BIN" import --help >"$T/log" 2>&1
if grep -q 'EXAMPLES' "$T/log" && grep -q 'fio-<backend>-<job>-<rep>.json' "$T/log"; then
	pass import-help
else
	fail import-help "--help lacks the examples or the file name convention"
fi

# --- bad input ------------------------------------------------------------
# bad NAME GREP ARGS...: exit 2, GREP in the message, no output file.
bad() {
	name=$1 want=$2
	shift 2
	rm -f "$T/bad.json"
	"$BIN" import "$@" >"$T/log" 2>&1
	got=$?
	if [ $got -ne 2 ]; then
		fail "$name" "exit $got, expected 2: $(head -3 "$T/log")"
	elif ! grep -qF -- "$want" "$T/log"; then
		fail "$name" "message lacks '$want': $(head -3 "$T/log")"
	elif [ -e "$T/bad.json" ]; then
		fail "$name" "wrote $T/bad.json from bad input"
	else
		pass "$name"
	fi
}
mkdir -p "$T/bad"
B=$T/bad
echo 'fio: not json at all' >"$B/fio-none-garbage-1.json"
head -c 700 "$FIX/import-fio/fio-none-smallfiles-1.json" >"$B/fio-none-truncated-1.json"
cp "$FIX/import-fio/fio-none-smallfiles-1.json" "$B/run1.json"
cp "$FIX/import-fio/fio-none-smallfiles-1.json" "$B/fio-nosuch-smallfiles-1.json"
cp "$FIX/import-hyperfine/hyperfine-untar.json" "$B/fio-none-untar-1.json"
jq '.jobs[0].error = 5' "$FIX/import-fio/fio-none-smallfiles-1.json" >"$B/fio-none-failed-1.json"
jq '.results[1].command = "tar -xf x.tar"' "$FIX/import-hyperfine/hyperfine-untar.json" >"$B/hyperfine-unnamed.json"
jq '.results[0].exit_codes[1] = 2' "$FIX/import-hyperfine/hyperfine-untar.json" >"$B/hyperfine-failed.json"
jq 'del(.results[1].exit_codes)' "$FIX/import-hyperfine/hyperfine-untar.json" >"$B/hyperfine-nocodes.json"
bad import-bad-missing "cannot read it" --fio "$B/fio-none-nosuchfile-1.json" --out "$T/bad.json"
bad import-bad-missing-names-file "fio-none-nosuchfile-1.json" --fio "$B/fio-none-nosuchfile-1.json" --out "$T/bad.json"
bad import-bad-not-json "no JSON object" --fio "$B/fio-none-garbage-1.json" --out "$T/bad.json"
bad import-bad-truncated "not valid JSON" --fio "$B/fio-none-truncated-1.json" --out "$T/bad.json"
bad import-bad-name "fio-<backend>-<job>-<rep>.json" --fio "$B/run1.json" --out "$T/bad.json"
bad import-bad-backend "no known backend" --fio "$B/fio-nosuch-smallfiles-1.json" --out "$T/bad.json"
bad import-bad-wrong-tool "give it after --hyperfine" --fio "$B/fio-none-untar-1.json" --out "$T/bad.json"
bad import-bad-wrong-tool-2 "give it after --fio" --hyperfine "$FIX/import-fio/fio-none-smallfiles-1.json" --out "$T/bad.json"
bad import-bad-fio-error "failed with error 5" --fio "$B/fio-none-failed-1.json" --out "$T/bad.json"
bad import-bad-command-name "is not a backend" --hyperfine "$B/hyperfine-unnamed.json" --out "$T/bad.json"
bad import-bad-command-failed "exited 2" --hyperfine "$B/hyperfine-failed.json" --out "$T/bad.json"
bad import-bad-no-exit-codes 'no "exit_codes" array' --hyperfine "$B/hyperfine-nocodes.json" --out "$T/bad.json"
bad import-bad-duplicate "give each file once" --fio "$FIX/import-fio/fio-none-smallfiles-1.json" \
	"$FIX/import-fio/fio-none-smallfiles-1.json" --out "$T/bad.json"
bad import-bad-no-kind "say what it is" "$FIX/import-fio/fio-none-smallfiles-1.json" --out "$T/bad.json"
# Figures that overflow or go negative: refused, not written as a run with
# no samples (seen while writing the fuzz targets, tests/fuzz/, which check
# for it now).
jq '.results[0].times[0] = 1e300' "$FIX/import-hyperfine/hyperfine-untar.json" >"$B/hyperfine-huge.json"
jq '.results[0].times[1] = 0' "$FIX/import-hyperfine/hyperfine-untar.json" >"$B/hyperfine-zero.json"
jq '.jobs[0].read.iops = -5' "$FIX/import-fio/fio-none-smallfiles-1.json" >"$B/fio-none-negative-1.json"
jq '.jobs[0].read.total_ios = 1e308 | .jobs[0].write.total_ios = 1e308' "$FIX/import-fio/fio-none-smallfiles-1.json" >"$B/fio-none-huge-1.json"
bad import-bad-huge-time "times[0] is not a positive number of seconds" --hyperfine "$B/hyperfine-huge.json" --out "$T/bad.json"
bad import-bad-zero-time "times[1] is 0 s: hyperfine subtracted" --hyperfine "$B/hyperfine-zero.json" --out "$T/bad.json"
bad import-bad-negative-iops "negative \"iops\"" --fio "$B/fio-none-negative-1.json" --out "$T/bad.json"
bad import-bad-huge-ios "no positive, finite time per I/O" --fio "$B/fio-none-huge-1.json" --out "$T/bad.json"
bad import-bad-no-out "no --out" --fio "$FIX/import-fio/fio-none-smallfiles-1.json"
bad import-bad-no-input "no input" --out "$T/bad.json"
# A good file after a bad one: still nothing written.
bad import-bad-mixed "no JSON object" --fio "$FIX/import-fio/fio-none-smallfiles-1.json" \
	"$B/fio-none-garbage-1.json" --out "$T/bad.json"

# --- scripts/realistic.sh on this box ---------------------------------------
if [ "$(id -u)" != 0 ]; then
	echo "SKIP realistic-host: not root (it mounts a tmpfs)"
	finish
fi
for tool in fio hyperfine; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "SKIP realistic-host: $tool not installed"
		finish
	fi
done
avail=$("$BIN" list | awk '$1 == "backend" && $3 == "notify" && $4 == "available" { print $2 }')
want=""
for b in none fanotify-user fanotify-dirmarks; do
	echo "$avail" | grep -qx "$b" && want="$want $b"
done
# The kernel-tarball workloads on a small stand-in (the real one takes ~20 s
# of xz here): this repository's tree as linux-x/, its bench/ as the subtree.
git -c safe.directory="$ROOT" -C "$ROOT" archive --format=tar --prefix=linux-x/ HEAD | xz -1 >"$T/linux-x.tar.xz" ||
	{ fail realistic-host "cannot make the stand-in tarball $T/linux-x.tar.xz"; finish; }
nsub=$(tar -tJf "$T/linux-x.tar.xz" | grep -c '^linux-x/bench/.*[^/]$')
t0=$(date +%s)
SUBTREE_BENCH=$BIN SUBTREE_BENCH_BACKENDS="$want" SUBTREE_BENCH_LINUX_TAR="$T/linux-x.tar.xz" \
	SUBTREE_BENCH_LINUX_SUBTREE=linux-x/bench SUBTREE_BENCH_CPROJECT_FILES=2 \
	sh "$ROOT/scripts/realistic.sh" "$T/real" 2 >"$T/real.log" 2>&1
st=$?
secs=$(($(date +%s) - t0))
OUT=$T/real/results.json
if [ $st -ne 0 ] || [ ! -s "$OUT" ]; then
	fail realistic-host "exit $st after $secs s; last lines: $(tail -5 "$T/real.log" | tr '\n' ' ')"
	finish
fi
pass "realistic-host ($secs s:$want)"
nb=$(echo "$want" | wc -w)
jcheck realistic-runs "([.runs[] | .workload] | unique == [\"fio:metadata\", \"fio:smallfiles\", \"hyperfine:git-diff\", \"hyperfine:git-status\", \"hyperfine:make\", \"hyperfine:untar\", \"hyperfine:untar-linux\"]) and (.runs | length) == 7 * $nb"
# shellcheck disable=SC2086 # split on purpose
jcheck realistic-backends "[.runs[].backend] | unique == ($(echo $want | jq -R -c 'split(" ") | sort'))"
jcheck realistic-valid '[.runs[] | .oracle.valid == true and .reps == 2 and (.samples_ns_per_op | length) == 2 and all(.samples_ns_per_op[]; . > 0) and (.median_ns_per_op > 0) and (.stats.median.value == .median_ns_per_op)] | all'
jcheck realistic-baselines '[.runs[] | select(.backend != "none") | (.baseline_samples_ns_per_op | length) == 2 and (.overhead_ns_per_op | type) == "number"] | all'
jcheck realistic-fio-raw '[.runs[] | select(.workload | startswith("fio:")) | .ops > 1000 and (.fio.reps | length) == 2] | all'
jcheck realistic-exit-0 '[.runs[] | .exit_status.checked == 2 and .exit_status.nonzero == 0] | all'
# shellcheck disable=SC2016 # jq, not shell, variables
jcheck realistic-hyperfine-raw '[.runs[] | select(.workload | startswith("hyperfine:")) | (.workload | ltrimstr("hyperfine:")) as $w | .hyperfine.exit_codes == [0, 0] and (.hyperfine.file | endswith("/raw/hyperfine-" + $w + ".json"))] | all'
# The prepared subtree and the repository: what the log says was timed.
if grep -qF "linux-x/bench of $T/linux-x.tar.xz: $nsub files," "$T/real.log" &&
	grep -qE "git repository .*: $nsub files committed, $(((nsub + 9) / 10)) modified" "$T/real.log" &&
	grep -qE '^realistic.sh: make: 2 generated C files \+ main.c, [0-9]+ lines; the program prints: checksum [0-9a-f]{8}$' "$T/real.log"; then
	pass realistic-prepared
else
	fail realistic-prepared "the log does not say $nsub files extracted and committed, $(((nsub + 9) / 10)) modified, the C project built: $(grep -E 'linux-x|git repository|make:' "$T/real.log" | tr '\n' ' ')"
fi
# The report's section from it.
if "$BIN" report --no-plots --out-dir "$T/realrep" --realistic "$OUT" "$ROOT/tests/fixtures/report-basic.json" >"$T/log" 2>&1 &&
	[ "$(grep -c '^### hyperfine:\|^### fio:' "$T/realrep/REPORT.md")" -eq 7 ] &&
	[ "$(grep -c '^Exit status: [0-9]* timed commands checked, 0 exited non-zero\.$' "$T/realrep/REPORT.md")" -eq 7 ]; then
	pass realistic-report
else
	fail realistic-report "report --realistic: $(tail -3 "$T/log") $(grep '^### \|^Exit status' "$T/realrep/REPORT.md" 2>/dev/null | tr '\n' ' ')"
fi
if grep -q ' /tmp/sb-realistic\.' /proc/self/mounts || ls -d /tmp/sb-realistic.* >/dev/null 2>&1; then
	fail realistic-cleanup "a /tmp/sb-realistic.* scratch mount or directory is left"
else
	pass realistic-cleanup
fi
# Stopped mid-run (SIGTERM): exits 143 and leaves no scratch mount.
SUBTREE_BENCH=$BIN SUBTREE_BENCH_BACKENDS="$want" sh "$ROOT/scripts/realistic.sh" "$T/stopped" 1 >"$T/stopped.log" 2>&1 &
pid=$!
sleep 3
kill -TERM "$pid"
wait "$pid"
st=$?
if [ $st -ne 143 ]; then
	fail realistic-stopped "exit $st after SIGTERM, expected 143: $(tail -3 "$T/stopped.log" | tr "\n" " ")"
elif grep -q " /tmp/sb-realistic\\." /proc/self/mounts || ls -d /tmp/sb-realistic.* >/dev/null 2>&1; then
	fail realistic-stopped "a /tmp/sb-realistic.* scratch mount or directory is left after SIGTERM"
else
	pass realistic-stopped
fi
finish
