#!/bin/sh
# The kernel subtree of scripts/realistic.sh's untar-linux and git workloads
# as an uncompressed tar, made on the host before a bench VM run: under TCG,
# xz alone takes the guest more than 5 minutes for the 150 MB tarball, once
# per run but longer than most of the measurements. realistic.sh takes the
# tar in SUBTREE_BENCH_LINUX_TAR (tar reads it with or without xz) and still
# re-packs the subtree itself (fixed order, owner, mtime).
#
#   scripts/realistic-linux-tar.sh OUT.tar [TARBALL [SUBTREE]]
#     TARBALL  default /usr/src/linux-source-6.12.tar.xz (scripts/deps.sh)
#     SUBTREE  default linux-source-6.12/fs (its member directory)
# Exit status: 0 written; 1 extraction failed; 2 bad arguments.
set -u
ME=realistic-linux-tar.sh
[ $# -ge 1 ] && [ $# -le 3 ] || { echo "usage: scripts/realistic-linux-tar.sh OUT.tar [TARBALL [SUBTREE]]" >&2; exit 2; }
OUT=$1 TXZ=${2:-/usr/src/linux-source-6.12.tar.xz} SUB=${3:-linux-source-6.12/fs}
SUB=${SUB%/}
[ -r "$TXZ" ] || { echo "$ME: '$TXZ' not found or not readable; fix: scripts/deps.sh installs linux-source-6.12" >&2; exit 2; }
case $SUB in '' | /* | *..*) echo "$ME: SUBTREE '$SUB': give a member directory of the tarball, e.g. linux-source-6.12/fs" >&2; exit 2 ;; esac
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sb-linux-tar.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$(dirname "$OUT")" || exit 1
tar -xf "$TXZ" -C "$TMP" "$SUB" || { echo "$ME: cannot extract $SUB from $TXZ" >&2; exit 1; }
tar --sort=name --mtime=@946684800 --owner=0 --group=0 --numeric-owner -cf "$OUT.tmp" -C "$TMP" "$SUB" &&
	mv "$OUT.tmp" "$OUT" || { rm -f "$OUT.tmp"; echo "$ME: cannot write $OUT" >&2; exit 1; }
echo "$ME: $OUT: $SUB of $TXZ, $(tar -tf "$OUT" | grep -c '[^/]$') files, $(wc -c <"$OUT") bytes"
