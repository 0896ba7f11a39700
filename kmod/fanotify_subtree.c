// SPDX-License-Identifier: GPL-2.0
/*
 * fanotify_subtree: the "subtree" fanotify in-kernel filter.
 *
 * Decides whether an event lies in one of R directory sub-trees ("rules").
 * The ABI (init args, FAN_IOC_FILTER_CTL commands) is bench/fanotify_filter.h.
 *
 * A rule is kept as the key (s_dev, i_ino) of its directory and nothing else:
 * the filter pins no mount and holds no dentry or inode, so it never gets in
 * the way of umount (a rule on an unmounted filesystem just never matches,
 * unless the device number and inode number are reused; remove it).  s_dev is
 * the kernel's dev_t (MKDEV(): major << 20 | minor), as the BPF filter reads
 * it from the superblock; user space passes st_dev, which is converted once.
 *
 * The rules: one immutable struct subtree_rules, the keys in the order they
 * were added (the loop strategy scans them) and the rule table of
 * bench/rule_table.h over them (the walk strategy looks ancestors up in it),
 * the same key, hash and open addressing as the BPF and the user-space
 * filters use.  A FAN_IOC_FILTER_CTL change never modifies a published rule
 * set: under sf->lock it builds a new one (kvzalloc), publishes it with
 * rcu_assign_pointer() and frees the old one with kvfree_rcu(), which calls
 * no module code, so a pending free does not hold up rmmod.  ->filter()
 * dereferences the rule set once per event under rcu_read_lock(), with no
 * lock and no reference, and sees either the old or the new set, never a
 * mix.  A change is all or nothing.
 *
 * Strategies:
 *   walk: ascend d_parent from the event's dentry and look each ancestor up
 *         in the rule table: O(depth).
 *   loop: for each rule in turn, ascend from the event's dentry comparing
 *         each ancestor with the rule, as R is_subdir() calls would:
 *         O(R x depth).  The naive filter, kept as the baseline.  A rule on
 *         another filesystem is skipped without a walk: the walk stays in
 *         the event's superblock, so no ancestor can be that rule.
 *   tag:  walk, with each directory's verdict cached per CPU until a rename
 *         or a rule change (below, at struct subtree_tag).
 *   pass: no walk at all, the cost of the filter plumbing alone: every event
 *         is sent to user space, except that a permission event in deny mode
 *         is allowed at once (no round trip).
 *
 * Renames: the walks read d_parent under RCU, as is_subdir() does, and
 * sample rename_lock's seqcount around each walk (read_seqbegin() /
 * read_seqretry()).  A walk no rename raced with decides; when one raced,
 * the walk is done once more (stats: retries); when that raced too, the
 * verdict is undecided (stats: undecided): a permission event in deny mode
 * is denied (fail closed), any other event is sent to user space (never
 * lost; user space sees it after the rename and can decide).  rename_lock is
 * never taken: a filter on every event of a filesystem must not serialise
 * against every rename in the system, and the loop strategy would hold the
 * lock for O(R x depth).  SUBTREE_RENAME_WALKS is how many walks are tried;
 * 0 turns the check off (the first walk's answer stands, no retry).  The
 * BPF filter implements the same policy.
 *
 * FS_RENAME (FAN_RENAME) names both sides: it is in scope when the old
 * directory is, or when the moved object is at its new place, so that a move
 * into the sub-tree is reported as well as a move out of it.  The moved
 * dentry is the event's data and fsnotify_move() runs after d_move(), with
 * both directories locked, so its d_parent is already the new directory.
 * Walking from the moved object itself rather than from its new parent also
 * puts a moved rule root in scope, as the BPF kfunc, which takes only a
 * dentry it holds, must.  FS_MOVED_FROM and FS_MOVED_TO carry their own
 * directory.
 *
 * A d_parent chain longer than SUBTREE_MAX_DEPTH leaves the verdict
 * undecided too (deny mode fails closed), and so does a permission event
 * with no dentry: in deny mode, what cannot be decided is denied.
 *
 * Counters: the rare ones (no_dentry, retries, undecided) always count.
 * The per-event ones (events, sent, skipped, denied) cost the timed path
 * four per-CPU increments, so, like BPF's run-time stats before
 * BPF_ENABLE_STATS, they count only once a filter asked for them
 * (SUBTREE_CTL_COUNT_EVENTS), behind a static key: otherwise an event pays
 * one patched-out jump.
 *
 * The fanotify core never runs ->filter_init(), ->filter_ctl() and
 * ->filter_free() of one group's filter at the same time (a ctl whose copy
 * from user space stalls holds up only its own group), and calls ->filter()
 * under rcu_read_lock().  Filters of different groups share only the static
 * key, whose inc and dec take their own lock.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/fanotify.h>
#include <linux/fsnotify_backend.h>
#include <linux/hash.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jump_label.h>
#include <linux/kdev_t.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/seqlock.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "fanotify_filter.h"
#include "rule_table.h"

/* A d_parent chain longer than this leaves the verdict undecided. */
#define SUBTREE_MAX_DEPTH	4096
/* Walks tried before the verdict is undecided; 0: no rename check. */
#define SUBTREE_RENAME_WALKS	2
/* Rules per filter: a table of 2^21 slots (32 MiB) unless it had to grow */
#define SUBTREE_MAX_RULES	BIT(20)

/* Events whose scope is decided by their parent directory (event->dir) */
#define SUBTREE_DIRENT_EVENTS	(FS_CREATE | FS_DELETE | FS_MOVED_FROM | \
				 FS_MOVED_TO | FS_RENAME)

/* One published rule set; never modified once published. */
struct subtree_rules {
	struct rcu_head rcu;
	u64 gen;			/* unique per filter: tag validity */
	u32 nr;				/* rules, in key[0..nr) */
	u32 bits;			/* the table has 1 << bits slots */
	struct sb_rt_slot *table;	/* after the keys, same allocation */
	struct sb_rt_slot key[];	/* .rule = index; room for the builder */
};

struct subtree_filter {
	u32 strategy;
	u32 mode;
	struct mutex lock;		/* serialises rule updates */
	struct subtree_rules __rcu *rules;
	struct subtree_stats __percpu *stats;
	struct subtree_tags __percpu *tags;	/* tag strategy only */
	u64 rules_gen;			/* the last published rules' gen */
	bool counting;			/* counts per event: holds subtree_counting */
};

enum subtree_verdict { SUBTREE_OUT, SUBTREE_IN, SUBTREE_UNDECIDED };

/* On while any filter counts per event (SUBTREE_CTL_COUNT_EVENTS). */
static DEFINE_STATIC_KEY_FALSE(subtree_counting);

/*
 * O(depth): one table lookup per ancestor.  Out of line, so that the table,
 * its size and the key's dev << 32 stay in registers: inlined in
 * subtree_filter() (-Os), they were spilled and reloaded per ancestor.
 */
static noinline enum subtree_verdict
subtree_walk(const struct subtree_rules *r, struct dentry *dentry)
{
	const struct sb_rt_slot *table = r->table;
	u32 dev = dentry->d_sb->s_dev, bits = r->bits;
	unsigned int depth = 0;

	for (;;) {
		struct inode *inode = READ_ONCE(dentry->d_inode);
		struct dentry *parent;

		if (inode && sb_rt_lookup(table, bits, inode->i_ino, dev))
			return SUBTREE_IN;
		parent = READ_ONCE(dentry->d_parent);
		if (parent == dentry)
			return SUBTREE_OUT;
		if (++depth > SUBTREE_MAX_DEPTH)
			return SUBTREE_UNDECIDED;
		dentry = parent;
	}
}

/* O(R x depth): an is_subdir()-style ancestor scan per rule. */
static enum subtree_verdict subtree_loop(const struct subtree_rules *r,
					 struct dentry *dentry)
{
	enum subtree_verdict v = SUBTREE_OUT;
	u32 dev = dentry->d_sb->s_dev;
	u32 i;

	for (i = 0; i < r->nr; i++) {
		const struct sb_rt_slot *rule = &r->key[i];
		struct dentry *d = dentry;
		unsigned int depth = 0;

		if (rule->dev != dev)
			continue;
		for (;;) {
			struct inode *inode = READ_ONCE(d->d_inode);
			struct dentry *parent;

			if (inode && inode->i_ino == rule->ino)
				return SUBTREE_IN;
			parent = READ_ONCE(d->d_parent);
			if (parent == d)
				break;
			if (++depth > SUBTREE_MAX_DEPTH) {
				v = SUBTREE_UNDECIDED;	/* a later rule may match */
				break;
			}
			d = parent;
		}
	}
	return v;
}

static enum subtree_verdict subtree_check(const struct subtree_filter *sf,
					  const struct subtree_rules *r,
					  struct dentry *dentry)
{
	if (sf->strategy == SUBTREE_STRATEGY_LOOP)
		return subtree_loop(r, dentry);
	return subtree_walk(r, dentry);
}

/* Under rcu_read_lock(): the rename policy of the header comment. */
static enum subtree_verdict subtree_in_scope(struct subtree_filter *sf,
					     const struct subtree_rules *r,
					     struct dentry *dentry)
{
	enum subtree_verdict v;
	unsigned int seq, walk;

	if (!SUBTREE_RENAME_WALKS)
		return subtree_check(sf, r, dentry);
	for (walk = 0; walk < SUBTREE_RENAME_WALKS; walk++) {
		if (walk)
			this_cpu_inc(sf->stats->retries);
		seq = read_seqbegin(&rename_lock);
		v = subtree_check(sf, r, dentry);
		if (!read_seqretry(&rename_lock, seq)) {
			if (v == SUBTREE_UNDECIDED)
				this_cpu_inc(sf->stats->undecided);
			return v;
		}
	}
	this_cpu_inc(sf->stats->undecided);
	return SUBTREE_UNDECIDED;
}

/*
 * tag: a verdict per directory, cached per CPU in a table of SUBTREE_TAG_SETS
 * sets of SUBTREE_TAG_WAYS slots.  6.12 has no field for it in struct inode,
 * and an inode mark per directory (the other way the kernel offers) would
 * cost an allocation and the group's mark lock the first time a directory
 * is seen, inside the event; this costs neither and is bounded
 * (SUBTREE_TAG_SETS * SUBTREE_TAG_WAYS slots per CPU).  The inode's number,
 * not its address, picks the set, so that the same tree meets the same
 * conflicts in every boot, and the ways keep directories whose numbers share
 * a set from evicting one another on every event (with one slot per set,
 * two of the eight leaf directories in use met in 512 slots often enough to
 * move a figure by 0.3 % between boots).  A miss fills the directory's own
 * slot or, first in first out, the set's first one.  A slot is valid for the
 * directory whose address, i_ino and i_generation it holds (an inode freed
 * and its memory reused gets another number, or the same number with a new
 * generation; a directory with i_generation 0 is never cached), while the
 * rule set is the one of rules_gen and rename_lock's sequence is the one
 * the verdict was computed at: d_move() bumps it under the lock, so no move
 * can leave a stale verdict valid, at the price that any rename makes every
 * slot stale.  (The 32-bit sequence repeats after 2^31 moves: a slot left
 * untouched that long could match again.)  A miss walks and caches the
 * verdict unless a rename ran meanwhile; a new directory (FS_CREATE with
 * FS_ISDIR, when the group's mask has it) gets its parent's verdict at once.
 */
#define SUBTREE_TAG_SET_BITS	7
#define SUBTREE_TAG_SETS	BIT(SUBTREE_TAG_SET_BITS)
#define SUBTREE_TAG_WAYS	4

struct subtree_tag {
	const struct inode *inode;
	unsigned long ino;
	u32 generation;
	unsigned int seq;		/* rename_lock's, when computed */
	u64 rules_gen;
	enum subtree_verdict verdict;	/* never SUBTREE_UNDECIDED */
};

struct subtree_tag_set {
	struct subtree_tag way[SUBTREE_TAG_WAYS];
};

struct subtree_tags {
	struct subtree_tag_set set[SUBTREE_TAG_SETS];
};

static struct subtree_tag_set *subtree_tag_set_of(struct subtree_tags *tags,
						  const struct inode *inode)
{
	return &tags->set[hash_long(inode->i_ino, SUBTREE_TAG_SET_BITS)];
}

/* The slot of @inode in its set, or NULL. */
static struct subtree_tag *subtree_tag_find(struct subtree_tag_set *s,
					    const struct inode *inode)
{
	int i;

	for (i = 0; i < SUBTREE_TAG_WAYS; i++)
		if (s->way[i].inode == inode)
			return &s->way[i];
	return NULL;
}

static bool subtree_tag_valid(const struct subtree_tag *t,
			      const struct inode *inode, unsigned int seq,
			      u64 rules_gen)
{
	return t->inode == inode && t->ino == inode->i_ino &&
	       t->generation == inode->i_generation && t->seq == seq &&
	       t->rules_gen == rules_gen;
}

static void subtree_tag_store(struct subtree_tag_set *s,
			      const struct inode *inode, unsigned int seq,
			      u64 rules_gen, enum subtree_verdict v)
{
	struct subtree_tag *t = subtree_tag_find(s, inode);

	if (!t) {
		memmove(&s->way[1], &s->way[0],
			sizeof(s->way[0]) * (SUBTREE_TAG_WAYS - 1));
		t = &s->way[0];
	}
	t->inode = inode;
	t->ino = inode->i_ino;
	t->generation = inode->i_generation;
	t->seq = seq;
	t->rules_gen = rules_gen;
	t->verdict = v;
}

/* The directory whose verdict decides @dentry: itself, or its parent. */
static struct dentry *subtree_tag_dir(struct dentry *dentry)
{
	struct inode *inode = READ_ONCE(dentry->d_inode);
	struct dentry *parent;

	if (!inode)
		return NULL;
	if (S_ISDIR(inode->i_mode))
		return dentry;
	/* not a rule's directory: its parent decides, as in the walk */
	parent = READ_ONCE(dentry->d_parent);
	return parent != dentry ? parent : NULL;
}

/*
 * Under rcu_read_lock(): the scope of @dentry through the tag of its
 * directory.  The sequence is sampled before d_parent is read and checked
 * after the slot is, so that a verdict read for a parent the object has left
 * since does not count.  Not cached: a directory with i_generation 0 (a
 * filesystem that does not set it could hand the same address and number
 * to a new directory), and one that revalidates its dentries (NFS, FUSE,
 * CIFS: a rename on the server reappears through a lookup, not d_move()).
 * The walk runs with preemption enabled; only the slot is read or written
 * on this CPU.
 */
static enum subtree_verdict subtree_tag_scope(struct subtree_filter *sf,
					      const struct subtree_rules *r,
					      struct dentry *dentry)
{
	unsigned int seq = read_seqbegin(&rename_lock);
	struct dentry *dir = subtree_tag_dir(dentry);
	struct inode *inode = dir ? READ_ONCE(dir->d_inode) : NULL;
	enum subtree_verdict v = SUBTREE_UNDECIDED;
	struct subtree_tag *t;
	bool hit;

	if (!inode || !inode->i_generation ||
	    (READ_ONCE(dir->d_flags) &
	     (DCACHE_OP_REVALIDATE | DCACHE_OP_WEAK_REVALIDATE)))
		return subtree_in_scope(sf, r, dentry);
	t = subtree_tag_find(subtree_tag_set_of(get_cpu_ptr(sf->tags), inode),
			     inode);
	hit = t && subtree_tag_valid(t, inode, seq, r->gen);
	if (hit)
		v = t->verdict;
	put_cpu_ptr(sf->tags);
	if (hit && !read_seqretry(&rename_lock, seq))
		return v;
	/* from the object itself, as without tags */
	v = subtree_in_scope(sf, r, dentry);
	if (v != SUBTREE_UNDECIDED && !read_seqretry(&rename_lock, seq)) {
		subtree_tag_store(subtree_tag_set_of(get_cpu_ptr(sf->tags),
						     inode),
				  inode, seq, r->gen, v);
		put_cpu_ptr(sf->tags);
	}
	return v;
}

/*
 * FS_CREATE of a directory: it gets its parent's valid verdict (just
 * cached by this event's check of the parent), unless it is a rule's
 * directory itself (keys can name a directory before it exists), which its
 * walk finds.
 */
static void subtree_tag_new_dir(struct subtree_filter *sf,
				const struct subtree_rules *r,
				struct fanotify_filter_event *ev)
{
	struct dentry *child = fsnotify_data_dentry(ev->data, ev->data_type);
	struct inode *inode = child ? READ_ONCE(child->d_inode) : NULL;
	const struct subtree_tag *pt;
	struct subtree_tags *tags;
	unsigned int seq;

	if (!ev->dir || !inode || !S_ISDIR(inode->i_mode) || !inode->i_generation ||
	    (READ_ONCE(child->d_flags) &
	     (DCACHE_OP_REVALIDATE | DCACHE_OP_WEAK_REVALIDATE)) ||
	    sb_rt_lookup(r->table, r->bits, inode->i_ino, child->d_sb->s_dev))
		return;
	seq = read_seqbegin(&rename_lock);
	tags = get_cpu_ptr(sf->tags);
	pt = subtree_tag_find(subtree_tag_set_of(tags, ev->dir), ev->dir);
	if (pt && subtree_tag_valid(pt, ev->dir, seq, r->gen))
		subtree_tag_store(subtree_tag_set_of(tags, inode), inode, seq,
				  r->gen, pt->verdict);
	put_cpu_ptr(sf->tags);
}

/* The scope of @dentry by the filter's strategy (the walk's or loop's, or tag). */
static enum subtree_verdict subtree_scope(struct subtree_filter *sf,
					  const struct subtree_rules *r,
					  struct dentry *dentry)
{
	return sf->tags ? subtree_tag_scope(sf, r, dentry) :
			  subtree_in_scope(sf, r, dentry);
}

/*
 * The dentry of a directory inode, without taking a reference: a directory
 * has at most one alias, the event's caller holds the inode, and a dentry
 * is freed only after an RCU grace period, so it can be read until
 * rcu_read_unlock() even if it is being killed right now.
 */
static struct dentry *subtree_dir_dentry(struct inode *dir)
{
	struct hlist_node *first;

	if (!S_ISDIR(dir->i_mode))
		return NULL;
	first = READ_ONCE(dir->i_dentry.first);
	return first ? hlist_entry(first, struct dentry, d_u.d_alias) : NULL;
}

static struct dentry *subtree_event_dentry(struct fanotify_filter_event *ev)
{
	struct dentry *dentry;
	struct inode *inode;

	/* create, delete, move: in scope when the parent directory is */
	if (ev->mask & SUBTREE_DIRENT_EVENTS)
		return ev->dir ? subtree_dir_dentry(ev->dir) : NULL;

	/* open and the rest: in scope when the object is */
	dentry = fsnotify_data_dentry(ev->data, ev->data_type);
	if (dentry)
		return dentry;
	inode = fsnotify_data_inode(ev->data, ev->data_type);
	return inode ? subtree_dir_dentry(inode) : NULL;
}

/* FS_RENAME: the moved object, now in the new directory, or NULL. */
static struct dentry *subtree_rename_moved(struct fanotify_filter_event *ev)
{
	if (!(ev->mask & FS_RENAME))
		return NULL;
	return fsnotify_data_dentry(ev->data, ev->data_type);
}

static void subtree_count_event(struct subtree_filter *sf, int ret)
{
	if (!READ_ONCE(sf->counting))
		return;
	this_cpu_inc(sf->stats->events);
	if (ret == -EPERM)
		this_cpu_inc(sf->stats->denied);
	else if (ret == FAN_FILTER_RET_SEND_TO_USERSPACE)
		this_cpu_inc(sf->stats->sent);
	else
		this_cpu_inc(sf->stats->skipped);
}

static int subtree_filter(struct fsnotify_group *group,
			  struct fanotify_filter_hook *hook,
			  struct fanotify_filter_event *ev)
{
	struct subtree_filter *sf = hook->data;
	bool deny = sf->mode == SUBTREE_MODE_DENY &&
		    (ev->mask & FANOTIFY_PERM_EVENTS);
	const struct subtree_rules *r;
	enum subtree_verdict v;
	struct dentry *dentry;
	int ret;

	if (sf->strategy == SUBTREE_STRATEGY_PASS) {
		/* the plumbing alone: deny mode allows, notify mode sends */
		v = deny ? SUBTREE_OUT : SUBTREE_IN;
	} else {
		r = rcu_dereference(sf->rules);
		dentry = subtree_event_dentry(ev);
		if (dentry) {
			v = subtree_scope(sf, r, dentry);
			if (sf->tags && (ev->mask & FS_CREATE) &&
			    (ev->mask & FS_ISDIR))
				subtree_tag_new_dir(sf, r, ev);
			dentry = v == SUBTREE_OUT ? subtree_rename_moved(ev) : NULL;
			if (dentry)
				v = subtree_scope(sf, r, dentry);
		} else {
			/* FS_ERROR, DELETE_SELF of a file: nothing to walk */
			this_cpu_inc(sf->stats->no_dentry);
			v = deny ? SUBTREE_UNDECIDED : SUBTREE_OUT;
		}
	}

	/* undecided: deny fails closed, anything else goes to user space */
	if (v == SUBTREE_OUT)
		ret = FAN_FILTER_RET_SKIP_EVENT;
	else if (deny)
		ret = -EPERM;
	else
		ret = FAN_FILTER_RET_SEND_TO_USERSPACE;
	if (static_branch_unlikely(&subtree_counting))
		subtree_count_event(sf, ret);
	return ret;
}

/* Rule updates, under sf->lock */

static struct subtree_rules *subtree_rules_alloc(u32 cap, u32 bits)
{
	struct subtree_rules *r;

	r = kvzalloc(struct_size(r, key, size_add(cap, BIT(bits))),
		     GFP_KERNEL_ACCOUNT);
	if (!r)
		return NULL;
	r->bits = bits;
	r->table = &r->key[cap];
	return r;
}

/*
 * The rule set of the @n candidate keys @cand, duplicates dropped, order
 * kept.  Its table is the smallest, from sb_rt_bits_for(rules), that holds
 * every key within SB_RT_MAX_PROBES slots of its home slot.
 */
static struct subtree_rules *subtree_rules_build(const struct sb_rt_slot *cand,
						 u32 n)
{
	struct subtree_rules *r, *dedup = NULL;
	u32 bits, i;

	if (n > SUBTREE_MAX_RULES)
		return ERR_PTR(-ENOSPC);
	bits = sb_rt_bits_for(n);
	while (bits <= SB_RT_MAX_BITS) {
		r = subtree_rules_alloc(n, bits);
		if (!r)
			break;
		for (i = 0; i < n; i++) {
			int ret = sb_rt_insert(r->table, bits, cand[i].ino,
					       cand[i].dev, r->nr);

			if (ret < 0)
				break;
			if (ret == 0) {
				r->key[r->nr] = cand[i];
				r->key[r->nr].rule = r->nr;
				r->nr++;
			}
		}
		if (i < n) {
			/* a key too far from its home slot: a bigger table */
			kvfree(r);
			bits++;
			continue;
		}
		if (r->nr == n || sb_rt_bits_for(r->nr) == sb_rt_bits_for(n)) {
			kvfree(dedup);
			return r;
		}
		/* Duplicates made the table too big: again without them. */
		kvfree(dedup);
		dedup = r;
		cand = r->key;
		n = r->nr;
		bits = sb_rt_bits_for(n);
	}
	kvfree(dedup);
	return ERR_PTR(bits > SB_RT_MAX_BITS ? -ENOSPC : -ENOMEM);
}

static struct subtree_rules *subtree_cur_rules(struct subtree_filter *sf)
{
	return rcu_dereference_protected(sf->rules, lockdep_is_held(&sf->lock));
}

static void subtree_publish(struct subtree_filter *sf, struct subtree_rules *r)
{
	struct subtree_rules *old;

	r->gen = ++sf->rules_gen;
	old = rcu_replace_pointer(sf->rules, r, lockdep_is_held(&sf->lock));
	kvfree_rcu(old, rcu);
}

/* The table's form of a rule key; false if no directory can have it. */
static bool subtree_slot_of(const struct subtree_key *key,
			    struct sb_rt_slot *slot)
{
	if (!key->dev || key->dev > U32_MAX || key->ino > ULONG_MAX)
		return false;
	slot->ino = key->ino;
	slot->dev = new_decode_dev(key->dev);
	slot->rule = 0;
	return slot->dev != 0;
}

/* Add @n keys: returns how many were new, or -errno and nothing changed. */
static int subtree_add(struct subtree_filter *sf,
		       const struct subtree_key *keys, u32 n)
{
	struct subtree_rules *old, *r;
	struct sb_rt_slot *cand;
	int ret;
	u32 i;

	mutex_lock(&sf->lock);
	old = subtree_cur_rules(sf);
	ret = -ENOSPC;
	if (n > SUBTREE_MAX_RULES - old->nr)
		goto out;
	ret = -ENOMEM;
	cand = kvmalloc_array(old->nr + n, sizeof(*cand), GFP_KERNEL);
	if (!cand)
		goto out;
	memcpy(cand, old->key, old->nr * sizeof(*cand));
	ret = -EINVAL;
	for (i = 0; i < n; i++)
		if (!subtree_slot_of(&keys[i], &cand[old->nr + i]))
			goto free;
	r = subtree_rules_build(cand, old->nr + n);
	ret = PTR_ERR_OR_ZERO(r);
	if (ret)
		goto free;
	ret = r->nr - old->nr;
	if (ret)
		subtree_publish(sf, r);
	else
		kvfree(r);
free:
	kvfree(cand);
out:
	mutex_unlock(&sf->lock);
	return ret;
}

/* Remove @n keys: returns how many there were, or -errno and no change. */
static int subtree_del(struct subtree_filter *sf,
		       const struct subtree_key *keys, u32 n)
{
	struct subtree_rules *old, *r;
	const struct sb_rt_slot *s;
	struct sb_rt_slot *cand, k;
	u32 i, kept = 0;
	int ret = 0;

	mutex_lock(&sf->lock);
	old = subtree_cur_rules(sf);
	if (!old->nr)
		goto out;
	cand = kvmalloc_array(old->nr, sizeof(*cand), GFP_KERNEL);
	if (!cand) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(cand, old->key, old->nr * sizeof(*cand));
	/* dev 0 marks a removed key; a key given twice counts once */
	for (i = 0; i < n; i++) {
		if (!subtree_slot_of(&keys[i], &k))
			continue;
		s = sb_rt_lookup(old->table, old->bits, k.ino, k.dev);
		if (s && cand[s->rule].dev) {
			cand[s->rule].dev = 0;
			ret++;
		}
	}
	if (!ret)
		goto free;
	for (i = 0; i < old->nr; i++)
		if (cand[i].dev)
			cand[kept++] = cand[i];
	r = subtree_rules_build(cand, kept);
	if (IS_ERR(r)) {
		ret = PTR_ERR(r);
		goto free;
	}
	subtree_publish(sf, r);
free:
	kvfree(cand);
out:
	mutex_unlock(&sf->lock);
	return ret;
}

static int subtree_clear(struct subtree_filter *sf)
{
	struct subtree_rules *r;
	int ret;

	mutex_lock(&sf->lock);
	ret = subtree_cur_rules(sf)->nr;
	if (ret) {
		r = subtree_rules_alloc(0, sb_rt_bits_for(0));
		if (r)
			subtree_publish(sf, r);
		else
			ret = -ENOMEM;
	}
	mutex_unlock(&sf->lock);
	return ret;
}

static int subtree_key_from_fd(int fd, struct subtree_key *key)
{
	struct file *file = fget_raw(fd);	/* O_PATH fds too */
	struct inode *inode;
	int ret = 0;

	if (!file)
		return -EBADF;
	inode = file_inode(file);
	if (S_ISDIR(inode->i_mode)) {
		key->dev = new_encode_dev(inode->i_sb->s_dev);
		key->ino = inode->i_ino;
	} else {
		ret = -ENOTDIR;
	}
	fput(file);
	return ret;
}

/* ADD or DEL by fd: every fd is resolved first, so a bad one changes nothing. */
static int subtree_apply_fds(struct subtree_filter *sf, bool add,
			     const s32 *fds, u32 n)
{
	struct subtree_key *keys;
	u32 i;
	int ret;

	keys = kvmalloc_array(n, sizeof(*keys), GFP_KERNEL);
	if (!keys)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		ret = subtree_key_from_fd(fds[i], &keys[i]);
		if (ret)
			goto out;
	}
	ret = add ? subtree_add(sf, keys, n) : subtree_del(sf, keys, n);
out:
	kvfree(keys);
	return ret;
}

static void subtree_free_filter(struct subtree_filter *sf)
{
	/* No reader left: the core waited for a grace period. */
	if (sf->counting)
		static_branch_dec(&subtree_counting);
	kvfree(rcu_dereference_protected(sf->rules, true));
	free_percpu(sf->stats);
	free_percpu(sf->tags);
	mutex_destroy(&sf->lock);
	kfree(sf);
}

static int subtree_init(struct fsnotify_group *group,
			struct fanotify_filter_hook *hook, void *args)
{
	const struct subtree_init_args *ia = args;
	struct subtree_filter *sf;
	struct subtree_rules *r;
	int ret;

	if (!ia || ia->strategy > SUBTREE_STRATEGY_TAG ||
	    ia->strategy == SUBTREE_STRATEGY_KFUNC ||
	    ia->mode > SUBTREE_MODE_DENY || ia->nr_fds > SUBTREE_INIT_FDS)
		return -EINVAL;

	sf = kzalloc(sizeof(*sf), GFP_KERNEL_ACCOUNT);
	if (!sf)
		return -ENOMEM;
	sf->stats = alloc_percpu(struct subtree_stats);
	if (ia->strategy == SUBTREE_STRATEGY_TAG)
		sf->tags = alloc_percpu(struct subtree_tags);
	r = subtree_rules_alloc(0, sb_rt_bits_for(0));
	if (!sf->stats || !r ||
	    (ia->strategy == SUBTREE_STRATEGY_TAG && !sf->tags)) {
		kvfree(r);
		free_percpu(sf->tags);
		free_percpu(sf->stats);
		kfree(sf);
		return -ENOMEM;
	}
	sf->strategy = ia->strategy;
	sf->mode = ia->mode;
	mutex_init(&sf->lock);
	RCU_INIT_POINTER(sf->rules, r);

	if (ia->nr_fds) {
		ret = subtree_apply_fds(sf, true, ia->fds, ia->nr_fds);
		if (ret < 0) {
			subtree_free_filter(sf);
			return ret;
		}
	}
	hook->data = sf;
	return 0;
}

static void subtree_free(struct fanotify_filter_hook *hook)
{
	subtree_free_filter(hook->data);
	hook->data = NULL;
}

static int subtree_stats_ctl(struct subtree_filter *sf, void __user *arg,
			     u32 size)
{
	struct subtree_stats sum = {};
	int cpu;

	if (size != sizeof(sum))
		return -EINVAL;
	for_each_possible_cpu(cpu) {
		struct subtree_stats *s = per_cpu_ptr(sf->stats, cpu);

		sum.events += s->events;
		sum.sent += s->sent;
		sum.skipped += s->skipped;
		sum.denied += s->denied;
		sum.no_dentry += s->no_dentry;
		sum.retries += s->retries;
		sum.undecided += s->undecided;
	}
	return copy_to_user(arg, &sum, sizeof(sum)) ? -EFAULT : 0;
}

/* Per-event counters on, until the filter is freed. */
static int subtree_count_events(struct subtree_filter *sf)
{
	mutex_lock(&sf->lock);
	if (!sf->counting) {
		static_branch_inc(&subtree_counting);
		WRITE_ONCE(sf->counting, true);
	}
	mutex_unlock(&sf->lock);
	return 0;
}

static int subtree_count(struct subtree_filter *sf)
{
	int n;

	mutex_lock(&sf->lock);
	n = subtree_cur_rules(sf)->nr;
	mutex_unlock(&sf->lock);
	return n;
}

static int subtree_ctl(struct fsnotify_group *group,
		       struct fanotify_filter_hook *hook, u32 cmd,
		       void __user *arg, u32 size)
{
	struct subtree_filter *sf = hook->data;
	void *buf;
	int ret;

	switch (cmd) {
	case SUBTREE_CTL_ADD:
	case SUBTREE_CTL_DEL:
		if (!size || size % sizeof(s32))
			return -EINVAL;
		buf = vmemdup_user(arg, size);
		if (IS_ERR(buf))
			return PTR_ERR(buf);
		ret = subtree_apply_fds(sf, cmd == SUBTREE_CTL_ADD, buf,
					size / sizeof(s32));
		kvfree(buf);
		return ret;
	case SUBTREE_CTL_ADD_KEYS:
		if (!size || size % sizeof(struct subtree_key))
			return -EINVAL;
		buf = vmemdup_user(arg, size);
		if (IS_ERR(buf))
			return PTR_ERR(buf);
		ret = subtree_add(sf, buf, size / sizeof(struct subtree_key));
		kvfree(buf);
		return ret;
	case SUBTREE_CTL_CLEAR:
		return subtree_clear(sf);
	case SUBTREE_CTL_COUNT:
		return subtree_count(sf);
	case SUBTREE_CTL_STATS:
		return subtree_stats_ctl(sf, arg, size);
	case SUBTREE_CTL_COUNT_EVENTS:
		if (arg || size)
			return -EINVAL;
		return subtree_count_events(sf);
	}
	return -EINVAL;
}

static struct fanotify_filter_ops subtree_ops = {
	.filter		= subtree_filter,
	.filter_init	= subtree_init,
	.filter_free	= subtree_free,
	.filter_ctl	= subtree_ctl,
	.name		= SUBTREE_FILTER_NAME,
	.owner		= THIS_MODULE,
	.flags		= FAN_FILTER_F_SYS_ADMIN_ONLY,
	.init_args_size	= sizeof(struct subtree_init_args),
	.desc		= "sub-tree membership, strategies walk (O(depth)), loop\n"
			  "(O(R x depth)) and pass (no walk), modes notify and deny",
	.init_args	= "struct subtree_init_args { u32 strategy; u32 mode;\n"
			  "u32 nr_fds; s32 fds[13]; } (bench/fanotify_filter.h)",
};

static int __init subtree_module_init(void)
{
	BUILD_BUG_ON(sizeof(struct subtree_init_args) != FAN_FILTER_ARGS_MAX);
	return fanotify_filter_register(&subtree_ops);
}

static void __exit subtree_module_exit(void)
{
	fanotify_filter_unregister(&subtree_ops);
}

module_init(subtree_module_init);
module_exit(subtree_module_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("fanotify filter: sub-tree membership (subtree-bench)");
