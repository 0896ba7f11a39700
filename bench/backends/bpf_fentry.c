// SPDX-License-Identifier: GPL-2.0
/*
 * bpf-fentry: the sub-tree filter as BPF tracing programs
 * (bpf/bpf_fentry.bpf.c): fentry on security_file_open and the
 * security_inode_* create/delete/rename functions. notify only: in-scope
 * events through a BPF ring buffer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../bpf_common.h"
#include "bpf_fentry.skel.h"

struct fentry_priv {
	struct bpf_fentry_bpf *skel;
	struct sb_bpf_run run;
};

static int fentry_probe(enum sb_mode mode, char *why, size_t len)
{
	if (mode == SB_MODE_DENY) {
		snprintf(why, len, "fentry programs cannot change the return value of "
			 "security_file_open(): deny needs bpf-lsm");
		return -1;
	}
	return sb_bpf_probe(SB_BPF_PROBE_FENTRY, why, len);
}

static void fentry_detach(struct sb_backend *b)
{
	struct fentry_priv *p = b->priv;

	if (!p)
		return;
	sb_bpf_stop(&p->run);
	bpf_fentry_bpf__destroy(p->skel);
	free(p);
	b->priv = NULL;
}

static int fentry_attach(struct sb_backend *b)
{
	struct fentry_priv *p;
	struct sb_bpf_rules rt = { 0 };
	uint32_t strategy;
	int ret;

	if (b->args.mode != SB_MODE_NOTIFY) {
		fentry_probe(b->args.mode, b->err, sizeof(b->err));
		return -1;
	}
	if (sb_bpf_strategy(b, &strategy, b->err, sizeof(b->err)) ||
	    sb_bpf_rules_build(&rt, b->args.rules, strategy, b->args.prefix_cap, b->err,
			       sizeof(b->err)))
		return -1;
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(b->err, sizeof(b->err), "bpf-fentry: out of memory");
		sb_bpf_rules_free(&rt);
		return -1;
	}
	p->run.stats_fd = -1;
	p->run.sb_stats_fd = -1;
	b->priv = p;
	sb_bpf_log_setup(b->args.verbose);

	p->skel = bpf_fentry_bpf__open();
	if (!p->skel) {
		sb_bpf_error(b->err, sizeof(b->err), "opening the bpf-fentry BPF object", errno);
		goto fail;
	}
	p->skel->rodata->sb_strategy = strategy;
	p->skel->rodata->sb_rt_bits = rt.bits;
	p->skel->rodata->sb_prefix_cap = rt.prefix_cap;
	p->skel->rodata->sb_emit_names = b->args.report != SB_REPORT_FID;
	if (sb_bpf_size_maps(p->skel->obj, &rt, true, b->err, sizeof(b->err)))
		goto fail;
	ret = bpf_fentry_bpf__load(p->skel);
	if (ret) {
		sb_bpf_error(b->err, sizeof(b->err), "loading the bpf-fentry programs", -ret);
		goto fail;
	}
	if (sb_bpf_fill_rules(p->skel->obj, &rt, b->err, sizeof(b->err)))
		goto fail;
	sb_bpf_rules_free(&rt);
	if (sb_bpf_start(&p->run, p->skel->obj, b, true))
		goto fail;
	ret = bpf_fentry_bpf__attach(p->skel);
	if (ret) {
		sb_bpf_error(b->err, sizeof(b->err), "attaching the bpf-fentry programs", -ret);
		goto fail;
	}
	return 0;
fail:
	sb_bpf_rules_free(&rt);
	fentry_detach(b);
	return -1;
}

static int fentry_consume(struct sb_backend *b, int timeout_ms)
{
	struct fentry_priv *p = b->priv;

	if (!p) {
		snprintf(b->err, sizeof(b->err), "bpf-fentry: not attached");
		return -1;
	}
	return sb_bpf_consume(&p->run, timeout_ms);
}

static void fentry_counters(struct sb_backend *b, json_t *out)
{
	struct fentry_priv *p = b->priv;

	if (p)
		sb_bpf_counters(&p->run, out);
}

const struct sb_backend_ops sb_backend_bpf_fentry = {
	.name = "bpf-fentry",
	.summary = "BPF fentry programs on security_file_open and security_inode_*, global",
	.modes = SB_BIT(SB_MODE_NOTIFY),
	.strategies = SB_BIT(SB_STRAT_WALK) | SB_BIT(SB_STRAT_LOOP) | SB_BIT(SB_STRAT_PREFIX),
	.probe = fentry_probe,
	.attach = fentry_attach,
	.consume = fentry_consume,
	.release_pending = NULL,
	.detach = fentry_detach,
	.counters = fentry_counters,
};
