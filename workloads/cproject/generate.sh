#!/bin/sh
# A small self-contained C project for the `make` workload of
# scripts/realistic.sh: N modules (sorting, a CRC table, a tokenizer, a hash
# table: ordinary code, so gcc -O2 has real work) and main.c that runs each
# and prints a checksum, with a Makefile (pattern rules, one object per file,
# `make -j2` builds two at a time; `make clean`). Deterministic: the same N
# gives the same files. Needs only gcc, make and libc (no network).
#
#   workloads/cproject/generate.sh DIR N
set -u
[ $# -eq 2 ] || { echo "usage: workloads/cproject/generate.sh DIR N" >&2; exit 2; }
DIR=$1 N=$2
case $N in '' | *[!0-9]* | 0) echo "generate.sh: N '$N': give a whole number of modules, at least 1" >&2; exit 2 ;; esac
if ! rm -rf "$DIR" || ! mkdir -p "$DIR/src"; then
	echo "generate.sh: cannot create $DIR" >&2
	exit 1
fi

cat >"$DIR/Makefile" <<'EOF'
CC = gcc
CFLAGS = -std=c11 -O2 -Wall -Wextra -Werror
SRCS := $(sort $(wildcard src/*.c))
OBJS := $(patsubst src/%.c,build/%.o,$(SRCS))

app: $(OBJS)
	$(CC) -o $@ $(OBJS)

build/%.o: src/%.c src/proj.h | build
	$(CC) $(CFLAGS) -c -o $@ $<

build:
	mkdir -p $@

clean:
	rm -rf build app

.PHONY: clean
EOF

# One declaration in proj.h and one call in main.c per module.
decls='' calls=''
i=1
while [ "$i" -le "$N" ]; do
	decls="${decls}uint32_t m${i}_run(uint32_t seed);
"
	calls="${calls}	sum = sum * 31u + m${i}_run($i);
"
	i=$((i + 1))
done
printf '#ifndef PROJ_H\n#define PROJ_H\n#include <stdint.h>\n%s#endif\n' "$decls" >"$DIR/src/proj.h"
printf '#include <stdio.h>\n#include "proj.h"\nint main(void)\n{\n\tuint32_t sum = 0;\n%s\tprintf("checksum %%08x\\n", (unsigned)sum);\n\treturn 0;\n}\n' \
	"$calls" >"$DIR/src/main.c"

i=1
while [ "$i" -le "$N" ]; do
	sed "s/@N@/$i/g" >"$DIR/src/m$i.c" <<'EOF'
#include <stdlib.h>
#include <string.h>
#include "proj.h"

#define M@N@_LEN (256 + @N@)

struct m@N@_entry {
	char key[24];
	uint32_t value;
	struct m@N@_entry *next;
};

static uint32_t m@N@_crc_table[256];

static void m@N@_crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		m@N@_crc_table[i] = c;
	}
}

static uint32_t m@N@_crc(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--)
		c = m@N@_crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

static uint32_t m@N@_next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static int m@N@_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Insertion sort of the first half, qsort of the rest, then a merge. */
static void m@N@_sort(uint32_t *v, size_t n)
{
	uint32_t tmp[M@N@_LEN];
	size_t h = n / 2, i, j, k;

	for (i = 1; i < h; i++) {
		uint32_t x = v[i];

		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	qsort(v + h, n - h, sizeof(*v), m@N@_cmp);
	for (i = 0, j = h, k = 0; k < n; k++)
		tmp[k] = j >= n || (i < h && v[i] <= v[j]) ? v[i++] : v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

static size_t m@N@_tokens(const char *s, char out[][24], size_t max)
{
	size_t n = 0;

	while (*s && n < max) {
		size_t len = 0;

		while (*s == ' ' || *s == ',' || *s == ';')
			s++;
		while (*s && *s != ' ' && *s != ',' && *s != ';' && len < 23)
			out[n][len++] = *s++;
		if (!len)
			break;
		out[n++][len] = '\0';
	}
	return n;
}

static uint32_t m@N@_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

uint32_t m@N@_run(uint32_t seed)
{
	static const char text[] = "alpha beta,gamma;delta epsilon zeta,eta theta;iota kappa "
				   "lambda mu,nu xi;omicron pi rho sigma tau upsilon phi chi";
	struct m@N@_entry *buckets[64] = { 0 }, *e;
	char tok[32][24];
	uint32_t v[M@N@_LEN], s = seed * 2654435761u + @N@, sum = 0;
	size_t n;

	m@N@_crc_init();
	for (size_t i = 0; i < M@N@_LEN; i++)
		v[i] = m@N@_next(&s) % 100000u;
	m@N@_sort(v, M@N@_LEN);
	for (size_t i = 1; i < M@N@_LEN; i++)
		if (v[i - 1] > v[i])
			return 0;
	n = m@N@_tokens(text, tok, 32);
	for (size_t i = 0; i < n; i++) {
		uint32_t h = m@N@_hash(tok[i]) % 64;

		e = calloc(1, sizeof(*e));
		if (!e)
			return 0;
		memcpy(e->key, tok[i], sizeof(e->key));
		e->value = v[i * 7 % M@N@_LEN];
		e->next = buckets[h];
		buckets[h] = e;
	}
	for (size_t h = 0; h < 64; h++) {
		while ((e = buckets[h])) {
			sum += e->value ^ m@N@_crc((const unsigned char *)e->key, strlen(e->key));
			buckets[h] = e->next;
			free(e);
		}
	}
	return sum ^ m@N@_crc((const unsigned char *)v, sizeof(v));
}
EOF
	i=$((i + 1))
done
