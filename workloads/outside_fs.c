// SPDX-License-Identifier: GPL-2.0
/*
 * outside-fs: open-close on the outside tree's files, on a filesystem no
 * rule lies on. Nothing is expected in either mode (deny: every open must
 * succeed): the cost a global hook adds to unrelated filesystems.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "wl_common.h"

/* The runner mounts the outside tmpfs: say whether this box lets us mount one. */
static int outside_fs_probe(char *why, size_t len)
{
	char dir[] = "/tmp/sb-probe-XXXXXX";
	int ret = 0;

	if (!mkdtemp(dir)) {
		snprintf(why, len, "cannot create a probe directory in /tmp: %s", strerror(errno));
		return -1;
	}
	if (mount("sb-probe", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=64k")) {
		snprintf(why, len, "cannot mount a second tmpfs for the unmonitored filesystem: mount: %s (needs CAP_SYS_ADMIN)",
			 strerror(errno));
		ret = -1;
	} else if (umount2(dir, 0)) {
		snprintf(why, len, "cannot unmount the probe tmpfs at %s: %s", dir, strerror(errno));
		ret = -1;
	}
	rmdir(dir);
	return ret;
}

static int outside_fs_prepare(struct sb_wl_ctx *w, char *err, size_t errlen)
{
	return sb_openclose_prepare(w, &sb_wl_outside_fs, true, err, errlen);
}

const struct sb_workload_ops sb_wl_outside_fs = {
	.name = "outside-fs",
	.summary = "open and close files on another, unmonitored filesystem: nothing in scope",
	.modes = SB_BIT(SB_MODE_NOTIFY) | SB_BIT(SB_MODE_DENY),
	.probe = outside_fs_probe,
	.files_needed = sb_openclose_files_needed,
	.prepare = outside_fs_prepare,
	.run = sb_openclose_run,
	.finish = sb_openclose_finish,
	.cleanup = sb_openclose_cleanup,
};
