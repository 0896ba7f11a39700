// SPDX-License-Identifier: GPL-2.0
/*
 * Text that the figures and REPORT.md share: number formats, escaping for
 * Markdown, gnuplot and file names, and the words for series and axes, so a
 * run is called the same in a legend, a table and a sentence.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

const char *fmt_num(char *buf, size_t len, double v)
{
	double a = fabs(v);

	if (v == 0)
		v = 0;		/* no "-0" */
	if (a >= 1000)
		snprintf(buf, len, "%.0f", v);
	else if (a >= 10)
		snprintf(buf, len, "%.1f", v);
	else if (a >= 1 || a == 0)
		snprintf(buf, len, "%.2f", v);
	else
		snprintf(buf, len, "%.3g", v);
	return buf;
}

const char *fmt_par(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%.10g", v);
	return buf;
}

/* No pipes, no line breaks. */
void md_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r' || *s == '\t')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

/* Backticks inside become quotes. */
void md_code(FILE *f, const char *s)
{
	fputc('`', f);
	for (; s && *s; s++) {
		if (*s == '`')
			fputc('\'', f);
		else if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r' || *s == '\t')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
	fputc('`', f);
}

void gp_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if (*s == '\n' || *s == '\r' || *s == '\t')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* [A-Za-z0-9._-], anything else becomes '_'. */
void name_part(char *dst, size_t len, const char *s)
{
	size_t i = 0;

	for (; *s && i + 1 < len; s++, i++) {
		char c = *s;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
		dst[i] = ok ? c : '_';
	}
	dst[i] = '\0';
}

bool is_none(const struct run *r)
{
	return !strcmp(r->backend, "none");
}

/* Reference strategies measure the plumbing, not a filter: `pass` sends (or
 * allows) everything, `kfunc` has the BPF filter call the in-kernel walk.
 * Labelled in every legend and table; never "the cheapest". */
bool is_reference(const struct run *r)
{
	return !strcmp(r->strategy, "pass") || !strcmp(r->strategy, "kfunc");
}

const char *series_label(const struct run *r, char *buf, size_t len)
{
	if (!strcmp(r->backend, "none") || !strcmp(r->strategy, "-"))
		snprintf(buf, len, "%s", r->backend);
	else
		snprintf(buf, len, "%s/%s%s", r->backend, r->strategy,
			 is_reference(r) ? " (reference)" : "");
	return buf;
}

double run_x(const struct run *r, enum axis ax)
{
	return ax == AX_RULES ? r->rules : ax == AX_DEPTH ? r->depth : r->hit;
}

const char *axis_name(enum axis ax)
{
	return ax == AX_RULES ? "rules" : ax == AX_DEPTH ? "depth" : "hit";
}

const char *axis_title(enum axis ax)
{
	return ax == AX_RULES ? "rules" : ax == AX_DEPTH ? "depth" : "hit ratio";
}

/* "10 rules", "depth 4", "hit ratio 0.5" */
const char *x_words(enum axis ax, double x, char *buf, size_t len)
{
	if (ax == AX_RULES)
		snprintf(buf, len, "%s rule%s", PAR(x), x == 1 ? "" : "s");
	else if (ax == AX_DEPTH)
		snprintf(buf, len, "depth %s", PAR(x));
	else
		snprintf(buf, len, "hit ratio %s", PAR(x));
	return buf;
}

/* What a figure holds fixed: "depth 4, hit ratio 0.5" */
const char *fixed_words(const struct group *g, char *buf, size_t len)
{
	snprintf(buf, len, "%s, %s", XW(g->fixed_ax[0], g->fixed[0]), XW(g->fixed_ax[1], g->fixed[1]));
	return buf;
}

/* A variant of a cell: its id goes on past the seven parts that name the
 * cell (backend/strategy/workload/mode/rules/depth/hit), e.g. .../dfid-name
 * for another reporting format at the same cell. Another experiment: in the
 * tables, never in a figure or a sentence beside the cell's own runs. */
bool is_variant(const struct run *r)
{
	int slashes = 0;

	for (const char *p = r->id; *p; p++)
		slashes += *p == '/';
	return slashes > 6;
}

/* "open-close, 100 rules, depth 4, hit ratio 1": where a headline scope was measured. */
const char *cell_words(const struct headline_cell *c, char *buf, size_t len)
{
	if (!c->found)
		snprintf(buf, len, "not measured");
	else
		snprintf(buf, len, "%s, %s, depth %s, hit ratio %s", c->workload,
			 XW(AX_RULES, c->rules), PAR(c->depth), PAR(c->hit));
	return buf;
}
