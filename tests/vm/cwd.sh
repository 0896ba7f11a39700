#!/bin/sh
# shellcheck disable=SC2015 # "A && B || fail" is meant
# The command runs in the caller's current directory (read-only host dir and a --share).
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
cd "$ROOT/scripts" || fail "cd"
vm -- pwd
[ "$st" = 0 ] && [ "$(cat "$WORK/out")" = "$ROOT/scripts" ] ||
	fail "in $ROOT/scripts: exit $st, pwd said '$(show "$WORK/out")' $(show "$WORK/err")"
mkdir -p "$WORK/share/sub dir"
cd "$WORK/share/sub dir" || fail "cd"
vm --share "$WORK/share" -- sh -c 'pwd; ls'
[ "$st" = 0 ] && [ "$(head -n1 "$WORK/out")" = "$WORK/share/sub dir" ] ||
	fail "in a share: exit $st, pwd said '$(show "$WORK/out")' $(show "$WORK/err")"
pass
