#!/bin/sh
# `make test`: the whole suite, then one closing line `N passed, N failed`.
#   unit         Check programs (build/tests/test_*)
#   integration  host tests (tests/integration/*.sh): monitor, run, rules,
#                cleanup, watchdog, limits, sigkill-deny, compare, report,
#                fs, import, shard (run --shard and merge), export
#   vm           the bench VM (tests/vm/*.sh) and the harness inside it
#                (tests/guest/*.sh: list, run --backend all, monitor, a kill
#                mid-run, limits: ring-buffer drops, rmmod while attached)
#   kernel       the fanotify filter series in the VM (tests/kernel/run.sh),
#                on the bench kernel and once on the debug (KASAN) kernel,
#                which builds and runs in the background beside the others
#   san          unit and integration again, built with ASan and UBSan
#   fuzz         each libFuzzer target (tests/fuzz/: the spec, rule list,
#                results, compare, merge and import parsers) for a fixed
#                number of inputs on its committed corpus (`make fuzz`: longer)
# TESTS=unit,integration,... picks phases (default: all of them).
# Every test prints `PASS name` / `FAIL name: why` / `SKIP name: why`;
# Check programs are counted from their summary line.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
TESTS=${TESTS:-unit,integration,vm,kernel,san,fuzz}
LOGS=$ROOT/build/test-logs
mkdir -p "$LOGS"
passed=0 failed=0 skipped=0
START=$(date +%s)

want() { case ",$TESTS," in *",$1,"*) return 0 ;; esac; return 1; }
phase() { printf "\n== %s == (at %s s)\n" "$*" $(($(date +%s) - START)); }

# tally NAME STATUS LOG: count the PASS/FAIL/SKIP lines of one test script.
tally() {
	p=$(grep -c '^PASS ' "$3") f=$(grep -c '^FAIL ' "$3") s=$(grep -c '^SKIP ' "$3")
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $1: exited $2 without a FAIL line (log: $3)"
		failed=$((failed + 1))
	elif [ "$2" -eq 0 ] && [ $((p + f + s)) -eq 0 ]; then
		echo "FAIL $1: printed no result (log: $3)"
		failed=$((failed + 1))
	fi
}

# script NAME CMD...: run one test script, its output to the terminal and a log.
script() {
	name=$1
	shift
	log=$LOGS/$(echo "$name" | tr '/ ' '__').log
	st=0
	{ "$@" 2>&1 || echo "exit-status $?"; } | tee "$log" | grep -E '^(PASS|FAIL|SKIP) |^---|^\| '
	st=$(sed -n 's/^exit-status //p' "$log" | tail -1)
	tally "$name" "${st:-0}" "$log"
}

# unit BUILD: run every Check program of that build.
unit() {
	for t in "$1"/tests/test_*; do
		[ -x "$t" ] || continue
		name=$(basename "$t")${2:-}
		log=$LOGS/$name.log
		"$t" > "$log" 2>&1
		st=$?
		line=$(grep -E '^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$log" | tail -1)
		if [ -z "$line" ]; then
			echo "FAIL $name: no Check summary, exit $st (log: $log)"
			failed=$((failed + 1))
			continue
		fi
		n=$(echo "$line" | sed 's/.*Checks: \([0-9]*\).*/\1/')
		f=$(echo "$line" | sed 's/.*Failures: \([0-9]*\).*/\1/')
		e=$(echo "$line" | sed 's/.*Errors: \([0-9]*\).*/\1/')
		bad=$((f + e))
		passed=$((passed + n - bad)) failed=$((failed + bad))
		if [ "$bad" -eq 0 ] && [ $st -eq 0 ]; then
			echo "PASS $name ($n checks)"
		else
			echo "FAIL $name: $line"
			grep -E ':[EF]:' "$log" | head -5
			[ "$bad" -eq 0 ] && failed=$((failed + 1))
		fi
	done
}

integration() {
	for t in tests/integration/*.sh; do
		script "integration/$(basename "$t" .sh)${1:-}" sh "$t"
	done
}

# kernel VARIANT: tests/kernel/run.sh reports "ok|not ok GROUP (N checks, M
# failed)" per test group, a splat check, and `SKIP name: why` for a check
# that could not run; as PASS/FAIL/SKIP lines.
kernel() {
	# The debug kernel (KASAN, lockdep) runs the same groups several times slower.
	"$ROOT/tests/kernel/run.sh" --variant "$1" --timeout $([ "$1" = debug ] && echo 2700 || echo 1800) 2>&1
	st=$?
	[ $st -eq 0 ] || echo "FAIL kernel-$1: tests/kernel/run.sh exited $st (a failed check or a kernel splat; see above)"
	return $st
}
kernel_results() {
	sed -n "s/^ok \(.*\) (\([0-9]*\) checks, 0 failed)$/PASS kernel-$1 \1 (\2 checks)/p; s/^not ok \(.*\)/FAIL kernel-$1 \1/p; s/^SKIP \(.*\)/SKIP kernel-$1 \1/p; s/^guest.sh: kernel log: no splats$/PASS kernel-$1 no splats in the kernel log/p"
}
# kernel_run VARIANT: the series' tests on that kernel, into its log, its
# .results (the PASS/FAIL/SKIP lines) and its .status.
kernel_run() {
	log=$LOGS/kernel-$1.log
	kernel "$1" > "$log"
	echo $? > "$log.status"
	kernel_results "$1" < "$log" > "$log.results"
	grep "^FAIL" "$log" >> "$log.results"
}
# kernel_show VARIANT: print and count what kernel_run wrote.
kernel_show() {
	phase "fanotify filter series in the VM ($1 kernel)"
	log=$LOGS/kernel-$1.log
	cat "$log.results"
	tally "kernel/$1" "$(cat "$log.status" 2>/dev/null || echo 1)" "$log.results"
}
want_kernel() { want kernel && [ -x tests/kernel/run.sh ]; }

if want unit; then
	phase "unit tests"
	make -s test-unit || { echo "FAIL build: make test-unit"; failed=$((failed + 1)); }
	unit build
fi
# The debug kernel takes longest, to build and to test: on a fresh machine
# it builds (niced) beside the host and bench-VM phases, whose one-vCPU
# guests leave a core idle much of the time, and its guest runs beside the
# san and fuzz phases, its results shown after them. tests/kernel/run.sh
# waits for this build (kernel.sh holds a lock per variant) and builds the
# kernel itself if this one failed. The bench kernel was built for the unit
# tests' vmlinux.h.
if want_kernel; then
	echo "(the debug kernel builds in the background: $LOGS/kernel-debug-build.log)"
	nice -n 10 scripts/vm/kernel.sh --variant debug build > "$LOGS/kernel-debug-build.log" 2>&1 &
fi
if want integration; then
	phase "integration tests (host: $(uname -r))"
	integration
fi
if want vm; then
	phase "bench VM"
	for t in tests/vm/*.sh tests/guest/*.sh; do
		[ -f "$t" ] || continue
		script "$(basename "$(dirname "$t")")/$(basename "$t" .sh)" sh "$t"
	done
fi
debug_pid=
if want_kernel; then
	kernel_run bench
	kernel_show bench
	echo "(the debug kernel's guest runs in the background from here: $LOGS/kernel-debug.log)"
	kernel_run debug &
	debug_pid=$!
fi
if want san; then
	phase "unit and integration tests under ASan and UBSan"
	if make -s SAN=1 test-unit build-san/subtree-bench; then
		unit build-san " (asan)"
		SUBTREE_BENCH=$ROOT/build-san/subtree-bench ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
			UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 integration " (asan)"
	else
		echo "FAIL build: make SAN=1"
		failed=$((failed + 1))
	fi
fi
if want fuzz; then
	phase "fuzz targets (libFuzzer, ASan, UBSan; fixed seed and inputs)"
	if make -s fuzz-bins; then
		script fuzz tests/fuzz/run.sh
	else
		echo "FAIL build: make fuzz-bins"
		failed=$((failed + 1))
	fi
fi
if [ -n "$debug_pid" ]; then
	wait "$debug_pid"
	kernel_show debug
fi
echo
echo "$passed passed, $failed failed, $skipped skipped (in $(($(date +%s) - START)) s)"
[ "$failed" -eq 0 ]
