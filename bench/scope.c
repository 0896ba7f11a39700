// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scope.h"

/*
 * glibc's hsearch hashes only the last eight characters of a key, and
 * sub-tree paths share long prefixes and suffixes: probe chains grew with the
 * number of rules and made `walk` slower than `loop`. The table is keyed by
 * a 64-bit FNV-1a digest of the path instead (hex, so all of it counts).
 */
#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static void hex_key(uint64_t h, char key[17])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 15; i >= 0; i--, h >>= 4)
		key[i] = hex[h & 15];
	key[16] = '\0';
}

static void digest(const char *s, size_t len, char key[17])
{
	uint64_t h = FNV_OFFSET;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * FNV_PRIME;
	hex_key(h, key);
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
	s->keys = calloc(rules->n, sizeof(*s->keys));
	if (!s->keys || !hcreate_r(rules->n * 2 + 16, &s->roots)) {
		snprintf(err, errlen, "hcreate_r: %s", strerror(errno));
		free(s->keys);
		s->keys = NULL;
		return -1;
	}
	s->has_roots = true;
	for (size_t i = 0; i < rules->n; i++) {
		ENTRY e = { .key = s->keys[i], .data = NULL }, *found;

		digest(rules->v[i].path, strlen(rules->v[i].path), s->keys[i]);
		if (!hsearch_r(e, ENTER, &found, &s->roots)) {
			snprintf(err, errlen, "hsearch_r: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

bool sb_path_scope_match(struct sb_path_scope *s, const char *path)
{
	char key[17];
	ENTRY e = { .key = key }, *found;
	size_t len;

	if (s->strategy == SB_STRAT_LOOP)
		return sb_rules_path_in_scope(s->rules, path);

	/*
	 * One pass left to right gives the digest of every ancestor ("/",
	 * "/a", "/a/b", ...: each prefix ends before a slash); then ascend,
	 * the path itself first.
	 */
	uint64_t h = FNV_OFFSET, prefix[PATH_MAX / 2 + 2];
	size_t n = 0;

	len = strlen(path);
	for (size_t i = 0; i < len; i++) {
		if (path[i] == '/' && i > 0 && n < PATH_MAX / 2)
			prefix[n++] = h;
		h = (h ^ (unsigned char)path[i]) * FNV_PRIME;
		if (i == 0 && n < PATH_MAX / 2)
			prefix[n++] = h;	/* "/" */
	}
	prefix[n++] = h;
	while (n--) {
		hex_key(prefix[n], key);
		if (hsearch_r(e, FIND, &found, &s->roots))
			return true;
	}
	return false;
}

void sb_path_scope_free(struct sb_path_scope *s)
{
	if (s->has_roots)
		hdestroy_r(&s->roots);
	s->has_roots = false;
	free(s->keys);
	s->keys = NULL;
}
