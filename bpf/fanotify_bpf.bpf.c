// SPDX-License-Identifier: GPL-2.0
/*
 * fanotify-bpf: the sub-tree filter as a fanotify filter BPF struct_ops
 * (kernel/patches/0002: struct fanotify_filter_ops as a struct_ops type).
 *
 * Attaching the struct_ops map (bpf_map__attach_struct_ops) registers a
 * filter named "subtree_bpf"; a fanotify group then attaches it with
 * FAN_IOC_ADD_FILTER by that name and init_args_size 0, exactly as it would
 * the "subtree" kernel module.  The filter runs only for events the group's
 * marks matched (not for every file operation on the machine, as BPF LSM and
 * fentry programs do).
 *
 * Strategies (sb_strategy):
 *   walk, loop  subtree.h, walked in BPF.
 *   kfunc       the same rule table (sb_table), walked in C by the series'
 *               bpf_fanotify_subtree_rule(): BPF dispatch without BPF-coded
 *               walking.
 *   tag         subtree.h's verdict per directory in inode storage, the
 *               walk when missing or stale; a directory made or moved in
 *               (FS_CREATE|FS_MOVED_TO with FS_ISDIR, when the group's mask
 *               has them) inherits its parent's tag.
 *   pass        no scope at all: every event goes on to user space and every
 *               permission event is allowed here, with no round trip. The
 *               cost of the plumbing alone, a reference; not a filter.
 * Directory entry events (create, delete, move) are in scope when their
 * directory is, other events (open) when their object is; the kfuncs hand
 * out those dentries, held by the event's caller, with acquire/release
 * semantics that cost nothing at run time. FS_RENAME (FAN_RENAME) names
 * both sides: in scope when its old directory is or when the moved object
 * is at its new place (the module's rename policy, kmod/fanotify_subtree.c).
 *
 * Verdicts: in scope (or undecided, see subtree.h) ->
 * FAN_FILTER_RET_SEND_TO_USERSPACE, else SKIP; with fb_deny, a permission
 * event (FAN_OPEN_PERM) in scope -> -EPERM, decided here with no round trip
 * to user space.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

/* struct_ops filters have inode storage with the series and BPF LSM: tag */
#define SB_WITH_TAGS
#include "subtree.h"

char LICENSE[] SEC("license") = "GPL";

#define EPERM	1
#define ENOENT	2

/* include/linux/fsnotify_backend.h (macros: not in BTF) */
#define FB_FS_MOVED_FROM	0x00000040
#define FB_FS_MOVED_TO		0x00000080
#define FB_FS_CREATE		0x00000100
#define FB_FS_DELETE		0x00000200
#define FB_FS_OPEN_PERM		0x00010000
#define FB_FS_ACCESS_PERM	0x00020000
#define FB_FS_OPEN_EXEC_PERM	0x00040000
#define FB_FS_RENAME		0x10000000
#define FB_FS_ISDIR		0x40000000

#define FB_DIRENT_EVENTS	(FB_FS_CREATE | FB_FS_DELETE | FB_FS_MOVED_FROM | \
				 FB_FS_MOVED_TO | FB_FS_RENAME)
#define FB_PERM_EVENTS		(FB_FS_OPEN_PERM | FB_FS_ACCESS_PERM | \
				 FB_FS_OPEN_EXEC_PERM)

/* uapi enum (FAN_FILTER_RET_*) */
#define FB_SKIP_EVENT		0
#define FB_SEND_TO_USERSPACE	1

/* FAN_FILTER_F_SYS_ADMIN_ONLY */
#define FB_F_SYS_ADMIN_ONLY	1

const volatile bool fb_deny = false;

extern struct dentry *bpf_fanotify_data_dentry(struct fanotify_filter_event *event) __ksym;
extern struct dentry *bpf_fanotify_dir_dentry(struct fanotify_filter_event *event) __ksym;
extern void bpf_fanotify_dput(struct dentry *dentry) __ksym;
/* Weak: a kernel without it still loads the other strategies. */
extern int bpf_fanotify_subtree_rule(struct dentry *dentry, void *rules__map) __ksym __weak;

/* The kfunc's table is sb_table itself: the same slots, hash and probing. */
#define FB_SAME_FIELD(f) (__builtin_offsetof(struct bpf_fanotify_rule_slot, f) == \
			  __builtin_offsetof(struct sb_rt_slot, f))
_Static_assert(sizeof(struct bpf_fanotify_rule_slot) == sizeof(struct sb_rt_slot) &&
	       FB_SAME_FIELD(ino) && FB_SAME_FIELD(dev) && FB_SAME_FIELD(rule),
	       "the kfunc's slot layout is bench/rule_table.h's");

/* kfunc: the kfunc's verdict in subtree.h's terms. */
static __always_inline int fb_kfunc_scope(struct dentry *d)
{
	int ret;

	/* Not reached: user space refuses kfunc on such a kernel. */
	if (!bpf_fanotify_subtree_rule)	/* bpf_ksym_exists(), which this libbpf lacks */
		return SB_UNDECIDED;
	ret = bpf_fanotify_subtree_rule(d, &sb_table);
	if (ret >= 0)
		return ret;
	if (ret == -ENOENT)
		return SB_OUT;
	/* -EAGAIN: raced with renames twice; -EINVAL cannot happen with sb_table */
	sb_stat_inc(SB_STAT_UNDECIDED);
	return SB_UNDECIDED;
}

/* The verdict on one dentry, by sb_strategy. */
static __always_inline int fb_scope(struct dentry *d)
{
	if (sb_strategy == SB_BPF_STRAT_KFUNC)
		return fb_kfunc_scope(d);
	if (sb_strategy == SB_BPF_STRAT_TAG)
		return sb_tag_scope(d);
	return sb_dentry_scope(d);
}

/* tag: the new directory of a create or move event, tagged like its parent */
static __always_inline void fb_tag_new_dir(struct fanotify_filter_event *event)
{
	struct dentry *d = bpf_fanotify_data_dentry(event);

	if (d) {
		sb_tag_new_dir(d, d->d_inode);
		bpf_fanotify_dput(d);
	}
}

SEC("struct_ops/filter")
int BPF_PROG(fb_filter, struct fsnotify_group *group,
	     struct fanotify_filter_hook *hook,
	     struct fanotify_filter_event *event)
{
	__u32 mask = event->mask;
	bool perm = mask & FB_PERM_EVENTS;
	struct dentry *d;
	int scope;

	if (sb_strategy == SB_BPF_STRAT_PASS)
		return perm ? FB_SKIP_EVENT : FB_SEND_TO_USERSPACE;
	if (mask & FB_DIRENT_EVENTS)
		d = bpf_fanotify_dir_dentry(event);
	else
		d = bpf_fanotify_data_dentry(event);
	if (!d)	/* nothing to walk: undecided, so deny mode fails closed */
		return fb_deny && perm ? -EPERM : FB_SKIP_EVENT;
	scope = fb_scope(d);
	bpf_fanotify_dput(d);
	/* tag: a directory made or moved in inherits the tag just checked */
	if (sb_strategy == SB_BPF_STRAT_TAG && (mask & FB_FS_ISDIR) &&
	    (mask & (FB_FS_CREATE | FB_FS_MOVED_TO)))
		fb_tag_new_dir(event);
	/* FS_RENAME: the moved object, already in its new directory */
	if (scope == SB_OUT && (mask & FB_FS_RENAME)) {
		d = bpf_fanotify_data_dentry(event);
		if (d) {
			scope = fb_scope(d);
			bpf_fanotify_dput(d);
		}
	}

	if (scope == SB_OUT)
		return FB_SKIP_EVENT;
	return fb_deny && perm ? -EPERM : FB_SEND_TO_USERSPACE;
}

SEC(".struct_ops")
struct fanotify_filter_ops subtree_bpf = {
	.filter = (void *)fb_filter,
	.name = "subtree_bpf",
	.flags = FB_F_SYS_ADMIN_ONLY,
};
