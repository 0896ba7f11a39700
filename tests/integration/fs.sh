#!/bin/sh
# `run --fs` and `monitor` on ext4, xfs, a btrfs subvolume and an overlay:
# every run the oracle checks is valid (rename and mkdir-rmdir are left out:
# dirmarks and fanotify-user/walk lose events there on every fs, tmpfs too),
# and a backend the kernel refuses on a filesystem is reported with the
# kernel's reason (SKIP, naming it). A run killed with SIGKILL leaves mounts
# and loop devices that the next run reaps.
# Runs on the host (the filesystems its kernel has) and, from tests/guest/fs.sh,
# in the bench VM with every backend: FS, BACKENDS (backend:strategy list for
# monitor) and RUN_BACKENDS (for run) override the defaults.
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1

has_fs() { grep -qw "$1" /proc/filesystems || modprobe -q "$1" 2>/dev/null; }
if [ -z "${FS:-}" ]; then
	FS=""
	for f in ext4 xfs btrfs overlay; do
		if has_fs "$f"; then FS="$FS $f"; else echo "SKIP fs-$f: not in this kernel's /proc/filesystems"; fi
	done
fi
BACKENDS=${BACKENDS:-"fanotify-user:walk fanotify-user:cache fanotify-dirmarks:tag inotify:tag"}
RUN_BACKENDS=${RUN_BACKENDS:-fanotify-user,fanotify-dirmarks,inotify}
# all: every backend this box runs in notify mode, by name (the checks go per backend).
if [ "$RUN_BACKENDS" = all ]; then
	RUN_BACKENDS=$("$BIN" list 2> /dev/null | awk '$1 == "backend" && $2 != "none" && $3 == "notify" && $4 == "available" { printf "%s%s", s, $2; s = "," }')
fi
# What a kernel that will not attach says: the pair is reported, not a failure.
REFUSED='Invalid cross-device link|Operation not supported|EXDEV|EOPNOTSUPP'

no_loops() { ! grep -qs '^/tmp/subtree-bench\.' /sys/block/loop*/loop/backing_file; }

# run: every backend on every workload kind; each run valid, ids and fs field right.
for fs in $FS; do
	"$BIN" run --backend "$RUN_BACKENDS" --strategy walk,loop,cache,tag \
		--workload open-close,create-unlink --rules 4 --depth 3 --ops 200 --reps 2 \
		--fs "$fs" --out "$fs.json" > "$fs.out" 2> "$fs.err"
	st=$?
	if [ ! -s "$fs.json" ]; then
		fail "fs-run-$fs" "exit $st, no results: $(grep -v '^\[' "$fs.err" | tail -3 | tr '\n' ' ')"
		continue
	fi
	bad=$(jq -c '[.runs[] | select(.oracle.valid != true) | {id, why: .oracle.why}]' "$fs.json")
	if [ "$bad" != "[]" ]; then
		# A failure the oracle names is the backend's on this fs: report it, by name.
		fail "fs-run-$fs" "exit $st, invalid runs: $bad"
	elif [ $st -ne 0 ]; then
		fail "fs-run-$fs" "exit $st: $(grep -v '^\[' "$fs.err" | tail -3 | tr '\n' ' ')"
	elif ! jq -e --arg fs "$fs" '(.runs | length) > 0 and
			(.runs | all(.fs == $fs and (.id | endswith("/fs-" + $fs))))' "$fs.json" > /dev/null; then
		fail "fs-run-$fs" "ids or fs field wrong: $(jq -c '[.runs[0] | {id, fs}]' "$fs.json")"
	else
		pass "fs-run-$fs"
	fi
	for b in $(echo "$RUN_BACKENDS" | tr ',' ' '); do
		n=$(jq --arg b "$b" '[.runs[] | select(.backend == $b and .oracle.valid)] | length' "$fs.json")
		why=$(jq -r --arg b "$b" '[(.unavailable_on_fs // [])[] | select(.backend == $b) |
			"\(.strategy) \(.mode): \(.reason)"] | join("; ")' "$fs.json")
		if [ -n "$why" ]; then
			if echo "$why" | grep -Eq "$REFUSED"; then
				echo "SKIP fs-run-$fs-$b: $n valid run(s); refused: $why"
			else
				fail "fs-run-$fs-$b" "unavailable without the kernel's reason: $why"
			fi
		elif [ "$n" -gt 0 ]; then
			pass "fs-run-$fs-$b"
		else
			fail "fs-run-$fs-$b" "no valid run: $(jq -r --arg b "$b" '[.runs[] | select(.backend == $b) | "\(.id): \(.oracle.why)"][0]' "$fs.json")"
		fi
	done
done
check fs-run-no-mounts-left no_scratch_mounts
check fs-run-no-loops-left no_loops

# monitor: on a filesystem made by hand, as a user has it.
mkfs_mount() {
	fs=$1 mnt=$2
	mkdir -p "$mnt"
	case $fs in
	overlay)
		mkdir -p "$T/ovl" && mount -t tmpfs ovl "$T/ovl" && mkdir "$T/ovl/l" "$T/ovl/u" "$T/ovl/w" &&
			mount -t overlay ovl -o "lowerdir=$T/ovl/l,upperdir=$T/ovl/u,workdir=$T/ovl/w" "$mnt" ;;
	*)
		truncate -s 1G "$T/$fs.img" && "mkfs.$fs" -q "$T/$fs.img" > "$T/mkfs.out" 2>&1 &&
			mount -o loop "$T/$fs.img" "$mnt" ;;
	esac || return 1
	if [ "$fs" = btrfs ]; then
		btrfs -q subvolume create "$mnt/sv" > /dev/null && mkdir "$mnt/sv/r"
	else
		mkdir "$mnt/r"
	fi
}
umount_fs() {
	umount "$1" 2>/dev/null
	umount "$T/ovl" 2>/dev/null
	rm -f "$T"/*.img
}
for fs in $FS; do
	mnt=$T/mnt-$fs
	at_exit "umount -l '$mnt' 2>/dev/null; umount -l '$T/ovl' 2>/dev/null"
	if ! mkfs_mount "$fs" "$mnt"; then
		fail "fs-monitor-$fs" "cannot make and mount $fs: $(tail -2 "$T/mkfs.out" 2>/dev/null)"
		continue
	fi
	r=$mnt/r
	[ "$fs" = btrfs ] && r=$mnt/sv/r
	for bs in $BACKENDS; do
		b=${bs%:*} s=${bs#*:}
		name=fs-monitor-$fs-$b-$s
		"$BIN" monitor --backend "$b" --strategy "$s" --rule "$r" -- \
			sh -c "echo hi > '$r/x-$b-$s'; cat '$r/x-$b-$s' > /dev/null; echo > '$mnt/outside-x'" \
			> "$name.out" 2> "$name.err"
		st=$?
		if [ $st -ne 0 ]; then
			if grep -Eq "$REFUSED" "$name.err"; then
				echo "SKIP $name: refused: $(grep -E "$REFUSED" "$name.err" | head -1)"
			else
				fail "$name" "exit $st: $(tail -2 "$name.err" | tr '\n' ' ')"
			fi
		elif grep -q "\"event\":\"create\".*\"name\":\"x-$b-$s\"" "$name.out" &&
		     grep -q "\"event\":\"open\".*\"name\":\"x-$b-$s\"" "$name.out" &&
		     ! grep -q 'outside-x' "$name.out"; then
			pass "$name"
		else
			fail "$name" "want create and open of x only: $(head -c 300 "$name.out" | tr '\n' ' ')"
		fi
	done
	umount_fs "$mnt"
done

# A run killed with SIGKILL: the next run unmounts, detaches and removes what it left.
# (Not in the bench VM: its scratch paths are fixed, with no pid to tell a dead run by.)
first=$(echo "$FS" | awk '{print $1}')
if [ "${KILL_TEST:-1}" = 1 ] && [ -n "$first" ] && [ "$first" != overlay ]; then
	"$BIN" run --backend none --workload open-close --rules 100 --depth 8 --ops 200000 --reps 50 \
		--fs "$first" --out killed.json > /dev/null 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 200 ] && ! grep -qs "subtree-bench\.$pid\..*/monitored " /proc/self/mounts; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL $pid
	wait $pid 2> /dev/null
	"$BIN" list > list.out 2> list.err
	if grep -q "left by run $pid" list.err && no_scratch_mounts && no_loops &&
	   ! ls -d /tmp/subtree-bench."$pid".* > /dev/null 2>&1; then
		pass "fs-killed-run-reaped"
	else
		fail "fs-killed-run-reaped" "left: $(grep "subtree-bench.$pid" /proc/self/mounts | head -2 | tr '\n' ' ') $(cat list.err | head -3 | tr '\n' ' ')"
	fi
fi
finish
