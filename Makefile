# subtree-bench: `make bench` measures, `make test` checks. See README.md.
#
# User space is C11 with -Wall -Wextra -Werror; BPF objects are built the
# libbpf-bootstrap way (clang -target bpf, vmlinux.h from the bench kernel's
# BTF, bpftool skeletons). SAN=1 builds everything with ASan and UBSan into
# build-san/; FUZZ=1 with clang, ASan, UBSan and libFuzzer's coverage into
# build-fuzz/, for the fuzz targets (tests/fuzz/).

.DELETE_ON_ERROR:
.SECONDARY:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)"
endif

CLANG ?= clang
SAN ?= 0
FUZZ ?= 0
ifeq ($(FUZZ),1)
BUILD := build-fuzz
SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
CC := $(CLANG)
else ifeq ($(SAN),1)
BUILD := build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
CC := gcc
else
BUILD := build
SANFLAGS :=
CC := gcc
endif

BPFTOOL ?= bpftool
PKGS := libbpf gsl jansson libelf zlib
CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror $(SANFLAGS) \
	-I. -I$(BUILD) -I$(BUILD)/bpf
LDFLAGS := $(SANFLAGS)
LDLIBS = $(LIBPERF_LIBS) $(shell pkg-config --libs $(PKGS)) -lpthread -lm

ARCH_BPF := x86
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH_BPF) -I$(BUILD) -Ibpf -Wall -Werror

BIN := subtree-bench
SRCS := $(wildcard bench/*.c bench/backends/*.c bench/report/*.c workloads/*.c)
OBJS := $(patsubst %.c,$(BUILD)/%.o,$(SRCS))
BPF_SRCS := $(wildcard bpf/*.bpf.c)
SKELS := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.skel.h,$(BPF_SRCS))

DEPS_STAMP := build/.deps-ok
# A fresh box: install what is missing before anything reads pkg-config.
ifeq ($(wildcard $(DEPS_STAMP)),)
$(shell scripts/deps.sh >&2 && mkdir -p build && touch $(DEPS_STAMP))
endif
KERNEL_SH := scripts/vm/kernel.sh

.PHONY: all build deps test test-unit fuzz fuzz-bins bench report baseline realistic soak clean FORCE

all: build
build: $(BIN)

# scripts/deps.sh is idempotent; the stamp keeps it off the common path.
deps $(DEPS_STAMP): scripts/deps.sh
	$(Q)scripts/deps.sh
	$(Q)mkdir -p build && touch $(DEPS_STAMP)

-include scripts/libperf.mk
-include scripts/vm/vm.mk

# vmlinux.h comes from the bench kernel's BTF: that kernel has every type the
# BPF programs touch (including the fanotify filter struct_ops); CO-RE
# relocates them for the host kernel.
# VMLINUX_BTF=FILE (e.g. /sys/kernel/btf/vmlinux) skips the kernel build, for
# quick host-only work.
ifeq ($(VMLINUX_BTF),)
$(sort $(BUILD)/kernel.key build/kernel.key): FORCE | $(DEPS_STAMP)
	$(Q)mkdir -p $(BUILD)
	$(Q)$(KERNEL_SH) key > $@.tmp && (cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@)

$(BUILD)/vmlinux.h: $(BUILD)/kernel.key
	$(call msg,BTF,$@)
	$(Q)kdir=$$($(KERNEL_SH) build) && $(BPFTOOL) btf dump file $$kdir/vmlinux format c > $@
else
$(BUILD)/vmlinux.h: $(VMLINUX_BTF) | $(DEPS_STAMP)
	$(call msg,BTF,$@)
	$(Q)mkdir -p $(BUILD)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@
endif

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) $(BUILD)/vmlinux.h | $(DEPS_STAMP)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bpf/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

$(BUILD)/%.o: %.c | $(DEPS_STAMP) $(SKELS) $(LIBPERF_STAMP)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LIBPERF_CFLAGS) $(shell pkg-config --cflags $(PKGS)) -MMD -MP -c $< -o $@

$(BUILD)/$(BIN): $(OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BIN): $(BUILD)/$(BIN)
	$(Q)ln -sf $(BUILD)/$(BIN) $@

# The fanotify filter module, built against the bench kernel from a copy of
# kmod/ (out-of-tree builds write next to their sources). The harness loads
# it from build/kmod/ in the guest.
KMOD := build/kmod/fanotify_subtree.ko
$(KMOD): kmod/fanotify_subtree.c kmod/Kbuild bench/fanotify_filter.h bench/rule_table.h build/kernel.key
	$(call msg,KMOD,$@)
	$(Q)kdir=$$($(KERNEL_SH) build) && rm -rf $(@D) && mkdir -p $(@D) && \
		cp kmod/fanotify_subtree.c kmod/Kbuild bench/fanotify_filter.h bench/rule_table.h $(@D)/ && \
		$(MAKE) -s -C $$kdir M=$(abspath $(@D)) modules

# The same module against the debug kernel, for make soak VARIANT=debug (the
# harness loads it through SUBTREE_BENCH_KMOD).
KMOD_DEBUG := build/kmod-debug/fanotify_subtree.ko
$(KMOD_DEBUG): kmod/fanotify_subtree.c kmod/Kbuild bench/fanotify_filter.h bench/rule_table.h FORCE
	$(call msg,KMOD,$@)
	$(Q)kdir=$$($(KERNEL_SH) --variant debug build) && rm -rf $(@D) && mkdir -p $(@D) && \
		cp kmod/fanotify_subtree.c kmod/Kbuild bench/fanotify_filter.h bench/rule_table.h $(@D)/ && \
		$(MAKE) -s -C $$kdir M=$(abspath $(@D)) modules

ifeq ($(VMLINUX_BTF),)
build: $(KMOD)
endif

-include $(OBJS:.o=.d)

# Unit tests: one Check program per tests/unit/test_*.c, linked with every
# object but main.o.
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
LIB_OBJS := $(filter-out $(BUILD)/bench/main.o,$(OBJS))

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LIBPERF_CFLAGS) $(shell pkg-config --cflags $(PKGS) check) $< $(LIB_OBJS) \
		$(LDFLAGS) $(LDLIBS) $(shell pkg-config --libs check) -o $@

test-unit: $(UNIT_BINS)
test: build
	$(Q)tests/run.sh

# Fuzz targets: one libFuzzer program per tests/fuzz/fuzz_*.c, linked with
# every object but main.o of the FUZZ=1 build. `make test` runs each for a
# fixed number of inputs; `make fuzz` for FUZZ_TIME seconds each
# (tests/fuzz/run.sh).
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,build-fuzz/fuzz/%,$(FUZZ_SRCS))

ifeq ($(FUZZ),1)
$(BUILD)/fuzz/%: tests/fuzz/%.c $(wildcard tests/fuzz/*.h) $(LIB_OBJS)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(shell pkg-config --cflags $(PKGS)) -fsanitize=fuzzer $< $(LIB_OBJS) \
		$(LDFLAGS) $(LDLIBS) -o $@

fuzz-bins: $(FUZZ_BINS)
else
fuzz-bins:
	$(Q)$(MAKE) --no-print-directory FUZZ=1 fuzz-bins
endif
fuzz: fuzz-bins
	$(Q)tests/fuzz/run.sh --time $(or $(FUZZ_TIME),60)

bench: build
	$(Q)scripts/bench.sh

# REPORT.md and the figures, from the committed results alone: the default
# set, and beside it the wall-clock set of the host (make bench BOX=host
# SET=host) when there is one, which also gets its own report in results/host.
# results/landlock-host (the default matrix's deny line on the host, with landlock)
# has its own.
# The default set's headline also fills the figures block of the series'
# cover letter (kernel/patches/0000-cover-letter.patch; kernel.sh skips it).
report: build
	$(Q)./$(BIN) report --out-dir results/default --report-md REPORT.md \
		--cover-letter kernel/patches/0000-cover-letter.patch results/default/results.json \
		$(wildcard results/host/results.json) \
		$(addprefix --realistic ,$(wildcard results/realistic/results.json))
	$(Q)if [ -f results/host/results.json ]; then \
		./$(BIN) report --out-dir results/host results/host/results.json; fi
	$(Q)./$(BIN) report --out-dir results/landlock-host results/landlock-host/results.json
	$(Q)if [ -f results/tag/results.json ]; then \
		./$(BIN) report --out-dir results/tag results/tag/results.json; fi
	$(Q)if [ -f results/prefix/results.json ]; then \
		./$(BIN) report --out-dir results/prefix results/prefix/results.json; fi
	$(Q)if [ -f results/setup/results.json ]; then \
		./$(BIN) report --out-dir results/setup results/setup/results.json; fi
	$(Q)if [ -f results/threads/results.json ]; then \
		./$(BIN) report --out-dir results/threads results/threads/results.json; fi

# Real-world workloads (fio jobs; untar, git status, git diff, make -j2 timed by
# hyperfine) under every backend this box runs (scripts/realistic.sh; BOX=vm for
# all of them: results/realistic, README.md there; other boxes write
# results/realistic-host, so the committed VM set stays). For the VM the kernel subtree is
# unpacked on the host first: xz takes the TCG guest minutes.
REALISTIC_LINUX_TAR := build/realistic/linux-subtree.tar
$(REALISTIC_LINUX_TAR): scripts/realistic-linux-tar.sh
	$(Q)scripts/realistic-linux-tar.sh $@

realistic: build $(if $(filter vm,$(BOX)),$(REALISTIC_LINUX_TAR))
	$(Q)if [ "$(BOX)" = vm ]; then mkdir -p results/realistic && \
		SUBTREE_BENCH_LINUX_TAR="$(CURDIR)/$(REALISTIC_LINUX_TAR)" SUBTREE_BENCH_WARMUP=$(or $(WARMUP),1) \
		./$(BIN) vm --box vm --timeout 0 --share "$(CURDIR)/results/realistic" -- \
		scripts/realistic.sh "$(CURDIR)/results/realistic" $(or $(REPS),5); \
	else scripts/realistic.sh results/realistic-host $(or $(REPS),5); fi

# Soak (scripts/soak.sh; results/soak/README.md): DURATION (whole seconds or
# with s, m or h; default 1h) of cycles attaching and detaching every backend
# under the workloads and rename storms, in the bench VM on the debug kernel
# (KASAN, lockdep, kmemleak; VARIANT=bench for the other), with kmemleak scans
# and the splat grep. The summary and the raw files go to SOAK_OUT (default
# results/soak). The guest gets DURATION and half as much again plus
# 10 min: the cycle running when DURATION is up finishes (on the debug kernel a
# cycle takes minutes), then the final scans.
DURATION ?= 1h
VARIANT ?= debug
SOAK_OUT ?= results/soak
soak: build $(if $(filter debug,$(VARIANT)),$(KMOD_DEBUG))
	$(Q)secs=$$(scripts/soak.sh --seconds '$(DURATION)') && mkdir -p '$(SOAK_OUT)' && \
		out=$$(cd '$(SOAK_OUT)' && pwd) && \
		$(if $(filter debug,$(VARIANT)),SUBTREE_BENCH_KMOD='$(CURDIR)/$(KMOD_DEBUG)') \
		SUBTREE_BENCH_SOAK_VARIANT='$(VARIANT)' ./$(BIN) vm --box vm --variant '$(VARIANT)' \
		--timeout $$((secs + secs / 2 + 600)) --share "$$out" -- scripts/soak.sh '$(DURATION)' "$$out"

# The CI baseline: the quick matrix in vm-icount (results/baseline/README.md).
baseline: build
	$(Q)./$(BIN) run --box vm-icount --spec scripts/matrices/quick.spec --ops 2000 --reps 10 \
		--out results/baseline/quick.json

clean:
	rm -rf build build-san build-fuzz $(BIN)

FORCE:
