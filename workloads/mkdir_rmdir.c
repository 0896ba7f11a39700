// SPDX-License-Identifier: GPL-2.0
/*
 * mkdir-rmdir: mkdir a new directory in a leaf, create a file inside it
 * (open O_CREAT + close), unlink the file, rmdir the directory. The file's
 * events test mark/tag inheritance: a new directory below a root is in scope
 * at once. In scope: CREATE(dir), CREATE(file), OPEN(file), DELETE(file),
 * DELETE(dir). Notify mode only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wl_common.h"

#define SALT_MKDIR_RMDIR 0x6d6b646972726d64ULL

struct md_priv {
	size_t n;
	struct sb_strs s;
	size_t *dir, *file;	/* [n] offsets in s */
};

static void md_free(struct md_priv *p)
{
	if (!p)
		return;
	sb_strs_free(&p->s);
	free(p->dir);
	free(p->file);
	free(p);
}

static int md_prepare(struct sb_wl_ctx *w, char *err, size_t errlen)
{
	const struct sb_tree *t = w->tree;
	struct md_priv *p;
	uint64_t rng;

	w->priv = NULL;
	if (sb_wl_check(&sb_wl_mkdir_rmdir, w, err, errlen))
		return -1;
	p = calloc(1, sizeof(*p));
	if (!p || !(p->dir = calloc(w->ops, sizeof(*p->dir))) ||
	    !(p->file = calloc(w->ops, sizeof(*p->file))))
		goto oom;
	p->n = w->ops;
	rng = sb_wl_rng(w, SALT_MKDIR_RMDIR);
	for (size_t i = 0; i < p->n; i++) {
		bool in = sb_rand_unit(&rng) < w->hit_ratio;
		size_t c = sb_rand_below(&rng, t->nr_chains);

		const char *leaf = in ? t->in_leaf[c] : t->out_leaf[c];

		p->dir[i] = sb_strs_add(&p->s, "%s/md%u_%zu", leaf, w->rep, i);
		p->file[i] = sb_strs_add(&p->s, "%s/md%u_%zu/mf%u_%zu", leaf, w->rep, i, w->rep, i);
		if (p->dir[i] == SIZE_MAX || p->file[i] == SIZE_MAX)
			goto oom;
		if (in) {
			const char *dir = sb_basename(p->s.buf + p->dir[i]);
			const char *file = sb_basename(p->s.buf + p->file[i]);

			sb_oracle_expect(w->oracle, SB_EV_CREATE, dir);
			sb_oracle_expect(w->oracle, SB_EV_CREATE, file);
			sb_oracle_expect(w->oracle, SB_EV_OPEN, file);
			sb_oracle_expect(w->oracle, SB_EV_DELETE, file);
			sb_oracle_expect(w->oracle, SB_EV_DELETE, dir);
		} else {
			sb_oracle_expect_outside(w->oracle, 5);
		}
	}
	w->priv = p;
	return 0;
oom:
	md_free(p);
	return sb_wl_oom(&sb_wl_mkdir_rmdir, w, err, errlen);
}

static int md_run(struct sb_wl_ctx *w)
{
	struct md_priv *p = w->priv;

	for (size_t i = w->op_begin; i < w->op_end; i++) {
		const char *dir = p->s.buf + p->dir[i];
		const char *file = p->s.buf + p->file[i];
		int fd;

		if (mkdir(dir, 0755))
			return -errno;
		fd = open(file, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
		if (fd < 0)
			return -errno;
		close(fd);
		if (unlink(file) || rmdir(dir))
			return -errno;
	}
	return 0;
}

static void md_cleanup(struct sb_wl_ctx *w)
{
	struct md_priv *p = w->priv;

	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		sb_remove_if_there(p->s.buf + p->file[i], false);
		sb_remove_if_there(p->s.buf + p->dir[i], true);
	}
	md_free(p);
	w->priv = NULL;
}

const struct sb_workload_ops sb_wl_mkdir_rmdir = {
	.name = "mkdir-rmdir",
	.summary = "mkdir in a leaf, create + unlink a file inside, rmdir (scope inheritance)",
	.modes = SB_BIT(SB_MODE_NOTIFY),
	.needs_names = true,
	.prepare = md_prepare,
	.run = md_run,
	.finish = sb_wl_no_finish,
	.cleanup = md_cleanup,
};
