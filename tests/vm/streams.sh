#!/bin/sh
# shellcheck disable=SC2016 # expanded in the guest
# stdout and stderr come back separated and byte-exact: 1 MiB of binary data
# on stdout, text without a final newline, CR/LF and NUL bytes on stderr, and
# arguments with quotes, spaces and trailing newlines arrive intact.
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
mkdir "$WORK/share"
head -c 1048576 /dev/urandom >"$WORK/share/big"
printf 'first line\r\nx\0y \047quoted\047 "dq" $HOME `tick`' >"$WORK/share/small"
vm --share "$WORK/share" -- sh -c 'cat "$1"; cat "$2" >&2; printf %s "$3" >&2' sh \
	"$WORK/share/big" "$WORK/share/small" " it's a \"test\" \$x

"
[ "$st" = 0 ] || fail "exit $st, stderr: $(show "$WORK/err")"
cmp -s "$WORK/out" "$WORK/share/big" ||
	fail "stdout differs from the 1 MiB file ($(wc -c <"$WORK/out") bytes came back)"
{ cat "$WORK/share/small"; printf %s " it's a \"test\" \$x

"; } >"$WORK/want-err"
cmp -s "$WORK/err" "$WORK/want-err" || fail "stderr differs: $(od -c "$WORK/err" | head -5 | tr '\n' '|')"
pass
