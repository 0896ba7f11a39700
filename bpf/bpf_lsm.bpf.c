// SPDX-License-Identifier: GPL-2.0
/*
 * bpf-lsm: the sub-tree filter as BPF LSM programs (global: every file
 * operation on the machine runs them).
 *
 * Hooks: the inode_* hooks plus file_open. The inode_* hooks are called from
 * the vfs_* functions, after their own permission checks, so they also see
 * in-kernel callers (nfsd, overlayfs, cachefiles) and need no
 * CONFIG_SECURITY_PATH. An O_CREAT open does not go through vfs_create():
 * lookup_open() calls may_o_create(), which calls security_inode_create() (and
 * security_path_mknod()), so inode_create sees it (6.12 fs/namei.c). On a
 * filesystem whose dentries can be evicted (not tmpfs) may_o_create() runs
 * before the lookup, so an O_CREAT open of an existing, uncached file is
 * reported as a CREATE. inode_rename: security_inode_rename() calls the hook
 * a second time, with the sides swapped, for RENAME_EXCHANGE.
 *
 * notify: every program decides scope and sends in-scope events to the ring
 * buffer. deny (user space loads file_open only): opens of in-scope regular
 * files fail with EPERM; nothing is sent.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define SB_WITH_TAGS	/* LSM programs have inode storage: the tag strategy */
#include "subtree.h"
#include "events.h"

#define EPERM 1
#define SB_S_IFREG 0100000

char LICENSE[] SEC("license") = "GPL";

const volatile bool sb_deny = false;

SEC("lsm/file_open")
int BPF_PROG(sb_file_open, struct file *file, int ret)
{
	struct inode *inode;

	if (ret)
		return ret;
	if (!sb_deny) {
		sb_notify_open(file);
		return 0;
	}
	inode = file->f_inode;
	if (!inode || (inode->i_mode & SB_S_IFMT) != SB_S_IFREG)
		return 0;
	return sb_dentry_in_scope(file->f_path.dentry) ? -EPERM : 0;
}

/* tag: a new directory inherits its parent's tag (loaded for tag only) */
SEC("lsm/d_instantiate")
int BPF_PROG(sb_d_instantiate, struct dentry *dentry, struct inode *inode)
{
	sb_tag_new_dir(dentry, inode);
	return 0;
}

SEC("lsm/inode_create")
int BPF_PROG(sb_inode_create, struct inode *dir, struct dentry *dentry, umode_t mode, int ret)
{
	if (!ret)
		sb_notify_create(dentry);
	return ret;
}

SEC("lsm/inode_mkdir")
int BPF_PROG(sb_inode_mkdir, struct inode *dir, struct dentry *dentry, umode_t mode, int ret)
{
	if (!ret)
		sb_notify_create(dentry);
	return ret;
}

SEC("lsm/inode_mknod")
int BPF_PROG(sb_inode_mknod, struct inode *dir, struct dentry *dentry, umode_t mode,
	     dev_t dev, int ret)
{
	if (!ret)
		sb_notify_create(dentry);
	return ret;
}

SEC("lsm/inode_symlink")
int BPF_PROG(sb_inode_symlink, struct inode *dir, struct dentry *dentry, const char *old_name,
	     int ret)
{
	if (!ret)
		sb_notify_create(dentry);
	return ret;
}

SEC("lsm/inode_link")
int BPF_PROG(sb_inode_link, struct dentry *old_dentry, struct inode *dir,
	     struct dentry *new_dentry, int ret)
{
	if (!ret)
		sb_notify_create(new_dentry);
	return ret;
}

SEC("lsm/inode_unlink")
int BPF_PROG(sb_inode_unlink, struct inode *dir, struct dentry *dentry, int ret)
{
	if (!ret)
		sb_notify_delete(dentry);
	return ret;
}

SEC("lsm/inode_rmdir")
int BPF_PROG(sb_inode_rmdir, struct inode *dir, struct dentry *dentry, int ret)
{
	if (!ret)
		sb_notify_delete(dentry);
	return ret;
}

SEC("lsm/inode_rename")
int BPF_PROG(sb_inode_rename, struct inode *old_dir, struct dentry *old_dentry,
	     struct inode *new_dir, struct dentry *new_dentry, int ret)
{
	if (!ret)
		sb_notify_rename(old_dentry, new_dentry);
	return ret;
}
