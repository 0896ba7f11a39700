// SPDX-License-Identifier: GPL-2.0
/* The tree builder: shape, names, scope, determinism, parameter errors. */
#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"

static char err[512];

static size_t components(const char *path)
{
	size_t n = 0;

	for (; *path; path++)
		n += *path == '/';
	return n;
}

/* Counts over a built tree, taken from the filesystem itself. */
static const struct sb_tree *walk_tree;
static size_t walk_dirs, walk_dirs_in_scope, walk_files, walk_names_n;
static char **walk_names;

static int walk_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	if (ftw->level == 0)
		return 0;
	walk_names[walk_names_n++] = strdup(path + ftw->base);
	if (type == FTW_D) {
		walk_dirs++;
		walk_dirs_in_scope += fx_in_scope(walk_tree, path);
	} else {
		ck_assert_int_eq(type, FTW_F);
		ck_assert(!S_ISLNK(st->st_mode));
		walk_files++;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(test_shape)
{
	struct sb_tree_params p = fx_params();
	char *top = fx_tempdir(), *outside = fx_tempdir();
	size_t nfiles = (size_t)p.chains * p.files_per_dir;
	size_t root_comp, top_comp;
	struct sb_tree t;

	ck_assert_msg(sb_tree_build(&t, top, outside, &p, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(t.nr_roots, 5);
	ck_assert_uint_eq(t.nr_chains, 2);
	/* roots + in chains x depth x (1 + fanout) */
	ck_assert_uint_eq(t.nr_dirs, 5 + 2 * 3 * 3);
	ck_assert_ptr_nonnull(t.outside_files);

	/* Roots: exactly root_depth levels below top, all distinct. */
	top_comp = components(t.top);
	root_comp = top_comp + p.root_depth;
	for (size_t i = 0; i < t.nr_roots; i++) {
		struct stat st;

		ck_assert(fx_under(t.top, t.roots[i]));
		ck_assert_uint_eq(components(t.roots[i]), root_comp);
		ck_assert_int_eq(stat(t.roots[i], &st), 0);
		ck_assert(S_ISDIR(st.st_mode));
	}

	/* Leaves and files: depth below a root / the same depth in no root. */
	for (size_t c = 0; c < t.nr_chains; c++) {
		char real[PATH_MAX];

		ck_assert_ptr_nonnull(realpath(t.in_leaf[c], real));
		ck_assert_str_eq(real, t.in_leaf[c]);
		ck_assert(fx_in_scope(&t, t.in_leaf[c]));
		ck_assert(!fx_in_scope(&t, t.out_leaf[c]));
		ck_assert(fx_under(t.top, t.out_leaf[c]));
		ck_assert(fx_under(t.outside_top, t.outside_leaf[c]));
		ck_assert_uint_eq(components(t.in_leaf[c]), root_comp + p.depth);
		ck_assert_uint_eq(components(t.out_leaf[c]), root_comp + p.depth);
		ck_assert_uint_eq(components(t.outside_leaf[c]) - components(t.outside_top),
				  p.root_depth + p.depth);
		for (size_t k = 0; k < p.files_per_dir; k++) {
			size_t j = c * p.files_per_dir + k;

			ck_assert(fx_under(t.in_leaf[c], t.in_files[j]));
			ck_assert(fx_under(t.out_leaf[c], t.out_files[j]));
			ck_assert(fx_under(t.outside_leaf[c], t.outside_files[j]));
		}
	}
	for (size_t j = 0; j < nfiles; j++) {
		char real[PATH_MAX];
		struct stat st;

		ck_assert_ptr_nonnull(realpath(t.in_files[j], real));
		ck_assert(fx_in_scope(&t, real));
		ck_assert_ptr_nonnull(realpath(t.out_files[j], real));
		ck_assert(!fx_in_scope(&t, real));
		ck_assert_ptr_nonnull(realpath(t.outside_files[j], real));
		ck_assert(!fx_in_scope(&t, real));
		ck_assert(!fx_under(t.top, real));
		ck_assert_int_eq(stat(t.in_files[j], &st), 0);
		ck_assert(S_ISREG(st.st_mode));
		/* the twins have the same lookup length */
		ck_assert_uint_eq(components(t.in_files[j]), components(t.out_files[j]));
	}

	/* Count everything on disk; every name is unique across both trees. */
	walk_tree = &t;
	walk_dirs = walk_dirs_in_scope = walk_files = walk_names_n = 0;
	walk_names = calloc(10000, sizeof(char *));
	ck_assert_int_eq(nftw(t.top, walk_one, 32, FTW_PHYS), 0);
	/* (root_depth - 1) intermediates, roots, per chain: in and out dirs + siblings, out base */
	ck_assert_uint_eq(walk_dirs, 1 + 5 + 2 * (3 * 3) * 2 + 2);
	ck_assert_uint_eq(walk_dirs_in_scope, t.nr_dirs);
	ck_assert_uint_eq(walk_files, 2 * nfiles);
	walk_dirs = walk_dirs_in_scope = walk_files = 0;
	ck_assert_int_eq(nftw(t.outside_top, walk_one, 32, FTW_PHYS), 0);
	ck_assert_uint_eq(walk_dirs, 1 + 2 * (3 * 3) + 2);
	ck_assert_uint_eq(walk_dirs_in_scope, 0);
	ck_assert_uint_eq(walk_files, nfiles);
	qsort(walk_names, walk_names_n, sizeof(char *), cmp_str);
	for (size_t i = 1; i < walk_names_n; i++)
		ck_assert_str_ne(walk_names[i - 1], walk_names[i]);
	for (size_t i = 0; i < walk_names_n; i++)
		free(walk_names[i]);
	free(walk_names);

	/* Roots without an active chain are empty directories. */
	for (size_t i = 0; i < t.nr_roots; i++) {
		bool active = false;
		struct fx_list l;

		for (size_t c = 0; c < t.nr_chains; c++)
			active |= fx_under(t.roots[i], t.in_leaf[c]);
		fx_list(t.roots[i], &l);
		ck_assert_uint_eq(l.n, active ? 3 * 3 + 4 : 0);
		fx_list_free(&l);
	}

	sb_tree_free(&t);
	fx_rmdir(top);
	fx_rmdir(outside);
}
END_TEST

START_TEST(test_no_outside)
{
	struct sb_tree_params p = fx_params();
	char *top = fx_tempdir();
	struct sb_tree t;

	p.rules = 3;
	p.chains = 7;		/* clamped to rules */
	p.depth = 1;
	p.root_depth = 1;
	p.fanout = 0;
	ck_assert_msg(sb_tree_build(&t, top, NULL, &p, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(t.nr_chains, 3);
	ck_assert_uint_eq(t.p.chains, 3);
	ck_assert_uint_eq(t.nr_dirs, 3 + 3);
	ck_assert_ptr_null(t.outside_top);
	ck_assert_ptr_null(t.outside_leaf);
	ck_assert_ptr_null(t.outside_files);
	for (size_t i = 0; i < t.nr_roots; i++)
		ck_assert_uint_eq(components(t.roots[i]), components(t.top) + 1);
	sb_tree_free(&t);
	fx_rmdir(top);
}
END_TEST

/* The layout relative to top, as a listing, and which roots are active. */
static void build_listing(uint64_t seed, unsigned int rules, struct fx_list *l,
			  char ***leaves, size_t *nleaves)
{
	struct sb_tree_params p = fx_params();
	char *top = fx_tempdir();
	struct sb_tree t;

	p.seed = seed;
	p.rules = rules;
	p.chains = 3;
	ck_assert_msg(sb_tree_build(&t, top, NULL, &p, err, sizeof(err)) == 0, "%s", err);
	fx_list(t.top, l);
	*nleaves = t.nr_chains;
	*leaves = calloc(t.nr_chains, sizeof(char *));
	for (size_t c = 0; c < t.nr_chains; c++)
		(*leaves)[c] = strdup(t.in_leaf[c] + strlen(t.top));
	sb_tree_free(&t);
	fx_rmdir(top);
}

static void free_leaves(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

START_TEST(test_determinism)
{
	struct fx_list a, b, c;
	char **la, **lb, **lc;
	size_t na, nb, nc;
	bool differ = false;

	build_listing(42, 50, &a, &la, &na);
	build_listing(42, 50, &b, &lb, &nb);
	build_listing(43, 50, &c, &lc, &nc);
	fx_list_eq(&a, &b);
	ck_assert_uint_eq(na, nb);
	for (size_t i = 0; i < na; i++)
		ck_assert_str_eq(la[i], lb[i]);
	/* another seed: other roots carry the 3 active chains (3 of 50) */
	ck_assert_uint_eq(na, nc);
	for (size_t i = 0; i < na; i++)
		differ |= strcmp(la[i], lc[i]) != 0;
	ck_assert(differ);
	ck_assert_uint_eq(a.n, c.n);
	fx_list_free(&a);
	fx_list_free(&b);
	fx_list_free(&c);
	free_leaves(la, na);
	free_leaves(lb, nb);
	free_leaves(lc, nc);
}
END_TEST

static void expect_error(const struct sb_tree_params *p, const char *top_or_null,
			 const char *needle)
{
	char *top = fx_tempdir();
	struct fx_list l;
	struct sb_tree t;

	err[0] = '\0';
	ck_assert_int_eq(sb_tree_build(&t, top_or_null ? top_or_null : top, NULL, p,
				       err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, needle), "error '%s' does not name '%s'", err, needle);
	ck_assert_ptr_null(t.roots);
	/* nothing is left behind */
	fx_list(top, &l);
	ck_assert_uint_eq(l.n, 0);
	fx_list_free(&l);
	fx_rmdir(top);
}

START_TEST(test_errors)
{
	struct sb_tree_params p;
	char *full = fx_tempdir();
	char path[PATH_MAX];
	FILE *f;

	p = fx_params(); p.rules = 0;
	expect_error(&p, NULL, "rules 0");
	p = fx_params(); p.rules = 1000000;
	expect_error(&p, NULL, "rules 1000000");
	p = fx_params(); p.root_depth = 0;
	expect_error(&p, NULL, "root_depth 0");
	p = fx_params(); p.files_per_dir = 0;
	expect_error(&p, NULL, "files_per_dir 0");
	p = fx_params(); p.chains = 0;
	expect_error(&p, NULL, "chains 0");
	p = fx_params(); p.depth = 1000;
	expect_error(&p, NULL, "PATH_MAX");
	p = fx_params(); p.depth = 1000;
	expect_error(&p, NULL, "depth 1000");
	p = fx_params(); p.depth = 4000000000u;
	expect_error(&p, NULL, "depth 4000000000");
	p = fx_params(); p.fanout = 5000; p.depth = 100; p.chains = 5;
	expect_error(&p, NULL, "too large");
	p = fx_params();
	expect_error(&p, "/nonexistent/sb-test", "top directory '/nonexistent/sb-test'");

	snprintf(path, sizeof(path), "%s/junk", full);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	p = fx_params();
	expect_error(&p, full, "not empty");
	fx_rmdir(full);
}
END_TEST

START_TEST(test_deep)
{
	/* the sweep's deepest point fits PATH_MAX with room to spare */
	struct sb_tree_params p = fx_params();
	char *top = fx_tempdir();
	struct sb_tree t;

	p.depth = 256;
	p.rules = 100;
	p.chains = 1;
	p.fanout = 1;
	p.files_per_dir = 2;
	ck_assert_msg(sb_tree_build(&t, top, NULL, &p, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(components(t.in_files[0]) - components(t.top), 2 + 256 + 1);
	ck_assert_int_eq(access(t.in_files[1], R_OK), 0);
	ck_assert_int_eq(access(t.out_files[1], R_OK), 0);
	ck_assert_uint_eq(t.nr_dirs, 100 + 256 * 2);
	sb_tree_free(&t);
	fx_rmdir(top);
}
END_TEST

/* Files on disk below dir: regular files only. */
static size_t count_files(const struct sb_tree *t, const char *dir)
{
	walk_tree = t;
	walk_dirs = walk_dirs_in_scope = walk_files = walk_names_n = 0;
	walk_names = calloc(100000, sizeof(char *));
	ck_assert_int_eq(nftw(dir, walk_one, 32, FTW_PHYS), 0);
	for (size_t i = 0; i < walk_names_n; i++)
		free(walk_names[i]);
	free(walk_names);
	return walk_files;
}

/* Build with min_files: files_per_dir comes out as want_fpd, every file where it should be. */
static void min_files_case(unsigned int rules, unsigned int chains, size_t min_files,
			   unsigned int want_fpd)
{
	struct sb_tree_params p = fx_params();
	char *top = fx_tempdir(), *outside = fx_tempdir();
	size_t top_comp;
	struct sb_tree t;

	p.rules = rules;
	p.chains = chains;
	p.min_files = min_files;
	ck_assert_msg(sb_tree_build(&t, top, outside, &p, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(t.p.files_per_dir, want_fpd);
	ck_assert_uint_eq(t.nr_files, t.nr_chains * want_fpd);
	ck_assert_uint_ge(t.nr_files, min_files);
	/* every side holds them, on disk */
	ck_assert_uint_eq(count_files(&t, t.top), 2 * t.nr_files);
	ck_assert_uint_eq(count_files(&t, t.outside_top), t.nr_files);
	/* in and out of scope at the same depth, the outside tree as deep below its top */
	top_comp = components(t.top);
	for (size_t j = 0; j < t.nr_files; j++) {
		size_t depth = components(t.in_files[j]) - top_comp;

		ck_assert_uint_eq(depth, p.root_depth + p.depth + 1);
		ck_assert_uint_eq(components(t.out_files[j]) - top_comp, depth);
		ck_assert_uint_eq(components(t.outside_files[j]) - components(t.outside_top), depth);
		ck_assert(fx_in_scope(&t, t.in_files[j]));
		ck_assert(!fx_in_scope(&t, t.out_files[j]));
	}
	sb_tree_free(&t);
	fx_rmdir(top);
	fx_rmdir(outside);
}

START_TEST(test_min_files)
{
	/* fx_params: files_per_dir 4, 2 chains (8 per side) */
	min_files_case(5, 2, 0, 4);		/* as given */
	min_files_case(5, 2, 3, 4);		/* fewer than given: unchanged */
	min_files_case(5, 2, 8, 4);
	min_files_case(5, 2, 9, 5);		/* ceil(9 / 2) */
	min_files_case(3, 7, 10, 4);		/* chains clamped to 3 rules: ceil(10 / 3) */
	min_files_case(1, 4, 2000, 2000);	/* one rule: one chain holds them all */
	min_files_case(5, 2, 2001, 1001);
}
END_TEST

START_TEST(test_min_files_too_many)
{
	struct sb_tree_params p = fx_params();

	p.min_files = 300001;	/* over 2 chains: more than 100,000 per directory */
	expect_error(&p, NULL, "min_files 300001 over 2 chains");
	p.min_files = SIZE_MAX;
	expect_error(&p, NULL, "lower --ops");
}
END_TEST

START_TEST(test_rand)
{
	uint64_t a = 0, b = 0, c = 7;
	bool differ = false;

	/* splitmix64's published first output for state 0 */
	ck_assert_uint_eq(sb_rand_next(&a), 0xe220a8397b1dcdafULL);
	a = 0;
	for (int i = 0; i < 1000; i++) {
		double u = sb_rand_unit(&a);
		uint64_t x = sb_rand_below(&c, 10);

		ck_assert(u >= 0.0 && u < 1.0);
		ck_assert_double_eq(u, sb_rand_unit(&b));
		ck_assert_uint_lt(x, 10);
		differ |= x != 0;
	}
	ck_assert(differ);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tree");
	TCase *tc = tcase_create("tree");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_shape);
	tcase_add_test(tc, test_no_outside);
	tcase_add_test(tc, test_determinism);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_deep);
	tcase_add_test(tc, test_min_files);
	tcase_add_test(tc, test_min_files_too_many);
	tcase_add_test(tc, test_rand);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
