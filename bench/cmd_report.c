// SPDX-License-Identifier: GPL-2.0
/*
 * `subtree-bench report [--out-dir DIR] [--title T] [--cover-letter FILE] RESULTS.json...`
 *
 * Reads results files (bench/results.h), merges their runs and writes, under
 * DIR: one gnuplot data file (.dat) and script (.gp) per figure, the figures
 * themselves (PNG + SVG + PDF, by running gnuplot on the script; the styling lives
 * in the templates scripts/plot/cost.gp, split.gp and headline.gp) and
 * REPORT.md.
 *
 * Figures: for each workload and mode, cost per operation (and overhead over
 * `none`) against rules, depth or hit ratio, one per combination of the other
 * two, drawn when some backend/strategy was measured at two or more values;
 * named <workload>-<mode>[-overhead]-vs-rules-depth<D>-hit<H> (or
 * -vs-depth-rules<R>-hit<H>, -vs-hit-rules<R>-depth<D>). For open-close, the
 * cost split of every backend/strategy at one cell,
 * <workload>-<mode>-split-rules<R>-depth<D>-hit<H>, when the runs record
 * one. Burst-regime runs (`files` objects reused) have a section of their
 * own and no figure.
 *
 * Files of one kind of box merge. A vm-icount file and a wall-clock file
 * (host, vm) report the first one's box and pair its runs with the other's
 * of the same id under "Instruction counts and wall clock".
 *
 * Every number comes from the results: medians, CIs, overheads and the
 * estimator strings from each run's "stats" object (bench/stats.c), medians
 * over repetitions computed with bench/stats.c. The sentences are derived
 * from the same numbers by the report code (ratios and CI overlaps only),
 * never written by hand.
 *
 * Output is deterministic: the same results give byte-identical .dat, .gp
 * and REPORT.md files (total sort orders, no clocks), so `make report`
 * reproduces a committed REPORT.md exactly.
 *
 * With --cover-letter FILE it also rewrites the figures block of a patch
 * series' cover letter (kernel/patches/0000-cover-letter.patch): the lines
 * between its two marker lines (bench/report/cover.c), nothing else.
 *
 * This file is the front end: the options, then the jobs in bench/report/
 * (load, derive, plot, write; see bench/report/report.h).
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "report/report.h"

static const char doc[] =
	"Plots (gnuplot, PNG + SVG + PDF, with their .dat and .gp files) and REPORT.md from one or "
	"more results files. Statistics are read from each run's \"stats\" object; runs that "
	"failed the oracle are listed, never plotted.\v"
	"Exit status: 0 done, 1 an output could not be written or gnuplot failed, 2 bad "
	"arguments or an unusable results file.\n\n"
	"EXAMPLES:\n"
	"  subtree-bench report results/default/results.json\n"
	"      writes results/default/REPORT.md and its figures\n"
	"  subtree-bench report --out-dir results/default --report-md REPORT.md \\\n"
	"      results/default/results.json     (what `make report` runs)\n"
	"  subtree-bench report --out-dir /tmp/both --title \"kmod vs bpf\" a.json b.json\n"
	"      merges two result sets from the same kind of box\n"
	"  subtree-bench report --out-dir /tmp/pair icount.json host.json\n"
	"      the vm-icount report, its runs paired with the host's of the same id\n"
	"      (instruction-count against wall-clock overhead ratios)\n"
	"  subtree-bench report --cover-letter kernel/patches/0000-cover-letter.patch \\\n"
	"      results/default/results.json     (also in `make report`)\n"
	"      rewrites the figures block of the series' cover letter\n";

static const struct argp_option options[] = {
	{ "out-dir", 'o', "DIR", 0,
	  "Write figures, .dat/.gp files and REPORT.md to DIR (default: the first results file's directory)", 0 },
	{ "title", 't', "TITLE", 0, "Title of the report and the figures", 0 },
	{ "report-md", 'm', "PATH", 0,
	  "Also write the report to PATH, with figure links relative to PATH (e.g. the top-level REPORT.md)", 0 },
	{ "templates", 'T', "DIR", 0,
	  "gnuplot templates (default: scripts/plot in the repository of this binary)", 0 },
	{ "no-plots", 'n', 0, 0, "Write the .dat, .gp and REPORT.md files but do not run gnuplot", 0 },
	{ "realistic", 'R', "RESULTS.json", 0,
	  "Add a \"Real-world workloads\" section from this file of imported whole commands (`subtree-bench import`, scripts/realistic.sh): per workload each backend's median, CI and ratio over none", 0 },
	{ "cover-letter", 'c', "FILE", 0,
	  "Also rewrite the figures block of FILE (a patch series' cover letter): the lines between its two marker lines become a plain-text table of the headline figure and deny mode; FILE must have the markers", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct report *r = state->input;

	switch (key) {
	case 'o':
		r->out_dir = arg;
		break;
	case 't':
		r->title = arg;
		break;
	case 'm':
		r->report_md = arg;
		break;
	case 'T':
		r->templates = arg;
		break;
	case 'n':
		r->no_plots = true;
		break;
	case 'R':
		r->realistic = arg;
		break;
	case 'c':
		r->cover_letter = arg;
		break;
	case ARGP_KEY_ARG:
		r->files[r->nfiles++] = arg;
		break;
	case ARGP_KEY_END:
		if (!r->nfiles)
			argp_error(state, "no results file given (e.g. results/default/results.json)");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/*
 * The --realistic file, through the same loader as the main set but as a set
 * of its own: another box kind (vm beside vm-icount) and other workloads, so
 * it never merges with the main figures.
 */
static int load_realistic(struct report *r)
{
	r->real = calloc(1, sizeof(*r->real));
	if (!r->real) {
		errf("out of memory");
		return EXIT_OUTPUT;
	}
	r->real->files = (char **)&r->realistic;
	r->real->nfiles = 1;
	return report_load(r->real);
}

int cmd_report(int argc, char **argv)
{
	struct report r = { 0 };
	char tdir[PATH_MAX];
	struct argp argp = { options, parse_opt, "RESULTS.json...", doc, NULL, NULL, NULL };
	char *av0 = argv[0], name[] = "subtree-bench report";
	int ret;

	/* Numbers in .dat files and REPORT.md always use a decimal point. */
	setlocale(LC_NUMERIC, "C");
	argp_err_exit_status = EXIT_INPUT;
	r.files = calloc(argc > 0 ? argc : 1, sizeof(*r.files));
	if (!r.files) {
		errf("out of memory");
		return EXIT_OUTPUT;
	}
	argv[0] = name;
	if (argp_parse(&argp, argc, argv, 0, NULL, &r)) {
		argv[0] = av0;
		free(r.files);
		return EXIT_INPUT;
	}
	argv[0] = av0;
	if (!r.templates) {
		/* The repository of this binary, else the current directory. */
		snprintf(tdir, sizeof(tdir), "%s/scripts/plot/cost.gp", sb_repo_dir());
		r.templates = access(tdir, R_OK) ? "scripts/plot" : tdir;
		if (r.templates == tdir)
			*strrchr(tdir, '/') = '\0';
	}

	/* A cover letter without its markers is refused before anything is written. */
	if ((r.cover_letter && (ret = cover_read(&r))) || (ret = report_load(&r)) ||
	    (ret = report_derive(&r)))
		goto cleanup;
	if (r.realistic && (ret = load_realistic(&r)))
		goto cleanup;
	r.dir = r.out_dir ? xstrdup(r.out_dir) : dir_of(r.in[0].path);
	if (mkdir_p(r.dir)) {
		errf("cannot create the output directory %s: %s; fix: pass a writable --out-dir",
		     r.dir, strerror(errno));
		ret = EXIT_OUTPUT;
		goto cleanup;
	}
	if ((ret = report_plot(&r)) || (ret = report_write_md(&r)) ||
	    (r.cover_letter && (ret = report_write_cover(&r))))
		goto cleanup;
cleanup:
	report_derive_free(&r);
	cover_free(&r);
	report_load_free(&r);
	if (r.real)
		report_load_free(r.real);
	free(r.real);
	free(r.dir);
	free(r.files);
	return ret;
}
