/* SPDX-License-Identifier: GPL-2.0 */
/* Sub-tree membership by path, for the backends that filter in user space. */
#ifndef SB_SCOPE_H
#define SB_SCOPE_H

#include <search.h>
#include <stdbool.h>

#include "backend.h"

struct sb_path_scope {
	enum sb_strategy strategy;
	const struct sb_rules *rules;
	struct hsearch_data roots;	/* walk: root paths, keyed by their digest */
	char (*keys)[17];		/* the digests, hex */
	bool has_roots;
};

/* walk: hash of root paths, looked up for the path and each ancestor; loop: a prefix test per rule. */
int sb_path_scope_init(struct sb_path_scope *s, const struct sb_rules *rules,
		       enum sb_strategy strategy, char *err, size_t errlen);
/* Is the absolute, normalised path a root or below one? */
bool sb_path_scope_match(struct sb_path_scope *s, const char *path);
void sb_path_scope_free(struct sb_path_scope *s);

#endif
