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
pass_run vm-run-bpf-pass-notify '.valid and .missing == 0 and .unexpected == 0 and .extra > 0 and .delivered == .expected + .extra'
pass_run vm-run-bpf-pass-deny '.valid and .delivered == 0 and .unexpected == 0' --mode deny
finish
