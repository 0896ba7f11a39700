# One `subtree-bench run` results file -> one soak record (scripts/soak.sh):
#   jq -c --arg backend B --arg mode M --arg workloads W,W --argjson cycle N \
#      --argjson exit STATUS -f scripts/soak/runs.jq RESULTS.json
# Counts its runs valid and invalid, by backend, with the invalid reasons
# (the oracle's `why` without its figures and examples), the events
# delivered and the attach/detach cycles. An invalid run is a known race
# when the README says that backend loses it: fanotify-user walk/loop and
# the directories deleted before it looks them up (mkdir-rmdir: missing
# events), fanotify-dirmarks and inotify and the directories made (mkdir-rmdir:
# missing) or moved (rename: missing and unexpected) before their marks
# follow; never with an overflow, a dropped record or a duplicate. Every other
# invalid run, a backend with no run of a workload asked for, and an exit
# status other than 0 (all valid) or 1 (some invalid) is a failure.

def known_race:
	.mode == "notify"
	and (.oracle | .missing + .unexpected > 0
		and (.overflows // 0) == 0 and (.dropped_records // 0) == 0
		and (.duplicated // 0) == 0 and (.merged // 0) == 0
		and (.why | test("^[0-9]+ missing( \\(e\\.g\\. [^)]*\\))?(, [0-9]+ unexpected( \\(e\\.g\\. [^)]*\\))?)?$")))
	and (
		(.backend == "fanotify-user" and (.strategy == "walk" or .strategy == "loop")
			and .workload == "mkdir-rmdir" and .oracle.unexpected == 0)
		or ((.backend == "fanotify-dirmarks" or .backend == "inotify")
			and ((.workload == "mkdir-rmdir" and .oracle.unexpected == 0)
				or .workload == "rename")));

def reason: .oracle.why | gsub(" \\(e\\.g\\. [^)]*\\)"; "") | gsub("[0-9]+"; "N") | .[0:160];

# A step that attached: every timing repetition it kept and every counting one.
def attaches: if .backend == "none" then 0 else (.reps_detail | length) + (.count_reps // 0) end;

def tally: {
	runs: length,
	valid: map(select(.oracle.valid)) | length,
	invalid: map(select(.oracle.valid | not)) | length,
	known_race: map(select((.oracle.valid | not) and known_race)) | length,
	reasons: (map(select(.oracle.valid | not) | reason)
		| group_by(.) | map({key: .[0], value: length}) | from_entries)
};

(.runs // []) as $runs
| ($workloads | split(",") | map(select(. != ""))) as $want
| ($want - [$runs[] | select(.backend == $backend) | .workload] | unique) as $missing
| ($runs | map(select((.oracle.valid | not) and (known_race | not)) | {id, why: .oracle.why})) as $bad
| {
	type: "run",
	cycle: $cycle,
	backend: $backend,
	mode: $mode,
	exit: $exit,
	git_revision: .git_revision,
	box: .box.kind,
	events: ($runs | map(.oracle.delivered) | add // 0),
	attach_detach: ($runs | map(attaches) | add // 0),
	by_backend: ($runs | group_by(.backend) | map({key: .[0].backend, value: tally}) | from_entries),
	failures: (
		$bad
		+ [$missing[] | {id: "\($backend)/\(.)/\($mode)", why: "no run of this workload in the results"}]
		+ (if $exit == 0 or $exit == 1 then [] else [{id: "\($backend)/\($mode)", why: "run exited \($exit)"}] end)
		+ (if $exit == 1 and ($runs | all(.oracle.valid)) then [{id: "\($backend)/\($mode)", why: "run exited 1 with every run valid"}] else [] end)
		| map(. + {cycle: $cycle}))
} + ($runs | tally | del(.reasons))
