#!/bin/sh
# `export --format bmf|lkp`, on tests/fixtures/report-basic.json (vm-icount:
# instructions, one run that failed the oracle, bpf-lsm unavailable) and on a
# small run on this host (ns): BMF parses as JSON with one benchmark per
# valid run id, each with the cost measure in the box's unit (value and
# lower/upper from stats.median) and, but for none, the overhead (from
# stats.overhead); LKP has one `key: value` line per figure, the median of
# every valid run, in id order; invalid runs are left out of both; --out
# writes what stdout gets; bad input exits 2.
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1
FIX=$ROOT/tests/fixtures/report-basic.json

# valid_ids FILE: the ids export must write, sorted.
valid_ids() { jq -c '[.runs[] | select(.oracle.valid == true) | .id] | sort' "$1"; }

# bmf_ok NAME RESULTS UNIT: the structure of the BMF export of RESULTS.
bmf_ok() {
	name=$1 res=$2 unit=$3
	if ! "$BIN" export --format bmf "$res" > "$name.bmf" 2> "$name.err"; then
		fail "$name" "exit $?: $(cat "$name.err")"
		return
	fi
	if ! jq -e 'type == "object"' "$name.bmf" > /dev/null 2>&1; then
		fail "$name" "not a JSON object: $(head -c 300 "$name.bmf")"
		return
	fi
	if [ "$(jq -c 'keys' "$name.bmf")" != "$(valid_ids "$res")" ] || [ "$(valid_ids "$res")" = "[]" ]; then
		fail "$name" "benchmarks $(jq -c keys "$name.bmf"), valid runs $(valid_ids "$res")"
		return
	fi
	# Every measure: a value within its bounds; the cost and overhead are the run's stats.
	if ! jq -e --arg u "$unit" --slurpfile r "$res" '
		($r[0].runs | map({key: .id, value: .stats}) | from_entries) as $stats
		| to_entries | all(.key as $id | .value as $m | $stats[$id] as $s
		| ($m | to_entries | all(.value | .lower_value <= .value and .value <= .upper_value))
		and $m[$u + "_per_op"].value == $s.median.value
		and [$m[$u + "_per_op"].lower_value, $m[$u + "_per_op"].upper_value] == $s.median.ci95
		and (if ($id | startswith("none/")) then ($m | has("overhead_" + $u + "_per_op") | not)
		     else $m["overhead_" + $u + "_per_op"].value == $s.overhead.value
		     and [$m["overhead_" + $u + "_per_op"] | .lower_value, .upper_value] == $s.overhead.ci95 end))' \
		"$name.bmf" > /dev/null; then
		fail "$name" "measures do not match the stats: $(jq -c 'to_entries[0]' "$name.bmf")"
		return
	fi
	pass "$name"
}

bmf_ok export-bmf-fixture "$FIX" instructions
# The fixture's invalid run is not exported.
bad_id=$(jq -r '.runs[] | select(.oracle.valid != true) | .id' "$FIX" | head -1)
if [ -n "$bad_id" ] && jq -e --arg id "$bad_id" 'has($id) | not' export-bmf-fixture.bmf > /dev/null; then
	pass export-bmf-invalid-left-out
else
	fail export-bmf-invalid-left-out "'$bad_id' exported (or no invalid run in the fixture)"
fi

# A host run: ns.
if "$BIN" run --backend fanotify-user --strategy walk --rules 1,2 --depth 2 --ops 100 --reps 3 \
	--count-reps 0 --out host.json > host.out 2> host.err; then
	bmf_ok export-bmf-host host.json ns
else
	fail export-bmf-host "run: $(grep -v '^\[' host.err | tail -3 | tr '\n' ' ')"
fi
expect export-out-file 0 -- "$BIN" export --format bmf --out out.bmf "$FIX"
cmp -s out.bmf export-bmf-fixture.bmf && pass export-out-same-as-stdout ||
	fail export-out-same-as-stdout "--out differs from stdout"

# LKP: key: value lines, the keys <id>.<figure>.
if "$BIN" export --format lkp "$FIX" > lkp.txt 2> lkp.err; then
	if [ -s lkp.txt ] && ! grep -vqE '^[^ :]+\.[a-z0-9_]+: -?[0-9][0-9.]*(e[-+]?[0-9]+)?$' lkp.txt; then
		pass export-lkp-format
	else
		fail export-lkp-format "$(grep -vE '^[^ :]+\.[a-z0-9_]+: -?[0-9][0-9.]*(e[-+]?[0-9]+)?$' lkp.txt | head -3)"
	fi
	# One median per valid run, equal to stats.median.value; in id order.
	jq -r '.runs[] | select(.oracle.valid == true) | "\(.id) \(.stats.median.value)"' "$FIX" | LC_ALL=C sort > want.txt
	sed -n 's/^\(.*\)\.median: \(.*\)$/\1 \2/p' lkp.txt > got.txt
	if awk 'NR == FNR { want[$1] = $2; n++; next } { m++; if (!($1 in want) || want[$1] - $2 > 1e-6 * want[$1] || $2 - want[$1] > 1e-6 * want[$1]) bad = bad " " $1 }
		END { if (n != m || bad != "") { print "medians: want " n ", got " m bad; exit 1 } }' want.txt got.txt &&
		cut -d' ' -f1 got.txt | LC_ALL=C sort -c; then
		pass export-lkp-medians
	else
		fail export-lkp-medians "$(head -3 got.txt | tr '\n' ' ') vs $(head -3 want.txt | tr '\n' ' ')"
	fi
	if ! grep -qF "$bad_id." lkp.txt && grep -q '^fanotify-user/walk/open-close/notify/r10/d4/h0.5\.overhead_ci95_upper: ' lkp.txt; then
		pass export-lkp-figures
	else
		fail export-lkp-figures "invalid run present or overhead CI missing: $(grep -F 'r10/d4/h0.5.' lkp.txt | head -3)"
	fi
else
	fail export-lkp-format "exit $?: $(cat lkp.err)"
fi

# Bad input: exit 2, the fix named.
expect export-bad-format 2 "--format 'xml': use bmf or lkp" -- "$BIN" export --format xml "$FIX"
expect export-no-format 2 "give --format bmf or --format lkp" -- "$BIN" export "$FIX"
expect export-missing-file 2 "nope.json" -- "$BIN" export --format bmf nope.json
expect export-two-files 2 "one results file at a time" "merge" -- "$BIN" export --format lkp "$FIX" "$FIX"
expect export-help 0 "Examples:" "bmf" "lkp" "lower_value" -- "$BIN" export --help
finish
