// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "event.h"

static const char *const kind_names[SB_EV__COUNT] = {
	[SB_EV_OPEN] = "open",
	[SB_EV_CREATE] = "create",
	[SB_EV_DELETE] = "delete",
	[SB_EV_MOVED_FROM] = "moved_from",
	[SB_EV_MOVED_TO] = "moved_to",
	[SB_EV_DENY] = "deny",
	[SB_EV_OVERFLOW] = "overflow",
};

const char *sb_kind_name(enum sb_kind kind)
{
	return (unsigned int)kind < SB_EV__COUNT ? kind_names[kind] : "unknown";
}

int sb_kind_parse(const char *s, enum sb_kind *kind)
{
	for (int k = 0; k < SB_EV__COUNT; k++) {
		if (!strcmp(s, kind_names[k])) {
			*kind = k;
			return 0;
		}
	}
	return -1;
}

void sb_event_set_name(struct sb_event *ev, const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	const char *name = slash ? slash + 1 : (path ? path : "");
	size_t len = strnlen(name, SB_NAME_MAX - 1);

	memcpy(ev->name, name, len);
	ev->name[len] = '\0';
}
