#!/bin/sh
# A sharded sweep on one machine with GNU parallel (Debian package
# `parallel`): shard I of N for I = 1..N, JOBS at a time, then one merge.
#
#   scripts/shard/parallel.sh N OUT.json RUN-OPTIONS...
#   JOBS=4 scripts/shard/parallel.sh 4 results/q.json --box vm-icount --spec scripts/matrices/quick.spec
#
# Each shard writes OUT-shard-I.json (and .csv); OUT.json is their merge.
# The one-liner it runs is
#
#   parallel -j JOBS subtree-bench run RUN-OPTIONS --shard {}/N --out OUT-shard-{}.json ::: 1 2 ... N &&
#     subtree-bench merge OUT-shard-*.json --out OUT.json
#
# JOBS (default 1). Shards running at once share the machine: on --box
# vm-icount that does not change a figure (guest time is an instruction
# count, whatever the host's load), so JOBS can go up to the CPUs there
# are (each VM takes one, and 1 GiB); on the host box and --box
# vm they would measure each other: keep JOBS=1 there (the shards then only
# cut the sweep into parts that can be re-run alone).
# SUBTREE_BENCH overrides the binary (default: this clone's ./subtree-bench).
# Exit status: 0; 1 when a shard did not exit 0 (a run failed the oracle and
# is kept as invalid, or bad input: see its messages); merge's own when it
# refuses (2: a shard is missing, or the files do not belong together).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${SUBTREE_BENCH:-$ROOT/subtree-bench}
JOBS=${JOBS:-1}
if [ $# -lt 2 ]; then
	sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
fi
N=$1 OUT=$2
shift 2
command -v parallel > /dev/null || { echo "parallel.sh: GNU parallel is not installed (Debian: apt-get install parallel)" >&2; exit 2; }
base=${OUT%.json}
rm -f "$base"-shard-*.json
st=0
# --halt never: a shard with an invalid run (exit 1) has results all the same.
parallel --will-cite --halt never -j "$JOBS" -q "$BIN" run "$@" --shard "{}/$N" --out "$base-shard-{}.json" \
	::: $(seq "$N") || st=$?
"$BIN" merge "$base"-shard-*.json --out "$OUT" || exit $?
[ "$st" -eq 0 ] || exit 1
