// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scope.h"

/*
 * The walk strategy keeps the roots in the rule table every filter uses
 * (rule_table.h: same hash, same open addressing, sized to the rules). User
 * space sees paths, not inodes, so a root's key is (64-bit FNV-1a digest of
 * its path, 1): one pass over a path gives the digest of every ancestor, and
 * each is then one table lookup, as each ancestor inode is in the kernel.
 * Two paths with the same digest would be one root: at 2^-64 per pair, not a
 * concern for rule sets of thousands.
 */
#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL
#define PATH_DEV 1	/* the dev of every path key; 0 marks an empty slot */

static uint64_t digest(const char *s)
{
	uint64_t h = FNV_OFFSET;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * FNV_PRIME;
	return h;
}

/* A table of 2^bits slots holding every root, or NULL if one needs a bigger one. */
static struct sb_rt_slot *build(const struct sb_rules *rules, unsigned int bits)
{
	struct sb_rt_slot *t = calloc((size_t)1 << bits, sizeof(*t));

	if (!t)
		return NULL;
	for (size_t i = 0; i < rules->n; i++) {
		if (sb_rt_insert(t, bits, digest(rules->v[i].path), PATH_DEV, i) < 0) {
			free(t);
			errno = ENOSPC;
			return NULL;
		}
	}
	return t;
}

int sb_path_scope_init(struct sb_path_scope *s, const struct sb_rules *rules,
		       enum sb_strategy strategy, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->strategy = strategy;
	s->rules = rules;
	if (strategy == SB_STRAT_LOOP)
		return 0;
	if (strategy != SB_STRAT_WALK) {
		snprintf(err, errlen, "strategy '%s' is not implemented in user space: use walk or loop",
			 sb_strategy_name(strategy));
		return -1;
	}
	if (rules->n > UINT32_MAX / 2) {
		snprintf(err, errlen, "%zu rules: too many for the rule table", rules->n);
		return -1;
	}
	/* Grow when a root lands more than SB_RT_MAX_PROBES slots from home. */
	for (s->bits = sb_rt_bits_for(rules->n); s->bits <= SB_RT_MAX_BITS; s->bits++) {
		s->table = build(rules, s->bits);
		if (s->table || errno != ENOSPC)
			break;
	}
	if (!s->table) {
		snprintf(err, errlen, "rule table for %zu rules: %s", rules->n, strerror(errno));
		return -1;
	}
	return 0;
}

bool sb_path_scope_match(struct sb_path_scope *s, const char *path)
{
	if (s->strategy == SB_STRAT_LOOP)
		return sb_rules_path_in_scope(s->rules, path);

	/*
	 * One pass left to right gives the digest of every ancestor ("/",
	 * "/a", "/a/b", ...: each prefix ends before a slash); then ascend,
	 * the path itself first.
	 */
	uint64_t h = FNV_OFFSET, prefix[PATH_MAX / 2 + 2];
	size_t n = 0, len = strlen(path);

	for (size_t i = 0; i < len; i++) {
		if (path[i] == '/' && i > 0 && n < PATH_MAX / 2)
			prefix[n++] = h;
		h = (h ^ (unsigned char)path[i]) * FNV_PRIME;
		if (i == 0 && n < PATH_MAX / 2)
			prefix[n++] = h;	/* "/" */
	}
	prefix[n++] = h;
	while (n--)
		if (sb_rt_lookup(s->table, s->bits, prefix[n], PATH_DEV))
			return true;
	return false;
}

void sb_path_scope_free(struct sb_path_scope *s)
{
	free(s->table);
	s->table = NULL;
}
