// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mntent.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "box.h"

/*
 * The bench VM boots with the host root over 9p; a stray SUBTREE_BENCH_BOX
 * in a host shell does not make the host a VM.
 */
bool sb_in_guest(void)
{
	FILE *f;
	struct mntent *m;
	bool root_9p = false;

	if (!getenv("SUBTREE_BENCH_BOX"))
		return false;
	/* statfs() on 9p reports the host filesystem's type: ask the mount table. */
	f = setmntent("/proc/self/mounts", "r");
	if (!f)
		return false;
	while ((m = getmntent(f)))
		if (!strcmp(m->mnt_dir, "/"))
			root_9p = !strcmp(m->mnt_type, "9p");
	endmntent(f);
	return root_9p;
}

const char *sb_box_kind(void)
{
	const char *b = getenv("SUBTREE_BENCH_BOX");

	return b && (!strcmp(b, "vm") || !strcmp(b, "vm-icount")) && sb_in_guest() ? b : "host";
}

static void cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !colon)
			continue;
		colon += 2;
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, len, "%s", colon);
		break;
	}
	fclose(f);
}

json_t *sb_box_json(void)
{
	struct utsname u;
	char cpu[256];
	const char *kind = sb_box_kind();

	uname(&u);
	cpu_model(cpu, sizeof(cpu));
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}",
			 "kind", kind, "kernel", u.release, "kernel_build", u.version,
			 "cpu_model", cpu, "cores", (json_int_t)sysconf(_SC_NPROCESSORS_ONLN),
			 "time_unit", strcmp(kind, "vm-icount") ? "ns" : "instructions");
}
