// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memcg.h"
#include "mounts.h"

#define NAME_PREFIX "subtree-bench."
#define PRIV_PREFIX "/tmp/subtree-bench."

/* The line after p's, or NULL. */
static const char *next_line(const char *p)
{
	p = strchr(p, '\n');
	return p ? p + 1 : NULL;
}

int sb_memcg_parse_stat(const char *text, const char *key, uint64_t *v)
{
	size_t klen = strlen(key);

	if (!klen)
		return -EINVAL;
	for (const char *p = text; p && *p; p = next_line(p)) {
		const char *s = p + klen;
		unsigned long long x;
		char *end;

		if (strncmp(p, key, klen) || *s != ' ')
			continue;
		s++;
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		errno = 0;
		x = strtoull(s, &end, 10);
		if (errno || (*end && *end != '\n'))
			return -EINVAL;
		*v = x;
		return 0;
	}
	return -ENOENT;
}

int sb_memcg_kernel_from_stat(const char *text, uint64_t *v, const char **field)
{
	/* Kernels before 5.18 have no "kernel": its main parts, as they list them. */
	static const char *const parts[] = { "slab", "percpu", "kernel_stack", "pagetables" };
	uint64_t sum = 0, x;
	int r = sb_memcg_parse_stat(text, "kernel", v);

	if (r != -ENOENT) {
		*field = "kernel";
		return r;
	}
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		r = sb_memcg_parse_stat(text, parts[i], &x);
		if (r)
			return r;
		sum += x;
	}
	*v = sum;
	*field = "slab+percpu+kernel_stack+pagetables";
	return 0;
}

/* A small file into buf, NUL-terminated. 0 or -errno. */
int sb_read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;

	if (fd < 0)
		return -errno;
	while (n < len - 1) {
		ssize_t r = read(fd, buf + n, len - 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			close(fd);
			return -e;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	close(fd);
	return 0;
}

/* One write(2) of s: cgroup files take a command per write. 0 or -errno. */
static int write_text(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t r;
	int e;

	if (fd < 0)
		return -errno;
	r = write(fd, s, strlen(s));
	e = r < 0 ? errno : 0;
	close(fd);
	return -e;
}

static bool has_word(const char *list, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += len) {
		if ((p == list || isspace((unsigned char)p[-1])) &&
		    (!p[len] || isspace((unsigned char)p[len])))
			return true;
	}
	return false;
}

/* a/b into out; -1 if it does not fit. */
static int join(char *out, size_t len, const char *a, const char *b)
{
	int n = snprintf(out, len, "%s%s%s", a, *b == '/' || !*b ? "" : "/", b);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* cgroup.memory=nokmem (alone or in a list) on the kernel command line */
static bool nokmem(void)
{
	char text[4096], *p;

	if (sb_read_text("/proc/cmdline", text, sizeof(text)) || !(p = strstr(text, "cgroup.memory=")))
		return false;
	p[strcspn(p, " \n")] = '\0';
	return strstr(p, "nokmem") != NULL;
}

/*
 * Whether the kernel has a memory controller cgroup v2 can use, from
 * /proc/cgroups (name, hierarchy, cgroups, enabled) and the command line.
 */
static int controller_usable(char *err, size_t errlen)
{
	char text[4096], name[64];
	unsigned int hier, num, enabled;
	const char *p;
	int r = sb_read_text("/proc/cgroups", text, sizeof(text));

	if (r) {
		snprintf(err, errlen, "cannot read /proc/cgroups: %s: a kernel with cgroups (CONFIG_CGROUPS) and /proc mounted is needed",
			 strerror(-r));
		return -1;
	}
	for (p = text; p; p = next_line(p)) {
		if (sscanf(p, "%63s %u %u %u", name, &hier, &num, &enabled) == 4 && !strcmp(name, "memory"))
			break;
	}
	if (!p) {
		snprintf(err, errlen, "the kernel has no memory controller (CONFIG_MEMCG is not set): build it with CONFIG_MEMCG=y (the bench VM's kernel: kernel/config/bench.config)");
		return -1;
	}
	if (!enabled) {
		snprintf(err, errlen, "the memory controller is disabled (cgroup_disable=memory on the kernel command line): boot without it");
		return -1;
	}
	if (hier) {
		snprintf(err, errlen, "the memory controller is bound to a cgroup v1 hierarchy (%u in /proc/cgroups), so no cgroup v2 one can have it: boot with cgroup_no_v1=memory (systemd: systemd.unified_cgroup_hierarchy=1)",
			 hier);
		return -1;
	}
	if (nokmem()) {
		snprintf(err, errlen, "kernel memory accounting is off (cgroup.memory=nokmem on the kernel command line): boot without nokmem");
		return -1;
	}
	return 0;
}

/* The process's cgroup v2 path ("0::PATH" in /proc/self/cgroup). */
static int own_cgroup(char *path, size_t len, char *err, size_t errlen)
{
	char text[8192];
	const char *p;
	int r = sb_read_text("/proc/self/cgroup", text, sizeof(text));

	if (r) {
		snprintf(err, errlen, "cannot read /proc/self/cgroup: %s", strerror(-r));
		return -1;
	}
	for (p = text; p; p = next_line(p)) {
		if (!strncmp(p, "0::", 3)) {
			p += 3;
			snprintf(path, len, "%.*s", (int)strcspn(p, "\n"), p);
			return 0;
		}
	}
	/* No cgroup2 mounted since boot: it is not listed, and every process is in its root. */
	snprintf(path, len, "/");
	return 0;
}

/*
 * A cgroup2 mount in which the process's cgroup cg is visible: m->mnt and
 * m->origin. 1 when no cgroup2 is mounted at all.
 */
static int find_mount(struct sb_memcg *m, const char *cg, char *err, size_t errlen)
{
	struct sb_mounts all;
	bool any = false;
	int r = 1;

	sb_mounts_read(&all);
	for (size_t i = 0; i < all.n && r > 0; i++) {
		const struct sb_mount_dev *d = &all.v[i];
		size_t rlen;

		if (!d->fstype || strcmp(d->fstype, "cgroup2") || !d->root || !d->point)
			continue;
		any = true;
		/* d->root: the mount's root in the hierarchy; cg must be below it. */
		rlen = strcmp(d->root, "/") ? strlen(d->root) : 0;
		if (strncmp(cg, d->root, rlen) || (cg[rlen] && cg[rlen] != '/'))
			continue;
		snprintf(m->mnt, sizeof(m->mnt), "%s", d->point);
		r = join(m->origin, sizeof(m->origin), m->mnt, cg + rlen);
		if (r)
			snprintf(err, errlen, "the path of cgroup %s under %s is longer than PATH_MAX", cg, m->mnt);
	}
	sb_mounts_free(&all);
	if (r > 0 && any) {
		snprintf(err, errlen, "no cgroup2 mount shows this process's cgroup %s (a cgroup namespace?): run from the namespace that mounted it",
			 cg);
		r = -1;
	}
	return r;
}

/* As root with no cgroup2 mounted: one of our own, where the scratch reaper finds it. */
static int mount_private(struct sb_memcg *m, const char *cg, char *err, size_t errlen)
{
	if (geteuid()) {
		snprintf(err, errlen, "no cgroup v2 hierarchy with the memory controller is mounted: mount one (mount -t cgroup2 none /sys/fs/cgroup) or run as root");
		return -1;
	}
	snprintf(m->priv, sizeof(m->priv), PRIV_PREFIX "%d.XXXXXX", (int)getpid());
	if (!mkdtemp(m->priv)) {
		snprintf(err, errlen, "mkdtemp '%s': %s: /tmp must be writable", m->priv, strerror(errno));
		m->priv[0] = '\0';
		return -1;
	}
	snprintf(m->mnt, sizeof(m->mnt), "%s/cgroup", m->priv);
	if (mkdir(m->mnt, 0700) || mount("cgroup2", m->mnt, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)) {
		snprintf(err, errlen, "mount -t cgroup2 on %s: %s: mount one (mount -t cgroup2 none /sys/fs/cgroup)",
			 m->mnt, strerror(errno));
		return -1;
	}
	m->mounted = true;
	if (join(m->origin, sizeof(m->origin), m->mnt, cg)) {
		snprintf(err, errlen, "the path of cgroup %s under %s is longer than PATH_MAX", cg, m->mnt);
		return -1;
	}
	return 0;
}

/* Our cgroups of runs that were killed: empty now, so rmdir removes them. */
static void reap_stale(const char *mnt)
{
	DIR *d = opendir(mnt);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[PATH_MAX + 300], *end;
		long pid;

		if (strncmp(e->d_name, NAME_PREFIX, strlen(NAME_PREFIX)))
			continue;
		pid = strtol(e->d_name + strlen(NAME_PREFIX), &end, 10);
		if (*end || pid <= 0 || pid == getpid() || !kill((pid_t)pid, 0) || errno != ESRCH)
			continue;
		join(path, sizeof(path), mnt, e->d_name);
		if (!rmdir(path))
			fprintf(stderr, "subtree-bench: removed cgroup %s, left by run %ld that was killed\n",
				path, pid);
	}
	closedir(d);
}

static int move_to(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX + 32], pid[32];
	int r;

	join(path, sizeof(path), dir, "cgroup.procs");
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	r = write_text(path, pid);
	if (r)
		snprintf(err, errlen, "moving the process into %s: %s", path, strerror(-r));
	return r ? -1 : 0;
}

int sb_memcg_open(struct sb_memcg *m, char *err, size_t errlen)
{
	char cg[PATH_MAX], path[PATH_MAX + 32], text[8192], name[64];
	uint64_t v;
	int r;

	memset(m, 0, sizeof(*m));
	if (controller_usable(err, errlen) || own_cgroup(cg, sizeof(cg), err, errlen))
		return -1;
	r = find_mount(m, cg, err, errlen);
	if (r > 0)
		r = mount_private(m, cg, err, errlen);
	if (r)
		goto fail;
	join(path, sizeof(path), m->mnt, "cgroup.controllers");
	r = sb_read_text(path, text, sizeof(text));
	if (r || !has_word(text, "memory")) {
		snprintf(err, errlen, "%s %s: the memory controller is not available to the cgroup mounted at %s: run where it is (as root on the host, outside a container that withholds it)",
			 path, r ? strerror(-r) : "does not list memory", m->mnt);
		goto fail;
	}
	/* Its children get the controller only if it is on in its subtree_control. */
	join(path, sizeof(path), m->mnt, "cgroup.subtree_control");
	r = sb_read_text(path, text, sizeof(text));
	if (!r && !has_word(text, "memory"))
		r = write_text(path, "+memory");
	if (r) {
		snprintf(err, errlen, "enabling the memory controller in %s: %s: as root, in a cgroup with no processes of its own (or the hierarchy's root)",
			 path, strerror(-r));
		goto fail;
	}
	reap_stale(m->mnt);
	snprintf(name, sizeof(name), NAME_PREFIX "%d", (int)getpid());
	if (join(m->dir, sizeof(m->dir), m->mnt, name)) {
		snprintf(err, errlen, "the cgroup mount point %s is too long for a path below it", m->mnt);
		m->dir[0] = '\0';
		goto fail;
	}
	/* Left by an earlier process with our pid (none is in it now). */
	rmdir(m->dir);
	if (mkdir(m->dir, 0755)) {
		snprintf(err, errlen, "creating the cgroup %s: %s: run as root", m->dir, strerror(errno));
		m->dir[0] = '\0';
		goto fail;
	}
	m->open = true;
	/* Which field this kernel's memory.stat has, said in the results. */
	if (sb_memcg_kernel_bytes(m, &v, err, errlen))
		goto fail;
	return 0;
fail:
	sb_memcg_close(m);
	return -1;
}

int sb_memcg_enter(struct sb_memcg *m, char *err, size_t errlen)
{
	if (!m->open) {
		snprintf(err, errlen, "the memory cgroup is not open");
		return -1;
	}
	/* What the last measurement left charged, and its later frees, stay with the old one. */
	if (m->used && (rmdir(m->dir) || mkdir(m->dir, 0755))) {
		snprintf(err, errlen, "making the cgroup %s anew: %s", m->dir, strerror(errno));
		return -1;
	}
	m->used = true;
	if (move_to(m->dir, err, errlen))
		return -1;
	m->inside = true;
	return 0;
}

int sb_memcg_leave(struct sb_memcg *m, char *err, size_t errlen)
{
	if (!m->inside)
		return 0;
	if (move_to(m->origin, err, errlen))
		return -1;
	m->inside = false;
	return 0;
}

int sb_memcg_kernel_bytes(struct sb_memcg *m, uint64_t *bytes, char *err, size_t errlen)
{
	char path[PATH_MAX + 32], text[8192];
	int r;

	/*
	 * memory.stat flushes the per-CPU counters only past a threshold (64
	 * pages per CPU), else they are up to 2 s old. Reading cpu.stat
	 * flushes the cgroup's whole rstat tree, the memory controller's too
	 * (in 6.12 one tree serves every controller).
	 */
	join(path, sizeof(path), m->dir, "cpu.stat");
	sb_read_text(path, text, sizeof(text));
	join(path, sizeof(path), m->dir, "memory.stat");
	r = sb_read_text(path, text, sizeof(text));
	if (r) {
		snprintf(err, errlen, "reading %s: %s", path, strerror(-r));
		return -1;
	}
	r = sb_memcg_kernel_from_stat(text, bytes, &m->field);
	if (r) {
		snprintf(err, errlen, "%s: %s the kernel memory (kernel, or slab, percpu, kernel_stack and pagetables)",
			 path, r == -ENOENT ? "does not list" : "has a malformed value for");
		return -1;
	}
	return 0;
}

void sb_memcg_close(struct sb_memcg *m)
{
	char err[512];

	if (m->inside && sb_memcg_leave(m, err, sizeof(err)))
		fprintf(stderr, "subtree-bench: %s\n", err);
	if (m->dir[0] && !m->inside && rmdir(m->dir) && errno != ENOENT)
		fprintf(stderr, "subtree-bench: removing the cgroup %s: %s\n", m->dir, strerror(errno));
	m->dir[0] = '\0';
	if (m->mounted && umount2(m->mnt, 0) && umount2(m->mnt, MNT_DETACH))
		fprintf(stderr, "subtree-bench: unmounting %s: %s\n", m->mnt, strerror(errno));
	m->mounted = false;
	if (m->priv[0]) {
		rmdir(m->mnt);
		rmdir(m->priv);
		m->priv[0] = '\0';
	}
	m->open = m->used = false;
}
