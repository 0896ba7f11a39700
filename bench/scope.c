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
static void digest(const char *s, size_t len, char key[17])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	snprintf(key, 17, "%016llx", (unsigned long long)h);
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

	/* Ascend: the path itself, then each ancestor, down to "/". */
	for (len = strlen(path);;) {
		digest(path, len, key);
		if (hsearch_r(e, FIND, &found, &s->roots))
			return true;
		if (len <= 1)
			return false;
		while (len > 1 && path[len - 1] != '/')
			len--;
		if (len > 1)
			len--;	/* "/a/" -> "/a"; "/" stays */
	}
}

void sb_path_scope_free(struct sb_path_scope *s)
{
	if (s->has_roots)
		hdestroy_r(&s->roots);
	s->has_roots = false;
	free(s->keys);
	s->keys = NULL;
}
