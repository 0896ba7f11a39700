// SPDX-License-Identifier: GPL-2.0
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "mounts.h"

void sb_mounts_read(struct sb_mounts *m)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	struct sb_mount_dev *grown;
	unsigned long long id;
	unsigned int maj, min;
	size_t cap = 0;
	char line[4096];

	m->v = NULL;
	m->n = 0;
	if (!f)
		return;
	/* "36 35 98:0 /mnt1 /mnt2 ...": mount id, parent id, MAJOR:MINOR of s_dev */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llu %*u %u:%u", &id, &maj, &min) != 3)
			continue;
		if (m->n == cap) {
			cap = cap ? 2 * cap : 64;
			grown = realloc(m->v, cap * sizeof(*m->v));
			if (!grown)
				break;
			m->v = grown;
		}
		m->v[m->n++] = (struct sb_mount_dev){ .id = id, .major = maj, .minor = min };
	}
	fclose(f);
}

void sb_mounts_free(struct sb_mounts *m)
{
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

int sb_mounts_sdev(const struct sb_mounts *m, int fd, const char *path,
		   uint32_t *major, uint32_t *minor)
{
	struct statx stx;

	if (statx(fd, path, path[0] ? 0 : AT_EMPTY_PATH, STATX_INO | STATX_MNT_ID, &stx) ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return -1;
	for (size_t i = 0; i < m->n; i++) {
		if (m->v[i].id == stx.stx_mnt_id) {
			*major = m->v[i].major;
			*minor = m->v[i].minor;
			return 0;
		}
	}
	return -1;
}
