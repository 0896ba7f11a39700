// SPDX-License-Identifier: GPL-2.0
/* User-space helpers shared by the bpf-lsm and bpf-fentry backends. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

/* statfs(2) f_type of btrfs (linux/magic.h) */
#define SB_BTRFS_SUPER_MAGIC 0x9123683E

#include "bpf_common.h"
#include "mounts.h"
#include "bpf/events.h"
#include "bpf/subtree.h"

_Static_assert(SB_BPF_EV_OPEN == (int)SB_EV_OPEN, "kind numbers");
_Static_assert(SB_BPF_EV_CREATE == (int)SB_EV_CREATE, "kind numbers");
_Static_assert(SB_BPF_EV_DELETE == (int)SB_EV_DELETE, "kind numbers");
_Static_assert(SB_BPF_EV_MOVED_FROM == (int)SB_EV_MOVED_FROM, "kind numbers");
_Static_assert(SB_BPF_EV_MOVED_TO == (int)SB_EV_MOVED_TO, "kind numbers");
_Static_assert(SB_BPF_EV_DENY == (int)SB_EV_DENY, "kind numbers");
_Static_assert(SB_BPF_NAME_MAX <= SB_NAME_MAX, "name bound");

/* ---- libbpf messages ------------------------------------------------- */

static bool log_verbose;
static _Thread_local char log_first[256];	/* first libbpf warning */
static _Thread_local char log_verifier[256];	/* last line of the last verifier log */

static void copy_line(char *dst, size_t len, const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		n--;
	if (n >= len)
		n = len - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* The verifier's reason: the last line of the log that is not its statistics. */
static void keep_verifier_line(const char *msg)
{
	const char *begin = strstr(msg, "-- BEGIN PROG LOAD LOG --");
	const char *end, *p, *line_end;

	if (!begin)
		return;
	begin = strchr(begin, '\n');
	if (!begin)
		return;
	begin++;
	end = strstr(begin, "-- END PROG LOAD LOG --");
	if (!end)
		end = begin + strlen(begin);
	line_end = end;
	while (line_end > begin) {
		/* [p, line_end) is the last line not yet looked at */
		const char *q = line_end;

		while (q > begin && q[-1] == '\n')
			q--;
		p = q;
		while (p > begin && p[-1] != '\n')
			p--;
		if (q > p && strncmp(p, "processed ", 10) != 0 &&
		    strncmp(p, "verification time", 17) != 0 &&
		    strncmp(p, "stack depth", 11) != 0) {
			copy_line(log_verifier, sizeof(log_verifier), p, (size_t)(q - p));
			return;
		}
		line_end = p;
	}
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	char small[512], *msg = small;
	va_list copy;
	int n;

	if (!fmt)
		return 0;
	if (log_verbose) {
		va_copy(copy, args);
		vfprintf(stderr, fmt, copy);
		va_end(copy);
	}
	if (level != LIBBPF_WARN)
		return 0;
	va_copy(copy, args);
	n = vsnprintf(small, sizeof(small), fmt, copy);
	va_end(copy);
	if (n < 0)
		return 0;
	if ((size_t)n >= sizeof(small)) {
		msg = malloc((size_t)n + 1);
		if (!msg)
			return 0;
		vsnprintf(msg, (size_t)n + 1, fmt, args);
	}
	if (strstr(msg, "-- BEGIN PROG LOAD LOG --"))
		keep_verifier_line(msg);
	else if (!log_first[0])
		copy_line(log_first, sizeof(log_first), msg, strlen(msg));
	if (msg != small)
		free(msg);
	return 0;
}

void sb_bpf_log_setup(bool verbose)
{
	log_verbose = verbose;
	log_first[0] = '\0';
	log_verifier[0] = '\0';
	libbpf_set_print(libbpf_print);
}

static const char *errno_name(int errnum)
{
	const char *s = strerrorname_np(errnum);

	return s ? s : "?";
}

void sb_bpf_error(char *err, size_t len, const char *what, int errnum)
{
	int n = snprintf(err, len, "%s: %s (%s)", what, strerror(errnum), errno_name(errnum));

	if (n >= 0 && (size_t)n < len && log_first[0])
		n += snprintf(err + n, len - (size_t)n, "; %s", log_first);
	if (n >= 0 && (size_t)n < len && log_verifier[0])
		snprintf(err + n, len - (size_t)n, "; verifier: %s", log_verifier);
}

/* ---- probe ------------------------------------------------------------ */

/* Is "bpf" in the active LSM list? 1 yes, 0 no (list in buf), -1 cannot tell. */
static int bpf_lsm_active(char *buf, size_t len)
{
	ssize_t n;
	char *tok, *save = NULL, copy[256];
	int fd = open("/sys/kernel/security/lsm", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(copy, sizeof(copy), "%s", buf);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (!strcmp(tok, "bpf"))
			return 1;
	return 0;
}

int sb_bpf_probe(enum sb_bpf_probe_kind kind, char *why, size_t len)
{
	/* r0 = 0; exit */
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	bool lsm = kind == SB_BPF_PROBE_LSM;
	const char *what = lsm ? "lsm/file_open" : "fentry/security_file_open";
	enum bpf_attach_type type = lsm ? BPF_LSM_MAC : BPF_TRACE_FENTRY;
	char log[4096] = "", step[128], lsms[256];
	int btf_id, fd, link, err;

	sb_bpf_log_setup(false);
	btf_id = libbpf_find_vmlinux_btf_id(lsm ? "file_open" : "security_file_open", type);
	if (btf_id < 0) {
		snprintf(step, sizeof(step), "finding %s in the kernel's BTF",
			 lsm ? "bpf_lsm_file_open" : "security_file_open");
		sb_bpf_error(why, len, step, -btf_id);
		return -1;
	}
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = type,
		    .attach_btf_id = (__u32)btf_id, .log_buf = log, .log_size = sizeof(log));
	fd = bpf_prog_load(lsm ? BPF_PROG_TYPE_LSM : BPF_PROG_TYPE_TRACING, "sb_probe", "GPL",
			   insns, sizeof(insns) / sizeof(insns[0]), &opts);
	if (fd < 0) {
		err = errno;
		snprintf(step, sizeof(step), "loading a minimal %s program", what);
		sb_bpf_error(why, len, step, err);
		if (log[0]) {
			size_t n = strlen(why);
			char *last = log + strlen(log);

			while (last > log && last[-1] == '\n')
				*--last = '\0';
			last = strrchr(log, '\n');
			snprintf(why + n, len - n, "; verifier: %s", last ? last + 1 : log);
		}
		return -1;
	}
	link = bpf_link_create(fd, 0, type, NULL);
	if (link < 0) {
		err = errno;
		close(fd);
		snprintf(step, sizeof(step), "attaching a minimal %s program", what);
		sb_bpf_error(why, len, step, err);
		return -1;
	}
	close(link);
	close(fd);
	if (lsm && bpf_lsm_active(lsms, sizeof(lsms)) == 0) {
		snprintf(why, len, "BPF LSM is not active: /sys/kernel/security/lsm is \"%s\" "
			 "(boot with lsm=%s,bpf)", lsms, lsms);
		return -1;
	}
	return 0;
}

int sb_bpf_strategy(const struct sb_backend *b, uint32_t *out, char *err, size_t len)
{
	static const uint32_t map[SB_STRAT__COUNT] = {
		[SB_STRAT_WALK] = SB_BPF_STRAT_WALK,
		[SB_STRAT_LOOP] = SB_BPF_STRAT_LOOP,
		[SB_STRAT_PASS] = SB_BPF_STRAT_PASS,
		[SB_STRAT_KFUNC] = SB_BPF_STRAT_KFUNC,
		[SB_STRAT_TAG] = SB_BPF_STRAT_TAG,
		[SB_STRAT_PREFIX] = SB_BPF_STRAT_PREFIX,
	};
	enum sb_strategy s = b->args.strategy;

	if ((unsigned int)s >= SB_STRAT__COUNT || !(b->ops->strategies & SB_BIT(s))) {
		snprintf(err, len, "strategy '%s' is not implemented by %s", sb_strategy_name(s),
			 b->ops->name);
		return -1;
	}
	*out = map[s];
	return 0;
}

/* ---- rule maps ---------------------------------------------------------- */

static struct bpf_map *find_map(struct bpf_object *obj, const char *name, char *err, size_t len)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);

	if (!m)
		snprintf(err, len, "BPF object '%s' has no map '%s' (built from bpf/subtree.h "
			 "and bpf/events.h?)", bpf_object__name(obj), name);
	return m;
}

/*
 * The kernel's key of a rule's directory: (i_ino, s_dev of its superblock),
 * s_dev from the mount it was resolved through (bench/mounts.h); without
 * that, st_dev re-encoded the kernel's way (MKDEV: major << 20 | minor),
 * which is s_dev on most filesystems.
 */
static void rule_key(const struct sb_rule *r, const struct sb_mounts *mounts,
		     struct sb_rt_slot *key)
{
	uint32_t maj = major(r->dev), min = minor(r->dev);

	sb_mounts_sdev(mounts, r->fd, "", &maj, &min);
	key->ino = (__u64)r->ino;
	key->dev = (__u32)(maj << 20 | (min & 0xfffff));
}

void sb_bpf_rules_free(struct sb_bpf_rules *t)
{
	free(t->keys);
	free(t->table);
	free(t->prefixes);
	t->keys = t->table = NULL;
	t->prefixes = NULL;
	t->n = 0;
}

_Static_assert(SB_PREFIX_CAP_MAX == SB_PREFIX_PATH_MAX - 1,
	       "bench/backend.h and bpf/subtree.h disagree on the longest prefix path");

/*
 * prefix: each rule's key, the s_dev of its sb_table key, then its path within
 * its filesystem and a '/'. A root whose path is longer than the cap
 * could never match: refused, as the fix is the user's.
 */
static int prefix_keys(struct sb_bpf_rules *t, const struct sb_mounts *mounts, char *err,
		       size_t len)
{
	char path[PATH_MAX], why[PATH_MAX + 128];

	t->prefixes = calloc(t->n ? t->n : 1, sizeof(*t->prefixes));
	if (!t->prefixes) {
		snprintf(err, len, "out of memory for %zu prefix keys", t->n);
		return -1;
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct sb_rule *r = &t->rules->v[i];
		struct sb_prefix_key *k = &t->prefixes[i];
		size_t n;

		if (sb_mounts_fs_path(mounts, r->fd, path, sizeof(path), why, sizeof(why))) {
			snprintf(err, len, "rule '%s': its path within its filesystem: %s", r->path, why);
			return -1;
		}
		n = strlen(path);
		if (n > t->prefix_cap) {
			snprintf(err, len, "rule '%s': its path within its filesystem ('%s') is %zu bytes, longer than the prefix cap of %u: raise --prefix-cap (at most %d) or use a root nearer the filesystem's root",
				 r->path, path, n, t->prefix_cap, SB_PREFIX_CAP_MAX);
			return -1;
		}
		if (n == 1)
			n = 0;	/* the filesystem's root: "/" is the slash after it */
		memcpy(k->path, path, n);
		k->path[n] = '/';
		k->dev = t->keys[i].dev;
		k->prefixlen = 32 + 8 * (__u32)(n + 1);
	}
	return 0;
}

int sb_bpf_rules_build(struct sb_bpf_rules *t, const struct sb_rules *rules, uint32_t strategy,
		       unsigned int prefix_cap, char *err, size_t len)
{
	struct sb_mounts mounts;
	int ret;

	/*
	 * Keys are (i_ino, s_dev): on btrfs every subvolume of a filesystem has
	 * the same s_dev and its own inode numbers, so a key matches objects of
	 * other subvolumes too. Refuse rather than report them.
	 */
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < rules->n; i++) {
		struct statfs sfs;

		if (!fstatfs(rules->v[i].fd, &sfs) && sfs.f_type == SB_BTRFS_SUPER_MAGIC) {
			snprintf(err, len, "rule '%s' is on btrfs, whose subvolumes share one s_dev and repeat inode numbers: a (s_dev, ino) key cannot tell them apart: Operation not supported (EOPNOTSUPP); the fix is a rule identity resolved in the kernel",
				 rules->v[i].path);
			return -1;
		}
	}
	memset(t, 0, sizeof(*t));
	t->strategy = strategy;
	t->rules = rules;
	t->n = rules->n;
	t->keys = calloc(rules->n ? rules->n : 1, sizeof(*t->keys));
	if (!t->keys) {
		snprintf(err, len, "out of memory for %zu rule keys", rules->n);
		return -1;
	}
	sb_mounts_read(&mounts);
	for (size_t i = 0; i < rules->n; i++) {
		rule_key(&rules->v[i], &mounts, &t->keys[i]);
		t->keys[i].rule = (__u32)i;
	}
	t->prefix_cap = prefix_cap ? prefix_cap : SB_PREFIX_CAP_MAX;
	ret = strategy == SB_BPF_STRAT_PREFIX ? prefix_keys(t, &mounts, err, len) : 0;
	sb_mounts_free(&mounts);
	if (ret) {
		sb_bpf_rules_free(t);
		return ret;
	}

	/* The smallest table that keeps every key within SB_RT_MAX_PROBES of home. */
	for (t->bits = sb_rt_bits_for((__u32)rules->n); t->bits <= SB_RT_MAX_BITS; t->bits++) {
		size_t i;

		t->table = calloc((size_t)1 << t->bits, sizeof(*t->table));
		if (!t->table) {
			snprintf(err, len, "out of memory for a rule table of 2^%u slots", t->bits);
			sb_bpf_rules_free(t);
			return -1;
		}
		for (i = 0; i < rules->n; i++)
			if (sb_rt_insert(t->table, t->bits, t->keys[i].ino, t->keys[i].dev,
					 (__u32)i) < 0)
				break;
		if (i == rules->n)
			return 0;
		free(t->table);
		t->table = NULL;
	}
	snprintf(err, len, "no rule table of at most 2^%d slots holds these %zu rules",
		 SB_RT_MAX_BITS, rules->n);
	sb_bpf_rules_free(t);
	return -1;
}

static bool reads_table(const struct sb_bpf_rules *t)
{
	return t->strategy == SB_BPF_STRAT_WALK || t->strategy == SB_BPF_STRAT_KFUNC ||
	       t->strategy == SB_BPF_STRAT_TAG;
}

int sb_bpf_size_maps(struct bpf_object *obj, const struct sb_bpf_rules *t, bool ring,
		     char *err, size_t len)
{
	struct bpf_map *table = find_map(obj, "sb_table", err, len);
	struct bpf_map *list = table ? find_map(obj, "sb_rules", err, len) : NULL;
	__u32 nlist = t->strategy == SB_BPF_STRAT_LOOP && t->n ? (__u32)t->n : 1;
	struct bpf_map *m;
	int ret;

	if (!list)
		return -1;
	ret = bpf_map__set_max_entries(table, 1u << (reads_table(t) ? t->bits : SB_RT_MIN_BITS));
	ret = ret ?: bpf_map__set_max_entries(list, nlist);
	if (ret) {
		sb_bpf_error(err, len, "sizing the rule maps", -ret);
		return -1;
	}
	/*
	 * Programs without a ring buffer (the struct_ops filter) have no
	 * sb_events. Test hook tiny-ring: one page, so that a paused consumer
	 * makes the programs drop records (counted in ring_drops).
	 */
	if ((!ring || sb_fault("tiny-ring")) && (m = bpf_object__find_map_by_name(obj, "sb_events"))) {
		ret = bpf_map__set_max_entries(m, (__u32)sysconf(_SC_PAGESIZE));
		if (ret) {
			sb_bpf_error(err, len, "sizing the ring buffer", -ret);
			return -1;
		}
	}
	/*
	 * Only tag uses inode storage: for the others the map is not made (its
	 * code is dead for the verifier), so they load where it cannot be.
	 */
	if (t->strategy != SB_BPF_STRAT_TAG && (m = bpf_object__find_map_by_name(obj, "sb_tags")) &&
	    (ret = bpf_map__set_autocreate(m, false))) {
		sb_bpf_error(err, len, "leaving out the tag map", -ret);
		return -1;
	}
	/* The same for prefix's trie and buffer; prefix sizes the trie to the rules. */
	for (int i = 0; i < 2; i++) {
		const char *name = i ? "sb_prefix_scratch" : "sb_prefixes";

		m = bpf_object__find_map_by_name(obj, name);
		if (!m)
			continue;
		if (t->strategy != SB_BPF_STRAT_PREFIX)
			ret = bpf_map__set_autocreate(m, false);
		else
			ret = i ? 0 : bpf_map__set_max_entries(m, t->n ? (__u32)t->n : 1);
		if (ret) {
			sb_bpf_error(err, len, t->strategy != SB_BPF_STRAT_PREFIX ?
				     "leaving out the prefix maps" : "sizing the prefix trie", -ret);
			return -1;
		}
	}
	return 0;
}

/*
 * tag: each root's tag, keyed by its directory fd (an inode storage map
 * takes an fd from user space): valid whatever moves, while the rule
 * generation is 0, which it stays, as a run never changes its rules.
 */
static int fill_root_tags(struct bpf_object *obj, const struct sb_bpf_rules *t,
			  char *err, size_t len)
{
	struct bpf_map *tags = find_map(obj, "sb_tags", err, len);
	char what[PATH_MAX + 64];

	if (!tags)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		struct sb_tag tag = { .word = sb_tag_word(SB_TAG_ROOT, 0, 1) };
		int fd = t->rules->v[i].fd;
		int ret = bpf_map__update_elem(tags, &fd, sizeof(fd), &tag, sizeof(tag), BPF_ANY);

		if (ret) {
			snprintf(what, sizeof(what), "tagging the rule root '%s' (inode storage)",
				 t->rules->v[i].path);
			sb_bpf_error(err, len, what, -ret);
			return -1;
		}
	}
	return 0;
}

int sb_bpf_fill_rules(struct bpf_object *obj, const struct sb_bpf_rules *t,
		      char *err, size_t len)
{
	struct bpf_map *table = find_map(obj, "sb_table", err, len);
	struct bpf_map *list = table ? find_map(obj, "sb_rules", err, len) : NULL;
	char what[128];
	int ret = 0;

	if (!list)
		return -1;
	if (t->strategy == SB_BPF_STRAT_LOOP)
		for (__u32 i = 0; i < t->n && !ret; i++)
			ret = bpf_map__update_elem(list, &i, sizeof(i), &t->keys[i],
						   sizeof(t->keys[i]), BPF_ANY);
	/* The array starts zeroed, which is empty: write the used slots only. */
	if (reads_table(t))
		for (__u32 i = 0; i < 1u << t->bits && !ret; i++)
			if (t->table[i].dev)
				ret = bpf_map__update_elem(table, &i, sizeof(i), &t->table[i],
							   sizeof(t->table[i]), BPF_ANY);
	if (t->strategy == SB_BPF_STRAT_PREFIX) {
		struct bpf_map *trie = find_map(obj, "sb_prefixes", err, len);

		if (!trie)
			return -1;
		for (__u32 i = 0; i < t->n && !ret; i++)
			ret = bpf_map__update_elem(trie, &t->prefixes[i], sizeof(t->prefixes[i]),
						   &i, sizeof(i), BPF_ANY);
	}
	if (ret) {
		snprintf(what, sizeof(what), "writing %zu rules to the BPF maps", t->n);
		sb_bpf_error(err, len, what, -ret);
		return -1;
	}
	return t->strategy == SB_BPF_STRAT_TAG ? fill_root_tags(obj, t, err, len) : 0;
}

/* ---- run: stats, ring buffer ------------------------------------------ */

static int on_event(void *ctx, void *data, size_t size)
{
	struct sb_bpf_run *r = ctx;
	const struct sb_bpf_event *e = data;
	struct sb_event ev;

	if (size < sizeof(*e) || e->kind > SB_BPF_EV_DENY)
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.kind = (enum sb_kind)e->kind;
	ev.pid = (int32_t)e->pid;
	ev.dev_major = e->dev >> 20;
	ev.dev_minor = e->dev & 0xfffff;
	ev.ino = e->ino;
	ev.count = 1;
	memcpy(ev.name, e->name, sizeof(e->name));
	ev.name[sizeof(e->name) - 1] = '\0';
	ev.path = NULL;
	r->b->args.sink->deliver(r->b->args.sink, &ev);
	r->delivered++;
	return 0;
}

/* The sum over CPUs of sb_stats[idx]. */
static int read_stat(struct sb_bpf_run *r, __u32 idx, uint64_t *out)
{
	__u64 *vals;
	int ret;

	*out = 0;
	if (r->sb_stats_fd < 0 || r->ncpus <= 0)
		return 0;
	vals = calloc((size_t)r->ncpus, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	ret = bpf_map_lookup_elem(r->sb_stats_fd, &idx, vals);
	if (ret)
		ret = -errno;
	else
		for (int i = 0; i < r->ncpus; i++)
			*out += vals[i];
	free(vals);
	return ret;
}

int sb_bpf_start(struct sb_bpf_run *r, struct bpf_object *obj, struct sb_backend *b,
		 bool ring)
{
	struct bpf_map *events, *stats;
	int err;

	memset(r, 0, sizeof(*r));
	r->obj = obj;
	r->b = b;
	r->sb_stats_fd = -1;
	r->stats_fd = -1;
	/* Two clock reads per program run: only where the figures are not timed. */
	if (b->args.counting) {
		r->stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
		if (r->stats_fd < 0) {
			r->stats_errno = errno;
			r->stats_fd = -1;
		}
	}
	stats = find_map(obj, "sb_stats", b->err, sizeof(b->err));
	if (!stats)
		goto fail;
	r->ncpus = libbpf_num_possible_cpus();
	if (r->ncpus <= 0) {
		sb_bpf_error(b->err, sizeof(b->err), "counting possible CPUs", -r->ncpus);
		goto fail;
	}
	r->sb_stats_fd = bpf_map__fd(stats);
	if (!ring)
		return 0;
	events = find_map(obj, "sb_events", b->err, sizeof(b->err));
	if (!events)
		goto fail;
	r->rb = ring_buffer__new(bpf_map__fd(events), on_event, r, NULL);
	if (!r->rb) {
		err = errno;
		sb_bpf_error(b->err, sizeof(b->err), "opening the BPF ring buffer", err);
		goto fail;
	}
	return 0;
fail:
	sb_bpf_stop(r);
	return -1;
}

int sb_bpf_consume(struct sb_bpf_run *r, int timeout_ms)
{
	uint64_t drops;
	int ret;

	if (!r->rb) {
		/* deny mode: the kernel decides, nothing is sent */
		if (timeout_ms > 0)
			poll(NULL, 0, timeout_ms);
		return 0;
	}
	r->delivered = 0;
	ret = ring_buffer__poll(r->rb, timeout_ms);
	if (ret < 0 && ret != -EINTR) {
		sb_bpf_error(r->b->err, sizeof(r->b->err), "polling the BPF ring buffer", -ret);
		return -1;
	}
	ret = read_stat(r, SB_STAT_RING_DROPS, &drops);
	if (ret) {
		sb_bpf_error(r->b->err, sizeof(r->b->err), "reading the ring buffer drop count",
			     -ret);
		return -1;
	}
	if (drops > r->drops_reported) {
		struct sb_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.kind = SB_EV_OVERFLOW;
		ev.pid = -1;
		ev.count = drops - r->drops_reported;
		r->drops_reported = drops;
		r->b->args.sink->deliver(r->b->args.sink, &ev);
		r->delivered++;
	}
	return r->delivered;
}

void sb_bpf_counters(struct sb_bpf_run *r, json_t *out)
{
	static const struct {
		__u32 idx;
		const char *name;
	} stats[] = {
		{ SB_STAT_RACED, "bpf_raced" },
		{ SB_STAT_UNDECIDED, "bpf_undecided" },
		{ SB_STAT_RING_DROPS, "ring_drops" },
		{ SB_STAT_TOO_LONG, "prefix_too_long" },
	};
	unsigned long long run_cnt = 0, run_time_ns = 0;
	struct bpf_program *p;
	uint64_t v;

	if (!r->obj)
		return;
	for (size_t i = 0; i < sizeof(stats) / sizeof(stats[0]); i++) {
		if (stats[i].idx == SB_STAT_RING_DROPS && !r->rb)
			continue;
		if (stats[i].idx == SB_STAT_TOO_LONG && r->b->args.strategy != SB_STRAT_PREFIX)
			continue;
		if (!read_stat(r, stats[i].idx, &v))
			json_object_set_new(out, stats[i].name, json_integer((json_int_t)v));
	}
	if (!r->b->args.counting)
		return;
	if (r->stats_fd < 0) {
		json_object_set_new(out, "bpf_run_cnt", json_string("unsupported"));
		json_object_set_new(out, "bpf_run_time_ns", json_string("unsupported"));
		return;
	}
	bpf_object__for_each_program(p, r->obj) {
		struct bpf_prog_info info;
		__u32 info_len = sizeof(info);
		int fd = bpf_program__fd(p);

		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(fd, &info, &info_len))
			continue;
		run_cnt += info.run_cnt;
		run_time_ns += info.run_time_ns;
	}
	json_object_set_new(out, "bpf_run_cnt", json_integer((json_int_t)run_cnt));
	json_object_set_new(out, "bpf_run_time_ns", json_integer((json_int_t)run_time_ns));
}

void sb_bpf_stop(struct sb_bpf_run *r)
{
	if (r->rb) {
		ring_buffer__free(r->rb);
		r->rb = NULL;
	}
	if (r->stats_fd >= 0) {
		close(r->stats_fd);
		r->stats_fd = -1;
	}
	r->sb_stats_fd = -1;
	r->obj = NULL;
}
