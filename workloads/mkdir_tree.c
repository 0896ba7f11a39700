// SPDX-License-Identifier: GPL-2.0
/*
 * mkdir-tree: `mkdir -p` of LEVELS new directories, one inside the other,
 * in a leaf (the hit ratio picks an in- or out-of-scope one, as in
 * mkdir-rmdir), then create a file in the deepest (open O_CREAT + close).
 * Nothing is removed until cleanup(), so every object keeps its name and
 * place while a consumer reads its events. In scope: CREATE of each
 * directory, CREATE(file), OPEN(file). Notify mode only.
 *
 * The race it shows: a backend that follows new directories from user space
 * (fanotify-dirmarks, inotify) marks level 1 when it reads its CREATE, by
 * which time levels 2 to 4 and the file exist: their events were never
 * reported to it. A kernel-side filter decides at each event and loses none.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "wl_common.h"

#define SALT_MKDIR_TREE 0x6d6b646972747265ULL
#define LEVELS 4
/* Longest "/mt<rep>_<op>_<level>" or "/mu<rep>_<op>", NUL included */
#define NAME_LEN 48

struct mt_op {
	size_t dir[LEVELS];	/* offsets in s: level 1 (in the leaf) to LEVELS */
	size_t file;		/* in dir[LEVELS - 1] */
};

struct mt_priv {
	size_t n;
	struct sb_strs s;
	struct mt_op *op;	/* [n] */
};

static void mt_free(struct mt_priv *p)
{
	if (!p)
		return;
	sb_strs_free(&p->s);
	free(p->op);
	free(p);
}

static int mt_prepare(struct sb_wl_ctx *w, char *err, size_t errlen)
{
	const struct sb_tree *t = w->tree;
	struct mt_priv *p;
	uint64_t rng;
	char path[PATH_MAX];

	w->priv = NULL;
	if (sb_wl_check(&sb_wl_mkdir_tree, w, err, errlen))
		return -1;
	p = calloc(1, sizeof(*p));
	if (!p || !(p->op = calloc(w->ops, sizeof(*p->op))))
		goto oom;
	p->n = w->ops;
	rng = sb_wl_rng(w, SALT_MKDIR_TREE);
	for (size_t i = 0; i < p->n; i++) {
		struct mt_op *op = &p->op[i];
		bool in = sb_rand_unit(&rng) < w->hit_ratio;
		size_t c = sb_rand_below(&rng, t->nr_chains);
		const char *leaf = in ? t->in_leaf[c] : t->out_leaf[c];
		size_t len = (size_t)snprintf(path, sizeof(path), "%s", leaf);

		/* level l + 1 is level l's path and one more name: built here, then stored */
		if (len >= sizeof(path) - (LEVELS + 1) * NAME_LEN)
			goto too_long;
		for (unsigned int l = 0; l < LEVELS; l++) {
			len += snprintf(path + len, NAME_LEN, "/mt%u_%zu_%u", w->rep, i, l + 1);
			if ((op->dir[l] = sb_strs_add(&p->s, "%s", path)) == SIZE_MAX)
				goto oom;
		}
		op->file = sb_strs_add(&p->s, "%s/mu%u_%zu", path, w->rep, i);
		if (op->file == SIZE_MAX)
			goto oom;
		if (in) {
			for (unsigned int l = 0; l < LEVELS; l++)
				sb_oracle_expect(w->oracle, SB_EV_CREATE,
						 sb_basename(p->s.buf + op->dir[l]));
			sb_oracle_expect(w->oracle, SB_EV_CREATE, sb_basename(p->s.buf + op->file));
			sb_oracle_expect(w->oracle, SB_EV_OPEN, sb_basename(p->s.buf + op->file));
		} else {
			sb_oracle_expect_outside(w->oracle, LEVELS + 2);
		}
	}
	w->priv = p;
	return 0;
oom:
	mt_free(p);
	return sb_wl_oom(&sb_wl_mkdir_tree, w, err, errlen);
too_long:
	snprintf(err, errlen, "mkdir-tree: the leaf '%s' is too long for %d more levels below it (PATH_MAX %d): lower --depth or use a shorter --root",
		 path, LEVELS, PATH_MAX);
	mt_free(p);
	return -1;
}

static int mt_run(struct sb_wl_ctx *w)
{
	struct mt_priv *p = w->priv;
	int ret;

	for (size_t i = w->op_begin; i < w->op_end; i++) {
		const struct mt_op *op = &p->op[i];

		for (unsigned int l = 0; l < LEVELS; l++)
			if (mkdir(p->s.buf + op->dir[l], 0755))
				return -errno;
		if ((ret = sb_create_file(p->s.buf + op->file)))
			return ret;
	}
	return 0;
}

/* Remove what run() made, deepest first; after an early stop some never were. */
static void mt_cleanup(struct sb_wl_ctx *w)
{
	struct mt_priv *p = w->priv;

	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		const struct mt_op *op = &p->op[i];

		sb_remove_if_there(p->s.buf + op->file, false);
		for (unsigned int l = LEVELS; l-- > 0;)
			sb_remove_if_there(p->s.buf + op->dir[l], true);
	}
	mt_free(p);
	w->priv = NULL;
}

const struct sb_workload_ops sb_wl_mkdir_tree = {
	.name = "mkdir-tree",
	.summary = "mkdir -p of 4 new levels in a leaf, create a file in the deepest (the new-directory race)",
	.modes = SB_BIT(SB_MODE_NOTIFY),
	.needs_names = true,
	.prepare = mt_prepare,
	.run = mt_run,
	.finish = sb_wl_no_finish,
	.cleanup = mt_cleanup,
};
