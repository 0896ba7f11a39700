#!/bin/sh
# The soak's bookkeeping (scripts/soak/, used by scripts/soak.sh) on fixed
# inputs, no VM: the per-run counts and the known races (runs.jq), the summary
# of the records (summary.jq), the splat grouping of a kernel log (splats.awk
# with the shared pattern of scripts/vm/splat.sh) and DURATION's parsing.
# tests/fixtures/soak/inotify.json: the r10 runs of results/inotify (none and
# inotify, whose mkdir-rmdir and rename runs lose the known races);
# mixed.json: the same with an attach failure (inotify open-close), an
# overflow (inotify rename), a known race (fanotify-user walk mkdir-rmdir) and
# two runs invalid the same way that are not races they are known to lose
# (bpf-lsm walk and fanotify-user cache mkdir-rmdir).
. "$(dirname "$0")/../lib.sh"
S=$ROOT/scripts/soak
F=$ROOT/tests/fixtures/soak

# rec NAME FILE EXIT [WORKLOADS]: FILE's record, as soak.sh makes it, in $T/NAME.
rec() {
	jq -c --arg backend inotify --arg mode notify --arg workloads "${4:-open-close,create-unlink,mkdir-rmdir,rename}" \
		--argjson cycle 1 --argjson exit "$3" -f "$S/runs.jq" "$2" > "$T/$1"
}
# is NAME FILE JQ: pass when JQ holds of FILE, else fail showing FILE.
is() {
	if jq -e "$3" "$2" > /dev/null 2>&1; then pass "$1"; else fail "$1" "$(head -c 800 "$2")"; fi
}

rec races "$F/inotify.json" 1
is soak-runs-known-races "$T/races" '.runs == 8 and .valid == 6 and .invalid == 2 and .known_race == 2
	and .failures == [] and .by_backend.inotify.known_race == 2
	and .by_backend.inotify.reasons == {"N missing": 1, "N missing, N unexpected": 1}'
is soak-runs-events-attaches "$T/races" '.events == 117722 and .attach_detach == 44'

rec mixed "$F/mixed.json" 1
is soak-runs-unknown-failures "$T/mixed" '.runs == 11 and .valid == 5 and .invalid == 6 and .known_race == 2
	and ([.failures[].id] | sort) == ["bpf-lsm/walk/mkdir-rmdir/notify/r10/d4/h0.5",
		"fanotify-user/cache/mkdir-rmdir/notify/r10/d4/h0.5",
		"inotify/tag/open-close/notify/r10/d4/h0.5", "inotify/tag/rename/notify/r10/d4/h0.5"]'
is soak-runs-attach-failure-counts "$T/mixed" '.attach_detach == 69 and .events == 236939'

rec crashed "$F/inotify.json" 2
is soak-runs-exit-status "$T/crashed" '[.failures[].why] == ["run exited 2"]'
rec missing "$F/inotify.json" 1 open-close,outside-fs
is soak-runs-missing-workload "$T/missing" '[.failures[].id] == ["inotify/outside-fs/notify"]'
jq '.runs |= map(select(.oracle.valid))' "$F/inotify.json" > "$T/valid.json"
rec exit1 "$T/valid.json" 1 open-close
is soak-runs-exit1-all-valid "$T/exit1" '[.failures[].why] == ["run exited 1 with every run valid"]'

# summary.jq: the records of two runs, a storm, two scans and a splat.
meta='{"finished": true, "cycles": 2}'
{
	cat "$T/races" "$T/races"
	echo '{"type":"storm","cycle":1,"backend":"inotify","mode":"notify","exit":0,"events":40,"attach_detach":1,"inside_allowed_by_design":0,"failures":[]}'
	echo '{"type":"scan","cycle":0,"leaks":0,"file":null}'
	echo '{"type":"scan","cycle":2,"leaks":0,"file":null}'
} > "$T/records-pass"
jq -s --argjson meta "$meta" -f "$S/summary.jq" "$T/records-pass" > "$T/sum-pass" 2> "$T/sum.err" ||
	fail soak-summary "summary.jq failed: $(head -3 "$T/sum.err")"
is soak-summary-totals "$T/sum-pass" '.status == "pass" and .cycles == 2 and .runs.total == 16 and .runs.known_race == 4
	and .runs.by_backend.inotify.reasons["N missing"] == 2 and .runs.by_backend.none.runs == 8
	and .events_delivered == {"runs": 235444, "storms": 40, "total": 235484}
	and .attach_detach.total == 89 and .kmemleak.scans == 2 and .kmemleak.leaks == 0
	and .harness_revision == "068b292d35dc" and .box == "vm-icount"'
jq -s --argjson meta '{"finished": false}' -f "$S/summary.jq" "$T/records-pass" > "$T/sum-running"
is soak-summary-running "$T/sum-running" '.status == "running"'
{
	cat "$T/records-pass"
	echo '{"type":"scan","cycle":3,"leaks":2,"file":"raw/kmemleak-003.txt"}'
} > "$T/records-leak"
jq -s --argjson meta "$meta" -f "$S/summary.jq" "$T/records-leak" > "$T/sum-leak"
is soak-summary-leak-fails "$T/sum-leak" '.status == "fail" and .kmemleak.leaks == 2 and .kmemleak.reports == [{"cycle": 3, "leaks": 2, "file": "raw/kmemleak-003.txt"}]'
cat "$T/records-pass" "$T/mixed" > "$T/records-fail"
jq -s --argjson meta "$meta" -f "$S/summary.jq" "$T/records-fail" > "$T/sum-fail"
is soak-summary-failure-fails "$T/sum-fail" '.status == "fail" and .failures.count == 4 and .runs.known_race == 6'

# splats.awk: a WARNING with its backtrace is one splat, a KASAN report
# another, a backtrace far from any header a third; other lines none.
SPLAT_ERE=
. "$ROOT/scripts/vm/splat.sh"
{
	echo '[    1.0] virtio_net virtio0: ready'
	echo '[    2.0] WARNING: CPU: 1 PID: 42 at fs/notify/mark.c:123 fsnotify_put_mark+0x1/0x2'
	echo '[    2.1] Modules linked in: fanotify_subtree'
	echo '[    2.2] Call Trace:'
	echo '[    2.3]  <TASK>'
	i=0
	while [ $i -lt 70 ]; do echo "[    3.$i] ordinary line $i"; i=$((i + 1)); done
	echo '[    4.0] BUG: KASAN: slab-use-after-free in subtree_walk+0x10/0x20'
	i=0
	while [ $i -lt 70 ]; do echo "[    5.$i] ordinary line $i"; i=$((i + 1)); done
	echo '[    6.0] Call Trace:'
} > "$T/dmesg"
awk -v re="$SPLAT_ERE" -f "$S/splats.awk" "$T/dmesg" > "$T/splats"
if [ "$(cut -f1 "$T/splats" | sort -u | tr '\n' ' ')" = "1 2 3 " ] &&
	grep -q '^1	.*WARNING: CPU: 1' "$T/splats" && grep -q '^1	.*Call Trace' "$T/splats" &&
	grep -q '^2	.*BUG: KASAN' "$T/splats" && ! grep -q 'virtio_net' "$T/splats"; then
	pass soak-splats-grouped
else
	fail soak-splats-grouped "$(cat "$T/splats")"
fi
grep -v -e WARNING -e KASAN -e 'Call Trace' "$T/dmesg" | awk -v re="$SPLAT_ERE" -f "$S/splats.awk" > "$T/none"
if [ -s "$T/none" ]; then fail soak-splats-clean-log "$(head -3 "$T/none")"; else pass soak-splats-clean-log; fi

# DURATION
ok=1
for d in 90:90 90s:90 2m:120 1h:3600; do
	got=$(sh "$ROOT/scripts/soak.sh" --seconds "${d%%:*}" 2> /dev/null)
	[ "$got" = "${d#*:}" ] || { fail soak-duration "'${d%%:*}' gave '$got', not ${d#*:}"; ok=0; }
done
for d in 0 0m 2x 1.5h m 1hm -3 ''; do
	sh "$ROOT/scripts/soak.sh" --seconds "$d" > /dev/null 2> "$T/dur.err"
	st=$?
	{ [ $st -eq 2 ] && grep -q "DURATION '$d'" "$T/dur.err"; } ||
		{ fail soak-duration "'$d' exited $st: $(cat "$T/dur.err")"; ok=0; }
done
[ $ok = 1 ] && pass soak-duration
finish
