// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "box.h"
#include "cmd.h"
#include "results.h"

/* The harness's git revision, "-dirty" when the tree has changes. */
static json_t *git_revision(void)
{
	char cmd[4200], rev[128] = "unknown";
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "cd '%s' 2>/dev/null && git rev-parse --short=12 HEAD 2>/dev/null && "
		 "{ git diff --quiet HEAD -- 2>/dev/null || echo dirty; }", sb_repo_dir());
	p = popen(cmd, "r");
	if (p) {
		char line[128];

		if (fgets(line, sizeof(line), p)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(rev, sizeof(rev), "%s", line);
			if (fgets(line, sizeof(line), p) && !strncmp(line, "dirty", 5))
				strncat(rev, "-dirty", sizeof(rev) - strlen(rev) - 1);
		}
		pclose(p);
	}
	return json_string(rev);
}

void sb_command_line(int argc, char **argv, char *buf, size_t len)
{
	buf[0] = '\0';
	/* argv[0] is "subtree-bench CMD" (main.c). */
	for (int i = 0; i < argc; i++) {
		if (i)
			strncat(buf, " ", len - strlen(buf) - 1);
		strncat(buf, argv[i], len - strlen(buf) - 1);
	}
}

/* Where a failed write leaves the results: the last complete file stays. */
static void write_failed(const char *path, const char *tmp, int err_no, char *err, size_t errlen)
{
	remove(tmp);
	snprintf(err, errlen, "cannot write '%s': %s%s", path, strerror(err_no),
		 err_no == ENOSPC || err_no == EDQUOT ?
		 " (its filesystem is full: free space there or give --out on another one; the file keeps what was written before)" :
		 " (check the directory exists and is writable)");
}

int sb_results_open(struct sb_results *r, const char *path, const char *box_kind,
		    int argc, char **argv, char *err, size_t errlen)
{
	char created[32], cmdline[4096];
	char tmp[4300];
	time_t now = time(NULL);
	json_t *box;

	(void)box_kind;
	memset(r, 0, sizeof(*r));
	r->path = strdup(path);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	sb_command_line(argc, argv, cmdline, sizeof(cmdline));
	box = sb_box_json();
	r->root = json_pack("{s:i, s:s, s:o, s:s, s:s, s:o, s:[], s:[]}",
			    "schema_version", SB_SCHEMA_VERSION, "tool", "subtree-bench",
			    "git_revision", git_revision(), "created_utc", created,
			    "command_line", cmdline, "box", box, "runs", "unavailable");
	if (!r->path || !r->root) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/*
	 * Fail now, not after an hour of measuring, if the file cannot be
	 * written; but write only its temporary file here, so that a command
	 * refused for bad input after this leaves an existing file as it was.
	 */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	errno = 0;
	if (json_dump_file(r->root, tmp, JSON_INDENT(1))) {
		write_failed(path, tmp, errno ? errno : EIO, err, errlen);
		return -1;
	}
	unlink(tmp);
	return 0;
}

static void csv_value(FILE *f, json_t *v)
{
	if (json_is_string(v))
		fprintf(f, "%s", json_string_value(v));
	else if (json_is_integer(v))
		fprintf(f, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		fprintf(f, "%.6g", json_real_value(v));
	else if (json_is_boolean(v))
		fprintf(f, "%s", json_is_true(v) ? "true" : "false");
}

static const char *const csv_run_keys[] = {
	"id", "backend", "strategy", "workload", "mode", "rules", "depth", "hit_ratio",
	"ops", "reps", "seed", "median_ns_per_op", "overhead_ns_per_op",
};
static const char *const csv_oracle_keys[] = {
	"expected", "delivered", "missing", "merged", "duplicated", "unexpected", "extra",
	"overflows", "valid",
};

/* The flat view: one row per run, the same snake_case names as the JSON. */
static int write_csv(struct sb_results *r, const char *path)
{
	FILE *f = fopen(path, "w");
	size_t i, k;
	json_t *run;

	if (!f)
		return -1;
	for (k = 0; k < sizeof(csv_run_keys) / sizeof(*csv_run_keys); k++)
		fprintf(f, "%s,", csv_run_keys[k]);
	for (k = 0; k < sizeof(csv_oracle_keys) / sizeof(*csv_oracle_keys); k++)
		fprintf(f, "%s,", csv_oracle_keys[k]);
	fprintf(f, "samples_ns_per_op\n");
	json_array_foreach(json_object_get(r->root, "runs"), i, run) {
		json_t *oracle = json_object_get(run, "oracle"), *s;
		size_t j;

		for (k = 0; k < sizeof(csv_run_keys) / sizeof(*csv_run_keys); k++) {
			csv_value(f, json_object_get(run, csv_run_keys[k]));
			fputc(',', f);
		}
		for (k = 0; k < sizeof(csv_oracle_keys) / sizeof(*csv_oracle_keys); k++) {
			csv_value(f, json_object_get(oracle, csv_oracle_keys[k]));
			fputc(',', f);
		}
		json_array_foreach(json_object_get(run, "samples_ns_per_op"), j, s) {
			fprintf(f, j ? ";" : "");
			csv_value(f, s);
		}
		fputc('\n', f);
	}
	/* A write that failed mid-way (a full disk) must not look like success. */
	if (fflush(f) || ferror(f)) {
		int e = errno ? errno : EIO;

		fclose(f);
		errno = e;
		return -1;
	}
	return fclose(f);
}

static int replace_file(const char *path, const char *tmp, char *err, size_t errlen)
{
	if (rename(tmp, path)) {
		write_failed(path, tmp, errno, err, errlen);
		return -1;
	}
	return 0;
}

int sb_results_flush(struct sb_results *r, char *err, size_t errlen)
{
	char tmp[4300], csv[4200];
	size_t len = strlen(r->path);

	/*
	 * A temporary file renamed over the old one: a full disk, a crash or
	 * a kill mid-write leaves the previous complete file, never half of one.
	 */
	snprintf(tmp, sizeof(tmp), "%s.tmp", r->path);
	errno = 0;
	if (json_dump_file(r->root, tmp, JSON_INDENT(1) | JSON_REAL_PRECISION(12))) {
		write_failed(r->path, tmp, errno ? errno : EIO, err, errlen);
		return -1;
	}
	if (replace_file(r->path, tmp, err, errlen))
		return -1;
	if (len > 5 && !strcmp(r->path + len - 5, ".json"))
		snprintf(csv, sizeof(csv), "%.*s.csv", (int)(len - 5), r->path);
	else
		snprintf(csv, sizeof(csv), "%s.csv", r->path);
	snprintf(tmp, sizeof(tmp), "%s.tmp", csv);
	errno = 0;
	if (write_csv(r, tmp)) {
		write_failed(csv, tmp, errno ? errno : EIO, err, errlen);
		return -1;
	}
	return replace_file(csv, tmp, err, errlen);
}

int sb_results_add_run(struct sb_results *r, json_t *run, char *err, size_t errlen)
{
	json_t *runs = json_object_get(r->root, "runs");

	json_array_append_new(runs, run);
	if (!sb_results_flush(r, err, errlen))
		return 0;
	/* Not in the file: not in the results either. */
	json_array_remove(runs, json_array_size(runs) - 1);
	return -1;
}

int sb_results_add_unavailable(struct sb_results *r, const char *backend,
			       const char *mode, const char *reason)
{
	json_t *list = json_object_get(r->root, "unavailable"), *u;
	size_t i;

	json_array_foreach(list, i, u) {
		if (!strcmp(json_string_value(json_object_get(u, "backend")), backend) &&
		    !strcmp(json_string_value(json_object_get(u, "mode")), mode))
			return 1;
	}
	return json_array_append_new(json_object_get(r->root, "unavailable"),
				     json_pack("{s:s, s:s, s:s}", "backend", backend,
					       "mode", mode, "reason", reason));
}

void sb_results_close(struct sb_results *r)
{
	json_decref(r->root);
	free(r->path);
	memset(r, 0, sizeof(*r));
}

json_t *sb_results_load(const char *path, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr), *v;

	if (!root) {
		snprintf(err, errlen, "'%s': %s (line %d): give a results file written by 'subtree-bench run'",
			 path, jerr.text, jerr.line);
		return NULL;
	}
	v = json_object_get(root, "schema_version");
	if (!json_is_integer(v) || json_integer_value(v) != SB_SCHEMA_VERSION) {
		snprintf(err, errlen, "'%s': schema_version %lld, this harness reads %d: re-run 'subtree-bench run' with this version",
			 path, json_is_integer(v) ? (long long)json_integer_value(v) : -1LL,
			 SB_SCHEMA_VERSION);
		json_decref(root);
		return NULL;
	}
	if (!json_is_array(json_object_get(root, "runs"))) {
		snprintf(err, errlen, "'%s': no \"runs\" array: not a subtree-bench results file", path);
		json_decref(root);
		return NULL;
	}
	return root;
}
