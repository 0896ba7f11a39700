// SPDX-License-Identifier: GPL-2.0
/*
 * fanotify-user: today's status quo. One FAN_MARK_FILESYSTEM mark; every
 * event on the filesystem reaches user space, which resolves the parent
 * directory's handle to a path and decides sub-tree membership itself:
 * walk looks the path and its ancestors up in the rule table every filter
 * uses (bench/scope.c, rule_table.h), loop tests each rule, cache is walk
 * plus a per-directory verdict cache.
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

/*
 * The cache strategy: directory handle -> (path, verdict), learned from
 * lookups and from the create/moved_to events of directories, so events in
 * a directory deleted before we read them can still be placed. A directory
 * rename changes paths below it: it bumps the cache's generation, and an
 * entry of an older one is a miss (then overwritten), as the kernel filters'
 * tags do: dropping the table instead would re-create its DIR_CACHE_MAX
 * slots for every directory moved.
 */
#define DIR_CACHE_MAX 65536

struct dir_cache {
	struct hsearch_data tab;
	char **keys;
	size_t n;
	uint64_t gen;		/* entries of an older generation are stale */
	bool live;
};

struct cached_dir {
	uint64_t gen;
	bool in_scope;
	char path[];
};

static void handle_key(const struct file_handle *h, char *key, size_t len)
{
	size_t n = snprintf(key, len, "%x:", h->handle_type);

	for (unsigned int i = 0; i < h->handle_bytes && n + 3 < len; i++)
		n += snprintf(key + n, len - n, "%02x", h->f_handle[i]);
}

static void dir_cache_clear(struct dir_cache *c)
{
	if (c->live) {
		for (size_t i = 0; i < c->n; i++) {
			ENTRY e = { .key = c->keys[i] }, *found;

			if (hsearch_r(e, FIND, &found, &c->tab))
				free(found->data);
			free(c->keys[i]);
		}
		hdestroy_r(&c->tab);
	}
	free(c->keys);
	memset(c, 0, sizeof(*c));
}

/* The entry of h, stale or not, or NULL. */
static ENTRY *dir_cache_find(struct dir_cache *c, const struct file_handle *h)
{
	char key[2 * MAX_HANDLE_SZ + 16];
	ENTRY e = { .key = key }, *found;

	if (!c->live || !h)
		return NULL;
	handle_key(h, key, sizeof(key));
	return hsearch_r(e, FIND, &found, &c->tab) ? found : NULL;
}

static const struct cached_dir *dir_cache_get(struct dir_cache *c, const struct file_handle *h)
{
	ENTRY *found = dir_cache_find(c, h);
	const struct cached_dir *d = found ? found->data : NULL;

	return d && d->gen == c->gen ? d : NULL;
}

/* A directory moved: every path below it may have changed. */
static void dir_cache_invalidate(struct dir_cache *c)
{
	c->gen++;
}

static struct cached_dir *cached_dir_new(const struct dir_cache *c, const char *path, bool in_scope)
{
	struct cached_dir *d = malloc(sizeof(*d) + strlen(path) + 1);

	if (!d)
		return NULL;
	d->gen = c->gen;
	d->in_scope = in_scope;
	strcpy(d->path, path);
	return d;
}

static void dir_cache_put(struct dir_cache *c, const struct file_handle *h, const char *path,
			  bool in_scope)
{
	char key[2 * MAX_HANDLE_SZ + 16];
	struct cached_dir *d;
	ENTRY e, *found = dir_cache_find(c, h);

	if (!h || dir_cache_get(c, h))
		return;
	if (found) {
		/* Stale: the same slot, this generation's path and verdict. */
		d = cached_dir_new(c, path, in_scope);
		if (d) {
			free(found->data);
			found->data = d;
		}
		return;
	}
	if (c->n == DIR_CACHE_MAX)
		dir_cache_clear(c);
	if (!c->live) {
		c->keys = calloc(DIR_CACHE_MAX, sizeof(*c->keys));
		if (!c->keys || !hcreate_r(DIR_CACHE_MAX * 2, &c->tab)) {
			free(c->keys);
			c->keys = NULL;
			return;
		}
		c->live = true;
	}
	handle_key(h, key, sizeof(key));
	d = cached_dir_new(c, path, in_scope);
	e.key = strdup(key);
	if (!d || !e.key) {
		free(d);
		free(e.key);
		return;
	}
	e.data = d;
	if (!hsearch_r(e, ENTER, &found, &c->tab)) {
		free(d);
		free(e.key);
		return;
	}
	c->keys[c->n++] = e.key;
}

struct fan_user {
	struct sb_fan fan;
	struct sb_path_scope scope;
	struct dir_cache cache;		/* the cache strategy only */
	bool use_cache;
	uint64_t cache_hits, lookups, unplaced;
};

static int fan_user_probe(enum sb_mode mode, char *why, size_t len)
{
	return sb_fan_probe(mode == SB_MODE_DENY, why, len);
}

static int fan_user_attach(struct sb_backend *b)
{
	struct fan_user *u = calloc(1, sizeof(*u));
	enum sb_strategy strategy = b->args.strategy;

	if (!u) {
		snprintf(b->err, sizeof(b->err), "out of memory");
		return -1;
	}
	u->fan.fd = -1;
	b->priv = u;
	u->use_cache = strategy == SB_STRAT_CACHE;
	if (u->use_cache) {
		strategy = SB_STRAT_WALK;	/* for the paths it looks up */
		/* Its verdicts are per directory: it needs the directory of each event. */
		b->report = SB_REPORT_DFID_NAME;
	}
	if (sb_path_scope_init(&u->scope, b->args.rules, strategy, b->err, sizeof(b->err)))
		return -1;
	if (sb_fan_open_report(&u->fan, b->args.mode == SB_MODE_DENY, b->report, b->args.rules,
			       b->err, sizeof(b->err)))
		return -1;
	return sb_fan_mark_filesystems(&u->fan, b->args.rules, b->err, sizeof(b->err));
}

static int fan_user_deny(struct sb_backend *b, struct sb_fan_event *e)
{
	struct fan_user *u = b->priv;
	struct sb_event ev = { .kind = SB_EV_DENY, .pid = e->pid };
	char path[PATH_MAX];
	struct stat st;

	/* No path to decide by (gone, or longer than PATH_MAX): fail closed. */
	if (sb_fan_event_dir_path(&u->fan, e, path, sizeof(path)))
		snprintf(path, sizeof(path), "?");
	else if (!sb_path_scope_match(&u->scope, path))
		return 0;
	if (!fstat(e->fd, &st)) {
		ev.dev_major = major(st.st_dev);
		ev.dev_minor = minor(st.st_dev);
		ev.ino = st.st_ino;
	}
	ev.path = path;
	sb_event_set_name(&ev, path);
	if (e->pid != atomic_load(&b->consumer_tid))
		b->args.sink->deliver(b->args.sink, &ev);
	return 1;
}

/*
 * fid reporting: the event names its object by handle only. Its path (the
 * object's, not its directory's) decides: it is in scope when an ancestor is
 * a root, which the same walk over the whole path finds.
 */
static int fan_user_fid_event(struct sb_backend *b, struct sb_fan_event *e)
{
	struct fan_user *u = b->priv;
	char path[PATH_MAX];

	u->lookups++;
	if (sb_fan_object_path(&u->fan, e, path, sizeof(path))) {
		u->unplaced++;	/* gone before we could look */
		return 0;
	}
	if (sb_path_scope_match(&u->scope, path))
		sb_fan_deliver(b, e, path, path, 0);
	return 0;
}

static int fan_user_event(struct sb_backend *b, struct sb_fan_event *e)
{
	struct fan_user *u = b->priv;
	const struct cached_dir *cached = NULL;
	char path[PATH_MAX + SB_NAME_MAX + 2];
	bool dir_in_scope, in_scope;
	size_t dlen;

	if (u->fan.deny)
		return fan_user_deny(b, e);
	if (!e->name)
		return u->fan.report == SB_REPORT_FID ? fan_user_fid_event(b, e) : 0;
	if (u->use_cache)
		cached = dir_cache_get(&u->cache, e->dir);
	if (cached) {
		u->cache_hits++;
		snprintf(path, PATH_MAX, "%s", cached->path);
		dir_in_scope = cached->in_scope;
	} else {
		u->lookups++;
		if (sb_fan_event_dir_path(&u->fan, e, path, PATH_MAX)) {
			u->unplaced++;	/* gone before we could look */
			return 0;
		}
		dir_in_scope = sb_path_scope_match(&u->scope, path);
		if (u->use_cache)
			dir_cache_put(&u->cache, e->dir, path, dir_in_scope);
	}
	/* The object is in scope if its parent directory is, or it is a root. */
	dlen = strlen(path);
	snprintf(path + dlen, sizeof(path) - dlen, "/%s", e->name);
	in_scope = dir_in_scope || sb_path_scope_match(&u->scope, path);
	if (u->use_cache && (e->mask & FAN_ONDIR)) {
		if (e->mask & FAN_MOVED_FROM)
			dir_cache_invalidate(&u->cache);
		else if (e->mask & (FAN_CREATE | FAN_MOVED_TO))
			dir_cache_put(&u->cache, e->obj, path, in_scope);
	}
	if (in_scope)
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
	dir_cache_clear(&u->cache);
	free(u);
	b->priv = NULL;
}

static void fan_user_counters(struct sb_backend *b, json_t *out)
{
	struct fan_user *u = b->priv;

	json_object_set_new(out, "queue_overflows", json_integer(u->fan.queue_overflows));
	json_object_set_new(out, "path_lookups", json_integer(u->lookups));
	json_object_set_new(out, "cache_hits", json_integer(u->cache_hits));
	json_object_set_new(out, "unplaced_events", json_integer(u->unplaced));
}

const struct sb_backend_ops sb_backend_fanotify_user = {
	.name = "fanotify-user",
	.summary = "one FAN_MARK_FILESYSTEM mark; user space filters every event by path",
	.modes = SB_BIT(SB_MODE_NOTIFY) | SB_BIT(SB_MODE_DENY),
	.strategies = SB_BIT(SB_STRAT_WALK) | SB_BIT(SB_STRAT_LOOP) | SB_BIT(SB_STRAT_CACHE),
	.merges = true,
	.probe = fan_user_probe,
	.attach = fan_user_attach,
	.consume = fan_user_consume,
	.release_pending = fan_user_release_pending,
	.detach = fan_user_detach,
	.counters = fan_user_counters,
};
