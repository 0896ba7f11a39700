#!/bin/sh
# Each --share DIR is writable at the same path in the guest, also nested and
# under host /tmp (hidden by the guest's tmpfs); the host sees the writes.
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
mkdir -p "$WORK/a/b" "$WORK/c"
echo from-host >"$WORK/a/b/in"
vm --share "$WORK/c" --share "$WORK/a/b" --share "$WORK/a" -- sh -c \
	"cat '$WORK/a/b/in' >'$WORK/a/b/out' && echo a >'$WORK/a/x' && echo c >'$WORK/c/y' && mkdir '$WORK/c/d' && dd if=/dev/zero of='$WORK/c/d/z' bs=64k count=16 2>/dev/null"
[ "$st" = 0 ] || fail "exit $st: $(show "$WORK/err")"
[ "$(cat "$WORK/a/b/out" 2>/dev/null)" = from-host ] || fail "nested share: $WORK/a/b/out not written back"
[ "$(cat "$WORK/a/x" 2>/dev/null)" = a ] || fail "share $WORK/a not written back"
[ "$(cat "$WORK/c/y" 2>/dev/null)" = c ] || fail "share $WORK/c not written back"
[ "$(wc -c <"$WORK/c/d/z" 2>/dev/null)" = 1048576 ] || fail "1 MiB file in a share has the wrong size"
pass
