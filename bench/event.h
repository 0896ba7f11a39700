/* SPDX-License-Identifier: GPL-2.0 */
/* What a backend delivers to user space: one monitored event on one object. */
#ifndef SB_EVENT_H
#define SB_EVENT_H

#include <stdint.h>

#define SB_NAME_MAX 256

enum sb_kind {
	SB_EV_OPEN,		/* of a non-directory: listing a directory is not reported */
	SB_EV_CREATE,		/* file or directory */
	SB_EV_DELETE,		/* file or directory */
	SB_EV_MOVED_FROM,	/* the old name, in the old parent */
	SB_EV_MOVED_TO,		/* the new name, in the new parent */
	SB_EV_DENY,		/* an open the backend denied (where it tells) */
	SB_EV_OVERFLOW,		/* the backend lost events (queue overflow, ring full) */
	SB_EV__COUNT,
};

struct file_handle;

struct sb_event {
	enum sb_kind kind;
	int32_t pid;
	uint32_t dev_major;	/* of the object's filesystem; 0:0 if unknown */
	uint32_t dev_minor;
	uint64_t ino;		/* 0 if unknown */
	uint64_t count;		/* SB_EV_OVERFLOW: events lost, if known (else 1) */
	/*
	 * The object's last path component. Workload names are unique, so
	 * (kind, name) identifies an object for the oracle.
	 */
	char name[SB_NAME_MAX];
	const char *path;	/* full path, or NULL; valid during delivery only */
	/*
	 * With fid reporting an event may carry no name: then the object is
	 * known by its file handle (fanotify) or by dev and ino (a ring buffer
	 * record without the name), which the oracle maps back to the names it
	 * expects once the loop is over.
	 */
	const struct file_handle *handle;	/* or NULL; valid during delivery only */
};

/* Where a backend's consumer delivers events; called from the consumer thread. */
struct sb_sink {
	void (*deliver)(struct sb_sink *sink, const struct sb_event *ev);
};

const char *sb_kind_name(enum sb_kind kind);
int sb_kind_parse(const char *s, enum sb_kind *kind);
/* Set ev->name to the last component of path (or to name itself), truncated. */
void sb_event_set_name(struct sb_event *ev, const char *path);

#endif
