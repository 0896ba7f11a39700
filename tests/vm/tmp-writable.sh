#!/bin/sh
# shellcheck disable=SC2015 # "A && B || fail" is meant
# /tmp in the guest is a writable tmpfs.
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
vm -- sh -c 'echo hello >/tmp/probe && cat /tmp/probe && grep -q "^[^ ]* /tmp tmpfs " /proc/mounts && echo tmpfs'
[ "$st" = 0 ] && [ "$(cat "$WORK/out")" = "hello
tmpfs" ] || fail "exit $st, out '$(show "$WORK/out")' err '$(show "$WORK/err")'"
pass
