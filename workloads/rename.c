// SPDX-License-Identifier: GPL-2.0
/*
 * rename: move objects across sub-tree boundaries, to fresh names, then
 * touch (open + close) the moved file or the file inside the moved
 * directory. prepare() stages, per operation, a file or (a share
 * DIR_SHARE of them) a directory holding one file, in the source leaf.
 *
 * The hit ratio is the share of moves out->in (out_leaf -> in_leaf: the
 * object enters scope); the others move in->out. Expected, by scope at the
 * time of each event:
 *   out->in: MOVED_TO(new name), OPEN(touched file)  (new parent in scope)
 *   in->out: MOVED_FROM(old name)                    (old parent in scope;
 *            the touch happens out of scope)
 * Source and destination chains are drawn independently. Notify mode only.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wl_common.h"

#define SALT_RENAME	0x72656e616d650000ULL
#define DIR_SHARE	0.25

struct rn_op {
	size_t src, dst;	/* offsets in s: old and new path of the moved object */
	size_t touch;		/* the file to open after the move */
	bool dir;		/* a directory holding one file, else a file */
	bool in;		/* moves out->in, else in->out */
};

struct rn_priv {
	size_t n;		/* operations */
	size_t staged;		/* operations whose objects prepare() created */
	struct sb_strs s;
	struct rn_op *op;
};

/* Remove what prepare() staged and run() moved, wherever it is now. */
static void rn_remove(struct rn_priv *p)
{
	char inner[PATH_MAX];

	for (size_t i = 0; i < p->staged; i++) {
		const struct rn_op *op = &p->op[i];
		const char *src = p->s.buf + op->src, *dst = p->s.buf + op->dst;

		if (op->dir) {
			snprintf(inner, sizeof(inner), "%s/%s", src,
				 sb_basename(p->s.buf + op->touch));
			sb_remove_if_there(p->s.buf + op->touch, false);
			sb_remove_if_there(dst, true);
			sb_remove_if_there(inner, false);
			sb_remove_if_there(src, true);
		} else {
			sb_remove_if_there(dst, false);
			sb_remove_if_there(src, false);
		}
	}
	p->staged = 0;
}

static void rn_free(struct rn_priv *p)
{
	if (!p)
		return;
	rn_remove(p);
	sb_strs_free(&p->s);
	free(p->op);
	free(p);
}

/* Create op's object at its source; on failure says which path, in err. */
static int rn_stage(const struct rn_priv *p, const struct rn_op *op, char *err, size_t errlen)
{
	const char *src = p->s.buf + op->src;
	char inner[PATH_MAX];
	int e;

	if (!op->dir) {
		if (!(e = sb_create_file(src)))
			return 0;
	} else {
		snprintf(inner, sizeof(inner), "%s/%s", src, sb_basename(p->s.buf + op->touch));
		if (mkdir(src, 0755)) {
			e = -errno;
		} else if (!(e = sb_create_file(inner))) {
			return 0;
		} else {
			rmdir(src);
			src = inner;
		}
	}
	snprintf(err, errlen, "rename: cannot stage '%s': %s", src, strerror(-e));
	return -1;
}

static int rn_prepare(struct sb_wl_ctx *w, char *err, size_t errlen)
{
	const struct sb_tree *t = w->tree;
	struct rn_priv *p;
	uint64_t rng;

	w->priv = NULL;
	if (sb_wl_check(&sb_wl_rename, w, err, errlen))
		return -1;
	p = calloc(1, sizeof(*p));
	if (!p || !(p->op = calloc(w->ops, sizeof(*p->op))))
		goto oom;
	p->n = w->ops;
	rng = sb_wl_rng(w, SALT_RENAME);
	for (size_t i = 0; i < p->n; i++) {
		struct rn_op *op = &p->op[i];
		bool in = op->in = sb_rand_unit(&rng) < w->hit_ratio;
		size_t cs = sb_rand_below(&rng, t->nr_chains);
		size_t cd = sb_rand_below(&rng, t->nr_chains);
		const char *from = in ? t->out_leaf[cs] : t->in_leaf[cs];
		const char *to = in ? t->in_leaf[cd] : t->out_leaf[cd];
		unsigned int rep = w->rep;

		op->dir = sb_rand_unit(&rng) < DIR_SHARE;
		if (op->dir) {
			op->src = sb_strs_add(&p->s, "%s/rc%u_%zu", from, rep, i);
			op->dst = sb_strs_add(&p->s, "%s/rd%u_%zu", to, rep, i);
			op->touch = sb_strs_add(&p->s, "%s/rd%u_%zu/re%u_%zu", to, rep, i, rep, i);
		} else {
			op->src = sb_strs_add(&p->s, "%s/ra%u_%zu", from, rep, i);
			op->dst = sb_strs_add(&p->s, "%s/rb%u_%zu", to, rep, i);
			op->touch = op->dst;
		}
		if (op->src == SIZE_MAX || op->dst == SIZE_MAX || op->touch == SIZE_MAX)
			goto oom;
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct rn_op *op = &p->op[i];

		if (rn_stage(p, op, err, errlen)) {
			rn_free(p);	/* removes the p->staged objects made so far */
			return -1;
		}
		p->staged = i + 1;
		if (op->in) {
			sb_oracle_expect(w->oracle, SB_EV_MOVED_TO, sb_basename(p->s.buf + op->dst));
			sb_oracle_expect(w->oracle, SB_EV_OPEN, sb_basename(p->s.buf + op->touch));
			sb_oracle_expect_outside(w->oracle, 1);	/* MOVED_FROM */
		} else {
			sb_oracle_expect(w->oracle, SB_EV_MOVED_FROM, sb_basename(p->s.buf + op->src));
			sb_oracle_expect_outside(w->oracle, 2);	/* MOVED_TO, OPEN */
		}
	}
	w->priv = p;
	return 0;
oom:
	rn_free(p);
	return sb_wl_oom(&sb_wl_rename, w, err, errlen);
}

static int rn_run(struct sb_wl_ctx *w)
{
	struct rn_priv *p = w->priv;

	for (size_t i = w->op_begin; i < w->op_end; i++) {
		const struct rn_op *op = &p->op[i];
		int ret;

		if (rename(p->s.buf + op->src, p->s.buf + op->dst))
			return -errno;
		if ((ret = sb_touch_file(p->s.buf + op->touch)))
			return ret;
	}
	return 0;
}

static void rn_cleanup(struct sb_wl_ctx *w)
{
	rn_free(w->priv);
	w->priv = NULL;
}

const struct sb_workload_ops sb_wl_rename = {
	.name = "rename",
	.summary = "move files and small directories out->in and in->out of scope, then open them",
	.modes = SB_BIT(SB_MODE_NOTIFY),
	.needs_names = true,
	.prepare = rn_prepare,
	.run = rn_run,
	.finish = sb_wl_no_finish,
	.cleanup = rn_cleanup,
};
