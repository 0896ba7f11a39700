// SPDX-License-Identifier: GPL-2.0
/*
 * bpf-lsm: the sub-tree filter as BPF LSM programs (bpf/bpf_lsm.bpf.c):
 * file_open and the inode_* create/delete/rename hooks. notify: in-scope
 * events through a BPF ring buffer; deny: only file_open is loaded, and it
 * fails opens of in-scope regular files with EPERM in the kernel. The tag
 * strategy adds d_instantiate, where a new directory inherits its parent's
 * tag, in both modes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../bpf_common.h"
#include "bpf_lsm.skel.h"

struct lsm_priv {
	struct bpf_lsm_bpf *skel;
	struct sb_bpf_run run;
};

static int lsm_probe(enum sb_mode mode, char *why, size_t len)
{
	(void)mode;	/* deny is the same programs returning -EPERM */
	return sb_bpf_probe(SB_BPF_PROBE_LSM, why, len);
}

static void lsm_detach(struct sb_backend *b)
{
	struct lsm_priv *p = b->priv;

	if (!p)
		return;
	sb_bpf_stop(&p->run);
	bpf_lsm_bpf__destroy(p->skel);
	free(p);
	b->priv = NULL;
}

static int lsm_attach(struct sb_backend *b)
{
	bool deny = b->args.mode == SB_MODE_DENY;
	struct bpf_program *prog;
	struct lsm_priv *p;
	struct sb_bpf_rules rt = { 0 };
	uint32_t strategy;
	int ret;

	if (sb_bpf_strategy(b, &strategy, b->err, sizeof(b->err)) ||
	    sb_bpf_rules_build(&rt, b->args.rules, strategy, b->args.prefix_cap, b->err,
			       sizeof(b->err)))
		return -1;
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(b->err, sizeof(b->err), "bpf-lsm: out of memory");
		sb_bpf_rules_free(&rt);
		return -1;
	}
	p->run.stats_fd = -1;
	p->run.sb_stats_fd = -1;
	b->priv = p;
	sb_bpf_log_setup(b->args.verbose);

	p->skel = bpf_lsm_bpf__open();
	if (!p->skel) {
		sb_bpf_error(b->err, sizeof(b->err), "opening the bpf-lsm BPF object", errno);
		goto fail;
	}
	p->skel->rodata->sb_strategy = strategy;
	p->skel->rodata->sb_rt_bits = rt.bits;
	p->skel->rodata->sb_prefix_cap = rt.prefix_cap;
	p->skel->rodata->sb_emit_names = b->args.report != SB_REPORT_FID;
	p->skel->rodata->sb_deny = deny;
	/* deny: file_open alone; d_instantiate for tag only */
	bpf_object__for_each_program(prog, p->skel->obj)
		if (prog == p->skel->progs.sb_d_instantiate ? b->args.strategy != SB_STRAT_TAG :
		    deny && prog != p->skel->progs.sb_file_open)
			bpf_program__set_autoload(prog, false);
	if (sb_bpf_size_maps(p->skel->obj, &rt, !deny, b->err, sizeof(b->err)))
		goto fail;
	ret = bpf_lsm_bpf__load(p->skel);
	if (ret) {
		sb_bpf_error(b->err, sizeof(b->err), "loading the bpf-lsm programs", -ret);
		goto fail;
	}
	if (sb_bpf_fill_rules(p->skel->obj, &rt, b->err, sizeof(b->err)))
		goto fail;
	sb_bpf_rules_free(&rt);
	if (sb_bpf_start(&p->run, p->skel->obj, b, !deny))
		goto fail;
	ret = bpf_lsm_bpf__attach(p->skel);
	if (ret) {
		sb_bpf_error(b->err, sizeof(b->err), "attaching the bpf-lsm programs", -ret);
		goto fail;
	}
	return 0;
fail:
	sb_bpf_rules_free(&rt);
	lsm_detach(b);
	return -1;
}

static int lsm_consume(struct sb_backend *b, int timeout_ms)
{
	struct lsm_priv *p = b->priv;

	if (!p) {
		snprintf(b->err, sizeof(b->err), "bpf-lsm: not attached");
		return -1;
	}
	return sb_bpf_consume(&p->run, timeout_ms);
}

static void lsm_counters(struct sb_backend *b, json_t *out)
{
	struct lsm_priv *p = b->priv;

	if (p)
		sb_bpf_counters(&p->run, out);
}

const struct sb_backend_ops sb_backend_bpf_lsm = {
	.name = "bpf-lsm",
	.summary = "BPF LSM programs on file_open and the inode_* create/delete/rename hooks, global",
	.modes = SB_BIT(SB_MODE_NOTIFY) | SB_BIT(SB_MODE_DENY),
	.strategies = SB_BIT(SB_STRAT_WALK) | SB_BIT(SB_STRAT_LOOP) | SB_BIT(SB_STRAT_TAG) |
		      SB_BIT(SB_STRAT_PREFIX),
	.probe = lsm_probe,
	.attach = lsm_attach,
	.consume = lsm_consume,
	.release_pending = NULL,
	.detach = lsm_detach,
	.counters = lsm_counters,
};
