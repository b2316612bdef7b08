/* The publication table (include/spie/table.h): rows, their order, their release, and
 * which groups publish an indicator (the catalogue's scope). The renderers (reports/) turn
 * it into the CSV and the workbooks.
 *
 * It may not compute, mask or render a figure. */
#include "spie/table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "spie/acc.h"
#include "spie/util.h"

const char *const spie_level_names[SPIE_LEVEL_COUNT] = {"departement", "national", "region", "vague"};
const char *const spie_status_names[3] = {"ok", "s", "nd"};

bool spie_ind_published_at(unsigned ind, spie_level lv)
{
    const spie_ind_def *d = spie_ind_def_of(ind);
    if (!d || (unsigned)lv >= SPIE_LEVEL_COUNT)
        return false;
    switch (d->scope) {
    case SPIE_SCOPE_TERRITORIES: return lv != SPIE_LEVEL_DEPARTEMENT;
    case SPIE_SCOPE_NATIONAL: return lv == SPIE_LEVEL_NATIONAL;
    case SPIE_SCOPE_SUBNATIONAL: return lv != SPIE_LEVEL_NATIONAL;
    default: return true;
    }
}

spie_figure *spie_table_push(spie_table *t)
{
    if (!spie_grow((void **)&t->rows, &t->cap, t->n + 1, sizeof *t->rows))
        return NULL;
    spie_figure *f = &t->rows[t->n++];
    memset(f, 0, sizeof *f);
    return f;
}

int spie_figure_cmp(const void *a, const void *b)
{
    const spie_figure *x = a, *y = b;
    /* The level's and the breakdown's names compared only when they differ: most
     * comparisons of a sort or a look-up are between rows of one level. */
    int c = x->level == y->level ? 0 : strcmp(spie_level_names[x->level], spie_level_names[y->level]);
    if (c)
        return c;
    if ((c = strcmp(x->code, y->code)))
        return c;
    if (x->breakdown != y->breakdown &&
        (c = strcmp(spie_breakdown_names[x->breakdown], spie_breakdown_names[y->breakdown])))
        return c;
    if ((c = strcmp(x->modality, y->modality)))
        return c;
    return strcmp(x->indicator, y->indicator);
}

void spie_table_sort(spie_table *t)
{
    if (t->n > 1)
        qsort(t->rows, t->n, sizeof *t->rows, spie_figure_cmp);
}

void spie_table_release(spie_table *t)
{
    if (!t)
        return;
    free(t->rows);
    memset(t, 0, sizeof *t);
}
