// SPDX-License-Identifier: GPL-2.0
/*
 * fanotify-bpf: the same in-kernel filter as fanotify-kmod, as a BPF
 * struct_ops program (bpf/fanotify_bpf.bpf.c). Attaching the struct_ops map
 * registers the filter "subtree_bpf"; the group attaches it by name, exactly
 * as it would the module. Rules live in maps, updatable at run time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "../bpf_common.h"
#include "../fanotify_common.h"
#include "../fanotify_filter.h"
#include "fanotify_bpf.skel.h"

#define FILTER_NAME "subtree_bpf"

struct fan_bpf {
	struct sb_fan fan;
	struct fanotify_bpf_bpf *skel;
	struct bpf_link *link;
	struct sb_bpf_run run;
};

static int fbpf_probe(enum sb_mode mode, char *why, size_t len)
{
	return sb_fan_filter_probe(mode == SB_MODE_DENY, why, len);
}

/* kfunc needs the series' bpf_fanotify_subtree_rule() (kernel/patches 0002). */
static bool kernel_has_subtree_kfunc(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	bool has = btf && btf__find_by_name_kind(btf, "bpf_fanotify_subtree_rule", BTF_KIND_FUNC) > 0;

	btf__free(btf);
	return has;
}

static void fbpf_detach(struct sb_backend *b)
{
	struct fan_bpf *p = b->priv;

	if (!p)
		return;
	/* The group first: it holds the filter, which the link then unregisters. */
	sb_fan_close(&p->fan);
	bpf_link__destroy(p->link);
	sb_bpf_stop(&p->run);
	fanotify_bpf_bpf__destroy(p->skel);
	free(p);
	b->priv = NULL;
}

static int fbpf_attach(struct sb_backend *b)
{
	struct fan_bpf *p = calloc(1, sizeof(*p));
	struct sb_bpf_rules rt = { 0 };
	uint32_t strategy;
	int ret;

	if (!p) {
		snprintf(b->err, sizeof(b->err), "out of memory");
		return -1;
	}
	p->fan.fd = -1;
	p->run.stats_fd = -1;
	p->run.sb_stats_fd = -1;
	b->priv = p;
	if (sb_bpf_strategy(b, &strategy, b->err, sizeof(b->err)) ||
	    sb_bpf_rules_build(&rt, b->args.rules, strategy, b->args.prefix_cap, b->err,
			       sizeof(b->err)))
		goto fail;
	if (b->args.strategy == SB_STRAT_KFUNC && !kernel_has_subtree_kfunc()) {
		snprintf(b->err, sizeof(b->err), "strategy kfunc: this kernel has no bpf_fanotify_subtree_rule() kfunc (kernel/patches/0002 adds it)");
		goto fail;
	}
	sb_bpf_log_setup(b->args.verbose);
	p->skel = fanotify_bpf_bpf__open();
	if (!p->skel) {
		sb_bpf_error(b->err, sizeof(b->err), "opening the fanotify-bpf object", errno);
		goto fail;
	}
	p->skel->rodata->sb_strategy = strategy;
	p->skel->rodata->sb_rt_bits = rt.bits;
	p->skel->rodata->fb_deny = b->args.mode == SB_MODE_DENY;
	if (sb_bpf_size_maps(p->skel->obj, &rt, false, b->err, sizeof(b->err)))
		goto fail;
	ret = fanotify_bpf_bpf__load(p->skel);
	if (ret) {
		sb_bpf_error(b->err, sizeof(b->err), "loading the fanotify-bpf struct_ops", -ret);
		goto fail;
	}
	if (sb_bpf_fill_rules(p->skel->obj, &rt, b->err, sizeof(b->err)) ||
	    sb_bpf_start(&p->run, p->skel->obj, b, false))
		goto fail;
	sb_bpf_rules_free(&rt);
	p->link = bpf_map__attach_struct_ops(p->skel->maps.subtree_bpf);
	if (!p->link) {
		sb_bpf_error(b->err, sizeof(b->err), "registering the " FILTER_NAME " struct_ops", errno);
		goto fail;
	}
	if (sb_fan_open_report(&p->fan, b->args.mode == SB_MODE_DENY, b->args.report, b->args.rules,
			       b->err, sizeof(b->err)) ||
	    sb_fan_add_filter(&p->fan, FILTER_NAME, NULL, 0, b->err, sizeof(b->err)) ||
	    sb_fan_mark_filesystems(&p->fan, b->args.rules, b->err, sizeof(b->err)))
		goto fail;
	return 0;
fail:
	sb_bpf_rules_free(&rt);
	fbpf_detach(b);
	return -1;
}

static int fbpf_event(struct sb_backend *b, struct sb_fan_event *e)
{
	struct fan_bpf *p = b->priv;

	return sb_fan_filtered_event(b, &p->fan, e);
}

static int fbpf_consume(struct sb_backend *b, int timeout_ms)
{
	struct fan_bpf *p = b->priv;

	return sb_fan_read(b, &p->fan, timeout_ms, fbpf_event);
}

static void fbpf_release_pending(struct sb_backend *b)
{
	struct fan_bpf *p = b->priv;

	sb_fan_release(&p->fan);
}

static void fbpf_counters(struct sb_backend *b, json_t *out)
{
	struct fan_bpf *p = b->priv;

	sb_bpf_counters(&p->run, out);
	json_object_set_new(out, "queue_overflows", json_integer(p->fan.queue_overflows));
}

const struct sb_backend_ops sb_backend_fanotify_bpf = {
	.name = "fanotify-bpf",
	.summary = "FAN_MARK_FILESYSTEM plus the in-kernel sub-tree filter, as a BPF struct_ops program",
	.modes = SB_BIT(SB_MODE_NOTIFY) | SB_BIT(SB_MODE_DENY),
	.strategies = SB_BIT(SB_STRAT_WALK) | SB_BIT(SB_STRAT_LOOP) | SB_BIT(SB_STRAT_PASS) |
		      SB_BIT(SB_STRAT_KFUNC) | SB_BIT(SB_STRAT_TAG),
	.merges = true,
	.probe = fbpf_probe,
	.attach = fbpf_attach,
	.consume = fbpf_consume,
	.release_pending = fbpf_release_pending,
	.detach = fbpf_detach,
	.counters = fbpf_counters,
};
