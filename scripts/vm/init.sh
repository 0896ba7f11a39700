#!/bin/sh
# PID 1 of the subtree-bench guest (booted by scripts/vm/run.sh with
# init=<this file> from the host root, shared read-only over 9p).
#
# Mounts the pseudo filesystems and the per-run private share (guest.fstab:
# tag "sbpriv" at /run/subtree-bench), then every --share at its host path
# (the private share's fstab), runs the command written by run.sh (cmd.sh:
# environment, cwd, argv) with stdout/stderr into files of the private share,
# records its exit status there and powers the guest off (QEMU runs with
# -no-reboot and exits).
#
# Files of the private share (written by run.sh unless noted):
#   cmd.sh       the command, run with `env -i /bin/sh cmd.sh`
#   fstab        the --shares (9p tags sbshareN), parents first
#   interactive  present: run the command on /dev/ttyS1 (the host terminal)
#   winsize      "rows R cols C" of the host terminal (interactive)
#   stdout, stderr, status   written here
#
# Every exec costs a 9p lookup and dynamic linking under TCG (~0.1-0.3 s of
# boot each): keep them few, use shell builtins where possible.

PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

if [ "$$" != 1 ]; then
	echo "init.sh: this is the subtree-bench guest's init (PID 1), not a host command" >&2
	exit 2
fi

HERE=${0%/*}
P=/run/subtree-bench

log() { echo "subtree-bench init: $*" >/dev/console 2>/dev/null || :; }

poweroff_now() {
	sync
	echo o >/proc/sysrq-trigger
	# The power-off is asynchronous; PID 1 must not exit meanwhile (panic).
	while :; do sleep 1; done
}

# mounted DIR: is something mounted on DIR? (builtins only)
mounted() {
	while read -r _ m _; do
		[ "$m" = "$1" ] && return 0
	done </proc/mounts
	return 1
}

mount -t proc -o nosuid,nodev,noexec proc /proc
mounted /dev || mount -t devtmpfs -o mode=0755,nosuid devtmpfs /dev
mount -a -T "$HERE/guest.fstab" || log "some of $HERE/guest.fstab did not mount"
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
if ! mounted "$P"; then
	log "the private share (tag sbpriv) is not mounted at $P; powering off"
	poweroff_now
fi

# --shares: one `mount -a`, parents before children (run.sh sorts them).
if [ -s "$P/fstab" ] && ! mount -a -T "$P/fstab"; then
	echo "run.sh: some --share could not be mounted in the guest" >>"$P/stderr"
fi

if [ -f "$P/interactive" ]; then
	tty=/dev/ttyS1
	winsize=
	[ -f "$P/winsize" ] && read -r winsize <"$P/winsize"
	# setsid -c makes the tty the controlling terminal (job control, ^C); the
	# size is set while the tty is open (a serial tty forgets it on last close).
	# shellcheck disable=SC2094,SC2016 # the terminal is stdin and stdout
	setsid -w -c sh -c 'stty sane $1 2>/dev/null; exec env -i /bin/sh "$2"' sh "$winsize" "$P/cmd.sh" \
		<"$tty" >"$tty" 2>&1
	st=$?
else
	env -i /bin/sh "$P/cmd.sh" </dev/null >>"$P/stdout" 2>>"$P/stderr"
	st=$?
fi
# run.sh reads it after QEMU has exited: no need for an atomic rename.
echo "$st" >"$P/status"
poweroff_now
