// SPDX-License-Identifier: GPL-2.0
/*
 * `monitor`: attach one backend's filter for the given rules, run COMMAND,
 * and print one JSON line per delivered event until COMMAND has exited and
 * the queue is drained. How users debug a filter, and how the tests check
 * correctness with arbitrary operations.
 */
#include <argp.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "box.h"
#include "cmd.h"

#define MAX_RULES 4096
#define DRAIN_MS 30000

struct monitor_args {
	const char *backend, *strategy, *box;
	enum sb_mode mode;
	bool quiet;
	char *rules[MAX_RULES];
	size_t nr_rules;
	unsigned long watchdog_ms;
	unsigned long prefix_cap;
	char **cmd;
	bool verbose;
};

struct json_sink {
	struct sb_sink sink;
	pthread_mutex_t lock;
	unsigned long events;
	bool quiet;
};

static volatile sig_atomic_t child_pid;

static void forward_signal(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

static void print_event(struct sb_sink *sink, const struct sb_event *ev)
{
	struct json_sink *js = (struct json_sink *)sink;
	char dev[32];
	json_t *line;
	char *text;

	if (js->quiet) {
		pthread_mutex_lock(&js->lock);
		js->events++;
		pthread_mutex_unlock(&js->lock);
		return;
	}
	snprintf(dev, sizeof(dev), "%u:%u", ev->dev_major, ev->dev_minor);
	line = json_pack("{s:s}", "event", sb_kind_name(ev->kind));
	if (ev->ino)
		json_object_set_new(line, "ino", json_integer(ev->ino));
	if (ev->dev_major || ev->dev_minor)
		json_object_set_new(line, "dev", json_string(dev));
	if (ev->pid)
		json_object_set_new(line, "pid", json_integer(ev->pid));
	if (ev->name[0])
		json_object_set_new(line, "name", json_string(ev->name));
	if (ev->path)
		json_object_set_new(line, "path", json_string(ev->path));
	if (ev->kind == SB_EV_OVERFLOW)
		json_object_set_new(line, "lost", json_integer(ev->count));
	text = json_dumps(line, JSON_COMPACT);
	pthread_mutex_lock(&js->lock);
	if (text)
		printf("%s\n", text);
	js->events++;
	pthread_mutex_unlock(&js->lock);
	free(text);
	json_decref(line);
}

static const struct argp_option monitor_options[] = {
	{ "backend", 'b', "B", 0, "the backend whose filter to attach (see 'subtree-bench list')", 0 },
	{ "rule", 'r', "DIR", 0, "a sub-tree root (absolute path); repeat for more", 0 },
	{ "mode", 'm', "MODE", 0, "notify (default): print in-scope events; deny: opens in scope fail with EPERM (landlock: EACCES)", 0 },
	{ "strategy", 's', "S", 0, "walk, loop, tag, cache, pass, kfunc or prefix (default: the backend's first)", 0 },
	{ "prefix-cap", 'P', "BYTES", 0, "prefix: the longest path (within its filesystem) it matches; longer ones are undecided (1..251, default 251)", 0 },
	{ "watchdog-ms", 'W', "MS", 0, "deny mode: allow pending opens when the consumer stalls this long (default 5000)", 0 },
	{ "box", 'B', "BOX", 0, "host (default), vm or vm-icount: monitor inside that box", 0 },
	{ "quiet", 'q', NULL, 0, "print no events, only their count at the end (for timing whole commands under a backend)", 0 },
	{ "verbose", 'v', NULL, 0, "say more", 0 },
	{ 0 }
};

static error_t monitor_parse(int key, char *arg, struct argp_state *state)
{
	struct monitor_args *a = state->input;
	char *end;

	switch (key) {
	case 'b': a->backend = arg; break;
	case 's': a->strategy = arg; break;
	case 'B': a->box = arg; break;
	case 'v': a->verbose = true; break;
	case 'q': a->quiet = true; break;
	case 'r':
		if (a->nr_rules == MAX_RULES)
			argp_error(state, "--rule: at most %d rules", MAX_RULES);
		a->rules[a->nr_rules++] = arg;
		break;
	case 'm':
		if (sb_mode_parse(arg, &a->mode))
			argp_error(state, "--mode '%s': use notify or deny", arg);
		break;
	case 'P':
		a->prefix_cap = strtoul(arg, &end, 10);
		if (*end || a->prefix_cap < 1 || a->prefix_cap > SB_PREFIX_CAP_MAX)
			argp_error(state, "--prefix-cap '%s': give bytes, 1 to %d", arg, SB_PREFIX_CAP_MAX);
		break;
	case 'W':
		a->watchdog_ms = strtoul(arg, &end, 10);
		if (*end || a->watchdog_ms < 10)
			argp_error(state, "--watchdog-ms '%s': give milliseconds, at least 10", arg);
		break;
	case ARGP_KEY_ARG:
		a->cmd = state->argv + state->next - 1;
		state->next = state->argc;
		break;
	case ARGP_KEY_END:
		if (!a->cmd)
			argp_error(state, "no COMMAND: subtree-bench monitor --backend B --rule DIR -- COMMAND [ARGS...]");
		if (!a->backend)
			argp_error(state, "no --backend: name one ('subtree-bench list' shows them)");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static int pick_strategy(const struct sb_backend_ops *ops, const char *name, enum sb_strategy *s)
{
	if (name) {
		if (sb_strategy_parse(name, s)) {
			fprintf(stderr, "subtree-bench monitor: --strategy '%s': use walk, loop, tag, cache, pass, kfunc or prefix\n", name);
			return -1;
		}
		if (!ops->strategies) {
			fprintf(stderr, "subtree-bench monitor: %s has no strategy of ours (its mechanism is its own): drop --strategy\n",
				ops->name);
			return -1;
		}
		if (!(ops->strategies & SB_BIT(*s))) {
			fprintf(stderr, "subtree-bench monitor: %s does not implement strategy %s\n",
				ops->name, name);
			return -1;
		}
		return 0;
	}
	*s = ops->strategies ? SB_STRAT_WALK : SB_STRAT_OWN;
	for (int i = 0; i < SB_STRAT__COUNT; i++) {
		if (ops->strategies & SB_BIT(i)) {
			*s = i;
			break;
		}
	}
	return 0;
}

/*
 * Run COMMAND; a backend that acts on the workload's own thread (Landlock)
 * enters the forked child before it execs, so only COMMAND and what it
 * starts are restricted, never the harness.
 */
static int run_child(struct sb_backend *b, char **cmd)
{
	struct sigaction sa = { .sa_handler = forward_signal };
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("subtree-bench monitor: fork");
		return -1;
	}
	if (pid == 0) {
		if (b->ops->enter_workload && b->ops->enter_workload(b)) {
			fprintf(stderr, "subtree-bench monitor: %s: %s\n", b->ops->name, b->err);
			_exit(126);
		}
		execvp(cmd[0], cmd);
		fprintf(stderr, "subtree-bench monitor: cannot run '%s': %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	child_pid = pid;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			perror("subtree-bench monitor: waitpid");
			return -1;
		}
	}
	child_pid = 0;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

int cmd_monitor(int argc, char **argv)
{
	static const struct argp argp = {
		monitor_options, monitor_parse, "-- COMMAND [ARGS...]",
		"Attach BACKEND's filter for the rules, run COMMAND, and print one JSON\n"
		"line per delivered event, e.g.\n"
		"  {\"event\":\"open\",\"ino\":123,\"dev\":\"0:45\",\"pid\":42,\"name\":\"x\",\"path\":\"/srv/data/x\"}\n"
		"until COMMAND has exited and the queue is drained. Exits with COMMAND's status.\n\n"
		"Examples:\n"
		"  subtree-bench monitor --backend fanotify-user --rule /srv/data -- touch /srv/data/x\n"
		"  subtree-bench monitor --backend fanotify-dirmarks --rule /srv/a --rule /srv/b -- make -C /srv/a\n"
		"  subtree-bench monitor --mode deny --backend fanotify-user --rule /srv/secret -- cat /srv/secret/key\n"
		"  subtree-bench monitor --mode deny --backend landlock --rule /srv/secret -- cat /srv/secret/key\n"
		"  subtree-bench monitor --box vm --backend bpf-lsm --rule /tmp/t -- sh -c 'mkdir -p /tmp/t && touch /tmp/t/a'",
		NULL, NULL, NULL
	};
	struct monitor_args a = { .mode = SB_MODE_NOTIFY, .box = "host", .watchdog_ms = 5000 };
	struct json_sink js = { .sink.deliver = print_event, .lock = PTHREAD_MUTEX_INITIALIZER };
	const struct sb_backend_ops *ops;
	struct sb_rules rules;
	struct sb_attach args;
	struct sb_backend b;
	char err[512] = "", why[512] = "";
	int status;

	if (argp_parse(&argp, argc, argv, 0, NULL, &a))
		return SB_EXIT_USAGE;
	if (strcmp(a.box, "host") && !sb_in_guest())
		return sb_vm_exec(a.box, argc, argv, NULL, SB_VM_TIMEOUT_RUN);
	ops = sb_backend_find(a.backend);
	if (!ops) {
		fprintf(stderr, "subtree-bench monitor: --backend '%s': unknown; 'subtree-bench list' shows the backends\n",
			a.backend);
		return SB_EXIT_USAGE;
	}
	if (sb_backend_available(ops, a.mode, why, sizeof(why))) {
		fprintf(stderr, "subtree-bench monitor: %s (%s) is unavailable on this box: %s\n",
			ops->name, sb_mode_name(a.mode), why);
		return SB_EXIT_USAGE;
	}
	if (sb_rules_resolve(&rules, a.rules, a.nr_rules, err, sizeof(err))) {
		fprintf(stderr, "subtree-bench monitor: %s\n", err);
		return SB_EXIT_USAGE;
	}
	args = (struct sb_attach){ .rules = &rules, .mode = a.mode, .sink = &js.sink,
				   .describe = true, .verbose = a.verbose,
				   .prefix_cap = (unsigned int)a.prefix_cap };
	if (pick_strategy(ops, a.strategy, &args.strategy)) {
		sb_rules_free(&rules);
		return SB_EXIT_USAGE;
	}
	js.quiet = a.quiet;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sb_backend_start(&b, ops, &args, a.watchdog_ms, -1)) {
		fprintf(stderr, "subtree-bench monitor: %s: %s\n", ops->name, b.err);
		sb_rules_free(&rules);
		return SB_EXIT_USAGE;
	}
	status = run_child(&b, a.cmd);
	/* A consumer that died will not drain: its reason is the message. */
	if (sb_backend_drain(&b, DRAIN_MS) && !sb_backend_failure(&b))
		fprintf(stderr, "subtree-bench monitor: the queue did not drain within %d ms; events may be missing\n",
			DRAIN_MS);
	if (sb_backend_failure(&b))
		fprintf(stderr, "subtree-bench monitor: %s\n", sb_backend_failure(&b));
	sb_backend_stop(&b);
	sb_rules_free(&rules);
	if (a.verbose || a.quiet)
		fprintf(stderr, "subtree-bench monitor: %s: %lu events\n", ops->name, js.events);
	return status < 0 ? SB_EXIT_FAIL : status;
}
