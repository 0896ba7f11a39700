// SPDX-License-Identifier: GPL-2.0
/*
 * Test program for tests/kernel (bpf-storage): a fanotify filter struct_ops
 * that uses inode storage on the event's directory (a trusted-or-NULL
 * field) and counts, per directory, the events it saw.  It passes every
 * event on.  Checks that the verifier accepts inode storage and event->dir
 * in fanotify_filter_ops programs.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_INODE_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} dir_events SEC(".maps");

SEC("struct_ops/filter")
int BPF_PROG(st_filter, struct fsnotify_group *group,
	     struct fanotify_filter_hook *hook,
	     struct fanotify_filter_event *event)
{
	struct inode *dir = event->dir;
	__u64 *v;

	if (!dir)
		return 1;
	v = bpf_inode_storage_get(&dir_events, dir, 0,
				  BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (v)
		__sync_fetch_and_add(v, 1);
	return 1;
}

SEC(".struct_ops")
struct fanotify_filter_ops storage_test = {
	.filter = (void *)st_filter,
	.name = "storage_test",
};
