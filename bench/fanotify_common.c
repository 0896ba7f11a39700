// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "fanotify_common.h"
#include "fanotify_filter.h"

#define READ_BUF_SIZE (256 * 1024)

/*
 * Notify groups report either the object's own handle (fid: all an open
 * needs) or the parent directory and the entry name of every event and the
 * object's handle (dfid-name: what directory-entry events need; it makes
 * fanotify snapshot the parent and name of every event on a file). The
 * queue is unlimited so that a slow consumer costs memory, not correctness;
 * FAN_REPORT_TID tells the harness's own threads' events apart.
 */
#define NOTIFY_INIT_FLAGS (FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | \
			   FAN_UNLIMITED_QUEUE | FAN_REPORT_TID)
#define NOTIFY_REPORT_FLAGS(r) ((r) == SB_REPORT_FID ? FAN_REPORT_FID : FAN_REPORT_DFID_NAME_TARGET)
/* Permission events carry an fd; fid reporting is not allowed with them. */
#define DENY_INIT_FLAGS (FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK | \
			 FAN_UNLIMITED_QUEUE | FAN_REPORT_TID)

int sb_fan_open(struct sb_fan *f, bool deny, const struct sb_rules *rules,
		char *err, size_t errlen)
{
	return sb_fan_open_report(f, deny, SB_REPORT_DFID_NAME, rules, err, errlen);
}

int sb_fan_open_report(struct sb_fan *f, bool deny, enum sb_report report,
		       const struct sb_rules *rules, char *err, size_t errlen)
{
	unsigned int flags = deny ? DENY_INIT_FLAGS : NOTIFY_INIT_FLAGS | NOTIFY_REPORT_FLAGS(report);

	/*
	 * Test hook: the kernel's bounded queue (fs.fanotify.max_queued_events,
	 * 16384 by default), so that a paused consumer sees FAN_Q_OVERFLOW.
	 */
	if (sb_fault("bounded-queue"))
		flags &= ~FAN_UNLIMITED_QUEUE;
	memset(f, 0, sizeof(*f));
	f->deny = deny;
	f->report = report;
	f->fd = fanotify_init(flags, O_RDONLY | O_CLOEXEC | O_LARGEFILE);
	if (f->fd < 0) {
		snprintf(err, errlen, "fanotify_init(%s): %s", deny ? "FAN_CLASS_CONTENT" :
			 report == SB_REPORT_FID ? "FAN_CLASS_NOTIF|FAN_REPORT_FID" :
			 "FAN_CLASS_NOTIF|FAN_REPORT_DFID_NAME_TARGET", strerror(errno));
		return -1;
	}
	f->buf = aligned_alloc(8, READ_BUF_SIZE);
	if (!f->buf) {
		snprintf(err, errlen, "out of memory");
		sb_fan_close(f);
		return -1;
	}
	for (size_t i = 0; i < rules->n; i++) {
		const struct sb_rule *r = &rules->v[i];
		struct statfs sfs;
		size_t j;

		for (j = 0; j < f->nr_fs; j++)
			if (f->fs[j].dev == r->dev)
				break;
		if (j < f->nr_fs)
			continue;
		if (f->nr_fs == SB_FAN_MAX_FS) {
			snprintf(err, errlen, "rules span more than %d filesystems", SB_FAN_MAX_FS);
			sb_fan_close(f);
			return -1;
		}
		if (fstatfs(r->fd, &sfs)) {
			snprintf(err, errlen, "statfs '%s': %s", r->path, strerror(errno));
			sb_fan_close(f);
			return -1;
		}
		f->fs[f->nr_fs].fsid = sfs.f_fsid;
		f->fs[f->nr_fs].dev = r->dev;
		/* open_by_handle_at() wants a real fd on the filesystem, not O_PATH. */
		f->fs[f->nr_fs].mount_fd = open(r->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (f->fs[f->nr_fs].mount_fd < 0) {
			snprintf(err, errlen, "open '%s': %s", r->path, strerror(errno));
			sb_fan_close(f);
			return -1;
		}
		f->nr_fs++;
	}
	return 0;
}

int sb_fan_mark_filesystems(struct sb_fan *f, const struct sb_rules *rules,
			    char *err, size_t errlen)
{
	uint64_t mask = f->deny ? SB_FAN_DENY_MASK : SB_FAN_NOTIFY_MASK;

	for (size_t j = 0; j < f->nr_fs; j++) {
		const char *path = NULL;

		for (size_t i = 0; i < rules->n && !path; i++)
			if (rules->v[i].dev == f->fs[j].dev)
				path = rules->v[i].path;
		if (fanotify_mark(f->fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, mask,
				  AT_FDCWD, path)) {
			snprintf(err, errlen, "fanotify_mark(FAN_MARK_FILESYSTEM, '%s'): %s",
				 path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static const struct sb_fan_fs *fs_by_fsid(const struct sb_fan *f, const __kernel_fsid_t *fsid)
{
	for (size_t i = 0; i < f->nr_fs; i++)
		if (!memcmp(&f->fs[i].fsid, fsid, sizeof(*fsid)))
			return &f->fs[i];
	return NULL;
}

/* Pick the fid records out of one notify event. */
static void parse_info(const struct sb_fan *f, const char *event,
		       const struct fanotify_event_metadata *md, struct sb_fan_event *e)
{
	const char *p = event + md->metadata_len;
	const char *end = event + md->event_len;

	while (p + sizeof(struct fanotify_event_info_header) <= end) {
		const struct fanotify_event_info_header *hdr = (const void *)p;
		const struct fanotify_event_info_fid *fid = (const void *)p;
		struct file_handle *h;

		if (hdr->len < sizeof(*hdr) || p + hdr->len > end)
			break;
		switch (hdr->info_type) {
		case FAN_EVENT_INFO_TYPE_DFID_NAME:
		case FAN_EVENT_INFO_TYPE_DFID:
		case FAN_EVENT_INFO_TYPE_FID:
			h = (struct file_handle *)fid->handle;
			e->fs = fs_by_fsid(f, &fid->fsid);
			if (hdr->info_type == FAN_EVENT_INFO_TYPE_FID) {
				e->obj = h;
			} else {
				e->dir = h;
				if (hdr->info_type == FAN_EVENT_INFO_TYPE_DFID_NAME)
					e->name = (const char *)h->f_handle + h->handle_bytes;
			}
			break;
		default:
			break;
		}
		p += hdr->len;
	}
}

int sb_fan_read(struct sb_backend *b, struct sb_fan *f, int timeout_ms, sb_fan_cb cb)
{
	struct pollfd pfd = { .fd = f->fd, .events = POLLIN };
	struct fanotify_event_metadata m, *md = &m;
	const char *p;
	ssize_t len;
	int handled = 0;

	if (poll(&pfd, 1, timeout_ms) <= 0 || !(pfd.revents & POLLIN))
		return 0;
	len = read(f->fd, f->buf, READ_BUF_SIZE);
	if (len < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		snprintf(b->err, sizeof(b->err), "read fanotify: %s", strerror(errno));
		return -1;
	}
	/*
	 * Events with names are only 4-byte aligned in the buffer: copy each
	 * header out instead of pointing a struct at it.
	 */
	for (p = f->buf; len >= (ssize_t)FAN_EVENT_METADATA_LEN; p += m.event_len, len -= m.event_len) {
		struct sb_fan_event e;

		memcpy(&m, p, sizeof(m));
		if (m.event_len < FAN_EVENT_METADATA_LEN || m.event_len > len)
			break;
		e = (struct sb_fan_event){ .mask = md->mask, .pid = md->pid, .fd = -1 };

		if (md->vers != FANOTIFY_METADATA_VERSION) {
			snprintf(b->err, sizeof(b->err), "fanotify metadata version %u, expected %u",
				 md->vers, FANOTIFY_METADATA_VERSION);
			return -1;
		}
		handled++;
		if (md->mask & FAN_Q_OVERFLOW) {
			struct sb_event ov = { .kind = SB_EV_OVERFLOW, .count = 1 };

			f->queue_overflows++;
			b->args.sink->deliver(b->args.sink, &ov);
			continue;
		}
		if (f->deny) {
			struct fanotify_response resp = { .fd = md->fd, .response = FAN_ALLOW };

			e.fd = md->fd;
			if (cb(b, &e) == 1)
				resp.response = FAN_DENY;
			if (md->mask & FAN_ALL_PERM_EVENTS &&
			    write(f->fd, &resp, sizeof(resp)) != sizeof(resp)) {
				snprintf(b->err, sizeof(b->err), "fanotify response: %s", strerror(errno));
				close(md->fd);
				return -1;
			}
			close(md->fd);
			continue;
		}
		parse_info(f, p, md, &e);
		cb(b, &e);
	}
	return handled;
}

static const struct {
	uint64_t bit;
	enum sb_kind kind;
} kind_bits[] = {
	{ FAN_CREATE, SB_EV_CREATE },
	{ FAN_OPEN, SB_EV_OPEN },
	{ FAN_MOVED_FROM, SB_EV_MOVED_FROM },
	{ FAN_MOVED_TO, SB_EV_MOVED_TO },
	{ FAN_DELETE, SB_EV_DELETE },
};

void sb_fan_deliver(struct sb_backend *b, const struct sb_fan_event *e,
		    const char *path, const char *name, uint64_t ino)
{
	struct sb_event ev = { .pid = e->pid, .ino = ino, .path = path };

	if (e->pid == atomic_load(&b->consumer_tid))
		return;		/* the consumer's own scans and lookups */
	if (e->fs) {
		ev.dev_major = major(e->fs->dev);
		ev.dev_minor = minor(e->fs->dev);
	}
	if (!ino && e->obj && e->fs && b->args.describe) {
		int fd = open_by_handle_at(e->fs->mount_fd, e->obj, O_PATH | O_CLOEXEC);
		struct stat st;

		if (fd >= 0 && !fstat(fd, &st))
			ev.ino = st.st_ino;
		if (fd >= 0)
			close(fd);
	}
	sb_event_set_name(&ev, name);
	/* fid reporting: no name, the object is its own handle. */
	if (!ev.name[0])
		ev.handle = e->obj;
	for (size_t i = 0; i < sizeof(kind_bits) / sizeof(kind_bits[0]); i++) {
		if (!(e->mask & kind_bits[i].bit))
			continue;
		if (kind_bits[i].bit == FAN_OPEN && (e->mask & FAN_ONDIR))
			continue;
		ev.kind = kind_bits[i].kind;
		b->args.sink->deliver(b->args.sink, &ev);
	}
}

int sb_fan_open_handle(const struct sb_fan *f, const struct sb_fan_event *e,
		       struct file_handle *h, int flags)
{
	(void)f;
	if (!h || !e->fs)
		return -1;
	return open_by_handle_at(e->fs->mount_fd, h, flags | O_PATH | O_CLOEXEC);
}

static int fd_path(int fd, char *buf, size_t len)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, len - 1);
	if (n < 0 || (size_t)n >= len - 1)
		return -1;	/* a full buffer may be a truncated path */
	buf[n] = '\0';
	return 0;
}

int sb_fan_event_dir_path(const struct sb_fan *f, const struct sb_fan_event *e,
			  char *buf, size_t len)
{
	int fd, ret;

	if (e->fd >= 0)
		return fd_path(e->fd, buf, len);
	fd = sb_fan_open_handle(f, e, e->dir, O_DIRECTORY);
	if (fd < 0)
		return -1;
	ret = fd_path(fd, buf, len);
	close(fd);
	return ret;
}

void sb_fan_release(struct sb_fan *f)
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (null < 0 || f->fd < 0)
		return;
	dup3(null, f->fd, O_CLOEXEC);
	close(null);
}

void sb_fan_close(struct sb_fan *f)
{
	for (size_t i = 0; i < f->nr_fs; i++)
		close(f->fs[i].mount_fd);
	f->nr_fs = 0;
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	free(f->buf);
	f->buf = NULL;
}

int sb_fan_probe(bool deny, char *why, size_t len)
{
	int fd = fanotify_init(deny ? DENY_INIT_FLAGS :
			       NOTIFY_INIT_FLAGS | NOTIFY_REPORT_FLAGS(SB_REPORT_DFID_NAME), O_RDONLY);

	if (fd < 0) {
		snprintf(why, len, "fanotify_init(%s): %s", deny ? "FAN_CLASS_CONTENT" :
			 "FAN_REPORT_DFID_NAME_TARGET", strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

int sb_fan_filter_probe(bool deny, char *why, size_t len)
{
	int fd = fanotify_init(deny ? DENY_INIT_FLAGS :
			       NOTIFY_INIT_FLAGS | NOTIFY_REPORT_FLAGS(SB_REPORT_DFID_NAME), O_RDONLY);
	int ret = 0;

	if (fd < 0)
		return sb_fan_probe(deny, why, len);
	/* With no filter attached, a kernel with the API answers ENOENT. */
	if (ioctl(fd, FAN_IOC_DEL_FILTER) == 0 || errno != ENOENT) {
		snprintf(why, len, "the running kernel has no fanotify filter API (FAN_IOC_DEL_FILTER: %s): use --box vm, or a kernel with kernel/patches (kernel/README.md)",
			 strerror(errno));
		ret = -1;
	}
	close(fd);
	return ret;
}

int sb_fan_add_filter(struct sb_fan *f, const char *name, const void *init_args,
		      uint32_t size, char *err, size_t errlen)
{
	struct fanotify_filter_args args = {
		.init_args = (uintptr_t)init_args,
		.init_args_size = size,
	};

	snprintf(args.name, sizeof(args.name), "%s", name);
	if (ioctl(f->fd, FAN_IOC_ADD_FILTER, &args)) {
		snprintf(err, errlen, "FAN_IOC_ADD_FILTER '%s': %s%s", name, strerror(errno),
			 errno == ENOENT ? " (no filter of that name is registered)" : "");
		return -1;
	}
	return 0;
}

int sb_fan_entry_path(const struct sb_fan *f, const struct sb_fan_event *e, char *buf, size_t len)
{
	size_t n;

	if (!e->name || sb_fan_event_dir_path(f, e, buf, len))
		return -1;
	n = strlen(buf);
	if (snprintf(buf + n, len - n, "/%s", e->name) >= (int)(len - n))
		return -1;
	return 0;
}

int sb_fan_filtered_event(struct sb_backend *b, struct sb_fan *f, struct sb_fan_event *e)
{
	char path[PATH_MAX];

	if (f->deny)
		return 0;	/* the filter decided in the kernel: allow what reaches us */
	if (b->args.describe && !sb_fan_entry_path(f, e, path, sizeof(path)))
		sb_fan_deliver(b, e, path, e->name, 0);
	else
		sb_fan_deliver(b, e, NULL, e->name, 0);
	return 0;
}

int sb_fan_object_path(const struct sb_fan *f, const struct sb_fan_event *e, char *buf, size_t len)
{
	int fd = sb_fan_open_handle(f, e, e->obj, 0), ret;

	if (fd < 0)
		return -1;
	ret = fd_path(fd, buf, len);
	close(fd);
	return ret;
}
