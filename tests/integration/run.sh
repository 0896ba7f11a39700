#!/bin/sh
# `run` on this host for none, fanotify-user and fanotify-dirmarks, in
# notify and deny mode: every run passes the oracle, and the results file
# has what the schema promises (raw samples, baseline, stats, box).
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1

run_ok() {
	name=$1
	shift
	"$BIN" run --ops 300 --reps 3 --rules 4 --depth 3 "$@" > "$T/out" 2> "$T/err"
	st=$?
	if [ $st -ne 0 ]; then
		fail "$name" "exit status $st: $(grep -E 'INVALID|error|run:' "$T/err" | head -5 | tr '\n' ' ')"
		return 1
	fi
	return 0
}

# check_results NAME FILE BACKENDS: schema and oracle of a results file.
check_results() {
	name=$1 file=$2 backends=$3
	if ! jq -e '.schema_version == 2 and .tool == "subtree-bench" and (.git_revision | length > 0)
		and (.command_line | test("^subtree-bench run --"))
		and .box.kind == "host" and .box.cores >= 1 and (.box.kernel | length > 0)' "$file" > /dev/null; then
		fail "$name" "header fields missing: $(jq -c '{schema_version, git_revision, command_line, box}' "$file")"
		return
	fi
	if ! jq -e '[.runs[] | select(.oracle.valid != true)] | length == 0' "$file" > /dev/null; then
		fail "$name" "invalid runs: $(jq -c '[.runs[] | select(.oracle.valid != true) | {id, why: .oracle.why}]' "$file")"
		return
	fi
	if ! jq -e '.runs | all((.samples_ns_per_op | length) == .reps
		and ((.samples_ns_per_op | min) > 0)
		and (.backend == "none" or (.baseline_samples_ns_per_op | length) == .reps)
		and (.stats.median.value | type) == "number"
		and (.stats.median.estimator | length > 0)
		and (.backend == "none" or (.stats.overhead.ci95 | length) == 2)
		and (.reps_detail | length) == .reps)' "$file" > /dev/null; then
		fail "$name" "a run lacks samples, baseline or stats"
		return
	fi
	for b in $backends; do
		if ! jq -e --arg b "$b" '[.runs[] | select(.backend == $b)] | length > 0' "$file" > /dev/null; then
			fail "$name" "no run of backend $b"
			return
		fi
	done
	pass "$name"
}

WL=open-close,create-unlink,rename,outside-fs
if run_ok run-notify --backend fanotify-user,fanotify-dirmarks --strategy walk,cache,tag \
	--workload open-close,create-unlink,outside-fs --out notify.json; then
	check_results run-notify notify.json "none fanotify-user fanotify-dirmarks"
	# The oracle saw real events: expected > 0 wherever something is in scope.
	if jq -e '[.runs[] | select(.backend != "none" and .workload != "outside-fs" and .oracle.expected == 0)] | length == 0' notify.json > /dev/null &&
		jq -e '[.runs[] | select(.workload == "outside-fs" and .oracle.delivered != 0)] | length == 0' notify.json > /dev/null; then
		pass run-notify-oracle-counts
	else
		fail run-notify-oracle-counts "$(jq -c '[.runs[] | {id, oracle}]' notify.json)"
	fi
fi
if run_ok run-rename --backend fanotify-user --strategy walk,loop,cache --workload rename --out rename.json; then
	check_results run-rename rename.json "fanotify-user"
fi
if run_ok run-deny --mode deny --backend fanotify-user,fanotify-dirmarks --workload open-close,outside-fs --out deny.json; then
	check_results run-deny deny.json "none fanotify-user fanotify-dirmarks"
	if jq -e '[.runs[] | select(.backend != "none" and .workload == "open-close") | .oracle.delivered > 0] | all' deny.json > /dev/null; then
		pass run-deny-denied
	else
		fail run-deny-denied "no open was denied: $(jq -c '[.runs[] | .oracle]' deny.json)"
	fi
fi

# The CSV view: one row per run, the JSON's snake_case names.
if [ "$(head -1 notify.csv | cut -d, -f1-4)" = "id,backend,strategy,workload" ] &&
	[ "$(($(wc -l < notify.csv) - 1))" = "$(jq '.runs | length' notify.json)" ]; then
	pass run-csv
else
	fail run-csv "$(head -2 notify.csv)"
fi

# Sweeps: lists multiply into cells; every cell has its none.
if run_ok run-sweep --backend fanotify-user --strategy walk --rules 1,8 --depth 2,5 --hit-ratio 0,1 --out sweep.json; then
	if [ "$(jq '[.runs[] | select(.backend == "none")] | length' sweep.json)" = 8 ] &&
		jq -e '[.runs[] | select(.backend != "none" and .hit_ratio == 0) | .oracle.expected == 0] | all' sweep.json > /dev/null; then
		pass run-sweep
	else
		fail run-sweep "$(jq -c '[.runs[] | .id]' sweep.json)"
	fi
fi

# Bad input is refused before anything is measured.
"$BIN" run --rules x --out bad.json > /dev/null 2> "$T/err"
[ $? -eq 2 ] && grep -q -- "--rules 'x': give a whole number" "$T/err" && pass run-bad-rules ||
	fail run-bad-rules "$(cat "$T/err")"
"$BIN" run --backend nosuch --out bad.json > /dev/null 2> "$T/err"
[ $? -eq 2 ] && grep -q "'nosuch': unknown; 'subtree-bench list' shows the backends" "$T/err" && pass run-bad-backend ||
	fail run-bad-backend "$(cat "$T/err")"
"$BIN" run --mode deny --workload rename --out bad.json > /dev/null 2> "$T/err"
[ $? -eq 2 ] && grep -q "workload rename has no deny mode" "$T/err" && pass run-bad-mode ||
	fail run-bad-mode "$(cat "$T/err")"
# A spec file: one sweep per line, into one results file; a bad line is
# named (file:line) before anything is measured.
printf '# comment\n--backend fanotify-user --strategy walk --rules 1,2  # two cells\n\n--backend fanotify-dirmarks --strategy tag --workload outside-fs\n' > two.spec
if run_ok run-spec --spec two.spec --out spec.json; then
	if [ "$(jq -c '[.runs[].id]' spec.json)" = '["none/-/open-close/notify/r1/d3/h0.5","fanotify-user/walk/open-close/notify/r1/d3/h0.5","none/-/open-close/notify/r2/d3/h0.5","fanotify-user/walk/open-close/notify/r2/d3/h0.5","none/-/outside-fs/notify/r4/d3/h0.5","fanotify-dirmarks/tag/outside-fs/notify/r4/d3/h0.5"]' ]; then
		pass run-spec
	else
		fail run-spec "$(jq -c '[.runs[].id]' spec.json)"
	fi
fi
printf '%s\n' '--rules 5' '--depth x' > bad.spec
"$BIN" run --spec bad.spec --out badspec.json > /dev/null 2> "$T/err"
[ $? -eq 2 ] && grep -q "bad.spec:2: --depth .x.: give a whole number" "$T/err" && [ "$(jq '.runs | length' badspec.json 2>/dev/null || echo 0)" = 0 ] &&
	pass run-spec-bad-line || fail run-spec-bad-line "$(cat "$T/err")"
# Values argp reports without stopping a spec line (argp_error returns under
# ARGP_NO_EXIT), lines fgets would split, and words past the limit are
# refused too, naming the line (the fuzz target tests/fuzz/fuzz_spec.c).
words=$(printf ' --ops 1%.0s' $(seq 33))
long=$(printf -- '--seed 1 %04096d' 0)
for c in "mode|--mode sideways|bad.spec:1: --mode 'sideways': use notify or deny" \
	"report|--report hash|bad.spec:1: --report 'hash'" \
	"empty-rules|--rules ,|bad.spec:1: --rules ',': give at least one value" \
	"empty-hit|--hit-ratio ,|bad.spec:1: --hit-ratio ',': give at least one value" \
	"empty-workload|--workload ,|--workload ',': give at least one workload" \
	"extra-arg|--ops 5 stray|bad.spec:1: unexpected argument 'stray'" \
	"words|$words|bad.spec:1: more than 64 words" \
	"long-line|$long|bad.spec:1: longer than 4094 characters"; do
	name=${c%%|*} rest=${c#*|}
	printf '%s\n' "${rest%%|*}" > bad.spec
	"$BIN" run --spec bad.spec --out badspec.json > /dev/null 2> "$T/err"
	st=$?
	[ $st -eq 2 ] && grep -qF -- "${rest#*|}" "$T/err" && [ "$(jq '.runs | length' badspec.json 2>/dev/null || echo 0)" = 0 ] &&
		pass "run-spec-bad-$name" || fail "run-spec-bad-$name" "exit $st: $(head -c 300 "$T/err")"
done
check run-no-scratch-left no_scratch_mounts
finish
