// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/btrfs.h>
#include <linux/loop.h>
#include <mntent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "box.h"
#include "scratch.h"

#define TMPFS_OPTS "mode=0755,size=50%,nr_inodes=0"
#define BASE_PREFIX "/tmp/subtree-bench."
/*
 * Sparse: it costs what the filesystem writes (on the guest's tmpfs /tmp,
 * RAM). xfs wants at least 300 MB; one size for all keeps cells comparable.
 */
#define IMG_BYTES (1024LL << 20)
#define BTRFS_SUBVOL "subvol"
#define FIXED_UUID "5b7e0000-0000-4000-8000-000000000001"

volatile sig_atomic_t sb_interrupted;
static struct sb_scratch *active;

static const struct {
	const char *name, *kernel_name, *mkfs;
} fs_info[SB_FS__COUNT] = {
	[SB_FS_TMPFS] = { "tmpfs", "tmpfs", NULL },
	[SB_FS_EXT4] = { "ext4", "ext4", "mkfs.ext4" },
	[SB_FS_XFS] = { "xfs", "xfs", "mkfs.xfs" },
	[SB_FS_BTRFS] = { "btrfs", "btrfs", "mkfs.btrfs" },
	[SB_FS_OVERLAY] = { "overlay", "overlay", NULL },
};

/* Debian's packages of the mkfs tools, for the messages. */
static const char *const fs_package[SB_FS__COUNT] = {
	[SB_FS_EXT4] = "e2fsprogs", [SB_FS_XFS] = "xfsprogs", [SB_FS_BTRFS] = "btrfs-progs",
};

const char *sb_fs_name(enum sb_fs fs)
{
	return fs < SB_FS__COUNT ? fs_info[fs].name : "?";
}

int sb_fs_parse(const char *name, enum sb_fs *fs)
{
	for (int i = 0; i < SB_FS__COUNT; i++) {
		if (!strcmp(name, fs_info[i].name)) {
			*fs = i;
			return 0;
		}
	}
	return -1;
}

static bool kernel_has_fs(const char *name)
{
	FILE *f = fopen("/proc/filesystems", "r");
	char line[128];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *tab = strrchr(line, '\t');
		char *p = tab ? tab + 1 : line;

		p[strcspn(p, "\n")] = '\0';
		found = !strcmp(p, name);
	}
	fclose(f);
	return found;
}

/* Run argv, its output captured: 0 on exit status 0, else its last line in err. */
static int run_tool(char *const argv[], char *err, size_t errlen)
{
	int pfd[2], status;
	char buf[4096];
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (!pid) {
		int null = open("/dev/null", O_RDONLY);

		if (null >= 0)
			dup2(null, STDIN_FILENO);
		dup2(pfd[1], STDOUT_FILENO);
		dup2(pfd[1], STDERR_FILENO);
		execvp(argv[0], argv);
		dprintf(STDERR_FILENO, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], buf + len, sizeof(buf) - 1 - len)) > 0 || (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		len += n;
		if (len == sizeof(buf) - 1) {	/* keep the tail */
			memmove(buf, buf + len / 2, len - len / 2);
			len -= len / 2;
		}
	}
	close(pfd[0]);
	buf[len] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	while (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	{
		char *last = strrchr(buf, '\n');

		snprintf(err, errlen, "%s failed (%s %d): %.300s", argv[0],
			 WIFEXITED(status) ? "exit" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
			 last ? last + 1 : buf);
	}
	return -1;
}

static bool in_path(const char *tool)
{
	const char *path = getenv("PATH");
	char dirs[4096], *save = NULL, *d, file[PATH_MAX];

	snprintf(dirs, sizeof(dirs), "%s:/usr/sbin:/sbin", path ? path : "");
	for (d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(file, sizeof(file), "%s/%s", d, tool);
		if (!access(file, X_OK))
			return true;
	}
	return false;
}

int sb_fs_available(enum sb_fs fs, char *why, size_t len)
{
	const char *kname;

	if (fs >= SB_FS__COUNT) {
		snprintf(why, len, "unknown filesystem");
		return -1;
	}
	kname = fs_info[fs].kernel_name;
	if (!kernel_has_fs(kname)) {
		/* A module not loaded yet: mount would load it, so try the same. */
		char *argv[] = { "modprobe", "-q", (char *)kname, NULL };
		char ignored[256];

		if (sb_in_guest() || run_tool(argv, ignored, sizeof(ignored)) || !kernel_has_fs(kname)) {
			snprintf(why, len, "the running kernel has no %s (not in /proc/filesystems%s)",
				 kname, sb_in_guest() ? "" : ", and `modprobe " "-q' did not load it");
			return -1;
		}
	}
	if (fs_info[fs].mkfs) {
		if (!in_path(fs_info[fs].mkfs)) {
			snprintf(why, len, "%s not found: install %s (scripts/deps.sh)",
				 fs_info[fs].mkfs, fs_package[fs]);
			return -1;
		}
		if (access("/dev/loop-control", R_OK | W_OK)) {
			char *argv[] = { "modprobe", "-q", "loop", NULL };
			char ignored[256];

			if (sb_in_guest() || run_tool(argv, ignored, sizeof(ignored)) ||
			    access("/dev/loop-control", R_OK | W_OK)) {
				snprintf(why, len, "no loop devices: /dev/loop-control: %s", strerror(errno));
				return -1;
			}
		}
	}
	return 0;
}

static int mount_tmpfs(const char *dir, char *err, size_t errlen)
{
	if (mount("subtree-bench", dir, "tmpfs", MS_NOSUID | MS_NODEV, TMPFS_OPTS)) {
		snprintf(err, errlen, "mount tmpfs on '%s': %s%s", dir, strerror(errno),
			 errno == EPERM ? " (run as root, or give --root DIR on a filesystem you may write)" : "");
		return -1;
	}
	return 0;
}

/*
 * A loop device over the image, autoclear: it detaches itself when its last
 * user (the mount) goes away, so an unmount is all the cleanup it needs,
 * also after a crash. Returns its fd (close it after mounting), or -1.
 */
static int loop_attach(const char *img, char *dev, size_t devlen, char *err, size_t errlen)
{
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC), ifd, lfd = -1;

	if (ctl < 0) {
		snprintf(err, errlen, "/dev/loop-control: %s", strerror(errno));
		return -1;
	}
	ifd = open(img, O_RDWR | O_CLOEXEC);
	if (ifd < 0) {
		snprintf(err, errlen, "open '%s': %s", img, strerror(errno));
		close(ctl);
		return -1;
	}
	for (int tries = 0; tries < 16; tries++) {
		struct loop_config cfg = { .fd = ifd, .info = { .lo_flags = LO_FLAGS_AUTOCLEAR } };
		int n = ioctl(ctl, LOOP_CTL_GET_FREE);

		if (n < 0) {
			snprintf(err, errlen, "LOOP_CTL_GET_FREE: %s", strerror(errno));
			break;
		}
		snprintf(dev, devlen, "/dev/loop%d", n);
		memcpy(cfg.info.lo_file_name, img, strnlen(img, sizeof(cfg.info.lo_file_name) - 1));
		lfd = open(dev, O_RDWR | O_CLOEXEC);
		if (lfd < 0) {
			snprintf(err, errlen, "open '%s': %s", dev, strerror(errno));
			break;
		}
		if (!ioctl(lfd, LOOP_CONFIGURE, &cfg))
			break;
		snprintf(err, errlen, "LOOP_CONFIGURE '%s': %s", dev, strerror(errno));
		close(lfd);
		lfd = -1;
		if (errno != EBUSY)	/* EBUSY: another process took it first */
			break;
	}
	close(ifd);
	close(ctl);
	return lfd;
}

static int make_image(const char *img, char *err, size_t errlen)
{
	int fd = open(img, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || ftruncate(fd, IMG_BYTES)) {
		snprintf(err, errlen, "image '%s': %s", img, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int rmdir_at(const char *dir, const char *name, char *err, size_t errlen)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) ||
	    (rmdir(path) && errno != ENOENT)) {
		snprintf(err, errlen, "rmdir '%s/%s': %s", dir, name, strerror(errno));
		return -1;
	}
	return 0;
}

static int mount_block_fs(struct sb_scratch *s, enum sb_fs fs, char *err, size_t errlen)
{
	char dev[64], e[512];
	int lfd;
	/*
	 * In the bench VM the same filesystem in every boot: a random UUID (and
	 * ext4's directory hash seed) would lay directories out, and cost
	 * instructions, differently each time. Not on a host, where runs may
	 * overlap and btrfs refuses a second filesystem with a mounted one's UUID.
	 */
	bool fixed = sb_in_guest();
	char *ext4[] = { "mkfs.ext4", "-q", "-F", "-E", fixed ? "nodiscard,hash_seed=" FIXED_UUID : "nodiscard",
			 fixed ? "-U" : s->img, fixed ? FIXED_UUID : NULL, s->img, NULL };
	char *xfs[] = { "mkfs.xfs", "-q", "-f", "-K", fixed ? "-m" : s->img,
			fixed ? "uuid=" FIXED_UUID : NULL, s->img, NULL };
	char *btrfs[] = { "mkfs.btrfs", "-q", "-f", "-K", fixed ? "-U" : s->img, fixed ? FIXED_UUID : NULL,
			  s->img, NULL };
	char *const *argv = fs == SB_FS_EXT4 ? ext4 : fs == SB_FS_XFS ? xfs : btrfs;

	if (make_image(s->img, err, errlen))
		return -1;
	if (run_tool(argv, e, sizeof(e))) {
		snprintf(err, errlen, "%s: %.400s", fs_info[fs].name, e);
		return -1;
	}
	lfd = loop_attach(s->img, dev, sizeof(dev), err, errlen);
	if (lfd < 0)
		return -1;
	if (mount(dev, s->mnt, fs_info[fs].kernel_name, MS_NOSUID | MS_NODEV, NULL)) {
		snprintf(err, errlen, "mount %s (%s over '%s') on '%s': %s", fs_info[fs].name,
			 dev, s->img, s->mnt, strerror(errno));
		close(lfd);
		return -1;
	}
	close(lfd);
	s->mon_mounted = true;
	/* The tree builder owns the whole top; e2fsck would make it again. */
	if (fs == SB_FS_EXT4 && rmdir_at(s->mnt, "lost+found", err, errlen))
		return -1;
	if (fs == SB_FS_BTRFS) {
		struct btrfs_ioctl_vol_args args = { 0 };
		int dfd = open(s->mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		snprintf(args.name, sizeof(args.name), "%s", BTRFS_SUBVOL);
		if (dfd < 0 || ioctl(dfd, BTRFS_IOC_SUBVOL_CREATE, &args)) {
			snprintf(err, errlen, "btrfs subvolume '%s/%s': %s", s->mnt, BTRFS_SUBVOL,
				 strerror(errno));
			if (dfd >= 0)
				close(dfd);
			return -1;
		}
		close(dfd);
		if (snprintf(s->mon, sizeof(s->mon), "%s/%s", s->mnt, BTRFS_SUBVOL) >= (int)sizeof(s->mon)) {
			snprintf(err, errlen, "path too long: %s", s->mnt);
			return -1;
		}
	}
	return 0;
}

static int mount_overlay(struct sb_scratch *s, char *err, size_t errlen)
{
	static const char *const sub[] = { "lower", "upper", "work" };
	char opts[3 * PATH_MAX + 64], dir[PATH_MAX];

	if (mkdir(s->ovl, 0755) && errno != EEXIST) {
		snprintf(err, errlen, "mkdir '%s': %s", s->ovl, strerror(errno));
		return -1;
	}
	if (mount_tmpfs(s->ovl, err, errlen))
		return -1;
	s->ovl_mounted = true;
	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		if (snprintf(dir, sizeof(dir), "%s/%s", s->ovl, sub[i]) >= (int)sizeof(dir) ||
		    mkdir(dir, 0755)) {
			snprintf(err, errlen, "mkdir '%s': %s", dir, strerror(errno));
			return -1;
		}
	}
	snprintf(opts, sizeof(opts), "lowerdir=%s/lower,upperdir=%s/upper,workdir=%s/work",
		 s->ovl, s->ovl, s->ovl);
	if (mount("subtree-bench", s->mnt, "overlay", MS_NOSUID | MS_NODEV, opts)) {
		snprintf(err, errlen, "mount overlay on '%s' (%s): %s", s->mnt, opts, strerror(errno));
		return -1;
	}
	s->mon_mounted = true;
	return 0;
}

/* Unmount the monitored filesystem (and overlay's tmpfs), remove the image. */
static int unmount_mon(struct sb_scratch *s, char *err, size_t errlen)
{
	/* A plain umount first: the loop device detaches before we go on. */
	if (s->mon_mounted && umount2(s->mnt, 0) && umount2(s->mnt, MNT_DETACH)) {
		snprintf(err, errlen, "umount '%s': %s", s->mnt, strerror(errno));
		return -1;
	}
	s->mon_mounted = false;
	if (s->ovl_mounted && umount2(s->ovl, MNT_DETACH)) {
		snprintf(err, errlen, "umount '%s': %s", s->ovl, strerror(errno));
		return -1;
	}
	s->ovl_mounted = false;
	rmdir(s->ovl);
	unlink(s->img);
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
	snprintf(s->img, sizeof(s->img), "%s/fs.img", s->base);
	snprintf(s->ovl, sizeof(s->ovl), "%s/overlay", s->base);
	s->fs = SB_FS_TMPFS;
	if (root) {
		snprintf(s->mon, sizeof(s->mon), "%s/subtree-bench.XXXXXX", root);
		if (!mkdtemp(s->mon)) {
			snprintf(err, errlen, "--root '%s': %s: give an existing, writable directory",
				 root, strerror(errno));
			s->mon[0] = '\0';
			goto fail;
		}
		snprintf(s->mnt, sizeof(s->mnt), "%s", s->mon);
		s->own_mon = true;
	} else {
		snprintf(s->mnt, sizeof(s->mnt), "%s/monitored", s->base);
		snprintf(s->mon, sizeof(s->mon), "%s", s->mnt);
		if (mkdir(s->mnt, 0755) || mount_tmpfs(s->mnt, err, errlen))
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

/* A fresh filesystem is the fastest way to an empty tree of 100,000 entries. */
int sb_scratch_reset_fs(struct sb_scratch *s, enum sb_fs fs, char *err, size_t errlen)
{
	if (s->own_mon) {
		if (fs != SB_FS_TMPFS) {
			snprintf(err, errlen, "--root and --fs %s: the tree is under --root, on its filesystem",
				 sb_fs_name(fs));
			return -1;
		}
		if (empty_dir(s->mon)) {
			snprintf(err, errlen, "emptying '%s': %s", s->mon, strerror(errno));
			return -1;
		}
	} else {
		if (unmount_mon(s, err, errlen))
			return -1;
		snprintf(s->mon, sizeof(s->mon), "%s", s->mnt);
		s->fs = fs;
		if (fs == SB_FS_TMPFS) {
			if (mount_tmpfs(s->mnt, err, errlen))
				return -1;
			s->mon_mounted = true;
		} else if (fs == SB_FS_OVERLAY) {
			if (mount_overlay(s, err, errlen))
				return -1;
		} else if (mount_block_fs(s, fs, err, errlen)) {
			return -1;
		}
	}
	if (s->out_mounted && umount2(s->out, MNT_DETACH)) {
		snprintf(err, errlen, "umount '%s': %s", s->out, strerror(errno));
		return -1;
	}
	s->out_mounted = false;
	if (mount_tmpfs(s->out, err, errlen))
		return -1;
	s->out_mounted = true;
	return 0;
}

int sb_scratch_reset(struct sb_scratch *s, char *err, size_t errlen)
{
	return sb_scratch_reset_fs(s, s->fs, err, errlen);
}

void sb_scratch_close(struct sb_scratch *s)
{
	char err[256];

	if (s->out_mounted && !umount2(s->out, MNT_DETACH))
		s->out_mounted = false;
	if (!s->own_mon)
		unmount_mon(s, err, sizeof(err));
	if (s->own_mon) {
		empty_dir(s->mon);
		rmdir(s->mon);
		s->own_mon = false;
	} else if (s->base[0]) {
		rmdir(s->mnt);
	}
	if (s->base[0]) {
		rmdir(s->out);
		rmdir(s->base);
		s->base[0] = '\0';
	}
	if (active == s)
		active = NULL;
}

/* The pid of a run from a path under BASE_PREFIX, or -1 (the guest's fixed base has none). */
static int run_pid(const char *path)
{
	int pid;

	if (strncmp(path, BASE_PREFIX, strlen(BASE_PREFIX)) ||
	    sscanf(path + strlen(BASE_PREFIX), "%d.", &pid) != 1)
		return -1;
	return pid;
}

static bool dead(int pid)
{
	return pid > 0 && pid != getpid() && kill(pid, 0) && errno == ESRCH;
}

/*
 * Loop devices over a killed run's image that nothing mounts any more
 * (autoclear detaches the others when their mount goes): detach them.
 */
static void reap_loops(void)
{
	DIR *d = opendir("/sys/block");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char file[PATH_MAX], back[PATH_MAX], dev[300];
		FILE *f;
		int fd;

		if (strncmp(e->d_name, "loop", 4))
			continue;
		snprintf(file, sizeof(file), "/sys/block/%s/loop/backing_file", e->d_name);
		f = fopen(file, "r");
		if (!f)
			continue;
		if (!fgets(back, sizeof(back), f))
			back[0] = '\0';
		fclose(f);
		if (!dead(run_pid(back)))
			continue;
		snprintf(dev, sizeof(dev), "/dev/%s", e->d_name);
		fd = open(dev, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!ioctl(fd, LOOP_CLR_FD, 0))
			fprintf(stderr, "subtree-bench: detached %s, left by run %d that was killed\n",
				dev, run_pid(back));
		close(fd);
	}
	closedir(d);
}

void sb_scratch_reap_stale(void)
{
	FILE *f = setmntent("/proc/self/mounts", "r");
	struct mntent *m;
	char dirs[64][PATH_MAX];
	size_t n = 0;

	if (!f)
		return;
	/* Read first: unmounting while reading /proc/self/mounts skips entries. */
	while ((m = getmntent(f)) && n < sizeof(dirs) / sizeof(dirs[0])) {
		if (dead(run_pid(m->mnt_dir)))
			snprintf(dirs[n++], PATH_MAX, "%s", m->mnt_dir);
	}
	endmntent(f);
	/* Innermost first: a run's mounts nest only by name, but be safe. */
	while (n--) {
		char *path = dirs[n], *slash;

		fprintf(stderr, "subtree-bench: unmounting %s, left by run %d that was killed\n",
			path, run_pid(path));
		if (umount2(path, 0) && umount2(path, MNT_DETACH))
			continue;
		rmdir(path);
		slash = strrchr(path, '/');
		*slash = '\0';
		snprintf(slash, PATH_MAX - (slash - path), "/fs.img");
		unlink(path);
		*slash = '\0';
		rmdir(path);
	}
	reap_loops();
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
		umount2(s->mnt, MNT_DETACH);
	if (s->ovl_mounted)
		umount2(s->ovl, MNT_DETACH);
	unlink(s->img);
	rmdir(s->ovl);
	rmdir(s->out);
	if (!s->own_mon)
		rmdir(s->mnt);
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

const char *sb_fs_refusal_hint(enum sb_fs fs, const char *why)
{
	if (fs == SB_FS_BTRFS && strstr(why, "cross-device"))
		return " (a btrfs subvolume has an fsid of its own, and the kernel refuses a filesystem mark with fid reporting below the filesystem's root)";
	if (fs == SB_FS_OVERLAY && strstr(why, "not supported"))
		return " (an overlay mounted without nfs_export=on encodes file handles it cannot decode, and a filesystem mark with fid reporting needs decodable ones)";
	return "";
}
