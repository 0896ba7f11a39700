#!/bin/sh
# shellcheck disable=SC2016 # expanded in the guest
# PATH, HOME, TERM and every SUBTREE_BENCH_* variable reach the command; others do not.
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
export SUBTREE_BENCH_TEST_A="a 'b' \"c\" \$d
second line"
export SUBTREE_BENCH_TEST_EMPTY=
export NOT_SUBTREE_BENCH_LEAK=1
export PATH="$PATH:/subtree-bench/extra"
vm -- sh -c 'printf "%s|" "$PATH" "$HOME" "${SUBTREE_BENCH_TEST_A-unset}" "${SUBTREE_BENCH_TEST_EMPTY-unset}" "${NOT_SUBTREE_BENCH_LEAK-unset}"'
want="$PATH|$HOME|$SUBTREE_BENCH_TEST_A||unset|"
[ "$st" = 0 ] || fail "exit $st: $(show "$WORK/err")"
[ "$(cat "$WORK/out")" = "$want" ] || fail "got '$(show "$WORK/out")', want '$want'"
pass
