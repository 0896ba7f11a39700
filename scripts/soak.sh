#!/bin/sh
# Soak: attach and detach every backend again and again, under the workloads
# and rename storms, and watch the kernel for leaks and splats.
#
#   scripts/soak.sh DURATION OUT_DIR     (in the guest, as root; `make soak`)
#   scripts/soak.sh --seconds DURATION   prints DURATION in seconds
#
# DURATION: whole seconds, or with a suffix s, m or h (90, 2m, 1h). Until it
# has passed, cycle after cycle (a cycle started is finished), each:
#  - per backend `subtree-bench list` shows available in notify mode, a short
#    `subtree-bench run --backend B` of open-close, create-unlink,
#    mkdir-rmdir and rename; per backend available in deny mode, one of
#    open-close (the only deny workloads are the opens). Rules, depth,
#    strategies and seed rotate from cycle to cycle. Every run is judged by
#    the oracle: an invalid run the README names as a known race
#    (scripts/soak/runs.jq) is counted as such, any other is a failure.
#  - per backend and mode, a rename storm: `subtree-bench monitor` on a rule
#    while directories are moved into and out of it (scripts/soak.sh
#    --storm), opening files in them; in deny mode an open must fail inside
#    and succeed outside (fanotify-dirmarks marks the tree at attach only in
#    deny mode, so it allows the opens in a directory moved in: counted as
#    `inside_allowed_by_design`, not failed).
#  - no scratch mount of the harness left, no BPF program left loaded;
#    the kernel log since the start grepped for splats (scripts/vm/splat.sh,
#    the pattern of tests/kernel/guest.sh);
#  - after every SCAN_EVERY cycles, and at the end (twice, 6 s apart, as
#    guest.sh does: an object is reported once it is old enough), a kmemleak
#    scan when the kernel has kmemleak; its reports are then cleared, so
#    each is counted once.
# After each cycle OUT_DIR/summary.json is rewritten (atomically) from
# OUT_DIR/raw/records.jsonl by scripts/soak/summary.jq: results/soak/README.md
# says what it holds. OUT_DIR/raw/ keeps every run's results and log, the
# kernel log (dmesg-soak.txt) and any kmemleak report. OUT_DIR must be under
# a --share of the VM (the guest's root is read-only).
#
# Environment (SUBTREE_BENCH_* reaches the VM):
#   SUBTREE_BENCH_SOAK_OPS          --ops of each run (default 200)
#   SUBTREE_BENCH_SOAK_REPS         --reps of each run (default 2)
#   SUBTREE_BENCH_SOAK_SCAN_EVERY   cycles between kmemleak scans (default 1: on
#                                   the bench kernel a cycle takes 6 to 8 min
#                                   under TCG, longer on the debug one)
#   SUBTREE_BENCH_SOAK_STORM_ROUNDS rounds of each storm (default 10)
#   SUBTREE_BENCH_SOAK_BACKENDS     backends (default: every available one)
#   SUBTREE_BENCH_SOAK_VARIANT      the kernel variant, for the summary
#                                   (`make soak` sets it; else guessed:
#                                   debug when the kernel has kmemleak)
#   SUBTREE_BENCH                   the harness (default ./subtree-bench)
# Exit status: 0 no failure, leak or splat; 1 one of those; 2 bad arguments.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SELF=$ROOT/scripts/soak.sh
BIN=${SUBTREE_BENCH:-$ROOT/subtree-bench}
ME=soak.sh
KML=/sys/kernel/debug/kmemleak

die() {
	echo "$ME: $1" >&2
	exit "${2:-1}"
}

# seconds DURATION: DURATION in seconds, or nothing when it is not one.
seconds() {
	case $1 in
	'' | *[!0-9smh] | *[smh]?* | [smh]*) return 1 ;;
	*s) n=${1%s} m=1 ;;
	*m) n=${1%m} m=60 ;;
	*h) n=${1%h} m=3600 ;;
	*) n=$1 m=1 ;;
	esac
	case $n in '' | *[!0-9]*) return 1 ;; esac
	[ "$n" -gt 0 ] || return 1
	echo $((n * m))
}
bad_duration() { die "DURATION '$1': give whole seconds or a number with s, m or h (e.g. 90, 2m, 1h), more than 0" 2; }

# --storm DIR ROUNDS MODE: the command a storm monitors. Moves each DIR/out/mJ
# into DIR/rule and back ROUNDS times, opening its files each time; in deny
# mode writes to DIR/out/counts (outside the rule, so writable whatever the
# backend) the opens allowed inside and those denied outside.
if [ "${1:-}" = --storm ]; then
	d=$2 rounds=$3 mode=$4 i=0 inside=0 outside=0
	while [ "$i" -lt "$rounds" ]; do
		for m in "$d"/out/m*; do
			n=${m##*/}
			mv "$d/out/$n" "$d/rule/$n" || exit 1
			if [ "$mode" = notify ]; then
				cat "$d/rule/$n/f" "$d/rule/$n/sub/g" > /dev/null || exit 1
				: > "$d/rule/$n/sub/t$i" && rm "$d/rule/$n/sub/t$i" || exit 1
			elif cat "$d/rule/$n/f" > /dev/null 2>&1; then
				inside=$((inside + 1))
			fi
			mv "$d/rule/$n" "$d/out/$n" || exit 1
			if [ "$mode" = notify ]; then
				cat "$d/out/$n/f" > /dev/null || exit 1
			elif ! cat "$d/out/$n/f" > /dev/null 2>&1; then
				outside=$((outside + 1))
			fi
		done
		i=$((i + 1))
	done
	echo "$inside $outside" > "$d/out/counts"
	exit 0
fi

if [ "${1:-}" = --seconds ]; then
	[ $# -eq 2 ] || die "usage: scripts/soak.sh --seconds DURATION" 2
	seconds "$2" || bad_duration "$2"
	exit 0
fi

[ $# -eq 2 ] || die "usage: scripts/soak.sh DURATION OUT_DIR (as root, in the bench VM: make soak)" 2
DUR=$(seconds "$1") || bad_duration "$1"
DUR_ARG=$1
OUT=$2
num() {
	case $2 in '' | *[!0-9]* | 0) die "$1 '$2': give a whole number, at least 1" 2 ;; esac
}
OPS=${SUBTREE_BENCH_SOAK_OPS:-200}
num SUBTREE_BENCH_SOAK_OPS "$OPS"
REPS=${SUBTREE_BENCH_SOAK_REPS:-2}
num SUBTREE_BENCH_SOAK_REPS "$REPS"
SCAN_EVERY=${SUBTREE_BENCH_SOAK_SCAN_EVERY:-1}
num SUBTREE_BENCH_SOAK_SCAN_EVERY "$SCAN_EVERY"
ROUNDS=${SUBTREE_BENCH_SOAK_STORM_ROUNDS:-10}
num SUBTREE_BENCH_SOAK_STORM_ROUNDS "$ROUNDS"

[ "$(id -u)" = 0 ] || die "run as root: the backends need CAP_SYS_ADMIN, the scans debugfs" 2
[ -x "$BIN" ] || die "$BIN not found or not executable; fix: run 'make build' first" 2
for tool in jq awk dmesg; do
	command -v "$tool" > /dev/null 2>&1 || die "'$tool' not found; fix: install it (scripts/deps.sh)" 2
done
mkdir -p "$OUT/raw" || die "cannot create '$OUT/raw' (in the VM: OUT_DIR must be under a --share)" 2
OUT=$(cd "$OUT" && pwd)
RAW=$OUT/raw
touch "$RAW/.write-test" 2> /dev/null || die "'$RAW' is not writable (in the VM: OUT_DIR must be under a --share)" 2
rm -f "$RAW/.write-test"
# SPLAT_ERE
# shellcheck source=scripts/vm/splat.sh
. "$ROOT/scripts/vm/splat.sh"

"$BIN" list > "$RAW/list.txt" 2>&1 || die "subtree-bench list failed: $(tail -2 "$RAW/list.txt")" 1
avail() {
	awk -v m="$1" '$1 == "backend" && $3 == m && $4 == "available" && $2 != "none" { print $2 }' "$RAW/list.txt"
}
pick() {
	for b in $(avail "$1"); do
		if [ -z "${SUBTREE_BENCH_SOAK_BACKENDS:-}" ]; then echo "$b"; continue; fi
		case " $SUBTREE_BENCH_SOAK_BACKENDS " in *" $b "*) echo "$b" ;; esac
	done
}
for b in ${SUBTREE_BENCH_SOAK_BACKENDS:-}; do
	avail notify | grep -qx -- "$b" || avail deny | grep -qx -- "$b" ||
		die "backend '$b' in SUBTREE_BENCH_SOAK_BACKENDS is not available here (see $RAW/list.txt)" 2
done
NOTIFY=$(pick notify | paste -sd" " -)
DENY=$(pick deny | paste -sd" " -)
[ -n "$NOTIFY$DENY" ] || die "no backend available ('subtree-bench list': $RAW/list.txt)" 1

if [ -w "$KML" ]; then
	KMEMLEAK=true
else
	KMEMLEAK=false
fi
VARIANT=${SUBTREE_BENCH_SOAK_VARIANT:-$([ "$KMEMLEAK" = true ] && echo debug || echo bench)}
# A debug soak that cannot scan would report 0 leaks it never looked for.
if [ "$VARIANT" = debug ] && [ "$KMEMLEAK" = false ]; then
	die "the debug kernel has no writable $KML (is debugfs mounted at /sys/kernel/debug? kmemleak=off?): no leak scan could run" 2
fi

# What an earlier soak left would be counted with this one (removed once
# the arguments are known good).
rm -f "$RAW"/cycle-* "$RAW"/kmemleak-* "$RAW"/records.jsonl "$RAW"/dmesg-*.txt "$OUT/summary.json"
RECORDS=$RAW/records.jsonl
: > "$RECORDS"

# Nothing a run leaves behind survives: the storm's directories are removed.
STORM_DIR=
trap 'st=$?; trap - EXIT; [ -n "$STORM_DIR" ] && rm -rf "$STORM_DIR"; exit $st' EXIT
trap 'echo "$ME: interrupted" >&2; exit 130' INT
trap 'echo "$ME: terminated" >&2; exit 143' TERM

# The kernel log up to now is the boot's, kept apart; from here it is the soak's.
dmesg > "$RAW/dmesg-boot.txt" 2>&1
dmesg -c > /dev/null 2>&1 || die "cannot clear the kernel log (dmesg -c): run as root" 2
: > "$RAW/dmesg-soak.txt"

bpf_progs() {
	if command -v bpftool > /dev/null 2>&1; then
		bpftool prog show 2> /dev/null | grep -c '^[0-9]*:'
	else
		echo -
	fi
}
PROGS0=$(bpf_progs)

START=$(date +%s)
START_ISO=$(date -u +%Y-%m-%dT%H:%M:%SZ)
CYCLES=0

summary() {
	now=$(date +%s)
	meta=$(jq -n -c --arg start "$START_ISO" --arg stop "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
		--arg asked "$DUR_ARG" --argjson asked_s "$DUR" --argjson done_s $((now - START)) \
		--arg release "$(uname -r)" --arg build "$(uname -v)" --arg variant "$VARIANT" \
		--argjson kmemleak "$KMEMLEAK" --argjson cycles "$CYCLES" --argjson finished "$1" \
		--arg notify "$NOTIFY" --arg deny "$DENY" \
		--argjson ops "$OPS" --argjson reps "$REPS" --argjson scan_every "$SCAN_EVERY" \
		--argjson rounds "$ROUNDS" --arg progs0 "$PROGS0" '{
			start: $start, "end": $stop, finished: $finished,
			duration_asked: $asked, duration_asked_s: $asked_s, duration_done_s: $done_s,
			kernel: {release: $release, build: $build, variant: $variant, kmemleak: $kmemleak},
			cycles: $cycles,
			backends: {notify: ($notify | split(" ") | map(select(. != ""))),
				deny: ($deny | split(" ") | map(select(. != "")))},
			settings: {ops: $ops, reps: $reps, count_reps: 1, scan_every: $scan_every,
				storm_rounds: $rounds},
			bpf_programs_at_start: (if $progs0 == "-" then "not checked: no bpftool" else ($progs0 | tonumber) end),
			storms_skipped: (if $deny | split(" ") | index("landlock") then {"landlock/deny": "a command under Landlock cannot move a file to another directory (the ruleset does not handle LANDLOCK_ACCESS_FS_REFER, so the kernel refuses every reparenting rename with EXDEV)"} else {} end)
		}')
	jq -s --argjson meta "$meta" -f "$ROOT/scripts/soak/summary.jq" "$RECORDS" > "$OUT/summary.json.tmp" &&
		mv "$OUT/summary.json.tmp" "$OUT/summary.json"
}

# failure TYPE CYCLE ID WHY: a record of one failure.
failure() {
	jq -n -c --arg type "$1" --argjson cycle "$2" --arg id "$3" --arg why "$4" \
		'{type: $type, cycle: $cycle, failures: [{cycle: $cycle, id: $id, why: $why}]}' >> "$RECORDS"
}

# run_one MODE BACKEND WORKLOADS
run_one() {
	f=$RAW/cycle-$C-run-$1-$2.json
	"$BIN" run --backend "$2" --mode "$1" --workload "$3" --strategy "$STRATEGIES" \
		--rules "$RULES" --depth "$DEPTH" --ops "$OPS" --reps "$REPS" --count-reps 1 \
		--seed "$CYCLES" --out "$f" > "${f%.json}.log" 2>&1
	st=$?
	if ! jq -c --arg backend "$2" --arg mode "$1" --arg workloads "$3" --argjson cycle "$CYCLES" \
		--argjson exit "$st" -f "$ROOT/scripts/soak/runs.jq" "$f" >> "$RECORDS" 2> /dev/null; then
		failure run "$CYCLES" "$2/$1" "run exited $st with no readable results: $(tail -n 2 "${f%.json}.log" | tr '\n' ' ')"
	fi
}

# storm MODE BACKEND
storm() {
	STORM_DIR=$(mktemp -d /tmp/sb-soak-storm.XXXXXX) || die "mktemp failed" 1
	mkdir "$STORM_DIR/rule" "$STORM_DIR/out"
	for j in 1 2 3 4; do
		mkdir -p "$STORM_DIR/out/m$j/sub"
		echo x > "$STORM_DIR/out/m$j/f"
		echo x > "$STORM_DIR/out/m$j/sub/g"
	done
	log=$RAW/cycle-$C-storm-$1-$2
	"$BIN" monitor --backend "$2" --mode "$1" --rule "$STORM_DIR/rule" -- \
		sh "$SELF" --storm "$STORM_DIR" "$ROUNDS" "$1" > "$log.events" 2> "$log.log"
	st=$?
	# the storm's counts: opens allowed inside, denied outside
	# shellcheck disable=SC2046 # two numbers
	set -- "$1" "$2" $(cat "$STORM_DIR/out/counts" 2> /dev/null || echo 0 0)
	rm -rf "$STORM_DIR"
	STORM_DIR=
	events=$(grep -c . "$log.events")
	why=
	if [ "$st" -ne 0 ]; then
		why="monitor exited $st: $(tail -n 2 "$log.log" | tr '\n' ' ')"
	elif ! jq . "$log.events" > /dev/null 2>&1; then
		why="monitor printed a line that is not JSON: $(grep -v '^{' "$log.events" | head -n 1)"
	elif [ "$1" = notify ] && [ "$events" -eq 0 ]; then
		why="no event delivered for $ROUNDS rounds of moves and opens in the rule"
	elif [ "$4" -gt 0 ]; then
		why="$4 opens denied outside the rule just after a directory was moved out"
	elif [ "$3" -gt 0 ] && [ "$2" != fanotify-dirmarks ]; then
		why="$3 opens allowed inside the rule just after a directory was moved in"
	fi
	# dirmarks deny marks at attach only (permission groups cannot have fid
	# reporting, which following new directories needs): by design.
	known=0
	[ "$2" = fanotify-dirmarks ] && known=$3
	jq -n -c --argjson cycle "$CYCLES" --arg backend "$2" --arg mode "$1" --argjson exit "$st" \
		--argjson events "$events" --argjson known "$known" --arg why "$why" '{
			type: "storm", cycle: $cycle, backend: $backend, mode: $mode, exit: $exit,
			events: $events, attach_detach: 1, inside_allowed_by_design: $known,
			failures: (if $why == "" then [] else [{cycle: $cycle, id: "storm/\($backend)/\($mode)", why: $why}] end)
		}' >> "$RECORDS"
}

# After a cycle the box is as before it: no scratch mount, no BPF program.
leftovers() {
	if grep -q ' /tmp/subtree-bench\.' /proc/self/mounts; then
		failure check "$CYCLES" mounts "scratch mounts left: $(grep ' /tmp/subtree-bench\.' /proc/self/mounts | cut -d' ' -f2 | tr '\n' ' ')"
	fi
	[ "$PROGS0" = - ] && return
	# A program is freed a grace period after its last reference: wait a little.
	tries=0
	while [ "$(bpf_progs)" -gt "$PROGS0" ] && [ $tries -lt 10 ]; do
		sleep 0.5
		tries=$((tries + 1))
	done
	now=$(bpf_progs)
	[ "$now" -gt "$PROGS0" ] && failure check "$CYCLES" bpf "$((now - PROGS0)) BPF programs left loaded (bpftool prog show)"
}

# splats: the kernel log since the last look, appended to dmesg-soak.txt;
# its splats (the first lines of each) become a record.
splats() {
	dmesg -c > "$RAW/dmesg-new.txt" 2>&1
	cat "$RAW/dmesg-new.txt" >> "$RAW/dmesg-soak.txt"
	awk -v re="$SPLAT_ERE" -f "$ROOT/scripts/soak/splats.awk" "$RAW/dmesg-new.txt" |
		jq -R -s -c --argjson cycle "$CYCLES" 'split("\n") | map(select(length > 0) | split("\t"))
			| group_by(.[0] | tonumber) | map({cycle: $cycle, lines: map(.[1:] | join("\t"))})
			| select(length > 0) | {type: "splats", cycle: $cycle, splats: .}' >> "$RECORDS"
	rm -f "$RAW/dmesg-new.txt"
}

# kmemleak_scan [final]: scan (the final one twice, 6 s apart), count the
# reports, keep them, clear them.
kmemleak_scan() {
	[ "$KMEMLEAK" = true ] || return 0
	if ! echo scan > "$KML" || { [ "${1:-}" = final ] && sleep 6 && ! echo scan > "$KML"; }; then
		failure scan "$CYCLES" kmemleak "writing scan to $KML failed (kmemleak disabled after an error? see raw/dmesg-soak.txt)"
		return
	fi
	k=$RAW/kmemleak-$C.txt
	cat "$KML" > "$k"
	leaks=$(grep -c '^unreferenced object' "$k")
	[ "$leaks" -gt 0 ] || rm -f "$k"
	echo clear > "$KML"
	jq -n -c --argjson cycle "$CYCLES" --argjson leaks "$leaks" --arg file "raw/${k##*/}" \
		'{type: "scan", cycle: $cycle, leaks: $leaks, file: (if $leaks > 0 then $file else null end)}' >> "$RECORDS"
}

echo "$ME: $DUR_ARG on $(uname -r) ($VARIANT, kmemleak $KMEMLEAK); notify: $NOTIFY; deny: $DENY"
# Before the first cycle: what the boot leaked is counted too, as cycle 0.
C=000
kmemleak_scan
summary false
set -- "walk,tag" "loop,cache,kfunc,tag"
while [ $(($(date +%s) - START)) -lt "$DUR" ]; do
	CYCLES=$((CYCLES + 1))
	C=$(printf %03d "$CYCLES")
	# rotate: rules 1, 4, 16; depth 1, 3, 8 (every pair in 9 cycles); the
	# strategies each backend has, two sets
	RULES=$(echo "1 4 16" | cut -d' ' -f$(((CYCLES - 1) % 3 + 1)))
	DEPTH=$(echo "1 3 8" | cut -d' ' -f$(((CYCLES - 1) / 3 % 3 + 1)))
	if [ $((CYCLES % 2)) = 1 ]; then STRATEGIES=$1; else STRATEGIES=$2; fi
	for b in $NOTIFY; do run_one notify "$b" open-close,create-unlink,mkdir-rmdir,rename; done
	for b in $DENY; do run_one deny "$b" open-close; done
	for b in $NOTIFY; do storm notify "$b"; done
	for b in $DENY; do [ "$b" = landlock ] || storm deny "$b"; done
	leftovers
	splats
	[ $((CYCLES % SCAN_EVERY)) = 0 ] && kmemleak_scan
	summary false
	echo "$ME: cycle $CYCLES done at $(($(date +%s) - START)) s: $(jq -c '{runs: .runs.total, known_race: .runs.known_race, failures: .failures.count, leaks: .kmemleak.leaks, splats: .splats.count}' "$OUT/summary.json")"
done
C=end
kmemleak_scan final
splats
summary true
jq -r '"soak.sh: \(.status): \(.cycles) cycles in \(.duration_done_s) s, \(.runs.total) runs (\(.runs.valid) valid, \(.runs.known_race) known races), \(.storms.total) storms, \(.events_delivered.total) events, \(.attach_detach.total) attach/detach cycles, \(.kmemleak.scans) kmemleak scans, \(.kmemleak.leaks) leaks, \(.splats.count) splats, \(.failures.count) failures"' "$OUT/summary.json"
jq -r '.failures.first[] | "  failure: cycle \(.cycle) \(.id): \(.why)"' "$OUT/summary.json"
[ "$(jq -r .status "$OUT/summary.json")" = pass ]
