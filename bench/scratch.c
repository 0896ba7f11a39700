// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <ftw.h>
#include <mntent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "box.h"
#include "scratch.h"

#define TMPFS_OPTS "mode=0755,size=50%,nr_inodes=0"
#define BASE_PREFIX "/tmp/subtree-bench."

volatile sig_atomic_t sb_interrupted;
static struct sb_scratch *active;

static int mount_tmpfs(const char *dir, char *err, size_t errlen)
{
	if (mount("subtree-bench", dir, "tmpfs", MS_NOSUID | MS_NODEV, TMPFS_OPTS)) {
		snprintf(err, errlen, "mount tmpfs on '%s': %s%s", dir, strerror(errno),
			 errno == EPERM ? " (run as root, or give --root DIR on a filesystem you may write)" : "");
		return -1;
	}
	return 0;
}

int sb_scratch_open(struct sb_scratch *s, const char *root, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	/*
	 * In the bench VM the paths must be the same in every boot: a consumer
	 * that hashes paths would otherwise cost a different number of
	 * instructions each time. The guest's /tmp is its own.
	 */
	if (sb_in_guest()) {
		snprintf(s->base, sizeof(s->base), BASE_PREFIX "guest");
		if (mkdir(s->base, 0755) && errno != EEXIST) {
			snprintf(err, errlen, "mkdir '%s': %s", s->base, strerror(errno));
			s->base[0] = '\0';
			return -1;
		}
	} else {
		snprintf(s->base, sizeof(s->base), BASE_PREFIX "%d.XXXXXX", (int)getpid());
		if (!mkdtemp(s->base)) {
			snprintf(err, errlen, "mkdtemp '%s': %s", s->base, strerror(errno));
			s->base[0] = '\0';
			return -1;
		}
	}
	snprintf(s->out, sizeof(s->out), "%s/outside", s->base);
	if (root) {
		snprintf(s->mon, sizeof(s->mon), "%s/subtree-bench.XXXXXX", root);
		if (!mkdtemp(s->mon)) {
			snprintf(err, errlen, "--root '%s': %s: give an existing, writable directory",
				 root, strerror(errno));
			s->mon[0] = '\0';
			goto fail;
		}
		s->own_mon = true;
	} else {
		snprintf(s->mon, sizeof(s->mon), "%s/monitored", s->base);
		if (mkdir(s->mon, 0755) || mount_tmpfs(s->mon, err, errlen))
			goto fail;
		s->mon_mounted = true;
	}
	if (mkdir(s->out, 0755) || mount_tmpfs(s->out, err, errlen))
		goto fail;
	s->out_mounted = true;
	active = s;
	return 0;
fail:
	if (!err[0])
		snprintf(err, errlen, "scratch '%s': %s", s->base, strerror(errno));
	sb_scratch_close(s);
	return -1;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	if (ftw->level == 0)
		return 0;	/* keep the top itself */
	return remove(path);
}

static int empty_dir(const char *dir)
{
	return nftw(dir, remove_entry, 64, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

/* A fresh tmpfs is the fastest way to an empty tree of 100,000 entries. */
static int reset_one(const char *dir, bool mounted, char *err, size_t errlen)
{
	if (!mounted)
		return empty_dir(dir) ? (snprintf(err, errlen, "emptying '%s': %s", dir,
						  strerror(errno)), -1) : 0;
	if (umount2(dir, MNT_DETACH)) {
		snprintf(err, errlen, "umount '%s': %s", dir, strerror(errno));
		return -1;
	}
	return mount_tmpfs(dir, err, errlen);
}

int sb_scratch_reset(struct sb_scratch *s, char *err, size_t errlen)
{
	if (reset_one(s->mon, s->mon_mounted, err, errlen))
		return -1;
	return reset_one(s->out, s->out_mounted, err, errlen);
}

void sb_scratch_close(struct sb_scratch *s)
{
	if (s->out_mounted && !umount2(s->out, MNT_DETACH))
		s->out_mounted = false;
	if (s->mon_mounted && !umount2(s->mon, MNT_DETACH))
		s->mon_mounted = false;
	if (s->own_mon) {
		empty_dir(s->mon);
		rmdir(s->mon);
		s->own_mon = false;
	}
	if (s->base[0]) {
		rmdir(s->out);
		if (!s->own_mon)
			rmdir(s->mon);
		rmdir(s->base);
		s->base[0] = '\0';
	}
	if (active == s)
		active = NULL;
}

void sb_scratch_reap_stale(void)
{
	FILE *f = setmntent("/proc/self/mounts", "r");
	struct mntent *m;

	if (!f)
		return;
	while ((m = getmntent(f))) {
		int pid;
		char path[PATH_MAX];

		if (strncmp(m->mnt_dir, BASE_PREFIX, strlen(BASE_PREFIX)) ||
		    sscanf(m->mnt_dir + strlen(BASE_PREFIX), "%d.", &pid) != 1)
			continue;
		if (pid == getpid() || !kill(pid, 0) || errno != ESRCH)
			continue;
		fprintf(stderr, "subtree-bench: unmounting %s, left by run %d that was killed\n",
			m->mnt_dir, pid);
		snprintf(path, sizeof(path), "%s", m->mnt_dir);
		if (!umount2(path, MNT_DETACH)) {
			rmdir(path);
			*strrchr(path, '/') = '\0';
			rmdir(path);
		}
	}
	endmntent(f);
}

/* Async-signal-safe: only syscalls. */
static void crash_cleanup(void)
{
	struct sb_scratch *s = active;

	if (!s)
		return;
	if (s->out_mounted)
		umount2(s->out, MNT_DETACH);
	if (s->mon_mounted)
		umount2(s->mon, MNT_DETACH);
	rmdir(s->out);
	if (!s->own_mon)
		rmdir(s->mon);
	rmdir(s->base);
}

static void on_crash(int sig)
{
	crash_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_interrupt(int sig)
{
	static const char msg[] = "subtree-bench: interrupted: stopping after this step (again to quit now)\n";

	if (sb_interrupted) {
		crash_cleanup();
		_exit(128 + sig);
	}
	sb_interrupted = sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		return;
}

void sb_install_signal_handlers(struct sb_scratch *s)
{
	static const int crash[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL };
	struct sigaction sa = { 0 };

	active = s;
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_interrupt;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof(crash) / sizeof(crash[0]); i++)
		sigaction(crash[i], &sa, NULL);
}
