/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `subtree-bench report`, in jobs that run in this order, each in its
 * own file, sharing the structs below:
 *   load.c      results files -> struct input and struct run (only it reads JSON)
 *   derive.c    runs -> sorted lists (by regime and box), figure groups and
 *               series, split figures, instruction-count/wall-clock pairs, the
 *               headline figure's bars, the facts the sentences state (cheapest, ...)
 *   plot.c      groups, split and headline figures -> gnuplot .dat and .gp
 *               files, PNG + SVG + PDF
 *   markdown.c  everything -> REPORT.md, with summary.c (the summary at the
 *               top) and sentences.c (the appendix of derived sentences)
 *   setup.c     the set-up section: attach time and kernel memory against the
 *               directories in scope (its figure data is written by plot.c)
 *   threads.c   the workload-threads table: --threads N runs beside one thread's
 *   cover.c     the headline and deny mode -> the figures block of a patch
 *               series' cover letter (--cover-letter FILE)
 * bench/cmd_report.c is the front end (options, then the jobs);
 * common.c, text.c and files.c hold what more than one job uses.
 */
#ifndef SB_REPORT_H
#define SB_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "../cmd.h"

/* cmd.h: 0 done; 1 an output could not be written or gnuplot failed; 2 bad
 * arguments or an unusable results file (nothing was reported). */
enum { EXIT_OUTPUT = SB_EXIT_FAIL, EXIT_INPUT = SB_EXIT_USAGE };
enum axis { AX_RULES, AX_DEPTH, AX_HIT, AX__COUNT };	/* a figure's x axis */
enum fig { FIG_COST, FIG_OVERHEAD };

struct input {			/* one results file */
	const char *path;
	json_t *root;
	const char *kind, *kernel, *kernel_build, *cpu, *time_unit;
	const char *git, *created, *cmdline;
	long long cores;
	bool has_cores;
	/* Another kind of box than the first file's, in the other unit
	 * (instructions vs wall clock): its runs are only paired with the
	 * first kind's, in "Instruction counts and wall clock". */
	bool paired;
};

struct est {			/* a number with its optional CI */
	bool has, has_ci;
	double v, lo, hi;
	const char *estimator;
};

enum drain { DRAIN_UNKNOWN, DRAIN_NO_CONSUMER, DRAIN_INCLUDED, DRAIN_APART };

/* The oracle's counters, run-level and per repetition; the failed-runs table
 * shows the first ORACLE_FAILED_COLS (what every results file has). */
enum oracle_key {
	OR_EXPECTED, OR_DELIVERED, OR_MISSING, OR_UNEXPECTED, OR_OVERFLOWS,
	OR_MERGED, OR_DUPLICATED, OR_EXTRA, N_ORACLE
};
#define ORACLE_FAILED_COLS 5
extern const char *const oracle_keys[N_ORACLE];

/* What each timing repetition records besides its figure (reps_detail[i]):
 * the cost split, the attach time, then the oracle's counters. */
enum rep_metric {
	RM_WORKLOAD, RM_CONSUMER, RM_CONSUMER_EVENT, RM_REMAINDER,
	RM_ATTACH,		/* attach_ns: the set-up, not per operation */
	RM_LOOP,		/* loop_ns_per_op: the timed loop alone, without the drain */
	RM_ORACLE,		/* + enum oracle_key */
	RM__COUNT = RM_ORACLE + N_ORACLE
};

/* What the counting pass records about the set-up (counting_detail[i]): the
 * kernel memory the attach added (kmem.attach_bytes), and what the backend
 * held at the end of the operations (kmem.end_bytes), the marks its groups
 * held after the attach and its BPF maps' memory (fdinfo memlock). */
enum count_metric { CM_KMEM_ATTACH, CM_KMEM_END, CM_MARKS, CM_MAP_BYTES, CM__COUNT };

struct per_rep {		/* the repetitions that recorded one metric */
	double *v;
	size_t n;
	double median;		/* derive.c (bench/stats.c); NAN when n == 0 */
};

struct mode {			/* one mode of a bimodal sample (stats.modes[]) */
	double median, min, max;
	long long n;
};

struct modes {
	bool bimodal;
	struct mode m[2];	/* ascending; only when bimodal */
	const char *estimator;	/* modes_estimator, when recorded */
};

struct run {
	const struct input *in;
	const char *id, *backend, *strategy, *workload, *mode;
	double rules, depth, hit;
	long long ops, reps, n, files, count_reps;
	bool has_ops, has_reps, has_n, valid, has_stats, has_baseline, has_count_reps;
	bool has_regime;	/* the file says which regime (newer runners) */
	bool burst;		/* regime "burst": `files` objects reused per side */
	enum drain drain;
	struct est median, mean, stddev, overhead, overhead_pct;
	struct modes modes, ovh_modes;	/* of the samples, of the paired differences */
	long long outliers;
	bool has_outliers;
	const char *outliers_est;
	long long oracle[N_ORACLE];	/* as oracle_keys */
	bool has_oracle[N_ORACLE];
	const char *why;
	const char **warnings;
	size_t nwarnings;
	struct per_rep rep[RM__COUNT];
	struct per_rep count[CM__COUNT];
	const char *kmem_method;	/* counting_detail[].kmem.method, or NULL */
	int kmem_unsettled;	/* counting repetitions whose meminfo "before" never settled */
	double dirs;		/* dirs_in_scope: the set-up axis; NAN in older files */
	int consumer_in_total;	/* split.consumer_in_total: -1 not recorded, 0, 1 */
	long long threads;	/* workload threads per step (run --threads); 1 in older files */
	/* exit_status (imported whole commands): how many were checked, how many exited non-zero */
	long long exit_checked, exit_nonzero;
	bool has_exit;
};

struct skipped {
	const char *id, *file;
	char *reason;
};

struct unavail {		/* a backend a box could not run */
	const char *backend, *mode, *reason, *file;
};

struct series {
	struct run **pts;	/* sorted by x */
	size_t n;
	size_t n_ovh;		/* points with an overhead value */
	bool is_none;
};

/* The sentence "at X the cheapest is ...": the monitored runs at the
 * group's largest x. best is NULL when fewer than two were measured there. */
struct cheapest {
	double x;
	const struct run *best, *second, *worst, *floor;
};

struct group {			/* one figure's worth of runs */
	enum axis axis;
	const char *workload, *mode;
	enum axis fixed_ax[2];	/* the parameters held fixed in this figure */
	double fixed[2];
	struct series *s;
	size_t ns;
	struct series *floor;	/* the `none` series, or NULL */
	double xmin, xmax;	/* over the monitored (non-none) series */
	bool cost_fig, ovh_fig;
	char base[320];		/* file name stem of the cost figure */
	char ovh_base[320];
	struct cheapest cheap;
};

/* The cost-split figure of one workload and mode: every backend/strategy
 * measured at one cell (rules, depth, hit) with a split, `none` first. */
struct split_fig {
	const char *workload, *mode;
	double rules, depth, hit;
	bool preferred;		/* the cell is one of split_cells[] (else the fullest) */
	const struct run **bars;
	size_t n;
	char base[320];		/* file name stem */
};

/* One cell measured on an instruction-count box and on a wall-clock box. */
struct pair {
	const struct run *icount, *wall;	/* the same id, one from each box */
	double icount_ratio;	/* median / median(none), instructions */
	double wall_ratio;	/* 1 + overhead over none, wall clock */
	double wall_lo, wall_hi;
	bool has_wall_ci;
	bool wall_from_pct;	/* from stats.overhead_pct (paired), else overhead / none */
	bool inside;		/* icount_ratio within [wall_lo, wall_hi] */
	/*
	 * The wall-clock box's CPU time instead of its elapsed time: workload
	 * plus consumer thread CPU per op (medians of reps_detail[].split) over
	 * none's workload CPU. On a box where the consumer has a CPU of its own
	 * the elapsed figure leaves its work out; the instruction count, on one
	 * vCPU, has it in.
	 */
	double cpu_ratio;
	bool has_cpu;
};

/* What the pairs of one backend/strategy say: does the instruction count
 * predict wall-clock time there? */
struct pair_series {
	const struct pair *p;	/* its pairs, contiguous in report.pairs */
	size_t n, with_ci, inside;
	double off_lo, off_hi;	/* icount - wall ratio where outside the CI */
	size_t with_cpu;		/* pairs with a cpu_ratio */
	double cpu_lo, cpu_hi;	/* cpu_ratio / icount_ratio, over those */
	const struct pair *worst;	/* outside the CI, the farthest off; NULL if none */
};

/* The headline figure: each backend's overhead over `none` in its cheapest
 * non-reference strategy, in three places: in scope, out of scope on the
 * monitored filesystem, on a filesystem nobody monitors. */
enum scope { SC_IN, SC_OUT, SC_OTHER_FS, SC__COUNT };
#define DENY_RULES 10000	/* the deny-mode figure of the cover letter */

struct headline_cell {
	bool found;		/* some monitored run was measured there */
	const char *workload;	/* open-close (in and out of scope), outside-fs */
	const char *mode;	/* notify (the three scopes), deny (deny_cell) */
	double rules, depth, hit;
	const struct run *none;	/* the floor there, or NULL */
};

struct headline_bar {		/* one backend */
	const char *backend, *strategy;
	const struct run *run[SC__COUNT];	/* NULL: not measured there */
	const struct run *deny;	/* the same backend/strategy at deny_cell, or NULL */
};

struct headline {
	struct headline_cell cell[SC__COUNT];
	struct headline_bar *bars;	/* backend order */
	size_t n;
	/* Deny mode at DENY_RULES (the cover letter, not the figure): the cell with
	 * the most filters, and the backends measured there that have no bar. */
	struct headline_cell deny_cell;
	const struct run **deny_extra;	/* each in its cheapest strategy */
	size_t ndeny_extra;
	char base[64];		/* file name stem */
};

/* The set-up figure of one mode (setup.c): every backend/strategy's attach
 * time and kernel memory against the directories in scope, at one depth and
 * hit ratio of open-close, where at least two numbers of directories were
 * measured. */
struct setup_fig {
	const char *mode;
	double depth, hit;
	struct series *s;	/* one per backend/strategy, points by dirs */
	size_t ns;
	double xmin, xmax;
	bool has_kmem;		/* some point has kmem.attach_bytes */
	char base[160];		/* file name stem */
};

struct strlist {
	const char **v;
	size_t n, cap;
};

struct report {
	/* options */
	const char *out_dir, *title, *report_md, *templates;
	/* --realistic: imported whole-command results (scripts/realistic.sh), loaded
	 * as a set of their own (real) and shown in their own section */
	const char *realistic;
	struct report *real;
	const char *cover_letter;	/* --cover-letter FILE, or NULL */
	bool no_plots;
	char **files;
	int nfiles;

	/* load.c */
	struct input *in;
	int nin;
	struct run *runs;
	size_t nruns, cap_runs;
	struct skipped *skip;
	size_t nskip, cap_skip;
	struct unavail *unavail;	/* sorted, duplicates across files dropped */
	size_t nunavail;
	const char *unit;	/* "ns/op" or "instructions/op" */

	/* derive.c */
	struct run **ok;	/* valid, distinct regime: the main tables and figures */
	size_t nok;
	struct run **bad;	/* failed the oracle */
	size_t nbad;
	struct run **burst;	/* valid, burst regime: their own section, by `files` */
	size_t nburst;
	struct run **other;	/* valid, from the paired box (input.paired) */
	size_t nother;
	struct run **by_axis[AX__COUNT];
	struct group *groups;
	size_t ngroups, cap_groups;
	struct split_fig *splits;
	size_t nsplits;
	struct pair *pairs;	/* by series, then as the tables */
	size_t npairs;
	struct pair_series *pair_series;
	size_t npair_series;
	struct headline headline;
	size_t nfig;		/* by_axis[] entries: ok without the variants (is_variant) */
	struct setup_fig *setups;	/* setup.c; their series point into setup_runs */
	size_t nsetups;
	struct run **setup_runs;

	char *dir;		/* out_dir as given or derived */

	/* cover.c: FILE as read before the jobs; text[head..tail) is replaced. */
	struct cover {
		char *text;
		size_t len, head, tail;
	} cover;
};

/* The jobs. Each returns 0, or an EXIT_* status after saying why. */
int report_load(struct report *r);
void report_load_free(struct report *r);
int report_derive(struct report *r);
/* derive.c: a depth series' workload CPU per operation per level; false if unknown. */
bool series_level_slope(const struct series *s, double *slope);
void report_derive_free(struct report *r);
int report_plot(const struct report *r);
int report_write_md(const struct report *r);
/* markdown.c: the whole REPORT.md in memory (*len bytes); image links are
 * prefixed with `prefix` (relative). */
char *report_md(const struct report *r, const char *prefix, size_t *len);
/* summary.c: the summary at the top of REPORT.md, at most SUMMARY_LINES lines. */
#define SUMMARY_LINES 15
void md_summary(FILE *f, const struct report *r);
/* sentences.c: the appendix, the sentences derived from each figure. */
void md_appendix(FILE *f, const struct report *r);
/* realistic.c: "Real-world workloads", from r->real (nothing when there is none). */
void md_realistic(FILE *f, const struct report *r);
/* threads.c: the --threads N runs beside the same cells on one thread (nothing without any). */
void md_threads(FILE *f, const struct report *r);
/* question.c: the proposal's question, one row per approach (nothing without any run of one). */
void md_question(FILE *f, const struct report *r);
/* setup.c: the set-up figures (from report_derive) and REPORT.md's section. */
int setup_derive(struct report *r);
void setup_free(struct report *r);
void md_setup(FILE *f, const struct report *r, const char *prefix);
/* markdown.c: the SVG, PDF, data and script links under a figure. */
void md_figure_links(FILE *f, const char *prefix, const char *base);
/* cover.c: read --cover-letter FILE and find its markers (before anything is
 * written), then rewrite the block between them (last). */
int cover_read(struct report *r);
int report_write_cover(const struct report *r);
void cover_free(struct report *r);

/* --- common.c: errors, memory, orders ---------------------------------- */

void errf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
/* open_memstream / fclose that exit on ENOMEM: generated text is all in memory. */
FILE *xmemopen(char **buf, size_t *len);
void xmemclose(FILE *f);
void strlist_add_unique(struct strlist *l, const char *s);

/* Display and sort orders; names not listed sort after these, by name. */
extern const char *const backend_order[];
extern const char *const strategy_order[];
extern const char *const workload_order[];
extern const char *const mode_order[];
extern const char *const scope_words[SC__COUNT];	/* "in scope", ... */
int rank(const char *const *tbl, const char *s);
int cmp_named(const char *const *tbl, const char *a, const char *b);
int cmp_dbl(double a, double b);

/* --- text.c: numbers, escaping, labels --------------------------------- */

/* Numbers as people read them; the same double always prints the same. */
const char *fmt_num(char *buf, size_t len, double v);
#define NUM(v) fmt_num((char[32]){ 0 }, 32, (v))
/* A parameter value (rules, depth, hit ratio): shortest exact form. */
const char *fmt_par(char *buf, size_t len, double v);
#define PAR(v) fmt_par((char[32]){ 0 }, 32, (v))

void md_text(FILE *f, const char *s);	/* table cell / inline text */
void md_code(FILE *f, const char *s);	/* inline code */
void gp_str(FILE *f, const char *s);	/* a gnuplot string literal */
void name_part(char *dst, size_t len, const char *s);	/* a file-name component */

bool is_none(const struct run *r);
bool is_reference(const struct run *r);	/* strategy pass or kfunc */
bool is_variant(const struct run *r);	/* the id names more than its cell (.../dfid-name) */
const char *series_label(const struct run *r, char *buf, size_t len);
#define LABEL(r) series_label((r), (char[160]){ 0 }, 160)

double run_x(const struct run *r, enum axis ax);
const char *axis_name(enum axis ax);
const char *axis_title(enum axis ax);
const char *x_words(enum axis ax, double x, char *buf, size_t len);
#define XW(ax, x) x_words((ax), (x), (char[64]){ 0 }, 64)
const char *fixed_words(const struct group *g, char *buf, size_t len);
#define FW(g) fixed_words((g), (char[160]){ 0 }, 160)
const char *cell_words(const struct headline_cell *c, char *buf, size_t len);
#define CW(c) cell_words((c), (char[160]){ 0 }, 160)

/* --- files.c ----------------------------------------------------------- */

int write_file(const char *path, const char *data, size_t len);	/* atomic */
int mkdir_p(const char *path);
char *dir_of(const char *path);
int rel_dir(const char *from, const char *to, char *out, size_t len);

/* --- derive.c: comparisons the sentences use --------------------------- */

bool ci_overlap(const struct est *a, const struct est *b);
bool ci_has_zero(const struct est *e);
int cmp_run_common(const struct run *a, const struct run *b);	/* workload, mode */
/* The figure against `ax` of open-close in notify mode with the most series, or NULL. */
const struct group *main_group(const struct report *r, enum axis ax);

#endif
