// SPDX-License-Identifier: GPL-2.0
/*
 * fanotify-dirmarks: a FAN_MARK_INODE | FAN_EVENT_ON_CHILD mark on every
 * directory of each sub-tree, so the kernel only reports in-scope events.
 * User space keeps the marks right as the tree changes: it marks new and
 * moved-in directories (scanning them for sub-directories made before the
 * mark landed) and unmarks directories moved out of scope. What races lose
 * (entries made in a new directory before its mark) the oracle counts.
 *
 * Deny mode marks the tree at attach only: permission groups cannot have
 * fid reporting, which FAN_CREATE needs, so they cannot follow new
 * directories.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../dirwalk.h"
#include "../fanotify_common.h"
#include "../scope.h"

#define MAX_USER_MARKS "/proc/sys/fs/fanotify/max_user_marks"

struct dirmarks {
	struct sb_fan fan;
	struct sb_path_scope scope;	/* where a moved directory landed */
	uint64_t mask;
	uint64_t marks, unmarks, mark_errors;
	bool out_of_marks;		/* ENOSPC: fs.fanotify.max_user_marks reached */
};

static int dirmarks_probe(enum sb_mode mode, char *why, size_t len)
{
	return sb_fan_probe(mode == SB_MODE_DENY, why, len);
}

struct mark_ctx {
	struct dirmarks *d;
	bool add;
};

static int mark_one(void *ctx, const char *path, char *err, size_t errlen)
{
	struct mark_ctx *m = ctx;
	struct dirmarks *d = m->d;

	if (fanotify_mark(d->fan.fd, m->add ? FAN_MARK_ADD : FAN_MARK_REMOVE, d->mask,
			  AT_FDCWD, path)) {
		int e = errno;

		/* A directory removed under the scan is not an error. */
		if (e == ENOENT)
			return 0;
		d->mark_errors++;
		if (!err[0])
			snprintf(err, errlen, "fanotify_mark('%s'): %s%s", path, strerror(e),
				 e == ENOSPC ?
				 ": raise fs.fanotify.max_user_marks (sysctl -w fs.fanotify.max_user_marks=N)" : "");
		if (e == ENOSPC)
			d->out_of_marks = true;
		return e == ENOSPC ? -1 : 1;
	}
	if (m->add)
		d->marks++;
	else
		d->unmarks++;
	return 0;
}

/*
 * Add (or remove) a mark on every directory below path, path included. A
 * directory the walk cannot enter would stay unmarked, and in deny mode
 * open: adding refuses such a tree.
 */
static int mark_tree(struct dirmarks *d, const char *path, bool add, char *err, size_t errlen)
{
	struct mark_ctx m = { .d = d, .add = add };

	return sb_dirs_walk(path, add, mark_one, &m, err, errlen);
}

static int dirmarks_attach(struct sb_backend *b)
{
	struct dirmarks *d = calloc(1, sizeof(*d));
	long needed, limit;

	if (!d) {
		snprintf(b->err, sizeof(b->err), "out of memory");
		return -1;
	}
	d->fan.fd = -1;
	b->priv = d;
	needed = sb_dirs_count(b->args.rules);
	limit = sb_sysctl_long(MAX_USER_MARKS);
	if (limit >= 0 && needed > limit) {
		snprintf(b->err, sizeof(b->err),
			 "fanotify-dirmarks needs %ld marks (one per directory under the rules) but fs.fanotify.max_user_marks is %ld: raise it (sysctl -w fs.fanotify.max_user_marks=%ld) or monitor fewer directories",
			 needed, limit, needed + 1024);
		return -1;
	}
	if (sb_path_scope_init(&d->scope, b->args.rules, SB_STRAT_WALK, b->err, sizeof(b->err)))
		return -1;
	/* It follows the tree by the names of new directories: dfid-name always. */
	b->report = SB_REPORT_DFID_NAME;
	if (sb_fan_open(&d->fan, b->args.mode == SB_MODE_DENY, b->args.rules,
			b->err, sizeof(b->err)))
		return -1;
	d->mask = b->args.mode == SB_MODE_DENY ? SB_FAN_DENY_MASK : SB_FAN_NOTIFY_MASK;
	for (size_t i = 0; i < b->args.rules->n; i++)
		if (mark_tree(d, b->args.rules->v[i].path, true, b->err, sizeof(b->err)))
			return -1;
	return 0;
}

/* Keep the marks right as directories appear, arrive and leave. */
static void follow_tree(struct sb_backend *b, struct sb_fan_event *e)
{
	struct dirmarks *d = b->priv;
	char path[PATH_MAX], err[400];

	if (!(e->mask & FAN_ONDIR))
		return;
	if (e->mask & (FAN_CREATE | FAN_MOVED_TO)) {
		/*
		 * Out of marks, the new directory goes unmonitored: the run is
		 * wrong from here on, and the consumer stops with the limit
		 * and how to raise it (dirmarks_consume).
		 */
		if (!sb_fan_entry_path(&d->fan, e, path, sizeof(path)) &&
		    mark_tree(d, path, true, err, sizeof(err)) && d->out_of_marks && !b->err[0])
			snprintf(b->err, sizeof(b->err), "marking a new directory: %s", err);
	}
	if (e->mask & FAN_MOVED_FROM) {
		/* Where did it go? Unmark it if it left every sub-tree. */
		int fd = sb_fan_open_handle(&d->fan, e, e->obj, O_DIRECTORY);
		char link[64];
		ssize_t n;

		if (fd < 0)
			return;
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, path, sizeof(path) - 1);
		close(fd);
		if (n < 0)
			return;
		path[n] = '\0';
		if (!sb_path_scope_match(&d->scope, path))
			mark_tree(d, path, false, err, sizeof(err));
	}
}

static int dirmarks_event(struct sb_backend *b, struct sb_fan_event *e)
{
	struct dirmarks *d = b->priv;

	if (d->fan.deny) {
		/* Only marked, in-scope directories report: deny them all. */
		struct sb_event ev = { .kind = SB_EV_DENY, .pid = e->pid };
		char path[PATH_MAX];

		if (b->args.describe && !sb_fan_event_dir_path(&d->fan, e, path, sizeof(path))) {
			ev.path = path;
			sb_event_set_name(&ev, path);
		}
		if (e->pid != atomic_load(&b->consumer_tid))
			b->args.sink->deliver(b->args.sink, &ev);
		return 1;
	}
	if (e->pid != atomic_load(&b->consumer_tid))
		follow_tree(b, e);
	if (b->args.describe) {
		char path[PATH_MAX];

		sb_fan_deliver(b, e, sb_fan_entry_path(&d->fan, e, path, sizeof(path)) ? NULL : path,
			       e->name, 0);
	} else {
		sb_fan_deliver(b, e, NULL, e->name, 0);
	}
	return 0;
}

static int dirmarks_consume(struct sb_backend *b, int timeout_ms)
{
	struct dirmarks *d = b->priv;
	int n = sb_fan_read(b, &d->fan, timeout_ms, dirmarks_event);

	return d->out_of_marks ? -1 : n;
}

static void dirmarks_release_pending(struct sb_backend *b)
{
	struct dirmarks *d = b->priv;

	sb_fan_release(&d->fan);
}

static void dirmarks_detach(struct sb_backend *b)
{
	struct dirmarks *d = b->priv;

	if (!d)
		return;
	/* Closing the group drops every mark with it. */
	sb_fan_close(&d->fan);
	sb_path_scope_free(&d->scope);
	free(d);
	b->priv = NULL;
}

static void dirmarks_counters(struct sb_backend *b, json_t *out)
{
	struct dirmarks *d = b->priv;

	json_object_set_new(out, "marks_added", json_integer(d->marks));
	json_object_set_new(out, "marks_removed", json_integer(d->unmarks));
	json_object_set_new(out, "mark_errors", json_integer(d->mark_errors));
	json_object_set_new(out, "queue_overflows", json_integer(d->fan.queue_overflows));
}

const struct sb_backend_ops sb_backend_fanotify_dirmarks = {
	.name = "fanotify-dirmarks",
	.summary = "a FAN_MARK_INODE mark on every directory of each sub-tree, kept up to date from user space",
	.modes = SB_BIT(SB_MODE_NOTIFY) | SB_BIT(SB_MODE_DENY),
	.strategies = SB_BIT(SB_STRAT_TAG),
	.merges = true,
	.probe = dirmarks_probe,
	.attach = dirmarks_attach,
	.consume = dirmarks_consume,
	.release_pending = dirmarks_release_pending,
	.detach = dirmarks_detach,
	.counters = dirmarks_counters,
};
