// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "mounts.h"

/* mountinfo writes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

void sb_mounts_read(struct sb_mounts *m)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char root[PATH_MAX], point[PATH_MAX], fstype[64];
	struct sb_mount_dev *grown;
	unsigned long long id;
	unsigned int maj, min;
	size_t cap = 0, lcap = 0;
	char *line = NULL, *sep;
	int got;

	m->v = NULL;
	m->n = 0;
	if (!f)
		return;
	/*
	 * "36 35 98:0 /mnt1 /mnt2 ... - ext3 ...": mount id, parent id,
	 * MAJOR:MINOR of s_dev, the mount's root within its filesystem, its
	 * mount point, and after the optional fields, the filesystem type
	 */
	while (getline(&line, &lcap, f) > 0) {
		got = sscanf(line, "%llu %*u %u:%u %4095s %4095s", &id, &maj, &min, root, point);
		if (got < 3)
			continue;
		if (m->n == cap) {
			cap = cap ? 2 * cap : 64;
			grown = realloc(m->v, cap * sizeof(*m->v));
			if (!grown)
				break;
			m->v = grown;
		}
		m->v[m->n] = (struct sb_mount_dev){ .id = id, .major = maj, .minor = min };
		if (got == 5) {
			unescape_octal(root);
			unescape_octal(point);
			m->v[m->n].root = strdup(root);
			m->v[m->n].point = strdup(point);
		}
		sep = strstr(line, " - ");
		if (sep && sscanf(sep + 3, "%63s", fstype) == 1)
			m->v[m->n].fstype = strdup(fstype);
		m->n++;
	}
	free(line);
	fclose(f);
}

void sb_mounts_free(struct sb_mounts *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].root);
		free(m->v[i].point);
		free(m->v[i].fstype);
	}
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

int sb_mounts_fs_path(const struct sb_mounts *m, int fd, char *out, size_t len,
		      char *err, size_t errlen)
{
	const struct sb_mount_dev *mount = NULL;
	char self[64], path[PATH_MAX];
	const char *rel = path, *root, *mnt;
	struct statx stx;
	size_t mlen;
	ssize_t n;

	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	n = readlink(self, path, sizeof(path) - 1);
	if (n < 0 || statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx)) {
		snprintf(err, errlen, "%s: %s", self, strerror(errno));
		return -1;
	}
	if (!(stx.stx_mask & STATX_MNT_ID)) {
		snprintf(err, errlen, "%s: statx gives no mount id (kernel before 5.8)", self);
		return -1;
	}
	path[n] = '\0';
	for (size_t i = 0; i < m->n && !mount; i++)
		if (m->v[i].id == stx.stx_mnt_id && m->v[i].root && m->v[i].point)
			mount = &m->v[i];
	if (!mount) {
		snprintf(err, errlen, "'%s': its mount (id %llu) is not in /proc/self/mountinfo",
			 path, (unsigned long long)stx.stx_mnt_id);
		return -1;
	}
	root = mount->root;
	mnt = mount->point;
	mlen = strlen(mnt);
	if (strcmp(mnt, "/")) {
		if (strncmp(path, mnt, mlen) || (path[mlen] && path[mlen] != '/')) {
			snprintf(err, errlen, "'%s' is not below its mount point '%s'", path, mnt);
			return -1;
		}
		rel = path + mlen;
	}
	if ((size_t)snprintf(out, len, "%s%s", strcmp(root, "/") ? root : "", rel) >= len) {
		snprintf(err, errlen, "'%s': its path within its filesystem is too long", path);
		return -1;
	}
	if (!out[0])
		snprintf(out, len, "/");
	return 0;
}
