// SPDX-License-Identifier: GPL-2.0
/*
 * Test program for tests/kernel (bpf-rename-seq): subtree.h's rename
 * policy reads rename_lock's sequence count through an untyped ksym. Can
 * each program type the filters use read it? An LSM, an fentry and a
 * fanotify filter struct_ops program each record sb_rename_seq() on every
 * open by the test (target_tgid); the test renames a file N times between
 * two opens and expects each value to have grown by 2N (d_move() is one
 * write section: +1 at its start, +1 at its end).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "subtree.h"

char LICENSE[] SEC("license") = "GPL";

int target_tgid;
__u32 seq[3];		/* lsm, fentry, struct_ops */
__u32 runs[3];

static __always_inline void rs_record(int i)
{
	if ((int)(bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return;
	seq[i] = sb_rename_seq();
	runs[i]++;
}

SEC("lsm/file_open")
int BPF_PROG(rs_lsm, struct file *file, int ret)
{
	rs_record(0);
	return ret;
}

SEC("fentry/security_file_open")
int BPF_PROG(rs_fentry, struct file *file)
{
	rs_record(1);
	return 0;
}

SEC("struct_ops/filter")
int BPF_PROG(rs_filter, struct fsnotify_group *group,
	     struct fanotify_filter_hook *hook,
	     struct fanotify_filter_event *event)
{
	rs_record(2);
	return 0;
}

SEC(".struct_ops")
struct fanotify_filter_ops rename_seq_test = {
	.filter = (void *)rs_filter,
	.name = "rename_seq_test",
};
