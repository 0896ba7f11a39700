#!/bin/sh
# Real-world workloads under every backend: fio jobs and whole commands
# (untar, git status, git diff, make) timed by hyperfine, converted by
# `subtree-bench import` into one results file.
#
#   scripts/realistic.sh OUT_DIR [REPS]          (as root; REPS default 5)
#
# Runs in whatever box it is started in:
#   host:  scripts/realistic.sh results/realistic-host 5   (as root)
#          (none, fanotify-user, fanotify-dirmarks: what `subtree-bench list`
#          says the host kernel can run)
#   VM:    mkdir -p "$PWD/results/realistic" &&
#          ./subtree-bench vm --box vm --timeout 0 --share "$PWD/results/realistic" \
#              -- scripts/realistic.sh "$PWD/results/realistic" 3
#          (`make realistic BOX=vm REPS=3`; every backend; OUT_DIR must be
#          under a --share: the guest's /tmp and root are not the host's;
#          --timeout 0: the default 600 s is too short under TCG)
#
# What it does, in a private tmpfs (mounted here, unmounted on every exit
# path) with one rule directory RULE (the monitored sub-tree):
#  (a) each workloads/fio/<job>.fio, REPS times, under each backend `list`
#      shows available in notify mode (none always first in the list):
#        subtree-bench monitor --quiet --backend B --rule RULE -- \
#            fio --output-format=json --output=OUT_DIR/raw/fio-B-JOB-REP.json \
#                --directory=RULE/fio JOB.fio
#      (for none: fio alone). Backends are interleaved, in a shuffled order
#      per repetition (seeded: the same order for the same seed and rep);
#      OUT_DIR/raw/fio-B-JOB-REP.log keeps fio's messages and the monitor's
#      event count. fio's figure is its own time per I/O.
#  (b) one hyperfine invocation per workload, every backend in it (in a
#      seeded shuffled order of its own), REPS timed runs after WARMUP ones,
#      PREPARE (untimed, hyperfine's --prepare) before each:
#        hyperfine --shell=none --export-json OUT_DIR/raw/hyperfine-W.json --runs REPS \
#            --warmup WARMUP [--prepare "sh -c PREPARE"] -n none "sh -c CMD" -n fanotify-user \
#            "subtree-bench monitor --quiet --backend fanotify-user --rule RULE -- sh -c CMD" ...
#      With --shell=none hyperfine subtracts no shell-spawn estimate (which
#      made a command faster than the estimate, git status of a small tree,
#      time 0 s); instead every command, none's too, runs under one sh of
#      its own, so the difference to none is the monitor alone.
#      The workloads W (SUBTREE_BENCH_WORKLOADS):
#        untar        extract a tar of this repository (`git archive HEAD`)
#                     into RULE/untar and remove it
#        untar-linux  extract a subtree of the kernel source tarball
#                     (SUBTREE_BENCH_LINUX_SUBTREE of SUBTREE_BENCH_LINUX_TAR,
#                     default linux-source-6.12/fs of
#                     /usr/src/linux-source-6.12.tar.xz: ~2500 files, ~52 MB)
#                     into RULE/untar-linux and remove it. The subtree is
#                     taken out of the .tar.xz once per run, untimed, into an
#                     uncompressed tar (fixed order, owner and mtime): under
#                     TCG xz decompression would dominate every figure.
#        git-status   `git status` in RULE/git: the same subtree committed
#        git-diff     `git diff` there; before both (once, untimed): git init,
#                     add, commit, then a line appended to every 10th file, so
#                     both have work. Git reads no user or system config
#                     (GIT_CONFIG_GLOBAL=/dev/null, GIT_CONFIG_NOSYSTEM=1) and
#                     the commit has a fixed author, committer and date.
#        make         `make -j2` of a generated C project in RULE/cproject
#                     (workloads/cproject/generate.sh: SUBTREE_BENCH_CPROJECT_FILES
#                     modules, default 8, + main.c; gcc -O2), from clean: PREPARE
#                     is `make clean`; built and run once, untimed, first.
#      Each figure includes starting the monitor, attaching, its consumer,
#      the drain after the command and detaching: the cost of monitoring
#      that one command. For a short command that fixed cost dominates
#      (host, load ~4: `monitor --quiet --backend fanotify-user -- true`
#      ~80-200 ms, mostly its drain: two idle consumer polls; with --backend
#      none ~10 ms). hyperfine runs one command's repetitions back to back
#      (not interleaved), so import reports these runs' overhead unpaired
#      (the difference of the medians); the fio runs of (a), interleaved,
#      keep it paired. hyperfine is run without -i: a command exiting
#      non-zero (warmup and prepare too) stops it and this script (exit 1);
#      import refuses any non-zero exit code and records in each run
#      "exit_status" how many exit codes it checked.
#  (c) subtree-bench import --fio OUT_DIR/raw/fio-*.json \
#          --hyperfine OUT_DIR/raw/hyperfine-*.json --out OUT_DIR/results.json
#      (and results.csv beside it), then a one-line-per-run summary.
#      OUT_DIR/raw/hyperfine-W.log keeps hyperfine's output.
#
# Environment (SUBTREE_BENCH_* variables also reach the bench VM):
#   SUBTREE_BENCH_FIO_JOBS   job names (default: every workloads/fio/*.fio;
#                            set and empty: no fio job)
#   SUBTREE_BENCH_WORKLOADS  hyperfine workloads (default: untar untar-linux
#                            git-status git-diff make; empty: none)
#   SUBTREE_BENCH_LINUX_TAR, SUBTREE_BENCH_LINUX_SUBTREE, SUBTREE_BENCH_CPROJECT_FILES
#                            as above
#   SUBTREE_BENCH_WARMUP     hyperfine's untimed warmup runs per command
#                            (default 1; besides, each workload's plain
#                            command runs once, untimed, before hyperfine)
#   SUBTREE_BENCH_BACKENDS   backends (default: available in notify mode)
#   SUBTREE_BENCH_SEED       seed of the shuffled orders (default 1)
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

ALL_WORKLOADS="untar untar-linux git-status git-diff make"
WORKLOADS=${SUBTREE_BENCH_WORKLOADS-$ALL_WORKLOADS}
[ -n "${SUBTREE_BENCH_NO_HYPERFINE:-}" ] && WORKLOADS=
for w in $WORKLOADS; do
	case " $ALL_WORKLOADS " in *" $w "*) ;; *) die "workload '$w' in SUBTREE_BENCH_WORKLOADS: not one of $ALL_WORKLOADS" 2 ;; esac
done
# shellcheck disable=SC2086,SC2116 # one line, words split on purpose
WORKLOADS=$(echo $WORKLOADS)
LINUX_TXZ=${SUBTREE_BENCH_LINUX_TAR:-/usr/src/linux-source-6.12.tar.xz}
LINUX_SUB=${SUBTREE_BENCH_LINUX_SUBTREE:-linux-source-6.12/fs}
case $LINUX_SUB in '' | /* | *..* | *[\'\"\ ]*) die "SUBTREE_BENCH_LINUX_SUBTREE '$LINUX_SUB': give a member directory of the tarball, e.g. linux-source-6.12/fs" 2 ;; esac
LINUX_SUB=${LINUX_SUB%/}
CPROJECT_FILES=${SUBTREE_BENCH_CPROJECT_FILES:-8}
case $CPROJECT_FILES in '' | *[!0-9]* | 0) die "SUBTREE_BENCH_CPROJECT_FILES '$CPROJECT_FILES': give a whole number of C files, at least 1" 2 ;; esac
WARMUP=${SUBTREE_BENCH_WARMUP:-1}
case $WARMUP in '' | *[!0-9]*) die "SUBTREE_BENCH_WARMUP '$WARMUP': give a whole number of untimed runs per command (0 or more)" 2 ;; esac

tools="fio tar"
[ -n "$WORKLOADS" ] && tools="$tools hyperfine"
has_wl() { case " $WORKLOADS " in *" $1 "*) return 0 ;; esac; return 1; }
if has_wl untar || has_wl git-status || has_wl git-diff; then tools="$tools git"; fi
if has_wl untar-linux || has_wl git-status || has_wl git-diff; then
	case $LINUX_TXZ in *.xz) tools="$tools xz" ;; esac
	[ -r "$LINUX_TXZ" ] || die "'$LINUX_TXZ' not found or not readable (the kernel source tarball the untar-linux and git workloads take a subtree of); fix: scripts/deps.sh installs it (linux-source-6.12), or set SUBTREE_BENCH_LINUX_TAR, or leave those workloads out of SUBTREE_BENCH_WORKLOADS" 2
fi
has_wl make && tools="$tools make gcc"
for tool in $tools; do
	command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found; fix: install it (scripts/deps.sh)" 2
done

mkdir -p "$OUT/raw" || die "cannot create '$OUT/raw' (in the VM: OUT_DIR must be under a --share)" 2
OUT=$(cd "$OUT" && pwd)
RAW=$OUT/raw
if ! touch "$RAW/.write-test" 2>/dev/null; then
	die "'$RAW' is not writable (in the VM: OUT_DIR must be under a --share)" 2
fi
rm -f "$RAW/.write-test"
# Files of an earlier run would be imported with this one.
rm -f "$RAW"/fio-*.json "$RAW"/fio-*.log "$RAW"/hyperfine-*.json "$RAW"/hyperfine-*.log "$RAW"/make-check.log

# Unset: every job; set but empty: no fio job.
JOBS=${SUBTREE_BENCH_FIO_JOBS-$(for f in "$ROOT"/workloads/fio/*.fio; do basename "$f" .fio; done)}
for j in $JOBS; do
	[ -f "$ROOT/workloads/fio/$j.fio" ] || die "fio job '$j': no $ROOT/workloads/fio/$j.fio" 2
done
[ -n "$JOBS$WORKLOADS" ] || die "nothing to measure: SUBTREE_BENCH_FIO_JOBS and SUBTREE_BENCH_WORKLOADS are both empty" 2

# One `list` (under TCG it probes every filesystem: minutes).
LIST=$("$BIN" list) || die "subtree-bench list failed" 1
AVAILABLE=$(echo "$LIST" | awk '$1 == "backend" && $3 == "notify" && $4 == "available" { print $2 }')
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
mount -t tmpfs -o size=512m,mode=0755 sb-realistic "$SCR" || die "cannot mount a tmpfs on $SCR" 1
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

echo "$ME: box $(echo "$LIST" | awk '$1 == "box" { print $2 }'), $(uname -r); backends: $BACKENDS; fio jobs: $JOBS; workloads: $WORKLOADS; $REPS repetitions"
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

# --- (b) whole commands, timed by hyperfine ---------------------------------
# hf NAME 'PREPARE' 'CMD' SALT: one hyperfine invocation timing CMD under every
# backend, in a seeded order of its own (SALT), PREPARE (the untimed reset)
# before every run; hyperfine stops at a command's non-zero exit (no -i).
HF_FILES=
hf() {
	hf_name=$1 hf_prep=$2 hf_cmd=$3 hf_salt=$4
	set --
	[ -n "$hf_prep" ] && set -- --prepare "sh -c '$hf_prep'"
	for b in $(shuffled "$hf_salt"); do
		if [ "$b" = none ]; then
			set -- "$@" -n none "sh -c '$hf_cmd'"
		else
			set -- "$@" -n "$b" "$BIN monitor --quiet --backend $b --rule $RULE -- sh -c '$hf_cmd'"
		fi
	done
	t0=$(date +%s)
	# Untimed, once: the plain command warms the caches (binaries, the tar)
	# for every backend, also when hyperfine's per-command warmup is 0.
	sh -c "${hf_prep:-true}" && sh -c "$hf_cmd" >"$RAW/hyperfine-$hf_name.log" 2>&1 ||
		die "$hf_name: the command alone failed ($hf_cmd): $(tail -3 "$RAW/hyperfine-$hf_name.log")" 1
	hyperfine --style basic --shell=none --export-json "$RAW/hyperfine-$hf_name.json" --runs "$REPS" \
		--warmup "$WARMUP" "$@" >"$RAW/hyperfine-$hf_name.log" 2>&1
	st=$?
	sed 's/^/| /' "$RAW/hyperfine-$hf_name.log"
	[ $st -eq 0 ] || die "hyperfine $hf_name failed with status $st (a command exited non-zero: run it by hand to see why); log: $RAW/hyperfine-$hf_name.log" 1
	echo "$ME: $hf_name: $(($(date +%s) - t0)) s, every command exited 0"
	HF_FILES="$HF_FILES $RAW/hyperfine-$hf_name.json"
}

# The git repository's commits and config do not depend on the user's.
GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
GIT_AUTHOR_NAME=subtree-bench GIT_AUTHOR_EMAIL=subtree-bench@invalid
GIT_COMMITTER_NAME=subtree-bench GIT_COMMITTER_EMAIL=subtree-bench@invalid
GIT_AUTHOR_DATE='2000-01-01T00:00:00+0000' GIT_COMMITTER_DATE='2000-01-01T00:00:00+0000'
export GIT_CONFIG_GLOBAL GIT_CONFIG_NOSYSTEM GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL \
	GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_AUTHOR_DATE GIT_COMMITTER_DATE

if has_wl untar; then
	TAR=$SCR/src.tar
	git -c safe.directory="$ROOT" -C "$ROOT" archive --format=tar --prefix=src/ HEAD >"$TAR" ||
		die "git archive of $ROOT failed" 1
	echo "$ME: untar: $(tar -tf "$TAR" | wc -l) entries, $(wc -c <"$TAR") bytes (git archive $(git -c safe.directory="$ROOT" -C "$ROOT" rev-parse --short=12 HEAD))"
	D=$RULE/untar
	hf untar "" "rm -rf $D && mkdir $D && tar -xf $TAR -C $D && rm -rf $D" 0
	rm -f "$TAR"
fi

# The kernel subtree, once per run and untimed: out of the .tar.xz (under TCG
# xz alone takes minutes, it would dominate every figure) into an
# uncompressed tar with a fixed order, owner and mtime.
LTAR=$SCR/linux.tar
if has_wl untar-linux || has_wl git-status || has_wl git-diff; then
	t0=$(date +%s)
	mkdir -p "$SCR/prep" || die "cannot create $SCR/prep" 1
	tar -xf "$LINUX_TXZ" -C "$SCR/prep" "$LINUX_SUB" ||
		die "cannot extract $LINUX_SUB from $LINUX_TXZ; fix: give a member directory of it in SUBTREE_BENCH_LINUX_SUBTREE (e.g. linux-source-6.12/fs)" 1
	tar --sort=name --mtime=@946684800 --owner=0 --group=0 --numeric-owner \
		-cf "$LTAR" -C "$SCR/prep/$LINUX_SUB/.." "$(basename "$LINUX_SUB")" ||
		die "cannot write $LTAR (the scratch tmpfs full? fix: a smaller SUBTREE_BENCH_LINUX_SUBTREE)" 1
	echo "$ME: $LINUX_SUB of $LINUX_TXZ: $(find "$SCR/prep/$LINUX_SUB" -type f | wc -l) files, $(find "$SCR/prep/$LINUX_SUB" -type d | wc -l) directories, tar of $(wc -c <"$LTAR") bytes ($(($(date +%s) - t0)) s, untimed)"
fi
if has_wl untar-linux; then
	D=$RULE/untar-linux
	hf untar-linux "rm -rf $D && mkdir $D" "tar -xf $LTAR -C $D && rm -rf $D" -1
fi
if has_wl git-status || has_wl git-diff; then
	# The repository, untimed: the subtree committed, then every 10th file
	# (in git's order) with a line appended, so status and diff find work.
	G=$RULE/git
	t0=$(date +%s)
	mkdir -p "$G" && mv "$SCR/prep/$LINUX_SUB" "$G/" &&
		git -C "$G" init -q -b main && git -C "$G" add -A &&
		git -C "$G" commit -q -m "$LINUX_SUB" || die "cannot make the git repository in $G" 1
	git -C "$G" ls-files | awk 'NR % 10 == 1' >"$SCR/modified" || die "git ls-files in $G failed" 1
	while IFS= read -r f; do
		echo "/* changed by scripts/realistic.sh */" >>"$G/$f" || die "cannot modify $G/$f" 1
	done <"$SCR/modified"
	nmod=$(git -C "$G" diff --name-only | wc -l)
	[ "$nmod" -eq "$(wc -l <"$SCR/modified")" ] && [ "$nmod" -gt 0 ] ||
		die "git diff in $G lists $nmod files, expected $(wc -l <"$SCR/modified")" 1
	echo "$ME: git repository $G: $(git -C "$G" ls-files | wc -l) files committed, $nmod modified ($(($(date +%s) - t0)) s, untimed)"
	has_wl git-status && hf git-status "" "git -C $G status" -2
	has_wl git-diff && hf git-diff "" "git -C $G --no-pager diff" -3
	rm -rf "$G"
fi
rm -rf "$SCR/prep" "$LTAR"
if has_wl make; then
	C=$RULE/cproject
	"$ROOT/workloads/cproject/generate.sh" "$C" "$CPROJECT_FILES" ||
		die "cannot generate the C project in $C" 1
	# Untimed: it builds and its program runs, before it is timed.
	make -s -C "$C" -j2 >"$RAW/make-check.log" 2>&1 && "$C/app" >>"$RAW/make-check.log" 2>&1 ||
		die "the generated C project in $C does not build or run: $(tail -3 "$RAW/make-check.log")" 1
	echo "$ME: make: $CPROJECT_FILES generated C files + main.c, $(wc -l "$C"/src/*.c | tail -1 | awk '{ print $1 }') lines; the program prints: $(tail -1 "$RAW/make-check.log")"
	hf make "make -s -C $C clean" "make -s -C $C -j2" -4
	rm -rf "$C"
fi

# shellcheck disable=SC2086 # the file list, split on purpose
FIO_FILES=
[ -n "$JOBS" ] && FIO_FILES=$(ls "$RAW"/fio-*.json)
"$BIN" import ${FIO_FILES:+--fio $FIO_FILES} ${HF_FILES:+--hyperfine $HF_FILES} --out "$OUT/results.json" ||
	die "subtree-bench import failed" 1
echo "$ME: $(($(date +%s) - start)) s; every command exited 0; $OUT/results.json:"
if command -v jq >/dev/null 2>&1; then
	jq -r '.runs[] | "  \(.workload)\t\(.backend)\tmedian \(.median_ns_per_op | floor) ns/op\toverhead \(.overhead_ns_per_op // "n/a" | if type == "number" then floor else . end) ns/op"' \
		"$OUT/results.json" | column -t -s "$(printf '\t')"
fi
