#!/bin/sh
# Integration test of `subtree-bench compare` (the CI regression gate) on the
# hand-written results in tests/fixtures/compare/:
#   <kind>-base.json   a base (host: 12 repetitions, uniform ±3 % noise;
#                      vm-icount: 5 repetitions, ±0.02 %)
#   <kind>-slow5.json  the same, with every sample of the fanotify-user run
#                      5 % slower
#   host-noise.json    host re-measured: same distribution, other noise
# It proves compare exits 0 on an unchanged copy (and on noise) and 1 on the
# 5 % slowdown, for vm-icount and host; 1 when a run valid in BASE is missing,
# invalid or unavailable in NEW (variants of vm-icount-base.json made with jq),
# 0 for those with --allow-missing; and 2 on bad input. One closing line
# per test: `PASS name` or `FAIL name`. Exit 0 when all pass.
#
#   tests/integration/compare.sh        (after `make build`)
# SUBTREE_BENCH=path overrides the binary (default: ./subtree-bench).
# ROOT, BIN, T (scratch dir), pass/fail/finish.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
FIX=$ROOT/tests/fixtures/compare
TMP=$T

if [ ! -x "$BIN" ]; then
	echo "FAIL compare-binary: $BIN not found or not executable; fix: run 'make build' first"
	exit 1
fi

ID=fanotify-user/walk/open-close/notify/r10/d4/h0.5

for kind in vm-icount host; do
	cp "$FIX/$kind-base.json" "$TMP/$kind-same.json"
	expect "$kind-unchanged" 0 "compare: OK: no regression" "0 regressions" "0 lost in NEW" -- "$BIN" compare \
		"$FIX/$kind-base.json" "$TMP/$kind-same.json"
	expect "$kind-slower-5pct" 1 "REGRESSION  $ID/median_ns_per_op" \
		"compare: REGRESSION" -- "$BIN" compare "$FIX/$kind-base.json" "$FIX/$kind-slow5.json"
	# Faster is an improvement: reported, never a failure (host: -4.8 % on the
	# median is below --min-effect, the overhead improves by 7 %).
	expect "$kind-faster-is-not-failure" 0 "improved    $ID/" "compare: OK" -- "$BIN" compare \
		"$FIX/$kind-slow5.json" "$FIX/$kind-base.json"
done

# Host noise alone (same distribution, measured again) must not fail.
expect host-remeasured-noise 0 "compare: OK: no regression" -- "$BIN" compare \
	"$FIX/host-base.json" "$FIX/host-noise.json"
# ... and the slowdown is still found against the re-measured base.
expect host-slower-vs-remeasured 1 "REGRESSION  $ID/" -- "$BIN" compare \
	"$FIX/host-noise.json" "$FIX/host-slow5.json"
# vm-icount: a looser --threshold-icount lets 5 % through.
expect vm-icount-threshold-option 0 "compare: OK: no regression" -- "$BIN" compare \
	--threshold-icount=20 "$FIX/vm-icount-base.json" "$FIX/vm-icount-slow5.json"

# A run valid in BASE and lost in NEW fails the gate, naming the run and why;
# vm-icount overheads: a change under 0.3 % of the run's cost is one boot's
# layout (results/reproduce), not gated; past it, a 1 % overhead change is.
# bpf-lsm costs 1900 with an overhead of 400: +5 is 1.25 % of the overhead but
# under the floor of 5.7; +12 is past it (3 % of the overhead).
for d in 5 12; do
	jq --argjson d $d '(.runs[] | select(.backend == "bpf-lsm") | .samples_ns_per_op) |= map(. + $d)' \
		"$FIX/vm-icount-base.json" > "$TMP/lsm-plus$d.json"
done
expect icount-overhead-under-floor 0 "compare: OK: no regression" -- "$BIN" compare \
	"$FIX/vm-icount-base.json" "$TMP/lsm-plus5.json"
expect icount-overhead-past-floor 1 "REGRESSION  bpf-lsm/walk/open-close/notify/r10/d4/h0.5/overhead_ns_per_op" -- \
	"$BIN" compare "$FIX/vm-icount-base.json" "$TMP/lsm-plus12.json"
# An imported hyperfine run is not interleaved with its `none`: its overhead
# (a difference of medians) is shown, never gated, even when it grew 3x.
"$BIN" import --hyperfine "$ROOT/tests/fixtures/import-hyperfine/hyperfine-untar.json" \
	--out "$TMP/hf-base.json" > /dev/null 2>&1
jq '(.runs[] | select(.backend == "fanotify-user") | .samples_ns_per_op) |= map(. * 1.5)' \
	"$TMP/hf-base.json" > "$TMP/hf-slow.json"
expect hyperfine-overhead-not-gated 1 "undecided   fanotify-user/-/hyperfine:untar/notify/overhead_ns_per_op  (unpaired" \
	"REGRESSION  fanotify-user/-/hyperfine:untar/notify/median_ns_per_op" -- \
	"$BIN" compare "$TMP/hf-base.json" "$TMP/hf-slow.json"
# --allow-missing lists it and passes. NEW variants of the vm-icount base:
LSM=bpf-lsm/walk/open-close/notify/r10/d4/h0.5
B=$FIX/vm-icount-base.json
jq 'del(.runs[] | select(.backend == "bpf-lsm"))' "$B" >"$TMP/lost-missing.json"
jq '(.runs[] | select(.backend == "bpf-lsm") | .oracle) |=
	(.valid = false | .unexpected = 2 | .why = "2 unexpected events")' "$B" >"$TMP/lost-invalid.json"
jq 'del(.runs[] | select(.backend == "bpf-lsm")) | .unavailable += [{"backend": "bpf-lsm",
	"mode": "notify", "reason": "loading a minimal lsm/file_open program: EPERM"}]' \
	"$B" >"$TMP/lost-unavailable.json"
expect lost-missing 1 "  $LSM: missing from NEW" "compare: FAIL: 1 run valid in" \
	"--allow-missing" -- "$BIN" compare "$B" "$TMP/lost-missing.json"
expect lost-invalid 1 "  $LSM: invalid in NEW: 2 unexpected events" "compare: FAIL: 1 run" -- "$BIN" compare \
	"$B" "$TMP/lost-invalid.json"
expect lost-unavailable 1 \
	"  $LSM: unavailable in NEW: loading a minimal lsm/file_open program: EPERM" \
	"compare: FAIL: 1 run" -- "$BIN" compare "$B" "$TMP/lost-unavailable.json"
for v in missing invalid unavailable; do
	expect "lost-$v-allowed" 0 "allowed by --allow-missing" "  $LSM: " \
		"compare: OK: no regression" -- "$BIN" compare --allow-missing "$B" "$TMP/lost-$v.json"
done
# --allow-missing does not hide a regression of the runs that are there.
jq 'del(.runs[] | select(.backend == "bpf-lsm"))' "$FIX/vm-icount-slow5.json" >"$TMP/slow-lost.json"
expect lost-allowed-regression-still-fails 1 "compare: REGRESSION" "  $LSM: missing from NEW" -- "$BIN" compare \
	--allow-missing "$B" "$TMP/slow-lost.json"

# Bad input: exit 2 with a message naming the file and the fix.
expect different-box-kinds 2 "host-base.json" "vm-icount-base.json" "fix:" -- "$BIN" compare \
	"$FIX/host-base.json" "$FIX/vm-icount-base.json"
expect missing-file 2 "$TMP/nope.json" "fix:" -- "$BIN" compare "$TMP/nope.json" "$FIX/host-base.json"
printf '{"schema_version": 2, "runs": [' >"$TMP/broken.json"
expect not-json 2 "broken.json" "not JSON" -- "$BIN" compare "$FIX/host-base.json" "$TMP/broken.json"
printf '{"schema_version": 7, "box": {"kind": "host"}, "runs": []}\n' >"$TMP/v7.json"
expect wrong-schema 2 "schema_version 7" "fix:" -- "$BIN" compare "$FIX/host-base.json" "$TMP/v7.json"
expect usage-one-file 2 "BASE.json NEW.json" -- "$BIN" compare "$FIX/host-base.json"
expect help 0 "Examples:" "--threshold-icount" "--min-effect" "--alpha" "--allow-missing" \
	"compare --allow-missing" -- "$BIN" compare --help

if [ "$failures" -ne 0 ]; then
	echo "compare.sh: $failures test(s) failed"
else
	echo "compare.sh: all tests passed"
fi
finish
