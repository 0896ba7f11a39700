/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sub-tree scope: the rule maps and the verdict logic that every BPF filter of
 * subtree-bench shares (bpf_lsm.bpf.c, bpf_fentry.bpf.c, fanotify_bpf.bpf.c).
 * Nothing here depends on the program type: the functions take a struct
 * dentry * or struct inode * (trusted, untrusted or read-only cast) and use
 * only bpf_loop, map lookups, direct BTF loads and bpf_rdonly_cast, which
 * tracing, LSM and struct_ops programs all have.
 *
 * An object is in scope when it is a root or lies below one in the dentry
 * tree at the time of the event. Roots are (dev, ino) pairs: dev is the
 * kernel's s_dev (major << 20 | minor), ino the inode number. The walk stays
 * inside one superblock (d_parent stops at the filesystem's root), so an
 * object on a filesystem mounted inside a sub-tree is not in scope (the
 * fanotify filter RFC has the same limit). Walking d_parent takes neither
 * rename_lock nor RCU: loads through BTF pointers cannot fault, but an event
 * racing with a rename of one of its ancestors may get either verdict (no
 * rename_lock seqcount retry, unlike is_subdir()).
 *
 * User space (bench/bpf_common.c) fills the maps before attach and sets the
 * rodata: sb_strategy, sb_nr_rules. Include this after vmlinux.h,
 * bpf_helpers.h and bpf_core_read.h. Outside BPF only the shared types and
 * constants are visible.
 *
 * Strategies (the same names in every backend):
 *   walk  ascend d_parent from the object, looking every ancestor up in the
 *         sb_roots hash: O(depth).
 *   loop  for each of the sb_nr_rules rules in sb_rules, an is_subdir()-style
 *         ancestor walk comparing each ancestor with that rule: O(R x depth),
 *         the naive filter. A rule on another filesystem is skipped without
 *         a walk (is_subdir() would walk and fail).
 * Both use bpf_loop, so the verifier's cost does not grow with the depth
 * (SB_MAX_DEPTH) or the number of rules.
 */
#ifndef SB_BPF_SUBTREE_H
#define SB_BPF_SUBTREE_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/* Map sizes in the object; user space resizes both to the rule count. */
#define SB_MAX_RULES 16384
/* Ancestors visited before giving up (out of scope); depth 256 is the sweep's top. */
#define SB_MAX_DEPTH 4096

/* Values of sb_strategy. */
#define SB_BPF_STRAT_WALK 0
#define SB_BPF_STRAT_LOOP 1

/* Key of sb_roots, value of sb_rules. pad must be zero. */
struct sb_root_key {
	__u64 ino;
	__u32 dev;
	__u32 pad;
};

#ifdef __bpf__

const volatile __u32 sb_strategy = SB_BPF_STRAT_WALK;
const volatile __u32 sb_nr_rules = 0;

/* walk: every root, value = its index in the rule set. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SB_MAX_RULES);
	__type(key, struct sb_root_key);
	__type(value, __u32);
} sb_roots SEC(".maps");

/* loop: rule i at index i, i < sb_nr_rules. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SB_MAX_RULES);
	__type(key, __u32);
	__type(value, struct sb_root_key);
} sb_rules SEC(".maps");

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

/*
 * A dentry pointer kept as a number in a bpf_loop context, back as a
 * read-only BTF pointer (the verifier turns the kfunc into a register move).
 */
static __always_inline struct dentry *sb_dentry_of(__u64 p)
{
	return bpf_rdonly_cast((void *)p, bpf_core_type_id_kernel(struct dentry));
}

struct sb_walk_ctx {
	__u64 d;		/* the dentry being looked at */
	__u64 start;		/* loop: where each rule's walk starts */
	struct sb_root_key key;	/* walk: dev fixed, ino per ancestor; loop: the rule */
	__u32 hit;
	__u32 pad;
};

/* walk: is this ancestor a root? Then stop; else go up one level. */
static int sb_walk_step(__u32 i, void *arg)
{
	struct sb_walk_ctx *c = arg;
	struct dentry *d = sb_dentry_of(c->d);
	struct dentry *parent;
	struct inode *inode;

	inode = d->d_inode;
	if (!inode)
		return 1;
	c->key.ino = inode->i_ino;
	if (bpf_map_lookup_elem(&sb_roots, &c->key)) {
		c->hit = 1;
		return 1;
	}
	parent = d->d_parent;
	if (!parent || parent == d)
		return 1;	/* the filesystem's root */
	c->d = (__u64)parent;
	return 0;
}

/* loop: is this ancestor the current rule's root (c->key.ino)? */
static int sb_subdir_step(__u32 i, void *arg)
{
	struct sb_walk_ctx *c = arg;
	struct dentry *d = sb_dentry_of(c->d);
	struct dentry *parent;
	struct inode *inode;

	inode = d->d_inode;
	if (!inode)
		return 1;
	if (inode->i_ino == c->key.ino) {
		c->hit = 1;
		return 1;
	}
	parent = d->d_parent;
	if (!parent || parent == d)
		return 1;
	c->d = (__u64)parent;
	return 0;
}

/* loop: one rule. */
static int sb_rule_step(__u32 i, void *arg)
{
	struct sb_walk_ctx *c = arg;
	struct sb_root_key *rule;

	rule = bpf_map_lookup_elem(&sb_rules, &i);
	if (!rule)
		return 1;
	if (rule->dev != c->key.dev)
		return 0;
	c->key.ino = rule->ino;
	c->d = c->start;
	bpf_loop(SB_MAX_DEPTH, sb_subdir_step, c, 0);
	return c->hit ? 1 : 0;
}

/*
 * NULL checks go through a barrier_var() copy: otherwise clang may fold the
 * caller's later uses of the same pointer on the NULL path into constant
 * addresses (48 for &d->d_inode), which the verifier rejects.
 */

/* Is d a root or below one? d may be NULL (not in scope). */
static __always_inline bool sb_dentry_in_scope(struct dentry *d)
{
	struct sb_walk_ctx c = {};

	barrier_var(d);
	if (!d)
		return false;
	c.d = (__u64)d;
	c.start = c.d;
	c.key.dev = d->d_sb->s_dev;
	if (sb_strategy == SB_BPF_STRAT_LOOP)
		bpf_loop(sb_nr_rules, sb_rule_step, &c, 0);
	else
		bpf_loop(SB_MAX_DEPTH, sb_walk_step, &c, 0);
	return c.hit;
}

/* Is the parent directory of d (a name being created, deleted, moved) in scope? */
static __always_inline bool sb_parent_in_scope(struct dentry *d)
{
	barrier_var(d);
	if (!d)
		return false;
	return sb_dentry_in_scope(d->d_parent);
}

/*
 * Is this inode in scope? For a directory, the answer for its only dentry
 * (the first alias); for a non-directory, for its first hard link.
 */
static __always_inline bool sb_inode_in_scope(struct inode *inode)
{
	struct hlist_node *first;

	barrier_var(inode);
	if (!inode)
		return false;
	first = inode->i_dentry.first;
	if (!first)
		return false;
	return sb_dentry_in_scope(sb_dentry_of((__u64)first -
					       bpf_core_field_offset(struct dentry, d_u.d_alias)));
}

#endif /* __bpf__ */

#endif
