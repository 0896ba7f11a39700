# libperf, built from the kernel source's tools/lib/perf by scripts/libperf.sh
# and cached outside the tree (see that script). Included by the Makefile.
#
#   LIBPERF_STAMP   file target: builds (or reuses) the cached libperf
#   LIBPERF_CFLAGS  -I for <perf/evsel.h> and friends
#   LIBPERF_LIBS    static libperf plus the libapi it calls into
#
# `scripts/libperf.sh prefix` only prints the path (no build), so parsing the
# Makefile stays cheap; the build runs when a target needs LIBPERF_STAMP.

LIBPERF_SH := scripts/libperf.sh
LIBPERF_PREFIX := $(shell $(LIBPERF_SH) prefix)
ifeq ($(LIBPERF_PREFIX),)
$(error $(LIBPERF_SH) prefix printed nothing: is linux-source-6.12 installed? run 'make deps')
endif

LIBPERF_STAMP := $(LIBPERF_PREFIX)/.ok
LIBPERF_CFLAGS := -I$(LIBPERF_PREFIX)/include
LIBPERF_LIBS := -L$(LIBPERF_PREFIX)/lib -l:libperf.a -l:libapi.a

# The script is idempotent: if the entry is complete it returns at once, and
# the touch records that it matches the current script.
$(LIBPERF_STAMP): $(LIBPERF_SH) | $(DEPS_STAMP)
	$(call msg,LIBPERF,$(LIBPERF_PREFIX))
	$(Q)p=$$($(LIBPERF_SH) build) && if [ "$$p" != "$(LIBPERF_PREFIX)" ]; then \
		echo "libperf: built into $$p, but this make expected $(LIBPERF_PREFIX) (linux-source was installed meanwhile): run make again" >&2; exit 1; fi
	$(Q)touch $@
