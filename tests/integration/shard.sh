#!/bin/sh
# `run --shard I/N` and `merge` on this host, on a small spec (two sweeps,
# five cells, fanotify-user against none): shards 1/2 and 2/2 split the cells
# between them, whole and once; merged, they have the unsharded run's ids in
# its order, with the same oracle expectations, and `report` and `compare`
# take the merged file. Bad --shard values, and merges of files that do not
# belong together (revision, box, plan, N, a shard twice or missing, a run id
# twice), exit 2 naming the file and the field. With GNU parallel installed,
# scripts/shard/parallel.sh runs the shards too; without it the shards run in
# a shell loop here and that check is a SKIP.
# shellcheck disable=SC2016 # backticks in patterns are Markdown, not expansions
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1

# The options every run of this test shares: small and quick.
printf '%s\n' '# two sweeps: 3 + 2 cells' \
	'--backend fanotify-user --strategy walk --rules 1,2,3 --depth 2' \
	'--backend fanotify-user --strategy walk --workload outside-fs --rules 1,2 --depth 2' > small.spec
set -- --spec small.spec --ops 100 --reps 2 --count-reps 0

# run_ok NAME OUT [ARGS...]: a run of the small spec; fail NAME unless it exits 0.
run_ok() {
	name=$1 out=$2
	shift 2
	"$BIN" run --spec small.spec --ops 100 --reps 2 --count-reps 0 "$@" --out "$out" > "$out.out" 2> "$out.err"
	st=$?
	[ $st -eq 0 ] && return 0
	fail "$name" "exit status $st: $(grep -v '^\[' "$out.err" | tail -3 | tr '\n' ' ')"
	return 1
}
ids() { jq -c '[.runs[].id]' "$1"; }
sorted_ids() { jq -c '[.runs[].id] | sort' "$1"; }

run_ok shard-unsharded all.json || exit 1
ok=1
for i in 1 2; do
	run_ok "shard-run-$i" "s$i.json" --shard "$i/2" || ok=0
done
[ $ok = 1 ] || exit 1

# The header: each shard says which it is, all three have one plan.
if jq -e '.shard == "1/2"' s1.json > /dev/null && jq -e '.shard == "2/2"' s2.json > /dev/null &&
	jq -e 'has("shard") | not' all.json > /dev/null &&
	[ "$(jq -cS .plan all.json)" = "$(jq -cS .plan s1.json)" ] &&
	[ "$(jq -cS .plan all.json)" = "$(jq -cS .plan s2.json)" ] &&
	jq -e '.plan.cells == 5 and (.plan.sweeps | length) == 2' all.json > /dev/null; then
	pass shard-header
else
	fail shard-header "$(jq -c '{shard, plan_cells: .plan.cells}' all.json s1.json s2.json | tr '\n' ' ')"
fi

# Whole cells, round robin: shard 1 has cells 0, 2, 4 (each with its none),
# shard 2 cells 1, 3; no id in both.
if [ "$(jq -c '[.runs[].cell] | unique' s1.json)" = '[0,2,4]' ] &&
	[ "$(jq -c '[.runs[].cell] | unique' s2.json)" = '[1,3]' ] &&
	jq -e '[.runs | group_by(.cell)[] | map(.backend) | sort == ["fanotify-user", "none"]] | all' s1.json > /dev/null &&
	jq -e '[.runs | group_by(.cell)[] | map(.backend) | sort == ["fanotify-user", "none"]] | all' s2.json > /dev/null &&
	[ "$(jq -n --slurpfile a s1.json --slurpfile b s2.json '[$a[0].runs[].id] - ([$a[0].runs[].id] - [$b[0].runs[].id]) | length')" = 0 ]; then
	pass shard-partition
else
	fail shard-partition "s1 cells $(jq -c '[.runs[].cell]' s1.json), s2 cells $(jq -c '[.runs[].cell]' s2.json)"
fi

"$BIN" merge s1.json s2.json --out merged.json > merge.out 2>&1
st=$?
if [ $st -ne 0 ]; then
	fail shard-merge "exit $st: $(cat merge.out)"
	exit 1
fi
# The requirement: the merge has the unsharded run's set of run ids, no id twice ...
if [ "$(sorted_ids merged.json)" = "$(sorted_ids all.json)" ] &&
	[ "$(jq '.runs | length' merged.json)" = 10 ] &&
	jq -e '[.runs[].id] | length == (unique | length)' merged.json > /dev/null; then
	pass shard-merge-same-ids
else
	fail shard-merge-same-ids "merged $(sorted_ids merged.json), unsharded $(sorted_ids all.json)"
fi
# ... in the unsharded run's order, with the cells' oracle expectations
# (each cell did the same operations as unsharded).
expectations() { jq -c '[.runs[] | [.id, .cell, .oracle.expected, .oracle.valid]]' "$1"; }
if [ "$(ids merged.json)" = "$(ids all.json)" ] && [ "$(expectations merged.json)" = "$(expectations all.json)" ]; then
	pass shard-merge-order
else
	fail shard-merge-order "merged $(expectations merged.json), unsharded $(expectations all.json)"
fi
# A results file like the unsharded one, naming what it merged.
if jq -e '.schema_version == 2 and .tool == "subtree-bench" and (has("shard") | not)
	and (.merged_from | map(.shard)) == ["1/2", "2/2"] and (has("missing_shards") | not)
	and (.command_line | startswith("subtree-bench merge s1.json s2.json"))' merged.json > /dev/null &&
	[ "$(jq -cS .box merged.json)" = "$(jq -cS .box all.json)" ] &&
	[ "$(($(wc -l < merged.csv) - 1))" = 10 ]; then
	pass shard-merge-header
else
	fail shard-merge-header "$(jq -c 'del(.runs, .plan)' merged.json)"
fi

# report and compare take the merged file.
"$BIN" report --out-dir rep merged.json > report.out 2>&1
st=$?
if [ $st -eq 0 ] && grep -qF '`fanotify-user/walk/outside-fs/notify/r2/d2/h0.5`' rep/REPORT.md; then
	pass shard-merge-report
else
	fail shard-merge-report "exit $st: $(tail -3 report.out | tr '\n' ' ')"
fi
"$BIN" compare all.json merged.json > compare.out 2>&1
st=$?
# Two measurements on a wall clock may differ: 0 or 1, never 2 (refused); every run matched.
if [ $st -le 1 ] && grep -q '^10 runs compared, .* 0 lost in NEW, 0 invalid in BASE, 0 only in NEW' compare.out &&
	"$BIN" compare merged.json merged.json > compare2.out 2>&1; then
	pass shard-merge-compare
else
	fail shard-merge-compare "exit $st: $(tail -3 compare.out | tr '\n' ' ')"
fi

# GNU parallel, one machine: the recipe in scripts/shard/parallel.sh.
if command -v parallel > /dev/null; then
	JOBS=1 SUBTREE_BENCH=$BIN sh "$ROOT/scripts/shard/parallel.sh" 2 par.json "$@" > par.out 2>&1
	st=$?
	if [ $st -eq 0 ] && [ "$(ids par.json)" = "$(ids all.json)" ] && [ -s par-shard-2.json ]; then
		pass shard-gnu-parallel
	else
		fail shard-gnu-parallel "exit $st: $(tail -3 par.out | tr '\n' ' ')"
	fi
else
	echo "SKIP shard-gnu-parallel: GNU parallel is not installed (Debian package parallel); the shards above ran in a shell loop"
fi

# More shards than cells: an empty shard is still a shard.
if run_ok shard-empty s6.json --shard 6/6; then
	if jq -e '.shard == "6/6" and (.runs | length) == 0' s6.json > /dev/null &&
		grep -q 'shard 6/6: 0 of the 5 cells' s6.json.err; then
		pass shard-empty
	else
		fail shard-empty "$(jq -c '{shard, runs: (.runs | length)}' s6.json) $(cat s6.json.err)"
	fi
fi

# Bad --shard: refused before anything is measured, naming the option and the fix.
for bad in 0/2 3/2 x 1/0 2/; do
	rm -f bad.json
	expect "shard-bad-$(echo "$bad" | tr / _)" 2 "--shard '$bad'" "e.g. --shard 1/" -- \
		"$BIN" run --shard "$bad" --out bad.json
	[ -e bad.json ] && fail "shard-bad-$bad-no-file" "bad.json written"
done
printf '%s\n' '--rules 1 --shard 1/2' > shard.spec
expect shard-in-spec 2 "shard.spec:1: --spec, --out, --box, --root and --shard belong on the command line" -- \
	"$BIN" run --spec shard.spec --out bad.json

# Files that do not belong together: exit 2, the file and the field named.
rm -f bad.json
# mixed NAME FILE JQ GREP...: shard 2 edited by JQ into FILE; merged with
# shard 1 it is refused (exit 2), the output naming FILE and the field.
mixed() {
	name=$1 file=$2
	jq "$3" s2.json > "$file"
	shift 3
	expect "$name" 2 "$@" -- "$BIN" merge s1.json "$file" --out bad.json
}
mixed merge-mixed-revision rev.json '.git_revision = "0123456789ab"' \
	"'rev.json': git_revision \"0123456789ab\", 's1.json' has" "fix:"
mixed merge-mixed-kernel kernel.json '.box.kernel = "6.1.0-other"' \
	"'kernel.json': box.kernel \"6.1.0-other\"" "different boxes or kernels"
mixed merge-mixed-box box.json '.box.kind = "vm-icount" | .box.time_unit = "instructions"' \
	"'box.json': box.kind \"vm-icount\", 's1.json' has \"host\""
mixed merge-mixed-kernel-build build.json '.box.kernel_build = "#2 SMP"' \
	"'build.json': box.kernel_build \"#2 SMP\""
mixed merge-mixed-schema schema.json '.schema_version = 1' "'schema.json': schema_version 1"
mixed merge-mixed-n n3.json '.shard = "2/3"' "'n3.json': shard 2/3, 's1.json' is shard 1/2"
"$BIN" run --spec small.spec --ops 50 --reps 2 --count-reps 0 --shard 2/2 --out ops.json > /dev/null 2>&1
expect merge-mixed-ops 2 "'ops.json': plan: sweep 1 ops 50, 's1.json' has 100" "only --shard and --out differ" -- \
	"$BIN" merge s1.json ops.json --out bad.json
cp s1.json s1-again.json
expect merge-shard-twice 2 "'s1.json' and 's1-again.json' are both shard 1/2" -- \
	"$BIN" merge s1.json s1-again.json s2.json --out bad.json
# A shard that stopped early (here: without its last cell) is refused too.
jq 'del(.runs[] | select(.cell == 4))' s1.json > cut.json
expect merge-shard-cut-short 2 "'cut.json' (shard 1/2) has no run of cell 4 of 5" "re-run that shard" -- \
	"$BIN" merge cut.json s2.json --out bad.json
expect merge-shard-missing 2 "shard 2/2 is missing" "--partial" -- \
	"$BIN" merge s1.json --out bad.json
expect merge-unsharded-with-shard 2 "'s1.json': shard 1/2, 'all.json' is shard 1/1" -- \
	"$BIN" merge all.json s1.json --out bad.json
# A run of shard 1 also in shard 2 (under one of shard 2's cells).
jq --slurpfile a s1.json '.runs += [$a[0].runs[0] | .cell = 1]' s2.json > dup.json
expect merge-run-twice 2 "run id \"none/-/open-close/notify/r1/d2/h0.5\" is in 's1.json' too" -- \
	"$BIN" merge s1.json dup.json --out bad.json
[ -e bad.json ] && fail merge-refused-no-file "a refused merge wrote bad.json"
expect merge-partial 0 "partial" -- "$BIN" merge --partial s1.json --out partial.json
if jq -e '.missing_shards == ["2/2"] and (.runs | length) == 6' partial.json > /dev/null; then
	pass merge-partial-listed
else
	fail merge-partial-listed "$(jq -c '{missing_shards, runs: (.runs | length)}' partial.json)"
fi

# unavailable: the union, each entry once.
jq '.unavailable = [{"backend": "bpf-lsm", "mode": "notify", "reason": "EPERM"}]' s1.json > u1.json
jq '.unavailable = [{"backend": "bpf-lsm", "mode": "notify", "reason": "EPERM"},
	{"backend": "fanotify-kmod", "mode": "notify", "reason": "no filter API"}]' s2.json > u2.json
"$BIN" merge u1.json u2.json --out u.json > /dev/null 2>&1
if [ "$(jq -c '[.unavailable[].backend]' u.json)" = '["bpf-lsm","fanotify-kmod"]' ]; then
	pass merge-unavailable-union
else
	fail merge-unavailable-union "$(jq -c .unavailable u.json)"
fi
check shard-no-scratch-left no_scratch_mounts
finish
