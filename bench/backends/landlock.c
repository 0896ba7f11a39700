// SPDX-License-Identifier: GPL-2.0
/*
 * landlock: deny only. Landlock is the kernel's own sub-tree access control,
 * an allow-list enforced per thread with landlock_restrict_self(): the
 * thread may use a handled right only beneath a path a rule grants it on.
 * Deny-inside is built as the closest allow-list (bench/landlock_rules.h):
 * rules beneath every entry of every ancestor of a root that is not on the
 * way to a root, none on the roots, so opens of files in the sub-trees fail
 * with EACCES, Landlock's errno. attach builds the ruleset; enter_workload
 * restricts the thread (or forked child) that runs the operations, with
 * no_new_privs and no capability, and the restriction ends with that thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/landlock.h>

#include "../backend.h"
#include "../landlock_rules.h"

/*
 * What an open needs, as the other deny backends fail every open of an
 * in-scope file (reading, writing, executing). Not READ_DIR: listing the
 * ancestors, which have no rule, must keep working; not TRUNCATE (ABI 3):
 * truncate(2) is not an open, and the others allow it.
 */
#define LL_WANTED (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | \
		   LANDLOCK_ACCESS_FS_WRITE_FILE)

struct ll_priv {
	int ruleset_fd;
	int abi;
	uint64_t handled;
	uint64_t rules;		/* landlock_add_rule() calls that made the ruleset */
	uint64_t ancestors;	/* directories listed for them */
	uint64_t restricted;	/* threads or children restricted with it */
};

static int ll_abi(void)
{
	return (int)syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
}

static int ll_probe(enum sb_mode mode, char *why, size_t len)
{
	int abi = ll_abi();

	if (abi < 0) {
		int e = errno;

		if (e == ENOSYS)
			snprintf(why, len, "the kernel has no Landlock (landlock_create_ruleset: ENOSYS): build it with CONFIG_SECURITY_LANDLOCK=y");
		else if (e == EOPNOTSUPP)
			snprintf(why, len, "Landlock is built but not active: it is not in the lsm= list (landlock_create_ruleset: EOPNOTSUPP): boot with landlock in lsm=");
		else
			snprintf(why, len, "landlock_create_ruleset: %s (%s)", strerror(e), strerrorname_np(e));
		return -1;
	}
	if (mode != SB_MODE_DENY) {
		snprintf(why, len, "Landlock only denies: it reports nothing to user space (ABI %d here)", abi);
		return -1;
	}
	return 0;
}

static void ll_detach(struct sb_backend *b)
{
	struct ll_priv *p = b->priv;

	if (!p)
		return;
	if (p->ruleset_fd >= 0)
		close(p->ruleset_fd);
	free(p);
	b->priv = NULL;
}

static int ll_add_rule(struct ll_priv *p, const struct sb_ll_entry *e, char *err, size_t len)
{
	struct landlock_path_beneath_attr pb = { 0 };
	struct stat st;
	int fd = open(e->path, O_PATH | O_CLOEXEC | O_NOFOLLOW), ret;

	if (fd < 0)
		return errno == ENOENT ? 0 : (snprintf(err, len, "landlock: opening '%s' for its rule: %s",
						       e->path, strerror(errno)), -1);
	if (fstat(fd, &st)) {
		snprintf(err, len, "landlock: fstat '%s': %s", e->path, strerror(errno));
		close(fd);
		return -1;
	}
	/* A rule on a non-directory may grant only file rights; a symlink needs none. */
	if (S_ISLNK(st.st_mode)) {
		close(fd);
		return 0;
	}
	pb.parent_fd = fd;
	pb.allowed_access = S_ISDIR(st.st_mode) ? p->handled : p->handled & sb_ll_file_rights();
	ret = (int)syscall(SYS_landlock_add_rule, p->ruleset_fd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	if (ret)
		snprintf(err, len, "landlock: landlock_add_rule('%s'): %s", e->path, strerror(errno));
	else
		p->rules++;
	close(fd);
	return ret ? -1 : 0;
}

static int ll_attach(struct sb_backend *b)
{
	const struct sb_rules *r = b->args.rules;
	struct landlock_ruleset_attr attr = { 0 };
	struct sb_ll_plan plan = { 0 };
	struct ll_priv *p;
	char **roots;

	p = calloc(1, sizeof(*p));
	roots = calloc(r->n ? r->n : 1, sizeof(*roots));
	if (!p || !roots) {
		snprintf(b->err, sizeof(b->err), "landlock: out of memory");
		free(p);
		free(roots);
		return -1;
	}
	p->ruleset_fd = -1;
	b->priv = p;
	p->abi = ll_abi();
	if (p->abi < 1) {
		snprintf(b->err, sizeof(b->err), "landlock: landlock_create_ruleset(VERSION): %s", strerror(errno));
		goto fail;
	}
	/* The highest ABI the kernel offers; handle only rights it knows. */
	p->handled = LL_WANTED & sb_ll_abi_fs_rights(p->abi);
	attr.handled_access_fs = p->handled;
	p->ruleset_fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (p->ruleset_fd < 0) {
		snprintf(b->err, sizeof(b->err), "landlock: landlock_create_ruleset: %s", strerror(errno));
		goto fail;
	}
	for (size_t i = 0; i < r->n; i++)
		roots[i] = r->v[i].path;	/* realpath'd by sb_rules_resolve() */
	if (sb_ll_plan_build(&plan, roots, r->n, sb_ll_list_dir, NULL, b->err, sizeof(b->err)))
		goto fail;
	p->ancestors = plan.ancestors;
	for (size_t i = 0; i < plan.n; i++)
		if (ll_add_rule(p, &plan.v[i], b->err, sizeof(b->err)))
			goto fail;
	if (b->args.verbose)
		fprintf(stderr, "landlock: ABI %d, handled access 0x%llx, %llu rules beneath the entries of %llu ancestors\n",
			p->abi, (unsigned long long)p->handled, (unsigned long long)p->rules,
			(unsigned long long)p->ancestors);
	sb_ll_plan_free(&plan);
	free(roots);
	return 0;
fail:
	sb_ll_plan_free(&plan);
	free(roots);
	ll_detach(b);
	return -1;
}

/*
 * On the workload's own thread (or forked child): irreversible for it and
 * inherited by what it starts, which is why the harness gives every step a
 * fresh thread. no_new_privs on this thread only: no privilege is needed.
 */
static int ll_enter_workload(struct sb_backend *b)
{
	struct ll_priv *p = b->priv;

	if (!p || p->ruleset_fd < 0) {
		snprintf(b->err, sizeof(b->err), "landlock: not attached");
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		snprintf(b->err, sizeof(b->err), "landlock: prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
		return -1;
	}
	if (syscall(SYS_landlock_restrict_self, p->ruleset_fd, 0)) {
		snprintf(b->err, sizeof(b->err), "landlock: landlock_restrict_self: %s", strerror(errno));
		return -1;
	}
	p->restricted++;
	return 0;
}

static void ll_counters(struct sb_backend *b, json_t *out)
{
	struct ll_priv *p = b->priv;

	if (!p)
		return;
	json_object_set_new(out, "landlock_rules", json_integer((json_int_t)p->rules));
	json_object_set_new(out, "landlock_ancestors_listed", json_integer((json_int_t)p->ancestors));
	json_object_set_new(out, "landlock_threads_restricted", json_integer((json_int_t)p->restricted));
}

const struct sb_backend_ops sb_backend_landlock = {
	.name = "landlock",
	.summary = "Landlock path-beneath rules on the workload thread: allowed beneath every entry off the way to a root, denied in the sub-trees (EACCES)",
	.modes = SB_BIT(SB_MODE_DENY),
	.strategies = 0,	/* Landlock's own walk; none of ours applies */
	.deny_errno = EACCES,
	.unprivileged = true,
	.probe = ll_probe,
	.attach = ll_attach,
	.enter_workload = ll_enter_workload,
	.detach = ll_detach,
	.counters = ll_counters,
};
