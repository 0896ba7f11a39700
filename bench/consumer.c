// SPDX-License-Identifier: GPL-2.0
/*
 * Attach, the consumer thread, the permission-event watchdog, and teardown.
 *
 * A stalled or dead consumer must never hang the box: with permission
 * events pending, every open of a monitored file blocks until someone
 * answers. The watchdog notices that the consumer made no progress for
 * watchdog_ms and has the backend let every pending event through.
 *
 * SUBTREE_BENCH_FAULT (test hooks, a comma-separated list; tests/README.md):
 * consumer-exit|consumer-stall|consumer-crash inject a consumer failure
 * after the first batch of events, for the cleanup tests; consumer-pause
 * makes the consumer read nothing until the timed operations are over, so
 * that their events pile up (with bounded-queue or tiny-ring: the overflow
 * tests).
 */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "counters.h"

#define CONSUME_TIMEOUT_MS 20
#define JOIN_TIMEOUT_MS 3000

enum fault { FAULT_NONE, FAULT_EXIT, FAULT_STALL, FAULT_CRASH };

bool sb_fault(const char *name)
{
	const char *f = getenv("SUBTREE_BENCH_FAULT");
	size_t len = strlen(name);

	while (f && *f) {
		size_t n = strcspn(f, ",");

		if (n == len && !strncmp(f, name, len))
			return true;
		f += n + (f[n] == ',');
	}
	return false;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static enum fault fault_from_env(void)
{
	if (sb_fault("consumer-exit"))
		return FAULT_EXIT;
	if (sb_fault("consumer-stall"))
		return FAULT_STALL;
	if (sb_fault("consumer-crash"))
		return FAULT_CRASH;
	return FAULT_NONE;
}

static void pin_self(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void *consumer_main(void *arg)
{
	struct sb_backend *b = arg;
	enum fault fault = fault_from_env();

	atomic_store(&b->consumer_tid, gettid());
	pin_self(b->consumer_cpu);
	if (sb_fault("consumer-pause"))
		while (!atomic_load(&b->stop) && !atomic_load(&b->loop_ended))
			usleep(1000);
	while (!atomic_load(&b->stop)) {
		int n;

		atomic_store(&b->heartbeat_ns, now_ns());
		n = b->ops->consume(b, CONSUME_TIMEOUT_MS);
		if (n == 0) {
			atomic_fetch_add(&b->idle_polls, 1);
		} else if (n > 0 && atomic_load(&b->loop_ended)) {
			/* Only after the timed operations: a system call per batch. */
			uint64_t ns;

			if (!sb_thread_cpu_ns(pthread_self(), &ns))
				atomic_store(&b->last_batch_cpu_ns, ns);
		}
		if (n < 0) {
			atomic_store(&b->consumer_dead, true);
			return NULL;
		}
		if (n == 0 || fault == FAULT_NONE)
			continue;
		switch (fault) {
		case FAULT_EXIT:
			atomic_store(&b->consumer_dead, true);
			return NULL;
		case FAULT_STALL:
			while (!atomic_load(&b->stop))
				usleep(10000);
			return NULL;
		case FAULT_CRASH:
			/* What a consumer bug looks like: the whole process dies. */
			raise(SIGSEGV);
			return NULL;
		default:
			break;
		}
	}
	return NULL;
}

static void *watchdog_main(void *arg)
{
	struct sb_backend *b = arg;
	long long limit = (long long)b->watchdog_ms * 1000000LL;

	while (!atomic_load(&b->stop)) {
		usleep(20000);
		if (atomic_load(&b->consumer_dead) ||
		    now_ns() - atomic_load(&b->heartbeat_ns) > limit) {
			atomic_store(&b->watchdog_fired, true);
			if (b->ops->release_pending)
				b->ops->release_pending(b);
			return NULL;
		}
	}
	return NULL;
}

int sb_backend_start(struct sb_backend *b, const struct sb_backend_ops *ops,
		     const struct sb_attach *args, unsigned int watchdog_ms,
		     int consumer_cpu)
{
	long long attach_start;
	int ret;

	memset(b, 0, sizeof(*b));
	b->ops = ops;
	b->args = *args;
	b->report = args->report;
	b->watchdog_ms = watchdog_ms;
	b->consumer_cpu = consumer_cpu;
	atomic_store(&b->heartbeat_ns, now_ns());

	if (args->around_attach)
		args->around_attach(args->around_arg, false);
	attach_start = now_ns();
	ret = ops->attach(b);
	b->attach_ns = (uint64_t)(now_ns() - attach_start);
	if (args->around_attach)
		args->around_attach(args->around_arg, true);
	if (ret) {
		if (!b->err[0])
			snprintf(b->err, sizeof(b->err), "%s: attach failed", ops->name);
		ops->detach(b);
		return -1;
	}
	b->attached = true;
	if (!ops->consume)
		return 0;

	ret = pthread_create(&b->consumer, NULL, consumer_main, b);
	if (ret) {
		snprintf(b->err, sizeof(b->err), "consumer thread: %s", strerror(ret));
		sb_backend_stop(b);
		return -1;
	}
	b->consumer_started = true;
	/* Only permission events can block other processes on a stalled consumer. */
	if (args->mode == SB_MODE_DENY && ops->release_pending) {
		ret = pthread_create(&b->watchdog, NULL, watchdog_main, b);
		if (ret) {
			snprintf(b->err, sizeof(b->err), "watchdog thread: %s", strerror(ret));
			sb_backend_stop(b);
			return -1;
		}
		b->watchdog_started = true;
	}
	return 0;
}

uint64_t sb_backend_loop_ended(struct sb_backend *b)
{
	uint64_t ns = 0;

	atomic_store(&b->loop_ended, true);
	if (b->consumer_started)
		sb_thread_cpu_ns(b->consumer, &ns);
	return ns;
}

uint64_t sb_backend_drain_cpu_ns(struct sb_backend *b, uint64_t at_loop_end)
{
	uint64_t last = atomic_load(&b->last_batch_cpu_ns);

	return last > at_loop_end ? last - at_loop_end : 0;
}

const char *sb_backend_failure(struct sb_backend *b)
{
	if (atomic_load(&b->watchdog_fired))
		return "the permission-event watchdog fired: the consumer stalled, pending opens were allowed";
	if (atomic_load(&b->consumer_dead))
		return b->err[0] ? b->err : "the consumer thread died";
	return NULL;
}

static void join_or_cancel(pthread_t t)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += JOIN_TIMEOUT_MS / 1000;
	if (pthread_timedjoin_np(t, NULL, &ts) == ETIMEDOUT) {
		pthread_cancel(t);
		pthread_join(t, NULL);
	}
}

void sb_backend_stop(struct sb_backend *b)
{
	if (!b->ops)
		return;
	atomic_store(&b->stop, true);
	if (b->watchdog_started) {
		join_or_cancel(b->watchdog);
		b->watchdog_started = false;
	}
	if (b->consumer_started) {
		join_or_cancel(b->consumer);
		b->consumer_started = false;
	}
	if (b->attached || b->priv) {
		b->ops->detach(b);
		b->attached = false;
	}
}

int sb_backend_drain(struct sb_backend *b, int timeout_ms)
{
	unsigned long start = atomic_load(&b->idle_polls);
	long long deadline = now_ns() + timeout_ms * 1000000LL;

	if (!b->consumer_started)
		return 0;
	while (atomic_load(&b->idle_polls) < start + 2) {
		if (atomic_load(&b->consumer_dead) || now_ns() > deadline)
			return -1;
		usleep(1000);
	}
	return 0;
}

/* What the /proc/self/fd entry de links to (e.g. "anon_inode:[fanotify]"); -1 if not an fd. */
static int fd_target(const struct dirent *de, char *target, size_t len)
{
	char link[300];
	ssize_t r;

	if (de->d_name[0] == '.')
		return -1;
	snprintf(link, sizeof(link), "/proc/self/fd/%s", de->d_name);
	r = readlink(link, target, len - 1);
	if (r < 0)
		return -1;
	target[r] = '\0';
	return 0;
}

int sb_count_attach_fds(char *what, size_t len)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (what && len)
		what[0] = '\0';
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char target[128];

		if (fd_target(de, target, sizeof(target)))
			continue;
		if (strcmp(target, "anon_inode:[fanotify]") && strcmp(target, "anon_inode:inotify") &&
		    strncmp(target, "anon_inode:bpf", 14) &&
		    strcmp(target, "anon_inode:[landlock-ruleset]"))
			continue;
		if (what && !what[0])
			snprintf(what, len, "fd %s -> %s", de->d_name, target);
		n++;
	}
	closedir(d);
	return n;
}

/* Lines of an fdinfo file that start with one of the prefixes. */
static long fdinfo_lines(const char *path, const char *const *prefix, size_t n)
{
	FILE *f = fopen(path, "re");
	char line[1024];
	bool at_start = true;
	long count = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		for (size_t i = 0; at_start && i < n; i++) {
			if (!strncmp(line, prefix[i], strlen(prefix[i]))) {
				count++;
				break;
			}
		}
		/* A line longer than the buffer comes in pieces: count its first. */
		at_start = strchr(line, '\n') != NULL;
	}
	fclose(f);
	return count;
}

long sb_count_marks(void)
{
	static const char *const fan[] = { "fanotify ino:", "fanotify mnt_id:", "fanotify sdev:" };
	static const char *const ino[] = { "inotify wd:" };
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	long marks = -1;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char info[300], target[128];
		bool is_fan;

		if (fd_target(de, target, sizeof(target)))
			continue;
		is_fan = !strcmp(target, "anon_inode:[fanotify]");
		if (!is_fan && strcmp(target, "anon_inode:inotify"))
			continue;
		snprintf(info, sizeof(info), "/proc/self/fdinfo/%s", de->d_name);
		marks = (marks < 0 ? 0 : marks) + (is_fan ? fdinfo_lines(info, fan, 3) : fdinfo_lines(info, ino, 1));
	}
	closedir(d);
	return marks;
}

long long sb_count_map_bytes(void)
{
	static const char *const key = "memlock:";
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	long long bytes = -1;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char info[300], target[128], line[256];
		FILE *f;

		if (fd_target(de, target, sizeof(target)) || strcmp(target, "anon_inode:bpf-map"))
			continue;
		snprintf(info, sizeof(info), "/proc/self/fdinfo/%s", de->d_name);
		f = fopen(info, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			if (strncmp(line, key, strlen(key)))
				continue;
			bytes = (bytes < 0 ? 0 : bytes) + strtoll(line + strlen(key), NULL, 10);
			break;
		}
		fclose(f);
	}
	closedir(d);
	return bytes;
}
