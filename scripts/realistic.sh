#!/bin/sh
# Realistic I/O under every backend: fio jobs and a whole-command timing
# (hyperfine), converted by `subtree-bench import` into one results file.
#
#   scripts/realistic.sh OUT_DIR [REPS]          (as root; REPS default 5)
#
# Runs in whatever box it is started in:
#   host:  sudo scripts/realistic.sh results/realistic-host 5
#          (none, fanotify-user, fanotify-dirmarks: what `subtree-bench list`
#          says the host kernel can run)
#   VM:    mkdir -p "$PWD/results/realistic-vm" &&
#          ./subtree-bench vm --box vm --timeout 0 --share "$PWD/results/realistic-vm" \
#              -- scripts/realistic.sh "$PWD/results/realistic-vm" 3
#          (every backend; OUT_DIR must be under a --share: the guest's /tmp
#          and root are not the host's; --timeout 0: the default 600 s is too
#          short for every backend under TCG)
#
# What it does, in a private tmpfs (mounted here, unmounted on every exit
# path) with one rule directory RULE:
#  (a) each workloads/fio/<job>.fio, REPS times, under each backend `list`
#      shows available in notify mode (none always first in the list):
#        subtree-bench monitor --quiet --backend B --rule RULE -- \
#            fio --output-format=json --output=OUT_DIR/raw/fio-B-JOB-REP.json \
#                --directory=RULE/fio JOB.fio
#      (for none: fio alone). Backends are interleaved, in a shuffled order
#      per repetition (seeded: the same order for the same seed and rep);
#      OUT_DIR/raw/fio-B-JOB-REP.log keeps fio's messages and the monitor's
#      event count.
#  (b) one hyperfine invocation: extract a tarball of this repository
#      (`git archive HEAD`, deterministic for a revision, ~0.9 MB, ~170
#      files) into RULE/untar and remove it, with every backend:
#        hyperfine --export-json OUT_DIR/raw/hyperfine-untar.json --runs REPS \
#            --warmup 1 -n none 'CMD' -n fanotify-user \
#            'subtree-bench monitor --quiet --backend fanotify-user --rule RULE -- sh -c "CMD"' ...
#      Each figure includes starting the monitor and attaching and detaching
#      the backend: the cost of monitoring that one command. For a short
#      command that fixed cost dominates (host, load ~4: `monitor --quiet
#      --backend fanotify-user -- true` ~80-200 ms, mostly its drain: two
#      idle consumer polls; with --backend none ~10 ms). hyperfine runs one
#      command's repetitions back to back (not interleaved), so import
#      reports these runs' overhead unpaired (the difference of the
#      medians); the fio runs of (a), interleaved, keep it paired.
#  (c) subtree-bench import --fio OUT_DIR/raw/fio-*.json \
#          --hyperfine OUT_DIR/raw/hyperfine-untar.json --out OUT_DIR/realistic.json
#      (and realistic.csv beside it), then a one-line-per-run summary.
#
# Environment (SUBTREE_BENCH_* variables also reach the bench VM):
#   SUBTREE_BENCH_FIO_JOBS   job names (default: every workloads/fio/*.fio)
#   SUBTREE_BENCH_BACKENDS   backends (default: available in notify mode)
#   SUBTREE_BENCH_SEED       seed of the shuffled order (default 1)
#   SUBTREE_BENCH_NO_HYPERFINE=1  skip (b)
#   SUBTREE_BENCH            the harness binary (default: ./subtree-bench)
# Exit status: 0 done; 1 a measurement or the import failed; 2 bad arguments
# or a missing tool.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${SUBTREE_BENCH:-$ROOT/subtree-bench}
ME="realistic.sh"

die() {
	echo "$ME: $1" >&2
	exit "${2:-1}"
}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then die "usage: scripts/realistic.sh OUT_DIR [REPS]" 2; fi
OUT=$1
REPS=${2:-5}
case $REPS in
'' | *[!0-9]*) die "REPS '$REPS': give a whole number of repetitions, at least 1" 2 ;;
esac
[ "$REPS" -ge 1 ] || die "REPS '$REPS': give a whole number of repetitions, at least 1" 2
SEED=${SUBTREE_BENCH_SEED:-1}
case $SEED in '' | *[!0-9]*) die "SUBTREE_BENCH_SEED '$SEED': give a whole number" 2 ;; esac

[ "$(id -u)" = 0 ] || die "run as root: it mounts a tmpfs scratch (and the backends need CAP_SYS_ADMIN)" 2
[ -x "$BIN" ] || die "$BIN not found or not executable; fix: run 'make build' first" 2
for tool in fio hyperfine git tar; do
	command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found; fix: install it (apt-get install $tool)" 2
done
if [ -z "${SUBTREE_BENCH_NO_HYPERFINE:-}" ] && ! command -v hyperfine >/dev/null 2>&1; then
	die "'hyperfine' not found; fix: install it, or set SUBTREE_BENCH_NO_HYPERFINE=1" 2
fi

mkdir -p "$OUT/raw" || die "cannot create '$OUT/raw' (in the VM: OUT_DIR must be under a --share)" 2
OUT=$(cd "$OUT" && pwd)
RAW=$OUT/raw
if ! touch "$RAW/.write-test" 2>/dev/null; then
	die "'$RAW' is not writable (in the VM: OUT_DIR must be under a --share)" 2
fi
rm -f "$RAW/.write-test"
# Files of an earlier run would be imported with this one.
rm -f "$RAW"/fio-*.json "$RAW"/fio-*.log "$RAW"/hyperfine-*.json

JOBS=${SUBTREE_BENCH_FIO_JOBS:-$(for f in "$ROOT"/workloads/fio/*.fio; do basename "$f" .fio; done)}
for j in $JOBS; do
	[ -f "$ROOT/workloads/fio/$j.fio" ] || die "fio job '$j': no $ROOT/workloads/fio/$j.fio" 2
done

AVAILABLE=$("$BIN" list | awk '$1 == "backend" && $3 == "notify" && $4 == "available" { print $2 }')
[ -n "$AVAILABLE" ] || die "'subtree-bench list' shows no backend available in notify mode" 1
# shellcheck disable=SC2086,SC2116 # one line, words split on purpose
BACKENDS=$(echo ${SUBTREE_BENCH_BACKENDS:-$AVAILABLE})
# shellcheck disable=SC2086,SC2116
JOBS=$(echo $JOBS)
case " $BACKENDS " in *" none "*) ;; *) BACKENDS="none $BACKENDS" ;; esac
for b in $BACKENDS; do
	echo "$AVAILABLE" | grep -qx -- "$b" ||
		die "backend '$b' is not available here ('subtree-bench list'); in the bench VM every backend is" 2
done

# The scratch tmpfs: unmounted and removed on every exit path.
SCR=$(mktemp -d /tmp/sb-realistic.XXXXXX) || die "mktemp failed" 1
MOUNTED=
cleanup() {
	if [ -n "$MOUNTED" ]; then
		umount "$SCR" 2>/dev/null || umount -l "$SCR" 2>/dev/null ||
			echo "$ME: could not unmount $SCR" >&2
	fi
	rmdir "$SCR" 2>/dev/null
}
trap 'st=$?; trap - EXIT; cleanup; exit $st' EXIT
trap 'echo "$ME: interrupted" >&2; exit 130' INT
trap 'echo "$ME: terminated" >&2; exit 143' TERM
mount -t tmpfs -o size=256m,mode=0755 sb-realistic "$SCR" || die "cannot mount a tmpfs on $SCR" 1
MOUNTED=1
case $SCR$BIN in *[\'\"\ ]*) die "paths with quotes or spaces are not supported: $SCR $BIN" 2 ;; esac
RULE=$SCR/rule
WORK=$RULE/fio
mkdir -p "$RULE" || die "cannot create $RULE" 1

# shuffled REP: the backends in a seeded random order for that repetition.
shuffled() {
	for b in $BACKENDS; do echo "$b"; done |
		awk -v s="$((SEED * 1000 + $1))" 'BEGIN { srand(s) } { print rand() "\t" $0 }' |
		sort -n | cut -f2
}

echo "$ME: box $("$BIN" list | awk '$1 == "box" { print $2 }'), $(uname -r); backends: $BACKENDS; fio jobs: $JOBS; $REPS repetitions"
start=$(date +%s)
rep=1
while [ "$rep" -le "$REPS" ]; do
	order=$(shuffled "$rep")
	for job in $JOBS; do
		for b in $order; do
			out=$RAW/fio-$b-$job-$rep.json
			log=$RAW/fio-$b-$job-$rep.log
			rm -rf "$WORK"
			mkdir -p "$WORK" || die "cannot reset $WORK" 1
			t0=$(date +%s.%N)
			if [ "$b" = none ]; then
				fio --output-format=json --output="$out" --directory="$WORK" \
					"$ROOT/workloads/fio/$job.fio" >"$log" 2>&1
			else
				"$BIN" monitor --quiet --backend "$b" --rule "$RULE" -- \
					fio --output-format=json --output="$out" --directory="$WORK" \
					"$ROOT/workloads/fio/$job.fio" >"$log" 2>&1
			fi
			st=$?
			t1=$(date +%s.%N)
			if [ $st -ne 0 ]; then
				sed 's/^/| /' "$log" >&2
				die "fio job $job under $b (rep $rep) failed with status $st; log: $log" 1
			fi
			echo "rep $rep/$REPS $job $b: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f s", b - a }')$(sed -n 's/^subtree-bench monitor: .*: \([0-9]* events\)$/, \1/p' "$log")"
		done
	done
	rep=$((rep + 1))
done
rm -rf "$WORK"

set --
if [ -z "${SUBTREE_BENCH_NO_HYPERFINE:-}" ]; then
	TAR=$SCR/src.tar
	git -c safe.directory="$ROOT" -C "$ROOT" archive --format=tar --prefix=src/ HEAD >"$TAR" ||
		die "git archive of $ROOT failed" 1
	echo "$ME: untar: $(tar -tf "$TAR" | wc -l) entries, $(wc -c <"$TAR") bytes (git archive $(git -c safe.directory="$ROOT" -C "$ROOT" rev-parse --short=12 HEAD))"
	D=$RULE/untar
	CMD="rm -rf $D && mkdir $D && tar -xf $TAR -C $D && rm -rf $D"
	for b in $(shuffled 0); do
		if [ "$b" = none ]; then
			set -- "$@" -n none "$CMD"
		else
			set -- "$@" -n "$b" "$BIN monitor --quiet --backend $b --rule $RULE -- sh -c '$CMD'"
		fi
	done
	hyperfine --style basic --export-json "$RAW/hyperfine-untar.json" --runs "$REPS" --warmup 1 "$@" ||
		die "hyperfine failed (run its commands by hand to see why)" 1
	set -- --hyperfine "$RAW/hyperfine-untar.json"
fi

"$BIN" import --fio "$RAW"/fio-*.json "$@" --out "$OUT/realistic.json" ||
	die "subtree-bench import failed" 1
echo "$ME: $(($(date +%s) - start)) s; $OUT/realistic.json:"
if command -v jq >/dev/null 2>&1; then
	jq -r '.runs[] | "  \(.workload)\t\(.backend)\tmedian \(.median_ns_per_op | floor) ns/op\toverhead \(.overhead_ns_per_op // "n/a" | if type == "number" then floor else . end) ns/op"' \
		"$OUT/realistic.json" | column -t -s "$(printf '\t')"
fi
