// SPDX-License-Identifier: GPL-2.0
/*
 * bpf-fentry: the sub-tree filter as BPF tracing (fentry) programs (global:
 * every file operation on the machine runs them). notify only: an fentry
 * program cannot change its function's return value.
 *
 * Hooks: fentry on the security_*() functions that bpf-lsm's hooks are
 * called from (security_file_open, security_inode_{create,mkdir,mknod,
 * symlink,link,unlink,rmdir,rename}), so the two backends differ only in the
 * attach mechanism. Why these and not others:
 * - they fire for every operation of the kind on any filesystem, marks or
 *   not; fsnotify() is not even called when the superblock has no mark, and
 *   send_to_group() is inlined;
 * - an O_CREAT open never calls vfs_create(): lookup_open() ->
 *   may_o_create() -> security_inode_create() (6.12 fs/namei.c), so
 *   security_inode_create covers creat()/open(O_CREAT) and mknod(S_IFREG);
 * - security_file_open() runs for every open but O_PATH, from
 *   do_dentry_open(), before fsnotify_open_perm();
 * - the security_* functions exist whenever CONFIG_SECURITY is set, whether
 *   or not BPF LSM is active (lsm=).
 * security_inode_rename() is called once for RENAME_EXCHANGE (the LSM hook
 * twice): both directions are reported here.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "subtree.h"
#include "events.h"

#define SB_RENAME_EXCHANGE (1 << 1)

char LICENSE[] SEC("license") = "GPL";

SEC("fentry/security_file_open")
int BPF_PROG(sb_file_open, struct file *file)
{
	sb_notify_open(file);
	return 0;
}

SEC("fentry/security_inode_create")
int BPF_PROG(sb_inode_create, struct inode *dir, struct dentry *dentry, umode_t mode)
{
	sb_notify_create(dentry);
	return 0;
}

SEC("fentry/security_inode_mkdir")
int BPF_PROG(sb_inode_mkdir, struct inode *dir, struct dentry *dentry, umode_t mode)
{
	sb_notify_create(dentry);
	return 0;
}

SEC("fentry/security_inode_mknod")
int BPF_PROG(sb_inode_mknod, struct inode *dir, struct dentry *dentry, umode_t mode, dev_t dev)
{
	sb_notify_create(dentry);
	return 0;
}

SEC("fentry/security_inode_symlink")
int BPF_PROG(sb_inode_symlink, struct inode *dir, struct dentry *dentry, const char *old_name)
{
	sb_notify_create(dentry);
	return 0;
}

SEC("fentry/security_inode_link")
int BPF_PROG(sb_inode_link, struct dentry *old_dentry, struct inode *dir,
	     struct dentry *new_dentry)
{
	sb_notify_create(new_dentry);
	return 0;
}

SEC("fentry/security_inode_unlink")
int BPF_PROG(sb_inode_unlink, struct inode *dir, struct dentry *dentry)
{
	sb_notify_delete(dentry);
	return 0;
}

SEC("fentry/security_inode_rmdir")
int BPF_PROG(sb_inode_rmdir, struct inode *dir, struct dentry *dentry)
{
	sb_notify_delete(dentry);
	return 0;
}

SEC("fentry/security_inode_rename")
int BPF_PROG(sb_inode_rename, struct inode *old_dir, struct dentry *old_dentry,
	     struct inode *new_dir, struct dentry *new_dentry, unsigned int flags)
{
	if (flags & SB_RENAME_EXCHANGE)
		sb_notify_rename(new_dentry, old_dentry);
	sb_notify_rename(old_dentry, new_dentry);
	return 0;
}
