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
