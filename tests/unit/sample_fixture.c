/* The sample tests' fixture (sample_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>

#include "sample_fixture.h"
#include "spie/date.h"
#include "spie/sample.h"
#include "testutil.h"

spie_month ym(int y, int m)
{
    spie_month out = 0;
    assert_true(spie_month_from_ym(y, m, &out));
    return out;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted entry names of a folder. */
names list_dir(const char *path)
{
    names r = {NULL, 0};
    DIR *d = opendir(path);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char **nv = realloc(r.v, (r.n + 1) * sizeof *nv);
        assert_non_null(nv);
        r.v = nv;
        r.v[r.n] = strdup(e->d_name);
        assert_non_null(r.v[r.n]);
        r.n++;
    }
    closedir(d);
    qsort(r.v, r.n, sizeof *r.v, cmp_str);
    return r;
}

void names_free(names *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->v[i]);
    free(r->v);
    r->v = NULL;
    r->n = 0;
}

bool names_has(const names *r, const char *s)
{
    return bsearch(&s, r->v, r->n, sizeof *r->v, cmp_str) != NULL;
}

char *path2(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

char *read_in(const char *dir, const char *name, size_t *n)
{
    char *p = path2(dir, name);
    char *data = tu_read_file(p, n);
    free(p);
    assert_non_null(data);
    return data;
}

long item_of(const spie_sample_plan *p, const char *code)
{
    for (size_t i = 0; i < p->count; i++)
        if (!strcmp(p->items[i].terr->dept->code, code))
            return (long)i;
    return -1;
}
