#!/bin/sh
# Bad rule input: each gives a clear error that names the input and the fix,
# and exit status 2. Also: more marks than fs.fanotify.max_user_marks, and
# more watches than fs.inotify.max_user_watches.
. "$(dirname "$0")/../lib.sh"
scratch_tmpfs
mkdir -p "$T/fs/a/b" "$T/fs/a-b" "$T/fs/a.b" "$T/fs/c"
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
# Rules that sort between a root and its nested rule (a-b, a.b byte-sort before a/):
# the check (sorted, neighbours only) still finds the pair.
expect_error rule-nested-between "'$T/fs/a/b' is nested in rule '$T/fs/a'" "$T/fs/a-b" "$T/fs/a/b" "$T/fs/c" "$T/fs/a.b" "$T/fs/a"
expect_error rule-duplicate-far "duplicates rule.*give each sub-tree once" "$T/fs/a" "$T/fs/c" "$T/fs/a-b" "$T/fs/a/"
expect_error rule-none "no rule given: add --rule DIR"

# A signal must not leave a lowered limit behind: exit, so the EXIT trap runs.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$T/fs/many/1/2/3/4/5/6/7/8/9"

# over_limit NAME SYSCTL VALUE BACKEND GREP: with /proc/sys/SYSCTL lowered to
# VALUE for one attach of BACKEND to a 10-directory tree, monitor exits 2
# with GREP; the limit is put back at once, and whatever happens on exit.
over_limit() {
	name=$1 file=/proc/sys/$2 value=$3 backend=$4 want=$5
	old=$(cat "$file")
	at_exit "echo $old > $file"
	echo "$value" > "$file"
	"$BIN" monitor --backend "$backend" --rule "$T/fs/many" -- true >"$T/out" 2>&1
	st=$?
	echo "$old" > "$file"
	if [ $st -ne 2 ] || ! grep -q "$want" "$T/out"; then
		fail "$name" "exit $st: $(cat "$T/out")"
	elif [ "$(cat "$file")" != "$old" ]; then
		fail "$name" "$file is $(cat "$file"), was $old"
	else
		pass "$name"
	fi
}
# More marks than allowed: dirmarks needs one per directory.
over_limit rule-max-user-marks fs/fanotify/max_user_marks 5 fanotify-dirmarks \
	"needs 10 marks.*max_user_marks is 5: raise it (sysctl -w fs.fanotify.max_user_marks="
# More watches than allowed: inotify needs one per directory. The limit is
# per user id, shared with every inotify user of root on this box, so it is
# lowered for one attach only; at 1 the first watch already fails.
over_limit rule-max-user-watches fs/inotify/max_user_watches 1 inotify \
	"inotify needs 10 watches.*ENOSPC.*fs.inotify.max_user_watches is 1, .*raise it (sysctl -w fs.inotify.max_user_watches=[0-9]*) or monitor fewer directories"
finish
