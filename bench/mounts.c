// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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

int sb_mounts_fs_path(int fd, char *out, size_t len, char *err, size_t errlen)
{
	char self[64], path[PATH_MAX], root[PATH_MAX], mnt[PATH_MAX];
	unsigned long long id;
	const char *rel = path;
	struct statx stx;
	char *line = NULL;
	size_t cap = 0, mlen;
	bool found = false;
	ssize_t n;
	FILE *f;

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
	f = fopen("/proc/self/mountinfo", "re");
	if (!f) {
		snprintf(err, errlen, "/proc/self/mountinfo: %s", strerror(errno));
		return -1;
	}
	/* "36 35 98:0 /mnt1 /mnt2 ...": the mount's root within its filesystem, its mount point */
	while (!found && getline(&line, &cap, f) > 0)
		found = sscanf(line, "%llu %*u %*u:%*u %4095s %4095s", &id, root, mnt) == 3 &&
			id == stx.stx_mnt_id;
	free(line);
	fclose(f);
	if (!found) {
		snprintf(err, errlen, "'%s': its mount (id %llu) is not in /proc/self/mountinfo",
			 path, (unsigned long long)stx.stx_mnt_id);
		return -1;
	}
	unescape_octal(root);
	unescape_octal(mnt);
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
