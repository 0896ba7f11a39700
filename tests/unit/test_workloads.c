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
#include <math.h>
#include <pthread.h>
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

static void obs_deliver_one(const struct obs_ev *e, struct sb_oracle *oracle)
{
	struct sb_sink *sink = sb_oracle_sink(oracle);
	struct sb_event ev = { .kind = e->kind };

	snprintf(ev.name, sizeof(ev.name), "%s", e->name);
	sink->deliver(sink, &ev);
}

/* Deliver what was observed, as a backend would. */
static void obs_deliver(const struct obs *o, struct sb_oracle *oracle)
{
	for (size_t i = 0; i < o->n; i++)
		obs_deliver_one(&o->v[i], oracle);
}

static int obs_cmp(const void *a, const void *b)
{
	const struct obs_ev *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The observed events sorted by (kind, name), each key once; returns how many. */
static size_t obs_unique(const struct obs *o, struct obs_ev **out)
{
	struct obs_ev *v = malloc((o->n + 1) * sizeof(*v));
	size_t n = 0;

	ck_assert_ptr_nonnull(v);
	memcpy(v, o->v, o->n * sizeof(*v));
	qsort(v, o->n, sizeof(*v), obs_cmp);
	for (size_t i = 0; i < o->n; i++)
		if (!n || obs_cmp(&v[n - 1], &v[i]))
			v[n++] = v[i];
	*out = v;
	return n;
}

/* Distinct (kind, name) pairs seen. */
static size_t obs_distinct(const struct obs *o)
{
	struct obs_ev *v;
	size_t n = obs_unique(o, &v);

	free(v);
	return n;
}

/* Deliver each key seen once, as fanotify would after merging repeats. */
static void obs_deliver_merged(const struct obs *o, struct sb_oracle *oracle)
{
	struct obs_ev *v;
	size_t n = obs_unique(o, &v);

	for (size_t i = 0; i < n; i++)
		obs_deliver_one(&v[i], oracle);
	free(v);
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

/* What the runner does between prepare() and attach. */
static void prepare(const struct sb_workload_ops *wl, struct sb_wl_ctx *w)
{
	ck_assert_msg(wl->prepare(w, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(sb_oracle_reserve(w->oracle, 2 * sb_oracle_nr_expected(w->oracle) + 1024), 0);
}

/* Forget what prepare() staged: it happened before "attach". */
static void obs_reset(struct fx *f)
{
	obs_read(&f->in);
	obs_read(&f->out);
	f->in.n = f->out.n = 0;
	memset(f->in.count, 0, sizeof(f->in.count));
	memset(f->out.count, 0, sizeof(f->out.count));
}

/*
 * One full cycle: prepare, run (watched), finish, cleanup. The in-scope
 * observer's events are delivered to the oracle (each once, or merged as
 * fanotify would: merge); r gets its verdict.
 */
static void cycle_full(const struct sb_workload_ops *wl, struct fx *f, struct sb_wl_ctx *w,
		       struct sb_oracle_result *r, void (*after_prepare)(struct fx *f), bool merge)
{
	prepare(wl, w);
	if (after_prepare)
		after_prepare(f);
	obs_reset(f);
	ck_assert_int_eq(wl->run(w), 0);
	obs_read(&f->in);
	obs_read(&f->out);
	if (w->mode == SB_MODE_NOTIFY && merge)
		obs_deliver_merged(&f->in, w->oracle);
	else if (w->mode == SB_MODE_NOTIFY)
		obs_deliver(&f->in, w->oracle);
	wl->finish(w);
	wl->cleanup(w);
	ck_assert_ptr_null(w->priv);
	sb_oracle_finish(w->oracle, r);
}

static void cycle(const struct sb_workload_ops *wl, struct fx *f, struct sb_wl_ctx *w,
		  struct sb_oracle_result *r)
{
	cycle_full(wl, f, w, r, NULL, false);
}

struct slice_thread {
	const struct sb_workload_ops *wl;
	struct sb_wl_ctx w;
	int ret;
};

static void *slice_main(void *arg)
{
	struct slice_thread *s = arg;

	s->ret = s->wl->run(&s->w);
	return NULL;
}

/*
 * Run w's list (prepared) on n threads at once, each its slice, as the
 * runner does; finish each slice, then clean up. The observer's events go
 * to the oracle as in cycle().
 */
static void cycle_threads(const struct sb_workload_ops *wl, struct fx *f, struct sb_wl_ctx *w,
			  unsigned int n, struct sb_oracle_result *r)
{
	struct slice_thread st[4];
	pthread_t tid[4];

	ck_assert_uint_le(n, 4);
	prepare(wl, w);
	/* prepare() sets the whole list: what one thread runs */
	ck_assert_uint_eq(w->op_begin, 0);
	ck_assert_uint_eq(w->op_end, w->ops);
	obs_reset(f);
	for (unsigned int i = 0; i < n; i++) {
		st[i] = (struct slice_thread){ .wl = wl, .w = *w };
		sb_wl_slice(w->ops, n, i, &st[i].w.op_begin, &st[i].w.op_end);
		ck_assert_int_eq(pthread_create(&tid[i], NULL, slice_main, &st[i]), 0);
	}
	for (unsigned int i = 0; i < n; i++) {
		pthread_join(tid[i], NULL);
		ck_assert_int_eq(st[i].ret, 0);
	}
	obs_read(&f->in);
	obs_read(&f->out);
	if (w->mode == SB_MODE_NOTIFY)
		obs_deliver(&f->in, w->oracle);
	for (unsigned int i = 0; i < n; i++)
		wl->finish(&st[i].w);
	wl->cleanup(w);
	ck_assert_ptr_null(w->priv);
	sb_oracle_finish(w->oracle, r);
}

/*
 * The default regime: every operation touched its own object, so no event
 * (kind, name) happened twice on either side. With a valid verdict (the
 * expected multiset equals the observed one) no key was expected twice.
 */
static void assert_each_once(const struct fx *f, const struct sb_oracle_result *r)
{
	ck_assert_msg(r->valid, "%s", r->why);
	ck_assert_uint_eq(r->merged, 0);
	ck_assert_uint_eq(r->duplicated, 0);
	ck_assert_uint_eq(obs_distinct(&f->in), f->in.n);
	ck_assert_uint_eq(obs_distinct(&f->out), f->out.n);
}

/*
 * Deny mode with no backend: nothing is denied, so each of the in_scope
 * opens is missing (in scope, allowed) and none is unexpected; the oracle
 * counts outcomes, not events.
 */
static void assert_none_denied(const struct sb_oracle_result *r, const struct sb_oracle *o,
			       uint64_t in_scope)
{
	ck_assert_uint_eq(r->expected, in_scope);
	ck_assert_uint_eq(r->missing, in_scope);
	ck_assert_uint_eq(r->unexpected, 0);
	ck_assert_uint_eq(r->delivered, 0);
	ck_assert(!r->valid);
	ck_assert_uint_eq(sb_oracle_nr_outside(o), 0);
}

/* How many of ops draws at probability hit may land in scope, at most 6 sigma off. */
static void hit_bounds(size_t ops, double hit, size_t *lo, size_t *hi)
{
	double mean = ops * hit, dev = 6 * sqrt(ops * hit * (1 - hit)) + 1;

	*lo = hit == 1.0 ? ops : mean > dev ? (size_t)(mean - dev) : 0;
	*hi = hit == 0.0 ? 0 : mean + dev < ops ? (size_t)(mean + dev) : ops;
}

struct combo {
	size_t ops;
	double hit;
};

/* (ops, hit) points every workload runs: one op, the extremes, a mix, more ops. */
static const struct combo combos[] = {
	{ 1, 0.0 }, { 1, 1.0 }, { 7, 0.5 }, { 200, 0.0 }, { 200, 1.0 }, { 400, 0.5 },
	{ 1500, 0.25 },
};
#define NCOMBOS (sizeof(combos) / sizeof(*combos))

/* A tree with enough files for the workload at these ops (as the runner builds it). */
static void fx_setup_for(struct fx *f, const struct sb_workload_ops *wl, size_t ops, size_t files)
{
	struct sb_tree_params p = fx_params();

	p.min_files = wl->files_needed ? wl->files_needed(ops, files) : 0;
	fx_setup(f, &p);
	ck_assert_uint_ge(f->t.nr_files, p.min_files);
}

/* ---- open-close ---- */

static void open_close(size_t ops, double hit)
{
	struct sb_oracle *o = sb_oracle_new(false, 0);
	struct sb_oracle_result r;
	struct fx f;
	struct sb_wl_ctx w;
	size_t lo, hi;

	fx_setup_for(&f, &sb_wl_open_close, ops, 0);
	w = ctx(&f, ops, hit, SB_MODE_NOTIFY, o);
	cycle(&sb_wl_open_close, &f, &w, &r);
	/* exactly ops opens, each in a leaf, each of its own file; none outside */
	ck_assert_uint_eq(f.in.count[SB_EV_OPEN] + f.out.count[SB_EV_OPEN], ops);
	ck_assert_uint_eq(obs_distinct(&f.in) + obs_distinct(&f.out), ops);
	hit_bounds(ops, hit, &lo, &hi);
	ck_assert_uint_ge(f.in.count[SB_EV_OPEN], lo);
	ck_assert_uint_le(f.in.count[SB_EV_OPEN], hi);
	ck_assert_uint_eq(f.in.n, f.in.count[SB_EV_OPEN]);
	/* the oracle expects exactly the in-scope files opened, each once */
	assert_each_once(&f, &r);
	ck_assert_uint_eq(r.missing, 0);
	ck_assert_uint_eq(r.unexpected, 0);
	ck_assert_uint_eq(r.expected, f.in.count[SB_EV_OPEN]);
	ck_assert_uint_eq(r.delivered, f.in.count[SB_EV_OPEN]);
	/* what a pass filter would deliver beside them */
	ck_assert_uint_eq(sb_oracle_nr_outside(o), f.out.count[SB_EV_OPEN]);
	sb_oracle_free(o);
	fx_teardown(&f);
}

START_TEST(test_open_close_combos)
{
	open_close(combos[_i].ops, combos[_i].hit);
}
END_TEST

START_TEST(test_open_close_merged)
{
	/* the same files opened again: a fanotify-like merge is "merged", not valid */
	struct sb_oracle *o = sb_oracle_new(false, 0);
	struct sb_oracle_result r;
	struct fx f;
	struct sb_wl_ctx w;

	fx_setup_for(&f, &sb_wl_open_close, 0, 3);
	w = ctx(&f, 300, 1.0, SB_MODE_NOTIFY, o);
	w.files = 3;
	cycle_full(&sb_wl_open_close, &f, &w, &r, NULL, true);
	ck_assert(!r.valid);
	ck_assert_uint_eq(r.expected, 300);
	ck_assert_uint_eq(r.delivered, 3);
	ck_assert_uint_eq(r.merged, 297);
	ck_assert_msg(strstr(r.why, "297 merged (e.g. open/f"), "%s", r.why);
	sb_oracle_free(o);

	/* the burst regime allows it and reports it */
	o = sb_oracle_new(false, SB_ORACLE_BURST);
	w = ctx(&f, 300, 1.0, SB_MODE_NOTIFY, o);
	w.files = 3;
	cycle_full(&sb_wl_open_close, &f, &w, &r, NULL, true);
	ck_assert_msg(r.valid, "%s", r.why);
	ck_assert_uint_eq(r.merged, 297);
	sb_oracle_free(o);
	fx_teardown(&f);
}
END_TEST

START_TEST(test_open_close_burst)
{
	/* burst: N files per side, reused; with hit 0.5 both sides see all N */
	static const size_t ns[] = { 1, 3, 8 };

	for (size_t k = 0; k < sizeof(ns) / sizeof(*ns); k++) {
		struct sb_oracle *o = sb_oracle_new(false, SB_ORACLE_BURST);
		struct sb_oracle_result r;
		struct fx f;
		struct sb_wl_ctx w;

		fx_setup_for(&f, &sb_wl_open_close, 400, ns[k]);
		ck_assert_uint_eq(f.t.nr_files, 8);	/* fx_params' own: N fits */
		w = ctx(&f, 400, 0.5, SB_MODE_NOTIFY, o);
		w.files = ns[k];
		cycle(&sb_wl_open_close, &f, &w, &r);
		ck_assert_uint_eq(f.in.count[SB_EV_OPEN] + f.out.count[SB_EV_OPEN], 400);
		ck_assert_uint_eq(obs_distinct(&f.in), ns[k]);
		ck_assert_uint_eq(obs_distinct(&f.out), ns[k]);
		/* every open expected, repeats included: inotify merged none */
		ck_assert_msg(r.valid, "%s", r.why);
		ck_assert_uint_eq(r.expected, f.in.count[SB_EV_OPEN]);
		ck_assert_uint_eq(r.merged, 0);
		sb_oracle_free(o);
		fx_teardown(&f);
	}
}
END_TEST

START_TEST(test_open_close_tree_too_small)
{
	/* fx_params' tree holds 8 files per side */
	struct sb_oracle *o = sb_oracle_new(false, 0);
	struct sb_tree_params p = fx_params();
	struct fx f;
	struct sb_wl_ctx w;

	fx_setup(&f, &p);
	ck_assert_uint_eq(f.t.nr_files, 8);
	ck_assert_uint_eq(sb_wl_open_close.files_needed(9, 0), 9);
	ck_assert_uint_eq(sb_wl_open_close.files_needed(9, 4), 4);
	w = ctx(&f, 9, 0.5, SB_MODE_NOTIFY, o);
	ck_assert_int_eq(sb_wl_open_close.prepare(&w, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "--ops 9") && strstr(err, "holds 8") && strstr(err, "min_files"),
		      "%s", err);
	ck_assert_ptr_null(w.priv);
	w = ctx(&f, 9, 0.5, SB_MODE_NOTIFY, o);
	w.files = 9;
	ck_assert_int_eq(sb_wl_open_close.prepare(&w, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "--files 9"), "%s", err);
	/* exactly as many operations as files: every file once */
	w = ctx(&f, 8, 1.0, SB_MODE_NOTIFY, o);
	ck_assert_msg(sb_wl_open_close.prepare(&w, err, sizeof(err)) == 0, "%s", err);
	sb_wl_open_close.cleanup(&w);
	ck_assert_uint_eq(sb_oracle_nr_expected(o), 8);
	sb_oracle_free(o);
	fx_teardown(&f);
}
END_TEST

START_TEST(test_open_close_deny)
{
	/* no backend: every open succeeds, so each in-scope one is "missing" */
	struct sb_oracle *o = sb_oracle_new(true, 0);
	struct sb_oracle_result r;
	struct fx f;
	struct sb_wl_ctx w;

	fx_setup_for(&f, &sb_wl_open_close, 300, 0);
	w = ctx(&f, 300, 0.5, SB_MODE_DENY, o);
	/* on _i threads: each slice's finish() reports its own outcomes */
	cycle_threads(&sb_wl_open_close, &f, &w, _i, &r);
	ck_assert_uint_eq(f.in.count[SB_EV_OPEN] + f.out.count[SB_EV_OPEN], 300);
	/* deny mode opens distinct files too */
	ck_assert_uint_eq(obs_distinct(&f.in) + obs_distinct(&f.out), 300);
	ck_assert_uint_gt(f.in.count[SB_EV_OPEN], 0);
	assert_none_denied(&r, o, f.in.count[SB_EV_OPEN]);
	sb_oracle_free(o);
	fx_teardown(&f);
}
END_TEST

START_TEST(test_open_close_deterministic)
{
	struct sb_oracle *o = sb_oracle_new(false, 0);
	struct sb_oracle_result r;
	struct obs first;
	struct fx f;
	struct sb_wl_ctx w;
	bool differ = false;

	fx_setup_for(&f, &sb_wl_open_close, 100, 0);
	w = ctx(&f, 100, 0.5, SB_MODE_NOTIFY, o);
	cycle(&sb_wl_open_close, &f, &w, &r);
	sb_oracle_free(o);
	first = f.in;
	first.v = malloc(first.n * sizeof(*first.v));
	memcpy(first.v, f.in.v, first.n * sizeof(*first.v));
	/* same seed, another rep: the same files in the same order */
	o = sb_oracle_new(false, 0);
	w = ctx(&f, 100, 0.5, SB_MODE_NOTIFY, o);
	cycle(&sb_wl_open_close, &f, &w, &r);
	sb_oracle_free(o);
	ck_assert_uint_eq(f.in.n, first.n);
	for (size_t i = 0; i < first.n; i++)
		ck_assert_str_eq(f.in.v[i].name, first.v[i].name);
	/* another seed: another sequence */
	o = sb_oracle_new(false, 0);
	w = ctx(&f, 100, 0.5, SB_MODE_NOTIFY, o);
	w.seed = 99;
	cycle(&sb_wl_open_close, &f, &w, &r);
	sb_oracle_free(o);
	for (size_t i = 0; i < first.n && i < f.in.n; i++)
		differ |= strcmp(f.in.v[i].name, first.v[i].name) != 0;
	ck_assert(differ || f.in.n != first.n);
	free(first.v);
	fx_teardown(&f);
}
END_TEST

START_TEST(test_open_close_twins)
{
	/* hit 0 and hit 1 with one seed open twins: the same chain and position */
	struct sb_oracle *o = sb_oracle_new(false, 0);
	struct sb_oracle_result r;
	struct obs in;
	struct fx f;
	struct sb_wl_ctx w;

	fx_setup_for(&f, &sb_wl_open_close, 50, 0);
	w = ctx(&f, 50, 1.0, SB_MODE_NOTIFY, o);
	cycle(&sb_wl_open_close, &f, &w, &r);
	sb_oracle_free(o);
	in = f.in;
	in.v = malloc(in.n * sizeof(*in.v));
	memcpy(in.v, f.in.v, in.n * sizeof(*in.v));
	o = sb_oracle_new(false, 0);
	w = ctx(&f, 50, 0.0, SB_MODE_NOTIFY, o);
	cycle(&sb_wl_open_close, &f, &w, &r);
	sb_oracle_free(o);
	ck_assert_uint_eq(in.n, 50);
	ck_assert_uint_eq(f.out.count[SB_EV_OPEN], 50);
	/* f<root>_<k> in scope, g<chain>_<k> its twin: the same k, in order */
	for (size_t i = 0, j = 0; i < in.n; i++, j++) {
		while (f.out.v[j].kind != SB_EV_OPEN)
			j++;
		ck_assert_str_eq(strchr(in.v[i].name, '_'), strchr(f.out.v[j].name, '_'));
	}
	free(in.v);
	fx_teardown(&f);
}
END_TEST

/* ---- create-unlink ---- */

static void create_unlink(size_t ops, double hit)
{
	struct sb_oracle *o = sb_oracle_new(false, 0);
	struct sb_oracle_result r;
	struct fx f;
	struct sb_wl_ctx w;
	size_t n_in, lo, hi;

	fx_setup_for(&f, &sb_wl_create_unlink, ops, 0);
	w = ctx(&f, ops, hit, SB_MODE_NOTIFY, o);
	cycle(&sb_wl_create_unlink, &f, &w, &r);
	n_in = f.in.count[SB_EV_CREATE];
	hit_bounds(ops, hit, &lo, &hi);
	ck_assert_uint_ge(n_in, lo);
	ck_assert_uint_le(n_in, hi);
	ck_assert_uint_eq(n_in + f.out.count[SB_EV_CREATE], ops);
	ck_assert_uint_eq(f.out.count[SB_EV_DELETE], f.out.count[SB_EV_CREATE]);
	ck_assert_uint_eq(f.in.count[SB_EV_OPEN], n_in);
	ck_assert_uint_eq(f.in.count[SB_EV_DELETE], n_in);
	ck_assert_uint_eq(f.in.n, 3 * n_in);
	/* CREATE, OPEN, DELETE of each in-scope file, each once, nothing else */
	assert_each_once(&f, &r);
	ck_assert_uint_eq(obs_distinct(&f.in), 3 * n_in);
	ck_assert_uint_eq(r.expected, 3 * n_in);
	ck_assert_uint_eq(sb_oracle_nr_outside(o), f.out.n);
	ck_assert_uint_eq(r.missing, 0);
	ck_assert_uint_eq(r.unexpected, 0);
	sb_oracle_free(o);
	fx_teardown(&f);	/* the tree listing is as before */
}

START_TEST(test_create_unlink_combos)
{
	create_unlink(combos[_i].ops, combos[_i].hit);
}
END_TEST

/* ---- mkdir-rmdir ---- */

/* The names of the file inside an observed new directory: md<rep>_<i> -> mf<rep>_<i>. */
static void deliver_inner(const struct obs *o, struct sb_oracle *oracle)
{
	static const enum sb_kind kinds[] = { SB_EV_CREATE, SB_EV_OPEN, SB_EV_DELETE };

	for (size_t i = 0; i < o->n; i++) {
		if (o->v[i].kind != SB_EV_CREATE)
			continue;
		ck_assert(!strncmp(o->v[i].name, "md", 2));
		for (size_t k = 0; k < 3; k++) {
			struct obs_ev ev = { .kind = kinds[k] };

			snprintf(ev.name, sizeof(ev.name), "mf%s", o->v[i].name + 2);
			obs_deliver_one(&ev, oracle);
		}
	}
}

static void mkdir_rmdir(size_t ops, double hit, bool with_inner)
{
	struct sb_oracle *o = sb_oracle_new(false, 0);
	struct sb_oracle_result r;
	struct fx f;
	struct sb_wl_ctx w;
	size_t n_in, lo, hi;

	fx_setup_for(&f, &sb_wl_mkdir_rmdir, ops, 0);
	w = ctx(&f, ops, hit, SB_MODE_NOTIFY, o);
	prepare(&sb_wl_mkdir_rmdir, &w);
	obs_reset(&f);
	ck_assert_int_eq(sb_wl_mkdir_rmdir.run(&w), 0);
	obs_read(&f.in);
	obs_read(&f.out);
	/* the leaf watches see the new directories come and go */
	n_in = f.in.count[SB_EV_CREATE];
	hit_bounds(ops, hit, &lo, &hi);
	ck_assert_uint_ge(n_in, lo);
	ck_assert_uint_le(n_in, hi);
	ck_assert_uint_eq(f.in.count[SB_EV_DELETE], n_in);
	ck_assert_uint_eq(f.in.n, 2 * n_in);
	ck_assert_uint_eq(n_in + f.out.count[SB_EV_CREATE], ops);
	obs_deliver(&f.in, o);
	if (with_inner)
		deliver_inner(&f.in, o);
	sb_wl_mkdir_rmdir.finish(&w);
	sb_wl_mkdir_rmdir.cleanup(&w);
	sb_oracle_finish(o, &r);
	/* dir: CREATE, DELETE; the file inside: CREATE, OPEN, DELETE */
	ck_assert_uint_eq(r.expected, 5 * n_in);
	ck_assert_uint_eq(sb_oracle_nr_outside(o), 5 * f.out.count[SB_EV_CREATE]);
	ck_assert_uint_eq(r.unexpected, 0);
	ck_assert_uint_eq(r.missing, with_inner ? 0 : 3 * n_in);
	ck_assert(r.valid == (with_inner || !n_in));
	if (with_inner)
		assert_each_once(&f, &r);	/* deliver_inner() sends each inner key once */
	sb_oracle_free(o);
	fx_teardown(&f);
}

START_TEST(test_mkdir_rmdir_combos)
{
	mkdir_rmdir(combos[_i].ops, combos[_i].hit, true);
}
END_TEST

START_TEST(test_mkdir_rmdir_inner_expected)
{
	mkdir_rmdir(200, 0.5, false);
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

static void rename_cycle(size_t ops, double hit)
{
	struct sb_oracle *o = sb_oracle_new(false, 0);
	struct sb_oracle_result r;
	struct fx f;
	struct sb_wl_ctx w;
	size_t n_to, n_from, lo, hi, dirs = 0;

	fx_setup_for(&f, &sb_wl_rename, ops, 0);
	w = ctx(&f, ops, hit, SB_MODE_NOTIFY, o);
	cycle_full(&sb_wl_rename, &f, &w, &r, watch_staged_dirs, false);
	n_to = f.in.count[SB_EV_MOVED_TO];
	n_from = f.in.count[SB_EV_MOVED_FROM];
	hit_bounds(ops, hit, &lo, &hi);
	ck_assert_uint_ge(n_to, lo);
	ck_assert_uint_le(n_to, hi);
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
	assert_each_once(&f, &r);
	ck_assert_uint_eq(r.expected, 2 * n_to + n_from);
	/* out leaves: MOVED_FROM of each move in; MOVED_TO and OPEN of each move out */
	ck_assert_uint_eq(sb_oracle_nr_outside(o), n_to + 2 * n_from);
	ck_assert_uint_eq(r.missing, 0);
	ck_assert_uint_eq(r.unexpected, 0);
	sb_oracle_free(o);
	fx_teardown(&f);	/* staged and moved objects are gone */
}

START_TEST(test_rename_combos)
{
	rename_cycle(combos[_i].ops, combos[_i].hit);
}
END_TEST

START_TEST(test_rename_cleanup_without_run)
{
	/* prepare() stages objects; cleanup() alone must remove them */
	struct sb_tree_params p = fx_params();
	struct sb_oracle *o = sb_oracle_new(false, 0);
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

/* ---- mkdir-tree ---- */

/* What run() added below top: the listing lines in after and not in before (both sorted). */
static void fx_new_entries(const struct fx_list *before, const struct fx_list *after,
			   struct fx_list *added)
{
	size_t i = 0;

	memset(added, 0, sizeof(*added));
	added->v = calloc(after->n + 1, sizeof(char *));
	ck_assert_ptr_nonnull(added->v);
	for (size_t j = 0; j < after->n; j++) {
		int c = i < before->n ? strcmp(before->v[i], after->v[j]) : 1;

		ck_assert_int_ge(c, 0);	/* nothing that was there went */
		if (c == 0) {
			i++;
			continue;
		}
		added->v[added->n] = strdup(after->v[j]);
		ck_assert_ptr_nonnull(added->v[added->n++]);
	}
	ck_assert_uint_eq(i, before->n);
}

static bool is_in_leaf(const struct sb_tree *t, const char *dir)
{
	for (size_t c = 0; c < t->nr_chains; c++)
		if (!strcmp(t->in_leaf[c], dir))
			return true;
	return false;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(sb_basename(*(char *const *)a), sb_basename(*(char *const *)b));
}

/* No two listing lines end in the same name. Sorts l by name. */
static void assert_names_unique(struct fx_list *l)
{
	qsort(l->v, l->n, sizeof(char *), name_cmp);
	for (size_t i = 1; i < l->n; i++)
		ck_assert_msg(name_cmp(&l->v[i - 1], &l->v[i]), "%s and %s", l->v[i - 1], l->v[i]);
}

/*
 * mkdir-tree's ground truth. The leaf observers see level 1 arrive; what was
 * made below it is read from the filesystem (nothing is removed before
 * cleanup): in scope, each directory is a CREATE and the file a CREATE and
 * an OPEN. Those are delivered unless leaf_only, which plays a watcher that
 * marked every new level 1 too late to see anything inside.
 */
static void mkdir_tree(size_t ops, double hit, bool leaf_only)
{
	struct sb_oracle *o = sb_oracle_new(false, 0);
	struct sb_oracle_result r;
	struct fx_list after, added;
	struct fx f;
	struct sb_wl_ctx w;
	size_t n_in, n_out, lo, hi, dirs_in = 0, files_in = 0, dirs_out = 0, files_out = 0;

	fx_setup_for(&f, &sb_wl_mkdir_tree, ops, 0);
	w = ctx(&f, ops, hit, SB_MODE_NOTIFY, o);
	prepare(&sb_wl_mkdir_tree, &w);
	fx_check_unchanged(&f);		/* prepare() makes nothing */
	obs_reset(&f);
	ck_assert_int_eq(sb_wl_mkdir_tree.run(&w), 0);
	obs_read(&f.in);
	obs_read(&f.out);
	/* the leaf watches see level 1 of each operation, nothing else */
	n_in = f.in.count[SB_EV_CREATE];
	n_out = f.out.count[SB_EV_CREATE];
	hit_bounds(ops, hit, &lo, &hi);
	ck_assert_uint_ge(n_in, lo);
	ck_assert_uint_le(n_in, hi);
	ck_assert_uint_eq(n_in + n_out, ops);
	ck_assert_uint_eq(f.in.n, n_in);
	ck_assert_uint_eq(f.out.n, n_out);
	obs_deliver(&f.in, o);
	/* the filesystem: 4 directories and a file per operation */
	fx_list(f.top, &after);
	fx_new_entries(&f.before, &after, &added);
	fx_list_free(&after);
	ck_assert_uint_eq(added.n, 5 * ops);
	for (size_t i = 0; i < added.n; i++) {
		char path[PATH_MAX], parent[PATH_MAX];
		const char *name = sb_basename(added.v[i]);
		bool dir = added.v[i][0] == 'd', in;
		struct obs_ev ev = { .kind = SB_EV_CREATE };

		snprintf(path, sizeof(path), "%s%s", f.top, added.v[i] + 2);
		snprintf(parent, sizeof(parent), "%.*s", (int)(sb_basename(path) - 1 - path), path);
		in = fx_in_scope(&f.t, path);
		ck_assert_msg(!strncmp(name, dir ? "mt" : "mu", 2), "%s", added.v[i]);
		*(in ? (dir ? &dirs_in : &files_in) : (dir ? &dirs_out : &files_out)) += 1;
		if (!in || is_in_leaf(&f.t, parent) || leaf_only)
			continue;
		snprintf(ev.name, sizeof(ev.name), "%s", name);
		obs_deliver_one(&ev, o);
		if (!dir) {
			ev.kind = SB_EV_OPEN;
			obs_deliver_one(&ev, o);
		}
	}
	ck_assert_uint_eq(dirs_in, 4 * n_in);
	ck_assert_uint_eq(files_in, n_in);
	ck_assert_uint_eq(dirs_out, 4 * n_out);
	ck_assert_uint_eq(files_out, n_out);
	assert_names_unique(&added);
	fx_list_free(&added);
	sb_wl_mkdir_tree.finish(&w);
	sb_wl_mkdir_tree.cleanup(&w);
	ck_assert_ptr_null(w.priv);
	sb_oracle_finish(o, &r);
	/* 4 directory CREATEs, the file's CREATE and OPEN */
	ck_assert_uint_eq(r.expected, 6 * n_in);
	ck_assert_uint_eq(sb_oracle_nr_outside(o), 6 * n_out);
	ck_assert_uint_eq(r.unexpected, 0);
	if (leaf_only) {
		ck_assert_uint_eq(r.missing, 5 * n_in);
		ck_assert(r.valid == !n_in);
		if (n_in)
			ck_assert_msg(strstr(r.why, "missing (e.g. "), "%s", r.why);
	} else {
		ck_assert_uint_eq(r.missing, 0);
		assert_each_once(&f, &r);
	}
	sb_oracle_free(o);
	fx_teardown(&f);	/* cleanup() removed every level and file */
}

START_TEST(test_mkdir_tree_combos)
{
	mkdir_tree(combos[_i].ops, combos[_i].hit, false);
}
END_TEST

START_TEST(test_mkdir_tree_race)
{
	/* what the levels below a new directory cause is expected: losing it is invalid */
	mkdir_tree(200, 0.5, true);
}
END_TEST

START_TEST(test_mkdir_tree_stopped_early)
{
	/* operation 10 finds its level 1 taken: run() stops there, cleanup() removes 0..9 */
	struct sb_oracle *o = sb_oracle_new(false, 0);
	struct fx_list after;
	struct fx f;
	struct sb_wl_ctx w;
	char block[2][8][PATH_MAX];

	fx_setup_for(&f, &sb_wl_mkdir_tree, 50, 0);
	ck_assert_uint_le(f.t.nr_chains, 8);
	w = ctx(&f, 50, 0.5, SB_MODE_NOTIFY, o);
	prepare(&sb_wl_mkdir_tree, &w);
	for (size_t c = 0; c < f.t.nr_chains; c++) {
		snprintf(block[0][c], PATH_MAX, "%s/mt%u_10_1", f.t.in_leaf[c], w.rep);
		snprintf(block[1][c], PATH_MAX, "%s/mt%u_10_1", f.t.out_leaf[c], w.rep);
		ck_assert_int_eq(sb_create_file(block[0][c]), 0);
		ck_assert_int_eq(sb_create_file(block[1][c]), 0);
	}
	ck_assert_int_eq(sb_wl_mkdir_tree.run(&w), -EEXIST);
	fx_list(f.top, &after);
	ck_assert_uint_eq(after.n, f.before.n + 2 * f.t.nr_chains + 10 * 5);
	fx_list_free(&after);
	sb_wl_mkdir_tree.cleanup(&w);
	ck_assert_ptr_null(w.priv);
	for (size_t c = 0; c < f.t.nr_chains; c++) {
		ck_assert_int_eq(unlink(block[0][c]), 0);
		ck_assert_int_eq(unlink(block[1][c]), 0);
	}
	sb_oracle_free(o);
	fx_teardown(&f);
}
END_TEST

/* ---- rename-storm ---- */

/* Watch each staged directory's inner one (sa.../sd...): the visits' files are opened there. */
static void watch_storm_dirs(struct fx *f)
{
	size_t n = 0;

	for (size_t c = 0; c < f->t.nr_chains; c++) {
		struct fx_list l;

		fx_list(f->t.out_leaf[c], &l);
		for (size_t i = 0; i < l.n; i++) {
			char path[PATH_MAX];
			const char *slash = strchr(l.v[i] + 3, '/');

			if (l.v[i][0] != 'd' || strncmp(l.v[i] + 3, "sa", 2) || !slash ||
			    strchr(slash + 1, '/'))
				continue;
			ck_assert(!strncmp(slash + 1, "sd", 2));
			snprintf(path, sizeof(path), "%s%s", f->t.out_leaf[c], l.v[i] + 2);
			obs_watch(&f->in, path);
			n++;
		}
		fx_list_free(&l);
	}
	ck_assert_uint_gt(n, 0);
}

static void rename_storm(size_t ops, double hit, struct obs *seen)
{
	struct sb_oracle *o = sb_oracle_new(false, 0);
	struct sb_oracle_result r;
	struct fx f;
	struct sb_wl_ctx w;
	size_t n_in = (ops + 1) / 2, n_out = ops / 2;

	fx_setup_for(&f, &sb_wl_rename_storm, ops, 0);
	w = ctx(&f, ops, hit, SB_MODE_NOTIFY, o);
	cycle_full(&sb_wl_rename_storm, &f, &w, &r, watch_storm_dirs, false);
	/* moves alternate, in first; in scope: each arrival, its open, each departure */
	ck_assert_uint_eq(f.in.count[SB_EV_MOVED_TO], n_in);
	ck_assert_uint_eq(f.in.count[SB_EV_OPEN], n_in);
	ck_assert_uint_eq(f.in.count[SB_EV_MOVED_FROM], n_out);
	ck_assert_uint_eq(f.in.n, 2 * n_in + n_out);
	for (size_t i = 0; i < f.in.n; i++) {
		const struct obs_ev *e = &f.in.v[i];

		ck_assert_msg(!strncmp(e->name, e->kind == SB_EV_OPEN ? "se" : "sb", 2), "%s", e->name);
		/* the i-th in-scope event: a move in is MOVED_TO then OPEN, a move out MOVED_FROM */
		ck_assert_int_eq(e->kind, i % 3 == 0 ? SB_EV_MOVED_TO :
					  i % 3 == 1 ? SB_EV_OPEN : SB_EV_MOVED_FROM);
	}
	/* every move crosses the boundary: the out leaves see the other ends */
	ck_assert_uint_eq(f.out.count[SB_EV_MOVED_FROM], n_in);
	ck_assert_uint_eq(f.out.count[SB_EV_MOVED_TO], n_out);
	ck_assert_uint_eq(f.out.n, ops);
	assert_each_once(&f, &r);	/* every name its own: no key twice */
	ck_assert_uint_eq(r.expected, 2 * n_in + n_out);
	ck_assert_uint_eq(sb_oracle_nr_outside(o), ops);
	ck_assert_uint_eq(r.missing, 0);
	ck_assert_uint_eq(r.unexpected, 0);
	if (seen) {
		*seen = f.in;
		seen->v = malloc((f.in.n + 1) * sizeof(*seen->v));
		ck_assert_ptr_nonnull(seen->v);
		memcpy(seen->v, f.in.v, f.in.n * sizeof(*seen->v));
	}
	sb_oracle_free(o);
	fx_teardown(&f);	/* staged directories, wherever they ended, are gone */
}

START_TEST(test_rename_storm_combos)
{
	rename_storm(combos[_i].ops, combos[_i].hit, NULL);
}
END_TEST

START_TEST(test_rename_storm_no_hit_ratio)
{
	/* the hit ratio does not apply: hit 0 and hit 1 make the same moves */
	struct obs a, b;

	rename_storm(60, 0.0, &a);
	rename_storm(60, 1.0, &b);
	ck_assert_uint_eq(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		ck_assert_int_eq(a.v[i].kind, b.v[i].kind);
		ck_assert_str_eq(strchr(a.v[i].name, '_'), strchr(b.v[i].name, '_'));
	}
	free(a.v);
	free(b.v);
}
END_TEST

START_TEST(test_rename_storm_deny)
{
	/*
	 * Deny mode, no backend: every move opens a file of its own in the
	 * moved directory, nothing is denied, so each open after a move in is
	 * missing (in scope, allowed) and none after a move out is unexpected.
	 */
	struct sb_oracle *o = sb_oracle_new(true, 0);
	struct sb_oracle_result r;
	struct fx f;
	struct sb_wl_ctx w;
	size_t ops = 60, n_in = (ops + 1) / 2;

	fx_setup_for(&f, &sb_wl_rename_storm, ops, 0);
	w = ctx(&f, ops, 0.5, SB_MODE_DENY, o);
	cycle_full(&sb_wl_rename_storm, &f, &w, &r, watch_storm_dirs, false);
	ck_assert_uint_eq(f.in.count[SB_EV_OPEN], ops);
	ck_assert_uint_eq(obs_distinct(&f.in), f.in.n);
	assert_none_denied(&r, o, n_in);
	sb_oracle_free(o);
	fx_teardown(&f);
}
END_TEST

START_TEST(test_rename_storm_staging)
{
	/* prepare() stages 8 directories (fewer for fewer moves in) and one file per visit */
	static const size_t ops[] = { 1, 5, 16, 17, 301 };

	for (size_t k = 0; k < sizeof(ops) / sizeof(*ops); k++) {
		struct sb_tree_params p = fx_params();
		struct sb_oracle *o = sb_oracle_new(false, 0);
		size_t n_in = (ops[k] + 1) / 2, dirs = n_in < 8 ? n_in : 8;
		struct fx_list staged, added;
		struct fx f;
		struct sb_wl_ctx w;

		fx_setup(&f, &p);
		w = ctx(&f, ops[k], 0.5, SB_MODE_NOTIFY, o);
		prepare(&sb_wl_rename_storm, &w);
		fx_list(f.top, &staged);
		fx_new_entries(&f.before, &staged, &added);
		ck_assert_uint_eq(added.n, 2 * dirs + n_in);
		for (size_t i = 0; i < added.n; i++) {
			char path[PATH_MAX];

			snprintf(path, sizeof(path), "%s%s", f.top, added.v[i] + 2);
			ck_assert_msg(!fx_in_scope(&f.t, path), "%s staged in scope", path);
		}
		assert_names_unique(&added);
		fx_list_free(&added);
		fx_list_free(&staged);
		/* cleanup() alone removes them */
		sb_wl_rename_storm.cleanup(&w);
		ck_assert_ptr_null(w.priv);
		sb_oracle_free(o);
		fx_teardown(&f);
	}
}
END_TEST

/* ---- outside-fs ---- */

static void outside_fs(enum sb_mode mode, size_t ops)
{
	struct sb_oracle *o = sb_oracle_new(mode == SB_MODE_DENY, 0);
	struct sb_oracle_result r;
	struct fx f;
	struct sb_wl_ctx w;

	fx_setup_for(&f, &sb_wl_outside_fs, ops, 0);
	w = ctx(&f, ops, 1.0, mode, o);
	cycle(&sb_wl_outside_fs, &f, &w, &r);
	/* every open on the outside tree (watched by the out observer), each file once */
	ck_assert_uint_eq(f.in.n, 0);
	ck_assert_uint_eq(f.out.count[SB_EV_OPEN], ops);
	ck_assert_uint_eq(obs_distinct(&f.out), ops);
	for (size_t i = 0; i < f.out.n; i++)
		ck_assert_int_eq(f.out.v[i].name[0], 'h');	/* the outside tree's files */
	ck_assert_msg(r.valid, "%s", r.why);
	ck_assert_uint_eq(r.expected, 0);
	ck_assert_uint_eq(sb_oracle_nr_outside(o), mode == SB_MODE_NOTIFY ? ops : 0);
	ck_assert_uint_eq(r.missing, 0);
	ck_assert_uint_eq(r.unexpected, 0);
	ck_assert_uint_eq(r.delivered, 0);
	sb_oracle_free(o);
	fx_teardown(&f);
}

START_TEST(test_outside_fs_notify)
{
	outside_fs(SB_MODE_NOTIFY, 200);
	outside_fs(SB_MODE_NOTIFY, 1);
}
END_TEST

START_TEST(test_outside_fs_deny)
{
	outside_fs(SB_MODE_DENY, 200);
}
END_TEST

START_TEST(test_outside_fs_no_outside_tree)
{
	struct sb_tree_params p = fx_params();
	char *top = fx_tempdir();
	struct sb_tree t;
	struct sb_wl_ctx w = { .tree = &t, .ops = 8, .mode = SB_MODE_NOTIFY };
	char why[256] = "";
	int ret;

	ck_assert_msg(sb_tree_build(&t, top, NULL, &p, err, sizeof(err)) == 0, "%s", err);
	w.oracle = sb_oracle_new(false, 0);
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

/* ---- slices: several threads on one operation list ---- */

START_TEST(test_slice)
{
	static const size_t ops[] = { 1, 2, 3, 7, 64, 2000, 2001 };

	for (size_t k = 0; k < sizeof(ops) / sizeof(*ops); k++) {
		for (unsigned int n = 1; n <= 9 && n <= ops[k]; n++) {
			size_t prev_end = 0, lo = SIZE_MAX, hi = 0;

			for (unsigned int i = 0; i < n; i++) {
				size_t b, e;

				sb_wl_slice(ops[k], n, i, &b, &e);
				/* contiguous, in thread order, none empty */
				ck_assert_uint_eq(b, prev_end);
				ck_assert_uint_gt(e, b);
				lo = e - b < lo ? e - b : lo;
				hi = e - b > hi ? e - b : hi;
				prev_end = e;
			}
			ck_assert_uint_eq(prev_end, ops[k]);
			ck_assert_uint_le(hi - lo, 1);
		}
	}
	/* one thread: the whole list, as run() does without --threads */
	{
		size_t b, e;

		sb_wl_slice(2000, 1, 0, &b, &e);
		ck_assert_uint_eq(b, 0);
		ck_assert_uint_eq(e, 2000);
		sb_wl_slice(7, 3, 0, &b, &e);
		ck_assert_uint_eq(e, 3);	/* the first ops % n take one more */
		sb_wl_slice(7, 3, 2, &b, &e);
		ck_assert_uint_eq(b, 5);
	}
}
END_TEST

START_TEST(test_threads_check)
{
	for (size_t i = 0; sb_workloads[i]; i++) {
		const struct sb_workload_ops *wl = sb_workloads[i];

		ck_assert_int_eq(sb_wl_threads_check(wl, 1, 1, err, sizeof(err)), 0);
		if (wl->serial) {
			ck_assert_int_eq(sb_wl_threads_check(wl, 2, 2000, err, sizeof(err)), -1);
			ck_assert_msg(strstr(err, wl->name) && strstr(err, "--threads 2") &&
				      strstr(err, "--threads 1"), "%s", err);
		} else {
			ck_assert_msg(sb_wl_threads_check(wl, 2, 2000, err, sizeof(err)) == 0, "%s", err);
		}
		/* more threads than operations: one would have nothing to do */
		ck_assert_int_eq(sb_wl_threads_check(wl, 4, 3, err, sizeof(err)), -1);
		ck_assert_msg(strstr(err, wl->name) && strstr(err, wl->serial ? "--threads 1" : "--ops 4"),
			      "%s", err);
	}
	/* only rename-storm's operations depend on the one before */
	ck_assert(sb_wl_rename_storm.serial);
	ck_assert(!sb_wl_open_close.serial && !sb_wl_rename.serial && !sb_wl_mkdir_tree.serial);
}
END_TEST

/*
 * Every workload that may be split: 3 threads on one list do what one
 * thread does with the same seed: the same events of each kind, in and out
 * of scope, none twice, and the same verdict of the oracle, figure by figure
 * (the leaf observers do not see inside new directories: mkdir-rmdir's and
 * mkdir-tree's inner events are missing in both).
 */
START_TEST(test_slices_same_as_one_thread)
{
	for (size_t i = 0; sb_workloads[i]; i++) {
		const struct sb_workload_ops *wl = sb_workloads[i];
		size_t in_one[SB_EV__COUNT], out_one[SB_EV__COUNT];
		struct sb_oracle_result r1, r3;
		struct sb_oracle *o;
		struct sb_wl_ctx w;
		struct fx f;

		if (wl->serial || wl->probe || !(wl->modes & SB_BIT(SB_MODE_NOTIFY)))
			continue;	/* outside-fs: the engine of open-close, with a mount */
		fx_setup_for(&f, wl, 301, 0);
		o = sb_oracle_new(false, 0);
		w = ctx(&f, 301, 0.5, SB_MODE_NOTIFY, o);
		cycle(wl, &f, &w, &r1);
		memcpy(in_one, f.in.count, sizeof(in_one));
		memcpy(out_one, f.out.count, sizeof(out_one));
		sb_oracle_free(o);

		o = sb_oracle_new(false, 0);
		w = ctx(&f, 301, 0.5, SB_MODE_NOTIFY, o);
		cycle_threads(wl, &f, &w, 3, &r3);
		ck_assert_msg(r3.valid == r1.valid, "%s on 3 threads: %s", wl->name, r3.why);
		ck_assert_uint_eq(obs_distinct(&f.in), f.in.n);
		ck_assert_uint_eq(obs_distinct(&f.out), f.out.n);
		ck_assert_uint_gt(r3.expected, 0);
		ck_assert_uint_eq(r3.expected, r1.expected);
		ck_assert_uint_eq(r3.delivered, r1.delivered);
		ck_assert_uint_eq(r3.missing, r1.missing);
		ck_assert_uint_eq(r3.unexpected + r3.merged + r3.duplicated, 0);
		ck_assert_uint_eq(r1.unexpected + r1.merged + r1.duplicated, 0);
		for (int k = 0; k < SB_EV__COUNT; k++) {
			ck_assert_uint_eq(f.in.count[k], in_one[k]);
			ck_assert_uint_eq(f.out.count[k], out_one[k]);
		}
		sb_oracle_free(o);
		fx_teardown(&f);
	}
}
END_TEST


/* ---- option errors ---- */

START_TEST(test_errors)
{
	struct sb_tree_params p = fx_params();
	struct sb_oracle *o = sb_oracle_new(false, 0);
	struct fx f;
	struct sb_wl_ctx w;

	fx_setup(&f, &p);
	for (size_t i = 0; sb_workloads[i]; i++) {
		const struct sb_workload_ops *wl = sb_workloads[i];

		w = ctx(&f, 0, 0.5, SB_MODE_NOTIFY, o);
		ck_assert_int_eq(wl->prepare(&w, err, sizeof(err)), -1);
		ck_assert_msg(strstr(err, "--ops") && strstr(err, wl->name), "%s", err);
		ck_assert_ptr_null(w.priv);
		w = ctx(&f, 4, 1.5, SB_MODE_NOTIFY, o);
		ck_assert_int_eq(wl->prepare(&w, err, sizeof(err)), -1);
		ck_assert_msg(strstr(err, "--hit-ratio"), "%s", err);
		if (!(wl->modes & SB_BIT(SB_MODE_DENY))) {
			w = ctx(&f, 4, 0.5, SB_MODE_DENY, o);
			ck_assert_int_eq(wl->prepare(&w, err, sizeof(err)), -1);
			ck_assert_msg(strstr(err, "--mode deny"), "%s", err);
			ck_assert_ptr_null(w.priv);
		}
		if (!wl->files_needed) {
			/* a new object per operation: a burst regime would be a lie */
			w = ctx(&f, 4, 0.5, SB_MODE_NOTIFY, o);
			w.files = 2;
			ck_assert_int_eq(wl->prepare(&w, err, sizeof(err)), -1);
			ck_assert_msg(strstr(err, "--files 2") && strstr(err, wl->name), "%s", err);
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
	ck_assert_uint_eq(n, 7);
	ck_assert_ptr_eq(sb_workload_find("open-close"), &sb_wl_open_close);
	ck_assert_ptr_null(sb_workload_find("open_close"));
	/* the workloads that open tree files say how many the tree needs */
	ck_assert_ptr_nonnull(sb_wl_open_close.files_needed);
	ck_assert_ptr_nonnull(sb_wl_outside_fs.files_needed);
	ck_assert_uint_eq(sb_wl_outside_fs.files_needed(2000, 0), 2000);
	ck_assert_ptr_null(sb_wl_create_unlink.files_needed);
	/* the tree-changing workloads make their own objects */
	ck_assert_ptr_null(sb_wl_mkdir_tree.files_needed);
	ck_assert_ptr_null(sb_wl_rename_storm.files_needed);
	ck_assert(sb_wl_mkdir_tree.needs_names && sb_wl_rename_storm.needs_names);
	ck_assert_uint_eq(sb_wl_rename_storm.modes, SB_BIT(SB_MODE_NOTIFY) | SB_BIT(SB_MODE_DENY));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("workloads");
	TCase *tc = tcase_create("workloads");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_open_close_combos, 0, NCOMBOS);
	tcase_add_test(tc, test_open_close_merged);
	tcase_add_test(tc, test_open_close_burst);
	tcase_add_test(tc, test_open_close_tree_too_small);
	tcase_add_loop_test(tc, test_open_close_deny, 1, 3);
	tcase_add_test(tc, test_open_close_deterministic);
	tcase_add_test(tc, test_open_close_twins);
	tcase_add_loop_test(tc, test_create_unlink_combos, 0, NCOMBOS);
	tcase_add_loop_test(tc, test_mkdir_rmdir_combos, 0, NCOMBOS);
	tcase_add_test(tc, test_mkdir_rmdir_inner_expected);
	tcase_add_loop_test(tc, test_rename_combos, 0, NCOMBOS);
	tcase_add_test(tc, test_rename_cleanup_without_run);
	tcase_add_loop_test(tc, test_mkdir_tree_combos, 0, NCOMBOS);
	tcase_add_test(tc, test_mkdir_tree_race);
	tcase_add_test(tc, test_mkdir_tree_stopped_early);
	tcase_add_loop_test(tc, test_rename_storm_combos, 0, NCOMBOS);
	tcase_add_test(tc, test_rename_storm_no_hit_ratio);
	tcase_add_test(tc, test_rename_storm_deny);
	tcase_add_test(tc, test_rename_storm_staging);
	tcase_add_test(tc, test_outside_fs_notify);
	tcase_add_test(tc, test_outside_fs_deny);
	tcase_add_test(tc, test_outside_fs_no_outside_tree);
	tcase_add_test(tc, test_slice);
	tcase_add_test(tc, test_threads_check);
	tcase_add_test(tc, test_slices_same_as_one_thread);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_registry);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
