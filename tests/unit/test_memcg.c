// SPDX-License-Identifier: GPL-2.0
/* Unit tests of bench/memcg.c's memory.stat parser: keys, values, the kernel memory; bench/kmem.c's /proc/meminfo one. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "bench/kmem.h"

/* The head and tail of a 6.12 memory.stat (the middle cut), no newline at the end. */
static const char stat_612[] =
	"anon 0\n"
	"file 0\n"
	"kernel 290816\n"
	"kernel_stack 16384\n"
	"pagetables 0\n"
	"sec_pagetables 0\n"
	"percpu 37440\n"
	"sock 0\n"
	"vmalloc 135168\n"
	"shmem 0\n"
	"slab_reclaimable 5712\n"
	"slab_unreclaimable 101056\n"
	"slab 106768\n"
	"thp_collapse_alloc 0";

/* Before 5.18: no "kernel" line. */
static const char stat_old[] =
	"anon 4096\n"
	"kernel_stack 16384\n"
	"pagetables 8192\n"
	"percpu 1000\n"
	"slab_reclaimable 24\n"
	"slab_unreclaimable 100\n"
	"slab 124\n";

START_TEST(test_parse_keys)
{
	uint64_t v = 0;

	ck_assert_int_eq(sb_memcg_parse_stat(stat_612, "kernel", &v), 0);
	ck_assert_uint_eq(v, 290816);
	ck_assert_int_eq(sb_memcg_parse_stat(stat_612, "kernel_stack", &v), 0);
	ck_assert_uint_eq(v, 16384);
	/* The whole key: slab is not slab_reclaimable, which comes first. */
	ck_assert_int_eq(sb_memcg_parse_stat(stat_612, "slab", &v), 0);
	ck_assert_uint_eq(v, 106768);
	ck_assert_int_eq(sb_memcg_parse_stat(stat_612, "anon", &v), 0);
	ck_assert_uint_eq(v, 0);
	/* The last line needs no newline. */
	ck_assert_int_eq(sb_memcg_parse_stat(stat_612, "thp_collapse_alloc", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(sb_memcg_parse_stat("kernel 18446744073709551615\n", "kernel", &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
}
END_TEST

START_TEST(test_parse_missing)
{
	uint64_t v = 7;

	ck_assert_int_eq(sb_memcg_parse_stat(stat_612, "zswap", &v), -ENOENT);
	/* A prefix of a key, or a key in the middle of a line, is not the key. */
	ck_assert_int_eq(sb_memcg_parse_stat(stat_612, "kern", &v), -ENOENT);
	ck_assert_int_eq(sb_memcg_parse_stat("xkernel 5\nanon 1 kernel 2\n", "kernel", &v), -ENOENT);
	ck_assert_int_eq(sb_memcg_parse_stat("", "kernel", &v), -ENOENT);
	ck_assert_int_eq(sb_memcg_parse_stat(stat_612, "", &v), -EINVAL);
	ck_assert_uint_eq(v, 7);
}
END_TEST

START_TEST(test_parse_malformed)
{
	static const char *const bad[] = {
		"kernel abc\n", "kernel -5\n", "kernel 12x\n", "kernel \n", "kernel",
		"kernel 1.5\n", "kernel  5\n", "kernel 18446744073709551616\n",
		"kernel 99999999999999999999999\n",
	};
	uint64_t v = 7;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = sb_memcg_parse_stat(bad[i], "kernel", &v);

		/* "kernel" with no value at all is no line of that key. */
		ck_assert_msg(r == (strcmp(bad[i], "kernel") ? -EINVAL : -ENOENT), "'%s': %d", bad[i], r);
	}
	ck_assert_uint_eq(v, 7);
}
END_TEST

START_TEST(test_kernel_bytes)
{
	const char *field = NULL;
	uint64_t v = 0;

	ck_assert_int_eq(sb_memcg_kernel_from_stat(stat_612, &v, &field), 0);
	ck_assert_uint_eq(v, 290816);
	ck_assert_str_eq(field, "kernel");
	/* No "kernel": slab + percpu + kernel_stack + pagetables. */
	field = NULL;
	ck_assert_int_eq(sb_memcg_kernel_from_stat(stat_old, &v, &field), 0);
	ck_assert_uint_eq(v, 124 + 1000 + 16384 + 8192);
	ck_assert_str_eq(field, "slab+percpu+kernel_stack+pagetables");
	/* A part missing or malformed: no figure. */
	ck_assert_int_eq(sb_memcg_kernel_from_stat("slab 1\npercpu 2\nkernel_stack 3\n", &v, &field), -ENOENT);
	ck_assert_int_eq(sb_memcg_kernel_from_stat("slab 1\npercpu x\nkernel_stack 3\npagetables 4\n",
						   &v, &field), -EINVAL);
	ck_assert_int_eq(sb_memcg_kernel_from_stat("kernel 4096k\nslab 1\n", &v, &field), -EINVAL);
}
END_TEST

/* A 6.12 /proc/meminfo, cut. */
static const char meminfo_612[] =
	"MemTotal:        2018780 kB\n"
	"KernelStack:         912 kB\n"
	"PageTables:          640 kB\n"
	"SecPageTables:         0 kB\n"
	"Slab:              21876 kB\n"
	"SReclaimable:       6712 kB\n"
	"VmallocUsed:        2188 kB\n"
	"Percpu:              480 kB\n"
	"HugePages_Total:       0";

START_TEST(test_meminfo)
{
	const char *key = NULL;
	uint64_t v = 0;

	ck_assert_int_eq(sb_meminfo_parse(meminfo_612, "Slab", &v), 0);
	ck_assert_uint_eq(v, 21876ull * 1024);
	/* The whole key: PageTables is not SecPageTables, Slab not SReclaimable. */
	ck_assert_int_eq(sb_meminfo_parse(meminfo_612, "PageTables", &v), 0);
	ck_assert_uint_eq(v, 640ull * 1024);
	ck_assert_int_eq(sb_meminfo_parse(meminfo_612, "Sla", &v), -ENOENT);
	/* A count without kB is not a size. */
	ck_assert_int_eq(sb_meminfo_parse(meminfo_612, "HugePages_Total", &v), -EINVAL);
	ck_assert_int_eq(sb_meminfo_parse("Slab: 12 MB\n", "Slab", &v), -EINVAL);
	ck_assert_int_eq(sb_meminfo_parse("Slab: 18446744073709551615 kB\n", "Slab", &v), -EINVAL);
	ck_assert_int_eq(sb_meminfo_kernel(meminfo_612, &v, &key), 0);
	ck_assert_uint_eq(v, (21876ull + 480 + 2188 + 912 + 640) * 1024);
	/* A part missing: no figure, and which part. */
	ck_assert_int_eq(sb_meminfo_kernel("Slab: 1 kB\nPercpu: 2 kB\n", &v, &key), -ENOENT);
	ck_assert_str_eq(key, "VmallocUsed");
}
END_TEST

static Suite *memcg_suite(void)
{
	Suite *s = suite_create("memcg");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_parse_keys);
	tcase_add_test(tc, test_parse_missing);
	tcase_add_test(tc, test_parse_malformed);
	tcase_add_test(tc, test_kernel_bytes);
	tcase_add_test(tc, test_meminfo);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(memcg_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
