/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the bpf-lsm and bpf-fentry programs send to user space: one record per
 * in-scope event on a BPF ring buffer (sb_events); the records it had no room
 * for are counted in sb_stats[SB_STAT_RING_DROPS] (subtree.h). Shared by the
 * BPF programs and bench/bpf_common.c; the BPF half (the maps, sb_emit() and the
 * per-hook notify decisions) is compiled only for the BPF target and needs
 * subtree.h included first.
 */
#ifndef SB_BPF_EVENTS_H
#define SB_BPF_EVENTS_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/* Same values as enum sb_kind (bench/event.h); bpf_common.c checks. */
enum sb_bpf_kind {
	SB_BPF_EV_OPEN = 0,
	SB_BPF_EV_CREATE = 1,
	SB_BPF_EV_DELETE = 2,
	SB_BPF_EV_MOVED_FROM = 3,
	SB_BPF_EV_MOVED_TO = 4,
	SB_BPF_EV_DENY = 5,
};

/* Bounded copy of d_name: the same bound as SB_NAME_MAX (bench/event.h). */
#define SB_BPF_NAME_MAX 256

/* Default ring buffer size (a power of two, multiple of the page size). */
#define SB_BPF_RINGBUF_BYTES (8u << 20)

struct sb_bpf_event {
	__u32 kind;		/* enum sb_bpf_kind */
	__u32 pid;		/* thread id */
	__u32 dev;		/* kernel dev_t: major = dev >> 20, minor = dev & 0xfffff */
	__u32 pad;
	__u64 ino;		/* 0 when the object does not exist yet (CREATE) */
	char name[SB_BPF_NAME_MAX];	/* NUL-terminated, truncated */
};

#ifdef __bpf__

/* false with fid reporting (set before load): records carry dev and ino, no name. */
const volatile bool sb_emit_names = true;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SB_BPF_RINGBUF_BYTES);
} sb_events SEC(".maps");

/*
 * Send one event about the object `obj` (its name and, when inode is not
 * NULL, its inode number). A full ring buffer counts a drop instead.
 */
static __always_inline void sb_emit(__u32 kind, struct dentry *obj, struct inode *inode)
{
	struct sb_bpf_event *ev;

	ev = bpf_ringbuf_reserve(&sb_events, sizeof(*ev), 0);
	if (!ev) {
		sb_stat_inc(SB_STAT_RING_DROPS);
		return;
	}
	ev->kind = kind;
	ev->pid = (__u32)bpf_get_current_pid_tgid();
	ev->dev = obj->d_sb->s_dev;
	ev->pad = 0;
	ev->ino = inode ? inode->i_ino : 0;
	/* fid reporting: an object with an inode is known by it, as fanotify's fid. */
	if (!sb_emit_names && inode)
		ev->name[0] = '\0';
	else if (bpf_probe_read_kernel_str(ev->name, sizeof(ev->name), obj->d_name.name) < 0)
		ev->name[0] = '\0';
	bpf_ringbuf_submit(ev, 0);
}

/*
 * The notify-mode decisions both programs make, one per hook. Each runs
 * before the operation (LSM hook time): an operation that fails later (an
 * error after the hook, another LSM's veto) was still reported.
 */
/* Any open of a non-directory that is in scope (O_PATH opens never get here). */
static __always_inline void sb_notify_open(struct file *file)
{
	struct inode *inode = file->f_inode;
	struct dentry *d = file->f_path.dentry;

	if (!inode || (inode->i_mode & SB_S_IFMT) == SB_S_IFDIR)
		return;
	if (sb_dentry_in_scope(d))
		sb_emit(SB_BPF_EV_OPEN, d, inode);
}

/* A new name (file, directory, node, symlink, hard link) in an in-scope directory. */
static __always_inline void sb_notify_create(struct dentry *dentry)
{
	if (sb_parent_in_scope(dentry))
		sb_emit(SB_BPF_EV_CREATE, dentry, NULL);
}

/* unlink or rmdir of a name in an in-scope directory. */
static __always_inline void sb_notify_delete(struct dentry *dentry)
{
	if (sb_parent_in_scope(dentry))
		sb_emit(SB_BPF_EV_DELETE, dentry, dentry->d_inode);
}

/* old_dentry moves to new_dentry's place: each side is checked on its own. */
static __always_inline void sb_notify_rename(struct dentry *old_dentry, struct dentry *new_dentry)
{
	struct inode *inode = old_dentry->d_inode;

	if (sb_parent_in_scope(old_dentry))
		sb_emit(SB_BPF_EV_MOVED_FROM, old_dentry, inode);
	if (sb_parent_in_scope(new_dentry))
		sb_emit(SB_BPF_EV_MOVED_TO, new_dentry, inode);
}

#endif /* __bpf__ */

#endif
