/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A private cgroup v2 memory cgroup, to read the kernel memory a backend's
 * attach adds, from the kernel's own accounting: memory.stat's "kernel"
 * (slab, percpu, vmalloc, kernel stacks, page tables charged to the cgroup).
 * What the kernel does not charge to a cgroup (allocations without
 * __GFP_ACCOUNT, e.g. a module's own) is not in it. Slab objects are
 * charged through a per-CPU cache of one page: exact to a page per CPU.
 *
 *	struct sb_memcg m;
 *	if (sb_memcg_open(&m, err, sizeof(err)))	// once per run
 *		... no figures: err says why ...
 *	per measurement:
 *		sb_memcg_enter(&m, ...);		// a fresh cgroup, the process in it
 *		sb_memcg_kernel_bytes(&m, &before, ...);
 *		... create the kernel objects ...
 *		sb_memcg_kernel_bytes(&m, &after, ...);
 *		sb_memcg_leave(&m, ...);		// back where it came from
 *	sb_memcg_close(&m);				// on every exit path
 *
 * The cgroup is <cgroup2 mount>/subtree-bench.<pid>; when no cgroup2 is
 * mounted and we are root, a private mount under /tmp/subtree-bench.<pid>.*
 * (unmounted at close, else by the next run's sb_scratch_reap_stale()). A
 * cgroup left by a killed run is removed by the next sb_memcg_open().
 */
#ifndef SB_MEMCG_H
#define SB_MEMCG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sb_memcg {
	char mnt[PATH_MAX];		/* the cgroup2 mount point */
	char dir[PATH_MAX];		/* ours: <mnt>/subtree-bench.<pid> */
	char origin[PATH_MAX];		/* the cgroup the process came from */
	char priv[64];			/* our private mount's parent directory, or "" */
	const char *field;		/* what sb_memcg_kernel_bytes() reads */
	bool open, inside, used, mounted;
};

/*
 * Find (or, as root, mount) a cgroup2 hierarchy with the memory controller,
 * enable it for the children of its root, and create our cgroup. 0, or -1
 * with what failed and the fix in err (m is then closed).
 */
int sb_memcg_open(struct sb_memcg *m, char *err, size_t errlen);
/*
 * Move the whole process into a fresh cgroup: the one of the last
 * measurement is removed and made anew, so that nothing charged before
 * (objects the kernel frees later) is in its figures. Memory is a domain
 * controller: a thread cannot move alone. 0 or -1 with err.
 */
int sb_memcg_enter(struct sb_memcg *m, char *err, size_t errlen);
/* Move the process back to its cgroup (charges stay where they were made). */
int sb_memcg_leave(struct sb_memcg *m, char *err, size_t errlen);
/* The kernel memory charged to the cgroup now, in bytes (m->field). 0 or -1 with err. */
int sb_memcg_kernel_bytes(struct sb_memcg *m, uint64_t *bytes, char *err, size_t errlen);
/* Leave if inside, remove the cgroup, unmount a private mount. Idempotent. */
void sb_memcg_close(struct sb_memcg *m);

/*
 * The value of key in memory.stat text ("key value" lines). 0; -ENOENT if
 * no line has that key; -EINVAL if its value is not a decimal number that
 * fits in 64 bits.
 */
int sb_memcg_parse_stat(const char *text, const char *key, uint64_t *v);
/*
 * The kernel memory in memory.stat text: "kernel" (Linux 5.18 and later),
 * else the sum of slab, percpu, kernel_stack and pagetables (and vmalloc
 * and sec_pagetables where listed). *field says which. 0, or an error of
 * sb_memcg_parse_stat().
 */
int sb_memcg_kernel_from_stat(const char *text, uint64_t *v, const char **field);

/*
 * A small kernel file (/proc, cgroupfs) into buf, NUL-terminated, cut at
 * len - 1 bytes. 0 or -errno.
 */
int sb_read_text(const char *path, char *buf, size_t len);

#endif
