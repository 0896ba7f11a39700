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
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mounts.h"
#include "oracle.h"

/* rec.len of a name longer than SB_ORACLE_NAME_MAX: never equal to an expected one. */
#define REC_LONG	UINT8_MAX
/* rec.len of a record that names its object by identity, not by name (fid reporting). */
#define REC_HANDLE	(UINT8_MAX - 1)	/* name[]: struct rec_handle */
#define REC_INO		(UINT8_MAX - 2)	/* name[]: struct rec_ino */
/* Longest file handle a record holds; longer ones never match. */
#define REC_HANDLE_MAX	52

struct rec_handle {
	int32_t type;
	uint32_t bytes;
	unsigned char f_handle[REC_HANDLE_MAX];
};

struct rec_ino {
	uint32_t major, minor;
	uint64_t ino;
};

/* One event: 64 bytes, so a record is one cache line and a copy is cheap. */
struct rec {
	uint8_t kind;
	uint8_t len;		/* strlen(name), or REC_LONG (name holds its start) */
	char name[SB_ORACLE_NAME_MAX + 1];
};

_Static_assert(sizeof(struct rec) == 64, "a record is one cache line");
_Static_assert(SB_ORACLE_NAME_MAX < REC_INO, "rec.len holds every recorded length");
_Static_assert(sizeof(struct rec_handle) <= SB_ORACLE_NAME_MAX + 1, "a handle fits a name");
_Static_assert(sizeof(struct rec_ino) <= SB_ORACLE_NAME_MAX + 1, "an inode fits a name");

struct sb_oracle {
	struct sb_sink sink;
	bool deny;
	unsigned int flags;

	struct rec *rec;		/* [cap] delivered, in the order slots were claimed */
	size_t cap;
	atomic_size_t next;		/* slots claimed; past cap, deliveries not recorded */
	atomic_uint_fast64_t overflows;

	struct rec *exp;		/* [nexp] expected, in expectation order */
	const char **exp_path;		/* [nexp] the object's path, or NULL: maps identities */
	size_t nexp, exp_cap;
	uint64_t nr_outside;		/* out-of-scope events run() causes */

	uint64_t deny_in_scope, deny_in_denied, deny_out_denied, deny_other_errors;
	int deny_errno;			/* what a denied open fails with: EPERM, or the backend's own */
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

/* A record naming its object by a file handle (fid reporting). */
static void rec_put_handle(struct rec *r, const struct file_handle *fh)
{
	struct rec_handle h = { .type = fh->handle_type, .bytes = fh->handle_bytes };

	memcpy(h.f_handle, fh->f_handle, h.bytes < REC_HANDLE_MAX ? h.bytes : REC_HANDLE_MAX);
	memset(r->name, 0, sizeof(r->name));
	memcpy(r->name, &h, sizeof(h));
	r->len = REC_HANDLE;
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
	r->kind = ev->kind;
	if (!ev->name[0] && ev->handle) {
		rec_put_handle(r, ev->handle);
		return;
	}
	if (!ev->name[0] && ev->ino) {
		struct rec_ino n = { .major = ev->dev_major, .minor = ev->dev_minor, .ino = ev->ino };

		memset(r->name, 0, sizeof(r->name));
		memcpy(r->name, &n, sizeof(n));
		r->len = REC_INO;
		return;
	}
	len = strnlen(ev->name, SB_ORACLE_NAME_MAX + 1);
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
	o->deny_errno = EPERM;
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
	free(o->exp_path);
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

static void expect(struct sb_oracle *o, enum sb_kind kind, const char *name, const char *path)
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
		const char **p = realloc(o->exp_path, cap * sizeof(*p));

		if (p)
			o->exp_path = p;
		r = p ? realloc(o->exp, cap * sizeof(*r)) : NULL;
		if (!r) {
			o->oom = true;
			return;
		}
		o->exp = r;
		o->exp_cap = cap;
	}
	o->exp_path[o->nexp] = path;
	r = &o->exp[o->nexp++];
	r->kind = kind;
	r->len = len;
	memcpy(r->name, name, len + 1);
}

void sb_oracle_expect(struct sb_oracle *o, enum sb_kind kind, const char *name)
{
	expect(o, kind, name, NULL);
}

void sb_oracle_expect_path(struct sb_oracle *o, enum sb_kind kind, const char *path)
{
	const char *slash = strrchr(path, '/');

	expect(o, kind, slash ? slash + 1 : path, path);
}

void sb_oracle_open_outcome(struct sb_oracle *o, bool in_scope, int err)
{
	if (in_scope) {
		o->deny_in_scope++;
		if (err == o->deny_errno)
			o->deny_in_denied++;
		else if (err)
			o->deny_other_errors++;
	} else {
		if (err == o->deny_errno)
			o->deny_out_denied++;
		else if (err)
			o->deny_other_errors++;
	}
}

void sb_oracle_set_deny_errno(struct sb_oracle *o, int err)
{
	o->deny_errno = err;
}

void sb_oracle_invalidate(struct sb_oracle *o, const char *why)
{
	pthread_mutex_lock(&o->lock);
	if (!o->invalid[0])
		snprintf(o->invalid, sizeof(o->invalid), "%s", why);
	pthread_mutex_unlock(&o->lock);
}

/* The bytes of name[] that make a record's key. */
static size_t rec_key_len(const struct rec *r)
{
	if (r->len == REC_LONG)
		return SB_ORACLE_NAME_MAX;
	if (r->len == REC_HANDLE || r->len == REC_INO)
		return sizeof(r->name);
	return r->len;
}

static int rec_cmp(const struct rec *a, const struct rec *b)
{
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return memcmp(a->name, b->name, rec_key_len(a));
}

static int rec_qcmp(const void *a, const void *b)
{
	return rec_cmp(a, b);
}

/* The identities of an expected object: its file handle and its dev and ino. */
static int identities_of(const struct rec *e, const char *path, const struct sb_mounts *mounts,
			 struct rec id[2])
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} u;
	struct rec_ino n;
	struct stat st;
	int mount_id, k = 0;

	u.fh.handle_bytes = MAX_HANDLE_SZ;
	if (!name_to_handle_at(AT_FDCWD, path, &u.fh, &mount_id, 0)) {
		id[k].kind = e->kind;
		rec_put_handle(&id[k++], &u.fh);
	}
	if (!stat(path, &st)) {
		n = (struct rec_ino){ .major = major(st.st_dev), .minor = minor(st.st_dev),
				      .ino = st.st_ino };
		/* A ring buffer reports the superblock's s_dev, which st_dev is not everywhere. */
		sb_mounts_sdev(mounts, AT_FDCWD, path, &n.major, &n.minor);
		id[k] = (struct rec){ .kind = e->kind, .len = REC_INO };
		memcpy(id[k++].name, &n, sizeof(n));
	}
	return k;
}

/*
 * fid reporting: records that name their object by file handle or by dev
 * and ino get the name of the expected object with that identity, found
 * from the expected paths now that the loop is over. A record that matches
 * none keeps its identity and counts as unexpected.
 */
static int resolve_identities(struct sb_oracle *o, size_t nd)
{
	struct sb_mounts mounts;
	struct rec *tab;
	size_t n = 0, i;
	bool any = false;

	for (i = 0; i < nd && !any; i++)
		any = o->rec[i].len == REC_HANDLE || o->rec[i].len == REC_INO;
	if (!any)
		return 0;
	/* Each entry: an identity, with the expected index in its last bytes. */
	tab = malloc((2 * o->nexp + 1) * 2 * sizeof(*tab));
	if (!tab)
		return -1;
	sb_mounts_read(&mounts);
	for (i = 0; i < o->nexp; i++) {
		struct rec id[2];
		int k;

		if (!o->exp_path[i])
			continue;
		k = identities_of(&o->exp[i], o->exp_path[i], &mounts, id);
		for (int j = 0; j < k; j++) {
			tab[2 * n] = id[j];
			memcpy(&tab[2 * n + 1], &i, sizeof(i));
			n++;
		}
	}
	sb_mounts_free(&mounts);
	qsort(tab, n, 2 * sizeof(*tab), rec_qcmp);
	for (i = 0; i < nd; i++) {
		struct rec *r = &o->rec[i];
		const struct rec *hit;
		size_t at;

		if (r->len != REC_HANDLE && r->len != REC_INO)
			continue;
		hit = bsearch(r, tab, n, 2 * sizeof(*tab), rec_qcmp);
		if (!hit)
			continue;
		memcpy(&at, hit + 1, sizeof(at));
		r->len = o->exp[at].len;
		memcpy(r->name, o->exp[at].name, sizeof(r->name));
	}
	free(tab);
	return 0;
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
	if (f && f->r && (f->r->len == REC_HANDLE || f->r->len == REC_INO))
		snprintf(r->why + len, sizeof(r->why) - len, " (e.g. %s of an object known only by its %s)",
			 sb_kind_name(f->r->kind), f->r->len == REC_INO ? "inode" : "file handle");
	else if (f && f->r)
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
	bool counts_ok, pass_extra_wrong = false;

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
		if (resolve_identities(o, nd) || compare_multisets(o, nd, r, first))
			o->oom = true;
		/*
		 * A pass filter sends each announced out-of-scope event once:
		 * fewer were dropped or merged, more came from elsewhere.
		 */
		if (pass && !burst && r->extra != o->nr_outside)
			pass_extra_wrong = true;
	}
	counts_ok = !r->missing && !r->duplicated && !r->unexpected && (burst || !r->merged) &&
		    !pass_extra_wrong;
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
		snprintf(r->why, sizeof(r->why), "%llu opens failed with an error other than %s, the backend's denial",
			 (unsigned long long)o->deny_other_errors, strerrorname_np(o->deny_errno));
	pthread_mutex_unlock(&o->lock);
	if (r->valid || r->why[0])
		return;
	why_add(r, r->missing, "missing", &first[F_MISSING]);
	if (!burst)
		why_add(r, r->merged, "merged", &first[F_MERGED]);
	why_add(r, r->duplicated, "duplicated", &first[F_DUPLICATED]);
	why_add(r, r->unexpected, o->deny && pass ? "denied" : "unexpected",
		&first[F_UNEXPECTED]);
	if (pass_extra_wrong) {
		size_t len = strlen(r->why);

		snprintf(r->why + len, sizeof(r->why) - len, "%s%llu out-of-scope events delivered for %llu caused",
			 len ? ", " : "", (unsigned long long)r->extra, (unsigned long long)o->nr_outside);
	}
	why_add(r, r->overflows, "lost to overflow", NULL);
}
