// SPDX-License-Identifier: GPL-2.0
/*
 * open-close: open and close existing leaf files. Per operation, the hit
 * ratio decides (seeded) whether the file is in scope (in_files) or out of
 * scope at the same depth (out_files). Notify: OPEN of every in-scope file.
 * Deny: in-scope opens must fail with EPERM (or the backend's
 * w->deny_errno), the others succeed; run()
 * records each outcome, finish() reports them.
 *
 * Which file: by default (w->files == 0) each side takes its files in one
 * seeded permutation, without replacement, so no file is opened twice in a
 * repetition: fanotify has no identical unread opens to merge, and every
 * backend handles the same events for the same work. Both sides walk the
 * same permutation, so the k-th in-scope file and the k-th out-of-scope one
 * are twins (same chain, same position). The tree holds ops files per side
 * (files_needed). Burst (w->files = N): each operation draws, with
 * replacement, among the permutation's first N files of its side.
 *
 * The engine is shared with outside-fs, which opens the outside tree's files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "wl_common.h"

#define SALT_OPEN_CLOSE	0x6f70656e636c6f73ULL
#define SALT_OUTSIDE	0x6f75747369646566ULL
#define SALT_PICK	0x7069636b66696c65ULL	/* which file, apart from which side */

struct oc_priv {
	size_t n;
	const char **path;	/* [n] into the tree's own strings */
	bool *in;		/* [n] in scope */
	int *err;		/* [n] deny mode: errno of each open, 0 if allowed */
	bool deny;
	int deny_errno;		/* what a denied open fails with */
};

size_t sb_openclose_files_needed(size_t ops, size_t files)
{
	return files ? files : ops;
}

static void oc_free(struct oc_priv *p)
{
	if (!p)
		return;
	free(p->path);
	free(p->in);
	free(p->err);
	free(p);
}

/* The first k of n indices in a seeded order: Fisher-Yates stopped after k draws. */
static size_t *oc_permutation(size_t n, size_t k, uint64_t *rng)
{
	size_t *v = calloc(n, sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++)
		v[i] = i;
	for (size_t i = 0; i < k && i + 1 < n; i++) {
		size_t j = i + sb_rand_below(rng, n - i);
		size_t tmp = v[i];

		v[i] = v[j];
		v[j] = tmp;
	}
	return v;
}

int sb_openclose_prepare(struct sb_wl_ctx *w, const struct sb_workload_ops *ops,
			 bool outside, char *err, size_t errlen)
{
	const struct sb_tree *t = w->tree;
	uint64_t salt = outside ? SALT_OUTSIDE : SALT_OPEN_CLOSE;
	size_t nfiles, next[2] = { 0, 0 }, *perm = NULL;
	struct oc_priv *p;
	uint64_t rng, pick;

	w->priv = NULL;
	if (sb_wl_check(ops, w, err, errlen))
		return -1;
	if (outside && !t->outside_files) {
		snprintf(err, errlen, "%s: the tree has no outside tree: mount a second tmpfs and build the tree with it as outside_top",
			 ops->name);
		return -1;
	}
	nfiles = sb_openclose_files_needed(w->ops, w->files);
	if (nfiles > t->nr_files) {
		if (w->files)
			snprintf(err, errlen, "%s: --files %zu: the tree holds %zu files per side: build it with min_files = files_needed(ops, files)",
				 ops->name, nfiles, t->nr_files);
		else
			snprintf(err, errlen, "%s: --ops %zu opens as many distinct files, the tree holds %zu per side: build it with min_files = files_needed(ops, files)",
				 ops->name, nfiles, t->nr_files);
		return -1;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		goto oom;
	p->n = w->ops;
	p->deny = w->mode == SB_MODE_DENY;
	p->deny_errno = w->deny_errno ? w->deny_errno : EPERM;
	p->path = calloc(p->n, sizeof(*p->path));
	p->in = calloc(p->n, sizeof(*p->in));
	p->err = p->deny ? calloc(p->n, sizeof(*p->err)) : NULL;
	pick = sb_wl_rng(w, salt ^ SALT_PICK);
	perm = oc_permutation(t->nr_files, nfiles, &pick);
	if (!p->path || !p->in || (p->deny && !p->err) || !perm)
		goto oom;

	rng = sb_wl_rng(w, salt);
	for (size_t i = 0; i < p->n; i++) {
		bool in = !outside && sb_rand_unit(&rng) < w->hit_ratio;
		size_t j = w->files ? perm[sb_rand_below(&pick, nfiles)] : perm[next[in]++];

		p->in[i] = in;
		p->path[i] = outside ? t->outside_files[j] : in ? t->in_files[j] : t->out_files[j];
		if (p->deny)
			continue;	/* finish() reports the outcomes */
		if (in)
			sb_oracle_expect_path(w->oracle, SB_EV_OPEN, p->path[i]);
		else
			sb_oracle_expect_outside(w->oracle, 1);
	}
	free(perm);
	w->priv = p;
	return 0;
oom:
	free(perm);
	oc_free(p);
	return sb_wl_oom(ops, w, err, errlen);
}

int sb_openclose_run(struct sb_wl_ctx *w)
{
	struct oc_priv *p = w->priv;

	for (size_t i = w->op_begin; i < w->op_end; i++) {
		int fd = open(p->path[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			int e = errno;

			if (!p->deny)
				return -e;
			p->err[i] = e;
			if (e != p->deny_errno) {
				w->op_done = i + 1;
				return -e;
			}
			continue;
		}
		close(fd);
	}
	w->op_done = w->op_end;
	return 0;
}

void sb_openclose_finish(struct sb_wl_ctx *w)
{
	struct oc_priv *p = w->priv;

	if (!p || !p->deny)
		return;
	for (size_t i = w->op_begin; i < w->op_done; i++)
		sb_oracle_open_outcome(w->oracle, p->in[i], p->err[i]);
}

void sb_openclose_cleanup(struct sb_wl_ctx *w)
{
	oc_free(w->priv);
	w->priv = NULL;
}

static int open_close_prepare(struct sb_wl_ctx *w, char *err, size_t errlen)
{
	return sb_openclose_prepare(w, &sb_wl_open_close, false, err, errlen);
}

const struct sb_workload_ops sb_wl_open_close = {
	.name = "open-close",
	.summary = "open and close existing leaf files, in scope by the hit ratio",
	.modes = SB_BIT(SB_MODE_NOTIFY) | SB_BIT(SB_MODE_DENY),
	.files_needed = sb_openclose_files_needed,
	.prepare = open_close_prepare,
	.run = sb_openclose_run,
	.finish = sb_openclose_finish,
	.cleanup = sb_openclose_cleanup,
};
