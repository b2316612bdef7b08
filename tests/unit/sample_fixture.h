/* The fixture the sample tests share (test_sample_plan.c, test_sample_write.c,
 * test_sample_territories.c): a month from its year and number, the sorted entry names of a
 * folder, the path of a name in a folder and the contents of such a file, and the item of a
 * territory in a plan. */
#ifndef SPIE_SAMPLE_FIXTURE_H
#define SPIE_SAMPLE_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "spie/date.h"
#include "spie/sample.h"

/* The month y-m (fails when it is not one). */
spie_month ym(int y, int m);

/* ---- folders and files ------------------------------------------------------------------ */

typedef struct names {
    char **v;
    size_t n;
} names;

/* The sorted entry names of a folder. */
names list_dir(const char *path);
void names_free(names *r);
bool names_has(const names *r, const char *s);
/* "a/b", malloc'd. */
char *path2(const char *a, const char *b);
/* The contents of dir/name (fails when unreadable), *n its size. */
char *read_in(const char *dir, const char *name, size_t *n);

/* ---- plans ------------------------------------------------------------------------------ */

/* The index of the territory code in the plan, -1 when absent. */
long item_of(const spie_sample_plan *p, const char *code);

#endif
