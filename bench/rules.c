// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rules.h"

/* Is b equal to a or below it? Both absolute and normalised by realpath. */
static int path_is_under(const char *a, const char *b)
{
	size_t la = strlen(a);

	if (strncmp(a, b, la))
		return 0;
	return b[la] == '\0' || b[la] == '/' || (la == 1 && a[0] == '/');
}

int sb_rules_resolve(struct sb_rules *rules, char *const *paths, size_t n,
		     char *err, size_t errlen)
{
	memset(rules, 0, sizeof(*rules));
	if (n == 0) {
		snprintf(err, errlen, "no rule given: add --rule DIR (a directory whose sub-tree to monitor)");
		return -1;
	}
	rules->v = calloc(n, sizeof(*rules->v));
	if (!rules->v) {
		snprintf(err, errlen, "out of memory for %zu rules", n);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const char *p = paths[i];
		struct sb_rule *r = &rules->v[i];
		struct stat st;
		char real[PATH_MAX];

		r->fd = -1;
		rules->n = i + 1;
		if (p[0] != '/') {
			snprintf(err, errlen, "rule '%s' is a relative path: give the absolute path (e.g. '%s')",
				 p, realpath(p, real) ? real : "/path/to/dir");
			goto fail;
		}
		if (stat(p, &st)) {
			snprintf(err, errlen, "rule '%s': %s: give an existing directory (create it first, or fix the path)",
				 p, strerror(errno));
			goto fail;
		}
		if (!S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "rule '%s' is not a directory: a rule names the root of a sub-tree; use its parent directory or a directory holding it",
				 p);
			goto fail;
		}
		if (!realpath(p, real)) {
			snprintf(err, errlen, "rule '%s': realpath: %s", p, strerror(errno));
			goto fail;
		}
		r->path = strdup(real);
		r->fd = open(real, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (!r->path || r->fd < 0) {
			snprintf(err, errlen, "rule '%s': %s", p, strerror(errno));
			goto fail;
		}
		r->dev = st.st_dev;
		r->ino = st.st_ino;
		for (size_t j = 0; j < i; j++) {
			const struct sb_rule *o = &rules->v[j];

			if (o->dev == r->dev && o->ino == r->ino) {
				snprintf(err, errlen, "rule '%s' duplicates rule '%s' (same directory): give each sub-tree once",
					 p, o->path);
				goto fail;
			}
			if (path_is_under(o->path, r->path) || path_is_under(r->path, o->path)) {
				const char *outer = path_is_under(o->path, r->path) ? o->path : r->path;
				const char *inner = outer == o->path ? r->path : o->path;

				snprintf(err, errlen, "rule '%s' is nested in rule '%s': the outer rule already covers it; drop '%s'",
					 inner, outer, inner);
				goto fail;
			}
		}
	}
	return 0;
fail:
	sb_rules_free(rules);
	return -1;
}

void sb_rules_free(struct sb_rules *rules)
{
	for (size_t i = 0; i < rules->n; i++) {
		free(rules->v[i].path);
		if (rules->v[i].fd >= 0)
			close(rules->v[i].fd);
	}
	free(rules->v);
	memset(rules, 0, sizeof(*rules));
}

int sb_rules_path_in_scope(const struct sb_rules *rules, const char *path)
{
	for (size_t i = 0; i < rules->n; i++)
		if (path_is_under(rules->v[i].path, path))
			return 1;
	return 0;
}
