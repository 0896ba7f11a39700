#!/bin/sh
# Install every Debian package subtree-bench needs. Idempotent: apt-get install
# of packages already present is a no-op; `apt-get update` runs only when a
# package is missing, so a warm box starts in well under a second.
set -eu

PACKAGES="make gcc clang libclang-rt-dev llvm libbpf-dev bpftool libelf-dev zlib1g-dev
libgsl-dev libjansson-dev check pkg-config
gnuplot-nox fio hyperfine
qemu-system-x86 dwarves linux-source-6.12 flex bison bc libssl-dev kmod cpio xz-utils patch
e2fsprogs xfsprogs btrfs-progs util-linux procps jq file"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages:$missing" >&2
	echo "deps.sh: run 'sudo make deps' (or install them with apt-get) and retry" >&2
	exit 1
fi
echo "deps.sh: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
