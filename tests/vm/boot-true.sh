#!/bin/sh
# The guest boots, runs `true`, powers off; nothing extra on stdout/stderr.
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
vm -- true
[ "$st" = 0 ] || fail "exit $st, stderr: $(show "$WORK/err")"
[ -s "$WORK/out" ] && fail "unexpected stdout: $(show "$WORK/out")"
[ -s "$WORK/err" ] && fail "unexpected stderr: $(show "$WORK/err")"
pass
