// SPDX-License-Identifier: GPL-2.0
/*
 * The workloads' ground truth. Each test builds a small tree, runs
 * prepare + run + finish + cleanup against the real oracle, and watches the
 * in-scope leaf directories with inotify: an independent observer of the
 * in-scope events whose parent is a leaf. What it sees is delivered to the
 * oracle's sink as a perfect backend would, so a workload that expects too
 * much or too little fails. Counts are also checked against the
 * filesystem (listings before/after) and against hand computations.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "workloads/workload.h"

static char err[512];

/* ---- an inotify observer of a set of directories ---- */

#define OBS_MAX 65536

struct obs_ev {
	enum sb_kind kind;
	char name[64];
};

struct obs {
	int fd;
	size_t n;
	size_t count[SB_EV__COUNT];
	struct obs_ev *v;
};

static void obs_init(struct obs *o)
{
	memset(o, 0, sizeof(*o));
	o->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	ck_assert_int_ge(o->fd, 0);
	o->v = calloc(OBS_MAX, sizeof(*o->v));
	ck_assert_ptr_nonnull(o->v);
}

static void obs_watch(struct obs *o, const char *dir)
{
	/* IN_CLOSE too: two opens of one file then differ from their neighbours, never coalesced */
	ck_assert_int_ge(inotify_add_watch(o->fd, dir, IN_OPEN | IN_CLOSE | IN_CREATE | IN_DELETE |
					   IN_MOVED_FROM | IN_MOVED_TO | IN_ONLYDIR), 0);
}

/* Read everything queued; run() is synchronous, so every event is there. */
static void obs_read(struct obs *o)
{
	char buf[65536] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t len;

	while ((len = read(o->fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *ie = (const struct inotify_event *)p;
			int kind = -1;

			ck_assert(!(ie->mask & IN_Q_OVERFLOW));
			if (ie->mask & IN_OPEN)
				kind = SB_EV_OPEN;
			else if (ie->mask & IN_CREATE)
				kind = SB_EV_CREATE;
			else if (ie->mask & IN_DELETE)
				kind = SB_EV_DELETE;
			else if (ie->mask & IN_MOVED_FROM)
				kind = SB_EV_MOVED_FROM;
			else if (ie->mask & IN_MOVED_TO)
				kind = SB_EV_MOVED_TO;
			if (kind >= 0 && ie->len) {
				ck_assert_uint_lt(o->n, OBS_MAX);
				o->v[o->n].kind = kind;
				snprintf(o->v[o->n].name, sizeof(o->v[o->n].name), "%s", ie->name);
				o->count[kind]++;
				o->n++;
			}
			p += sizeof(*ie) + ie->len;
		}
	}
	ck_assert_int_eq(errno, EAGAIN);
}

/* Deliver what was observed, as a backend would. */
static void obs_deliver(const struct obs *o, struct sb_oracle *oracle)
{
	struct sb_sink *sink = sb_oracle_sink(oracle);

	for (size_t i = 0; i < o->n; i++) {
		struct sb_event ev = { .kind = o->v[i].kind };

		snprintf(ev.name, sizeof(ev.name), "%s", o->v[i].name);
		sink->deliver(sink, &ev);
	}
}

/* Distinct (kind, name) pairs seen. */
static size_t obs_distinct(const struct obs *o)
{
	size_t n = 0;

	for (size_t i = 0; i < o->n; i++) {
		size_t j;

		for (j = 0; j < i; j++)
			if (o->v[j].kind == o->v[i].kind && !strcmp(o->v[j].name, o->v[i].name))
				break;
		n += j == i;
	}
	return n;
}

static void obs_free(struct obs *o)
{
	close(o->fd);
	free(o->v);
}

/* ---- a tree in temp dirs, in-scope and out-of-scope observers ---- */

struct fx {
	char *top, *outside;
	struct sb_tree t;
	struct obs in, out;
	struct fx_list before;
};

static void fx_setup(struct fx *f, const struct sb_tree_params *p)
{
	f->top = fx_tempdir();
	f->outside = fx_tempdir();
	ck_assert_msg(sb_tree_build(&f->t, f->top, f->outside, p, err, sizeof(err)) == 0, "%s", err);
	obs_init(&f->in);
	obs_init(&f->out);
	for (size_t c = 0; c < f->t.nr_chains; c++) {
		obs_watch(&f->in, f->t.in_leaf[c]);
		obs_watch(&f->out, f->t.out_leaf[c]);
		obs_watch(&f->out, f->t.outside_leaf[c]);
	}
	fx_list(f->top, &f->before);
}

/* The tree is as it was built: cleanup() undid everything. */
static void fx_check_unchanged(struct fx *f)
{
	struct fx_list after;

	fx_list(f->top, &after);
	fx_list_eq(&f->before, &after);
	fx_list_free(&after);
}

static void fx_teardown(struct fx *f)
{
	fx_check_unchanged(f);
	fx_list_free(&f->before);
	obs_free(&f->in);
	obs_free(&f->out);
	sb_tree_free(&f->t);
	fx_rmdir(f->top);
	fx_rmdir(f->outside);
}

static struct sb_wl_ctx ctx(struct fx *f, size_t ops, double hit, enum sb_mode mode,
			    struct sb_oracle *o)
{
	static unsigned int rep;
	struct sb_wl_ctx w = {
		.tree = &f->t, .ops = ops, .hit_ratio = hit, .seed = 1234,
		.rep = rep++, .mode = mode, .oracle = o,
	};
	return w;
}

/*
 * One full cycle: prepare, run (watched), finish, cleanup. The in-scope
 * observer's events are delivered to the oracle; r gets its verdict.
 */
static void cycle_hook(const struct sb_workload_ops *wl, struct fx *f, struct sb_wl_ctx *w,
		       struct sb_oracle_result *r, void (*after_prepare)(struct fx *f))
{
	ck_assert_msg(wl->prepare(w, err, sizeof(err)) == 0, "%s", err);
	if (after_prepare)
		after_prepare(f);
	/* prepare() staged objects before "attach": nothing observed counts */
	obs_read(&f->in);
	obs_read(&f->out);
	f->in.n = f->out.n = 0;
	memset(f->in.count, 0, sizeof(f->in.count));
	memset(f->out.count, 0, sizeof(f->out.count));
	ck_assert_int_eq(wl->run(w), 0);
	obs_read(&f->in);
	obs_read(&f->out);
	if (w->mode == SB_MODE_NOTIFY)
		obs_deliver(&f->in, w->oracle);
	wl->finish(w);
	wl->cleanup(w);
	ck_assert_ptr_null(w->priv);
	sb_oracle_finish(w->oracle, r);
}

static void cycle(const struct sb_workload_ops *wl, struct fx *f, struct sb_wl_ctx *w,
		  struct sb_oracle_result *r)
{
	cycle_hook(wl, f, w, r, NULL);
}

/* ---- open-close ---- */

static void open_close(double hit, size_t ops, size_t want_min_in, size_t want_max_in)
{
	struct sb_tree_params p = fx_params();
	struct sb_oracle *o = sb_oracle_new(false);
	struct sb_oracle_result r;
	struct fx f;
	struct sb_wl_ctx w;

	fx_setup(&f, &p);
	w = ctx(&f, ops, hit, SB_MODE_NOTIFY, o);
	cycle(&sb_wl_open_close, &f, &w, &r);
	/* exactly ops opens, each in a leaf; none on the outside tree */
	ck_assert_uint_eq(f.in.count[SB_EV_OPEN] + f.out.count[SB_EV_OPEN], ops);
	ck_assert_uint_ge(f.in.count[SB_EV_OPEN], want_min_in);
	ck_assert_uint_le(f.in.count[SB_EV_OPEN], want_max_in);
	ck_assert_uint_eq(f.in.n, f.in.count[SB_EV_OPEN]);
	/* the oracle expects exactly the in-scope files opened */
	ck_assert_msg(r.valid, "%s", r.why);
	ck_assert_uint_eq(r.missing, 0);
	ck_assert_uint_eq(r.unexpected, 0);
	ck_assert_uint_eq(r.expected, obs_distinct(&f.in));
	ck_assert_uint_eq(r.delivered, f.in.count[SB_EV_OPEN]);
	sb_oracle_free(o);
	fx_teardown(&f);
}

START_TEST(test_open_close_hit0)
{
	open_close(0.0, 200, 0, 0);
}
END_TEST

START_TEST(test_open_close_hit1)
{
	open_close(1.0, 200, 200, 200);
}
END_TEST

START_TEST(test_open_close_half)
{
	/* 400 draws at p = 0.5: far outside [140, 260] is a broken hit ratio */
	open_close(0.5, 400, 140, 260);
}
END_TEST

START_TEST(test_open_close_every_file)
{
	/* hit 1, many ops over 8 in-scope files: every file chosen and expected */
	struct sb_tree_params p = fx_params();
	struct sb_oracle *o = sb_oracle_new(false);
	struct sb_oracle_result r;
	struct fx f;
	struct sb_wl_ctx w;

	fx_setup(&f, &p);
	w = ctx(&f, 1000, 1.0, SB_MODE_NOTIFY, o);
	ck_assert_msg(sb_wl_open_close.prepare(&w, err, sizeof(err)) == 0, "%s", err);
	sb_wl_open_close.cleanup(&w);
	sb_oracle_finish(o, &r);
	ck_assert_uint_eq(r.expected, p.chains * p.files_per_dir);
	ck_assert_uint_eq(r.missing, r.expected);
	ck_assert(!r.valid);
	sb_oracle_free(o);
	fx_teardown(&f);
}
END_TEST

START_TEST(test_open_close_deny)
{
	/* no backend: every open succeeds, so each in-scope one is "missing" */
	struct sb_tree_params p = fx_params();
	struct sb_oracle *o = sb_oracle_new(true);
	struct sb_oracle_result r;
	struct fx f;
	struct sb_wl_ctx w;

	fx_setup(&f, &p);
	w = ctx(&f, 300, 0.5, SB_MODE_DENY, o);
	cycle(&sb_wl_open_close, &f, &w, &r);
	ck_assert_uint_eq(f.in.count[SB_EV_OPEN] + f.out.count[SB_EV_OPEN], 300);
	ck_assert_uint_gt(f.in.count[SB_EV_OPEN], 0);
	ck_assert_uint_eq(r.expected, f.in.count[SB_EV_OPEN]);
	ck_assert_uint_eq(r.missing, f.in.count[SB_EV_OPEN]);
	ck_assert_uint_eq(r.unexpected, 0);
	ck_assert_uint_eq(r.delivered, 0);
	ck_assert(!r.valid);
	sb_oracle_free(o);
	fx_teardown(&f);
}
END_TEST

START_TEST(test_open_close_deterministic)
{
	struct sb_tree_params p = fx_params();
	struct sb_oracle *o = sb_oracle_new(false);
	struct sb_oracle_result r;
	struct obs first;
	struct fx f;
	struct sb_wl_ctx w;
	bool differ = false;

	fx_setup(&f, &p);
	w = ctx(&f, 100, 0.5, SB_MODE_NOTIFY, o);
	cycle(&sb_wl_open_close, &f, &w, &r);
	first = f.in;
	first.v = malloc(first.n * sizeof(*first.v));
	memcpy(first.v, f.in.v, first.n * sizeof(*first.v));
	/* same seed, another rep: the same files in the same order */
	w = ctx(&f, 100, 0.5, SB_MODE_NOTIFY, o);
	cycle(&sb_wl_open_close, &f, &w, &r);
	ck_assert_uint_eq(f.in.n, first.n);
	for (size_t i = 0; i < first.n; i++)
		ck_assert_str_eq(f.in.v[i].name, first.v[i].name);
	/* another seed: another sequence */
	w = ctx(&f, 100, 0.5, SB_MODE_NOTIFY, o);
	w.seed = 99;
	cycle(&sb_wl_open_close, &f, &w, &r);
	for (size_t i = 0; i < first.n && i < f.in.n; i++)
		differ |= strcmp(f.in.v[i].name, first.v[i].name) != 0;
	ck_assert(differ || f.in.n != first.n);
	free(first.v);
	sb_oracle_free(o);
	fx_teardown(&f);
}
END_TEST

/* ---- create-unlink ---- */

static void create_unlink(double hit, size_t ops, size_t min_in, size_t max_in)
{
	struct sb_tree_params p = fx_params();
	struct sb_oracle *o = sb_oracle_new(false);
	struct sb_oracle_result r;
	struct fx f;
	struct sb_wl_ctx w;
	size_t n_in;

	fx_setup(&f, &p);
	w = ctx(&f, ops, hit, SB_MODE_NOTIFY, o);
	cycle(&sb_wl_create_unlink, &f, &w, &r);
	n_in = f.in.count[SB_EV_CREATE];
	ck_assert_uint_ge(n_in, min_in);
	ck_assert_uint_le(n_in, max_in);
	ck_assert_uint_eq(n_in + f.out.count[SB_EV_CREATE], ops);
	ck_assert_uint_eq(f.out.count[SB_EV_DELETE], f.out.count[SB_EV_CREATE]);
	ck_assert_uint_eq(f.in.count[SB_EV_OPEN], n_in);
	ck_assert_uint_eq(f.in.count[SB_EV_DELETE], n_in);
	ck_assert_uint_eq(f.in.n, 3 * n_in);
	/* CREATE, OPEN, DELETE of each in-scope file, nothing else */
	ck_assert_msg(r.valid, "%s", r.why);
	ck_assert_uint_eq(r.expected, 3 * n_in);
	ck_assert_uint_eq(r.missing, 0);
	ck_assert_uint_eq(r.unexpected, 0);
	sb_oracle_free(o);
	fx_teardown(&f);	/* the tree listing is as before */
}

START_TEST(test_create_unlink_half)
{
	create_unlink(0.5, 300, 90, 210);
}
END_TEST

START_TEST(test_create_unlink_hit0)
{
	create_unlink(0.0, 100, 0, 0);
}
END_TEST

START_TEST(test_create_unlink_hit1)
{
	create_unlink(1.0, 100, 100, 100);
}
END_TEST

/* ---- mkdir-rmdir ---- */

/* The names of the file inside an observed new directory: md<rep>_<i> -> mf<rep>_<i>. */
static void deliver_inner(const struct obs *o, struct sb_oracle *oracle)
{
	static const enum sb_kind kinds[] = { SB_EV_CREATE, SB_EV_OPEN, SB_EV_DELETE };
	struct sb_sink *sink = sb_oracle_sink(oracle);

	for (size_t i = 0; i < o->n; i++) {
		if (o->v[i].kind != SB_EV_CREATE)
			continue;
		ck_assert(!strncmp(o->v[i].name, "md", 2));
		for (size_t k = 0; k < 3; k++) {
			struct sb_event ev = { .kind = kinds[k] };

			snprintf(ev.name, sizeof(ev.name), "mf%s", o->v[i].name + 2);
			sink->deliver(sink, &ev);
		}
	}
}

static void mkdir_rmdir(bool with_inner)
{
	struct sb_tree_params p = fx_params();
	struct sb_oracle *o = sb_oracle_new(false);
	struct sb_oracle_result r;
	struct fx f;
	struct sb_wl_ctx w;
	size_t n_in;

	fx_setup(&f, &p);
	w = ctx(&f, 200, 0.5, SB_MODE_NOTIFY, o);
	ck_assert_msg(sb_wl_mkdir_rmdir.prepare(&w, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(sb_wl_mkdir_rmdir.run(&w), 0);
	obs_read(&f.in);
	obs_read(&f.out);
	/* the leaf watches see the new directories come and go */
	n_in = f.in.count[SB_EV_CREATE];
	ck_assert_uint_gt(n_in, 50);
	ck_assert_uint_lt(n_in, 150);
	ck_assert_uint_eq(f.in.count[SB_EV_DELETE], n_in);
	ck_assert_uint_eq(f.in.n, 2 * n_in);
	ck_assert_uint_eq(n_in + f.out.count[SB_EV_CREATE], 200);
	obs_deliver(&f.in, o);
	if (with_inner)
		deliver_inner(&f.in, o);
	sb_wl_mkdir_rmdir.finish(&w);
	sb_wl_mkdir_rmdir.cleanup(&w);
	sb_oracle_finish(o, &r);
	/* dir: CREATE, DELETE; the file inside: CREATE, OPEN, DELETE */
	ck_assert_uint_eq(r.expected, 5 * n_in);
	ck_assert_uint_eq(r.unexpected, 0);
	ck_assert_uint_eq(r.missing, with_inner ? 0 : 3 * n_in);
	ck_assert(r.valid == with_inner);
	sb_oracle_free(o);
	fx_teardown(&f);
}

START_TEST(test_mkdir_rmdir)
{
	mkdir_rmdir(true);
}
END_TEST

START_TEST(test_mkdir_rmdir_inner_expected)
{
	mkdir_rmdir(false);
}
END_TEST

/* ---- rename ---- */

/* Watch the directories staged in out leaves: after moving in, their file is touched. */
static void watch_staged_dirs(struct fx *f)
{
	for (size_t c = 0; c < f->t.nr_chains; c++) {
		struct fx_list l;

		fx_list(f->t.out_leaf[c], &l);
		for (size_t i = 0; i < l.n; i++) {
			char path[PATH_MAX];

			if (l.v[i][0] != 'd' || strchr(l.v[i] + 3, '/'))
				continue;
			snprintf(path, sizeof(path), "%s%s", f->t.out_leaf[c], l.v[i] + 2);
			obs_watch(&f->in, path);
		}
		fx_list_free(&l);
	}
}

static void rename_cycle(double hit, size_t ops, size_t min_to, size_t max_to)
{
	struct sb_tree_params p = fx_params();
	struct sb_oracle *o = sb_oracle_new(false);
	struct sb_oracle_result r;
	struct fx f;
	struct sb_wl_ctx w;
	size_t n_to, n_from, dirs = 0;

	fx_setup(&f, &p);
	w = ctx(&f, ops, hit, SB_MODE_NOTIFY, o);
	cycle_hook(&sb_wl_rename, &f, &w, &r, watch_staged_dirs);
	n_to = f.in.count[SB_EV_MOVED_TO];
	n_from = f.in.count[SB_EV_MOVED_FROM];
	ck_assert_uint_ge(n_to, min_to);
	ck_assert_uint_le(n_to, max_to);
	ck_assert_uint_eq(n_to + n_from, ops);
	/* every move crosses the boundary: the out leaves see the other ends */
	ck_assert_uint_eq(f.out.count[SB_EV_MOVED_FROM], n_to);
	ck_assert_uint_eq(f.out.count[SB_EV_MOVED_TO], n_from);
	/* each object moved in is touched in scope (a file or the file in a dir) */
	ck_assert_uint_eq(f.in.count[SB_EV_OPEN], n_to);
	ck_assert_uint_eq(f.in.n, n_to * 2 + n_from);
	for (size_t i = 0; i < f.in.n; i++)
		dirs += !strncmp(f.in.v[i].name, "rd", 2) || !strncmp(f.in.v[i].name, "rc", 2);
	if (ops >= 100)
		ck_assert_uint_gt(dirs, 0);
	ck_assert_msg(r.valid, "%s", r.why);
	ck_assert_uint_eq(r.expected, 2 * n_to + n_from);
	ck_assert_uint_eq(r.missing, 0);
	ck_assert_uint_eq(r.unexpected, 0);
	sb_oracle_free(o);
	fx_teardown(&f);	/* staged and moved objects are gone */
}

START_TEST(test_rename_half)
{
	rename_cycle(0.5, 200, 60, 140);
}
END_TEST

START_TEST(test_rename_hit0)
{
	rename_cycle(0.0, 100, 0, 0);
}
END_TEST

START_TEST(test_rename_hit1)
{
	rename_cycle(1.0, 100, 100, 100);
}
END_TEST

START_TEST(test_rename_cleanup_without_run)
{
	/* prepare() stages objects; cleanup() alone must remove them */
	struct sb_tree_params p = fx_params();
	struct sb_oracle *o = sb_oracle_new(false);
	struct fx_list staged;
	struct fx f;
	struct sb_wl_ctx w;

	fx_setup(&f, &p);
	w = ctx(&f, 50, 0.5, SB_MODE_NOTIFY, o);
	ck_assert_msg(sb_wl_rename.prepare(&w, err, sizeof(err)) == 0, "%s", err);
	fx_list(f.top, &staged);
	ck_assert_uint_gt(staged.n, f.before.n + 50);
	fx_list_free(&staged);
	sb_wl_rename.cleanup(&w);
	sb_oracle_free(o);
	fx_teardown(&f);
}
END_TEST

/* ---- outside-fs ---- */

static void outside_fs(enum sb_mode mode)
{
	struct sb_tree_params p = fx_params();
	struct sb_oracle *o = sb_oracle_new(mode == SB_MODE_DENY);
	struct sb_oracle_result r;
	struct fx f;
	struct sb_wl_ctx w;

	fx_setup(&f, &p);
	w = ctx(&f, 200, 1.0, mode, o);
	cycle(&sb_wl_outside_fs, &f, &w, &r);
	/* every open on the outside tree (watched by the out observer), none in scope */
	ck_assert_uint_eq(f.in.n, 0);
	ck_assert_uint_eq(f.out.count[SB_EV_OPEN], 200);
	ck_assert_msg(r.valid, "%s", r.why);
	ck_assert_uint_eq(r.expected, 0);
	ck_assert_uint_eq(r.missing, 0);
	ck_assert_uint_eq(r.unexpected, 0);
	ck_assert_uint_eq(r.delivered, 0);
	sb_oracle_free(o);
	fx_teardown(&f);
}

START_TEST(test_outside_fs_notify)
{
	outside_fs(SB_MODE_NOTIFY);
}
END_TEST

START_TEST(test_outside_fs_deny)
{
	outside_fs(SB_MODE_DENY);
}
END_TEST

START_TEST(test_outside_fs_no_outside_tree)
{
	struct sb_tree_params p = fx_params();
	char *top = fx_tempdir();
	struct sb_tree t;
	struct sb_wl_ctx w = { .tree = &t, .ops = 10, .mode = SB_MODE_NOTIFY };
	char why[256] = "";
	int ret;

	ck_assert_msg(sb_tree_build(&t, top, NULL, &p, err, sizeof(err)) == 0, "%s", err);
	w.oracle = sb_oracle_new(false);
	ck_assert_int_eq(sb_wl_outside_fs.prepare(&w, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "outside"), "%s", err);
	ck_assert_ptr_null(w.priv);
	sb_oracle_free(w.oracle);
	sb_tree_free(&t);
	fx_rmdir(top);

	/* the probe answers either way, with a reason when it cannot */
	ret = sb_wl_outside_fs.probe(why, sizeof(why));
	if (geteuid() == 0)
		ck_assert_msg(ret == 0, "%s", why);
	else
		ck_assert(ret == 0 || (ret == -1 && why[0]));
}
END_TEST

/* ---- option errors ---- */

START_TEST(test_errors)
{
	struct sb_tree_params p = fx_params();
	struct sb_oracle *o = sb_oracle_new(false);
	struct fx f;
	struct sb_wl_ctx w;

	fx_setup(&f, &p);
	for (size_t i = 0; sb_workloads[i]; i++) {
		const struct sb_workload_ops *wl = sb_workloads[i];

		w = ctx(&f, 0, 0.5, SB_MODE_NOTIFY, o);
		ck_assert_int_eq(wl->prepare(&w, err, sizeof(err)), -1);
		ck_assert_msg(strstr(err, "--ops") && strstr(err, wl->name), "%s", err);
		ck_assert_ptr_null(w.priv);
		w = ctx(&f, 10, 1.5, SB_MODE_NOTIFY, o);
		ck_assert_int_eq(wl->prepare(&w, err, sizeof(err)), -1);
		ck_assert_msg(strstr(err, "--hit-ratio"), "%s", err);
		if (!(wl->modes & SB_BIT(SB_MODE_DENY))) {
			w = ctx(&f, 10, 0.5, SB_MODE_DENY, o);
			ck_assert_int_eq(wl->prepare(&w, err, sizeof(err)), -1);
			ck_assert_msg(strstr(err, "--mode deny"), "%s", err);
			ck_assert_ptr_null(w.priv);
		}
	}
	sb_oracle_free(o);
	fx_teardown(&f);
}
END_TEST

START_TEST(test_registry)
{
	size_t n = 0;

	for (; sb_workloads[n]; n++) {
		const char *name = sb_workloads[n]->name;

		ck_assert_ptr_eq(sb_workload_find(name), sb_workloads[n]);
		ck_assert_ptr_nonnull(sb_workloads[n]->summary);
		ck_assert_ptr_nonnull(sb_workloads[n]->run);
		for (const char *c = name; *c; c++)
			ck_assert(*c == '-' || (*c >= 'a' && *c <= 'z'));
	}
	ck_assert_uint_eq(n, 5);
	ck_assert_ptr_eq(sb_workload_find("open-close"), &sb_wl_open_close);
	ck_assert_ptr_null(sb_workload_find("open_close"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("workloads");
	TCase *tc = tcase_create("workloads");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_open_close_hit0);
	tcase_add_test(tc, test_open_close_hit1);
	tcase_add_test(tc, test_open_close_half);
	tcase_add_test(tc, test_open_close_every_file);
	tcase_add_test(tc, test_open_close_deny);
	tcase_add_test(tc, test_open_close_deterministic);
	tcase_add_test(tc, test_create_unlink_half);
	tcase_add_test(tc, test_create_unlink_hit0);
	tcase_add_test(tc, test_create_unlink_hit1);
	tcase_add_test(tc, test_mkdir_rmdir);
	tcase_add_test(tc, test_mkdir_rmdir_inner_expected);
	tcase_add_test(tc, test_rename_half);
	tcase_add_test(tc, test_rename_hit0);
	tcase_add_test(tc, test_rename_hit1);
	tcase_add_test(tc, test_rename_cleanup_without_run);
	tcase_add_test(tc, test_outside_fs_notify);
	tcase_add_test(tc, test_outside_fs_deny);
	tcase_add_test(tc, test_outside_fs_no_outside_tree);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_registry);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
