#!/bin/sh
# A small `run --backend all` in the bench VM passes the oracle, in notify
# mode (every workload each backend is correct on) and in deny mode, and
# the results come back to the host with box "vm".
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1

vm_run() {
	name=$1
	shift
	"$BIN" run --box vm --rules 4 --depth 3 --ops 200 --reps 2 "$@" > "$T/$name.out" 2> "$T/$name.err"
	st=$?
	if [ $st -ne 0 ]; then
		fail "$name" "exit $st: $(grep -E 'INVALID RUN|run:|guest' "$T/$name.err" | head -4 | tr '\n' ' ')"
		return 1
	fi
	return 0
}

# valid_all NAME FILE BACKEND...: every run valid, box vm, each backend there.
valid_all() {
	name=$1 file=$2
	shift 2
	if ! jq -e '.box.kind == "vm" and ([.runs[] | .oracle.valid] | all)' "$file" > /dev/null; then
		fail "$name" "$(jq -c '.box.kind, [.runs[] | select(.oracle.valid | not) | {id, why: .oracle.why}]' "$file")"
		return
	fi
	for b in "$@"; do
		jq -e --arg b "$b" '[.runs[] | select(.backend == $b)] | length > 0' "$file" > /dev/null ||
			{ fail "$name" "no run of $b"; return; }
	done
	pass "$name"
}

ALL="none fanotify-user fanotify-dirmarks fanotify-kmod fanotify-bpf bpf-lsm bpf-fentry inotify"
if vm_run vm-run-notify --backend all --strategy walk,loop,cache,tag,kfunc \
	--workload open-close,create-unlink,outside-fs --out "$T/notify.json"; then
	valid_all vm-run-notify "$T/notify.json" $ALL
fi
# rename and mkdir-rmdir: the kernel-side backends (tag too: every rename
# makes its tags stale) and fanotify-user/cache follow the tree exactly
# (dirmarks and path lookups race, see README).
# fanotify-user walk/loop lose the events of directories deleted before they
# look them up, so this run exits 1: judge it from the results.
"$BIN" run --box vm --rules 4 --depth 3 --ops 200 --reps 2 --backend bpf-lsm,bpf-fentry,fanotify-kmod,fanotify-bpf,fanotify-user \
	--strategy walk,loop,cache,tag,kfunc --workload rename,mkdir-rmdir --out "$T/tree.json" > /dev/null 2> "$T/tree.err"
if ! jq -e '.runs | length == 32' "$T/tree.json" > /dev/null 2>&1; then
	fail vm-run-tree-changes-valid "not every run measured: $(tail -3 "$T/tree.err")"
else
	if jq -e '[.runs[] | select(.backend != "fanotify-user" or .strategy == "cache" or .workload == "rename") | .oracle.valid] | all' "$T/tree.json" > /dev/null; then
		pass vm-run-tree-changes-valid
	else
		fail vm-run-tree-changes-valid "$(jq -c '[.runs[] | select(.oracle.valid | not) | {id, why: .oracle.why}]' "$T/tree.json")"
	fi
fi
if vm_run vm-run-deny --mode deny --backend all --strategy walk,tag,kfunc --workload open-close,outside-fs --out "$T/deny.json"; then
	valid_all vm-run-deny "$T/deny.json" none fanotify-user fanotify-dirmarks fanotify-kmod fanotify-bpf bpf-lsm landlock
fi
# rename-storm in deny mode: every kernel filter, walk and tag, denies each
# open after a move in and allows each after a move out (a stale verdict
# fails it either way): two repetitions and the counting pass, 300 opens in
# scope per run, each denied.
if vm_run vm-run-rename-storm-deny --mode deny --backend fanotify-kmod,fanotify-bpf,bpf-lsm --strategy walk,tag \
	--workload rename-storm --out "$T/storm-deny.json"; then
	if jq -e '(.runs | length) == 7 and
		([.runs[] | select(.backend != "none") | .oracle.expected == 300 and .oracle.missing == 0] | all)' \
		"$T/storm-deny.json" > /dev/null 2>&1; then
		valid_all vm-run-rename-storm-deny "$T/storm-deny.json" none fanotify-kmod fanotify-bpf bpf-lsm
	else
		fail vm-run-rename-storm-deny "$(jq -c '[.runs[] | {id, oracle}]' "$T/storm-deny.json")"
	fi
fi
# pass (fanotify-bpf) is the plumbing alone, no scope: in notify mode it
# sends every event on (each in-scope one once, each out-of-scope one once,
# counted as extra), in deny mode it allows every open (no EPERM at all).
# The oracle judges a pass run by that: valid, and the counts say why.
pass_run() {
	name=$1 want=$2
	shift 2
	"$BIN" run --box vm --rules 4 --depth 3 --ops 200 --reps 1 --backend fanotify-bpf \
		--strategy pass --workload open-close --hit-ratio 0.5 "$@" --out "$T/$name.json" \
		> /dev/null 2> "$T/$name.err"
	if jq -e "[.runs[] | select(.backend == \"fanotify-bpf\")] | length == 1 and
		(.[0].oracle | .expected > 0 and $want)" "$T/$name.json" > /dev/null 2>&1; then
		pass "$name"
	else
		fail "$name" "$(jq -c '[.runs[] | .oracle]' "$T/$name.json" 2>/dev/null || tail -3 "$T/$name.err")"
	fi
}
# kmem: the counting pass reads an attach's kernel memory (bench/kmem.h):
# from a memory cgroup of its own where the kernel has one (dirmarks' marks
# are accounted: the fanotify_mark cache has SLAB_ACCOUNT; bpf-lsm's maps
# are charged to the cgroup that creates them), else from the whole
# kernel's /proc/meminfo, which on this quiet guest is the attach's alone.
# Either way 1,000 rules cost dirmarks more than 10, and bpf-lsm's maps are
# more than nothing (and their fdinfo reports their size: map_bytes).
"$BIN" run --box vm --rules 10,1000 --depth 3 --ops 200 --reps 1 --count-reps 1 \
	--backend fanotify-dirmarks,bpf-lsm --strategy fanotify-dirmarks:tag,bpf-lsm:walk \
	--workload open-close --out "$T/kmem.json" > /dev/null 2> "$T/kmem.err"
# attach BACKEND RULES: its counting repetition's kmem.attach_bytes, or null
attach() {
	jq -r --arg b "$1" --argjson r "$2" \
		'[.runs[] | select(.backend == $b and .rules == $r) | .counting_detail[0].kmem.attach_bytes][0]' \
		"$T/kmem.json" 2>/dev/null
}
why=$(jq -r '.box.kmem_why // ""' "$T/kmem.json" 2>/dev/null)
method=$(jq -r '[.runs[] | .counting_detail[0].kmem.method // empty][0] // "none"' "$T/kmem.json" 2>/dev/null)
maps=$(jq -r '[.runs[] | select(.backend == "bpf-lsm" and .rules == 1000) | .counting_detail[0].map_bytes][0]' \
	"$T/kmem.json" 2>/dev/null)
d10=$(attach fanotify-dirmarks 10) d1000=$(attach fanotify-dirmarks 1000) l1000=$(attach bpf-lsm 1000)
case $method in
none)
	fail vm-run-kmem "no kernel memory figures: ${why:-$(tail -3 "$T/kmem.err")}" ;;
*)
	if [ "${d10:-null}" != null ] && [ "${d1000:-null}" != null ] && [ "${l1000:-null}" != null ] &&
		[ "$d1000" -gt 0 ] && [ "$l1000" -gt 0 ] && [ "$d1000" -gt "$d10" ] &&
		[ "${maps:-null}" != null ] && [ "$maps" -gt 0 ]; then
		pass "vm-run-kmem ($method; attach: dirmarks $d10 B at 10 rules, $d1000 B at 1000; bpf-lsm/walk $l1000 B at 1000, its maps $maps B)"
	else
		fail vm-run-kmem "$method: dirmarks r10 $d10, r1000 $d1000, bpf-lsm r1000 $l1000 bytes (maps $maps); ${why:-$(tail -3 "$T/kmem.err")}"
	fi ;;
esac
# marks, with or without a memory controller: dirmarks marks every directory
# of each sub-tree (at least its rule roots), bpf-lsm holds no group.
marks() {
	jq -r --arg b "$1" --argjson r "$2" \
		'[.runs[] | select(.backend == $b and .rules == $r) | .counting_detail[0].marks][0]' \
		"$T/kmem.json" 2>/dev/null
}
m10=$(marks fanotify-dirmarks 10) m1000=$(marks fanotify-dirmarks 1000) ml=$(marks bpf-lsm 1000)
if [ "${m10:-null}" != null ] && [ "${m1000:-null}" != null ] && [ "$m10" -ge 10 ] &&
	[ "$m1000" -ge 1000 ] && [ "$m1000" -gt "$m10" ] && [ "$ml" = null ]; then
	pass "vm-run-marks (dirmarks $m10 at 10 rules, $m1000 at 1000; bpf-lsm none)"
else
	fail vm-run-marks "dirmarks r10 $m10, r1000 $m1000, bpf-lsm $ml; $(tail -3 "$T/kmem.err")"
fi
pass_run vm-run-bpf-pass-notify '.valid and .missing == 0 and .unexpected == 0 and .extra > 0 and .delivered == .expected + .extra'
pass_run vm-run-bpf-pass-deny '.valid and .delivered == 0 and .unexpected == 0' --mode deny
finish
