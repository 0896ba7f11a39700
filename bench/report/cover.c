// SPDX-License-Identifier: GPL-2.0
/*
 * `report --cover-letter FILE`: the figures of a patch series' cover letter.
 * FILE is read before anything is reported (cover_read) and written last
 * (report_write_cover): the lines strictly between COVER_BEGIN and COVER_END
 * are replaced by a plain-text table, every other byte of FILE is kept. The
 * table is derive.c's headline (each backend in its cheapest non-reference
 * strategy, its overhead over `none` in the three scopes) plus deny mode at
 * DENY_RULES; numbers as fmt_num() prints them, so they read as in the
 * headline .dat and REPORT.md. No clock and no environment: the same results
 * give the same bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* Plain text that reads as part of the letter; whole lines, matched exactly. */
#define COVER_BEGIN "Figures (generated from the results below by `make report`; do not edit):"
#define COVER_END "(end of the generated figures)"

/* Where line `m` starts in t[from..len) as a whole line, or -1. */
static long find_line(const char *t, size_t len, size_t from, const char *m)
{
	size_t ml = strlen(m);

	for (size_t i = from; i + ml <= len; i++) {
		if ((i == 0 || t[i - 1] == '\n') && !memcmp(t + i, m, ml) &&
		    (i + ml == len || t[i + ml] == '\n'))
			return (long)i;
		while (i < len && t[i] != '\n')
			i++;
	}
	return -1;
}

static int no_markers(const char *path, const char *why)
{
	errf("%s: %s; fix: put the line\n  %s\nwhere the figures go and the line\n  %s\nbelow it (nothing else on either line), then run the report again",
	     path, why, COVER_BEGIN, COVER_END);
	return EXIT_INPUT;
}

int cover_read(struct report *r)
{
	struct cover *c = &r->cover;
	FILE *f = fopen(r->cover_letter, "r");
	char buf[8192];
	size_t n;
	long b, e;
	FILE *m;

	if (!f) {
		errf("cannot read the cover letter %s: %s; fix: pass an existing file to --cover-letter",
		     r->cover_letter, strerror(errno));
		return EXIT_INPUT;
	}
	m = xmemopen(&c->text, &c->len);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, m);
	xmemclose(m);
	if (ferror(f)) {
		errf("cannot read the cover letter %s: %s", r->cover_letter, strerror(errno));
		fclose(f);
		return EXIT_INPUT;
	}
	fclose(f);
	b = find_line(c->text, c->len, 0, COVER_BEGIN);
	if (b < 0)
		return no_markers(r->cover_letter, "no line that opens the generated figures");
	c->head = (size_t)b + strlen(COVER_BEGIN);
	if (c->head == c->len)
		return no_markers(r->cover_letter, "no line that closes the generated figures");
	c->head++;		/* past the marker's newline */
	e = find_line(c->text, c->len, c->head, COVER_END);
	if (e < 0)
		return no_markers(r->cover_letter, "no line that closes the generated figures after the one that opens them");
	if (find_line(c->text, c->len, (size_t)e, COVER_BEGIN) >= 0)
		return no_markers(r->cover_letter, "the line that opens the generated figures is there twice");
	c->tail = (size_t)e;
	return 0;
}

void cover_free(struct report *r)
{
	free(r->cover.text);
}

/* One table cell: the overhead, and its CI for the line below. */
struct cell {
	char v[40], ci[80];
};

static void fill(struct cell *c, const struct run *p)
{
	const struct est *o = p ? &p->overhead : NULL;

	c->ci[0] = '\0';
	if (!p) {
		snprintf(c->v, sizeof(c->v), "-");
		return;
	}
	snprintf(c->v, sizeof(c->v), "%s%s", o->v > 0 ? "+" : "", NUM(o->v));
	if (o->has_ci)
		snprintf(c->ci, sizeof(c->ci), "[%s,%s]", NUM(o->lo), NUM(o->hi));
}

#define NCOL (SC__COUNT + 1)	/* the scopes, then deny */

static const char *const col_head[NCOL] = { "in scope", "out of scope", "other fs", "deny" };

/* One line of the table: the label (or blanks), then each column's value or
 * CI right-aligned; no trailing blanks (a mail client may strip them). */
static void table_line(FILE *f, const char *label, size_t w0, const struct cell *cells,
		       const size_t *w, int ncol, bool ci)
{
	char line[1024];
	int n, k = 0;

	while (ci && k < ncol && !cells[k].ci[0])
		k++;
	if (ci && k == ncol)
		return;	/* no CI in this row: no line for them */
	n = snprintf(line, sizeof(line), "%-*s", (int)w0, label);
	for (k = 0; k < ncol && n >= 0 && (size_t)n < sizeof(line); k++)
		n += snprintf(line + n, sizeof(line) - n, " %*s", (int)w[k],
			      ci ? cells[k].ci : cells[k].v);
	n = n < 0 ? 0 : (size_t)n < sizeof(line) ? n : (int)sizeof(line) - 1;
	while (n > 0 && line[n - 1] == ' ')
		n--;
	fprintf(f, "%.*s\n", n, line);
}

/* Text word-wrapped at 72 columns, continuation lines indented by two. */
static void wrapped(FILE *f, const char *s)
{
	size_t col = 0;

	while (*s) {
		size_t n = strcspn(s, " ");

		if (col && col + 1 + n > 72) {
			fputs("\n  ", f);
			col = 2;
		} else if (col) {
			fputc(' ', f);
			col++;
		}
		fwrite(s, 1, n, f);
		col += n;
		s += n;
		s += strspn(s, " ");
	}
	fputc('\n', f);
}

/* Why backend could not run in mode on the reported box (not the paired one), or NULL. */
static const char *unavailable(const struct report *r, const char *backend, const char *mode)
{
	for (size_t i = 0; i < r->nunavail; i++) {
		const struct unavail *u = &r->unavail[i];

		if (strcmp(u->backend, backend) || (u->mode && strcmp(u->mode, mode)))
			continue;
		for (int k = 0; k < r->nin; k++)
			if (!r->in[k].paired && !strcmp(r->in[k].path, u->file))
				return u->reason ? u->reason : "no reason recorded";
	}
	return NULL;
}

/* "-" means not measured; where the box could not run the backend, why. */
static void dash_notes(FILE *f, const struct report *r, const struct cell (*cells)[NCOL],
		       size_t nrows, int ncol)
{
	const struct headline *h = &r->headline;

	fputs("(-: not measured there)\n", f);
	for (size_t i = 0; i < nrows; i++) {
		const char *backend = i < h->n ? h->bars[i].backend : h->deny_extra[i - h->n]->backend;

		for (int k = 0; k < ncol; k++) {
			const char *mode = k == SC__COUNT ? "deny" : "notify", *why;
			char *line = NULL;

			if (strcmp(cells[i][k].v, "-") || !(why = unavailable(r, backend, mode)))
				continue;
			/* Once per backend and mode: the notify scopes share one reason. */
			if (k && k < SC__COUNT && !strcmp(cells[i][k - 1].v, "-"))
				continue;
			if (asprintf(&line, "(%s in %s mode: unavailable on this box: %s)", backend, mode,
				     why) < 0) {
				errf("out of memory");
				exit(EXIT_OUTPUT);
			}
			wrapped(f, line);
			free(line);
		}
	}
}

/* What a column is: its cell and the `none` floor there. */
static void legend(FILE *f, const char *name, const struct headline_cell *c)
{
	fprintf(f, "  %-12s  ", name);
	if (!c->found)
		fputs("not measured\n", f);
	else
		fprintf(f, "%s (none %s)\n", CW(c), c->none ? NUM(c->none->median.v) : "not measured");
}

/* The box, its kernel (release and build, as uname reported them on the box)
 * and the results files the figures come from. */
static void box_lines(FILE *f, const struct report *r)
{
	const struct input *in = &r->in[0];

	fprintf(f, "Box:      %s (%s)", in->kind ? in->kind : "(unknown)", r->unit);
	if (in->cpu)
		fprintf(f, ", CPU %s", in->cpu);
	if (in->has_cores)
		fprintf(f, ", %lld core%s", in->cores, in->cores == 1 ? "" : "s");
	fprintf(f, "\nKernel:   %s %s\n", in->kernel ? in->kernel : "(unknown)",
		in->kernel_build ? in->kernel_build : "");
	for (int i = 0, k = 0; i < r->nin; i++)
		if (!r->in[i].paired)
			fprintf(f, "%s%s\n          git %.12s, created %s\n", k++ ? "          " : "Results:  ",
				r->in[i].path, r->in[i].git ? r->in[i].git : "unknown",
				r->in[i].created ? r->in[i].created : "unknown");
}

static const char *row_label(const struct headline *h, size_t i, char *buf, size_t len)
{
	const struct headline_bar *b = i < h->n ? &h->bars[i] : NULL;

	if (!b)
		return series_label(h->deny_extra[i - h->n], buf, len);
	snprintf(buf, len, "%s/%s", b->backend, b->strategy);
	return buf;
}

static char *cover_block(const struct report *r, size_t *len)
{
	const struct headline *h = &r->headline;
	size_t nrows = h->n + h->ndeny_extra, w0 = strlen("backend/strategy");
	size_t w[NCOL] = { 0 };
	int ncol = h->deny_cell.found ? NCOL : SC__COUNT;
	struct cell (*cells)[NCOL] = calloc(nrows ? nrows : 1, sizeof(*cells));
	struct cell head[NCOL];
	char *buf, lb[160];
	FILE *f;

	if (!cells) {
		errf("out of memory");
		exit(EXIT_OUTPUT);
	}
	for (size_t i = 0; i < nrows; i++) {
		const struct headline_bar *b = i < h->n ? &h->bars[i] : NULL;

		for (int sc = 0; sc < SC__COUNT; sc++)
			fill(&cells[i][sc], b ? b->run[sc] : NULL);
		fill(&cells[i][SC__COUNT], b ? b->deny : h->deny_extra[i - h->n]);
		if (strlen(row_label(h, i, lb, sizeof(lb))) > w0)
			w0 = strlen(lb);
	}
	for (int k = 0; k < ncol; k++) {
		snprintf(head[k].v, sizeof(head[k].v), "%s", col_head[k]);
		w[k] = strlen(col_head[k]);
		for (size_t i = 0; i < nrows; i++) {
			if (strlen(cells[i][k].v) > w[k])
				w[k] = strlen(cells[i][k].v);
			if (strlen(cells[i][k].ci) > w[k])
				w[k] = strlen(cells[i][k].ci);
		}
	}

	f = xmemopen(&buf, len);
	fputc('\n', f);
	box_lines(f, r);
	fprintf(f, "\nOverhead over no monitoring (none) per operation, in %s:\n"
		   "the median, with its 95 %% CI on the line below. Each backend in its\n"
		   "cheapest filter strategy in the first scope that has it (references\n"
		   "pass and kfunc left out). Out of scope: on the monitored filesystem;\n"
		   "other fs: a filesystem nobody monitors; deny: the same backend and\n"
		   "strategy in deny mode.\n",
		r->unit);
	for (int sc = 0; sc < SC__COUNT; sc++)
		legend(f, col_head[sc], &h->cell[sc]);
	if (h->deny_cell.found)
		legend(f, col_head[SC__COUNT], &h->deny_cell);
	else
		fprintf(f, "  %-12s  not measured at %s rules\n", col_head[SC__COUNT], PAR(DENY_RULES));
	fputc('\n', f);
	if (!nrows) {
		fputs("No filter was measured in these scopes.\n\n", f);
	} else {
		table_line(f, "backend/strategy", w0, head, w, ncol, false);
		for (size_t i = 0; i < nrows; i++) {
			table_line(f, row_label(h, i, lb, sizeof(lb)), w0, cells[i], w, ncol, false);
			table_line(f, "", w0, cells[i], w, ncol, true);
		}
		dash_notes(f, r, cells, nrows, ncol);
		fputc('\n', f);
	}
	xmemclose(f);
	free(cells);
	return buf;
}

int report_write_cover(const struct report *r)
{
	const struct cover *c = &r->cover;
	size_t blen, len;
	char *block = cover_block(r, &blen), *out;
	FILE *f = xmemopen(&out, &len);
	int ret;

	fwrite(c->text, 1, c->head, f);
	fwrite(block, 1, blen, f);
	fwrite(c->text + c->tail, 1, c->len - c->tail, f);
	xmemclose(f);
	ret = 0;
	if (write_file(r->cover_letter, out, len)) {
		errf("the cover letter %s is left as it was", r->cover_letter);
		ret = EXIT_OUTPUT;
	}
	free(block);
	free(out);
	return ret;
}
