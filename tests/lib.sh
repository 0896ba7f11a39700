# shellcheck shell=sh
# Sourced by the host integration tests. Sets ROOT, BIN (the harness, or
# $SUBTREE_BENCH for the sanitizer build), T (a scratch dir removed on exit),
# and pass/fail helpers: one `PASS name` / `FAIL name: why` line per check.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${SUBTREE_BENCH:-$ROOT/subtree-bench}
T=$(mktemp -d "${TMPDIR:-/tmp}/sb-it.XXXXXX")
failures=0
cleanup_hooks=""
at_exit() { cleanup_hooks="$1; $cleanup_hooks"; }
# shellcheck disable=SC2064
trap 'eval "$cleanup_hooks"; rm -rf "$T"' EXIT
pass() { echo "PASS $1"; }
fail() {
	echo "FAIL $1: $2"
	failures=$((failures + 1))
}
# check NAME COMMAND...: pass when COMMAND succeeds.
check() {
	name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name" "'$*' failed"; fi
}
finish() { [ "$failures" -eq 0 ]; exit $?; }

# A private tmpfs for a test's trees, unmounted on exit.
scratch_tmpfs() {
	mkdir -p "$T/fs"
	mount -t tmpfs sb-test "$T/fs" || { echo "FAIL $(basename "$0"): cannot mount tmpfs (run as root)"; exit 1; }
	at_exit "umount -l '$T/fs' 2>/dev/null"
}

# No scratch mount of the harness is left in the mount table.
no_scratch_mounts() { ! grep -q ' /tmp/subtree-bench\.' /proc/self/mounts; }

# expect NAME STATUS [GREP...] -- COMMAND...: pass when COMMAND exits STATUS
# and its output (stdout and stderr, in $T/expect.out) has every GREP (fixed
# strings); else fail, showing that output.
expect() {
	name=$1 want=$2
	shift 2
	greps=
	while [ "$1" != -- ]; do
		greps="$greps
$1"
		shift
	done
	shift
	"$@" > "$T/expect.out" 2>&1
	got=$?
	why=
	if [ "$got" != "$want" ]; then
		why="exit status $got, expected $want"
	else
		old_ifs=$IFS
		set -f
		IFS='
'
		for g in $greps; do
			grep -qF -- "$g" "$T/expect.out" || { why="output lacks '$g'"; break; }
		done
		IFS=$old_ifs
		set +f
	fi
	if [ -z "$why" ]; then
		pass "$name"
		return
	fi
	fail "$name" "$why"
	echo "---- output of the failed check:"
	sed 's/^/| /' "$T/expect.out"
}

# overflow_run NAME BACKEND FAULTS STATUS JQ WHAT RUN-ARGS...: `run
# --backend BACKEND RUN-ARGS` under the test hooks FAULTS (SUBTREE_BENCH_FAULT)
# exits STATUS and its BACKEND run satisfies JQ; the PASS line says how many
# WHAT (the oracle's overflows) and missing events it had.
overflow_run() {
	name=$1 backend=$2 faults=$3 want=$4 filter=$5 what=$6
	shift 6
	SUBTREE_BENCH_FAULT=$faults "$BIN" run --backend "$backend" "$@" --out "$T/$name.json" \
		> /dev/null 2> "$T/$name.err"
	got=$?
	sel="[.runs[] | select(.backend == \"$backend\")"
	if [ $got -ne "$want" ]; then
		fail "$name" "exit $got, expected $want: $(grep -E 'INVALID|unavailable|cannot|attach' "$T/$name.err" | head -2)"
	elif ! jq -e "$sel | $filter] | length == 1 and all" "$T/$name.json" > /dev/null; then
		fail "$name" "$(jq -c "$sel | {oracle, backend_counters}]" "$T/$name.json" | head -c 600)"
	else
		pass "$name ($(jq -r "$sel | \"\\(.oracle.overflows) $what, \\(.oracle.missing) missing of \\(.oracle.expected)\"][]" "$T/$name.json"))"
	fi
}

# guest_results NAME STATUS: a guest test's PASS/FAIL/SKIP lines ($T/out)
# become this test's; no PASS at all, or a failed exit with no FAIL line (a
# timeout cut the list short), fails NAME.
guest_results() {
	grep -E '^(PASS|FAIL|SKIP) ' "$T/out"
	if ! grep -q '^PASS ' "$T/out"; then
		fail "$1" "no result from the guest (exit $2): $(tail -3 "$T/err")"
	elif [ "$2" -ne 0 ] && ! grep -q '^FAIL ' "$T/out"; then
		fail "$1" "the guest exited $2 after $(grep -c '^PASS ' "$T/out") checks, none failed: a timeout? $(tail -3 "$T/err")"
	fi
}
