#!/bin/sh
# Bad rule input: each gives a clear error that names the input and the fix,
# and exit status 2. Also: more marks than fs.fanotify.max_user_marks.
. "$(dirname "$0")/../lib.sh"
scratch_tmpfs
mkdir -p "$T/fs/a/b" "$T/fs/c"
touch "$T/fs/file"

# expect_error NAME GREP RULE...: monitor with these rules fails with GREP.
expect_error() {
	name=$1 want=$2
	shift 2
	args=""
	for r in "$@"; do args="$args --rule $r"; done
	# shellcheck disable=SC2086
	"$BIN" monitor --backend fanotify-user $args -- true >"$T/out" 2>&1
	st=$?
	if [ $st -ne 2 ]; then
		fail "$name" "exit status $st, expected 2: $(cat "$T/out")"
	elif ! grep -q -- "$want" "$T/out"; then
		fail "$name" "message lacks '$want': $(cat "$T/out")"
	else
		pass "$name"
	fi
}

expect_error rule-missing "'$T/fs/nope'.*give an existing directory" "$T/fs/nope"
expect_error rule-file "'$T/fs/file' is not a directory.*use its parent" "$T/fs/file"
expect_error rule-relative "'fs/a' is a relative path: give the absolute path" fs/a
expect_error rule-duplicate "duplicates rule.*give each sub-tree once" "$T/fs/a" "$T/fs/a/"
expect_error rule-nested "'$T/fs/a/b' is nested in rule '$T/fs/a'.*drop '$T/fs/a/b'" "$T/fs/a" "$T/fs/a/b"
expect_error rule-none "no rule given: add --rule DIR"

# More marks than allowed: dirmarks needs one per directory.
limit=/proc/sys/fs/fanotify/max_user_marks
old=$(cat $limit)
at_exit "echo $old > $limit"
mkdir -p "$T/fs/many/1/2/3/4/5/6/7/8/9"
echo 5 > $limit
"$BIN" monitor --backend fanotify-dirmarks --rule "$T/fs/many" -- true >"$T/out" 2>&1
st=$?
echo "$old" > $limit
if [ $st -eq 2 ] && grep -q "needs 10 marks.*max_user_marks is 5: raise it (sysctl -w fs.fanotify.max_user_marks=" "$T/out"; then
	pass rule-max-user-marks
else
	fail rule-max-user-marks "exit $st: $(cat "$T/out")"
fi
finish
