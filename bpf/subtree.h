/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sub-tree scope: the rule maps and the verdict logic that every BPF filter of
 * subtree-bench shares (bpf_lsm.bpf.c, bpf_fentry.bpf.c, fanotify_bpf.bpf.c).
 * Nothing here depends on the program type: the functions take a struct
 * dentry * (trusted or not) and use only array map lookups, direct BTF loads,
 * bpf_rdonly_cast and an untyped ksym, which tracing, LSM and struct_ops
 * programs all have on a stock kernel (6.9 or later, for may_goto).
 *
 * An object is in scope when it is a root or lies below one in the dentry
 * tree at the time of the event. Roots are (i_ino, s_dev) pairs, s_dev in
 * the kernel's encoding (major << 20 | minor). The walk stays inside one
 * superblock (d_parent stops at the filesystem's root), so an object on a
 * filesystem mounted inside a sub-tree is not in scope (the fanotify filter
 * RFC has the same limit).
 *
 * Strategies (the same names in every backend):
 *   walk  ascend d_parent from the object, looking every ancestor up in
 *         sb_table, the rule table of bench/rule_table.h: O(depth).
 *   loop  for each rule in sb_rules, an is_subdir()-style ancestor walk
 *         comparing each ancestor with that rule: O(R x depth), the naive
 *         filter. A rule on another filesystem is skipped without a walk
 *         (is_subdir() would walk and fail).
 *   tag   a verdict cached per directory in inode storage, the walk when
 *         it is missing or stale (SB_WITH_TAGS: LSM and struct_ops only).
 *   prefix the object's path within its filesystem, built from the names
 *         up d_parent, matched against the rule paths in an LPM trie (what
 *         path-based BPF security tools do): O(path length), undecided past
 *         sb_prefix_cap bytes.
 * fanotify_bpf.bpf.c adds pass and kfunc.
 *
 * Renames: the walk reads d_parent (prefix d_name too) without locks (a
 * load through a BTF pointer that faults reads 0 instead), so it samples
 * rename_lock's sequence count before and after and walks once more if a
 * rename ran in between (every d_move() bumps it).
 * If the second walk raced too, the verdict is undecided: both modes treat
 * it as in scope (deny mode fails closed, notify mode sends the event), and
 * sb_stats counts it. The same policy as the module (kmod/) and the
 * bpf_fanotify_subtree_rule() kfunc; no lock is ever taken.
 *
 * User space (bench/bpf_common.c) sets the rodata (sb_strategy, sb_rt_bits,
 * sb_prefix_cap) and sizes the maps before load, and fills them after.
 * Include this after vmlinux.h, bpf_helpers.h and bpf_core_read.h. Outside
 * BPF only the shared constants and types are visible.
 */
#ifndef SB_BPF_SUBTREE_H
#define SB_BPF_SUBTREE_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#include "../bench/rule_table.h"

/* The size of sb_rules in the object; user space sets the rule count. */
#define SB_MAX_RULES 16384

/* Values of sb_strategy. */
#define SB_BPF_STRAT_WALK	0
#define SB_BPF_STRAT_LOOP	1
#define SB_BPF_STRAT_PASS	2	/* fanotify_bpf.bpf.c only */
#define SB_BPF_STRAT_KFUNC	3	/* fanotify_bpf.bpf.c only */
#define SB_BPF_STRAT_TAG	4	/* programs with inode storage: SB_WITH_TAGS */
#define SB_BPF_STRAT_PREFIX	5	/* bpf_lsm.bpf.c, bpf_fentry.bpf.c */

/*
 * A directory's tag (tag strategy, sb_tags): its verdict, valid while the
 * rule set is the one of its generation and no rename ran since its
 * sequence (rename_lock's, even); the sequence SB_TAG_ROOT (odd, so never
 * one a tag is computed at) marks a rule root, valid whatever moves. One
 * word, written and read whole, so that a CPU never sees half of another's
 * write: bits 32-63 the sequence, 2-31 the generation, 1 in scope, 0 set
 * (a word just created is 0: not a tag).
 */
#define SB_TAG_ROOT 1u
#define SB_TAG_SET 1ull
#define SB_TAG_IN 2ull
#define SB_TAG_GEN_MASK 0x3fffffffu
struct sb_tag {
	__u64 word;
};

static inline __u64 sb_tag_word(__u32 seq, __u32 gen, int in)
{
	return (__u64)seq << 32 | (__u64)(gen & SB_TAG_GEN_MASK) << 2 |
	       (in ? SB_TAG_IN : 0) | SB_TAG_SET;
}

/*
 * prefix (sb_prefixes): a rule is its root's path within its filesystem
 * with a '/' after it ("/chain0/" for a root at the filesystem's /chain0),
 * after the superblock's s_dev; an object matches when the same string of
 * its own path plus '/' has a rule as a prefix, so "/chain0x" does not match
 * "/chain0". An LPM trie key holds at most 256 bytes of data
 * (LPM_DATA_SIZE_MAX): 4 of s_dev, 252 of path and slash, so a path is at
 * most 251 bytes (sb_prefix_cap, which user space may set lower).
 */
#define SB_PREFIX_PATH_MAX 252
struct sb_prefix_key {
	__u32 prefixlen;	/* bits: 32 of dev, then 8 per byte of path */
	__u32 dev;
	char path[SB_PREFIX_PATH_MAX];
};

/* sb_stats, per CPU. Bumped on rare paths only: no cost per event. */
enum {
	SB_STAT_RACED,		/* walks that a rename raced with (each retried or undecided) */
	SB_STAT_UNDECIDED,	/* verdicts left undecided: raced twice, or out of budget */
	SB_STAT_RING_DROPS,	/* events the ring buffer had no room for (events.h) */
	SB_STAT_TOO_LONG,	/* prefix: paths longer than sb_prefix_cap (each undecided) */
	SB_STAT_NR,
};

#ifdef __bpf__

/* Results of a scope check: a rule index (>= 0) or one of these. */
#define SB_OUT		(-1)	/* in no sub-tree */
#define SB_UNDECIDED	(-2)	/* raced with renames twice, or may_goto's budget ran out */

const volatile __u32 sb_strategy = SB_BPF_STRAT_WALK;
/* sb_table has 2^sb_rt_bits slots. */
const volatile __u32 sb_rt_bits = SB_RT_MIN_BITS;

/* walk: the rule table (bench/rule_table.h), slot i at index i. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1u << SB_RT_MIN_BITS);
	__type(key, __u32);
	__type(value, struct sb_rt_slot);
} sb_table SEC(".maps");

/* loop: rule i at index i; a slot whose dev is 0 is empty. User space sizes it. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SB_MAX_RULES);
	__type(key, __u32);
	__type(value, struct sb_rt_slot);
} sb_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SB_STAT_NR);
	__type(key, __u32);
	__type(value, __u64);
} sb_stats SEC(".maps");

static __always_inline void sb_stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&sb_stats, &idx);

	if (v)
		*v += 1;
}

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

/*
 * rename_lock (fs/dcache.c, a seqlock_t whose first member is the
 * seqcount). pahole puts only per-CPU variables into BTF, so this is an
 * untyped ksym (its address from kallsyms) read through a read-only cast to
 * struct seqcount: one exception-guarded load. Works in every program type.
 */
extern const void rename_lock __ksym;

/*
 * The sequence, to be taken as raw_seqcount_begin() does (& ~1): an odd one
 * (a rename in progress) then fails the check after the walk. x86 does not
 * reorder loads with loads, which gives the walk's loads the order the
 * kernel's smp_rmb() would.
 */
static __always_inline __u32 sb_rename_seq(void)
{
	const struct seqcount *s = bpf_rdonly_cast(&rename_lock,
						   bpf_core_type_id_kernel(struct seqcount));

	return *(volatile const __u32 *)&s->sequence;
}

#if !defined(__TARGET_ARCH_x86)
#error "the walks rely on x86 not reordering loads (BPF has no read barrier in 6.12)"
#endif

/*
 * may_goto (6.9): a loop the verifier checks once per distinct state, not
 * once per iteration; the JIT keeps a per-program-run budget on the stack
 * (8M iterations). The raw encoding is for clang < 19, which has no
 * mnemonic for it.
 */
#define sb_can_loop							\
	({ __label__ l_break, l_continue;				\
	bool __ret = true;						\
	asm volatile goto("1:.byte 0xe5;				\
		      .byte 0;						\
		      .long ((%l[l_break] - 1b - 8) / 8) & 0xffff;	\
		      .short 0"						\
		      :::: l_break);					\
	goto l_continue;						\
	l_break: __ret = false;						\
	l_continue:;							\
	__ret;								\
	})

/*
 * The slot of (ino, dev) in sb_table, or NULL: sb_rt_lookup() of
 * bench/rule_table.h. The probes end at the slot SB_RT_MAX_PROBES past the
 * home slot (modulo the table: a table of fewer slots is probed once round)
 * rather than on a count, so that the verifier sees no counter to track
 * per iteration and checks the loop body a couple of times, not 32.
 */
static __always_inline const struct sb_rt_slot *sb_rt_find(__u64 ino, __u64 dev, __u32 bits)
{
	__u32 mask = (1u << bits) - 1;
	__u32 i = sb_rt_hash(ino, (__u32)dev, bits);
	__u32 stop = (i + SB_RT_MAX_PROBES) & mask;

	do {
		const struct sb_rt_slot *s = bpf_map_lookup_elem(&sb_table, &i);

		if (!s || !s->dev)
			return NULL;
		if (s->ino == ino && s->dev == dev)
			return s;
		i = (i + 1) & mask;
	} while (i != stop && sb_can_loop);
	return NULL;
}

/*
 * walk, once: the rule of the first ancestor of d (d included) in sb_table,
 * SB_OUT, or SB_UNDECIDED if may_goto's budget (8M iterations per program
 * run) ran out first. A plain loop under may_goto: measured in vm-icount
 * (deny mode, 10 rules, slope over depths 1-64) it costs 73 guest
 * instructions per ancestor, against 81 as a bpf_for() loop (an iterator
 * kfunc call per step) and 107 through bpf_loop() callbacks. A d_parent
 * load that faulted reads as NULL, and so does d_inode through it: the walk
 * ends there, out of scope.
 */
static __always_inline int sb_walk(struct dentry *d, __u32 dev)
{
	__u32 bits = sb_rt_bits;	/* volatile: read it once */

	while (sb_can_loop) {
		struct inode *inode = d->d_inode;
		struct dentry *parent;
		const struct sb_rt_slot *s;

		if (!inode)
			return SB_OUT;
		s = sb_rt_find(inode->i_ino, dev, bits);
		if (s)
			return (int)s->rule;
		parent = d->d_parent;
		if (parent == d)
			return SB_OUT;	/* the filesystem's root */
		d = parent;
	}
	return SB_UNDECIDED;
}

/*
 * loop, once: the first rule (in rule order) whose root is d or above it.
 * The loops end on a failed lookup (past max_entries) and at the
 * filesystem's root, never on a count the verifier knows: a known count
 * would make it check every iteration.
 */
static __always_inline int sb_loop(struct dentry *start, __u32 dev)
{
	for (__u32 r = 0; sb_can_loop; r++) {
		const struct sb_rt_slot *rule = bpf_map_lookup_elem(&sb_rules, &r);
		struct dentry *d = start;

		if (!rule)
			return SB_OUT;
		if (rule->dev != dev)
			continue;	/* another filesystem, or an empty slot */
		while (sb_can_loop) {
			struct inode *inode = d->d_inode;
			struct dentry *parent;

			if (!inode)
				break;
			if (inode->i_ino == rule->ino)
				return (int)r;
			parent = d->d_parent;
			if (parent == d)
				break;
			d = parent;
		}
	}
	return SB_UNDECIDED;
}

/*
 * prefix: the rule paths (struct sb_prefix_key) in an LPM trie that user
 * space sizes to the rule count, and a per-CPU buffer to build a path in.
 */
const volatile __u32 sb_prefix_cap = SB_PREFIX_PATH_MAX - 1;

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1);
	__type(key, struct sb_prefix_key);
	__type(value, __u32);
} sb_prefixes SEC(".maps");

/*
 * The path is built backwards, from its trailing '/' at SB_PREFIX_END - 1
 * down to its first byte at pos, and the key's prefixlen and dev are then
 * written just before it (pos - 8), so the key is looked up where it was
 * built, without a copy. The buffer extends a whole key past the largest
 * pos - 8, which the verifier checks for the lookup's read.
 */
#define SB_PREFIX_END (8 + SB_PREFIX_PATH_MAX)
struct sb_prefix_buf {
	char b[SB_PREFIX_END + sizeof(struct sb_prefix_key)];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sb_prefix_buf);
} sb_prefix_scratch SEC(".maps");

/*
 * Non-sleepable LSM and tracing programs run with migration disabled, not
 * preemption: another task on this CPU could build its path in the same
 * buffer in between. Weak (6.10 has them): a kernel without them loads the
 * other strategies, whose code does not call them.
 */
extern void bpf_preempt_disable(void) __ksym __weak;
extern void bpf_preempt_enable(void) __ksym __weak;

/*
 * prefix, once, with preemption disabled: d's path within its filesystem,
 * names copied from d_name up d_parent to the filesystem's root (the way
 * Tetragon and KubeArmor build paths in BPF; bpf_d_path() is allowed on
 * file_open but not on the hooks of file creation, so it cannot serve every
 * event), looked up in sb_prefixes. A path longer than sb_prefix_cap bytes
 * is SB_UNDECIDED (deny mode fails closed, notify mode sends the event),
 * counted in SB_STAT_TOO_LONG. Names are read without locks: a rename that
 * changes one bumps rename_lock, which the caller checks. The range checks
 * on pos and len never fail for a path that fits; they give the verifier
 * bounds for the stores and the lookup.
 */
static __always_inline int sb_prefix_locked(struct dentry *d, __u32 dev)
{
	__u32 zero = 0, floor = SB_PREFIX_END - 1 - sb_prefix_cap;
	struct sb_prefix_buf *buf = bpf_map_lookup_elem(&sb_prefix_scratch, &zero);
	__u64 pos = SB_PREFIX_END - 1;
	const __u32 *rule;

	if (!buf || floor < 8)
		return SB_UNDECIDED;
	buf->b[SB_PREFIX_END - 1] = '/';
	while (sb_can_loop) {
		struct dentry *parent = d->d_parent;
		__u64 len;

		if (!parent || parent == d)
			break;	/* the filesystem's root: the path is complete */
		len = d->d_name.len;
		if (len + 1 > pos - floor) {
			sb_stat_inc(SB_STAT_TOO_LONG);
			return SB_UNDECIDED;
		}
		if (len > SB_PREFIX_PATH_MAX)
			return SB_UNDECIDED;
		pos -= len;
		if (pos < 9 || pos > SB_PREFIX_END)
			return SB_UNDECIDED;
		if (bpf_probe_read_kernel(&buf->b[pos], len, d->d_name.name))
			return SB_UNDECIDED;
		pos--;
		buf->b[pos] = '/';
		d = parent;
	}
	if (pos < 8 || pos > SB_PREFIX_END - 1)
		return SB_UNDECIDED;
	*(__u32 *)&buf->b[pos - 8] = 32 + 8 * (__u32)(SB_PREFIX_END - pos);
	*(__u32 *)&buf->b[pos - 4] = dev;
	rule = bpf_map_lookup_elem(&sb_prefixes, &buf->b[pos - 8]);
	return rule ? (int)*rule : SB_OUT;
}

static __always_inline int sb_prefix(struct dentry *d, __u32 dev)
{
	int ret;

	bpf_preempt_disable();
	ret = sb_prefix_locked(d, dev);
	bpf_preempt_enable();
	return ret;
}

/*
 * The scope of d under the rename policy: a rule index, SB_OUT or
 * SB_UNDECIDED. d may be NULL (out of scope).
 *
 * The NULL check goes through a barrier_var() copy: otherwise clang may fold
 * the caller's later uses of the same pointer on the NULL path into constant
 * addresses (48 for &d->d_inode), which the verifier rejects.
 */
static __always_inline int sb_dentry_scope(struct dentry *d)
{
	__u32 dev, seq;
	int ret;

	barrier_var(d);
	if (!d)
		return SB_OUT;
	dev = d->d_sb->s_dev;
	for (int attempt = 0; attempt < 2; attempt++) {
		seq = sb_rename_seq() & ~1u;
		if (sb_strategy == SB_BPF_STRAT_LOOP)
			ret = sb_loop(d, dev);
		else if (sb_strategy == SB_BPF_STRAT_PREFIX)
			ret = sb_prefix(d, dev);
		else
			ret = sb_walk(d, dev);
		if (sb_rename_seq() == seq) {
			if (ret == SB_UNDECIDED)
				sb_stat_inc(SB_STAT_UNDECIDED);
			return ret;
		}
		sb_stat_inc(SB_STAT_RACED);
	}
	sb_stat_inc(SB_STAT_UNDECIDED);
	return SB_UNDECIDED;
}

#define SB_S_IFMT 00170000
#define SB_S_IFDIR 0040000

#ifdef SB_WITH_TAGS
/*
 * tag: a verdict cache per directory, in inode storage, so it lives and dies
 * with the inode: a deleted directory's tag goes with it, and an inode
 * number used again starts without one. A directory's tag holds its own
 * scope; an object asks its own tag if it is a directory, else its
 * parent's. A missing or stale tag (another rule generation, or a rename
 * since it was computed: every d_move() bumps rename_lock, so no move can
 * leave a stale tag valid) falls back to the walk, whose verdict is cached
 * unless a rename ran meanwhile. So correctness never depends on seeing a
 * mkdir: sb_tag_new_dir() only spares a new directory its first walk. User
 * space tags the rule roots (SB_TAG_ROOT) from their directory fds at attach,
 * and would bump sb_tag_gen with every change of the rules. Only program
 * types with inode storage (LSM; struct_ops with the series and BPF LSM)
 * define SB_WITH_TAGS.
 */
struct {
	__uint(type, BPF_MAP_TYPE_INODE_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sb_tag);
} sb_tags SEC(".maps");

/* The rule generation of valid tags (user space writes it). */
volatile __u32 sb_tag_gen;

/* Was the tag word @w computed under rule generation @gen? */
static __always_inline bool sb_tag_gen_is(__u64 w, __u32 gen)
{
	return ((w >> 2) & SB_TAG_GEN_MASK) == (gen & SB_TAG_GEN_MASK);
}

/* The tag's word, or 0 when it is not valid at (seq, gen). */
static __always_inline __u64 sb_tag_read(struct sb_tag *t, __u32 seq, __u32 gen)
{
	__u64 w;
	__u32 ws;

	if (!t)
		return 0;
	w = *(volatile __u64 *)&t->word;
	ws = w >> 32;
	if (!(w & SB_TAG_SET) || !sb_tag_gen_is(w, gen) ||
	    (ws != seq && ws != SB_TAG_ROOT))
		return 0;
	return w;
}

/* Write a verdict computed at (seq, gen), unless the tag is a valid root's. */
static __always_inline void sb_tag_write(struct sb_tag *t, __u32 seq, __u32 gen, int in)
{
	__u64 w = *(volatile __u64 *)&t->word;

	if ((w >> 32) == SB_TAG_ROOT && sb_tag_gen_is(w, gen))
		return;
	*(volatile __u64 *)&t->word = sb_tag_word(seq, gen, in);
}

/* The scope of a directory: its tag, or the walk, cached as its tag. */
static __always_inline int sb_tag_dir_scope(struct dentry *dir)
{
	struct inode *inode;
	struct sb_tag *t;
	__u32 seq, gen;
	__u64 w;
	int ret;

	barrier_var(dir);
	if (!dir)
		return SB_OUT;
	inode = dir->d_inode;
	if (!inode)
		return SB_OUT;
	gen = sb_tag_gen;
	seq = sb_rename_seq();
	t = bpf_inode_storage_get(&sb_tags, inode, 0, 0);
	w = sb_tag_read(t, seq, gen);
	if (w)
		return w & SB_TAG_IN ? 0 : SB_OUT;
	ret = sb_dentry_scope(dir);
	/* an odd sequence: a rename was in progress; a changed one: it ran */
	if (ret == SB_UNDECIDED || (seq & 1) || sb_rename_seq() != seq)
		return ret;
	if (!t)
		t = bpf_inode_storage_get(&sb_tags, inode, 0,
					  BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (t)
		sb_tag_write(t, seq, gen, ret != SB_OUT);
	return ret;
}

/*
 * Tags are not used where a directory can reappear elsewhere without a
 * d_move() (a filesystem that revalidates its dentries: NFS, FUSE, CIFS,
 * where a rename on the server invalidates the dentry and a later lookup
 * splices the cached inode in at its new place without bumping rename_lock).
 */
#define SB_DCACHE_OP_REVALIDATE (1u << 2)
#define SB_DCACHE_OP_WEAK_REVALIDATE (1u << 11)

static __always_inline bool sb_tag_usable(struct dentry *dir)
{
	return !(dir->d_flags & (SB_DCACHE_OP_REVALIDATE | SB_DCACHE_OP_WEAK_REVALIDATE));
}

/*
 * The scope of any object: a directory's own tag (the caller holds the
 * directory: an open file's, a locked parent, a dentry the kfuncs handed
 * out), else its parent's. A non-directory's parent is not held: a rename
 * and an rmdir could evict it under us, and storage created on an inode
 * being evicted would outlive it, so its tag is only read, never created,
 * and a miss walks from the object itself, uncached. The sequence is
 * sampled before d_parent is read and checked after the tag is: a tag read
 * for a parent the object has left since does not count.
 */
static __always_inline int sb_tag_scope(struct dentry *d)
{
	struct inode *inode, *pi;
	struct dentry *parent;
	__u32 seq, gen;
	__u64 w;

	barrier_var(d);
	if (!d)
		return SB_OUT;
	inode = d->d_inode;
	if (!inode)
		return SB_OUT;	/* as the walk: nothing to look up */
	if ((inode->i_mode & SB_S_IFMT) == SB_S_IFDIR)
		return sb_tag_usable(d) ? sb_tag_dir_scope(d) : sb_dentry_scope(d);
	gen = sb_tag_gen;
	seq = sb_rename_seq();
	parent = d->d_parent;
	pi = parent ? parent->d_inode : NULL;
	if (pi && sb_tag_usable(parent)) {
		w = sb_tag_read(bpf_inode_storage_get(&sb_tags, pi, 0, 0), seq, gen);
		if (w && sb_rename_seq() == seq)
			return w & SB_TAG_IN ? 0 : SB_OUT;
	}
	/* not a rule root (roots are directories): the walk from it decides */
	return sb_dentry_scope(d);
}

/*
 * A directory that gets its inode (made, or looked up again after its
 * dentry was evicted) inherits its parent's valid tag, unless it is a rule
 * root itself, which its walk finds in the table.
 */
static __always_inline void sb_tag_new_dir(struct dentry *d, struct inode *inode)
{
	struct dentry *parent;
	struct sb_tag *pt, *t;
	struct inode *pi;
	__u32 seq, gen;
	__u64 pw;

	barrier_var(d);
	if (!d || !inode || (inode->i_mode & SB_S_IFMT) != SB_S_IFDIR || !sb_tag_usable(d))
		return;
	parent = d->d_parent;
	if (!parent || parent == d)
		return;
	pi = parent->d_inode;
	if (!pi)
		return;
	gen = sb_tag_gen;
	seq = sb_rename_seq();
	pt = bpf_inode_storage_get(&sb_tags, pi, 0, 0);
	pw = sb_tag_read(pt, seq, gen);
	if ((seq & 1) || !pw)
		return;
	if (sb_rt_find(inode->i_ino, d->d_sb->s_dev, sb_rt_bits))
		return;
	t = bpf_inode_storage_get(&sb_tags, inode, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (t)
		sb_tag_write(t, seq, gen, pw & SB_TAG_IN);
}
#endif /* SB_WITH_TAGS */

/* Is d in scope, or undecided (which both modes treat as in scope)? */
static __always_inline bool sb_dentry_in_scope(struct dentry *d)
{
#ifdef SB_WITH_TAGS
	if (sb_strategy == SB_BPF_STRAT_TAG)
		return sb_tag_scope(d) != SB_OUT;
#endif
	return sb_dentry_scope(d) != SB_OUT;
}

/* Is the parent directory of d (a name being created, deleted, moved) in scope? */
static __always_inline bool sb_parent_in_scope(struct dentry *d)
{
	barrier_var(d);
	if (!d)
		return false;
	return sb_dentry_in_scope(d->d_parent);
}

#endif /* __bpf__ */

#endif
