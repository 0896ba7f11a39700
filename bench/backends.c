// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "backend.h"

#define SB_BACKEND(sym) &sym,
const struct sb_backend_ops *const sb_backends[] = {
#include "backends/list.h"
	NULL,
};
#undef SB_BACKEND

static const char *const mode_names[SB_MODE__COUNT] = {
	[SB_MODE_NOTIFY] = "notify",
	[SB_MODE_DENY] = "deny",
};

static const char *const strategy_names[SB_STRAT__COUNT] = {
	[SB_STRAT_WALK] = "walk",
	[SB_STRAT_LOOP] = "loop",
	[SB_STRAT_TAG] = "tag",
	[SB_STRAT_CACHE] = "cache",
	[SB_STRAT_PASS] = "pass",
	[SB_STRAT_KFUNC] = "kfunc",
	[SB_STRAT_PREFIX] = "prefix",
};

const struct sb_backend_ops *sb_backend_find(const char *name)
{
	for (size_t i = 0; sb_backends[i]; i++)
		if (!strcmp(sb_backends[i]->name, name))
			return sb_backends[i];
	return NULL;
}

const char *sb_mode_name(enum sb_mode mode)
{
	return (unsigned int)mode < SB_MODE__COUNT ? mode_names[mode] : "unknown";
}

int sb_mode_parse(const char *s, enum sb_mode *mode)
{
	for (int m = 0; m < SB_MODE__COUNT; m++) {
		if (!strcmp(s, mode_names[m])) {
			*mode = m;
			return 0;
		}
	}
	return -1;
}

const char *sb_strategy_name(enum sb_strategy s)
{
	if (s == SB_STRAT_OWN)
		return "-";
	return (unsigned int)s < SB_STRAT__COUNT ? strategy_names[s] : "unknown";
}

int sb_strategy_parse(const char *s, enum sb_strategy *st)
{
	for (int i = 0; i < SB_STRAT__COUNT; i++) {
		if (!strcmp(s, strategy_names[i])) {
			*st = i;
			return 0;
		}
	}
	return -1;
}

int sb_backend_available(const struct sb_backend_ops *ops, enum sb_mode mode, char *why, size_t len)
{
	why[0] = '\0';
	if (ops->modes & SB_BIT(mode))
		return ops->probe(mode, why, len) ? -1 : 0;
	/* The backend's probe may know why better than "not implemented". */
	if (!ops->probe(mode, why, len) || !why[0])
		snprintf(why, len, "%s mode is not implemented by this backend", sb_mode_name(mode));
	return -1;
}

static const char *const report_names[SB_REPORT__COUNT] = {
	[SB_REPORT_FID] = "fid",
	[SB_REPORT_DFID_NAME] = "dfid-name",
};

const char *sb_report_name(enum sb_report r)
{
	return (unsigned int)r < SB_REPORT__COUNT ? report_names[r] : "unknown";
}

int sb_report_parse(const char *s, enum sb_report *r)
{
	for (int i = 0; i < SB_REPORT__COUNT; i++) {
		if (!strcmp(s, report_names[i])) {
			*r = i;
			return 0;
		}
	}
	return -1;
}

int sb_backend_deny_errno(const struct sb_backend_ops *ops)
{
	return ops->deny_errno ? ops->deny_errno : EPERM;
}
