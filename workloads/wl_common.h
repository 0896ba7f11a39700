/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the tree builder and the workloads (workloads/common.c);
 * internal to workloads/.
 *
 * Names: every name the tree or a workload creates is one or two lower-case
 * letters, then decimal numbers joined by '_'. Single letters belong to the
 * tree (see tree.c), two-letter prefixes to the workloads:
 *   cu<rep>_<op>                 create-unlink file
 *   md<rep>_<op>, mf<rep>_<op>   mkdir-rmdir directory and the file inside
 *   ra<rep>_<op> -> rb<rep>_<op> rename: a file, old and new name
 *   rc<rep>_<op> -> rd<rep>_<op> rename: a directory, old and new name,
 *   re<rep>_<op>                 holding this file
 *   mt<rep>_<op>_<level>         mkdir-tree: the new directories, level 1..4
 *   mu<rep>_<op>                 mkdir-tree: the file in the deepest one
 *   sa<rep>_<k>                  rename-storm: staged directory k, as staged
 *   sb<rep>_<op>, sc<rep>_<op>   rename-storm: its name after a move in, out
 *   sd<rep>_<k>                  rename-storm: the directory inside it
 *   se<rep>_<op>                 rename-storm: the file opened after move in <op>
 * so no two objects share a name within a run, as long as the runner gives
 * every prepare() its own w->rep.
 */
#ifndef SB_WL_COMMON_H
#define SB_WL_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "workload.h"

/* Most bytes of precomputed paths one prepare() may allocate. */
#define SB_WL_MAX_PATH_BYTES ((size_t)1 << 30)

/* Uniform integer in [0, n), n > 0, without modulo bias. */
uint64_t sb_rand_below(uint64_t *state, uint64_t n);
/* A PRNG state for one workload: from the seed and a per-workload salt. */
uint64_t sb_wl_rng(const struct sb_wl_ctx *w, uint64_t salt);

/*
 * Append-only store of NUL-terminated strings, addressed by offset (the
 * buffer moves while it grows): s->buf + off is valid once prepare() ends.
 */
struct sb_strs {
	char *buf;
	size_t len, cap;
};

/* Returns the new string's offset, or SIZE_MAX when out of memory or over SB_WL_MAX_PATH_BYTES. */
size_t sb_strs_add(struct sb_strs *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_strs_free(struct sb_strs *s);

/* The last path component (the oracle's object name). */
const char *sb_basename(const char *path);

/*
 * The checks every prepare() starts with: a tree, ops >= 1, a mode this
 * workload supports. Returns 0, or -1 with a message naming the option.
 * Sets the slice run() performs to the whole list, [0, ops).
 */
int sb_wl_check(const struct sb_workload_ops *ops, struct sb_wl_ctx *w,
		char *err, size_t errlen);

/* finish() of the notify-only workloads: nothing to report. */
void sb_wl_no_finish(struct sb_wl_ctx *w);
/* prepare() ran out of memory (or over SB_WL_MAX_PATH_BYTES): -1 with a message. */
int sb_wl_oom(const struct sb_workload_ops *ops, const struct sb_wl_ctx *w,
	      char *err, size_t errlen);

/* Remove everything below dir (not dir itself); 0 or -errno. */
int sb_rm_contents(const char *dir);

/* unlink() or rmdir() where the object may be gone already; 0 or -errno. */
int sb_remove_if_there(const char *path, bool dir);

/* Create a new empty file (open O_CREAT|O_EXCL|O_WRONLY + close); 0 or -errno. */
int sb_create_file(const char *path);

/*
 * Open a file read-only and close it (the touch after a move); 0 or -errno.
 * Inline: rename and rename-storm call it between the clock reads.
 */
static inline int sb_touch_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/*
 * The open-close engine, shared by open-close (tree files, by hit ratio) and
 * outside-fs (files on the unmonitored filesystem only).
 */
/* files_needed: ops distinct files per side, or the burst regime's N. */
size_t sb_openclose_files_needed(size_t ops, size_t files);
int sb_openclose_prepare(struct sb_wl_ctx *w, const struct sb_workload_ops *ops,
			 bool outside, char *err, size_t errlen);
int sb_openclose_run(struct sb_wl_ctx *w);
void sb_openclose_finish(struct sb_wl_ctx *w);
void sb_openclose_cleanup(struct sb_wl_ctx *w);

#endif
