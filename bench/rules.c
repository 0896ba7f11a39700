// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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

/* Path order with '/' before every other byte: a root's sub-tree follows it. */
static int cmp_tree_order(const char *a, const char *b)
{
	for (;; a++, b++) {
		int x = *a == '/' ? 1 : (unsigned char)*a + 1, y = *b == '/' ? 1 : (unsigned char)*b + 1;

		if (!*a || !*b || x != y)
			return (*a ? x : 0) - (*b ? y : 0);
	}
}

static int cmp_by_path(const void *pa, const void *pb, void *arg)
{
	const struct sb_rule *v = arg;

	return cmp_tree_order(v[*(const size_t *)pa].path, v[*(const size_t *)pb].path);
}

static int cmp_by_inode(const void *pa, const void *pb, void *arg)
{
	const struct sb_rule *v = arg, *a = &v[*(const size_t *)pa], *b = &v[*(const size_t *)pb];

	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->ino != b->ino)
		return a->ino < b->ino ? -1 : 1;
	return *(const size_t *)pa < *(const size_t *)pb ? -1 : 1;
}

/*
 * Duplicates and nesting in O(R log R), so that 100,000 rules are checked in
 * moments: sorted by inode, a duplicate is next to its twin; sorted in tree
 * order, a nested rule's outer rule is next to some rule of its sub-tree, so
 * if any rule is nested, two neighbours are.
 */
static int check_overlaps(const struct sb_rules *rules, char *const *paths, char *err, size_t errlen)
{
	size_t *ix = malloc(rules->n * sizeof(*ix));
	int ret = -1;

	if (!ix) {
		snprintf(err, errlen, "out of memory for %zu rules", rules->n);
		return -1;
	}
	for (size_t i = 0; i < rules->n; i++)
		ix[i] = i;
	qsort_r(ix, rules->n, sizeof(*ix), cmp_by_inode, rules->v);
	for (size_t k = 1; k < rules->n; k++) {
		const struct sb_rule *o = &rules->v[ix[k - 1]], *r = &rules->v[ix[k]];

		if (o->dev == r->dev && o->ino == r->ino) {
			snprintf(err, errlen, "rule '%s' duplicates rule '%s' (same directory): give each sub-tree once",
				 paths[ix[k]], o->path);
			goto out;
		}
	}
	qsort_r(ix, rules->n, sizeof(*ix), cmp_by_path, rules->v);
	for (size_t k = 1; k < rules->n; k++) {
		const char *outer = rules->v[ix[k - 1]].path, *inner = rules->v[ix[k]].path;

		if (path_is_under(outer, inner)) {
			snprintf(err, errlen, "rule '%s' is nested in rule '%s': the outer rule already covers it; drop '%s'",
				 inner, outer, inner);
			goto out;
		}
	}
	ret = 0;
out:
	free(ix);
	return ret;
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
			struct rlimit rl;

			if (errno == EMFILE && !getrlimit(RLIMIT_NOFILE, &rl))
				snprintf(err, errlen, "rule '%s': %s: %zu rules hold a directory fd each, and this process may open %llu (RLIMIT_NOFILE, which it could not raise): give fewer rules, or raise the hard limit (ulimit -Hn, or run with CAP_SYS_RESOURCE)",
					 p, strerror(errno), n, (unsigned long long)rl.rlim_cur);
			else
				snprintf(err, errlen, "rule '%s': %s", p, strerror(errno));
			goto fail;
		}
		r->dev = st.st_dev;
		r->ino = st.st_ino;
	}
	if (!check_overlaps(rules, paths, err, errlen))
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
