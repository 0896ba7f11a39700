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
 * unless the device number and inode number are reused; remove it).
 *
 * Strategies:
 *   walk: ascend d_parent from the event's dentry and look each ancestor up
 *         in a hash of the rules' keys: O(depth).
 *   loop: for each rule in turn, ascend from the event's dentry comparing
 *         each ancestor with the rule, as R is_subdir() calls would:
 *         O(R x depth).  The naive filter, kept as the baseline.
 * Both read d_parent under RCU inside a rename_lock read section, like
 * is_subdir(): a walk that raced with a rename is redone under the lock.
 *
 * Rules are added and removed at run time with FAN_IOC_FILTER_CTL; the
 * fanotify core serialises ->filter_init(), ->filter_ctl() and
 * ->filter_free(), and ->filter() reads the rules under RCU.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/fanotify.h>
#include <linux/fsnotify_backend.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/kdev_t.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/seqlock.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "fanotify_filter.h"

#define SUBTREE_HASH_BITS	14
/* Give up (out of scope) on a d_parent chain longer than this. */
#define SUBTREE_MAX_DEPTH	4096

/* Events whose scope is decided by their parent directory (event->dir) */
#define SUBTREE_DIRENT_EVENTS	(FS_CREATE | FS_DELETE | FS_MOVED_FROM | \
				 FS_MOVED_TO | FS_RENAME)

struct subtree_rule {
	struct hlist_node hnode;	/* in subtree_filter.buckets */
	struct list_head lnode;		/* in subtree_filter.rules */
	dev_t dev;
	unsigned long ino;
	struct rcu_head rcu;
};

struct subtree_filter {
	u32 strategy;
	u32 mode;
	struct mutex lock;		/* serialises rule updates */
	unsigned int nr_rules;
	struct list_head rules;		/* RCU readers: loop strategy */
	struct subtree_stats __percpu *stats;
	struct hlist_head buckets[1 << SUBTREE_HASH_BITS]; /* RCU: walk */
};

static inline u32 subtree_hash(dev_t dev, unsigned long ino)
{
	return hash_64(((u64)dev << 32) ^ ino, SUBTREE_HASH_BITS);
}

static struct subtree_rule *subtree_find(struct subtree_filter *sf, dev_t dev,
					 unsigned long ino)
{
	struct subtree_rule *rule;

	hlist_for_each_entry_rcu(rule, &sf->buckets[subtree_hash(dev, ino)],
				 hnode, lockdep_is_held(&sf->lock)) {
		if (rule->ino == ino && rule->dev == dev)
			return rule;
	}
	return NULL;
}

/* O(depth): one hash lookup per ancestor. */
static bool subtree_walk(struct subtree_filter *sf, struct dentry *dentry)
{
	dev_t dev = dentry->d_sb->s_dev;
	unsigned int depth = 0;

	for (;;) {
		struct inode *inode = READ_ONCE(dentry->d_inode);
		struct dentry *parent;

		if (inode && subtree_find(sf, dev, inode->i_ino))
			return true;
		parent = READ_ONCE(dentry->d_parent);
		if (parent == dentry || ++depth > SUBTREE_MAX_DEPTH)
			return false;
		dentry = parent;
	}
}

/* O(R x depth): an is_subdir()-style ancestor scan per rule. */
static bool subtree_loop(struct subtree_filter *sf, struct dentry *dentry)
{
	dev_t dev = dentry->d_sb->s_dev;
	struct subtree_rule *rule;

	list_for_each_entry_rcu(rule, &sf->rules, lnode) {
		struct dentry *d = dentry;
		unsigned int depth = 0;

		for (;;) {
			struct inode *inode = READ_ONCE(d->d_inode);
			struct dentry *parent;

			if (inode && inode->i_ino == rule->ino &&
			    dev == rule->dev)
				return true;
			parent = READ_ONCE(d->d_parent);
			if (parent == d || ++depth > SUBTREE_MAX_DEPTH)
				break;
			d = parent;
		}
	}
	return false;
}

static bool subtree_check(struct subtree_filter *sf, struct dentry *dentry)
{
	if (sf->strategy == SUBTREE_STRATEGY_LOOP)
		return subtree_loop(sf, dentry);
	return subtree_walk(sf, dentry);
}

/* Called under rcu_read_lock(), as is_subdir() does its walk. */
static bool subtree_in_scope(struct subtree_filter *sf, struct dentry *dentry)
{
	unsigned int seq;
	bool hit;

	seq = read_seqbegin(&rename_lock);
	hit = subtree_check(sf, dentry);
	if (read_seqretry(&rename_lock, seq)) {
		this_cpu_inc(sf->stats->retries);
		read_seqlock_excl(&rename_lock);
		hit = subtree_check(sf, dentry);
		read_sequnlock_excl(&rename_lock);
	}
	return hit;
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

static int subtree_filter(struct fsnotify_group *group,
			  struct fanotify_filter_hook *hook,
			  struct fanotify_filter_event *ev)
{
	struct subtree_filter *sf = hook->data;
	struct dentry *dentry;
	bool hit = false;

	this_cpu_inc(sf->stats->events);
	dentry = subtree_event_dentry(ev);
	if (dentry)
		hit = subtree_in_scope(sf, dentry);
	else
		this_cpu_inc(sf->stats->no_dentry);

	if (hit && sf->mode == SUBTREE_MODE_DENY &&
	    (ev->mask & FANOTIFY_PERM_EVENTS)) {
		this_cpu_inc(sf->stats->denied);
		return -EPERM;
	}
	if (hit) {
		this_cpu_inc(sf->stats->sent);
		return FAN_FILTER_RET_SEND_TO_USERSPACE;
	}
	this_cpu_inc(sf->stats->skipped);
	return FAN_FILTER_RET_SKIP_EVENT;
}

/* Rule updates, under sf->lock */

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

static int subtree_add_key(struct subtree_filter *sf,
			   const struct subtree_key *key)
{
	struct subtree_rule *rule;
	dev_t dev;

	if (key->dev > U32_MAX || key->ino > ULONG_MAX)
		return -EINVAL;
	dev = new_decode_dev(key->dev);
	if (subtree_find(sf, dev, key->ino))
		return 0;
	rule = kmalloc(sizeof(*rule), GFP_KERNEL_ACCOUNT);
	if (!rule)
		return -ENOMEM;
	rule->dev = dev;
	rule->ino = key->ino;
	hlist_add_head_rcu(&rule->hnode,
			   &sf->buckets[subtree_hash(dev, key->ino)]);
	list_add_tail_rcu(&rule->lnode, &sf->rules);
	sf->nr_rules++;
	return 1;
}

static int subtree_del_key(struct subtree_filter *sf,
			   const struct subtree_key *key)
{
	struct subtree_rule *rule;

	if (key->dev > U32_MAX || key->ino > ULONG_MAX)
		return 0;
	rule = subtree_find(sf, new_decode_dev(key->dev), key->ino);
	if (!rule)
		return 0;
	hlist_del_rcu(&rule->hnode);
	list_del_rcu(&rule->lnode);
	sf->nr_rules--;
	kfree_rcu(rule, rcu);
	return 1;
}

static int subtree_clear(struct subtree_filter *sf)
{
	struct subtree_rule *rule, *tmp;
	int n = 0;

	list_for_each_entry_safe(rule, tmp, &sf->rules, lnode) {
		hlist_del_rcu(&rule->hnode);
		list_del_rcu(&rule->lnode);
		kfree_rcu(rule, rcu);
		n++;
	}
	sf->nr_rules = 0;
	return n;
}

/*
 * Apply ADD or DEL to @n keys.  Keys are resolved before any change, so a
 * bad fd changes nothing; an allocation failure midway leaves the rules
 * added so far in place and returns -ENOMEM.
 */
static int subtree_apply(struct subtree_filter *sf, bool add,
			 const struct subtree_key *keys, unsigned int n)
{
	unsigned int i;
	int ret, count = 0;

	mutex_lock(&sf->lock);
	for (i = 0; i < n; i++) {
		ret = add ? subtree_add_key(sf, &keys[i]) :
			    subtree_del_key(sf, &keys[i]);
		if (ret < 0) {
			count = ret;
			break;
		}
		count += ret;
	}
	mutex_unlock(&sf->lock);
	return count;
}

static int subtree_apply_fds(struct subtree_filter *sf, bool add,
			     const s32 *fds, unsigned int n)
{
	struct subtree_key *keys;
	unsigned int i;
	int ret;

	keys = kvmalloc_array(n, sizeof(*keys), GFP_KERNEL);
	if (!keys)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		ret = subtree_key_from_fd(fds[i], &keys[i]);
		if (ret)
			goto out;
	}
	ret = subtree_apply(sf, add, keys, n);
out:
	kvfree(keys);
	return ret;
}

static void subtree_free_filter(struct subtree_filter *sf)
{
	struct subtree_rule *rule, *tmp;

	/* No reader left: the core waited for a grace period. */
	list_for_each_entry_safe(rule, tmp, &sf->rules, lnode)
		kfree(rule);
	free_percpu(sf->stats);
	kvfree(sf);
}

static int subtree_init(struct fsnotify_group *group,
			struct fanotify_filter_hook *hook, void *args)
{
	const struct subtree_init_args *ia = args;
	struct subtree_filter *sf;
	unsigned int i;
	int ret;

	if (!ia || ia->strategy > SUBTREE_STRATEGY_LOOP ||
	    ia->mode > SUBTREE_MODE_DENY || ia->nr_fds > SUBTREE_INIT_FDS)
		return -EINVAL;

	sf = kvzalloc(sizeof(*sf), GFP_KERNEL_ACCOUNT);
	if (!sf)
		return -ENOMEM;
	sf->stats = alloc_percpu(struct subtree_stats);
	if (!sf->stats) {
		kvfree(sf);
		return -ENOMEM;
	}
	sf->strategy = ia->strategy;
	sf->mode = ia->mode;
	mutex_init(&sf->lock);
	INIT_LIST_HEAD(&sf->rules);
	for (i = 0; i < ARRAY_SIZE(sf->buckets); i++)
		INIT_HLIST_HEAD(&sf->buckets[i]);

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
	}
	return copy_to_user(arg, &sum, sizeof(sum)) ? -EFAULT : 0;
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
		ret = subtree_apply(sf, true, buf,
				    size / sizeof(struct subtree_key));
		kvfree(buf);
		return ret;
	case SUBTREE_CTL_CLEAR:
		mutex_lock(&sf->lock);
		ret = subtree_clear(sf);
		mutex_unlock(&sf->lock);
		return ret;
	case SUBTREE_CTL_COUNT:
		return READ_ONCE(sf->nr_rules);
	case SUBTREE_CTL_STATS:
		return subtree_stats_ctl(sf, arg, size);
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
	.desc		= "sub-tree membership, strategies walk (O(depth)) and loop\n"
			  "(O(R x depth)), modes notify and deny",
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
