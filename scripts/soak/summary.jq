# The soak's records (scripts/soak.sh, one JSON object a line: run, storm,
# scan, splats, check) -> its summary:
#   jq -s --argjson meta '{...}' -f scripts/soak/summary.jq records.jsonl
# $meta carries what the records do not: times, durations, kernel, settings,
# cycles, finished.

def total(f): map(f) | add // 0;
def of(t): map(select(.type == t));
# Sums the numbers of objects key by key (reasons too).
def addup: reduce .[] as $o ({}; . as $acc | reduce ($o | keys_unsorted[]) as $k ($acc;
	.[$k] = (if ($o[$k] | type) == "object" then ([.[$k] // {}, $o[$k]] | addup)
		else (.[$k] // 0) + $o[$k] end)));

. as $rec
| ($rec | of("run")) as $runs
| ($rec | of("storm")) as $storms
| ($rec | of("scan")) as $scans
| ([$rec | of("splats")[] | .splats[] ]) as $splats
| ([$rec[] | .failures[]?]) as $failures
| ($scans | total(.leaks)) as $leaks
| $meta + {
	harness_revision: ([$runs[] | .git_revision // empty] | first // null),
	box: ([$runs[] | .box // empty] | first // null),
	runs: {
		total: ($runs | total(.runs)),
		valid: ($runs | total(.valid)),
		invalid: ($runs | total(.invalid)),
		known_race: ($runs | total(.known_race)),
		invocations: ($runs | length),
		by_backend: ([$runs[] | .by_backend] | addup)
	},
	storms: {
		total: ($storms | length),
		failed: ($storms | map(select(.failures | length > 0)) | length),
		events: ($storms | total(.events)),
		inside_allowed_by_design: ($storms | total(.inside_allowed_by_design // 0))
	},
	events_delivered: {
		runs: ($runs | total(.events)),
		storms: ($storms | total(.events)),
		total: ($runs + $storms | total(.events))
	},
	attach_detach: {
		runs: ($runs | total(.attach_detach)),
		storms: ($storms | total(.attach_detach)),
		total: ($runs + $storms | total(.attach_detach))
	},
	kmemleak: {
		scans: ($scans | length),
		leaks: $leaks,
		reports: [$scans[] | select(.leaks > 0) | {cycle, leaks, file}]
	},
	splats: {count: ($splats | length), first_lines: $splats},
	failures: {count: ($failures | length), first: $failures[0:50]},
	status: (if ($failures | length) + $leaks + ($splats | length) > 0 then "fail"
		elif $meta.finished then "pass" else "running" end)
}
