/* Writing one extract file: the header, then the rows of a territory recorded by the end
 * of month M (cumulative: the file of a month is a prefix of the next month's), valid rows
 * first on equal days so that a DOUBLON always follows its original, the defects and
 * empty lines at their place, and, for the MULTI role, a second gzip member cut in the
 * middle of a line. What each file holds is counted here, for defauts.csv and
 * fichiers.csv.
 *
 * May not: draw anything, decide a row's text (sample_rows.c and sample_dirt.c do), or
 * write outside the inbox (sample_side.c writes the side files). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sample_int.h"

static const char *const kind_names[K_N] = {"beneficiaires", "budget", "etapes"};

static file_rec *rec_add(wctx *w)
{
    if (w->nrec == w->caprec) {
        size_t nc = w->caprec ? w->caprec * 2 : 256;
        file_rec *v = realloc(w->recs, nc * sizeof *v);
        if (!v)
            return NULL;
        w->recs = v;
        w->caprec = nc;
    }
    file_rec *r = &w->recs[w->nrec++];
    memset(r, 0, sizeof *r);
    return r;
}

/* Rows of the valid data of a kind, and the day (month for budget) of the i-th. */
static size_t valid_count(const terr_data *td, int kind)
{
    return kind == K_BENE ? td->np : kind == K_ETAPES ? td->ns : td->nb;
}

static int32_t valid_day(const terr_data *td, int kind, size_t i)
{
    return kind == K_BENE ? td->persons[i].entry : kind == K_ETAPES ? td->steps[i].date : td->budget[i].mois;
}

/* The valid rows recorded by `end` form a prefix (they are sorted by day or month): its
 * length. */
static size_t valid_prefix(const terr_data *td, int kind, int32_t end)
{
    size_t lo = 0, hi = valid_count(td, kind);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (valid_day(td, kind, mid) <= end)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The line of the i-th valid row. */
static size_t valid_line(char *line, rowb *rb, const terr_data *td, const rowctx *cx, int kind, size_t i, file_rec *rec)
{
    if (kind == K_BENE)
        spie_smp_bene_row(rb, cx, &td->persons[i], (uint32_t)i + 1, -1, 0);
    else if (kind == K_ETAPES)
        spie_smp_step_row(rb, cx, &td->steps[i], td->steps[i].person + 1, -1, 0);
    else
        spie_smp_budget_row(rb, cx, &td->budget[i], -1, 0);
    if (kind == K_BUDGET && td->budget[i].lab == L_CP1252)
        rec->facts |= F_CP1252;
    return spie_smp_row_line(line, cx->st, kind, rb);
}

/* The line of an injected row or empty line; counted in rec. */
static size_t dirt_line(char *line, rowb *rb, const dirt_row *d, const rowctx *cx, int kind, file_rec *rec, wctx *w)
{
    if (d->code == D_EMPTY) {
        rec->empty++;
        return spie_smp_empty_line(line, cx->st, d->variant);
    }
    if (kind == K_BENE)
        spie_smp_bene_row(rb, cx, &d->u.p, d->id, d->code, d->variant);
    else if (kind == K_ETAPES)
        spie_smp_step_row(rb, cx, &d->u.s, d->id, d->code, d->variant);
    else
        spie_smp_budget_row(rb, cx, &d->u.b, d->code, d->variant);
    rec->counts[d->code]++;
    w->sum.defects++;
    return spie_smp_row_line(line, cx->st, kind, rb);
}

spie_sample_status spie_smp_write_extract(wctx *w, gen *g, const rowctx *cx, int kind, spie_month M, unsigned roles)
{
    const terr_data *td = &g->td;
    const style *st = cx->st;
    bool gzip = !(roles & SPIE_SAMPLE_ROLE_PLAIN);
    char ym[8];
    spie_month_format(M, ym);
    file_rec *rec = rec_add(w);
    if (!rec) {
        spie_smp_seterr(w->err, "mémoire insuffisante");
        return SPIE_SAMPLE_E_MEMORY;
    }
    snprintf(rec->name, sizeof rec->name, "spie_%s_%s_%s.csv%s", cx->code, ym, kind_names[kind], gzip ? ".gz" : "");
    rec->kind = kind;
    rec->facts = (st->fr_dates ? F_FRENCH : 0) | (st->quote_all ? F_QUOTED : 0) | (gzip ? 0 : F_PLAIN);

    spie_sample_file *f = spie_sample_file_open(w->inbox, rec->name, gzip, w->level, w->err);
    if (!f)
        return SPIE_SAMPLE_E_WRITE;
    char line[ROW_LINE];
    rowb rb;
    size_t n = 0;
    if (st->bom) {
        memcpy(line, "\xEF\xBB\xBF", 3);
        n = 3;
    }
    n += spie_smp_header_line(line + n, st, kind);
    if (!spie_sample_file_write(f, line, n, w->err))
        goto out_abort;

    int32_t end = kind == K_BUDGET ? M : spie_month_last_day(M);
    size_t kc = valid_prefix(td, kind, end);
    const dirt_list *dl = &td->dirt[kind];
    bool split = (roles & SPIE_SAMPLE_ROLE_MULTI) && kind == K_ETAPES && M == g->it->last && kc >= 2;
    size_t split_at = kc / 2;
    size_t i = 0, j = 0;
    while (i < kc || (j < dl->n && dl->v[j].vis <= end)) {
        bool clean = i < kc && (j >= dl->n || dl->v[j].vis > end || valid_day(td, kind, i) <= dl->v[j].vis);
        if (clean)
            n = valid_line(line, &rb, td, cx, kind, i++, rec);
        else
            n = dirt_line(line, &rb, &dl->v[j++], cx, kind, rec, w);
        if (!spie_sample_file_write(f, line, n, w->err))
            goto out_abort;
        if (split && clean && i == split_at + 1) { /* cut the member in the middle of this line */
            if (!spie_sample_file_new_member(f, n / 2, w->err))
                goto out_abort;
            rec->facts |= F_MULTI;
        }
    }
    uint64_t size = 0;
    if (!spie_sample_file_close(f, &size, w->err))
        return SPIE_SAMPLE_E_WRITE;
    w->sum.files++;
    w->sum.bytes += size;
    return SPIE_SAMPLE_OK;

out_abort:
    spie_sample_file_abort(f);
    return SPIE_SAMPLE_E_WRITE;
}
