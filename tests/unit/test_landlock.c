// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the landlock backend's deny-inside construction
 * (bench/landlock_rules.c) over a made-up directory tree, and of the
 * rights each Landlock ABI knows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/landlock.h>

#include <check.h>

#include "bench/landlock_rules.h"

/* A directory of the made-up tree: its path and its entries, "name/" a directory, "name@" a symlink. */
struct fake_dir {
	const char *path;
	const char *entries[8];
};

static const struct fake_dir tree[] = {
	{ "/", { "a/", "etc/", "bin@", "vmlinuz", "srv/" } },
	{ "/a", { "b/", "notes.txt", "c/" } },
	{ "/a/b", { "r1/", "s/", "f" } },
	{ "/a/c", { "r2/", "t/" } },
	{ "/srv", { "r3/" } },
};

static int lists;	/* directories listed */

static int fake_list(void *ctx, const char *dir, sb_ll_emit emit, void *plan)
{
	(void)ctx;
	lists++;
	for (size_t i = 0; i < sizeof(tree) / sizeof(tree[0]); i++) {
		if (strcmp(tree[i].path, dir))
			continue;
		for (size_t k = 0; k < 8 && tree[i].entries[k]; k++) {
			char name[64];
			size_t len = strlen(tree[i].entries[k]);
			char last = tree[i].entries[k][len - 1];
			int ret;

			snprintf(name, sizeof(name), "%.*s", (int)(last == '/' || last == '@' ? len - 1 : len),
				 tree[i].entries[k]);
			ret = emit(plan, name, last == '/' ? SB_LL_DIR : last == '@' ? SB_LL_SKIP : SB_LL_FILE);
			if (ret)
				return ret;
		}
		return 0;
	}
	return -ENOENT;
}

/* The plan as "path/" (directory) and "path" (file) lines, sorted, joined by spaces. */
static char *plan_text(const struct sb_ll_plan *p)
{
	static char buf[4096];
	char *lines[64];
	size_t n = 0;

	buf[0] = '\0';
	ck_assert_uint_le(p->n, 64);
	for (size_t i = 0; i < p->n; i++) {
		lines[n] = malloc(strlen(p->v[i].path) + 2);
		ck_assert_ptr_nonnull(lines[n]);
		snprintf(lines[n], strlen(p->v[i].path) + 2, "%s%s", p->v[i].path, p->v[i].type == SB_LL_DIR ? "/" : "");
		n++;
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(lines[j - 1], lines[j]) > 0; j--) {
			char *t = lines[j];

			lines[j] = lines[j - 1];
			lines[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		strcat(buf, i ? " " : "");
		strcat(buf, lines[i]);
		free(lines[i]);
	}
	return buf;
}

START_TEST(test_one_root)
{
	char *roots[] = { "/a/b/r1" };
	struct sb_ll_plan p;
	char err[256] = "";

	lists = 0;
	ck_assert_int_eq(sb_ll_plan_build(&p, roots, 1, fake_list, NULL, err, sizeof(err)), 0);
	/*
	 * Every entry of /, /a and /a/b but the way to the root and the root;
	 * the symlink /bin none (its target has its own rule).
	 */
	ck_assert_str_eq(plan_text(&p), "/a/b/f /a/b/s/ /a/c/ /a/notes.txt /etc/ /srv/ /vmlinuz");
	ck_assert_uint_eq(p.ancestors, 3);
	ck_assert_int_eq(lists, 3);
	sb_ll_plan_free(&p);
}
END_TEST

START_TEST(test_shared_ancestors)
{
	char *roots[] = { "/a/c/r2", "/a/b/r1", "/srv/r3" };
	struct sb_ll_plan p;
	char err[256] = "";

	lists = 0;
	ck_assert_int_eq(sb_ll_plan_build(&p, roots, 3, fake_list, NULL, err, sizeof(err)), 0);
	/* / and /a once each; no rule on /a/c or /srv, which lead to roots now. */
	ck_assert_str_eq(plan_text(&p), "/a/b/f /a/b/s/ /a/c/t/ /a/notes.txt /etc/ /vmlinuz");
	ck_assert_uint_eq(p.ancestors, 5);
	ck_assert_int_eq(lists, 5);
	sb_ll_plan_free(&p);
}
END_TEST

START_TEST(test_root_is_slash)
{
	char *roots[] = { "/" };
	struct sb_ll_plan p;
	char err[256] = "";

	lists = 0;
	/* Everything is in scope: no ancestor, no rule, every open denied. */
	ck_assert_int_eq(sb_ll_plan_build(&p, roots, 1, fake_list, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(p.n, 0);
	ck_assert_int_eq(lists, 0);
	sb_ll_plan_free(&p);
}
END_TEST

START_TEST(test_top_level_root)
{
	char *roots[] = { "/srv" };
	struct sb_ll_plan p;
	char err[256] = "";

	ck_assert_int_eq(sb_ll_plan_build(&p, roots, 1, fake_list, NULL, err, sizeof(err)), 0);
	ck_assert_str_eq(plan_text(&p), "/a/ /etc/ /vmlinuz");
	ck_assert_uint_eq(p.ancestors, 1);
	sb_ll_plan_free(&p);
}
END_TEST

START_TEST(test_errors)
{
	char *missing[] = { "/nowhere/r" }, *relative[] = { "a/b" };
	struct sb_ll_plan p;
	char err[256] = "";

	/* An ancestor that cannot be listed is named, with the reason. */
	ck_assert_int_eq(sb_ll_plan_build(&p, missing, 1, fake_list, NULL, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "'/nowhere'") && strstr(err, "No such file"), "%s", err);
	ck_assert_uint_eq(p.n, 0);
	ck_assert_int_eq(sb_ll_plan_build(&p, relative, 1, fake_list, NULL, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "'a/b'") && strstr(err, "absolute"), "%s", err);
}
END_TEST

START_TEST(test_abi_rights)
{
	uint64_t v1 = sb_ll_abi_fs_rights(1), v2 = sb_ll_abi_fs_rights(2);
	uint64_t v3 = sb_ll_abi_fs_rights(3), v5 = sb_ll_abi_fs_rights(5);

	ck_assert_uint_eq(sb_ll_abi_fs_rights(0), 0);
	ck_assert_uint_eq(v1, (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1);
	ck_assert(v1 & LANDLOCK_ACCESS_FS_READ_FILE);
	ck_assert(!(v1 & LANDLOCK_ACCESS_FS_REFER));
	ck_assert_uint_eq(v2, v1 | LANDLOCK_ACCESS_FS_REFER);
	ck_assert_uint_eq(v3, v2 | (1ULL << 14));		/* TRUNCATE */
	ck_assert_uint_eq(sb_ll_abi_fs_rights(4), v3);		/* network only */
	ck_assert_uint_eq(v5, v3 | (1ULL << 15));		/* IOCTL_DEV */
	ck_assert_uint_eq(sb_ll_abi_fs_rights(7), v5);
	/* A rule on a file may grant no directory right. */
	ck_assert(!(sb_ll_file_rights() & (LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
					   LANDLOCK_ACCESS_FS_REFER)));
	ck_assert(sb_ll_file_rights() & LANDLOCK_ACCESS_FS_EXECUTE);
}
END_TEST

static Suite *landlock_suite(void)
{
	Suite *s = suite_create("landlock");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_one_root);
	tcase_add_test(tc, test_shared_ancestors);
	tcase_add_test(tc, test_root_is_slash);
	tcase_add_test(tc, test_top_level_root);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_abi_rights);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(landlock_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
