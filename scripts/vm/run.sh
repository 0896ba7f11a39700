#!/bin/sh
# Run one command in the subtree-bench guest (the `vm` / `vm-icount` test boxes).
#
#   run.sh [--box vm|vm-icount] [--variant bench|debug] [--timeout SECONDS]
#          [--share DIR]... [--mem SIZE] [--interactive] -- COMMAND [ARGS...]
#
# The host root is the guest's root, read-only (9p); the guest has its own
# /tmp, /run, /dev/shm (tmpfs). Each --share DIR is mounted writable at the
# same path. COMMAND runs as root with the caller's cwd, PATH, HOME, TERM and
# SUBTREE_BENCH_* variables, stdin /dev/null; its stdout and stderr come back
# byte-exact on run.sh's stdout and stderr (streamed while it runs), and
# run.sh exits with its exit status.
#   --box vm         TCG, -cpu max, 2 vCPUs (default)
#   --box vm-icount  TCG, 1 vCPU, -icount shift=0,sleep=off (guest ns = instructions)
#   --timeout S      kill the guest after S seconds (default 600; 0 = none): exit 124
#   --mem SIZE       guest memory (default 1G; 2G for --variant debug)
#   --interactive    COMMAND gets the terminal (stdin/stdout/stderr on a serial
#                    line; no byte-exact streams; quit QEMU with Ctrl-A x)
# SUBTREE_BENCH_VM_KEEP_LOG=1 keeps the guest console log (path on stderr).
# Exit 2: bad arguments. Exit 125: the guest failed (no exit status came back); the console log is kept
# under $SUBTREE_BENCH_CACHE/logs/ (default ~/.cache/subtree-bench/logs/).
set -eu

ME=run.sh
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${SUBTREE_BENCH_CACHE:-${HOME:-/root}/.cache/subtree-bench}
KEEP_LOGS=50

die() { echo "$ME: $*" >&2; exit 125; }
usage() {
	sed -n '4,5p' "$0" | sed -e 's/^# *//' -e '1s/^/usage: /' -e '2s/^/       /' >&2
	exit 2
}
bad_arg() { echo "$ME: $*" >&2; exit 2; }

box=vm variant=bench timeout=600 mem='' interactive=0 shares=''
while [ $# -gt 0 ]; do
	case $1 in
	--box) [ $# -ge 2 ] || usage; box=$2; shift 2 ;;
	--variant) [ $# -ge 2 ] || usage; variant=$2; shift 2 ;;
	--timeout) [ $# -ge 2 ] || usage; timeout=$2; shift 2 ;;
	--mem) [ $# -ge 2 ] || usage; mem=$2; shift 2 ;;
	--share) [ $# -ge 2 ] || usage
		[ -d "$2" ] || bad_arg "--share $2: not a directory"
		d=$(cd "$2" && pwd -P)
		case $d in *'
'*|*' '*|*,*) bad_arg "--share $2: paths with spaces, commas or newlines are not supported" ;; esac
		shares="$shares
$d"
		shift 2 ;;
	--interactive) interactive=1; shift ;;
	--) shift; break ;;
	-h|--help) usage ;;
	*) usage ;;
	esac
done
[ $# -ge 1 ] || usage
# The guest mounts its own tmpfs on /tmp, /run and /dev/shm: a checkout there
# (e.g. a CI clone in mktemp -d), or a current directory there, would vanish.
# Share them writable at their own paths.
for d in "$(cd "$HERE/../.." && pwd -P)" "$(pwd -P)"; do
	case $d in /tmp/*|/run/*|/dev/shm/*) shares="$shares
$d" ;; esac
done
case $box in vm|vm-icount) ;; *) bad_arg "unknown --box '$box' (vm or vm-icount)" ;; esac
case $variant in bench|debug) ;; *) bad_arg "unknown --variant '$variant' (bench or debug)" ;; esac
case $timeout in ''|*[!0-9]*) bad_arg "--timeout wants whole seconds, got '$timeout'" ;; esac
[ -n "$mem" ] || { [ "$variant" = debug ] && mem=2G || mem=1G; }
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found (run scripts/deps.sh)"
case $HERE in *' '*|*,*) die "the clone's path ($HERE) must not contain spaces or commas (kernel command line)" ;; esac

# The kernel: build it on first use.
if ! entry=$("$HERE/kernel.sh" --variant "$variant" path 2>/dev/null); then
	echo "$ME: the $variant guest kernel is not built yet; building it now (minutes; 'make vm-kernel' does this ahead of time)" >&2
	entry=$("$HERE/kernel.sh" --variant "$variant" build) || die "kernel build failed"
fi

mkdir -p "$CACHE/run" "$CACHE/logs"
# Private dirs of runs that were SIGKILLed (older than two days).
find "$CACHE/run" -mindepth 1 -maxdepth 1 -name "run.*" -mmin +2880 -exec rm -rf {} + 2>/dev/null || :
priv=$(mktemp -d "$CACHE/run/run.XXXXXX")
stamp=$(date -u +%Y%m%dT%H%M%SZ)
conlog=$CACHE/logs/vm-$box-$variant-$stamp-$$.log
qpid='' tpids='' keep_log=0

# shellcheck disable=SC2317 # cleanup and on_signal run from traps
cleanup() {
	[ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null
	# A tail may have exited already (QEMU is gone): not an error under set -e.
	for p in $tpids; do kill "$p" 2>/dev/null || :; done
	rm -rf "$priv"
	[ "$keep_log" = 1 ] || rm -f "$conlog"
}
# shellcheck disable=SC2317
on_signal() {
	trap - INT TERM
	keep_log=1
	echo "$ME: interrupted: guest killed; console log kept at $conlog" >&2
	cleanup
	exit "$1"
}
trap 'cleanup' EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

# sq STRING: STRING as one single-quoted shell word.
sq() {
	# the "." keeps trailing newlines from $(...)
	q=$(printf '%s.' "$1" | sed "s/'/'\\\\''/g")
	printf "'%s'" "${q%.}"
}

# cmd.sh: environment, cwd, argv for the guest's `env -i /bin/sh cmd.sh`.
{
	for v in PATH HOME TERM $(env | sed -n 's/^\(SUBTREE_BENCH_[A-Za-z0-9_]*\)=.*/\1/p' | sort -u); do
		isset=''
		eval "isset=\${$v+y}"
		[ "$isset" = y ] || continue
		eval "val=\$$v"
		# shellcheck disable=SC2154 # val is set by the eval above
		printf 'export %s=%s\n' "$v" "$(sq "$val")"
	done
	cwd=$(pwd)
	printf 'cd %s 2>/dev/null || { echo "run.sh: the current directory %s does not exist in the guest (host /tmp, /run, /dev/shm are hidden by the guest'"'"'s own; pass it with --share)" >&2; exit 125; }\n' \
		"$(sq "$cwd")" "$(printf %s "$cwd" | sed 's/[\\"$`]/\\&/g')"
	printf 'exec'
	for a in "$@"; do printf ' %s' "$(sq "$a")"; done
	printf '\n'
} >"$priv/cmd.sh"

# Shares: one fsdev each; the guest mounts them from $priv/fstab, parents
# before children (sorted by length).
set --
i=0
printf '%s\n' "$shares" | sed '/^$/d' | sort -u | awk '{ print length($0) " " $0 }' | sort -n -k1,1 | cut -d' ' -f2- >"$priv/shares.sorted"
: >"$priv/fstab"
while IFS= read -r d; do
	set -- "$@" -fsdev "local,id=share$i,path=$d,security_model=none,multidevs=remap" \
		-device "virtio-9p-pci,fsdev=share$i,mount_tag=sbshare$i"
	echo "sbshare$i $d 9p trans=virtio,version=9p2000.L,msize=512000,X-mount.mkdir 0 0" >>"$priv/fstab"
	i=$((i + 1))
done <"$priv/shares.sorted"
rm -f "$priv/shares.sorted"

# vm-icount repeats across boots only if nothing random reaches the guest:
# no RDRAND/RDSEED, no kernel or user address randomisation.
determinism=
case $box in
vm) set -- "$@" -accel tcg -cpu max -smp 2 ;;
vm-icount)
	set -- "$@" -accel tcg -cpu max,-rdrand,-rdseed -smp 1 -icount shift=0,sleep=off
	determinism=" nokaslr norandmaps"
	;;
esac
# acpi=noirq: PCI interrupt routing without AML. Under TCG the i440fx _PRT
# loop hits ACPICA's 30 s loop timeout on the debug (KASAN + lockdep) kernel
# (boot 75-95 s, now ~20 s) and costs ~1 s on the bench kernel. ACPI still does
# the power-off. SUBTREE_BENCH_VM_APPEND adds kernel parameters.
set -- "$@" -m "$mem" -nodefaults -no-reboot -display none -no-user-config \
	-kernel "$entry/arch/x86/boot/bzImage" \
	-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=root,mount_tag=/dev/root \
	-fsdev "local,id=priv,path=$priv,security_model=none" \
	-device virtio-9p-pci,fsdev=priv,mount_tag=sbpriv \
	-chardev "file,id=con,path=$conlog,append=on" -serial chardev:con \
	-append "root=/dev/root rootfstype=9p rootflags=trans=virtio,version=9p2000.L,cache=loose,msize=512000 ro console=ttyS0 panic=-1 acpi=noirq init=$HERE/init.sh$determinism${SUBTREE_BENCH_VM_APPEND:+ $SUBTREE_BENCH_VM_APPEND}"

if [ "$interactive" = 1 ]; then
	: >"$priv/interactive"
	# shellcheck disable=SC2015
	sz=$(stty size 2>/dev/null) && [ -n "$sz" ] && echo "rows ${sz% *} cols ${sz#* }" >"$priv/winsize" || :
	echo "$ME: booting the guest; quit QEMU with Ctrl-A x" >&2
	st=0
	qemu-system-x86_64 "$@" -chardev stdio,id=term,mux=on,signal=off \
		-serial chardev:term -mon chardev=term,mode=readline || st=$?
else
	: >"$priv/stdout"
	: >"$priv/stderr"
	# timeout(1) kills QEMU after $timeout s (TERM, then KILL 5 s later).
	if [ "$timeout" -gt 0 ]; then
		timeout -k 5 "$timeout" qemu-system-x86_64 "$@" </dev/null >>"$conlog" 2>&1 &
	else
		qemu-system-x86_64 "$@" </dev/null >>"$conlog" 2>&1 &
	fi
	qpid=$!
	# Stream the command's output while it runs; tail does a last read after
	# QEMU is gone, so nothing written before the power-off is lost.
	tail -c +1 -s 0.1 --pid="$qpid" -f "$priv/stdout" &
	tpids=$!
	tail -c +1 -s 0.1 --pid="$qpid" -f "$priv/stderr" >&2 &
	tpids="$tpids $!"
	st=0
	wait "$qpid" || st=$?
	qpid=
	for p in $tpids; do wait "$p" || :; done
	tpids=
fi

if [ "$interactive" = 0 ] && [ "$timeout" -gt 0 ] && { [ "$st" = 124 ] || [ "$st" = 137 ]; } && [ ! -f "$priv/status" ]; then
	keep_log=1
	echo "$ME: guest did not finish within $timeout s: killed; console log kept at $conlog" >&2
	exit 124
fi
if [ ! -f "$priv/status" ]; then
	keep_log=1
	echo "$ME: the guest gave no exit status (QEMU exit $st: boot failure or crash?); console log kept at $conlog" >&2
	tail -n 15 "$conlog" | sed 's/^/  | /' >&2
	exit 125
fi
status=$(cat "$priv/status")
if [ "${SUBTREE_BENCH_VM_KEEP_LOG:-0}" = 1 ]; then
	keep_log=1
	echo "$ME: console log kept at $conlog" >&2
fi
if grep -qE 'BUG:|WARNING:|Kernel panic|kmemleak: [0-9]+ new suspected|possible (recursive |circular )?locking' "$conlog"; then
	keep_log=1
	echo "$ME: the guest kernel reported a problem (BUG/WARNING/KASAN/lockdep); console log kept at $conlog" >&2
fi
# Old logs: keep the newest $KEEP_LOGS.
# shellcheck disable=SC2012
ls -1t "$CACHE/logs"/vm-*.log 2>/dev/null | tail -n +$((KEEP_LOGS + 1)) | while IFS= read -r f; do rm -f "$f"; done
exit "$status"
