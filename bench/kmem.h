/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel memory a backend's attach adds, read from the kernel in the
 * counting pass (never the timing pass), by one of two methods:
 *
 *   memcg    a memory cgroup made fresh per step (bench/memcg.h): what is
 *            charged to it while the process is inside for the attach.
 *            Allocations made without __GFP_ACCOUNT (a module's own) are
 *            not in it.
 *   meminfo  where no cgroup v2 memory controller exists: the whole
 *            kernel's Slab + Percpu + VmallocUsed + KernelStack + PageTables
 *            from /proc/meminfo, their per-CPU deltas folded first
 *            (/proc/sys/vm/stat_refresh), read once the counts stop
 *            moving. Everything the kernel allocates, the module's too,
 *            but also whatever else runs meanwhile: exact on a quiet box
 *            (the bench VM), noisy on a busy one. Slab memory is counted
 *            in slab pages (4 to 32 KiB), so a small attach reads as 0 or
 *            a page or two.
 *
 *	struct sb_kmem k;
 *	sb_kmem_open(&k, why, len);		// once per run: which method, or none
 *	per step (struct sb_kmem_step s = { .kmem = &k }):
 *		sb_kmem_around(&s, false);	// sb_attach.around_attach
 *		... attach ...
 *		sb_kmem_around(&s, true);
 *		... the operations ...
 *		sb_kmem_end(&s);		// before detach
 *		sb_kmem_json(&s);		// {method, attach_bytes, end_bytes}
 *	sb_kmem_close(&k);
 */
#ifndef SB_KMEM_H
#define SB_KMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "memcg.h"

enum sb_kmem_method {
	SB_KMEM_NONE,
	SB_KMEM_MEMCG,
	SB_KMEM_MEMINFO,
};

struct sb_kmem {
	enum sb_kmem_method method;
	struct sb_memcg memcg;		/* SB_KMEM_MEMCG */
	char desc[160];			/* what the box records: the method and its source */
};

struct sb_kmem_step {
	struct sb_kmem *kmem;		/* NULL or SB_KMEM_NONE: no figures, why says so */
	bool ok;			/* every read so far worked, else why */
	uint64_t before, attached, end;
	/* meminfo: the "before" read came from two reads in a row that agreed */
	bool settled;
	char why[512];
	/* memcg: the process could not move back to its cgroup (every later step would be charged) */
	char leave_err[512];
};

/*
 * Pick the method: memcg when a cgroup v2 memory controller can be used,
 * else meminfo when /proc/meminfo lists what it sums, else none. Returns the
 * method; why says why memcg (and meminfo) could not be used.
 */
enum sb_kmem_method sb_kmem_open(struct sb_kmem *k, char *why, size_t len);
void sb_kmem_close(struct sb_kmem *k);

/* sb_attach.around_attach: the reads (and the cgroup moves) around one attach. */
void sb_kmem_around(void *step, bool after);
/* What the backend holds at the end of the operations, before its detach. */
void sb_kmem_end(struct sb_kmem_step *s);
/* Is the process still in the step's cgroup (leave_err says why)? */
bool sb_kmem_stuck(const struct sb_kmem_step *s);
/* {method, [settled (meminfo),] attach_bytes, end_bytes} (signed: frees can take a figure below 0), or NULL if !ok. */
json_t *sb_kmem_json(const struct sb_kmem_step *s);

/*
 * The value of key ("Slab") in /proc/meminfo text ("Slab:   1234 kB"), in
 * bytes. 0; -ENOENT when no line has that key; -EINVAL when its value is not
 * a decimal number of kB that fits in 64 bits.
 */
int sb_meminfo_parse(const char *text, const char *key, uint64_t *bytes);
/* The sum meminfo measures; -ENOENT or -EINVAL from sb_meminfo_parse(), key names it. */
int sb_meminfo_kernel(const char *text, uint64_t *bytes, const char **key);

#endif
