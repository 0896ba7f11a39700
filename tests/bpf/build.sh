#!/bin/sh
# Build $BUILD/tests/bpf_check (default BUILD=build), the standalone checks of
# the bpf-lsm and bpf-fentry backends. The BPF skeletons come from the top
# Makefile (so vmlinux.h from the bench kernel). SAN=1: with ASan and UBSan.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
SANFLAGS=
if [ "${SAN:-0}" = 1 ]; then
	SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer"
	SANFLAGS="$SANFLAGS -fno-sanitize-recover=undefined"
fi
PKGS="libbpf jansson libelf zlib"
make --no-print-directory BUILD="$BUILD" "$BUILD/bpf/bpf_lsm.skel.h" "$BUILD/bpf/bpf_fentry.skel.h"
mkdir -p "$BUILD/tests"
# shellcheck disable=SC2046,SC2086
gcc -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror $SANFLAGS -I. -I"$BUILD" -I"$BUILD/bpf" \
	$(pkg-config --cflags $PKGS) \
	tests/bpf/bpf_check.c bench/bpf_common.c bench/backends/bpf_lsm.c \
	bench/backends/bpf_fentry.c bench/rules.c \
	$(pkg-config --libs $PKGS) -o "$BUILD/tests/bpf_check"
echo "$BUILD/tests/bpf_check"
