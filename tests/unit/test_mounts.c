// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of sb_mounts_fs_path() (bench/mounts.c), the path within its
 * filesystem that the prefix strategy matches: a fresh tmpfs, a bind mount
 * of one of its directories, and a mount point with a space (mountinfo
 * writes it as \040). Needs root, as make test does.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <check.h>

#include "bench/mounts.h"

static char top[] = "/tmp/sb-mounts-XXXXXX";
static char fs[128], bind[128];

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(top));
	snprintf(fs, sizeof(fs), "%s/a fs", top);
	snprintf(bind, sizeof(bind), "%s/bind", top);
	ck_assert_int_eq(mkdir(fs, 0755), 0);
	ck_assert_int_eq(mkdir(bind, 0755), 0);
	ck_assert_msg(mount("sb-mounts", fs, "tmpfs", 0, NULL) == 0, "mount tmpfs on '%s': %m", fs);
}

static void teardown(void)
{
	umount2(bind, MNT_DETACH);
	umount2(fs, MNT_DETACH);
	rmdir(bind);
	rmdir(fs);
	rmdir(top);
}

/* The path of dir within its filesystem, as sb_mounts_fs_path() has it. */
static const char *fs_path_of(const char *dir)
{
	static char out[4096];
	char err[512] = "";
	int fd = open(dir, O_PATH | O_DIRECTORY);

	ck_assert_msg(fd >= 0, "open '%s': %m", dir);
	struct sb_mounts m;
	int ret;

	sb_mounts_read(&m);
	ret = sb_mounts_fs_path(&m, fd, out, sizeof(out), err, sizeof(err));
	sb_mounts_free(&m);
	ck_assert_msg(ret == 0, "'%s': %s", dir, err);
	close(fd);
	return out;
}

START_TEST(tmpfs_root_and_below)
{
	char p[256];

	ck_assert_str_eq(fs_path_of(fs), "/");
	snprintf(p, sizeof(p), "%s/x", fs);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/x/y z", fs);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	ck_assert_str_eq(fs_path_of(p), "/x/y z");
}
END_TEST

START_TEST(bind_mount_keeps_the_filesystem_path)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/x", fs);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/x/y", fs);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/x", fs);
	ck_assert_msg(mount(p, bind, NULL, MS_BIND, NULL) == 0, "bind '%s': %m", p);
	ck_assert_str_eq(fs_path_of(bind), "/x");
	snprintf(p, sizeof(p), "%s/y", bind);
	ck_assert_str_eq(fs_path_of(p), "/x/y");
}
END_TEST

START_TEST(bad_fd_is_an_error)
{
	char out[64], err[256] = "";

	struct sb_mounts m;
	int ret;

	sb_mounts_read(&m);
	ret = sb_mounts_fs_path(&m, -1, out, sizeof(out), err, sizeof(err));
	sb_mounts_free(&m);
	ck_assert_int_eq(ret, -1);
	ck_assert_msg(strstr(err, "/proc/self/fd/-1") != NULL, "err: %s", err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mounts");
	TCase *tc = tcase_create("fs_path");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, tmpfs_root_and_below);
	tcase_add_test(tc, bind_mount_keeps_the_filesystem_path);
	tcase_add_test(tc, bad_fd_is_an_error);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
