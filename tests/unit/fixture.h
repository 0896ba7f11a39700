/* SPDX-License-Identifier: GPL-2.0 */
/* Test helpers shared by test_tree.c and test_workloads.c: temp dirs and listings. */
#ifndef SB_TEST_FIXTURE_H
#define SB_TEST_FIXTURE_H

#include <check.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "workloads/tree.h"
#include "workloads/wl_common.h"

/* A fresh empty directory; returns a malloc'd path. */
static inline char *fx_tempdir(void)
{
	char tmpl[] = "/tmp/sb-test-XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	return strdup(tmpl);
}

static inline void fx_rmdir(char *dir)
{
	ck_assert_int_eq(sb_rm_contents(dir), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	free(dir);
}

/* A sorted listing of every entry below a directory: "d rel/path" or "f rel/path". */
struct fx_list {
	char **v;
	size_t n, cap;
};

static struct fx_list *fx_cur;
static size_t fx_cur_skip;

static inline int fx_list_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	char *line;

	(void)st;
	if (ftw->level == 0)
		return 0;
	if (fx_cur->n == fx_cur->cap) {
		fx_cur->cap = fx_cur->cap ? fx_cur->cap * 2 : 256;
		fx_cur->v = realloc(fx_cur->v, fx_cur->cap * sizeof(char *));
		ck_assert_ptr_nonnull(fx_cur->v);
	}
	ck_assert_int_ge(asprintf(&line, "%c %s", type == FTW_D ? 'd' : 'f',
				  path + fx_cur_skip), 0);
	fx_cur->v[fx_cur->n++] = line;
	return 0;
}

static inline int fx_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static inline void fx_list(const char *dir, struct fx_list *l)
{
	memset(l, 0, sizeof(*l));
	fx_cur = l;
	fx_cur_skip = strlen(dir);
	ck_assert_int_eq(nftw(dir, fx_list_one, 32, FTW_PHYS), 0);
	if (l->n)
		qsort(l->v, l->n, sizeof(char *), fx_cmp);
}

static inline void fx_list_free(struct fx_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static inline void fx_list_eq(const struct fx_list *a, const struct fx_list *b)
{
	ck_assert_uint_eq(a->n, b->n);
	for (size_t i = 0; i < a->n; i++)
		ck_assert_str_eq(a->v[i], b->v[i]);
}

/* Is path equal to root or below it? Both normalised. */
static inline int fx_under(const char *root, const char *path)
{
	size_t n = strlen(root);

	return !strncmp(root, path, n) && (path[n] == '\0' || path[n] == '/');
}

static inline int fx_in_scope(const struct sb_tree *t, const char *path)
{
	for (size_t i = 0; i < t->nr_roots; i++)
		if (fx_under(t->roots[i], path))
			return 1;
	return 0;
}

static inline struct sb_tree_params fx_params(void)
{
	struct sb_tree_params p = {
		.rules = 5, .depth = 3, .root_depth = 2, .fanout = 2,
		.files_per_dir = 4, .chains = 2, .seed = 1,
	};
	return p;
}

#endif
