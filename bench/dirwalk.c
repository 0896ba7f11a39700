// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fts.h>
#include <stdio.h>
#include <string.h>

#include "dirwalk.h"

#define FTS_FLAGS (FTS_PHYSICAL | FTS_NOCHDIR | FTS_XDEV)

int sb_dirs_walk(const char *path, bool strict, sb_dir_fn fn, void *ctx, char *err, size_t errlen)
{
	char *argv[] = { (char *)path, NULL };
	FTSENT *ent;
	FTS *fts;
	int ret = 0;

	err[0] = '\0';
	fts = fts_open(argv, FTS_FLAGS, NULL);
	if (!fts) {
		snprintf(err, errlen, "fts_open '%s': %s", path, strerror(errno));
		return -1;
	}
	while ((ent = fts_read(fts))) {
		int r;

		if (strict && (ent->fts_info == FTS_DNR || ent->fts_info == FTS_ERR ||
			       ent->fts_info == FTS_NS) && ent->fts_errno != ENOENT) {
			snprintf(err, errlen, "cannot reach every directory under '%s': '%.200s': %s",
				 path, ent->fts_path, strerror(ent->fts_errno));
			ret = -1;
			break;
		}
		if (ent->fts_info != FTS_D)
			continue;
		r = fn(ctx, ent->fts_path, err, errlen);
		if (r)
			ret = -1;
		if (r < 0)
			break;
	}
	fts_close(fts);
	return ret;
}

long sb_dirs_count(const struct sb_rules *rules)
{
	long n = 0;

	for (size_t i = 0; i < rules->n; i++) {
		char *argv[] = { rules->v[i].path, NULL };
		FTS *fts = fts_open(argv, FTS_FLAGS, NULL);
		FTSENT *ent;

		if (!fts)
			return -1;
		while ((ent = fts_read(fts)))
			if (ent->fts_info == FTS_D)
				n++;
		fts_close(fts);
	}
	return n;
}

long sb_sysctl_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}
