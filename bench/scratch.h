/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scratch space: the monitored filesystem (a tmpfs we mount, or a directory
 * under --root) and a second, unmonitored tmpfs for outside-fs. Unmounted on
 * every path: normal exit, SIGINT/SIGTERM, and crash signals.
 */
#ifndef SB_SCRATCH_H
#define SB_SCRATCH_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>

struct sb_scratch {
	char base[128];			/* /tmp/subtree-bench.<pid>.XXXXXX */
	char mon[PATH_MAX];		/* the monitored tree's top */
	char out[PATH_MAX];		/* the unmonitored filesystem's top */
	bool mon_mounted, out_mounted, own_mon;
};

/* Set by SIGINT/SIGTERM; a second signal cleans up and exits at once. */
extern volatile sig_atomic_t sb_interrupted;

int sb_scratch_open(struct sb_scratch *s, const char *root, char *err, size_t errlen);
/* Empty both trees for the next measured cell. */
int sb_scratch_reset(struct sb_scratch *s, char *err, size_t errlen);
void sb_scratch_close(struct sb_scratch *s);
/* Unmount what runs killed before they could clean up left behind. */
void sb_scratch_reap_stale(void);
/* SIGINT/SIGTERM set sb_interrupted; crash signals unmount s and re-raise. */
void sb_install_signal_handlers(struct sb_scratch *s);

#endif
