// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "shard.h"

/* A whole decimal number at *s, advancing it; -1 when there is none. */
static int parse_part(const char **s, unsigned long *v)
{
	char *end;

	if (!isdigit((unsigned char)**s))
		return -1;
	errno = 0;
	*v = strtoul(*s, &end, 10);
	if (errno)
		return -1;
	*s = end;
	return 0;
}

int sb_shard_parse(const char *s, struct sb_shard *out, char *err, size_t errlen)
{
	const char *p = s;
	unsigned long i, n;

	if (parse_part(&p, &i) || *p++ != '/' || parse_part(&p, &n) || *p) {
		snprintf(err, errlen, "--shard '%s': give I/N, this job's share I of N shards, "
			 "e.g. --shard 1/4 ... --shard 4/4", s);
		return -1;
	}
	if (n < 1 || i < 1 || i > n) {
		snprintf(err, errlen, "--shard '%s': I must be from 1 to N (N >= 1), "
			 "e.g. --shard 1/%lu ... --shard %lu/%lu", s, n ? n : 2, n ? n : 2, n ? n : 2);
		return -1;
	}
	if (n > SB_SHARD_MAX) {
		snprintf(err, errlen, "--shard '%s': at most %d shards (merge takes at most %d files); "
			 "fix: a smaller N", s, SB_SHARD_MAX, SB_SHARD_MAX);
		return -1;
	}
	out->index = i;
	out->count = n;
	return 0;
}

bool sb_shard_owns(const struct sb_shard *s, size_t cell)
{
	return cell % s->count == s->index - 1;
}
