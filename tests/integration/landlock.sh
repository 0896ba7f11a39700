#!/bin/sh
# The landlock backend on this host (deny only, no privilege): `list` says
# so; monitor denies in-scope opens with EACCES and nothing else, restricts
# only COMMAND; `run` passes the oracle beside other backends in one process,
# which stays unrestricted (its other steps, its results and its cleanup
# work after every landlock step).
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1

"$BIN" list > list.out 2>&1
if ! grep -Eq '^backend +landlock +deny +available' list.out; then
	echo "SKIP landlock: this host cannot run it: $(grep '^backend *landlock *deny' list.out)"
	exit 0
fi
grep -Eq '^backend +landlock +deny +available \(denies with EACCES; needs no privilege' list.out &&
	pass landlock-list-deny || fail landlock-list-deny "$(grep '^backend *landlock' list.out)"
grep -Eq '^backend +landlock +notify +unavailable: Landlock only denies' list.out &&
	pass landlock-list-no-notify || fail landlock-list-no-notify "$(grep '^backend *landlock' list.out)"

scratch_tmpfs
IN=$T/fs/in OUT=$T/fs/out
mkdir -p "$IN/sub" "$OUT"
echo secret > "$IN/sub/s"
echo fine > "$OUT/o"
printf '#!/bin/sh\necho ran\n' > "$IN/x.sh"
chmod +x "$IN/x.sh"

# Denied in scope (read, write, exec) with EACCES; allowed outside, also to
# write; an ancestor of the rule can still be listed.
"$BIN" monitor --mode deny --backend landlock --rule "$IN" -- sh -c "
	cat $IN/sub/s > /dev/null 2> $OUT/cat.err; echo read=\$?
	cp $OUT/o $IN/sub/s 2> $OUT/cp.err; echo write=\$?
	$IN/x.sh > /dev/null 2>&1; echo exec=\$?
	cat $OUT/o > /dev/null; echo out=\$?
	echo more >> $OUT/o; echo outwrite=\$?
	ls $T/fs > /dev/null; echo ls=\$?
	exit 5" > mon.out 2> mon.err
st=$?
if [ $st -ne 5 ]; then
	fail landlock-monitor-deny "exit status $st, expected COMMAND's 5: $(cat mon.err)"
elif ! grep -q "Permission denied" "$OUT/cat.err" || ! grep -q "Permission denied" "$OUT/cp.err" ||
	[ "$(tr '\n' ' ' < mon.out)" != "read=1 write=1 exec=126 out=0 outwrite=0 ls=0 " ]; then
	fail landlock-monitor-deny "$(tr '\n' ' ' < mon.out) $(cat "$OUT/cat.err")"
else
	pass landlock-monitor-deny
fi
# The documented limit: an entry made directly in an ancestor of the rule
# after the attach has no rule of its own, so opening it is denied too (the
# file is made: creating is not a right the backend handles).
"$BIN" monitor --mode deny --backend landlock --rule "$IN" -- sh -c "echo n > $T/fs/new" 2> lim.err
st=$?
if [ $st -ne 0 ] && grep -q "Permission denied" lim.err && [ -e "$T/fs/new" ] && [ ! -s "$T/fs/new" ]; then
	pass landlock-monitor-limit-new-in-ancestor
else
	fail landlock-monitor-limit-new-in-ancestor "exit $st: $(cat lim.err)"
fi
# The restriction was COMMAND's alone: the caller reads the file again.
check landlock-monitor-released sh -c "cat $IN/sub/s > /dev/null"
expect landlock-monitor-notify-refused 2 "landlock (notify) is unavailable on this box: Landlock only denies" -- \
	"$BIN" monitor --backend landlock --rule "$IN" -- true
expect landlock-monitor-strategy-refused 2 "landlock has no strategy of ours" -- \
	"$BIN" monitor --mode deny --backend landlock --strategy walk --rule "$IN" -- true

# run: landlock beside fanotify-user (and none) in one process, interleaved.
"$BIN" run --mode deny --backend landlock,fanotify-user --strategy walk --workload open-close,outside-fs \
	--rules 4 --depth 3 --ops 300 --reps 3 --out deny.json > run.out 2> run.err
st=$?
if [ $st -ne 0 ]; then
	fail landlock-run-oracle "exit status $st: $(grep -E 'INVALID|run:' run.err | head -4 | tr '\n' ' ')"
elif ! jq -e '[.runs[] | .oracle.valid] | all and length == 6' deny.json > /dev/null; then
	fail landlock-run-oracle "$(jq -c '[.runs[] | {id, why: .oracle.why}]' deny.json)"
else
	pass landlock-run-oracle
fi
# Its id has no strategy ("-"); it denied every in-scope open of open-close;
# the rules it took are in its counters.
if jq -e '[.runs[] | select(.backend == "landlock" and .workload == "open-close")] | length == 1 and
	(.[0] | .strategy == "-" and (.id | startswith("landlock/-/open-close/deny/")) and
	 .oracle.expected > 0 and .oracle.delivered == .oracle.expected and
	 .backend_counters.landlock_rules > 0 and .backend_counters.landlock_threads_restricted == .count_reps)' \
	deny.json > /dev/null; then
	pass landlock-run-denied
else
	fail landlock-run-denied "$(jq -c '[.runs[] | select(.backend == "landlock") | {id, oracle, backend_counters}]' deny.json)"
fi
# After a landlock step, a step of another backend in the same process ran
# and passed: none's opens of in-scope files, fanotify-user's group.
if jq -e '[.runs[] | select(.workload == "open-close") | .reps_detail[] as $d | {b: .backend, rep: $d.rep, pos: $d.position}] as $s |
	[$s[] | select(.b == "landlock") as $l | $s[] | select(.b != "landlock" and .rep == $l.rep and .pos > $l.pos)] | length > 0' \
	deny.json > /dev/null; then
	pass landlock-run-harness-unrestricted
else
	fail landlock-run-harness-unrestricted "no other step followed a landlock one: $(jq -c '[.runs[] | {backend, pos: [.reps_detail[].position]}]' deny.json)"
fi
expect landlock-run-notify-refused 2 "landlock (notify): unavailable: Landlock only denies" -- \
	"$BIN" run --backend landlock --out notify.json
# --backend all in deny mode picks it up once, whatever --strategy lists.
"$BIN" run --mode deny --backend all --strategy walk,tag,pass --rules 2 --depth 2 --ops 100 --reps 1 \
	--count-reps 0 --out all.json > /dev/null 2> all.err
if jq -e '[.runs[] | select(.backend == "landlock") | .id] == ["landlock/-/open-close/deny/r2/d2/h0.5"]' \
	all.json > /dev/null 2>&1; then
	pass landlock-run-all-deny
else
	fail landlock-run-all-deny "$(jq -c '[.runs[].id]' all.json 2>/dev/null || tail -3 all.err)"
fi
check landlock-no-scratch-left no_scratch_mounts
finish
