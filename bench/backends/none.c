// SPDX-License-Identifier: GPL-2.0
/* none: nothing attached. The floor every figure is measured against. */
#include "../backend.h"

static int none_probe(enum sb_mode mode, char *why, size_t len)
{
	(void)mode;
	(void)why;
	(void)len;
	return 0;
}

static int none_attach(struct sb_backend *b)
{
	(void)b;
	return 0;
}

static void none_detach(struct sb_backend *b)
{
	(void)b;
}

const struct sb_backend_ops sb_backend_none = {
	.name = "none",
	.summary = "no monitoring: the baseline every figure is relative to",
	.modes = SB_BIT(SB_MODE_NOTIFY) | SB_BIT(SB_MODE_DENY),
	.strategies = 0,
	.probe = none_probe,
	.attach = none_attach,
	.detach = none_detach,
};
