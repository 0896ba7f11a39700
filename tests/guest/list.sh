#!/bin/sh
# `list` on both boxes: the host refuses trampoline programs and says why in
# the kernel's words; the bench VM runs every backend it has.
. "$(dirname "$0")/../lib.sh"

"$BIN" list > "$T/host" 2>&1
if grep -Eq '^backend +bpf-lsm +notify +(available|unavailable: .*(EPERM|EINVAL|ENOENT|not permitted|support))' "$T/host"; then
	pass list-host-bpf-lsm-status
else
	fail list-host-bpf-lsm-status "$(grep bpf-lsm "$T/host")"
fi
"$BIN" list --box vm > "$T/vm" 2> "$T/vm.err"
st=$?
if [ $st -ne 0 ]; then
	fail list-vm "exit $st: $(tail -3 "$T/vm.err")"
	finish
fi
grep -q '^box  *vm (kernel 6\.12' "$T/vm" && pass list-vm-box || fail list-vm-box "$(head -1 "$T/vm")"
for b in none fanotify-user fanotify-dirmarks fanotify-kmod fanotify-bpf bpf-lsm bpf-fentry inotify; do
	if grep -Eq "^backend +$b +notify +available" "$T/vm"; then
		pass "list-vm-$b"
	else
		fail "list-vm-$b" "$(grep "backend *$b " "$T/vm")"
	fi
done
grep -Eq '^backend +bpf-lsm +deny +available' "$T/vm" && pass list-vm-bpf-lsm-deny ||
	fail list-vm-bpf-lsm-deny "$(grep 'bpf-lsm' "$T/vm")"
grep -Eq '^backend +bpf-fentry +deny +unavailable: ' "$T/vm" && pass list-vm-bpf-fentry-no-deny ||
	fail list-vm-bpf-fentry-no-deny "$(grep 'bpf-fentry' "$T/vm")"
# Landlock is built in and in CONFIG_LSM (kernel/config/bench.config): deny, no privilege.
grep -Eq '^backend +landlock +deny +available \(denies with EACCES; needs no privilege' "$T/vm" &&
	pass list-vm-landlock-deny || fail list-vm-landlock-deny "$(grep 'landlock' "$T/vm")"
finish
