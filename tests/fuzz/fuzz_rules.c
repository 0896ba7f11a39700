// SPDX-License-Identifier: GPL-2.0
/*
 * The rule list (bench/rules.c: sb_rules_resolve, as monitor's --rule DIR
 * and run's trees use it) and the user-space scope test on it
 * (bench/scope.c): the input is one rule path per line. Where the rules
 * resolve, every line's real path must get the same answer from the walk
 * strategy's rule table, the loop strategy's prefix test and
 * sb_rules_path_in_scope.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/rules.h"
#include "bench/scope.h"

#define MAX_RULES 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *paths[MAX_RULES], *save = NULL, *tok, err[512];
	struct sb_path_scope walk, loop;
	struct sb_rules rules;
	size_t n = 0;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (tok = strtok_r(text, "\n", &save); tok && n < MAX_RULES; tok = strtok_r(NULL, "\n", &save))
		paths[n++] = tok;
	if (sb_rules_resolve(&rules, paths, n, err, sizeof(err))) {
		if (!err[0])
			abort();	/* a refusal must say why */
		free(text);
		return 0;
	}
	if (sb_path_scope_init(&walk, &rules, SB_STRAT_WALK, err, sizeof(err)) ||
	    sb_path_scope_init(&loop, &rules, SB_STRAT_LOOP, err, sizeof(err))) {
		fprintf(stderr, "fuzz_rules: scope: %s\n", err);
		abort();
	}
	for (size_t i = 0; i < n; i++) {
		char real[PATH_MAX];
		bool a, b, c;

		if (!realpath(paths[i], real))
			continue;
		a = sb_path_scope_match(&walk, real);
		b = sb_path_scope_match(&loop, real);
		c = sb_rules_path_in_scope(&rules, real);
		if (a != b || b != c || !a) {
			fprintf(stderr, "fuzz_rules: %s (rule %zu): walk %d, loop %d, in_scope %d\n",
				real, i, a, b, c);
			abort();
		}
	}
	sb_path_scope_free(&walk);
	sb_path_scope_free(&loop);
	sb_rules_free(&rules);
	free(text);
	return 0;
}
