# Test boxes `vm` / `vm-icount`: included by the top Makefile (`include scripts/vm/vm.mk`).
#   make vm-kernel          build (or reuse) the cached bench guest kernel
#   make vm-kernel-debug    the same for the debug (KASAN, lockdep, kmemleak) kernel
#   make vm-shell           interactive /bin/sh in the guest (VM_ARGS="--box vm-icount" etc.)
#   make test-vm            tests/vm/*.sh, then "N passed, N failed"
#                           (SUBTREE_BENCH_TEST_VM_ARGS="--variant debug" to test the other boxes)
# V=1 shows the kernel build.

VM_SCRIPTS ?= scripts/vm
VM_TESTS ?= tests/vm
VM_ARGS ?=

.PHONY: vm-kernel vm-kernel-debug vm-shell test-vm

vm-kernel:
	@$(VM_SCRIPTS)/kernel.sh --variant bench build >/dev/null

vm-kernel-debug:
	@$(VM_SCRIPTS)/kernel.sh --variant debug build >/dev/null

vm-shell:
	@$(VM_SCRIPTS)/run.sh --interactive --timeout 0 $(VM_ARGS) -- /bin/sh

test-vm: vm-kernel
	@pass=0; fail=0; \
	for t in $(VM_TESTS)/*.sh; do \
		if sh "$$t"; then pass=$$((pass + 1)); \
		else echo "  ($$t exited $$?)"; fail=$$((fail + 1)); fi; \
	done; \
	echo "$$pass passed, $$fail failed"; \
	[ $$fail -eq 0 ]
