// SPDX-License-Identifier: GPL-2.0
/* Output files of `subtree-bench report`: atomic writes and relative links. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "report.h"

/* DIR/name.tmp then rename: a reader never sees half a file. */
int write_file(const char *path, const char *data, size_t len)
{
	char tmp[PATH_MAX];
	FILE *f;
	int ret = -1;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errf("%s: path too long", path);
		return -1;
	}
	f = fopen(tmp, "w");
	if (!f) {
		errf("cannot write %s: %s; fix: check that the directory exists and is writable",
		     tmp, strerror(errno));
		return -1;
	}
	if (fwrite(data, 1, len, f) != len) {
		errf("cannot write %s: %s", tmp, strerror(errno));
		fclose(f);
		goto cleanup;
	}
	if (fclose(f)) {
		errf("cannot write %s: %s", tmp, strerror(errno));
		goto cleanup;
	}
	if (rename(tmp, path)) {
		errf("cannot rename %s to %s: %s", tmp, path, strerror(errno));
		goto cleanup;
	}
	ret = 0;
cleanup:
	if (ret)
		unlink(tmp);
	return ret;
}

int mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -1;
	return 0;
}

char *dir_of(const char *path)
{
	char *d = xstrdup(path);
	char *slash = strrchr(d, '/');

	if (!slash) {
		free(d);
		return xstrdup(".");
	}
	if (slash == d)
		slash[1] = '\0';
	else
		*slash = '\0';
	return d;
}

/* The relative path from directory `from` to directory `to`, with a trailing
 * '/' unless empty. Both must exist. */
int rel_dir(const char *from, const char *to, char *out, size_t len)
{
	char a[PATH_MAX], b[PATH_MAX];
	size_t i = 0, common = 0, used = 0;

	if (!realpath(from, a) || !realpath(to, b))
		return -1;
	/* Longest common prefix ending at a component boundary. */
	for (;; i++) {
		bool ea = a[i] == '\0' || a[i] == '/', eb = b[i] == '\0' || b[i] == '/';

		if (ea && eb)
			common = i;
		if (a[i] != b[i] || a[i] == '\0')
			break;
	}
	out[0] = '\0';
	for (const char *p = a + common; *p; p++) {
		if (*p == '/' && p[1]) {
			used += snprintf(out + used, len > used ? len - used : 0, "../");
		}
	}
	if (b[common] == '/' && b[common + 1])
		used += snprintf(out + used, len > used ? len - used : 0, "%s/", b + common + 1);
	return used < len ? 0 : -1;
}
