// SPDX-License-Identifier: GPL-2.0
/*
 * The oracle collects expected keys while the workload prepares, delivered
 * keys while the consumer runs (a cheap append under a mutex, so the
 * consumer's cost stays what the backend makes it), and compares the two
 * sets once, in finish(), with glibc's hsearch_r.
 */
#include <errno.h>
#include <pthread.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"

struct key_list {
	char **v;
	size_t n, cap;
};

struct sb_oracle {
	struct sb_sink sink;
	bool deny;
	pthread_mutex_t lock;
	struct key_list expected;	/* "kind/name", unique */
	struct key_list delivered;	/* "kind/name", as delivered */
	uint64_t overflows;
	uint64_t deny_in_scope, deny_in_denied, deny_out_denied, deny_other_errors;
	bool oom;
	char invalid[256];
};

static int key_list_add(struct key_list *l, char *key)
{
	if (!key)
		return -1;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			free(key);
			return -1;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = key;
	return 0;
}

static void key_list_free(struct key_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static char *make_key(enum sb_kind kind, const char *name)
{
	char *key;

	if (asprintf(&key, "%s/%s", sb_kind_name(kind), name) < 0)
		return NULL;
	return key;
}

static void oracle_deliver(struct sb_sink *sink, const struct sb_event *ev)
{
	struct sb_oracle *o = (struct sb_oracle *)sink;
	int ret = 0;

	pthread_mutex_lock(&o->lock);
	if (ev->kind == SB_EV_OVERFLOW) {
		o->overflows += ev->count ? ev->count : 1;
	} else if (!o->deny || ev->kind != SB_EV_DENY) {
		ret = key_list_add(&o->delivered, make_key(ev->kind, ev->name));
	}
	if (ret)
		o->oom = true;
	pthread_mutex_unlock(&o->lock);
}

struct sb_oracle *sb_oracle_new(bool deny)
{
	struct sb_oracle *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->sink.deliver = oracle_deliver;
	o->deny = deny;
	pthread_mutex_init(&o->lock, NULL);
	return o;
}

void sb_oracle_free(struct sb_oracle *o)
{
	if (!o)
		return;
	key_list_free(&o->expected);
	key_list_free(&o->delivered);
	pthread_mutex_destroy(&o->lock);
	free(o);
}

struct sb_sink *sb_oracle_sink(struct sb_oracle *o)
{
	return &o->sink;
}

void sb_oracle_expect(struct sb_oracle *o, enum sb_kind kind, const char *name)
{
	if (key_list_add(&o->expected, make_key(kind, name)))
		o->oom = true;
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

/* Notify mode: set difference of expected and delivered keys. */
static int compare_sets(struct sb_oracle *o, struct sb_oracle_result *r,
			const char **first_missing, const char **first_unexpected)
{
	struct hsearch_data tab;
	char *seen;
	ENTRY e, *found;

	memset(&tab, 0, sizeof(tab));
	seen = calloc(o->expected.n + 1, 1);
	if (!seen || !hcreate_r(o->expected.n * 2 + 16, &tab)) {
		free(seen);
		return -1;
	}
	for (size_t i = 0; i < o->expected.n; i++) {
		e.key = o->expected.v[i];
		e.data = &seen[i];
		if (!hsearch_r(e, ENTER, &found, &tab))
			goto fail;
		if (found->data != &seen[i])	/* a duplicate expectation */
			seen[i] = 2;
	}
	for (size_t i = 0; i < o->delivered.n; i++) {
		e.key = o->delivered.v[i];
		if (hsearch_r(e, FIND, &found, &tab))
			*(char *)found->data = 1;
		else if (!r->unexpected++)
			*first_unexpected = o->delivered.v[i];
	}
	for (size_t i = 0; i < o->expected.n; i++) {
		if (seen[i] == 2)
			continue;
		r->expected++;
		if (!seen[i] && !r->missing++)
			*first_missing = o->expected.v[i];
	}
	hdestroy_r(&tab);
	free(seen);
	return 0;
fail:
	hdestroy_r(&tab);
	free(seen);
	return -1;
}

void sb_oracle_finish(struct sb_oracle *o, struct sb_oracle_result *r)
{
	const char *first_missing = "", *first_unexpected = "";

	memset(r, 0, sizeof(*r));
	pthread_mutex_lock(&o->lock);
	r->overflows = o->overflows;
	if (o->deny) {
		r->expected = o->deny_in_scope;
		r->delivered = o->deny_in_denied + o->deny_out_denied;
		r->missing = o->deny_in_scope - o->deny_in_denied - o->deny_other_errors;
		r->unexpected = o->deny_out_denied;
	} else {
		r->delivered = o->delivered.n;
		if (compare_sets(o, r, &first_missing, &first_unexpected))
			o->oom = true;
	}
	r->valid = !r->missing && !r->unexpected && !r->overflows && !o->oom &&
		   !o->invalid[0] && !o->deny_other_errors;
	if (o->invalid[0])
		snprintf(r->why, sizeof(r->why), "%s", o->invalid);
	else if (o->oom)
		snprintf(r->why, sizeof(r->why), "the oracle ran out of memory");
	else if (o->deny_other_errors)
		snprintf(r->why, sizeof(r->why), "%llu opens failed with an error other than EPERM",
			 (unsigned long long)o->deny_other_errors);
	else if (!r->valid)
		snprintf(r->why, sizeof(r->why),
			 "%llu missing%s%s%s, %llu unexpected%s%s%s, %llu lost to overflow",
			 (unsigned long long)r->missing, *first_missing ? " (e.g. " : "",
			 first_missing, *first_missing ? ")" : "",
			 (unsigned long long)r->unexpected, *first_unexpected ? " (e.g. " : "",
			 first_unexpected, *first_unexpected ? ")" : "",
			 (unsigned long long)r->overflows);
	pthread_mutex_unlock(&o->lock);
}
