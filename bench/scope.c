// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "scope.h"

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
	if (!hcreate_r(rules->n * 2 + 16, &s->roots)) {
		snprintf(err, errlen, "hcreate_r: %s", strerror(errno));
		return -1;
	}
	s->has_roots = true;
	for (size_t i = 0; i < rules->n; i++) {
		ENTRY e = { .key = rules->v[i].path, .data = NULL }, *found;

		if (!hsearch_r(e, ENTER, &found, &s->roots)) {
			snprintf(err, errlen, "hsearch_r: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

bool sb_path_scope_match(struct sb_path_scope *s, const char *path)
{
	char buf[PATH_MAX];
	ENTRY e = { .key = buf }, *found;
	size_t len;

	if (s->strategy == SB_STRAT_LOOP)
		return sb_rules_path_in_scope(s->rules, path);

	len = strlen(path);
	if (len >= sizeof(buf))
		return false;
	memcpy(buf, path, len + 1);
	/* Ascend: the path itself, then each ancestor, down to "/". */
	for (;;) {
		char *slash;

		if (hsearch_r(e, FIND, &found, &s->roots))
			return true;
		slash = strrchr(buf, '/');
		if (!slash)
			return false;
		if (slash == buf) {
			if (buf[1] == '\0')
				return false;
			buf[1] = '\0';
		} else {
			*slash = '\0';
		}
	}
}

void sb_path_scope_free(struct sb_path_scope *s)
{
	if (s->has_roots)
		hdestroy_r(&s->roots);
	s->has_roots = false;
}
