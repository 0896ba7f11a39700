// SPDX-License-Identifier: GPL-2.0
/*
 * Test program for tests/kernel (bpf-kfunc): a fanotify filter struct_ops
 * that, for every open of a file, records three verdicts on the file's
 * dentry, keyed by its inode number: bpf_fanotify_subtree_rule() on
 * subtree.h's sb_table, subtree.h's BPF walk on the same table, and its
 * loop strategy on sb_rules. It also passes the kfunc tables it must refuse
 * (wrong map type, value size, number of entries) and keeps the results.
 * It sends nothing on (SKIP).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "subtree.h"

char LICENSE[] SEC("license") = "GPL";

#define FS_OPEN 0x00000020

extern struct dentry *bpf_fanotify_data_dentry(struct fanotify_filter_event *event) __ksym;
extern void bpf_fanotify_dput(struct dentry *dentry) __ksym;
extern int bpf_fanotify_subtree_rule(struct dentry *dentry, void *rules__map) __ksym;

struct kt_verdict {
	int kfunc;		/* bpf_fanotify_subtree_rule(): rule, -ENOENT, -EAGAIN */
	int walk;		/* sb_walk(): rule, SB_OUT, SB_UNDECIDED */
	int loop;		/* sb_loop() */
	int pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct kt_verdict);
} verdicts SEC(".maps");

/* Not rule tables: the kfunc must return -EINVAL for each. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct sb_rt_slot);
} bad_type SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} bad_value SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 12);
	__type(key, __u32);
	__type(value, struct sb_rt_slot);
} bad_entries SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct sb_rt_slot);
} bad_percpu SEC(".maps");

int bad[4];

SEC("struct_ops/filter")
int BPF_PROG(kt_filter, struct fsnotify_group *group,
	     struct fanotify_filter_hook *hook,
	     struct fanotify_filter_event *event)
{
	struct kt_verdict v = {};
	struct inode *inode;
	struct dentry *d;
	__u64 ino;

	if (!(event->mask & FS_OPEN))
		return 0;
	d = bpf_fanotify_data_dentry(event);
	if (!d)
		return 0;
	inode = d->d_inode;
	if (inode) {
		ino = inode->i_ino;
		v.kfunc = bpf_fanotify_subtree_rule(d, &sb_table);
		v.walk = sb_walk(d, d->d_sb->s_dev);
		v.loop = sb_loop(d, d->d_sb->s_dev);
		bpf_map_update_elem(&verdicts, &ino, &v, BPF_ANY);
	}
	bad[0] = bpf_fanotify_subtree_rule(d, &bad_type);
	bad[1] = bpf_fanotify_subtree_rule(d, &bad_value);
	bad[2] = bpf_fanotify_subtree_rule(d, &bad_entries);
	bad[3] = bpf_fanotify_subtree_rule(d, &bad_percpu);
	bpf_fanotify_dput(d);
	return 0;
}

SEC(".struct_ops")
struct fanotify_filter_ops kfunc_test = {
	.filter = (void *)kt_filter,
	.name = "kfunc_test",
};
