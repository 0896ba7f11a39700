// SPDX-License-Identifier: GPL-2.0
/*
 * The rule table of bench/rule_table.h, shared by the module, the BPF
 * programs and user space: insert/lookup, duplicates, forced collisions,
 * growth past SB_RT_MAX_PROBES, many random keys, sb_rt_bits_for(), and the
 * user-space walk (bench/scope.c) built on it.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/rule_table.h"
#include "bench/scope.h"

static uint64_t rng_state;

/* splitmix64: deterministic, so a failure reproduces */
static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static struct sb_rt_slot *table(unsigned int bits)
{
	struct sb_rt_slot *t = calloc((size_t)1 << bits, sizeof(*t));

	ck_assert_ptr_nonnull(t);
	return t;
}

/* @n inode numbers, from @from up, whose key (ino, dev) has home slot @home. */
static void same_home(uint64_t *ino, int n, uint32_t dev, unsigned int bits, uint32_t home,
		      uint64_t from)
{
	for (int i = 0; i < n; from++)
		if (sb_rt_hash(from, dev, bits) == home)
			ino[i++] = from;
}

/*
 * The builder protocol every filter follows: start at sb_rt_bits_for(n),
 * one more bit whenever a key does not fit within SB_RT_MAX_PROBES.
 */
static struct sb_rt_slot *build(const uint64_t *ino, const uint32_t *dev, int n,
				unsigned int *bits)
{
	for (*bits = sb_rt_bits_for(n); *bits <= SB_RT_MAX_BITS; (*bits)++) {
		struct sb_rt_slot *t = table(*bits);
		int i;

		for (i = 0; i < n; i++)
			if (sb_rt_insert(t, *bits, ino[i], dev[i], i) < 0)
				break;
		if (i == n)
			return t;
		free(t);
	}
	ck_abort_msg("no table up to %d bits holds %d keys", SB_RT_MAX_BITS, n);
	return NULL;
}

START_TEST(test_insert_lookup)
{
	struct sb_rt_slot *t = table(SB_RT_MIN_BITS);
	const struct sb_rt_slot *s;

	ck_assert_ptr_null(sb_rt_lookup(t, SB_RT_MIN_BITS, 2, 0x800001));
	ck_assert_int_eq(sb_rt_insert(t, SB_RT_MIN_BITS, 2, 0x800001, 0), 0);
	ck_assert_int_eq(sb_rt_insert(t, SB_RT_MIN_BITS, 2, 0x800002, 1), 0);
	ck_assert_int_eq(sb_rt_insert(t, SB_RT_MIN_BITS, 3, 0x800001, 2), 0);
	s = sb_rt_lookup(t, SB_RT_MIN_BITS, 2, 0x800001);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->rule, 0);
	s = sb_rt_lookup(t, SB_RT_MIN_BITS, 2, 0x800002);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->rule, 1);
	s = sb_rt_lookup(t, SB_RT_MIN_BITS, 3, 0x800001);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->rule, 2);
	/* the same inode number on another filesystem is another key */
	ck_assert_ptr_null(sb_rt_lookup(t, SB_RT_MIN_BITS, 2, 0x800003));
	ck_assert_ptr_null(sb_rt_lookup(t, SB_RT_MIN_BITS, 4, 0x800001));
	free(t);
}
END_TEST

START_TEST(test_duplicates)
{
	struct sb_rt_slot *t = table(SB_RT_MIN_BITS);
	int used = 0;

	ck_assert_int_eq(sb_rt_insert(t, SB_RT_MIN_BITS, 77, 5, 3), 0);
	ck_assert_int_eq(sb_rt_insert(t, SB_RT_MIN_BITS, 77, 5, 9), 1);
	ck_assert_int_eq(sb_rt_insert(t, SB_RT_MIN_BITS, 77, 5, 10), 1);
	/* the first insert's rule stays, and the key has one slot */
	ck_assert_uint_eq(sb_rt_lookup(t, SB_RT_MIN_BITS, 77, 5)->rule, 3);
	for (int i = 0; i < 1 << SB_RT_MIN_BITS; i++)
		used += t[i].dev != 0;
	ck_assert_int_eq(used, 1);
	free(t);
}
END_TEST

/* Keys with one home slot: linear probing, a wrap past the last slot. */
START_TEST(test_collisions)
{
	const unsigned int bits = 6;
	const uint32_t dev = 0x00100003, mask = (1u << bits) - 1;
	struct sb_rt_slot *t = table(bits);
	uint64_t ino[6];

	/* home slot = the last one: the chain wraps to slot 0 */
	same_home(ino, 6, dev, bits, mask, 1);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(sb_rt_insert(t, bits, ino[i], dev, i), 0);
	ck_assert_uint_eq(t[mask].ino, ino[0]);
	for (int i = 1; i < 5; i++)
		ck_assert_uint_eq(t[i - 1].ino, ino[i]);
	for (int i = 0; i < 5; i++) {
		const struct sb_rt_slot *s = sb_rt_lookup(t, bits, ino[i], dev);

		ck_assert_ptr_nonnull(s);
		ck_assert_uint_eq(s->rule, i);
	}
	/* an absent key with the same home: probes the chain, stops at the hole */
	ck_assert_ptr_null(sb_rt_lookup(t, bits, ino[5], dev));
	/* a duplicate deep in the chain is found, not inserted again */
	ck_assert_int_eq(sb_rt_insert(t, bits, ino[4], dev, 99), 1);
	ck_assert_uint_eq(t[4].dev, 0);
	free(t);
}
END_TEST

/* More keys on one home slot than SB_RT_MAX_PROBES: -1, then a bigger table. */
START_TEST(test_growth)
{
	enum { N = SB_RT_MAX_PROBES + 1 };
	const unsigned int bits = 10;
	const uint32_t dev = 0x00800001;
	uint64_t ino[N];
	uint32_t devs[N];
	struct sb_rt_slot *t = table(bits);
	unsigned int got;

	same_home(ino, N, dev, bits, 123, 1000);
	for (int i = 0; i < N; i++)
		devs[i] = dev;
	for (int i = 0; i < SB_RT_MAX_PROBES; i++)
		ck_assert_int_eq(sb_rt_insert(t, bits, ino[i], dev, i), 0);
	ck_assert_int_eq(sb_rt_insert(t, bits, ino[N - 1], dev, N - 1), -1);
	/* a full chain of SB_RT_MAX_PROBES: every key in it is still found */
	for (int i = 0; i < SB_RT_MAX_PROBES; i++)
		ck_assert_ptr_nonnull(sb_rt_lookup(t, bits, ino[i], dev));
	ck_assert_ptr_null(sb_rt_lookup(t, bits, ino[N - 1], dev));
	free(t);

	/*
	 * At bits 10 they all hash to one slot; the builder grows past that, and
	 * every key is found in the table it settles on.
	 */
	ck_assert_uint_lt(sb_rt_bits_for(N), bits + 1);
	t = build(ino, devs, N, &got);
	ck_assert_uint_gt(got, bits);
	for (int i = 0; i < N; i++) {
		const struct sb_rt_slot *s = sb_rt_lookup(t, got, ino[i], dev);

		ck_assert_ptr_nonnull(s);
		ck_assert_uint_eq(s->rule, i);
	}
	free(t);
}
END_TEST

START_TEST(test_random_keys)
{
	enum { N = 10000 };
	static uint64_t ino[N];
	static uint32_t dev[N];
	struct sb_rt_slot *t;
	unsigned int bits, longest = 0;

	rng_state = 42;
	/* present keys have even inode numbers, absent ones odd: disjoint */
	for (int i = 0; i < N; i++) {
		ino[i] = rng() & ~1ULL;
		dev[i] = (uint32_t)(rng() % 64 + 1) << 20 | (uint32_t)(rng() & 0xfffff);
	}
	t = build(ino, dev, N, &bits);
	ck_assert_uint_eq(bits, sb_rt_bits_for(N));
	for (int i = 0; i < N; i++) {
		const struct sb_rt_slot *s = sb_rt_lookup(t, bits, ino[i], dev[i]);
		unsigned int home = sb_rt_hash(ino[i], dev[i], bits);

		ck_assert_ptr_nonnull(s);
		ck_assert_uint_eq(s->rule, i);
		if ((unsigned int)(s - t - home) % (1u << bits) > longest)
			longest = (unsigned int)(s - t - home) % (1u << bits);
	}
	ck_assert_uint_lt(longest, SB_RT_MAX_PROBES);
	for (int i = 0; i < N; i++)
		ck_assert_ptr_null(sb_rt_lookup(t, bits, rng() | 1, dev[i]));
	/* a present inode number on another device is absent */
	for (int i = 0; i < N; i++)
		ck_assert_ptr_null(sb_rt_lookup(t, bits, ino[i], dev[i] ^ 0x40000000));
	free(t);
}
END_TEST

START_TEST(test_bits_for)
{
	ck_assert_uint_eq(sb_rt_bits_for(0), SB_RT_MIN_BITS);
	ck_assert_uint_eq(sb_rt_bits_for(1), SB_RT_MIN_BITS);
	ck_assert_uint_eq(sb_rt_bits_for(1u << (SB_RT_MIN_BITS - 1)), SB_RT_MIN_BITS);
	ck_assert_uint_eq(sb_rt_bits_for((1u << (SB_RT_MIN_BITS - 1)) + 1), SB_RT_MIN_BITS + 1);
	ck_assert_uint_eq(sb_rt_bits_for(10000), 15);
	ck_assert_uint_eq(sb_rt_bits_for(16384), 15);
	ck_assert_uint_eq(sb_rt_bits_for(16385), 16);
	ck_assert_uint_eq(sb_rt_bits_for(1u << (SB_RT_MAX_BITS - 1)), SB_RT_MAX_BITS);
	/* capped: a builder must refuse more rules than half the largest table */
	ck_assert_uint_eq(sb_rt_bits_for((1u << (SB_RT_MAX_BITS - 1)) + 1), SB_RT_MAX_BITS);
	ck_assert_uint_eq(sb_rt_bits_for(UINT32_MAX), SB_RT_MAX_BITS);
	/* the smallest table with at least twice as many slots as rules */
	for (uint32_t n = 1; n <= 100000; n++) {
		unsigned int b = sb_rt_bits_for(n);

		ck_assert_uint_ge(1ull << b, 2ull * n);
		ck_assert(b == SB_RT_MIN_BITS || (1ull << (b - 1)) < 2ull * n);
	}
}
END_TEST

/* hash_64()'s multiplicative hash of ino ^ dev << 32, as the kernel computes it */
START_TEST(test_hash_vectors)
{
	ck_assert_uint_eq(sb_rt_hash(1, 0, 32), 0x61C88646u);
	ck_assert_uint_eq(sb_rt_hash(0, 1, 32), 0x80B583EBu);
	ck_assert_uint_eq(sb_rt_hash(1, 0, SB_RT_MIN_BITS), 0x6);
	ck_assert_uint_lt(sb_rt_hash(UINT64_MAX, UINT32_MAX, SB_RT_MAX_BITS), 1u << SB_RT_MAX_BITS);
}
END_TEST

/* fanotify-user's walk: path digests in the same table, and its growth. */
START_TEST(test_path_scope)
{
	enum { N = SB_RT_MAX_PROBES + 1 };
	static char paths[N][64];
	struct sb_rule v[N];
	struct sb_rules rules = { .n = N, .v = v };
	struct sb_path_scope s;
	unsigned int bits = sb_rt_bits_for(N), home = 0;
	char err[256], p[64];
	int n = 0;

	/* N roots whose digests share a home slot at sb_rt_bits_for(N) bits */
	for (int i = 0; n < N; i++) {
		uint64_t h = 0xcbf29ce484222325ULL;

		snprintf(p, sizeof(p), "/srv/r%d", i);
		for (const char *c = p; *c; c++)
			h = (h ^ (unsigned char)*c) * 0x100000001b3ULL;
		if (n == 0)
			home = sb_rt_hash(h, 1, bits);
		if (sb_rt_hash(h, 1, bits) != home)
			continue;
		snprintf(paths[n], sizeof(paths[n]), "%s", p);
		memset(&v[n], 0, sizeof(v[n]));
		v[n].path = paths[n];
		v[n].fd = -1;
		n++;
	}
	ck_assert_int_eq(sb_path_scope_init(&s, &rules, SB_STRAT_WALK, err, sizeof(err)), 0);
	ck_assert_uint_gt(s.bits, bits);
	for (int i = 0; i < N; i++) {
		ck_assert(sb_path_scope_match(&s, paths[i]));
		ck_assert_int_lt(snprintf(p, sizeof(p), "%s/a/b/c", paths[i]), (int)sizeof(p));
		ck_assert(sb_path_scope_match(&s, p));
		ck_assert_int_lt(snprintf(p, sizeof(p), "%sx/a", paths[i]), (int)sizeof(p));
		ck_assert(!sb_path_scope_match(&s, p));
	}
	ck_assert(!sb_path_scope_match(&s, "/"));
	ck_assert(!sb_path_scope_match(&s, "/srv"));
	sb_path_scope_free(&s);

	/* loop agrees on the same paths */
	ck_assert_int_eq(sb_path_scope_init(&s, &rules, SB_STRAT_LOOP, err, sizeof(err)), 0);
	ck_assert_int_lt(snprintf(p, sizeof(p), "%s/a", paths[3]), (int)sizeof(p));
	ck_assert(sb_path_scope_match(&s, p));
	ck_assert(!sb_path_scope_match(&s, "/srv"));
	sb_path_scope_free(&s);
}
END_TEST

static Suite *rule_table_suite(void)
{
	Suite *s = suite_create("rule_table");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_insert_lookup);
	tcase_add_test(tc, test_duplicates);
	tcase_add_test(tc, test_collisions);
	tcase_add_test(tc, test_growth);
	tcase_add_test(tc, test_random_keys);
	tcase_add_test(tc, test_bits_for);
	tcase_add_test(tc, test_hash_vectors);
	tcase_add_test(tc, test_path_scope);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(rule_table_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
