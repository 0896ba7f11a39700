/* SPDX-License-Identifier: GPL-2.0 */
/* A rule set: R sub-tree roots, given as paths, resolved to (dev, ino) at attach. */
#ifndef SB_RULES_H
#define SB_RULES_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

struct sb_rule {
	char *path;		/* absolute, as given */
	dev_t dev;
	ino_t ino;
	int fd;			/* O_PATH|O_DIRECTORY fd of the root, owned */
};

struct sb_rules {
	size_t n;
	struct sb_rule *v;
};

/*
 * Resolve and validate rule paths. On bad input returns -1 with a message in
 * err that names the input and the fix: a missing directory, a file, a
 * relative path, a duplicate or a nested rule.
 */
int sb_rules_resolve(struct sb_rules *rules, char *const *paths, size_t n,
		     char *err, size_t errlen);
void sb_rules_free(struct sb_rules *rules);

/* Strategy-independent reference: is path (absolute, normalised) under a root? */
int sb_rules_path_in_scope(const struct sb_rules *rules, const char *path);

#endif
