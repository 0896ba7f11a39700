// SPDX-License-Identifier: GPL-2.0
/*
 * What every job of `subtree-bench report` uses: error messages, memory that
 * never comes back NULL (the report has nothing to salvage without it), and
 * the display orders.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

const char *const backend_order[] = {
	"none", "fanotify-user", "fanotify-dirmarks", "fanotify-kmod",
	"fanotify-bpf", "bpf-lsm", "bpf-fentry", "landlock", NULL,
};
const char *const strategy_order[] = {
	"-", "walk", "loop", "tag", "cache", "pass", "kfunc", NULL,
};
const char *const workload_order[] = {
	"open-close", "create-unlink", "mkdir-rmdir", "rename", "mkdir-tree", "rename-storm",
	"outside-fs", NULL,
};
const char *const mode_order[] = { "notify", "deny", NULL };

void errf(const char *fmt, ...)
{
	va_list ap;

	fputs("subtree-bench report: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void out_of_memory(void)
{
	errf("out of memory");
	exit(EXIT_OUTPUT);
}

void *xgrow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *np;

	if (need <= *cap)
		return p;
	ncap = *cap ? *cap * 2 : 16;
	while (ncap < need)
		ncap *= 2;
	np = realloc(p, ncap * size);
	if (!np)
		out_of_memory();
	*cap = ncap;
	return np;
}

char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		out_of_memory();
	return d;
}

FILE *xmemopen(char **buf, size_t *len)
{
	FILE *f;

	*buf = NULL;
	f = open_memstream(buf, len);
	if (!f)
		out_of_memory();
	return f;
}

void xmemclose(FILE *f)
{
	if (fclose(f))
		out_of_memory();
}

void strlist_add_unique(struct strlist *l, const char *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return;
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = s;
}

int rank(const char *const *tbl, const char *s)
{
	for (int i = 0; tbl[i]; i++)
		if (!strcmp(tbl[i], s))
			return i;
	return INT_MAX;
}

int cmp_named(const char *const *tbl, const char *a, const char *b)
{
	int ra = rank(tbl, a), rb = rank(tbl, b);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	return strcmp(a, b);
}

int cmp_dbl(double a, double b)
{
	return (a > b) - (a < b);
}
