// SPDX-License-Identifier: GPL-2.0
/*
 * create-unlink: create a new, uniquely named file in a leaf (open
 * O_CREAT|O_EXCL|O_WRONLY + close), then unlink it. The hit ratio decides
 * (seeded) whether the leaf is in scope; in scope, the file causes CREATE,
 * OPEN and DELETE. Notify mode only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "wl_common.h"

#define SALT_CREATE_UNLINK 0x6372656174756e6cULL

struct cu_priv {
	size_t n;
	struct sb_strs s;
	size_t *path;		/* [n] offsets in s */
};

static void cu_free(struct cu_priv *p)
{
	if (!p)
		return;
	sb_strs_free(&p->s);
	free(p->path);
	free(p);
}

static int cu_prepare(struct sb_wl_ctx *w, char *err, size_t errlen)
{
	const struct sb_tree *t = w->tree;
	struct cu_priv *p;
	uint64_t rng;

	w->priv = NULL;
	if (sb_wl_check(&sb_wl_create_unlink, w, err, errlen))
		return -1;
	p = calloc(1, sizeof(*p));
	if (!p || !(p->path = calloc(w->ops, sizeof(*p->path))))
		goto oom;
	p->n = w->ops;
	rng = sb_wl_rng(w, SALT_CREATE_UNLINK);
	for (size_t i = 0; i < p->n; i++) {
		bool in = sb_rand_unit(&rng) < w->hit_ratio;
		size_t c = sb_rand_below(&rng, t->nr_chains);
		const char *name;

		p->path[i] = sb_strs_add(&p->s, "%s/cu%u_%zu",
					 in ? t->in_leaf[c] : t->out_leaf[c], w->rep, i);
		if (p->path[i] == SIZE_MAX)
			goto oom;
		if (in) {
			name = sb_basename(p->s.buf + p->path[i]);
			sb_oracle_expect(w->oracle, SB_EV_CREATE, name);
			sb_oracle_expect(w->oracle, SB_EV_OPEN, name);
			sb_oracle_expect(w->oracle, SB_EV_DELETE, name);
		} else {
			sb_oracle_expect_outside(w->oracle, 3);
		}
	}
	w->priv = p;
	return 0;
oom:
	cu_free(p);
	return sb_wl_oom(&sb_wl_create_unlink, w, err, errlen);
}

static int cu_run(struct sb_wl_ctx *w)
{
	struct cu_priv *p = w->priv;

	for (size_t i = w->op_begin; i < w->op_end; i++) {
		const char *path = p->s.buf + p->path[i];
		int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);

		if (fd < 0)
			return -errno;
		close(fd);
		if (unlink(path))
			return -errno;
	}
	return 0;
}

/* run() removed everything unless it stopped early: remove what is left. */
static void cu_cleanup(struct sb_wl_ctx *w)
{
	struct cu_priv *p = w->priv;

	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		sb_remove_if_there(p->s.buf + p->path[i], false);
	cu_free(p);
	w->priv = NULL;
}

const struct sb_workload_ops sb_wl_create_unlink = {
	.name = "create-unlink",
	.summary = "create a new file in a leaf (open O_CREAT + close) and unlink it",
	.modes = SB_BIT(SB_MODE_NOTIFY),
	.needs_names = true,
	.prepare = cu_prepare,
	.run = cu_run,
	.finish = sb_wl_no_finish,
	.cleanup = cu_cleanup,
};
