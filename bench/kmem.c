// SPDX-License-Identifier: GPL-2.0
/* An attach's kernel memory, by memcg or meminfo: bench/kmem.h says what each counts. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kmem.h"

/* What meminfo sums: the kernel's own memory, as memory.stat's "kernel" does. */
static const char *const meminfo_keys[] = {
	"Slab", "Percpu", "VmallocUsed", "KernelStack", "PageTables",
};

/* Reads until the counts stop moving, at most this many, this far apart. */
#define SETTLE_TRIES	8
#define SETTLE_GAP_MS	20

int sb_meminfo_parse(const char *text, const char *key, uint64_t *bytes)
{
	size_t klen = strlen(key);

	if (!klen)
		return -EINVAL;
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		const char *s = p + klen;
		unsigned long long kb;
		char *end;

		if (strncmp(p, key, klen) || *s != ':')
			continue;
		for (s++; *s == ' ' || *s == '\t'; s++)
			;
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		errno = 0;
		kb = strtoull(s, &end, 10);
		if (errno || strncmp(end, " kB", 3) || (end[3] && end[3] != '\n') ||
		    kb > UINT64_MAX / 1024)
			return -EINVAL;
		*bytes = (uint64_t)kb * 1024;
		return 0;
	}
	return -ENOENT;
}

int sb_meminfo_kernel(const char *text, uint64_t *bytes, const char **key)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < sizeof(meminfo_keys) / sizeof(meminfo_keys[0]); i++) {
		uint64_t v;
		int r = sb_meminfo_parse(text, meminfo_keys[i], &v);

		if (r) {
			*key = meminfo_keys[i];
			return r;
		}
		sum += v;
	}
	*bytes = sum;
	return 0;
}

/*
 * The per-CPU deltas of the node and zone counters (slab pages, kernel
 * stacks, page tables) reach /proc/meminfo only past a threshold or once a
 * second; writing stat_refresh folds them now. Root only.
 */
static int meminfo_read(uint64_t *bytes, char *err, size_t errlen)
{
	static const char refresh[] = "/proc/sys/vm/stat_refresh";
	char text[8192];
	const char *key = "";
	int fd = open(refresh, O_WRONLY | O_CLOEXEC), r;

	if (fd < 0 || write(fd, "1", 1) != 1) {
		snprintf(err, errlen, "%s: %s (root folds the per-CPU counts with it)", refresh,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	r = sb_read_text("/proc/meminfo", text, sizeof(text));
	if (r) {
		snprintf(err, errlen, "/proc/meminfo: %s", strerror(-r));
		return -1;
	}
	r = sb_meminfo_kernel(text, bytes, &key);
	if (r) {
		snprintf(err, errlen, "/proc/meminfo %s %s", r == -ENOENT ? "has no line" : "has a malformed line",
			 key);
		return -1;
	}
	return 0;
}

/*
 * What a detach or an earlier step freed late (RCU, the mark reaper) must
 * not land in the attach's figure: read until two reads in a row agree.
 * *settled says whether they did, or SETTLE_TRIES reads went by and the
 * last one is returned.
 */
static int meminfo_settled(uint64_t *bytes, bool *settled, char *err, size_t errlen)
{
	const struct timespec gap = { 0, SETTLE_GAP_MS * 1000000L };
	uint64_t last;

	if (meminfo_read(&last, err, errlen))
		return -1;
	for (int i = 0; i < SETTLE_TRIES; i++) {
		nanosleep(&gap, NULL);
		if (meminfo_read(bytes, err, errlen))
			return -1;
		if (*bytes == last) {
			*settled = true;
			return 0;
		}
		last = *bytes;
	}
	*bytes = last;
	*settled = false;
	return 0;
}

enum sb_kmem_method sb_kmem_open(struct sb_kmem *k, char *why, size_t len)
{
	char memcg_why[512];
	uint64_t v;

	memset(k, 0, sizeof(*k));
	if (!sb_memcg_open(&k->memcg, memcg_why, sizeof(memcg_why))) {
		k->method = SB_KMEM_MEMCG;
		snprintf(k->desc, sizeof(k->desc), "memcg: cgroup v2 memory.stat %s of a cgroup made per step",
			 k->memcg.field);
		why[0] = '\0';
		return k->method;
	}
	if (!meminfo_read(&v, why, len)) {
		k->method = SB_KMEM_MEMINFO;
		snprintf(k->desc, sizeof(k->desc),
			 "meminfo: the whole kernel's Slab+Percpu+VmallocUsed+KernelStack+PageTables");
		snprintf(why, len, "no memory cgroup (%s): system-wide /proc/meminfo instead", memcg_why);
		return k->method;
	}
	{
		char meminfo_why[256];

		snprintf(meminfo_why, sizeof(meminfo_why), "%s", why);
		snprintf(why, len, "no memory cgroup (%s), and %s", memcg_why, meminfo_why);
	}
	return SB_KMEM_NONE;
}

void sb_kmem_close(struct sb_kmem *k)
{
	if (k->method == SB_KMEM_MEMCG)
		sb_memcg_close(&k->memcg);
	k->method = SB_KMEM_NONE;
}

static int kmem_read(struct sb_kmem_step *s, uint64_t *v, bool settle)
{
	if (s->kmem->method == SB_KMEM_MEMCG)
		return sb_memcg_kernel_bytes(&s->kmem->memcg, v, s->why, sizeof(s->why));
	return settle ? meminfo_settled(v, &s->settled, s->why, sizeof(s->why)) :
			meminfo_read(v, s->why, sizeof(s->why));
}

void sb_kmem_around(void *arg, bool after)
{
	struct sb_kmem_step *s = arg;
	bool memcg = s->kmem->method == SB_KMEM_MEMCG;

	if (!after) {
		if (memcg && sb_memcg_enter(&s->kmem->memcg, s->why, sizeof(s->why)))
			return;
		s->ok = !kmem_read(s, &s->before, true);
		return;
	}
	if (memcg && !s->kmem->memcg.inside)
		return;
	if (s->ok)
		s->ok = !kmem_read(s, &s->attached, false);
	if (memcg)
		sb_memcg_leave(&s->kmem->memcg, s->leave_err, sizeof(s->leave_err));
}

void sb_kmem_end(struct sb_kmem_step *s)
{
	if (s->ok)
		s->ok = !kmem_read(s, &s->end, false);
}

bool sb_kmem_stuck(const struct sb_kmem_step *s)
{
	return s->kmem && s->kmem->method == SB_KMEM_MEMCG && s->kmem->memcg.inside;
}

json_t *sb_kmem_json(const struct sb_kmem_step *s)
{
	if (!s->ok)
		return NULL;
	if (s->kmem->method == SB_KMEM_MEMINFO)
		return json_pack("{s:s, s:b, s:I, s:I}", "method", "meminfo", "settled", s->settled,
				 "attach_bytes", (json_int_t)s->attached - (json_int_t)s->before,
				 "end_bytes", (json_int_t)s->end - (json_int_t)s->before);
	return json_pack("{s:s, s:I, s:I}", "method", "memcg",
			 "attach_bytes", (json_int_t)s->attached - (json_int_t)s->before,
			 "end_bytes", (json_int_t)s->end - (json_int_t)s->before);
}
