// SPDX-License-Identifier: GPL-2.0
/*
 * rename-storm: whole sub-trees moving in and out of scope, one rename(2)
 * per operation. prepare() stages DIRS directories in out-of-scope leaves,
 * each two levels deep (sa/sd) with, at the bottom, one file for every time
 * it will be moved in. Operation 2j moves directory j mod DIRS into an
 * in-scope leaf and opens and closes its next file there; operation 2j + 1
 * moves it back out to an out-of-scope leaf. Every move gives the directory
 * a new name, and each visit opens its own file, so no event repeats a key.
 * Leaves are drawn per move (seeded); the hit ratio does not apply.
 *
 * Expected, by scope at the time of each event (the rename model):
 *   move in:  MOVED_TO(new name), OPEN(the visit's file)  (new parent in scope)
 *   move out: MOVED_FROM(old name)                        (old parent in scope)
 * A backend that follows moved-in directories from user space marks them
 * when it reads MOVED_TO, which is after the open: it loses the OPEN. A tag
 * strategy sees every directory rename invalidate its tags.
 *
 * Deny mode: the same moves, and after each an open of a file of its own
 * inside the moved directory: after a move in it must fail (in scope), after
 * a move out it must succeed, so a verdict that outlives the move (a stale
 * tag, a mark left on a moved-out directory) fails the run either way.
 * One thread: each move of a directory starts where its last move left it,
 * so its list cannot be split between threads (serial).
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

#define SALT_RENAME_STORM 0x72656e73746f726dULL
#define DIRS 8

struct rs_op {
	size_t src, dst;	/* offsets in s: the directory's path before and after */
	size_t touch;		/* move in: the file to open after it (deny mode: after every move) */
	bool in;		/* moves out->in, else in->out */
};

struct rs_priv {
	size_t n;		/* operations */
	size_t nr_dirs;		/* DIRS, or fewer when there are fewer moves in */
	size_t staged;		/* directories prepare() created so far */
	struct sb_strs s;
	size_t home[DIRS];	/* offsets in s: each directory where it was staged */
	struct rs_op *op;
	bool deny;
	int deny_errno;		/* what a denied open fails with */
	int *err;		/* [n] deny mode: errno of each op's open, 0 if allowed */
};

/* Remove a staged directory and everything in it, if it is at path. */
static void rs_rm_tree(const char *path)
{
	if (sb_rm_contents(path) == 0)
		rmdir(path);
}

/* Remove what prepare() staged, wherever run() left it: all its names are unique. */
static void rs_remove(struct rs_priv *p)
{
	if (!p->staged)
		return;
	for (size_t i = 0; i < p->n; i++)
		rs_rm_tree(p->s.buf + p->op[i].dst);
	for (size_t k = 0; k < p->staged; k++)
		rs_rm_tree(p->s.buf + p->home[k]);
	p->staged = 0;
}

static void rs_free(struct rs_priv *p)
{
	if (!p)
		return;
	rs_remove(p);
	sb_strs_free(&p->s);
	free(p->op);
	free(p->err);
	free(p);
}

/* Directory k at its home, the directory inside it and one file per visit. */
static int rs_stage(const struct sb_wl_ctx *w, const struct rs_priv *p, size_t k,
		    char *err, size_t errlen)
{
	const char *home = p->s.buf + p->home[k];
	char path[PATH_MAX];
	int e = 0;

	snprintf(path, sizeof(path), "%s", home);
	if (mkdir(path, 0755))
		e = -errno;
	if (!e) {
		snprintf(path, sizeof(path), "%s/sd%u_%zu", home, w->rep, k);
		if (mkdir(path, 0755))
			e = -errno;
	}
	/*
	 * Visit j of the directory is ops 2j (in) and 2j + 1 (out): a file for
	 * the open after each, after the move out in deny mode only.
	 */
	for (size_t j = k; !e && 2 * j < p->n; j += p->nr_dirs) {
		size_t last = p->deny ? 2 * j + 1 : 2 * j;

		for (size_t i = 2 * j; !e && i < p->n && i <= last; i++) {
			snprintf(path, sizeof(path), "%s/sd%u_%zu/%s", home, w->rep, k,
				 sb_basename(p->s.buf + p->op[i].touch));
			e = sb_create_file(path);
		}
	}
	if (!e)
		return 0;
	snprintf(err, errlen, "rename-storm: cannot stage '%s': %s", path, strerror(-e));
	return -1;
}

static int rs_prepare(struct sb_wl_ctx *w, char *err, size_t errlen)
{
	const struct sb_tree *t = w->tree;
	size_t cur[DIRS];	/* offsets in s: where each directory is before operation i */
	struct rs_priv *p;
	unsigned int rep = w->rep;
	uint64_t rng;

	w->priv = NULL;
	if (sb_wl_check(&sb_wl_rename_storm, w, err, errlen))
		return -1;
	p = calloc(1, sizeof(*p));
	if (!p || !(p->op = calloc(w->ops, sizeof(*p->op))))
		goto oom;
	p->n = w->ops;
	p->deny = w->mode == SB_MODE_DENY;
	p->deny_errno = w->deny_errno ? w->deny_errno : EPERM;
	if (p->deny && !(p->err = calloc(p->n, sizeof(*p->err))))
		goto oom;
	p->nr_dirs = (p->n + 1) / 2 < DIRS ? (p->n + 1) / 2 : DIRS;
	for (size_t k = 0; k < p->nr_dirs; k++) {
		p->home[k] = sb_strs_add(&p->s, "%s/sa%u_%zu", t->out_leaf[k % t->nr_chains], rep, k);
		if (p->home[k] == SIZE_MAX)
			goto oom;
		cur[k] = p->home[k];
	}
	rng = sb_wl_rng(w, SALT_RENAME_STORM);
	for (size_t i = 0; i < p->n; i++) {
		struct rs_op *op = &p->op[i];
		size_t k = i / 2 % p->nr_dirs;
		size_t c = sb_rand_below(&rng, t->nr_chains);

		op->in = i % 2 == 0;
		op->src = cur[k];
		if (op->in) {
			op->dst = sb_strs_add(&p->s, "%s/sb%u_%zu", t->in_leaf[c], rep, i);
			op->touch = sb_strs_add(&p->s, "%s/sb%u_%zu/sd%u_%zu/se%u_%zu", t->in_leaf[c],
						rep, i, rep, k, rep, i);
		} else {
			op->dst = sb_strs_add(&p->s, "%s/sc%u_%zu", t->out_leaf[c], rep, i);
			op->touch = p->deny ? sb_strs_add(&p->s, "%s/sc%u_%zu/sd%u_%zu/sf%u_%zu", t->out_leaf[c],
							 rep, i, rep, k, rep, i) : op->dst;
		}
		if (op->dst == SIZE_MAX || op->touch == SIZE_MAX)
			goto oom;
		cur[k] = op->dst;
	}
	for (size_t k = 0; k < p->nr_dirs; k++) {
		p->staged = k + 1;	/* a half-made one too: rs_free() removes it */
		if (rs_stage(w, p, k, err, errlen)) {
			rs_free(p);
			return -1;
		}
	}
	for (size_t i = 0; i < p->n && !p->deny; i++) {
		const struct rs_op *op = &p->op[i];

		if (op->in) {
			sb_oracle_expect(w->oracle, SB_EV_MOVED_TO, sb_basename(p->s.buf + op->dst));
			sb_oracle_expect(w->oracle, SB_EV_OPEN, sb_basename(p->s.buf + op->touch));
			sb_oracle_expect_outside(w->oracle, 1);	/* MOVED_FROM */
		} else {
			sb_oracle_expect(w->oracle, SB_EV_MOVED_FROM, sb_basename(p->s.buf + op->src));
			sb_oracle_expect_outside(w->oracle, 1);	/* MOVED_TO */
		}
	}
	w->priv = p;
	return 0;
oom:
	rs_free(p);
	return sb_wl_oom(&sb_wl_rename_storm, w, err, errlen);
}

static int rs_run(struct sb_wl_ctx *w)
{
	struct rs_priv *p = w->priv;

	for (size_t i = w->op_begin; i < w->op_end; i++) {
		const struct rs_op *op = &p->op[i];
		int ret;

		if (rename(p->s.buf + op->src, p->s.buf + op->dst)) {
			w->op_done = i;
			return -errno;
		}
		if (p->deny) {
			ret = sb_touch_file(p->s.buf + op->touch);
			p->err[i] = -ret;
			if (ret && -ret != p->deny_errno) {
				w->op_done = i + 1;
				return ret;
			}
		} else if (op->in && (ret = sb_touch_file(p->s.buf + op->touch))) {
			return ret;
		}
	}
	w->op_done = w->op_end;
	return 0;
}

/* Deny mode: each open's outcome, in scope after a move in. */
static void rs_finish(struct sb_wl_ctx *w)
{
	struct rs_priv *p = w->priv;

	if (!p || !p->deny)
		return;
	for (size_t i = w->op_begin; i < w->op_done; i++)
		sb_oracle_open_outcome(w->oracle, p->op[i].in, p->err[i]);
}

static void rs_cleanup(struct sb_wl_ctx *w)
{
	rs_free(w->priv);
	w->priv = NULL;
}

const struct sb_workload_ops sb_wl_rename_storm = {
	.name = "rename-storm",
	.summary = "move 8 staged two-level directories into scope and out again, open a file inside while in (deny: after every move; the hit ratio does not apply)",
	.modes = SB_BIT(SB_MODE_NOTIFY) | SB_BIT(SB_MODE_DENY),
	.needs_names = true,
	.serial = true,	/* each move starts where the one before left the directory */
	.prepare = rs_prepare,
	.run = rs_run,
	.finish = rs_finish,
	.cleanup = rs_cleanup,
};
