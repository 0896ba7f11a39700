/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The correctness oracle. Notify mode compares sets of (event kind, object
 * name): fanotify merges identical unread events, so counts cannot be
 * compared. Deny mode compares each open's outcome with its scope.
 */
#ifndef SB_ORACLE_H
#define SB_ORACLE_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"

struct sb_oracle;

struct sb_oracle_result {
	uint64_t expected;	/* distinct in-scope (kind, object) / in-scope opens */
	uint64_t delivered;	/* events delivered (raw) / opens denied */
	uint64_t missing;	/* expected but not delivered / in scope, allowed */
	uint64_t unexpected;	/* delivered but not expected / out of scope, denied */
	uint64_t overflows;	/* events the backend says it lost */
	bool valid;
	char why[256];		/* first reason the run is invalid */
};

struct sb_oracle *sb_oracle_new(bool deny);
void sb_oracle_free(struct sb_oracle *o);

/* Notify mode: run() will cause this in-scope event. Not thread-safe. */
void sb_oracle_expect(struct sb_oracle *o, enum sb_kind kind, const char *name);
/* Deny mode: one open's outcome, err = 0 or the errno it failed with. */
void sb_oracle_open_outcome(struct sb_oracle *o, bool in_scope, int err);
/* The run cannot be trusted for a reason found outside the oracle. */
void sb_oracle_invalidate(struct sb_oracle *o, const char *why);

/* The sink backends deliver to; thread-safe against finish(). */
struct sb_sink *sb_oracle_sink(struct sb_oracle *o);

void sb_oracle_finish(struct sb_oracle *o, struct sb_oracle_result *r);

#endif
