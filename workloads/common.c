// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the tree builder and the workloads (see wl_common.h). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wl_common.h"

/* splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough here. */
uint64_t sb_rand_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double sb_rand_unit(uint64_t *state)
{
	return (double)(sb_rand_next(state) >> 11) * 0x1.0p-53;
}

uint64_t sb_rand_below(uint64_t *state, uint64_t n)
{
	/* Reject the top partial block so every value is equally likely. */
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t x;

	do
		x = sb_rand_next(state);
	while (x >= limit);
	return x % n;
}

uint64_t sb_wl_rng(const struct sb_wl_ctx *w, uint64_t salt)
{
	uint64_t state = w->seed ^ salt;

	/* One step so that nearby seeds do not give nearby streams' first draws. */
	sb_rand_next(&state);
	return state;
}

size_t sb_strs_add(struct sb_strs *s, const char *fmt, ...)
{
	va_list ap;
	size_t off = s->len;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 1 > SB_WL_MAX_PATH_BYTES - s->len)
		return SIZE_MAX;
	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		char *buf;

		while (cap < s->len + n + 1)
			cap *= 2;
		buf = realloc(s->buf, cap);
		if (!buf)
			return SIZE_MAX;
		s->buf = buf;
		s->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(s->buf + off, n + 1, fmt, ap);
	va_end(ap);
	s->len += n + 1;
	return off;
}

void sb_strs_free(struct sb_strs *s)
{
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

const char *sb_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int sb_wl_check(const struct sb_workload_ops *ops, struct sb_wl_ctx *w,
		char *err, size_t errlen)
{
	w->op_begin = w->op_done = 0;
	w->op_end = w->ops;
	if (!w->tree || !w->tree->nr_chains) {
		snprintf(err, errlen, "%s: no tree: build it with sb_tree_build() first", ops->name);
		return -1;
	}
	if (w->ops == 0) {
		snprintf(err, errlen, "%s: --ops is 0: give at least 1 operation per repetition",
			 ops->name);
		return -1;
	}
	if ((unsigned int)w->mode >= SB_MODE__COUNT || !(ops->modes & SB_BIT(w->mode))) {
		snprintf(err, errlen, "%s: --mode %s is not supported: this workload runs in %s mode only",
			 ops->name, sb_mode_name(w->mode),
			 ops->modes & SB_BIT(SB_MODE_NOTIFY) ? "notify" : "deny");
		return -1;
	}
	if (w->files && !ops->files_needed) {
		/* It makes a new object per operation: there is nothing to reuse. */
		snprintf(err, errlen, "%s: --files %zu (the burst regime) is for the workloads that open tree files (open-close, outside-fs): leave it 0 here",
			 ops->name, w->files);
		return -1;
	}
	if (!(w->hit_ratio >= 0.0 && w->hit_ratio <= 1.0)) {
		snprintf(err, errlen, "%s: --hit-ratio %g is out of range: give a share in [0, 1]",
			 ops->name, w->hit_ratio);
		return -1;
	}
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	if (ftw->level == 0)
		return 0;
	if ((type == FTW_DP ? rmdir(path) : unlink(path)) && errno != ENOENT)
		return errno;	/* > 0: stops the walk, nftw() returns it */
	return 0;
}

int sb_rm_contents(const char *dir)
{
	int ret = nftw(dir, rm_one, 32, FTW_DEPTH | FTW_PHYS);

	if (ret == -1)
		return -errno;
	return -ret;
}

int sb_remove_if_there(const char *path, bool dir)
{
	if ((dir ? rmdir(path) : unlink(path)) && errno != ENOENT)
		return -errno;
	return 0;
}

int sb_create_file(const char *path)
{
	int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

void sb_wl_no_finish(struct sb_wl_ctx *w)
{
	(void)w;
}

int sb_wl_oom(const struct sb_workload_ops *ops, const struct sb_wl_ctx *w,
	      char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: out of memory for %zu operations and their paths (at most %zu MiB of paths): lower --ops",
		 ops->name, w->ops, SB_WL_MAX_PATH_BYTES >> 20);
	return -1;
}
