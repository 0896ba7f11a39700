#!/bin/sh
# The libFuzzer targets (build-fuzz/fuzz/fuzz_*, from tests/fuzz/fuzz_*.c)
# on their committed corpus, tests/fuzz/corpus/<target>/.
#   run.sh            each target for a fixed number of inputs from a fixed
#                     seed (its RUNS below): `make test`'s fuzz phase
#   run.sh --time S   each target for S seconds (`make fuzz`), new inputs
#                     kept in build-fuzz/corpus/<target>/ (not committed)
# TARGETS=spec,rules,... picks targets. One line per target:
#   PASS fuzz-<target> (N execs, corpus M)   or   FAIL fuzz-<target>: <crash file>
# A crash, a leak, undefined behaviour, a timeout or an out-of-memory fails
# it; libFuzzer's log is in build/test-logs/fuzz-<target>.log.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
TIME=
[ "${1:-}" = --time ] && TIME=${2:?--time SECONDS}
LOGS=$ROOT/build/test-logs
CRASHES=$ROOT/build-fuzz/crashes
mkdir -p "$LOGS" "$CRASHES"
failures=0
# The targets write their inputs as files: on a tmpfs when there is one.
if [ -z "${FUZZ_TMPDIR:-}" ]; then
	FUZZ_TMPDIR=${TMPDIR:-/tmp}
	[ -d /dev/shm ] && [ -w /dev/shm ] && FUZZ_TMPDIR=/dev/shm
fi

# The inputs each target runs in `make test`: 3 to 16 s each on this 2-core
# box under load (about 60 s for all seven; each log's "Done N runs in S s").
runs_of() {
	case $1 in
	spec) echo 60000 ;;
	rules) echo 200000 ;;
	report) echo 4000 ;;
	compare) echo 6000 ;;
	merge) echo 20000 ;;
	import_fio) echo 8000 ;;
	import_hyperfine) echo 10000 ;;
	*) echo 5000 ;;
	esac
}

for bin in build-fuzz/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	t=${bin##*/fuzz_}
	case ",${TARGETS:-$t}," in *",$t,"*) ;; *) continue ;; esac
	name=fuzz-$(echo "$t" | tr _ -)
	log=$LOGS/$name.log
	corpus=tests/fuzz/corpus/$t
	new=$ROOT/build-fuzz/corpus/$t
	scratch=$(mktemp -d "$FUZZ_TMPDIR/sb-fuzz-$t.XXXXXX")
	case $t in
	spec) dict=-dict=tests/fuzz/spec.dict ;;
	rules) dict= ;;
	*) dict=-dict=tests/fuzz/json.dict ;;	# the results, fio and hyperfine keys
	esac
	if [ -n "$TIME" ]; then
		mkdir -p "$new"
		budget="-max_total_time=$TIME"
		out=$new
	else
		budget="-runs=$(runs_of "$t")"
		out=$scratch/new
		mkdir -p "$out"
	fi
	rm -f "$CRASHES/$t-"*
	# New inputs go to the first directory, never to the committed corpus;
	# stdout and stderr of the code under test are closed (-close_fd_mask).
	TMPDIR=$scratch ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		"$bin" -seed=1 $budget -timeout=10 -rss_limit_mb=2048 -close_fd_mask=3 \
		-artifact_prefix="$CRASHES/$t-" $dict "$out" "$corpus" > "$log" 2>&1
	st=$?
	rm -rf "$scratch"
	execs=$(sed -n 's/^Done \([0-9]*\) runs in.*/\1/p' "$log" | tail -1)
	size=$(sed -n 's/^#[0-9]*[[:space:]]*DONE .* corp: \([0-9]*\)\/.*/\1/p' "$log" | tail -1)
	crash=$(ls "$CRASHES/$t-"* 2>/dev/null | head -1)
	if [ "$st" -eq 0 ] && [ -n "$execs" ] && [ -z "$crash" ]; then
		echo "PASS $name ($execs execs, corpus ${size:-?})"
	else
		why=$(grep -m1 -E '^==[0-9]+==ERROR|runtime error:|^SUMMARY:|ERROR: libFuzzer' "$log")
		echo "FAIL $name: ${crash:-no crash file, exit $st} (${why:-see $log})"
		failures=$((failures + 1))
	fi
done
[ "$failures" -eq 0 ]
