// SPDX-License-Identifier: GPL-2.0
/*
 * fanotify-user: today's status quo. One FAN_MARK_FILESYSTEM mark; every
 * event on the filesystem reaches user space, which resolves the parent
 * directory's handle to a path and decides sub-tree membership itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../fanotify_common.h"
#include "../scope.h"

struct fan_user {
	struct sb_fan fan;
	struct sb_path_scope scope;
};

static int fan_user_probe(enum sb_mode mode, char *why, size_t len)
{
	return sb_fan_probe(mode == SB_MODE_DENY, why, len);
}

static int fan_user_attach(struct sb_backend *b)
{
	struct fan_user *u = calloc(1, sizeof(*u));

	if (!u) {
		snprintf(b->err, sizeof(b->err), "out of memory");
		return -1;
	}
	u->fan.fd = -1;
	b->priv = u;
	if (sb_path_scope_init(&u->scope, b->args.rules, b->args.strategy, b->err, sizeof(b->err)))
		return -1;
	if (sb_fan_open(&u->fan, b->args.mode == SB_MODE_DENY, b->args.rules,
			b->err, sizeof(b->err)))
		return -1;
	return sb_fan_mark_filesystems(&u->fan, b->args.rules, b->err, sizeof(b->err));
}

static int fan_user_event(struct sb_backend *b, struct sb_fan_event *e)
{
	struct fan_user *u = b->priv;
	char path[PATH_MAX + SB_NAME_MAX + 2];
	size_t dlen;

	if (sb_fan_event_dir_path(&u->fan, e, path, PATH_MAX))
		return 0;	/* gone before we could look: cannot be placed */
	if (u->fan.deny) {
		struct stat st;
		struct sb_event ev = { .kind = SB_EV_DENY, .pid = e->pid, .path = path };

		if (!sb_path_scope_match(&u->scope, path))
			return 0;
		if (!fstat(e->fd, &st)) {
			ev.dev_major = major(st.st_dev);
			ev.dev_minor = minor(st.st_dev);
			ev.ino = st.st_ino;
		}
		sb_event_set_name(&ev, path);
		if (e->pid != atomic_load(&b->consumer_tid))
			b->args.sink->deliver(b->args.sink, &ev);
		return 1;
	}
	if (!e->name)
		return 0;
	/* The object is in scope if it is a root or its parent directory is. */
	dlen = strlen(path);
	snprintf(path + dlen, sizeof(path) - dlen, "/%s", e->name);
	if (!sb_path_scope_match(&u->scope, path))
		return 0;
	sb_fan_deliver(b, e, path, e->name, 0);
	return 0;
}

static int fan_user_consume(struct sb_backend *b, int timeout_ms)
{
	struct fan_user *u = b->priv;

	return sb_fan_read(b, &u->fan, timeout_ms, fan_user_event);
}

static void fan_user_release_pending(struct sb_backend *b)
{
	struct fan_user *u = b->priv;

	sb_fan_release(&u->fan);
}

static void fan_user_detach(struct sb_backend *b)
{
	struct fan_user *u = b->priv;

	if (!u)
		return;
	sb_fan_close(&u->fan);
	sb_path_scope_free(&u->scope);
	free(u);
	b->priv = NULL;
}

static void fan_user_counters(struct sb_backend *b, json_t *out)
{
	struct fan_user *u = b->priv;

	json_object_set_new(out, "queue_overflows", json_integer(u->fan.queue_overflows));
}

const struct sb_backend_ops sb_backend_fanotify_user = {
	.name = "fanotify-user",
	.summary = "one FAN_MARK_FILESYSTEM mark; user space filters every event by path",
	.modes = SB_BIT(SB_MODE_NOTIFY) | SB_BIT(SB_MODE_DENY),
	.strategies = SB_BIT(SB_STRAT_WALK) | SB_BIT(SB_STRAT_LOOP),
	.probe = fan_user_probe,
	.attach = fan_user_attach,
	.consume = fan_user_consume,
	.release_pending = fan_user_release_pending,
	.detach = fan_user_detach,
	.counters = fan_user_counters,
};
