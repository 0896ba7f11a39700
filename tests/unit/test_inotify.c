// SPDX-License-Identifier: GPL-2.0
/*
 * The inotify backend's watches, read back from the kernel
 * (/proc/self/fdinfo lists one "inotify wd:" line per watch): one per
 * directory under the rule at attach, one more for a new directory, one
 * fewer for a removed or moved-out one, none after detach (the instance is
 * closed). And the events: a file created in a directory watched since the
 * consumer saw it is delivered by name.
 */
#include <check.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench/backend.h"
#include "fixture.h"

struct sink {
	struct sb_sink sink;
	pthread_mutex_t lock;
	char seen[64][SB_NAME_MAX + 16];	/* "kind:name" */
	size_t n;
};

static void deliver(struct sb_sink *s, const struct sb_event *ev)
{
	struct sink *k = (struct sink *)s;

	pthread_mutex_lock(&k->lock);
	if (k->n < 64)
		snprintf(k->seen[k->n++], sizeof(k->seen[0]), "%s:%s", sb_kind_name(ev->kind), ev->name);
	pthread_mutex_unlock(&k->lock);
}

static bool seen(struct sink *k, const char *what)
{
	bool found = false;

	pthread_mutex_lock(&k->lock);
	for (size_t i = 0; i < k->n && !found; i++)
		found = !strcmp(k->seen[i], what);
	pthread_mutex_unlock(&k->lock);
	return found;
}

/* Watches of the inotify instances this process holds, from fdinfo; -1: no instance. */
static int watches(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = -1;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		char link[300], target[64], line[512];
		ssize_t r;
		FILE *f;

		snprintf(link, sizeof(link), "/proc/self/fd/%s", de->d_name);
		r = readlink(link, target, sizeof(target) - 1);
		if (r < 0)
			continue;
		target[r] = '\0';
		if (strcmp(target, "anon_inode:inotify"))
			continue;
		snprintf(link, sizeof(link), "/proc/self/fdinfo/%s", de->d_name);
		f = fopen(link, "r");
		ck_assert_ptr_nonnull(f);
		n = n < 0 ? 0 : n;
		while (fgets(line, sizeof(line), f))
			n += !strncmp(line, "inotify wd:", 11);
		fclose(f);
	}
	closedir(d);
	return n;
}

/* The consumer follows the tree asynchronously: wait up to 2 s for want. */
static int watches_become(int want)
{
	for (int i = 0; i < 200 && watches() != want; i++)
		usleep(10000);
	return watches();
}

static char *join(const char *a, const char *b)
{
	char *p;

	ck_assert_int_ge(asprintf(&p, "%s/%s", a, b), 0);
	return p;
}

START_TEST(test_watches_follow_the_tree)
{
	char *top = fx_tempdir(), *rule = join(top, "in"), *out = join(top, "out");
	char *b1 = join(rule, "b"), *c1 = join(b1, "c"), *nd = join(b1, "new");
	char *nf = join(nd, "f"), *moved = join(out, "new");
	struct sink k = { .sink.deliver = deliver, .lock = PTHREAD_MUTEX_INITIALIZER };
	struct sb_rules rules = { 0 };
	struct sb_attach args = { .rules = &rules, .strategy = SB_STRAT_TAG, .mode = SB_MODE_NOTIFY,
				  .sink = &k.sink };
	struct sb_backend b;
	char what[256];
	FILE *f;

	ck_assert_int_eq(mkdir(rule, 0755), 0);
	ck_assert_int_eq(mkdir(out, 0755), 0);
	ck_assert_int_eq(mkdir(b1, 0755), 0);
	ck_assert_int_eq(mkdir(c1, 0755), 0);
	ck_assert_int_eq(sb_rules_resolve(&rules, &rule, 1, what, sizeof(what)), 0);
	ck_assert_int_eq(watches(), -1);

	ck_assert_msg(!sb_backend_start(&b, &sb_backend_inotify, &args, 5000, -1), "%s", b.err);
	ck_assert_int_eq(b.report, SB_REPORT_DFID_NAME);
	/* in, in/b, in/b/c; out is not watched. */
	ck_assert_int_eq(watches(), 3);

	ck_assert_int_eq(mkdir(nd, 0755), 0);
	ck_assert_int_eq(watches_become(4), 4);
	f = fopen(nf, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_int_eq(sb_backend_drain(&b, 5000), 0);
	ck_assert(seen(&k, "create:new"));
	ck_assert(seen(&k, "create:f"));
	ck_assert(seen(&k, "open:f"));

	/* Moved out of the tree: its watch goes; removed: its watch goes. */
	ck_assert_int_eq(rename(nd, moved), 0);
	ck_assert_int_eq(watches_become(3), 3);
	ck_assert(seen(&k, "moved_from:new"));
	ck_assert_int_eq(rmdir(c1), 0);
	ck_assert_int_eq(watches_become(2), 2);
	ck_assert_int_eq(sb_backend_drain(&b, 5000), 0);
	ck_assert(seen(&k, "delete:c"));
	ck_assert(!seen(&k, "moved_to:new"));

	sb_backend_stop(&b);
	ck_assert_int_eq(watches(), -1);
	ck_assert_int_eq(sb_count_attach_fds(what, sizeof(what)), 0);

	sb_rules_free(&rules);
	free(moved);
	free(nf);
	free(nd);
	free(c1);
	free(b1);
	free(out);
	free(rule);
	fx_rmdir(top);
}
END_TEST

/* Deny mode: said unavailable, with why. */
START_TEST(test_no_deny)
{
	char why[256] = "";

	ck_assert_int_ne(sb_backend_available(&sb_backend_inotify, SB_MODE_DENY, why, sizeof(why)), 0);
	ck_assert_ptr_nonnull(strstr(why, "no permission events"));
	ck_assert_int_eq(sb_backend_available(&sb_backend_inotify, SB_MODE_NOTIFY, why, sizeof(why)), 0);
}
END_TEST

static Suite *inotify_suite(void)
{
	Suite *s = suite_create("inotify");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_watches_follow_the_tree);
	tcase_add_test(tc, test_no_deny);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(inotify_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
