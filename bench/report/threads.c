// SPDX-License-Identifier: GPL-2.0
/*
 * The workload-threads section: every run measured with `run --threads N`,
 * N > 1 (ids ending in /tN, a variant: never in a figure), beside the run of
 * the same backend, strategy and cell on one thread (the same id without
 * /tN), with the ratio of their medians. The figure of either is the wall
 * time from the threads' common start to the last one's end over all the
 * operations, so the ratio says how much of the work N threads got through
 * in parallel (below 1) and how much they slowed each other down, in the
 * backend's maps, ring buffer, rename_lock or queue, or on shared CPUs.
 *
 * On a box with fewer CPUs than workload threads plus the consumer, the
 * consumer shares a CPU with one thread when N > 1 but has its own with one
 * thread: its CPU time (the drain after the loop) is then in the N-thread
 * figure only. The table says for each side whether it is, and gives the
 * ratio of the loop times alone (loop_ns_per_op), which leaves the drain
 * out of both.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* p's id without its "/tN" part: the id of the same cell on one thread. */
static void one_thread_id(const struct run *p, char *buf, size_t len)
{
	char tag[32];
	char *at;
	size_t n = (size_t)snprintf(tag, sizeof(tag), "/t%lld", p->threads);

	snprintf(buf, len, "%s", p->id);
	/* the tag is a whole part: followed by '/' or the end */
	for (at = strstr(buf, tag); at && at[n] && at[n] != '/'; at = strstr(at + 1, tag))
		;
	if (at)
		memmove(at, at + n, strlen(at + n) + 1);
}

/* Is the consumer's CPU time in p's figure: "yes", "no" or "?" (not recorded). */
static const char *consumer_in(const struct run *p)
{
	return p->consumer_in_total < 0 ? "?" : p->consumer_in_total ? "yes" : "no";
}

/* The ratio of N threads' median of metric k over one thread's, or a dash. */
static void ratio_cell(FILE *f, const struct run *q, const struct run *p, int k)
{
	if (q && q->rep[k].n && p->rep[k].n && q->rep[k].median > 0)
		fprintf(f, "%.3f", p->rep[k].median / q->rep[k].median);
	else
		fputs("—", f);
}

static const struct run *one_thread_twin(const struct report *r, const struct run *p)
{
	char id[512];

	one_thread_id(p, id, sizeof(id));
	for (size_t i = 0; i < r->nok; i++)
		if (r->ok[i]->threads == 1 && !strcmp(r->ok[i]->id, id))
			return r->ok[i];
	return NULL;
}

void md_threads(FILE *f, const struct report *r)
{
	bool any = false;

	for (size_t i = 0; i < r->nok; i++) {
		const struct run *p = r->ok[i], *q;

		if (p->threads <= 1)
			continue;
		if (!any) {
			fputs("## Workload threads\n\n", f);
			fprintf(f, "Runs measured with `run --threads N`: each step's operations on N workload "
				   "threads, each its own slice of one list, started together. The cost is the wall "
				   "time from that start to the last thread's end over all the operations, median "
				   "over the repetitions, beside the same backend, strategy and cell on one thread; "
				   "the ratio is N threads over one: below 1 the threads got through the list in "
				   "parallel, above 1 they slowed each other down (the backend's maps, ring buffer, "
				   "rename_lock or queue, or a CPU shared with the consumer). These runs are another "
				   "experiment (ids ending in `/tN`): in the tables, never in the figures. "
				   "`consumer in figure` says, for one thread / N threads, whether the "
				   "consumer's CPU time is in the figure (it is when the consumer shares a "
				   "workload thread's CPU, and then also its drain after the loop): where the "
				   "two differ the ratio compares unlike figures, and `loop ratio`, of the "
				   "timed loops alone (`loop_ns_per_op`, no drain on either side), is the "
				   "like-for-like one; a consumer sharing a thread's CPU still slows that "
				   "thread during the loop.\n\n");
			fprintf(f, "| backend | strategy | workload | mode | rules | depth | hit | threads | "
				   "1 thread (%s) | N threads (%s) | ratio | consumer in figure (1 / N) | "
				   "loop ratio | run id |\n", r->unit, r->unit);
			fputs("|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|---|--:|---|\n", f);
			any = true;
		}
		q = one_thread_twin(r, p);
		fputs("| ", f);
		md_text(f, p->backend);
		fputs(" | ", f);
		md_text(f, p->strategy);
		fputs(" | ", f);
		md_text(f, p->workload);
		fprintf(f, " | %s | %s | %s | %s | %lld | ", p->mode, PAR(p->rules), PAR(p->depth),
			PAR(p->hit), p->threads);
		fputs(q && q->median.has ? NUM(q->median.v) : "—", f);
		fprintf(f, " | %s | ", p->median.has ? NUM(p->median.v) : "—");
		if (q && q->median.has && p->median.has && q->median.v > 0)
			fprintf(f, "%.3f", p->median.v / q->median.v);
		else
			fputs(q ? "—" : "— (no one-thread run of this cell)", f);
		fprintf(f, " | %s / %s | ", q ? consumer_in(q) : "—", consumer_in(p));
		ratio_cell(f, q, p, RM_LOOP);
		fputs(" | ", f);
		md_code(f, p->id);
		fputs(" |\n", f);
	}
	if (any)
		fputc('\n', f);
}
