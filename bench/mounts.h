/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A superblock's device number as the kernel has it (s_dev), for a path:
 * stat(2)'s st_dev is not s_dev everywhere (a btrfs subvolume reports a
 * device of its own), but the mount a path was resolved through
 * (statx's stx_mnt_id) has s_dev in its /proc/self/mountinfo line.
 */
#ifndef SB_MOUNTS_H
#define SB_MOUNTS_H

#include <stddef.h>
#include <stdint.h>

struct sb_mount_dev {
	uint64_t id;
	uint32_t major, minor;	/* of the mount's s_dev */
	char *root, *point;	/* its root within its filesystem, its mount point; or NULL */
	char *fstype;		/* e.g. "cgroup2"; or NULL */
};

struct sb_mounts {
	struct sb_mount_dev *v;
	size_t n;
};

/* Every mount of this mount namespace; n = 0 if unreadable. */
void sb_mounts_read(struct sb_mounts *m);
void sb_mounts_free(struct sb_mounts *m);
/*
 * s_dev of the superblock under fd (with path "" and AT_EMPTY_PATH) or
 * under path (fd = AT_FDCWD): 0, or -1 when the kernel gives no mount id
 * or the mount is not in m (the caller keeps st_dev then).
 */
int sb_mounts_sdev(const struct sb_mounts *m, int fd, const char *path,
		   uint32_t *major, uint32_t *minor);

/*
 * The path of the directory under fd within its filesystem (from the
 * superblock's root, as the kernel's dentry names spell it: the mount's
 * root in /proc/self/mountinfo, then the path below the mount point), for
 * rules matched by path (the prefix strategy), from the mounts in m. 0, or
 * -1 with err.
 */
int sb_mounts_fs_path(const struct sb_mounts *m, int fd, char *out, size_t len,
		      char *err, size_t errlen);

#endif
