#!/bin/sh
# `run` on this host for none, fanotify-user, fanotify-dirmarks and inotify, in
# notify and deny mode: every run passes the oracle, and the results file
# has what the schema promises (raw samples, baseline, stats, box); with
# --threads 2 too.
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
# BACKEND:STRATEGY gives a strategy to one backend alone: fanotify-user runs
# walk only, inotify its tag; an unknown backend or an unimplemented
# strategy is refused before anything runs.
if run_ok run-backend-strategy --backend fanotify-user,inotify --strategy walk,inotify:tag --out bs.json; then
	got=$(jq -r '[.runs[] | .backend + "/" + .strategy] | sort | join(" ")' bs.json)
	if [ "$got" = "fanotify-user/walk inotify/tag none/-" ]; then
		pass run-backend-strategy
	else
		fail run-backend-strategy "want fanotify-user/walk inotify/tag none/-, got: $got"
	fi
fi
rm -f bad.json
if "$BIN" run --backend fanotify-user --strategy walk,inotify:walk --out bad.json > /dev/null 2> "$T/err"; then
	fail run-backend-strategy-refused "inotify:walk was accepted"
elif grep -q "inotify does not implement walk" "$T/err" && [ ! -e bad.json ]; then
	pass run-backend-strategy-refused
else
	fail run-backend-strategy-refused "$(cat "$T/err")"
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

# inotify: a watch per directory, followed from user space as inotifywait -r
# does. Every operation on its own object, so nothing may merge: each
# repetition delivers exactly what it expected, and records its attach time.
if run_ok run-inotify --backend inotify --workload open-close,create-unlink --out inotify.json; then
	check_results run-inotify inotify.json "none inotify"
	if jq -e '[.runs[] | select(.backend == "inotify") | .reps_detail[].oracle
		| .expected > 0 and .merged == 0 and .delivered == .expected] | length == 2 * 3 and all' inotify.json > /dev/null; then
		pass run-inotify-counts
	else
		fail run-inotify-counts "$(jq -c '[.runs[] | select(.backend == "inotify") | {id, o: [.reps_detail[].oracle]}]' inotify.json)"
	fi
	if jq -e '[.runs[] | .reps_detail[] as $r | if .backend == "none" then $r.attach_ns == null
		else ($r.attach_ns | type) == "number" and $r.attach_ns > 0 end] | all' inotify.json > /dev/null; then
		pass run-attach-time
	else
		fail run-attach-time "$(jq -c '[.runs[] | {id, a: [.reps_detail[].attach_ns]}]' inotify.json)"
	fi
fi
# The workloads that change the tree race the consumer (a file made in a new
# directory before its watch lands, a directory moved out before its watch
# goes): the oracle judges, and an invalid run names the first event it lost
# or gained. Exit 1 iff a run is invalid.
"$BIN" run --ops 300 --reps 3 --rules 4 --depth 3 --backend inotify --workload mkdir-rmdir,rename \
	--out inotify-tree.json > /dev/null 2> "$T/err"
st=$?
if jq -e --argjson st $st '[.runs[] | select(.backend == "inotify")] as $r | ($r | length) == 2 and
	($r | all(.oracle.valid or (.oracle.why | test("^[0-9]+ (missing|merged|duplicated|unexpected) \\(e\\.g\\. [a-z_]+/[^)]+\\)")))) and
	(($r | all(.oracle.valid)) == ($st == 0)) and ($st == 0 or $st == 1)' inotify-tree.json > /dev/null 2>&1; then
	pass run-inotify-tree-judged
else
	fail run-inotify-tree-judged "exit $st: $(jq -c '[.runs[] | {id, oracle}]' inotify-tree.json 2>/dev/null || tail -3 "$T/err")"
fi
# mkdir-tree and rename-storm are made to lose that race every time: levels
# made below a new directory, and a file opened in a directory just moved in,
# before the consumer has read the CREATE or MOVED_TO and added the watch.
# inotify's runs are invalid and the oracle names a lost event of that kind;
# fanotify-user's one filesystem mark sees every event, and nothing is removed
# under it, so its mkdir-tree run is valid; on rename-storm it resolves the
# directory's handle when it reads the OPEN, by which time the directory has
# moved out again: judged, valid or naming such an open. Exit 1: a run is invalid.
"$BIN" run --ops 300 --reps 3 --rules 4 --depth 3 --backend inotify,fanotify-user --workload mkdir-tree,rename-storm \
	--out inotify-race.json > /dev/null 2> "$T/err"
st=$?
if [ $st -eq 1 ] && jq -e '[.runs[] | select(.backend == "inotify")] as $r | ($r | length) == 2 and
	($r | all(.workload as $w | .oracle | .valid == false and .missing > 0 and (.why | test(
		if $w == "mkdir-tree" then "^[0-9]+ missing \\(e\\.g\\. (create|open)/m[tu][0-9_]+\\)"
		else "^[0-9]+ missing \\(e\\.g\\. open/se[0-9_]+\\)" end)))) and
	([.runs[] | select(.backend != "inotify" and (.backend != "fanotify-user" or .workload == "mkdir-tree"))] |
		length == 3 and all(.oracle.valid)) and
	([.runs[] | select(.backend == "fanotify-user" and .workload == "rename-storm")] | length == 1 and
		all(.oracle.valid or (.oracle.why | test("^[0-9]+ missing \\(e\\.g\\. open/se[0-9_]+\\)$"))))' inotify-race.json > /dev/null 2>&1; then
	pass run-inotify-race
else
	fail run-inotify-race "exit $st: $(jq -c '[.runs[] | {id, oracle}]' inotify-race.json 2>/dev/null || tail -3 "$T/err")"
fi

# rename-storm in deny mode: an open after every move, in scope after a move
# in (denied), out after a move out (allowed). fanotify-user decides at each
# open by resolving the file's path: valid. fanotify-dirmarks marks only the
# directories it saw at attach, so every open in a moved-in directory is
# allowed: each in-scope open missing (fails open). Landlock refuses the move
# into the restricted sub-tree itself (EXDEV: a rename may not move a file
# under more restrictions), which the run names.
"$BIN" run --ops 200 --reps 2 --rules 4 --depth 3 --mode deny --backend fanotify-user,fanotify-dirmarks,landlock \
	--strategy walk,tag --workload rename-storm --out storm-deny.json > /dev/null 2> "$T/err"
st=$?
if [ $st -eq 1 ] && jq -e '(.runs | length) == 4 and
	([.runs[] | select(.backend == "fanotify-user" or .backend == "none")] | length == 2 and all(.oracle.valid)) and
	([.runs[] | select(.backend == "fanotify-dirmarks")] | length == 1 and
		all(.oracle.valid == false and .oracle.expected == 300 and .oracle.missing == 300 and .oracle.unexpected == 0)) and
	([.runs[] | select(.backend == "landlock")] | length == 1 and
		all(.oracle.valid == false and (.oracle.why | test("failed an operation: Invalid cross-device link"))))' storm-deny.json > /dev/null 2>&1; then
	pass run-rename-storm-deny
else
	fail run-rename-storm-deny "exit $st: $(jq -c '[.runs[] | {id, oracle}]' storm-deny.json 2>/dev/null || tail -3 "$T/err")"
fi

# A full queue: IN_Q_OVERFLOW makes the run invalid, with the count. The
# queue's length is fs.inotify.max_queued_events when the instance is made,
# shared with every inotify user of the box: lowered for this one short run
# (restored at once, and on every exit path), with the consumer on the
# workload's CPU so that it cannot keep up.
qlimit=/proc/sys/fs/inotify/max_queued_events
oldq=$(cat $qlimit)
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
at_exit "echo $oldq > $qlimit"
echo 4 > $qlimit
"$BIN" run --ops 300 --reps 1 --count-reps 0 --rules 4 --depth 3 --backend inotify --workload create-unlink \
	--workload-cpu 0 --consumer-cpu 0 --out overflow.json > /dev/null 2> "$T/err"
st=$?
echo "$oldq" > $qlimit
if [ $st -eq 1 ] && jq -e '[.runs[] | select(.backend == "inotify")] | length == 1 and
	(.[0].oracle | .valid == false and .overflows > 0 and (.why | test("[0-9]+ lost to overflow")))' overflow.json > /dev/null 2>&1 &&
	[ "$(cat $qlimit)" = "$oldq" ]; then
	pass run-inotify-overflow
else
	fail run-inotify-overflow "exit $st: $(jq -c '[.runs[] | {id, oracle}]' overflow.json 2>/dev/null || tail -3 "$T/err")"
fi

# --threads 2: each step runs its operations on two threads, each its own
# slice of the one list. Every run passes the oracle with each operation's
# events once (as many expected per repetition as one thread's run of the
# same seed), says how many threads ran in its id (/t2) and its record, and
# each repetition says where its threads ran. A serial workload
# (rename-storm) and more threads than operations are refused up front.
if run_ok run-threads --threads 2 --backend fanotify-user,inotify --strategy walk,inotify:tag \
	--workload open-close --out threads.json &&
	run_ok run-threads-one --backend fanotify-user --strategy walk --workload open-close --out threads1.json; then
	check_results run-threads threads.json "none fanotify-user inotify"
	one=$(jq '[.runs[] | select(.backend == "fanotify-user") | .reps_detail[0].oracle.expected][0]' threads1.json)
	if jq -e --argjson one "$one" '(.runs | length) == 3 and (.runs | all(.threads == 2 and (.id | endswith("/t2"))
		and (.reps_detail | all((.workload_cpus | length) == 2)))) and
		([.runs[] | select(.backend != "none") | .reps_detail[].oracle | .expected == $one and .delivered == .expected
			and .merged == 0 and .duplicated == 0] | length == 2 * 3 and all) and
		.plan.sweeps[0].threads == 2' threads.json > /dev/null &&
		jq -e '.runs | all(.threads == 1 and (.id | test("/t[0-9]") | not))' threads1.json > /dev/null; then
		pass run-threads-recorded
	else
		fail run-threads-recorded "one thread expects $one: $(jq -c '[.runs[] | {id, threads, o: [.reps_detail[].oracle.expected]}]' threads.json)"
	fi
fi
"$BIN" run --threads 2 --workload rename-storm --backend fanotify-user --out bad.json > /dev/null 2> "$T/err"
[ $? -eq 2 ] && grep -q "rename-storm: --threads 2: .*run it with --threads 1" "$T/err" && pass run-threads-serial-refused ||
	fail run-threads-serial-refused "$(cat "$T/err")"
# A command refused for bad input leaves an existing results file as it was:
# a sweep refused (rename-storm on two threads) and a bad --root, found later.
if [ -s threads.json ]; then
	why=
	cp threads.json kept.json
	"$BIN" run --threads 2 --workload rename-storm --backend fanotify-user --out kept.json > /dev/null 2>&1
	st=$?
	[ $st -eq 2 ] && cmp -s threads.json kept.json && [ ! -e kept.json.tmp ] || why="$why a refused sweep (exit $st);"
	"$BIN" run --root "$T/no-such-dir" --backend fanotify-user --out kept.json > /dev/null 2>&1
	st=$?
	[ $st -eq 2 ] && cmp -s threads.json kept.json || why="$why a bad --root (exit $st);"
	if [ -z "$why" ]; then pass run-refused-keeps-results; else fail run-refused-keeps-results "kept.json changed by$why"; fi
else
	fail run-refused-keeps-results "no threads.json to keep (run-threads failed)"
fi
"$BIN" run --threads 2 --ops 1 --backend fanotify-user --out bad.json > /dev/null 2> "$T/err"
[ $? -eq 2 ] && grep -q "open-close: --threads 2 with --ops 1: .*give --ops 2 or more" "$T/err" && pass run-threads-too-many ||
	fail run-threads-too-many "$(cat "$T/err")"
# More workload threads than the CPUs the harness may use (its affinity mask).
if command -v taskset > /dev/null 2>&1; then
	rm -f bad.json
	taskset -c 0 "$BIN" run --threads 2 --backend fanotify-user --out bad.json > /dev/null 2> "$T/err"
	[ $? -eq 2 ] && grep -q -- "--threads 2: the harness may run on 1 CPU (its affinity mask).*use --threads 1 or fewer" "$T/err" &&
		[ ! -s bad.json ] && pass run-threads-over-cpus || fail run-threads-over-cpus "$(cat "$T/err")"
	if [ "$(nproc)" -ge 2 ]; then
		# Without --workload-cpu and --consumer-cpu both go to the first CPU of the
		# mask (one CPU: the consumer shares it); a CPU outside the mask is refused.
		taskset -c 1 "$BIN" run --ops 50 --reps 1 --backend fanotify-user --strategy walk --out cpu1.json > /dev/null 2>&1 &&
			jq -e '[.runs[].reps_detail[] | .workload_cpu == 1 and (.consumer_cpu == 1 or .consumer_cpu == null)] | all' cpu1.json > /dev/null &&
			pass run-cpus-from-mask || fail run-cpus-from-mask "$(jq -c '[.runs[].reps_detail[0] | {workload_cpu, consumer_cpu}]' cpu1.json 2>&1)"
		taskset -c 1 "$BIN" run --workload-cpu 0 --backend fanotify-user --out bad.json > /dev/null 2> "$T/err"
		[ $? -eq 2 ] && grep -q -- "--workload-cpu 0: the harness may not run there (its affinity mask allows CPU 1)" "$T/err" &&
			pass run-cpu-outside-mask || fail run-cpu-outside-mask "$(cat "$T/err")"
	else
		echo "SKIP run-cpus-from-mask: one CPU"
		echo "SKIP run-cpu-outside-mask: one CPU"
	fi
else
	echo "SKIP run-threads-over-cpus: no taskset"
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
# The bench VM shares --out's directory; /tmp itself is the guest's own (its
# scratch tree is there): refused before a guest boots, nothing written.
out=/tmp/sb-refused-$$.json
st=0
# (timeout: were it ever accepted, a guest would boot; it must not run on.)
timeout 60 "$BIN" run --box vm --out "$out" > /dev/null 2> "$T/err" || st=$?
if [ $st -eq 2 ] && grep -qF "give a directory of its own (e.g. /tmp/sb/sb-refused-$$.json)" "$T/err" && [ ! -e "$out" ]; then
	pass run-vm-out-in-tmp-refused
else
	fail run-vm-out-in-tmp-refused "exit $st: $(head -c 300 "$T/err")"
fi
check run-no-scratch-left no_scratch_mounts
finish
