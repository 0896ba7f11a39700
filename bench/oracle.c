// SPDX-License-Identifier: GPL-2.0
/*
 * The oracle collects expected events while the workload prepares and
 * delivered ones while the consumer runs, and compares the two multisets
 * once, in finish(). Delivery is on the timed path (the consumer runs
 * beside, or between, the operations), so it only claims a slot of a
 * preallocated, prefaulted array with one atomic add and copies the name:
 * no allocation, no lock, no formatting. finish() sorts both sides by key
 * and walks them together.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oracle.h"

/* rec.len of a name longer than SB_ORACLE_NAME_MAX: never equal to an expected one. */
#define REC_LONG	UINT8_MAX

/* One event: 64 bytes, so a record is one cache line and a copy is cheap. */
struct rec {
	uint8_t kind;
	uint8_t len;		/* strlen(name), or REC_LONG (name holds its start) */
	char name[SB_ORACLE_NAME_MAX + 1];
};

_Static_assert(sizeof(struct rec) == 64, "a record is one cache line");
_Static_assert(SB_ORACLE_NAME_MAX < REC_LONG, "rec.len holds every recorded length");

struct sb_oracle {
	struct sb_sink sink;
	bool deny;
	unsigned int flags;

	struct rec *rec;		/* [cap] delivered, in the order slots were claimed */
	size_t cap;
	atomic_size_t next;		/* slots claimed; past cap, deliveries not recorded */
	atomic_uint_fast64_t overflows;

	struct rec *exp;		/* [nexp] expected, in expectation order */
	size_t nexp, exp_cap;
	uint64_t nr_outside;		/* out-of-scope events run() causes */

	uint64_t deny_in_scope, deny_in_denied, deny_out_denied, deny_other_errors;
	bool oom;
	pthread_mutex_t lock;		/* invalid[] only: never taken on delivery */
	char invalid[256];
};

/* Write to every page of [p, p + len) so that no later store faults. */
static void prefault(void *p, size_t len)
{
	long page = sysconf(_SC_PAGESIZE);

	/* volatile: malloc + memset(0) may become a calloc that touches nothing */
	for (size_t off = 0; off < len; off += page > 0 ? (size_t)page : 4096)
		((volatile char *)p)[off] = 0;
}

static void oracle_deliver(struct sb_sink *sink, const struct sb_event *ev)
{
	struct sb_oracle *o = (struct sb_oracle *)((char *)sink - offsetof(struct sb_oracle, sink));
	struct rec *r;
	size_t i, len;

	if (ev->kind == SB_EV_OVERFLOW) {
		atomic_fetch_add_explicit(&o->overflows, ev->count ? ev->count : 1,
					  memory_order_relaxed);
		return;
	}
	if (o->deny)
		return;		/* deny mode judges the opens' outcomes, not deliveries */
	i = atomic_fetch_add_explicit(&o->next, 1, memory_order_relaxed);
	if (i >= o->cap)
		return;		/* finish() counts it as dropped */
	r = &o->rec[i];
	len = strnlen(ev->name, SB_ORACLE_NAME_MAX + 1);
	r->kind = ev->kind;
	r->len = len > SB_ORACLE_NAME_MAX ? REC_LONG : len;
	if (len > SB_ORACLE_NAME_MAX)
		len = SB_ORACLE_NAME_MAX;
	memcpy(r->name, ev->name, len);
	r->name[len] = '\0';
}

struct sb_oracle *sb_oracle_new(bool deny, unsigned int flags)
{
	struct sb_oracle *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->sink.deliver = oracle_deliver;
	o->deny = deny;
	o->flags = flags;
	atomic_init(&o->next, 0);
	atomic_init(&o->overflows, 0);
	pthread_mutex_init(&o->lock, NULL);
	if (sb_oracle_reserve(o, SB_ORACLE_DEFAULT_RECORDS)) {
		sb_oracle_free(o);
		return NULL;
	}
	return o;
}

void sb_oracle_free(struct sb_oracle *o)
{
	if (!o)
		return;
	free(o->rec);
	free(o->exp);
	pthread_mutex_destroy(&o->lock);
	free(o);
}

int sb_oracle_reserve(struct sb_oracle *o, size_t n)
{
	struct rec *v;

	if (n <= o->cap)
		return 0;
	if (n > SIZE_MAX / sizeof(*v)) {
		errno = ENOMEM;
		return -1;
	}
	v = realloc(o->rec, n * sizeof(*v));
	if (!v)
		return -1;
	prefault(v + o->cap, (n - o->cap) * sizeof(*v));
	o->rec = v;
	o->cap = n;
	return 0;
}

uint64_t sb_oracle_nr_expected(const struct sb_oracle *o)
{
	return o->nexp;
}

uint64_t sb_oracle_nr_outside(const struct sb_oracle *o)
{
	return o->nr_outside;
}

void sb_oracle_expect_outside(struct sb_oracle *o, uint64_t n)
{
	o->nr_outside += n;
}

struct sb_sink *sb_oracle_sink(struct sb_oracle *o)
{
	return &o->sink;
}

void sb_oracle_expect(struct sb_oracle *o, enum sb_kind kind, const char *name)
{
	size_t len = strlen(name);
	struct rec *r;

	if (len > SB_ORACLE_NAME_MAX) {
		char why[256];

		/* A delivery of it could never match: the run would fail for nothing. */
		snprintf(why, sizeof(why), "the workload expects '%.40s...' (%zu bytes), longer than the oracle records (%d): use shorter names",
			 name, len, SB_ORACLE_NAME_MAX);
		sb_oracle_invalidate(o, why);
		return;
	}
	if (o->nexp == o->exp_cap) {
		size_t cap = o->exp_cap ? o->exp_cap * 2 : 1024;

		r = realloc(o->exp, cap * sizeof(*r));
		if (!r) {
			o->oom = true;
			return;
		}
		o->exp = r;
		o->exp_cap = cap;
	}
	r = &o->exp[o->nexp++];
	r->kind = kind;
	r->len = len;
	memcpy(r->name, name, len + 1);
}

void sb_oracle_open_outcome(struct sb_oracle *o, bool in_scope, int err)
{
	if (in_scope) {
		o->deny_in_scope++;
		if (err == EPERM)
			o->deny_in_denied++;
		else if (err)
			o->deny_other_errors++;
	} else {
		if (err == EPERM)
			o->deny_out_denied++;
		else if (err)
			o->deny_other_errors++;
	}
}

void sb_oracle_invalidate(struct sb_oracle *o, const char *why)
{
	pthread_mutex_lock(&o->lock);
	if (!o->invalid[0])
		snprintf(o->invalid, sizeof(o->invalid), "%s", why);
	pthread_mutex_unlock(&o->lock);
}

static int rec_cmp(const struct rec *a, const struct rec *b)
{
	size_t len;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	len = a->len == REC_LONG ? SB_ORACLE_NAME_MAX : a->len;
	return memcmp(a->name, b->name, len);
}

/* Indices into a record array, by key, then by index: a key's run starts with its first. */
static int idx_cmp(const void *pa, const void *pb, void *arg)
{
	const struct rec *v = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = rec_cmp(&v[a], &v[b]);

	if (c)
		return c;
	return a < b ? -1 : a > b;
}

static size_t *sorted_index(const struct rec *v, size_t n)
{
	size_t *idx = malloc((n ? n : 1) * sizeof(*idx));

	if (!idx)
		return NULL;
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, n, sizeof(*idx), idx_cmp, (void *)v);
	return idx;
}

/* The earliest offending key of one category (in expectation or delivery order). */
struct first {
	const struct rec *r;
	size_t at;
};

static void note_first(struct first *f, const struct rec *r, size_t at)
{
	if (!f->r || at < f->at) {
		f->r = r;
		f->at = at;
	}
}

enum { F_MISSING, F_MERGED, F_DUPLICATED, F_UNEXPECTED, F__COUNT };

/* Notify mode: per key, expected count e against delivered count d. */
static int compare_multisets(struct sb_oracle *o, size_t nd, struct sb_oracle_result *r,
			     struct first *first)
{
	const struct rec *ev = o->exp, *dv = o->rec;
	size_t *ei = sorted_index(ev, o->nexp), *di = sorted_index(dv, nd);
	size_t i = 0, j = 0;

	if (!ei || !di) {
		free(ei);
		free(di);
		return -1;
	}
	while (i < o->nexp || j < nd) {
		const struct rec *key;
		size_t e = 0, d = 0, efirst = 0, dfirst = 0;
		int c;

		if (i == o->nexp)
			c = 1;
		else if (j == nd)
			c = -1;
		else
			c = rec_cmp(&ev[ei[i]], &dv[di[j]]);
		key = c <= 0 ? &ev[ei[i]] : &dv[di[j]];
		if (c <= 0) {
			efirst = ei[i];
			for (; i < o->nexp && !rec_cmp(&ev[ei[i]], key); i++)
				e++;
		}
		if (c >= 0) {
			dfirst = di[j];
			for (; j < nd && !rec_cmp(&dv[di[j]], key); j++)
				d++;
		}
		if (e && !d) {
			r->missing += e;
			note_first(&first[F_MISSING], key, efirst);
		} else if (d < e) {
			r->merged += e - d;
			note_first(&first[F_MERGED], key, efirst);
		} else if (e && d > e) {
			r->duplicated += d - e;
			note_first(&first[F_DUPLICATED], key, dfirst);
		} else if (!e && (o->flags & SB_ORACLE_PASS)) {
			r->extra += d;
		} else if (!e) {
			r->unexpected += d;
			note_first(&first[F_UNEXPECTED], key, dfirst);
		}
	}
	free(ei);
	free(di);
	return 0;
}

/* Append to r->why, bounded: "N what (e.g. kind/name)". */
static void why_add(struct sb_oracle_result *r, uint64_t n, const char *what,
		    const struct first *f)
{
	size_t len = strlen(r->why);

	if (!n || len >= sizeof(r->why) - 1)
		return;
	snprintf(r->why + len, sizeof(r->why) - len, "%s%llu %s", len ? ", " : "",
		 (unsigned long long)n, what);
	len = strlen(r->why);
	if (f && f->r)
		snprintf(r->why + len, sizeof(r->why) - len, " (e.g. %s/%s%s)",
			 sb_kind_name(f->r->kind), f->r->name,
			 f->r->len == REC_LONG ? "..." : "");
}

void sb_oracle_finish(struct sb_oracle *o, struct sb_oracle_result *r)
{
	struct first first[F__COUNT] = { 0 };
	size_t claimed = atomic_load(&o->next);
	size_t nd = claimed < o->cap ? claimed : o->cap;
	bool burst = o->flags & SB_ORACLE_BURST, pass = o->flags & SB_ORACLE_PASS;
	bool counts_ok;

	memset(r, 0, sizeof(*r));
	r->overflows = atomic_load(&o->overflows);
	r->dropped_records = claimed - nd;
	if (o->deny) {
		r->expected = o->deny_in_scope;
		r->delivered = o->deny_in_denied + o->deny_out_denied;
		if (pass) {
			/* Everything must be allowed: any denial is wrong. */
			r->unexpected = r->delivered;
		} else {
			r->missing = o->deny_in_scope - o->deny_in_denied - o->deny_other_errors;
			r->unexpected = o->deny_out_denied;
		}
	} else {
		r->expected = o->nexp;
		r->delivered = claimed;
		if (compare_multisets(o, nd, r, first))
			o->oom = true;
	}
	counts_ok = !r->missing && !r->duplicated && !r->unexpected && (burst || !r->merged);
	pthread_mutex_lock(&o->lock);
	r->valid = counts_ok && !r->overflows && !r->dropped_records && !o->oom &&
		   !o->invalid[0] && !o->deny_other_errors;
	if (o->invalid[0])
		snprintf(r->why, sizeof(r->why), "%s", o->invalid);
	else if (o->oom)
		snprintf(r->why, sizeof(r->why), "the oracle ran out of memory");
	else if (r->dropped_records)
		snprintf(r->why, sizeof(r->why), "the oracle's record array was full: %llu events not recorded (%zu reserved): reserve more with sb_oracle_reserve()",
			 (unsigned long long)r->dropped_records, o->cap);
	else if (o->deny_other_errors)
		snprintf(r->why, sizeof(r->why), "%llu opens failed with an error other than EPERM",
			 (unsigned long long)o->deny_other_errors);
	pthread_mutex_unlock(&o->lock);
	if (r->valid || r->why[0])
		return;
	why_add(r, r->missing, "missing", &first[F_MISSING]);
	if (!burst)
		why_add(r, r->merged, "merged", &first[F_MERGED]);
	why_add(r, r->duplicated, "duplicated", &first[F_DUPLICATED]);
	why_add(r, r->unexpected, o->deny && pass ? "denied" : "unexpected",
		&first[F_UNEXPECTED]);
	why_add(r, r->overflows, "lost to overflow", NULL);
}
