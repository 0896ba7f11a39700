// SPDX-License-Identifier: GPL-2.0
/* Must be refused by the verifier: an acquired dentry is never released. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

extern struct dentry *bpf_fanotify_data_dentry(struct fanotify_filter_event *event) __ksym;

SEC("struct_ops/filter")
int BPF_PROG(bad_leak, struct fsnotify_group *group,
	     struct fanotify_filter_hook *hook,
	     struct fanotify_filter_event *event)
{
	struct dentry *d = bpf_fanotify_data_dentry(event);

	return d ? 1 : 0;
}

SEC(".struct_ops")
struct fanotify_filter_ops bad_leak_ops = {
	.filter = (void *)bad_leak,
	.name = "bad_leak",
};
