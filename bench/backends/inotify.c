// SPDX-License-Identifier: GPL-2.0
/*
 * inotify: a watch on every directory of each sub-tree, kept up to date from
 * user space the way `inotifywait -r` (inotify-tools) does it: at attach a
 * walk of each root watches every directory; an IN_CREATE or IN_MOVED_TO of
 * a directory watches it and every directory below it (scanned for
 * sub-directories made before the watch landed, not for files: like
 * inotifywait -r, nothing is reported for entries made in that window); a
 * directory's IN_MOVED_FROM followed by its IN_MOVED_TO (same cookie) is a
 * move inside the watched tree and renames the watches' paths, one followed
 * by anything else left the tree and has its watches removed; IN_IGNORED
 * forgets a watch. What these races lose or add (entries made in a new
 * directory before its watch, events in a directory moved out before its
 * watch is removed) the oracle counts.
 *
 * wd -> directory lives in a binary tree (tsearch), as inotify-tools keeps
 * its watches in a red-black tree keyed by wd. inotify reports no pid: the
 * consumer's own scans only open directories, which are not reported.
 * Notify mode only: inotify has no permission events.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../backend.h"
#include "../dirwalk.h"

#define MAX_USER_WATCHES "/proc/sys/fs/inotify/max_user_watches"
#define MAX_USER_INSTANCES "/proc/sys/fs/inotify/max_user_instances"
#define READ_BUF_SIZE (256 * 1024)
/*
 * The monitored kinds, on the directory's entries; IN_ONLYDIR so that a
 * directory replaced by a file under the scan is not watched. IN_IGNORED
 * comes whatever the mask.
 */
#define WATCH_MASK (IN_OPEN | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ONLYDIR)

struct watch {
	int wd;
	bool removing;		/* inotify_rm_watch() asked, IN_IGNORED not read yet */
	dev_t dev;
	char *path;
};

struct ino {
	int fd;
	void *wds;		/* tsearch tree of struct watch, by wd */
	char *buf;
	/* A directory's IN_MOVED_FROM, until the next event says where it went. */
	bool moved_pending;
	uint32_t moved_cookie;
	char moved_from[PATH_MAX];
	bool out_of_watches;	/* an inotify_add_watch() failed with ENOSPC */
	uint64_t added, ignored, errors, moves_followed, moves_out, overflows;
};

static int cmp_wd(const void *a, const void *b)
{
	const struct watch *x = a, *y = b;

	return (x->wd > y->wd) - (x->wd < y->wd);
}

static void free_watch(void *p)
{
	struct watch *w = p;

	free(w->path);
	free(w);
}

static struct watch *find_wd(struct ino *d, int wd)
{
	struct watch key = { .wd = wd };
	void *node = tfind(&key, &d->wds, cmp_wd);

	return node ? *(struct watch **)node : NULL;
}

static int inotify_probe(enum sb_mode mode, char *why, size_t len)
{
	int fd;

	if (mode == SB_MODE_DENY) {
		snprintf(why, len, "inotify has no permission events: it reports opens after the fact and cannot deny them");
		return -1;
	}
	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "inotify_init1: %s", strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* Remember (or, for a wd watched already, re-path) one directory's watch. */
static int remember(struct ino *d, int wd, dev_t dev, const char *path)
{
	struct watch *w = find_wd(d, wd);
	char *copy = strdup(path);
	void *node;

	if (!copy)
		return -1;
	if (w) {
		free(w->path);
		w->path = copy;
		w->removing = false;
		return 0;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		free(copy);
		return -1;
	}
	*w = (struct watch){ .wd = wd, .dev = dev, .path = copy };
	node = tsearch(w, &d->wds, cmp_wd);
	if (!node) {
		free_watch(w);
		return -1;
	}
	return 0;
}

struct watch_ctx {
	struct ino *d;
	dev_t dev;
};

static int watch_one(void *ctx, const char *path, char *err, size_t errlen)
{
	struct watch_ctx *c = ctx;
	struct ino *d = c->d;
	int wd = inotify_add_watch(d->fd, path, WATCH_MASK), e = errno;

	if (wd < 0) {
		/* Removed, or replaced by a non-directory, under the scan. */
		if (e == ENOENT || e == ENOTDIR)
			return 0;
		d->errors++;
		if (e == ENOSPC)
			d->out_of_watches = true;
		if (!err[0])
			snprintf(err, errlen, "inotify_add_watch('%s'): %s%s", path, strerror(e),
				 e == ENOSPC ? ": the user's inotify watches are used up (fs.inotify.max_user_watches)" : "");
		return e == ENOSPC ? -1 : 1;
	}
	if (remember(d, wd, c->dev, path)) {
		d->errors++;
		if (!err[0])
			snprintf(err, errlen, "out of memory");
		return -1;
	}
	d->added++;
	return 0;
}

/* Watch path and every directory below it, as inotifywait -r does. */
static int watch_tree(struct ino *d, const char *path, dev_t dev, bool strict, char *err, size_t errlen)
{
	struct watch_ctx c = { .d = d, .dev = dev };

	return sb_dirs_walk(path, strict, watch_one, &c, err, errlen);
}

static int inotify_attach(struct sb_backend *b)
{
	struct ino *d = calloc(1, sizeof(*d));

	if (!d) {
		snprintf(b->err, sizeof(b->err), "out of memory");
		return -1;
	}
	d->fd = -1;
	b->priv = d;
	/* Every event names its entry: the oracle matches names. */
	b->report = SB_REPORT_DFID_NAME;
	d->buf = aligned_alloc(__alignof__(struct inotify_event), READ_BUF_SIZE);
	if (!d->buf) {
		snprintf(b->err, sizeof(b->err), "out of memory");
		return -1;
	}
	d->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (d->fd < 0) {
		int e = errno;

		if (e == EMFILE)
			snprintf(b->err, sizeof(b->err),
				 "inotify_init1: %s: the user's inotify instances (fs.inotify.max_user_instances is %ld) or this process's open files are used up: raise it (sysctl -w fs.inotify.max_user_instances=%ld) or ulimit -n",
				 strerror(e), sb_sysctl_long(MAX_USER_INSTANCES),
				 sb_sysctl_long(MAX_USER_INSTANCES) + 128);
		else
			snprintf(b->err, sizeof(b->err), "inotify_init1: %s", strerror(e));
		return -1;
	}
	for (size_t i = 0; i < b->args.rules->n; i++) {
		const struct sb_rule *r = &b->args.rules->v[i];

		if (!watch_tree(d, r->path, r->dev, true, b->err, sizeof(b->err)))
			continue;
		if (d->out_of_watches) {
			/* Untimed (attach failed): how many it needs, for the fix. */
			long needed = sb_dirs_count(b->args.rules), limit = sb_sysctl_long(MAX_USER_WATCHES);

			snprintf(b->err, sizeof(b->err),
				 "inotify needs %ld watches (one per directory under the rules) and inotify_add_watch failed with ENOSPC after %llu: fs.inotify.max_user_watches is %ld, shared by every inotify user of this user id: raise it (sysctl -w fs.inotify.max_user_watches=%ld) or monitor fewer directories",
				 needed, (unsigned long long)d->added, limit,
				 (limit > 0 ? limit : 0) + needed + 1024);
		}
		return -1;
	}
	return 0;
}

struct prefix_walk {
	const char *prefix;	/* a directory: it and what lies below it */
	size_t len;
	const char *to;		/* rename to this, or NULL: remove the watch */
	struct ino *d;
};

static bool below(const char *path, const char *prefix, size_t len)
{
	return !strncmp(path, prefix, len) && (path[len] == '\0' || path[len] == '/');
}

static void prefix_action(const void *node, VISIT which, void *closure)
{
	struct watch *w = *(struct watch *const *)node;
	struct prefix_walk *p = closure;
	char *path;

	if ((which != postorder && which != leaf) || w->removing || !below(w->path, p->prefix, p->len))
		return;
	if (!p->to) {
		/* The map forgets it on the IN_IGNORED this causes. */
		if (!inotify_rm_watch(p->d->fd, w->wd))
			w->removing = true;
		return;
	}
	if (asprintf(&path, "%s%s", p->to, w->path + p->len) < 0) {
		p->d->errors++;
		return;
	}
	free(w->path);
	w->path = path;
}

/* The pending IN_MOVED_FROM had no IN_MOVED_TO: the directory left the tree. */
static void moved_out(struct ino *d)
{
	struct prefix_walk p = { .prefix = d->moved_from, .len = strlen(d->moved_from), .d = d };

	d->moved_pending = false;
	d->moves_out++;
	twalk_r(d->wds, prefix_action, &p);
}

/* Keep the watches right as directories appear, arrive and leave. */
static void follow_tree(struct ino *d, const struct inotify_event *ev, const struct watch *w,
			const char *path)
{
	char err[256];

	if (ev->mask & IN_CREATE) {
		watch_tree(d, path, w->dev, false, err, sizeof(err));
	} else if (ev->mask & IN_MOVED_FROM) {
		d->moved_pending = true;
		d->moved_cookie = ev->cookie;
		snprintf(d->moved_from, sizeof(d->moved_from), "%s", path);
	} else if (ev->mask & IN_MOVED_TO) {
		if (d->moved_pending && ev->cookie == d->moved_cookie) {
			struct prefix_walk p = { .prefix = d->moved_from, .len = strlen(d->moved_from),
						 .to = path, .d = d };

			d->moved_pending = false;
			d->moves_followed++;
			twalk_r(d->wds, prefix_action, &p);
		} else {
			watch_tree(d, path, w->dev, false, err, sizeof(err));
		}
	}
}

static const struct {
	uint32_t bit;
	enum sb_kind kind;
} kind_bits[] = {
	{ IN_CREATE, SB_EV_CREATE },
	{ IN_OPEN, SB_EV_OPEN },
	{ IN_MOVED_FROM, SB_EV_MOVED_FROM },
	{ IN_MOVED_TO, SB_EV_MOVED_TO },
	{ IN_DELETE, SB_EV_DELETE },
};

static void deliver(struct sb_backend *b, const struct inotify_event *ev, const struct watch *w,
		    const char *path)
{
	struct sb_event out = { .dev_major = major(w->dev), .dev_minor = minor(w->dev) };

	if (b->args.describe && path[0]) {
		struct stat st;

		out.path = path;
		if (!lstat(path, &st))
			out.ino = st.st_ino;
	}
	sb_event_set_name(&out, ev->name);
	for (size_t i = 0; i < sizeof(kind_bits) / sizeof(kind_bits[0]); i++) {
		if (!(ev->mask & kind_bits[i].bit))
			continue;
		/* Listing a directory is not a monitored open. */
		if (kind_bits[i].bit == IN_OPEN && (ev->mask & IN_ISDIR))
			continue;
		out.kind = kind_bits[i].kind;
		b->args.sink->deliver(b->args.sink, &out);
	}
}

static void handle(struct sb_backend *b, const struct inotify_event *ev)
{
	struct ino *d = b->priv;
	char path[PATH_MAX];
	struct watch *w;

	if (ev->mask & IN_Q_OVERFLOW) {
		struct sb_event ov = { .kind = SB_EV_OVERFLOW, .count = 1 };

		d->overflows++;
		b->args.sink->deliver(b->args.sink, &ov);
		return;
	}
	if (d->moved_pending && !((ev->mask & IN_MOVED_TO) && ev->cookie == d->moved_cookie))
		moved_out(d);
	w = find_wd(d, ev->wd);
	if (!w)
		return;
	if (ev->mask & IN_IGNORED) {
		struct watch key = { .wd = ev->wd };

		tdelete(&key, &d->wds, cmp_wd);
		free_watch(w);
		d->ignored++;
		return;
	}
	/* Events on the watched directory itself (no name): only its own opens. */
	if (!ev->len || !ev->name[0])
		return;
	if (snprintf(path, sizeof(path), "%s/%s", w->path, ev->name) >= (int)sizeof(path))
		path[0] = '\0';
	if ((ev->mask & IN_ISDIR) && path[0])
		follow_tree(d, ev, w, path);
	deliver(b, ev, w, path);
}

static int inotify_consume(struct sb_backend *b, int timeout_ms)
{
	struct ino *d = b->priv;
	struct pollfd pfd = { .fd = d->fd, .events = POLLIN };
	int handled = 0;
	ssize_t len;

	if (poll(&pfd, 1, timeout_ms) <= 0 || !(pfd.revents & POLLIN)) {
		/*
		 * The queue is empty: a rename queues its IN_MOVED_FROM and
		 * IN_MOVED_TO in one system call, so an unpaired one is final.
		 */
		if (d->moved_pending)
			moved_out(d);
		return 0;
	}
	len = read(d->fd, d->buf, READ_BUF_SIZE);
	if (len < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		snprintf(b->err, sizeof(b->err), "read inotify: %s", strerror(errno));
		return -1;
	}
	for (char *p = d->buf; p + sizeof(struct inotify_event) <= d->buf + len;) {
		const struct inotify_event *ev = (const void *)p;

		if (p + sizeof(*ev) + ev->len > d->buf + len)
			break;
		handle(b, ev);
		handled++;
		p += sizeof(*ev) + ev->len;
	}
	return handled;
}

static void inotify_detach(struct sb_backend *b)
{
	struct ino *d = b->priv;

	if (!d)
		return;
	/* Closing the instance drops every watch with it. */
	if (d->fd >= 0)
		close(d->fd);
	tdestroy(d->wds, free_watch);
	free(d->buf);
	free(d);
	b->priv = NULL;
}

static void inotify_counters(struct sb_backend *b, json_t *out)
{
	struct ino *d = b->priv;

	json_object_set_new(out, "watches_added", json_integer(d->added));
	json_object_set_new(out, "watches_ignored", json_integer(d->ignored));
	json_object_set_new(out, "watch_errors", json_integer(d->errors));
	json_object_set_new(out, "dir_moves_followed", json_integer(d->moves_followed));
	json_object_set_new(out, "dir_moves_out", json_integer(d->moves_out));
	json_object_set_new(out, "queue_overflows", json_integer(d->overflows));
}

const struct sb_backend_ops sb_backend_inotify = {
	.name = "inotify",
	.summary = "an inotify watch on every directory of each sub-tree, followed from user space as inotifywait -r does",
	.modes = SB_BIT(SB_MODE_NOTIFY),
	.strategies = SB_BIT(SB_STRAT_TAG),
	/* inotify folds an event identical to the last unread one. */
	.merges = true,
	.probe = inotify_probe,
	.attach = inotify_attach,
	.consume = inotify_consume,
	.detach = inotify_detach,
	.counters = inotify_counters,
};
