// SPDX-License-Identifier: GPL-2.0
/*
 * The tree builder. Below `top` (root_depth = 3, depth = 2, fanout = 1):
 *
 *   top/a1/a2/r0 .. r<R-1>                 the R rule roots, all in a2
 *            /r<i>/d<i>_1/d<i>_2/f<i>_<k>  active chain below root i (in_leaf)
 *            /r<i>/s<i>_1_0                 fanout: empty siblings per level
 *            /r<i>/d<i>_1/s<i>_2_0
 *            /q<c>/o<c>_1/o<c>_2/g<c>_<k>  its out-of-scope twin (out_leaf)
 *            /q<c>/t<c>_1_0, ...            with the same siblings
 *   outside_top/y1/y2/w<c>/x<c>_1/x<c>_2/h<c>_<k>, v<c>_<l>_<k> siblings
 *
 * The twins sit beside the roots (in the same directory), so an in-scope and
 * an out-of-scope path have the same number of components: the workloads pay
 * the same lookup either way. Active chain c lies below root perm[c], perm a
 * seeded shuffle of the roots; the other roots are empty (rules that cost
 * the `loop` strategy and the marks, without activity). Files are created in
 * a seeded order. Every name is one letter (unique to its role) then
 * numbers, so no name repeats; the workloads use two-letter prefixes.
 *
 * Arrays are chain-major: in_files[c * files_per_dir + k] lies in in_leaf[c],
 * and out_files / outside_files at the same index are its twins.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tree.h"
#include "wl_common.h"

#define MAX_RULES		100000u
#define MAX_ROOT_DEPTH		64u
#define MAX_FANOUT		10000u
#define MAX_FILES_PER_DIR	100000u
#define MAX_OBJECTS		(4ULL << 20)	/* directories + files created */
/* Room left in PATH_MAX below a leaf for the names workloads and the runner add. */
#define PATH_RESERVE		128

struct chain_names {
	char base, dir, sib, file;
};

static const struct chain_names in_names = { 'r', 'd', 's', 'f' };
static const struct chain_names out_names = { 'q', 'o', 't', 'g' };
static const struct chain_names outside_names = { 'w', 'x', 'v', 'h' };

struct builder {
	struct sb_tree *t;
	uint64_t rng;
	unsigned int *order;		/* [files_per_dir] creation order */
	char *err;
	size_t errlen;
};

static unsigned int ndigits(uint64_t n)
{
	unsigned int d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

/*
 * Length of the longest path in one chain (a file in its leaf, or a sibling
 * of its leaf), with the intermediate dirs; stops counting past PATH_MAX.
 */
static size_t chain_max_len(size_t base_len, const struct sb_tree_params *p, uint64_t max_idx)
{
	size_t len = base_len, dir_len = 0;
	unsigned int l;

	for (l = 1; l < p->root_depth; l++)
		len += 2 + ndigits(l);				/* /a<l> */
	len += 2 + ndigits(max_idx);				/* /r<i> */
	for (l = 1; l <= p->depth && len <= PATH_MAX; l++) {
		dir_len = 3 + ndigits(max_idx) + ndigits(l);	/* /d<i>_<l> */
		len += dir_len;
	}
	if (len > PATH_MAX)
		return len;
	if (p->depth && p->fanout) {
		size_t sib = len - dir_len + 4 + ndigits(max_idx) + ndigits(p->depth) +
			     ndigits(p->fanout - 1);		/* /s<i>_<l>_<k> */
		size_t file = len + 3 + ndigits(max_idx) + ndigits(p->files_per_dir - 1);

		return sib > file ? sib : file;
	}
	return len + 3 + ndigits(max_idx) + ndigits(p->files_per_dir - 1);	/* /f<i>_<k> */
}

static int check_params(const struct sb_tree_params *p, unsigned int chains,
			const char *top, const char *outside_top, char *err, size_t errlen)
{
	size_t len, outside_len;
	uint64_t per_chain, objects;
	int trees = outside_top ? 3 : 2;

	if (p->rules == 0 || p->rules > MAX_RULES) {
		snprintf(err, errlen, "tree: rules %u is out of range: give 1 to %u rule roots (--rules)",
			 p->rules, MAX_RULES);
		return -1;
	}
	if (p->root_depth == 0 || p->root_depth > MAX_ROOT_DEPTH) {
		snprintf(err, errlen, "tree: root_depth %u is out of range: rule roots lie 1 to %u levels below the top directory (--root-depth)",
			 p->root_depth, MAX_ROOT_DEPTH);
		return -1;
	}
	if (p->files_per_dir == 0 || p->files_per_dir > MAX_FILES_PER_DIR) {
		snprintf(err, errlen, "tree: files_per_dir %u is out of range: each leaf directory holds 1 to %u files (--files-per-dir)",
			 p->files_per_dir, MAX_FILES_PER_DIR);
		return -1;
	}
	if (p->fanout > MAX_FANOUT) {
		snprintf(err, errlen, "tree: fanout %u is too large: at most %u extra sibling directories per level (--fanout)",
			 p->fanout, MAX_FANOUT);
		return -1;
	}
	if (chains == 0) {
		snprintf(err, errlen, "tree: chains 0: the workloads need at least 1 active chain (--chains)");
		return -1;
	}
	len = chain_max_len(strlen(top), p, p->rules - 1);
	outside_len = outside_top ? chain_max_len(strlen(outside_top), p, chains - 1) : 0;
	if (outside_len > len)
		len = outside_len;
	if (len + PATH_RESERVE >= PATH_MAX) {
		snprintf(err, errlen, "tree: depth %u with root_depth %u makes paths of %s%zu bytes, which with %d bytes reserved for workload names exceeds PATH_MAX (%d): lower --depth or --root-depth, or use a shorter top directory",
			 p->depth, p->root_depth, len > PATH_MAX ? "over " : "", len,
			 PATH_RESERVE, PATH_MAX);
		return -1;
	}
	per_chain = 1 + (uint64_t)p->depth * (1 + p->fanout) + p->files_per_dir;
	objects = (uint64_t)chains * per_chain * trees + p->rules + (uint64_t)p->root_depth * 2;
	if (objects > MAX_OBJECTS) {
		snprintf(err, errlen, "tree: too large: %llu directories and files (chains %u x (depth %u x (1 + fanout %u) + files_per_dir %u) x %d trees + rules %u), at most %llu: lower --chains, --depth, --fanout or --files-per-dir",
			 (unsigned long long)objects, chains, p->depth, p->fanout,
			 p->files_per_dir, trees, p->rules, (unsigned long long)MAX_OBJECTS);
		return -1;
	}
	return 0;
}

/*
 * Enough files per leaf for min_files on each side (spread over the chains,
 * so in- and out-of-scope files keep the same depth). Before check_params(),
 * which then checks the raised value.
 */
static int raise_files_per_dir(struct sb_tree_params *p, char *err, size_t errlen)
{
	size_t need;

	if (!p->min_files || !p->chains)
		return 0;	/* chains 0 is check_params()'s error */
	need = p->min_files / p->chains + (p->min_files % p->chains != 0);
	if (need > MAX_FILES_PER_DIR) {
		snprintf(err, errlen, "tree: min_files %zu over %u chains needs %zu files per leaf directory, at most %u: raise --chains and --rules, or lower --ops",
			 p->min_files, p->chains, need, MAX_FILES_PER_DIR);
		return -1;
	}
	if (need > p->files_per_dir)
		p->files_per_dir = need;
	return 0;
}

/* Resolve dir, which must be an existing empty directory; returns malloc'd realpath. */
static char *check_empty_dir(const char *what, const char *dir, char *err, size_t errlen)
{
	char *real = realpath(dir, NULL);
	struct dirent *de;
	DIR *d;

	if (!real) {
		snprintf(err, errlen, "tree: %s '%s': %s: give an existing empty directory",
			 what, dir, strerror(errno));
		return NULL;
	}
	d = opendir(real);
	if (!d) {
		snprintf(err, errlen, "tree: %s '%s': %s: give an existing empty directory",
			 what, dir, strerror(errno));
		free(real);
		return NULL;
	}
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			snprintf(err, errlen, "tree: %s '%s' is not empty (holds '%s'): give an empty directory, the builder owns everything below it",
				 what, real, de->d_name);
			closedir(d);
			free(real);
			return NULL;
		}
	}
	closedir(d);
	return real;
}

static int fail_errno(struct builder *b, const char *op, const char *path, const char *name)
{
	int e = errno;

	snprintf(b->err, b->errlen, "tree: %s '%s/%s': %s", op, path, name, strerror(e));
	return -1;
}

static int fail_oom(struct builder *b)
{
	snprintf(b->err, b->errlen, "tree: out of memory");
	return -1;
}

/*
 * mkdir (if create) and open dir `name` in dirfd `at`; returns an O_PATH fd
 * and appends "/name" to path (of capacity PATH_MAX, checked beforehand).
 */
static int enter_dir(struct builder *b, int at, char *path, const char *name, bool create)
{
	size_t len = strlen(path);
	int fd;

	if (create && mkdirat(at, name, 0755))
		return fail_errno(b, "mkdir", path, name);
	fd = openat(at, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail_errno(b, "open", path, name);
	snprintf(path + len, PATH_MAX - len, "/%s", name);
	return fd;
}

/* Create the intermediate dirs below top: <letter>1 .. <letter><root_depth-1>. */
static int make_base(struct builder *b, const char *top, char letter, char *path)
{
	int fd = open(top, O_PATH | O_DIRECTORY | O_CLOEXEC);
	char name[32];

	snprintf(path, PATH_MAX, "%s", top);
	if (fd < 0)
		return fail_errno(b, "open", top, ".");
	for (unsigned int l = 1; l < b->t->p.root_depth; l++) {
		int next;

		snprintf(name, sizeof(name), "%c%u", letter, l);
		next = enter_dir(b, fd, path, name, true);
		close(fd);
		if (next < 0)
			return -1;
		fd = next;
	}
	return fd;
}

/*
 * One chain below base/<n->base><idx> (created unless it is a root):
 * depth dirs, fanout siblings per level, files_per_dir files in the leaf.
 */
static int build_chain(struct builder *b, int base_fd, const char *base_path,
		       const struct chain_names *n, uint64_t idx, bool create_base,
		       char **leaf, char **files)
{
	const struct sb_tree_params *p = &b->t->p;
	unsigned long long i = idx;
	char path[PATH_MAX], name[64];
	int fd, next, ret = -1;

	snprintf(path, sizeof(path), "%s", base_path);
	snprintf(name, sizeof(name), "%c%llu", n->base, i);
	fd = enter_dir(b, base_fd, path, name, create_base);
	if (fd < 0)
		return -1;
	for (unsigned int l = 1; l <= p->depth; l++) {
		for (unsigned int k = 0; k < p->fanout; k++) {
			snprintf(name, sizeof(name), "%c%llu_%u_%u", n->sib, i, l, k);
			if (mkdirat(fd, name, 0755)) {
				fail_errno(b, "mkdir", path, name);
				goto out;
			}
		}
		snprintf(name, sizeof(name), "%c%llu_%u", n->dir, i, l);
		next = enter_dir(b, fd, path, name, true);
		if (next < 0)
			goto out;
		close(fd);
		fd = next;
	}
	*leaf = strdup(path);
	if (!*leaf) {
		fail_oom(b);
		goto out;
	}
	/* Seeded creation order (it decides the order of the leaf's entries). */
	for (unsigned int k = 0; k < p->files_per_dir; k++)
		b->order[k] = k;
	for (unsigned int k = p->files_per_dir - 1; k > 0; k--) {
		unsigned int j = sb_rand_below(&b->rng, k + 1);
		unsigned int tmp = b->order[k];

		b->order[k] = b->order[j];
		b->order[j] = tmp;
	}
	for (unsigned int k = 0; k < p->files_per_dir; k++) {
		unsigned int f = b->order[k];

		snprintf(name, sizeof(name), "%c%llu_%u", n->file, i, f);
		/* One syscall, no open file: trees of 10^4 files build in emulation too. */
		if (mknodat(fd, name, S_IFREG | 0644, 0)) {
			fail_errno(b, "create", path, name);
			goto out;
		}
		if (asprintf(&files[f], "%s/%s", path, name) < 0) {
			files[f] = NULL;
			fail_oom(b);
			goto out;
		}
	}
	ret = 0;
out:
	close(fd);
	return ret;
}

static char **alloc_paths(struct builder *b, size_t n)
{
	char **v = calloc(n, sizeof(*v));

	if (!v)
		fail_oom(b);
	return v;
}

int sb_tree_build(struct sb_tree *t, const char *top, const char *outside_top,
		  const struct sb_tree_params *p, char *err, size_t errlen)
{
	struct builder b = { .t = t, .err = err, .errlen = errlen };
	unsigned int chains = p->chains < p->rules ? p->chains : p->rules;
	unsigned int *perm = NULL;
	char path[PATH_MAX], name[32];
	bool started = false;
	int base = -1, outside_base = -1;
	size_t nfiles;

	memset(t, 0, sizeof(*t));
	t->p = *p;
	t->p.chains = chains;
	if (raise_files_per_dir(&t->p, err, errlen))
		goto fail;
	p = &t->p;	/* from here on, the parameters as built */
	t->top = check_empty_dir("top directory", top, err, errlen);
	if (!t->top)
		goto fail;
	if (outside_top) {
		t->outside_top = check_empty_dir("outside top directory", outside_top, err, errlen);
		if (!t->outside_top)
			goto fail;
	}
	if (check_params(p, chains, t->top, t->outside_top, err, errlen))
		goto fail;

	b.rng = p->seed;
	nfiles = (size_t)chains * p->files_per_dir;
	t->nr_files = nfiles;
	t->nr_roots = p->rules;
	t->nr_chains = chains;
	t->nr_dirs = p->rules + (size_t)chains * p->depth * (1 + p->fanout);
	perm = calloc(p->rules, sizeof(*perm));
	b.order = calloc(p->files_per_dir, sizeof(*b.order));
	t->roots = alloc_paths(&b, p->rules);
	t->in_leaf = alloc_paths(&b, chains);
	t->out_leaf = alloc_paths(&b, chains);
	t->in_files = alloc_paths(&b, nfiles);
	t->out_files = alloc_paths(&b, nfiles);
	if (!perm || !b.order || !t->roots || !t->in_leaf || !t->out_leaf ||
	    !t->in_files || !t->out_files)
		goto fail_oom;
	if (outside_top) {
		t->outside_leaf = alloc_paths(&b, chains);
		t->outside_files = alloc_paths(&b, nfiles);
		if (!t->outside_leaf || !t->outside_files)
			goto fail_oom;
	}

	/* Which roots carry the active chains: a seeded Fisher-Yates shuffle. */
	for (unsigned int i = 0; i < p->rules; i++)
		perm[i] = i;
	for (unsigned int i = p->rules - 1; i > 0; i--) {
		unsigned int j = sb_rand_below(&b.rng, i + 1);
		unsigned int tmp = perm[i];

		perm[i] = perm[j];
		perm[j] = tmp;
	}

	started = true;
	base = make_base(&b, t->top, 'a', path);
	if (base < 0)
		goto fail;
	for (unsigned int i = 0; i < p->rules; i++) {
		snprintf(name, sizeof(name), "%c%u", in_names.base, i);
		if (mkdirat(base, name, 0755)) {
			fail_errno(&b, "mkdir", path, name);
			goto fail;
		}
		if (asprintf(&t->roots[i], "%s/%s", path, name) < 0) {
			t->roots[i] = NULL;
			goto fail_oom;
		}
	}
	for (unsigned int c = 0; c < chains; c++) {
		char **in = t->in_files + (size_t)c * p->files_per_dir;
		char **out = t->out_files + (size_t)c * p->files_per_dir;

		if (build_chain(&b, base, path, &in_names, perm[c], false, &t->in_leaf[c], in) ||
		    build_chain(&b, base, path, &out_names, c, true, &t->out_leaf[c], out))
			goto fail;
	}
	if (outside_top) {
		outside_base = make_base(&b, t->outside_top, 'y', path);
		if (outside_base < 0)
			goto fail;
		for (unsigned int c = 0; c < chains; c++) {
			char **files = t->outside_files + (size_t)c * p->files_per_dir;

			if (build_chain(&b, outside_base, path, &outside_names, c, true,
					&t->outside_leaf[c], files))
				goto fail;
		}
		close(outside_base);
	}
	close(base);
	free(perm);
	free(b.order);
	return 0;

fail_oom:
	fail_oom(&b);
fail:
	if (base >= 0)
		close(base);
	if (outside_base >= 0)
		close(outside_base);
	if (started) {
		sb_rm_contents(t->top);
		if (t->outside_top)
			sb_rm_contents(t->outside_top);
	}
	free(perm);
	free(b.order);
	sb_tree_free(t);
	return -1;
}

static void free_paths(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Frees the memory only: the directories stay (the runner unmounts its tmpfs). */
void sb_tree_free(struct sb_tree *t)
{
	size_t nfiles = t->nr_files;

	free_paths(t->roots, t->nr_roots);
	free_paths(t->in_leaf, t->nr_chains);
	free_paths(t->out_leaf, t->nr_chains);
	free_paths(t->outside_leaf, t->nr_chains);
	free_paths(t->in_files, nfiles);
	free_paths(t->out_files, nfiles);
	free_paths(t->outside_files, nfiles);
	free(t->top);
	free(t->outside_top);
	memset(t, 0, sizeof(*t));
}
