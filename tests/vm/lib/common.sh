# shellcheck shell=sh
# shellcheck disable=SC2034 # st, WORK etc. are used by the tests that source this
# Sourced by tests/vm/*.sh (not a test itself: it is not in tests/vm/*.sh).
# Sets ROOT, RUN (scripts/vm/run.sh), WORK (a scratch dir, removed on exit;
# it lives in host /tmp, which the guest only sees when passed with --share).
# Tests call pass / fail "why"; NAME defaults to the script's name.
set -u
NAME=${NAME:-$(basename "$0" .sh)}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUN=$ROOT/scripts/vm/run.sh
WORK=$(mktemp -d "${TMPDIR:-/tmp}/subtree-bench-vmtest.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
pass() { echo "PASS $NAME"; exit 0; }
fail() { echo "FAIL $NAME: $*"; exit 1; }
# vm ARGS...: run.sh with the test's box options (SUBTREE_BENCH_TEST_VM_ARGS,
# e.g. "--box vm-icount" or "--variant debug"), stdout/stderr to $WORK/out|err,
# exit status in $st.
vm() {
	st=0
	# shellcheck disable=SC2086
	"$RUN" ${SUBTREE_BENCH_TEST_VM_ARGS:-} "$@" >"$WORK/out" 2>"$WORK/err" || st=$?
}
# show FILE: a short excerpt for a failure message.
show() { head -c 300 "$1" | tr '\n' '|'; }
