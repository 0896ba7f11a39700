#!/bin/sh
# The command's exit status is run.sh's exit status (3, and 127 for a missing command).
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
vm -- sh -c 'exit 3'
[ "$st" = 3 ] || fail "sh -c 'exit 3' gave $st, stderr: $(show "$WORK/err")"
vm -- /nonexistent/subtree-bench-command
[ "$st" = 127 ] || fail "a missing command gave $st, not 127"
pass
