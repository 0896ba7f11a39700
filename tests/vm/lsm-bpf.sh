#!/bin/sh
# The guest kernel runs BPF LSM and Landlock (securityfs mounted), bpffs is mounted, and
# the kernel's BTF is there.
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
vm -- sh -c 'cat /sys/kernel/security/lsm; echo; grep " /sys/fs/bpf bpf " /proc/mounts >/dev/null && echo bpffs; test -s /sys/kernel/btf/vmlinux && echo btf'
[ "$st" = 0 ] || fail "exit $st: $(show "$WORK/err")"
head -n1 "$WORK/out" | tr ',' '\n' | grep -qx bpf || fail "lsm list: '$(show "$WORK/out")'"
head -n1 "$WORK/out" | tr ',' '\n' | grep -qx landlock || fail "landlock not in the lsm list: '$(show "$WORK/out")'"
grep -qx bpffs "$WORK/out" || fail "bpffs not mounted at /sys/fs/bpf"
grep -qx btf "$WORK/out" || fail "no /sys/kernel/btf/vmlinux"
pass
