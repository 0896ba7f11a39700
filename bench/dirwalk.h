/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the backends that watch every directory of a sub-tree from user space
 * share (fanotify-dirmarks' marks, inotify's watches): the walk that puts a
 * mark or a watch on each directory under a path, at attach and on every new
 * or moved-in directory, and the limits the kernel puts on their number.
 */
#ifndef SB_DIRWALK_H
#define SB_DIRWALK_H

#include <stdbool.h>
#include <stddef.h>

#include "rules.h"

/*
 * Called once per directory below (and including) the walk's path. Returns
 * 0 (done), 1 (failed, go on with the others) or -1 (failed, stop), with the
 * reason in err if err is still empty.
 */
typedef int (*sb_dir_fn)(void *ctx, const char *path, char *err, size_t errlen);

/*
 * Call fn on every directory under path (not crossing filesystems, not
 * following symlinks). strict: a directory the walk cannot enter or name
 * (unreadable, or its path longer than PATH_MAX) fails the walk, since it
 * would stay unwatched; one removed while the walk runs never does. 0, or
 * -1 with the first reason in err.
 */
int sb_dirs_walk(const char *path, bool strict, sb_dir_fn fn, void *ctx, char *err, size_t errlen);
/* The directories under every rule, roots included, or -1. */
long sb_dirs_count(const struct sb_rules *rules);
/* A number from /proc/sys (e.g. a watch limit), or -1 when it cannot be read. */
long sb_sysctl_long(const char *path);

#endif
