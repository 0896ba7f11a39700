// SPDX-License-Identifier: GPL-2.0
/* Must be refused by the verifier: fanotify filter programs are read-only. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/filter")
int BPF_PROG(bad_write, struct fsnotify_group *group,
	     struct fanotify_filter_hook *hook,
	     struct fanotify_filter_event *event)
{
	event->mask = 0;
	return 1;
}

SEC(".struct_ops")
struct fanotify_filter_ops bad_write_ops = {
	.filter = (void *)bad_write,
	.name = "bad_write",
};
