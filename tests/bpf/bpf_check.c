// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_check: standalone correctness checks of the bpf-lsm and bpf-fentry
 * backends, without the harness's runner. Run as root on a box that can load
 * them (the bench VM):
 *
 *   tests/bpf/build.sh && scripts/vm/run.sh -- build/tests/bpf_check [-v] [-q] [-b BACKEND] [DIR]
 *
 * -q: one rule only (the 10,000-rule loop runs take minutes under TCG);
 * -b: only this backend.
 *
 * DIR (default /tmp/sb-bpf-check, must be on a writable filesystem) gets a
 * fresh tree: in/ (the rule), out/, deep chains of 256 directories under both,
 * and 9,999 extra rule directories for the 10,000-rule runs. For each backend,
 * strategy and rule count it attaches, performs open, create (open O_CREAT,
 * mkdir, mknod, symlink, link), unlink, rmdir and rename (in/out, both ways,
 * exchange, directory moves) and compares the delivered (kind, name) set with
 * the expected one exactly, checks dev/ino of OPEN events against stat(), and
 * for bpf-lsm deny mode checks EPERM in scope only. Exit 0 when all pass.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "bench/backend.h"

#define DEPTH 256
#define EXTRA_RULES 9999
#define MAX_RECS 200000

extern const struct sb_backend_ops sb_backend_bpf_lsm;
extern const struct sb_backend_ops sb_backend_bpf_fentry;

/* bench/backends.c is not linked (it needs every backend). */
const char *sb_strategy_name(enum sb_strategy s)
{
	static const char *const n[] = { "walk", "loop", "tag", "cache", "pass", "kfunc" };

	return (unsigned int)s < SB_STRAT__COUNT ? n[s] : "unknown";
}

static bool verbose;
static int failures;
static pid_t me;
static char base[PATH_MAX];

/* ---- what was delivered -------------------------------------------------- */

struct rec {
	enum sb_kind kind;
	char name[SB_NAME_MAX];
	uint32_t maj, min;
	uint64_t ino;
};

static struct rec *recs;
static size_t nrec;
static uint64_t overflows;

static void deliver(struct sb_sink *sink, const struct sb_event *ev)
{
	(void)sink;
	if (ev->kind == SB_EV_OVERFLOW) {
		overflows += ev->count;
		return;
	}
	if (ev->pid != me || nrec >= MAX_RECS)
		return;
	recs[nrec].kind = ev->kind;
	snprintf(recs[nrec].name, sizeof(recs[nrec].name), "%s", ev->name);
	recs[nrec].maj = ev->dev_major;
	recs[nrec].min = ev->dev_minor;
	recs[nrec].ino = ev->ino;
	nrec++;
}

static struct sb_sink sink = { .deliver = deliver };

/* ---- what should be delivered ------------------------------------------- */

struct exp {
	enum sb_kind kind;
	char name[64];
	uint64_t ino;		/* OPEN: checked against the event if not 0 */
	uint32_t maj, min;
};

static struct exp exps[4096];
static size_t nexp;

static void expect(enum sb_kind kind, const char *name)
{
	if (nexp < sizeof(exps) / sizeof(exps[0])) {
		exps[nexp].kind = kind;
		snprintf(exps[nexp].name, sizeof(exps[nexp].name), "%s", name);
		exps[nexp].ino = 0;
		nexp++;
	}
}

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("  FAIL: ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	failures++;
}

static void die(const char *what)
{
	fprintf(stderr, "bpf_check: %s: %s\n", what, strerror(errno));
	exit(2);
}

static const char *kind_name(enum sb_kind k)
{
	static const char *const n[] = { "open", "create", "delete", "moved_from",
					 "moved_to", "deny", "overflow" };

	return (unsigned int)k < SB_EV__COUNT ? n[k] : "?";
}

/* ---- the operations ------------------------------------------------------ */

static unsigned int seq;

/* A unique name: <tag>-<seq>. Names are what the oracle compares. */
static const char *uname(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "%s-%u", tag, seq++);
	return buf;
}

static void must(int ret, const char *what)
{
	if (ret < 0) {
		fprintf(stderr, "bpf_check: %s: %s\n", what, strerror(errno));
		exit(2);
	}
}

static void record_open(int dirfd, const char *name)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && nexp > 0) {
		exps[nexp - 1].ino = st.st_ino;
		exps[nexp - 1].maj = major(st.st_dev);
		exps[nexp - 1].min = minor(st.st_dev);
	}
}

/* Every operation kind in directory dirfd; in: is it in scope? */
static void ops_in(int dirfd, bool in, const char *tag)
{
	char f[64], d[64], n[64], s[64], l[64], t[64];
	int fd;

	/* open(O_CREAT) of a new file: CREATE + OPEN */
	uname(f, sizeof(f), tag);
	fd = openat(dirfd, f, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	must(fd, "create");
	close(fd);
	if (in) {
		expect(SB_EV_CREATE, f);
		expect(SB_EV_OPEN, f);
		record_open(dirfd, f);
	}
	/* open of an existing file */
	fd = openat(dirfd, f, O_RDONLY | O_CLOEXEC);
	must(fd, "open");
	close(fd);
	/* (same (kind, name) as above: the set does not change) */
	/* O_PATH opens are not opens */
	fd = openat(dirfd, f, O_PATH | O_CLOEXEC);
	must(fd, "open O_PATH");
	close(fd);
	/* mkdir */
	uname(d, sizeof(d), tag);
	must(mkdirat(dirfd, d, 0755), "mkdir");
	if (in)
		expect(SB_EV_CREATE, d);
	/* opening a directory is not an OPEN (as fanotify without FAN_ONDIR) */
	fd = openat(dirfd, d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	must(fd, "open dir");
	close(fd);
	/* mknod (fifo), symlink, link */
	uname(n, sizeof(n), tag);
	must(mknodat(dirfd, n, S_IFIFO | 0644, 0), "mknod");
	uname(s, sizeof(s), tag);
	must(symlinkat("target", dirfd, s), "symlink");
	uname(l, sizeof(l), tag);
	must(linkat(dirfd, f, dirfd, l, 0), "link");
	if (in) {
		expect(SB_EV_CREATE, n);
		expect(SB_EV_CREATE, s);
		expect(SB_EV_CREATE, l);
	}
	/* rename within the directory */
	uname(t, sizeof(t), tag);
	must(renameat(dirfd, l, dirfd, t), "rename");
	if (in) {
		expect(SB_EV_MOVED_FROM, l);
		expect(SB_EV_MOVED_TO, t);
	}
	/* unlink, rmdir */
	must(unlinkat(dirfd, t, 0), "unlink");
	must(unlinkat(dirfd, n, 0), "unlink fifo");
	must(unlinkat(dirfd, s, 0), "unlink symlink");
	must(unlinkat(dirfd, f, 0), "unlink file");
	must(unlinkat(dirfd, d, AT_REMOVEDIR), "rmdir");
	if (in) {
		expect(SB_EV_DELETE, t);
		expect(SB_EV_DELETE, n);
		expect(SB_EV_DELETE, s);
		expect(SB_EV_DELETE, f);
		expect(SB_EV_DELETE, d);
	}
}

/* Renames across the boundary between ind (in scope) and outd (not). */
static void ops_across(int ind, int outd)
{
	char a[64], b[64], x[64], y[64], dd[64], g[64], g2[64];
	int fd, sub;

	/* in -> out: MOVED_FROM only */
	uname(a, sizeof(a), "ab");
	uname(b, sizeof(b), "ab");
	fd = openat(ind, a, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	must(fd, "create");
	close(fd);
	expect(SB_EV_CREATE, a);
	expect(SB_EV_OPEN, a);
	must(renameat(ind, a, outd, b), "rename in->out");
	expect(SB_EV_MOVED_FROM, a);
	/* out -> in: MOVED_TO only */
	uname(x, sizeof(x), "xy");
	must(renameat(outd, b, ind, x), "rename out->in");
	expect(SB_EV_MOVED_TO, x);
	/* exchange: x (in) <-> y (out): each side's in-scope half */
	uname(y, sizeof(y), "xy");
	fd = openat(outd, y, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	must(fd, "create");
	close(fd);
	must(renameat2(ind, x, outd, y, RENAME_EXCHANGE), "rename exchange");
	expect(SB_EV_MOVED_FROM, x);	/* x leaves in/ */
	expect(SB_EV_MOVED_TO, x);	/* y arrives in in/ as x */
	must(unlinkat(ind, x, 0), "unlink");
	must(unlinkat(outd, y, 0), "unlink");
	expect(SB_EV_DELETE, x);
	/* a directory with a file moves in: opens below it are now in scope */
	uname(dd, sizeof(dd), "dd");
	must(mkdirat(outd, dd, 0755), "mkdir");
	sub = openat(outd, dd, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	must(sub, "open dir");
	uname(g, sizeof(g), "g");
	fd = openat(sub, g, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);	/* out of scope */
	must(fd, "create");
	close(fd);
	uname(g2, sizeof(g2), "g");
	fd = openat(sub, g2, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	must(fd, "create");
	close(fd);
	must(renameat(outd, dd, ind, dd), "rename dir out->in");
	expect(SB_EV_MOVED_TO, dd);
	fd = openat(sub, g, O_RDONLY | O_CLOEXEC);			/* in scope now */
	must(fd, "open");
	close(fd);
	expect(SB_EV_OPEN, g);
	/* and out again: files below it are out of scope again */
	must(renameat(ind, dd, outd, dd), "rename dir in->out");
	expect(SB_EV_MOVED_FROM, dd);
	fd = openat(sub, g2, O_RDONLY | O_CLOEXEC);
	must(fd, "open");
	close(fd);
	must(unlinkat(sub, g, 0), "unlink");
	must(unlinkat(sub, g2, 0), "unlink");
	close(sub);
	must(unlinkat(outd, dd, AT_REMOVEDIR), "rmdir");
}

/* ---- tree ---------------------------------------------------------------- */

static int open_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		die(path);
	return fd;
}

static void mkdir_p(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		die(path);
}

/* A chain of DEPTH directories "d" below dirfd; returns an fd of the last. */
static int make_chain(int dirfd)
{
	int fd = dup(dirfd);

	for (int i = 0; i < DEPTH; i++) {
		int next;

		if (mkdirat(fd, "d", 0755) < 0 && errno != EEXIST)
			die("mkdir chain");
		next = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (next < 0)
			die("open chain");
		close(fd);
		fd = next;
	}
	return fd;
}

static int in_fd, out_fd, deep_in_fd, deep_out_fd;
static char *rule_paths[EXTRA_RULES + 1];

static void build_tree(void)
{
	char p[PATH_MAX + 32];

	mkdir_p(base);
	snprintf(p, sizeof(p), "%s/in", base);
	mkdir_p(p);
	in_fd = open_dir(p);
	snprintf(p, sizeof(p), "%s/out", base);
	mkdir_p(p);
	out_fd = open_dir(p);
	deep_in_fd = make_chain(in_fd);
	deep_out_fd = make_chain(out_fd);
	snprintf(p, sizeof(p), "%s/r", base);
	mkdir_p(p);
	for (int i = 0; i < EXTRA_RULES; i++) {
		snprintf(p, sizeof(p), "%s/r/%d", base, i);
		mkdir_p(p);
		rule_paths[i] = strdup(p);
	}
	snprintf(p, sizeof(p), "%s/in", base);
	rule_paths[EXTRA_RULES] = strdup(p);	/* last: loop checks every other rule first */
}

/* ---- one configuration --------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void drain(struct sb_backend *b)
{
	int quiet = 0;

	while (quiet < 2) {
		int n = b->ops->consume(b, 50);

		if (n < 0) {
			fail("consume: %s", b->err);
			return;
		}
		quiet = n == 0 ? quiet + 1 : 0;
	}
}

static bool delivered(enum sb_kind kind, const char *name)
{
	for (size_t i = 0; i < nrec; i++)
		if (recs[i].kind == kind && !strcmp(recs[i].name, name))
			return true;
	return false;
}

static bool expected(enum sb_kind kind, const char *name)
{
	for (size_t i = 0; i < nexp; i++)
		if (exps[i].kind == kind && !strcmp(exps[i].name, name))
			return true;
	return false;
}

static void compare(const char *label)
{
	size_t missing = 0, unexpected = 0;

	for (size_t i = 0; i < nexp; i++) {
		if (!delivered(exps[i].kind, exps[i].name)) {
			fail("%s: missing %s %s", label, kind_name(exps[i].kind), exps[i].name);
			missing++;
		}
		if (exps[i].kind == SB_EV_OPEN && exps[i].ino) {
			for (size_t j = 0; j < nrec; j++) {
				if (recs[j].kind != SB_EV_OPEN || strcmp(recs[j].name, exps[i].name))
					continue;
				if (recs[j].ino != exps[i].ino || recs[j].maj != exps[i].maj ||
				    recs[j].min != exps[i].min)
					fail("%s: open %s: event %u:%u ino %llu, stat %u:%u ino %llu",
					     label, exps[i].name, recs[j].maj, recs[j].min,
					     (unsigned long long)recs[j].ino, exps[i].maj,
					     exps[i].min, (unsigned long long)exps[i].ino);
			}
		}
	}
	for (size_t j = 0; j < nrec; j++) {
		if (!expected(recs[j].kind, recs[j].name)) {
			if (unexpected < 10)
				fail("%s: unexpected %s %s", label, kind_name(recs[j].kind),
				     recs[j].name);
			unexpected++;
		}
	}
	if (overflows)
		fail("%s: %llu events lost", label, (unsigned long long)overflows);
	printf("  %s: expected %zu, delivered %zu, missing %zu, unexpected %zu%s\n", label,
	       nexp, nrec, missing, unexpected, missing || unexpected ? "  <-- FAIL" : "");
}

static void print_counters(struct sb_backend *b)
{
	json_t *c = json_object();
	char *s;

	if (!c)
		return;
	b->ops->counters(b, c);
	s = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
	if (s)
		printf("    counters %s\n", s);
	free(s);
	json_decref(c);
}

/* Cost of an open+close of an in-scope file at depth DEPTH: a sanity figure. */
static void time_opens(const char *label)
{
	const int n = 2000;
	double t0, t1;
	int fd;

	fd = openat(deep_in_fd, "timed", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	must(fd, "create timed");
	close(fd);
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		fd = openat(deep_in_fd, "timed", O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
	}
	t1 = now_s();
	printf("    %s: open+close at depth %d: %.0f ns/op (wall)\n", label, DEPTH,
	       (t1 - t0) / n * 1e9);
	unlinkat(deep_in_fd, "timed", 0);
}

static void run_notify(const struct sb_backend_ops *ops, enum sb_strategy strat, size_t nrules)
{
	struct sb_rules rules = { 0 };
	struct sb_backend b;
	char label[128], err[512];
	double t0, t1;

	snprintf(label, sizeof(label), "%s/%s/notify/r%zu", ops->name, sb_strategy_name(strat),
		 nrules);
	if (sb_rules_resolve(&rules, rule_paths + (EXTRA_RULES + 1 - nrules), nrules, err,
			     sizeof(err))) {
		fail("%s: rules: %s", label, err);
		return;
	}
	memset(&b, 0, sizeof(b));
	b.ops = ops;
	b.args.rules = &rules;
	b.args.strategy = strat;
	b.args.mode = SB_MODE_NOTIFY;
	b.args.sink = &sink;
	b.args.verbose = verbose;
	t0 = now_s();
	if (ops->attach(&b)) {
		fail("%s: attach: %s", label, b.err);
		sb_rules_free(&rules);
		return;
	}
	t1 = now_s();
	printf("    %s: attach %.2f s\n", label, t1 - t0);
	nrec = nexp = 0;
	overflows = 0;
	ops_in(in_fd, true, "in");
	ops_in(out_fd, false, "out");
	ops_in(deep_in_fd, true, "deepin");
	ops_in(deep_out_fd, false, "deepout");
	ops_across(in_fd, out_fd);
	ops_across(deep_in_fd, deep_out_fd);
	ops_across(in_fd, deep_out_fd);
	drain(&b);
	compare(label);
	time_opens(label);
	drain(&b);
	print_counters(&b);
	ops->detach(&b);
	ops->detach(&b);	/* idempotent */
	sb_rules_free(&rules);
}

static void check_open(int dirfd, const char *name, int want_errno, const char *label)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	int got = fd < 0 ? errno : 0;

	if (fd >= 0)
		close(fd);
	if (got != want_errno)
		fail("%s: open %s: got %s, want %s", label, name, got ? strerror(got) : "success",
		     want_errno ? strerror(want_errno) : "success");
}

static void run_deny(enum sb_strategy strat, size_t nrules)
{
	const struct sb_backend_ops *ops = &sb_backend_bpf_lsm;
	struct sb_rules rules = { 0 };
	struct sb_backend b;
	char label[128], err[512];
	int f0 = failures, fd;

	snprintf(label, sizeof(label), "%s/%s/deny/r%zu", ops->name, sb_strategy_name(strat),
		 nrules);
	/* files to open, created before attach */
	int dirs[] = { in_fd, deep_in_fd, out_fd, deep_out_fd };
	for (int i = 0; i < 4; i++) {
		fd = openat(dirs[i], "victim", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
		must(fd, "create victim");
		close(fd);
	}
	if (sb_rules_resolve(&rules, rule_paths + (EXTRA_RULES + 1 - nrules), nrules, err,
			     sizeof(err))) {
		fail("%s: rules: %s", label, err);
		return;
	}
	memset(&b, 0, sizeof(b));
	b.ops = ops;
	b.args.rules = &rules;
	b.args.strategy = strat;
	b.args.mode = SB_MODE_DENY;
	b.args.sink = &sink;
	b.args.verbose = verbose;
	if (ops->attach(&b)) {
		fail("%s: attach: %s", label, b.err);
		sb_rules_free(&rules);
		return;
	}
	check_open(in_fd, "victim", EPERM, label);
	check_open(deep_in_fd, "victim", EPERM, label);
	check_open(out_fd, "victim", 0, label);
	check_open(deep_out_fd, "victim", 0, label);
	check_open(in_fd, ".", 0, label);		/* a directory in scope */
	check_open(deep_in_fd, ".", 0, label);
	/* a new file in scope: created, then its open is denied */
	fd = openat(in_fd, "newvictim", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (fd >= 0 || errno != EPERM)
		fail("%s: open(O_CREAT) in scope: %s", label,
		     fd >= 0 ? "allowed" : strerror(errno));
	if (fd >= 0)
		close(fd);
	/* in deny mode nothing is sent: consume says so */
	print_counters(&b);
	ops->detach(&b);
	ops->detach(&b);
	sb_rules_free(&rules);
	/* detached: allowed again */
	check_open(in_fd, "victim", 0, label);
	unlinkat(in_fd, "newvictim", 0);
	for (int i = 0; i < 4; i++)
		unlinkat(dirs[i], "victim", 0);
	printf("  %s: %s\n", label, failures == f0 ? "ok" : "FAIL");
}

int main(int argc, char **argv)
{
	const struct sb_backend_ops *backends[] = { &sb_backend_bpf_lsm, &sb_backend_bpf_fentry };
	const enum sb_strategy strats[] = { SB_STRAT_WALK, SB_STRAT_LOOP };
	struct rlimit rl = { 65536, 65536 };
	char why[512];
	const char *only = NULL;
	bool quick = false;
	int opt;

	while ((opt = getopt(argc, argv, "vqb:")) != -1) {
		switch (opt) {
		case 'v': verbose = true; break;
		case 'q': quick = true; break;
		case 'b': only = optarg; break;
		default:
			fprintf(stderr,
				"usage: bpf_check [-v] [-q] [-b bpf-lsm|bpf-fentry] [DIR]\n");
			return 2;
		}
	}
	snprintf(base, sizeof(base), "%s", optind < argc ? argv[optind] : "/tmp/sb-bpf-check");
	setvbuf(stdout, NULL, _IOLBF, 0);
	me = getpid();
	recs = calloc(MAX_RECS, sizeof(*recs));
	if (!recs)
		die("calloc");
	/* 10,000 rules hold 10,000 O_PATH fds */
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0 && getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	printf("probe:\n");
	for (size_t k = 0; k < 2; k++) {
		for (int m = 0; m < SB_MODE__COUNT; m++) {
			int ret = backends[k]->probe((enum sb_mode)m, why, sizeof(why));

			printf("  %s %s: %s%s\n", backends[k]->name, m ? "deny" : "notify",
			       ret ? "unavailable: " : "available", ret ? why : "");
		}
	}
	if (backends[0]->probe(SB_MODE_NOTIFY, why, sizeof(why)) ||
	    backends[1]->probe(SB_MODE_NOTIFY, why, sizeof(why))) {
		/* `SKIP name: why`, the line tests/run.sh counts */
		for (size_t k = 0; k < 2; k++)
			if (backends[k]->probe(SB_MODE_NOTIFY, why, sizeof(why)))
				printf("SKIP bpf_check %s: unavailable on this box: %s (bpf_check "
				       "needs bpf-lsm and bpf-fentry)\n", backends[k]->name, why);
		return 77;
	}
	build_tree();
	printf("notify:\n");
	for (size_t k = 0; k < 2; k++)
		for (size_t s = 0; s < 2; s++) {
			if (only && strcmp(only, backends[k]->name))
				continue;
			run_notify(backends[k], strats[s], 1);
			if (!quick)
				run_notify(backends[k], strats[s], EXTRA_RULES + 1);
		}
	printf("deny:\n");
	for (size_t s = 0; s < 2; s++) {
		if (only && strcmp(only, "bpf-lsm"))
			break;
		run_deny(strats[s], 1);
		if (!quick)
			run_deny(strats[s], EXTRA_RULES + 1);
	}
	printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
