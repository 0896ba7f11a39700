/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scratch space: the monitored filesystem (a tmpfs we mount, a fresh
 * ext4/xfs/btrfs on a loop device over a sparse image, an overlay, or a
 * directory under --root) and a second, unmonitored tmpfs for outside-fs.
 * Unmounted (and loop devices detached, images removed) on every path:
 * normal exit, SIGINT/SIGTERM, and crash signals.
 */
#ifndef SB_SCRATCH_H
#define SB_SCRATCH_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

/* The monitored filesystem of a cell (`run --fs`). */
enum sb_fs {
	SB_FS_TMPFS,
	SB_FS_EXT4,
	SB_FS_XFS,
	SB_FS_BTRFS,		/* the tree is built in a subvolume */
	SB_FS_OVERLAY,		/* lower and upper on a tmpfs; the merged mount is monitored */
	SB_FS__COUNT
};

const char *sb_fs_name(enum sb_fs fs);
int sb_fs_parse(const char *name, enum sb_fs *fs);
/*
 * What a backend's refusal on fs means, when we know (why: its message), else "".
 */
const char *sb_fs_refusal_hint(enum sb_fs fs, const char *why);
/* 0 when this box can make fs (kernel support, mkfs tool, loop devices); else why not. */
int sb_fs_available(enum sb_fs fs, char *why, size_t len);

struct sb_scratch {
	char base[128];			/* /tmp/subtree-bench.<pid>.XXXXXX */
	char mnt[PATH_MAX];		/* the monitored filesystem's mount point */
	char mon[PATH_MAX];		/* the monitored tree's top: mnt, or its btrfs subvolume */
	char out[PATH_MAX];		/* the unmonitored filesystem's top */
	char img[PATH_MAX];		/* the block filesystems' sparse image */
	char ovl[PATH_MAX];		/* a tmpfs holding overlay's lower, upper and work */
	enum sb_fs fs;
	bool mon_mounted, out_mounted, own_mon, ovl_mounted;
};

/* Set by SIGINT/SIGTERM; a second signal cleans up and exits at once. */
extern volatile sig_atomic_t sb_interrupted;

/* The monitored filesystem starts as a tmpfs (or root, when given). */
int sb_scratch_open(struct sb_scratch *s, const char *root, char *err, size_t errlen);
/* Empty both trees for the next measured cell. */
int sb_scratch_reset(struct sb_scratch *s, char *err, size_t errlen);
/* The same, with a fresh filesystem of type fs as the monitored one (not with --root). */
int sb_scratch_reset_fs(struct sb_scratch *s, enum sb_fs fs, char *err, size_t errlen);
void sb_scratch_close(struct sb_scratch *s);
/* Unmount, detach and remove what runs killed before they could clean up left behind. */
void sb_scratch_reap_stale(void);
/* SIGINT/SIGTERM set sb_interrupted; crash signals unmount s and re-raise. */
void sb_install_signal_handlers(struct sb_scratch *s);

#endif
