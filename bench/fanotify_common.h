/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the fanotify backends share: the group, the filesystem marks, and
 * reading events into struct sb_event, answering permission events.
 */
#ifndef SB_FANOTIFY_COMMON_H
#define SB_FANOTIFY_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/fanotify.h>
#include <sys/types.h>

#include "backend.h"

/* What notify mode watches: the monitored kinds, on files and directories. */
#define SB_FAN_NOTIFY_MASK (FAN_OPEN | FAN_CREATE | FAN_DELETE | FAN_MOVED_FROM | \
			    FAN_MOVED_TO | FAN_ONDIR | FAN_EVENT_ON_CHILD)
#define SB_FAN_DENY_MASK (FAN_OPEN_PERM | FAN_EVENT_ON_CHILD)
#define SB_FAN_MAX_FS 16

struct sb_fan_fs {
	fsid_t fsid;
	dev_t dev;
	int mount_fd;			/* for open_by_handle_at(): owned */
};

struct sb_fan {
	int fd;
	bool deny;
	enum sb_report report;		/* notify groups */
	size_t nr_fs;
	struct sb_fan_fs fs[SB_FAN_MAX_FS];
	uint64_t queue_overflows;
	char *buf;			/* read buffer */
};

/* One event as read: one sb_event kind per mask bit. */
struct sb_fan_event {
	uint64_t mask;
	int32_t pid;
	int fd;				/* deny groups: the opened file; else -1 */
	const struct sb_fan_fs *fs;	/* notify groups: the event's filesystem */
	struct file_handle *dir;	/* parent dir (notify), or NULL */
	const char *name;		/* entry name (notify), or NULL */
	struct file_handle *obj;	/* the object itself (notify), or NULL */
};

/*
 * Verdict callback for deny groups (0 allow, 1 deny); notify groups ignore
 * the return value. Called once per event read.
 */
typedef int (*sb_fan_cb)(struct sb_backend *b, struct sb_fan_event *e);

/* fanotify_init for the mode (dfid-name reporting), and the filesystems of the rules. */
int sb_fan_open(struct sb_fan *f, bool deny, const struct sb_rules *rules,
		char *err, size_t errlen);
/* The same with the notify-mode reporting given. */
int sb_fan_open_report(struct sb_fan *f, bool deny, enum sb_report report,
		       const struct sb_rules *rules, char *err, size_t errlen);
/* One FAN_MARK_FILESYSTEM mark per filesystem holding a rule. */
int sb_fan_mark_filesystems(struct sb_fan *f, const struct sb_rules *rules,
			    char *err, size_t errlen);
/* Wait up to timeout_ms, read what is queued, call cb per event. */
int sb_fan_read(struct sb_backend *b, struct sb_fan *f, int timeout_ms, sb_fan_cb cb);
/* Deliver one sb_event per monitored kind in e->mask, with the given path. */
void sb_fan_deliver(struct sb_backend *b, const struct sb_fan_event *e,
		    const char *path, const char *name, uint64_t ino);
/* The path of e's parent directory (notify) or of its file (deny). */
int sb_fan_event_dir_path(const struct sb_fan *f, const struct sb_fan_event *e,
			  char *buf, size_t len);
/* Open a file handle read-only as O_PATH (no event), or -1. */
int sb_fan_open_handle(const struct sb_fan *f, const struct sb_fan_event *e,
		       struct file_handle *h, int flags);
/* Replace the group fd by /dev/null: releases the group, allows pending events. */
void sb_fan_release(struct sb_fan *f);
void sb_fan_close(struct sb_fan *f);
/* Can this kernel make such a group? 0, or -1 with the reason. */
int sb_fan_probe(bool deny, char *why, size_t len);
/* Does the kernel have the fanotify filter API (kernel/patches)? */
int sb_fan_filter_probe(bool deny, char *why, size_t len);
/* FAN_IOC_ADD_FILTER: attach the registered filter `name` to the group. */
int sb_fan_add_filter(struct sb_fan *f, const char *name, const void *init_args,
		      uint32_t size, char *err, size_t errlen);
/* The path of a notify event's object from its own handle (fid reporting), or -1. */
int sb_fan_object_path(const struct sb_fan *f, const struct sb_fan_event *e, char *buf, size_t len);
/* The path of a notify event's entry (parent path + name), or -1. */
int sb_fan_entry_path(const struct sb_fan *f, const struct sb_fan_event *e, char *buf, size_t len);
/* The event callback of groups whose filter ran in the kernel: deliver as is. */
int sb_fan_filtered_event(struct sb_backend *b, struct sb_fan *f, struct sb_fan_event *e);

#endif
