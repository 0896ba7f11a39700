#!/bin/sh
# `monitor` on this host: every backend this box can run, notify and deny.
# The same command runs under each; the printed events must be exactly the
# in-scope ones, and COMMAND's exit status must come back.
# BACKENDS overrides the list (the bench VM tests use this for BPF backends).
. "$(dirname "$0")/../lib.sh"
scratch_tmpfs
IN=$T/fs/in OUT=$T/fs/out
# inx: a sibling whose path has the rule's as a string prefix (out of scope)
mkdir -p "$IN" "$OUT" "${IN}x"

BACKENDS=${BACKENDS:-"none fanotify-user:walk fanotify-user:loop fanotify-user:cache fanotify-dirmarks:tag inotify:tag"}
# landlock (no strategy of ours) where the kernel has it: tests/integration/landlock.sh
# says SKIP with the reason where it does not.
if [ -z "${DENY_BACKENDS:-}" ]; then
	DENY_BACKENDS="fanotify-user:walk fanotify-dirmarks:tag"
	"$BIN" list 2>/dev/null | grep -Eq '^backend +landlock +deny +available' &&
		DENY_BACKENDS="$DENY_BACKENDS landlock"
fi
# deny_spec SPEC PREFIX: backend, strategy ("" for none of ours), the check's
# name and the message of the backend's denial (EPERM; landlock's EACCES).
deny_spec() {
	backend=${1%%:*} strategy=${1#*:} name=$2-$backend-${1#*:}
	[ "$strategy" = "$backend" ] && strategy="" name=$2-$backend
	denied="Operation not permitted"
	[ "$backend" = landlock ] && denied="Permission denied"
}

# In scope: f1 created, written, read, moved out; d1 made and removed;
# g2 moved in and deleted. Out of scope: g1, inx/h, and the other halves of moves.
cat > "$T/ops.sh" <<OPS
echo x > $IN/f1
echo z > ${IN}x/h
cat ${IN}x/h > /dev/null
cat $OUT/g1 $IN/f1 > /dev/null
mkdir $IN/d1
touch $OUT/g2
mv $OUT/g2 $IN/g2
mv $IN/f1 $OUT/f1
rm $IN/g2
rmdir $IN/d1
exit 7
OPS
printf '%s\n' create:d1 create:f1 delete:d1 delete:g2 moved_from:f1 moved_to:g2 open:f1 > "$T/expected"

for spec in $BACKENDS; do
	backend=${spec%%:*} strategy=${spec#*:}
	name=monitor-$backend${strategy:+-$strategy}
	[ "$strategy" = "$backend" ] && strategy="" name=monitor-$backend
	rm -f "$OUT"/* "$IN"/* 2>/dev/null
	echo y > "$OUT/g1"
	"$BIN" monitor --backend "$backend" ${strategy:+--strategy "$strategy"} --rule "$IN" \
		-- sh "$T/ops.sh" > "$T/out" 2> "$T/err"
	st=$?
	if [ $st -ne 7 ]; then
		fail "$name" "exit status $st, expected COMMAND's 7: $(cat "$T/err")"
		continue
	fi
	if ! jq -e . "$T/out" > /dev/null 2>&1; then
		fail "$name" "output is not JSON lines: $(head -3 "$T/out")"
		continue
	fi
	jq -r '.event + ":" + .name' "$T/out" | sort -u > "$T/got"
	if [ "$backend" = none ]; then
		[ -s "$T/got" ] && fail "$name" "none printed events: $(tr '\n' ' ' < "$T/got")" ||
			pass "$name"
		continue
	fi
	if ! cmp -s "$T/expected" "$T/got"; then
		fail "$name" "events differ (expected vs got): $(diff "$T/expected" "$T/got" | grep '^[<>]' | tr '\n' ' ')"
		continue
	fi
	# Every event carries the pid (but inotify's: it reports none), the
	# device, and (where known) the path.
	if jq -e --arg b "$backend" 'select((.pid == null and $b != "inotify") or .dev == null)' "$T/out" | grep -q .; then
		fail "$name" "an event lacks pid or dev: $(head -2 "$T/out")"
		continue
	fi
	pass "$name"
done

# Deny: an in-scope open fails with EPERM (landlock: EACCES), an out-of-scope one succeeds.
echo secret > "$IN/s"
echo fine > "$OUT/o"
for spec in $DENY_BACKENDS; do
	deny_spec "$spec" monitor-deny
	"$BIN" monitor --mode deny --backend "$backend" ${strategy:+--strategy "$strategy"} --rule "$IN" -- \
		sh -c "cat $IN/s >/dev/null 2>$T/cat.err; echo in=\$?; cat $OUT/o >/dev/null; echo out=\$?; exit 5" \
		> "$T/out" 2> "$T/err"
	st=$?
	if [ $st -ne 5 ]; then
		fail "$name" "exit status $st, expected 5: $(cat "$T/err")"
	elif ! grep -qx in=1 "$T/out" || ! grep -q "$denied" "$T/cat.err"; then
		fail "$name" "the in-scope open was not denied ($denied): $(cat "$T/out" "$T/cat.err")"
	elif ! grep -qx out=0 "$T/out"; then
		fail "$name" "the out-of-scope open failed: $(cat "$T/out")"
	else
		pass "$name"
	fi
done
# After deny monitoring ends, nothing is denied any more.
check monitor-deny-released sh -c "cat $IN/s > /dev/null"
# A verdict remembered for a directory (the tag strategy's, or any other
# cache) must not outlive a move: a directory read outside, moved into the
# rule, is denied there and allowed again once moved back; a directory made
# inside is denied. Not fanotify-dirmarks (it marks the tree at attach only,
# in deny mode: README) nor landlock (not handling REFER, it refuses moves
# between directories).
cat > "$T/moved.sh" <<MOVED
cat $OUT/m/f > /dev/null 2>&1; echo before=\$?
mv $OUT/m $IN/m && cat $IN/m/f > /dev/null 2>&1; echo in=\$?
mv $IN/m $OUT/m && cat $OUT/m/f > /dev/null 2>&1; echo out=\$?
mkdir $IN/n && touch $IN/n/f 2>/dev/null; cat $IN/n/f > /dev/null 2>&1; echo new=\$?
exit 5
MOVED
for spec in $DENY_BACKENDS; do
	case $spec in fanotify-dirmarks:* | landlock) continue ;; esac
	deny_spec "$spec" monitor-deny-moved-in
	rm -rf "$OUT/m" "$IN/m" "$IN/n"
	mkdir "$OUT/m" && echo x > "$OUT/m/f"
	"$BIN" monitor --mode deny --backend "$backend" ${strategy:+--strategy "$strategy"} --rule "$IN" -- \
		sh "$T/moved.sh" > "$T/out" 2> "$T/err"
	st=$?
	got=$(grep -E '^[a-z]+=[0-9]+$' "$T/out" | tr '\n' ' ')
	if [ $st -ne 5 ]; then
		fail "$name" "exit status $st, expected 5: $(cat "$T/err")"
	elif [ "$got" != "before=0 in=1 out=0 new=1 " ]; then
		fail "$name" "want before=0 in=1 out=0 new=1 (1: denied), got: $got"
	else
		pass "$name"
	fi
done
rm -rf "$OUT/m" "$IN/m" "$IN/n"
# Deny mode fails closed: a file under a chain of 4,200 directories below the
# rule (past the kernel module's walk cap, its path past PATH_MAX) is denied
# by every backend that decides per open. fanotify-dirmarks marks each
# directory by path at attach, so it refuses such a tree with an error instead.
DEEP=4200
mk_chain() { # mk_chain DIR LEVELS: LEVELS directories "d" below DIR, a file f at the bottom
	(cd "$1" && left=$2 && while [ "$left" -gt 0 ]; do
		n=$((left < 100 ? left : 100)) p=d k=1
		while [ $k -lt $n ]; do p=$p/d; k=$((k + 1)); done
		mkdir -p "$p" && cd -P "$p" || exit 1
		left=$((left - n))
	done && echo x > f)
}
mkdir -p "$IN/deep"
if ! mk_chain "$IN/deep" $DEEP; then
	fail monitor-deny-deep-chain "could not make a $DEEP-level chain under $IN/deep"
else
	cat > "$T/deep.sh" <<DEEPOPS
cd $IN/deep || exit 9
left=$DEEP
while [ \$left -gt 0 ]; do
	n=\$((left < 100 ? left : 100)) p=d k=1
	while [ \$k -lt \$n ]; do p=\$p/d; k=\$((k + 1)); done
	cd -P "\$p" || exit 9
	left=\$((left - n))
done
cat f > /dev/null 2> $T/deep.err
echo deep=\$?
exit 5
DEEPOPS
	for spec in $DENY_BACKENDS; do
		deny_spec "$spec" monitor-deny-deep
		"$BIN" monitor --mode deny --backend "$backend" ${strategy:+--strategy "$strategy"} --rule "$IN" -- \
			sh "$T/deep.sh" > "$T/out" 2> "$T/err"
		st=$?
		if [ "$backend" = fanotify-dirmarks ]; then
			if [ $st -ne 0 ] && [ $st -ne 5 ] && grep -q "File name too long" "$T/err"; then
				pass "$name"
			else
				fail "$name" "exit $st: expected a refusal naming the too-long path: $(cat "$T/err" "$T/out")"
			fi
		elif [ $st -ne 5 ]; then
			fail "$name" "exit status $st, expected 5: $(cat "$T/err")"
		elif ! grep -qx deep=1 "$T/out" || ! grep -q "$denied" "$T/deep.err"; then
			fail "$name" "the open $DEEP levels under the rule was not denied: $(cat "$T/out" "$T/deep.err")"
		else
			pass "$name"
		fi
	done
fi
finish
