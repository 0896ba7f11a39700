#!/bin/sh
# PID 1 of the subtree-bench guest (booted by scripts/vm/run.sh with
# init=<this file> from the host root, shared read-only over 9p).
#
# Sets up the pseudo filesystems, mounts the per-run private share (tag
# "sbpriv") at /run/subtree-bench and every --share at its host path, runs
# the command written by run.sh (cmd.sh: environment, cwd, argv) with
# stdout/stderr into files of the private share, records its exit status
# there, and powers the guest off (QEMU runs with -no-reboot and exits).
#
# Files of the private share (written by run.sh unless noted):
#   cmd.sh       the command, run with `env -i /bin/sh cmd.sh`
#   shares       one "TAG PATH" line per --share
#   interactive  present: run the command on /dev/ttyS1 (the host terminal)
#   stdout, stderr, status   written here

PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

if [ "$$" != 1 ]; then
	echo "init.sh: this is the subtree-bench guest's init (PID 1), not a host command" >&2
	exit 2
fi

P=/run/subtree-bench
NINEP=trans=virtio,version=9p2000.L,msize=524288

log() { echo "subtree-bench init: $*" >/dev/console 2>/dev/null || :; }

poweroff_now() {
	sync
	echo o >/proc/sysrq-trigger
	# The power-off is asynchronous; PID 1 must not exit meanwhile (panic).
	while :; do sleep 1; done
}

mounted() { grep -q "^[^ ]* $1 " /proc/mounts; }

# mnt TYPE SOURCE DIR [OPTIONS]: mount unless already mounted there.
mnt() {
	[ -d "$3" ] || return 0
	mounted "$3" && return 0
	mount -t "$1" ${4:+-o "$4"} "$2" "$3" || log "cannot mount $1 on $3"
}

mount -t proc -o nosuid,nodev,noexec proc /proc
mnt sysfs sysfs /sys nosuid,nodev,noexec
mnt devtmpfs devtmpfs /dev mode=0755,nosuid
mkdir -p /dev/pts /dev/shm 2>/dev/null
mnt devpts devpts /dev/pts gid=5,mode=620,ptmxmode=666
mnt tmpfs tmpfs /dev/shm mode=1777,nosuid,nodev
mnt tmpfs tmpfs /tmp mode=1777,nosuid,nodev
mnt tmpfs tmpfs /run mode=0755,nosuid,nodev
mnt securityfs securityfs /sys/kernel/security
mnt bpf bpf /sys/fs/bpf mode=0700
mnt debugfs debugfs /sys/kernel/debug
mnt tracefs tracefs /sys/kernel/tracing
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
ip link set lo up >/dev/null 2>&1 || :

mkdir -p "$P"
if ! mount -t 9p -o "$NINEP" sbpriv "$P"; then
	log "cannot mount the private share (tag sbpriv); powering off"
	poweroff_now
fi

# --shares, parents first (run.sh writes them sorted by path).
if [ -f "$P/shares" ]; then
	while read -r tag dir; do
		mkdir -p "$dir" 2>/dev/null
		mount -t 9p -o "$NINEP" "$tag" "$dir" ||
			echo "run.sh: cannot mount --share $dir in the guest" >>"$P/stderr"
	done <"$P/shares"
fi

if [ -f "$P/interactive" ]; then
	tty=/dev/ttyS1
	stty -F "$tty" sane 2>/dev/null
	# shellcheck disable=SC2046 # winsize is "rows R cols C"
	[ -f "$P/winsize" ] && stty -F "$tty" $(cat "$P/winsize") 2>/dev/null
	# setsid -c makes the tty the controlling terminal (job control, ^C).
	# shellcheck disable=SC2094 # the terminal is stdin and stdout
	setsid -w -c env -i /bin/sh "$P/cmd.sh" <"$tty" >"$tty" 2>&1
	st=$?
else
	env -i /bin/sh "$P/cmd.sh" </dev/null >>"$P/stdout" 2>>"$P/stderr"
	st=$?
fi
echo "$st" >"$P/status.tmp" && mv "$P/status.tmp" "$P/status"
poweroff_now
