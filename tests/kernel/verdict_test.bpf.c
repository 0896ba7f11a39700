// SPDX-License-Identifier: GPL-2.0
/*
 * Test program for tests/kernel (bpf-verdict): a fanotify filter struct_ops
 * that answers the permission events of one inode (vt_ino, set by user
 * space) with whatever vt_verdict holds, kernel-internal codes such as
 * -ERESTARTSYS included, and skips every other event. The series must pass
 * only permission-check errnos on to the syscall and make the rest -EPERM.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

/* include/linux/fsnotify_backend.h (macros: not in BTF) */
#define VT_FS_OPEN_PERM		0x00010000

extern struct inode *bpf_fanotify_data_inode(struct fanotify_filter_event *event) __ksym;
extern void bpf_fanotify_iput(struct inode *inode) __ksym;

__u64 vt_ino;
int vt_verdict;
__u32 vt_hits;

SEC("struct_ops/filter")
int BPF_PROG(vt_filter, struct fsnotify_group *group,
	     struct fanotify_filter_hook *hook,
	     struct fanotify_filter_event *event)
{
	struct inode *inode;
	int ret = 0;		/* FAN_FILTER_RET_SKIP_EVENT: allowed */

	if (!(event->mask & VT_FS_OPEN_PERM))
		return 0;
	inode = bpf_fanotify_data_inode(event);
	if (!inode)
		return 0;
	if (vt_ino && inode->i_ino == vt_ino) {
		ret = vt_verdict;
		__sync_fetch_and_add(&vt_hits, 1);
	}
	bpf_fanotify_iput(inode);
	return ret;
}

SEC(".struct_ops")
struct fanotify_filter_ops verdict_test = {
	.filter = (void *)vt_filter,
	.name = "verdict_test",
};
