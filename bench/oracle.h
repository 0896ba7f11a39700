/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The correctness oracle. Notify mode compares multisets of (event kind,
 * object name): every operation touches its own object, so each expected
 * event must arrive exactly once; fanotify merging identical unread events
 * is then a difference the oracle reports (merged), not noise it hides.
 * Deny mode compares each open's outcome with its scope.
 *
 * Per key, e = times expected, d = times delivered:
 *   e > 0, d == 0:  missing += e
 *   0 < d < e:      merged += e - d
 *   d > e > 0:      duplicated += d - e
 *   e == 0:         unexpected += d   (SB_ORACLE_PASS: extra += d)
 *
 * Delivery appends to a preallocated record array (no allocation, lock or
 * formatting on the consumer's path); keys are compared in finish().
 */
#ifndef SB_ORACLE_H
#define SB_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

/* A burst study reusing objects: merged events are allowed (and reported). */
#define SB_ORACLE_BURST		(1u << 0)
/*
 * A reference filter that sends (notify) or allows (deny) everything.
 * Notify: out-of-scope deliveries count as extra, not unexpected, and
 * (but in a burst) must be as many as sb_oracle_expect_outside() announced.
 * Deny: valid iff no open was denied.
 */
#define SB_ORACLE_PASS		(1u << 1)

/* Records sb_oracle_new() preallocates; a run must sb_oracle_reserve() its own. */
#define SB_ORACLE_DEFAULT_RECORDS	4096
/* Longest object name a delivery record holds; longer names never match. */
#define SB_ORACLE_NAME_MAX	61

struct sb_oracle;

struct sb_oracle_result {
	uint64_t expected;	/* in-scope events generated, with multiplicity / in-scope opens */
	uint64_t delivered;	/* events delivered (raw) / opens denied */
	uint64_t missing;	/* expected, none delivered / in scope, allowed */
	uint64_t merged;	/* expected e times, delivered 0 < d < e: e - d */
	uint64_t duplicated;	/* expected e > 0 times, delivered d > e: d - e */
	uint64_t unexpected;	/* delivered, never expected / out of scope, denied */
	uint64_t extra;		/* SB_ORACLE_PASS: delivered out of scope (allowed) */
	uint64_t overflows;	/* events the backend says it lost */
	uint64_t dropped_records;	/* deliveries past the record array's capacity */
	bool valid;
	char why[256];		/* first reason the run is invalid */
};

/* flags: SB_ORACLE_BURST | SB_ORACLE_PASS, or 0. NULL when out of memory. */
struct sb_oracle *sb_oracle_new(bool deny, unsigned int flags);
void sb_oracle_free(struct sb_oracle *o);

/*
 * Untimed, after prepare() and before attach (no thread may deliver): room
 * for at least n delivered events, prefaulted so that the consumer takes no
 * page fault recording them. The runner reserves 2 * sb_oracle_nr_expected()
 * + 1024; under SB_ORACLE_PASS, which records out-of-scope events too,
 * 2 * (sb_oracle_nr_expected() + sb_oracle_nr_outside()) + 1024. Returns 0,
 * or -1 (ENOMEM) leaving the array as it was.
 */
int sb_oracle_reserve(struct sb_oracle *o, size_t n);
/* Events expected so far, with multiplicity. */
uint64_t sb_oracle_nr_expected(const struct sb_oracle *o);
/* Out-of-scope events announced with sb_oracle_expect_outside(). */
uint64_t sb_oracle_nr_outside(const struct sb_oracle *o);

/* Notify mode: run() will cause this in-scope event. Not thread-safe. */
void sb_oracle_expect(struct sb_oracle *o, enum sb_kind kind, const char *name);
/*
 * The same for an object that exists when finish() runs, by its path: a
 * backend reporting fids (no names) identifies it by its file handle or its
 * dev and ino, which finish() maps back through the path. path must stay
 * valid until finish(); the name is its last component.
 */
void sb_oracle_expect_path(struct sb_oracle *o, enum sb_kind kind, const char *path);
/*
 * Notify mode: run() will also cause n events out of scope (on the
 * monitored filesystem or another). Only counted: what a pass filter will
 * deliver beside the expected events, to size the records.
 */
void sb_oracle_expect_outside(struct sb_oracle *o, uint64_t n);
/*
 * Deny mode: the errno a denied open fails with (default EPERM; Landlock:
 * EACCES). Any other error is a failure of the run, not a denial.
 */
void sb_oracle_set_deny_errno(struct sb_oracle *o, int err);
/* Deny mode: one open's outcome, err = 0 or the errno it failed with. */
void sb_oracle_open_outcome(struct sb_oracle *o, bool in_scope, int err);
/* The run cannot be trusted for a reason found outside the oracle. */
void sb_oracle_invalidate(struct sb_oracle *o, const char *why);

/*
 * The sink backends deliver to: safe from several threads at once, never
 * allocates. finish() must come after every delivering thread has stopped.
 */
struct sb_sink *sb_oracle_sink(struct sb_oracle *o);

void sb_oracle_finish(struct sb_oracle *o, struct sb_oracle_result *r);

#endif
