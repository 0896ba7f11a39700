// SPDX-License-Identifier: GPL-2.0
/* The landlock backend's rule construction; see bench/landlock_rules.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/landlock.h>

#include "landlock_rules.h"

/* Newer than Debian 12's uapi header: the values are the kernel's ABI. */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE	(1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV	(1ULL << 15)
#endif

uint64_t sb_ll_abi_fs_rights(int abi)
{
	uint64_t r = 0;

	if (abi >= 1)	/* EXECUTE .. MAKE_SYM */
		r |= (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;
	if (abi >= 2)
		r |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		r |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)	/* 4, 6 and 7 add network, scoping and logging, no fs right */
		r |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return r;
}

uint64_t sb_ll_file_rights(void)
{
	return LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
	       LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |
	       LANDLOCK_ACCESS_FS_IOCTL_DEV;
}

/* A path on the way to a root: "/", an ancestor of a root, or a root. */
struct way {
	char *path;
	bool root;
};

static int cmp_way(const void *a, const void *b)
{
	return strcmp(((const struct way *)a)->path, ((const struct way *)b)->path);
}

/* The planner's state while one ancestor is listed. */
struct walk {
	struct sb_ll_plan *p;
	struct way *way;	/* sorted by path, each once */
	size_t nway;
	const char *dir;	/* the ancestor being listed */
	int oom;
};

static const struct way *way_find(const struct walk *w, char *path)
{
	struct way key = { .path = path };

	return bsearch(&key, w->way, w->nway, sizeof(*w->way), cmp_way);
}

static int emit_entry(void *arg, const char *name, enum sb_ll_type type)
{
	struct walk *w = arg;
	struct sb_ll_plan *p = w->p;
	size_t len = strlen(w->dir) + strlen(name) + 2;
	char *path;

	if (type == SB_LL_SKIP || !strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	path = malloc(len);
	if (!path) {
		w->oom = 1;
		return -ENOMEM;
	}
	snprintf(path, len, "%s%s%s", w->dir, strcmp(w->dir, "/") ? "/" : "", name);
	if (way_find(w, path)) {
		free(path);	/* on the way to a root, or a root: no rule */
		return 0;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 64;
		struct sb_ll_entry *v = realloc(p->v, cap * sizeof(*v));

		if (!v) {
			free(path);
			w->oom = 1;
			return -ENOMEM;
		}
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] = (struct sb_ll_entry){ .path = path, .type = type };
	return 0;
}

/*
 * Is this way entry a root or below one? Only if one of its prefixes (all
 * in the way set) is a root: O(depth log n) rather than O(roots).
 */
static bool in_scope(const struct walk *w, const struct way *e)
{
	char slash[] = "/", *s = e->path;
	const struct way *top = way_find(w, slash);

	if (e->root || (top && top->root))
		return true;
	for (size_t k = 1; s[k]; k++) {
		const struct way *pre;

		if (s[k] != '/')
			continue;
		s[k] = '\0';
		pre = way_find(w, s);
		s[k] = '/';
		if (pre && pre->root)
			return true;
	}
	return false;
}

int sb_ll_plan_build(struct sb_ll_plan *p, char *const *roots, size_t n,
		     sb_ll_lister list, void *ctx, char *err, size_t errlen)
{
	struct walk w = { .p = p };
	size_t cap = 0, k = 0;
	int ret = -1;

	memset(p, 0, sizeof(*p));
	/* The way set: "/", each prefix of a root that ends before a '/', and the root. */
	for (size_t i = 0; i < n; i++)
		for (const char *c = roots[i]; *c; c++)
			cap += *c == '/';
	cap += 2 * n;
	w.way = calloc(cap ? cap : 1, sizeof(*w.way));
	if (!w.way)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		const char *r = roots[i];
		size_t len = strlen(r);

		if (r[0] != '/') {
			snprintf(err, errlen, "landlock: rule '%s' is not an absolute path", r);
			goto out;
		}
		for (size_t j = 0; j <= len; j++) {
			if (j && r[j] != '/' && r[j] != '\0')
				continue;
			if (w.nway == cap)
				goto oom;
			w.way[w.nway].path = strndup(r, j ? j : 1);
			w.way[w.nway].root = j == len || len == 1;
			if (!w.way[w.nway].path)
				goto oom;
			w.nway++;
		}
	}
	qsort(w.way, w.nway, sizeof(*w.way), cmp_way);
	/* Each path once (ancestors shared by several roots are listed once). */
	for (size_t i = 0; i < w.nway; i++) {
		if (k && !strcmp(w.way[k - 1].path, w.way[i].path)) {
			w.way[k - 1].root |= w.way[i].root;
			free(w.way[i].path);
		} else {
			w.way[k++] = w.way[i];
		}
	}
	w.nway = k;
	for (size_t i = 0; i < w.nway; i++) {
		int e;

		/* The ancestors only: a root, or what lies in one, gets no rule. */
		if (in_scope(&w, &w.way[i]))
			continue;
		w.dir = w.way[i].path;
		p->ancestors++;
		e = list(ctx, w.dir, emit_entry, &w);
		if (w.oom)
			goto oom;
		if (e) {
			snprintf(err, errlen, "landlock: listing '%s', an ancestor of a rule: %s",
				 w.dir, strerror(-e));
			goto out;
		}
	}
	ret = 0;
	goto out;
oom:
	snprintf(err, errlen, "landlock: out of memory planning the rules");
out:
	for (size_t i = 0; w.way && i < w.nway; i++)
		free(w.way[i].path);
	free(w.way);
	if (ret)
		sb_ll_plan_free(p);
	return ret;
}

void sb_ll_plan_free(struct sb_ll_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].path);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

int sb_ll_list_dir(void *ctx, const char *dir, sb_ll_emit emit, void *plan)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int ret = 0;

	(void)ctx;
	if (!d)
		return -errno;
	while (!ret && (errno = 0, de = readdir(d))) {
		unsigned char t = de->d_type;
		struct stat st;

		if (t == DT_UNKNOWN) {
			if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW))
				continue;	/* gone since readdir: it needs no rule */
			t = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
		}
		ret = emit(plan, de->d_name, t == DT_DIR ? SB_LL_DIR : t == DT_LNK ? SB_LL_SKIP : SB_LL_FILE);
	}
	if (!ret && errno)
		ret = -errno;
	closedir(d);
	return ret;
}
