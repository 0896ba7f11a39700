/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the libFuzzer targets (tests/fuzz/fuzz_*.c): inputs that hold
 * several files, and files for the parsers that read a path.
 *
 * An input of several files separates them with FUZZ_SEP (a newline, five
 * '=' and a newline: not in any JSON document, whose strings hold no raw
 * newline). The files are written into one scratch directory per process,
 * under $TMPDIR, removed at exit.
 */
#ifndef SB_FUZZ_H
#define SB_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FUZZ_SEP "\n=====\n"
#define FUZZ_MAX_FILES 8

struct fuzz_part {
	const uint8_t *p;
	size_t n;
};

/* Split data at FUZZ_SEP into at most max parts (the last takes the rest). */
static inline size_t fuzz_split(const uint8_t *d, size_t n, struct fuzz_part *parts, size_t max)
{
	const size_t sl = sizeof(FUZZ_SEP) - 1;
	size_t k = 0;

	while (k + 1 < max) {
		const uint8_t *s = n >= sl ? memmem(d, n, FUZZ_SEP, sl) : NULL;

		if (!s)
			break;
		parts[k++] = (struct fuzz_part){ d, (size_t)(s - d) };
		n -= (size_t)(s - d) + sl;
		d = s + sl;
	}
	parts[k++] = (struct fuzz_part){ d, n };
	return k;
}

static char fuzz_dir[4096];
static char fuzz_names[32][256];
static size_t fuzz_nnames;

static inline void fuzz_cleanup(void)
{
	char path[4400];

	for (size_t i = 0; i < fuzz_nnames; i++) {
		snprintf(path, sizeof(path), "%s/%s", fuzz_dir, fuzz_names[i]);
		unlink(path);
	}
	rmdir(fuzz_dir);
}

/* Write part to the scratch directory as name; its path, valid until the next call with name. */
static inline const char *fuzz_file(const char *name, const struct fuzz_part *part, char *path,
				    size_t len)
{
	FILE *f;
	size_t i;

	if (!fuzz_dir[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/sb-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(fuzz_dir)) {
			perror("fuzz: mkdtemp");
			abort();
		}
		atexit(fuzz_cleanup);
	}
	snprintf(path, len, "%s/%s", fuzz_dir, name);
	for (i = 0; i < fuzz_nnames && strcmp(fuzz_names[i], name); i++)
		;
	if (i == fuzz_nnames) {
		if (i == sizeof(fuzz_names) / sizeof(fuzz_names[0]))
			abort();
		snprintf(fuzz_names[fuzz_nnames++], sizeof(fuzz_names[0]), "%s", name);
	}
	f = fopen(path, "w");
	if (!f || (part->n && fwrite(part->p, 1, part->n, f) != part->n) || fclose(f)) {
		perror(path);
		abort();
	}
	return path;
}

#endif
