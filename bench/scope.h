/* SPDX-License-Identifier: GPL-2.0 */
/* Sub-tree membership by path, for the backends that filter in user space. */
#ifndef SB_SCOPE_H
#define SB_SCOPE_H

#include <stdbool.h>

#include "backend.h"
#include "rule_table.h"

struct sb_path_scope {
	enum sb_strategy strategy;
	const struct sb_rules *rules;
	struct sb_rt_slot *table;	/* walk: the roots' path digests (rule_table.h) */
	unsigned int bits;		/* the table has 1 << bits slots */
};

/*
 * walk: the rule table of root path digests, looked up for the path and each
 * ancestor; loop: a prefix test per rule.
 */
int sb_path_scope_init(struct sb_path_scope *s, const struct sb_rules *rules,
		       enum sb_strategy strategy, char *err, size_t errlen);
/* Is the absolute, normalised path a root or below one? */
bool sb_path_scope_match(struct sb_path_scope *s, const char *path);
void sb_path_scope_free(struct sb_path_scope *s);

#endif
