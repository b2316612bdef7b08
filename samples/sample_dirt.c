/* The dirt: the deliberate defects of the synthetic inbox (off with --clean). Which rows
 * are defective and of what (drawn from the territory's stream after all the valid data),
 * and what each defect looks like once written (a valid row's fields, spoiled).
 *
 * Each injected row fails exactly one rule of docs/format-extraits.md §6, and no earlier one, and
 * causes no cascade:
 *   - beneficiaires defects are on extra "ghost" rows whose id has no steps, except DOUBLON
 *     (a second row for a valid id, after the first one);
 *   - etapes defects are copies of a valid step with one thing changed; BENEFICIAIRE_INCONNU
 *     uses ids that appear nowhere else; a DOUBLON follows its original;
 *   - budget defects are copies of a valid line with one thing changed;
 *   - DATE_FUTURE dates are in 2031 (future for any period up to 2030-12, the largest
 *     --until), DATE_HORS_PROGRAMME dates in 2019.
 * A dirty row is "recorded" on the day of the valid row it was copied from, so it appears
 * in every extract from that month on: the dirt of a territory is the same in all its
 * cumulative files.
 *
 * May not: change a valid person, step or budget line (defects are copies), draw before
 * the valid data are complete, or write a file (sample_write.c writes the rows; the counts
 * of defauts.csv are taken there, from what each file holds). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sample_int.h"
#include "spie/util.h"

const char *const spie_smp_reason_codes[R_N] = {
    "NB_CHAMPS",       "CHAMP_MANQUANT", "ID_INVALIDE",         "DATE_INVALIDE",       "CODE_INVALIDE",
    "MONTANT_INVALIDE", "DEPT_INCOHERENT", "DATE_FUTURE",        "DATE_HORS_PROGRAMME", "ANNEE_NAISSANCE",
    "DOUBLON",         "BENEFICIAIRE_INCONNU", "ETAPE_AVANT_ENTREE", "TYPE_MANQUANT"};

/* Reasons injected per kind, and how many variants each has (see the row writers). */
static const uint8_t bene_reasons[] = {R_NB_CHAMPS,   R_CHAMP_MANQUANT, R_ID_INVALIDE,         R_DATE_INVALIDE,
                                       R_CODE_INVALIDE, R_DEPT_INCOHERENT, R_DATE_FUTURE,       R_DATE_HORS_PROGRAMME,
                                       R_ANNEE_NAISSANCE, R_DOUBLON};
static const uint8_t step_reasons[] = {R_NB_CHAMPS,   R_CHAMP_MANQUANT,       R_ID_INVALIDE,     R_DATE_INVALIDE,
                                       R_CODE_INVALIDE, R_DATE_FUTURE,         R_DATE_HORS_PROGRAMME, R_DOUBLON,
                                       R_BENEFICIAIRE_INCONNU, R_ETAPE_AVANT_ENTREE, R_TYPE_MANQUANT};
static const uint8_t budget_reasons[] = {R_NB_CHAMPS,       R_CHAMP_MANQUANT, R_DATE_INVALIDE,
                                         R_CODE_INVALIDE,   R_MONTANT_INVALIDE, R_DEPT_INCOHERENT,
                                         R_DATE_FUTURE,     R_DATE_HORS_PROGRAMME, R_DOUBLON};
/* Variants of each injected reason per kind (see bene_fill, step_fill, budget_fill). */
static const uint8_t variants[K_N][R_N] = {
    [K_BENE] = {2, 4, 4, 4, 4, 1, 1, 1, 1, 4, 3, 1, 1, 1},
    [K_BUDGET] = {3, 3, 1, 3, 3, 5, 1, 1, 1, 1, 3, 1, 1, 1},
    [K_ETAPES] = {2, 4, 4, 4, 4, 1, 1, 1, 1, 1, 3, 1, 1, 1},
};


/* ---- which rows ---------------------------------------------------------------------- */

static dirt_row *dirt_add(dirt_list *l)
{
    if (!spie_grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v))
        return NULL;
    dirt_row *d = &l->v[l->n];
    memset(d, 0, sizeof *d);
    d->seq = (uint32_t)l->n;
    l->n++;
    return d;
}

static int cmp_dirt(const void *a, const void *b)
{
    const dirt_row *x = a, *y = b;
    if (x->vis != y->vis)
        return x->vis < y->vis ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* How many rows of reason c to inject: Poisson around rate x rows, at least one in about a
 * third of the territories (rotating with the reason) so that every reason shows up. */
static unsigned dirt_count(gen *g, unsigned c, double rate, size_t rows)
{
    double lambda = rate * (double)rows;
    if (lambda < 0.4)
        lambda = 0.4;
    unsigned n = gsl_ran_poisson(g->r, lambda * g->dirt_mult);
    if (n == 0 && (c + g->index) % 3 == 0)
        n = 1;
    return rows ? n : 0;
}

static spie_day ymd(int y, int m, int d)
{
    spie_day out = SPIE_NO_DAY;
    if (d > 28 && m == 2)
        d = 28;
    if (d > 30 && (m == 4 || m == 6 || m == 9 || m == 11))
        d = 30;
    (void)spie_day_from_ymd(y, m, d, &out);
    return out;
}

static spie_day year_swap(spie_day d, int year)
{
    int y, m, dd;
    spie_day_to_ymd(d, &y, &m, &dd);
    return ymd(year, m, dd);
}

/* beneficiaires: ghost rows (ids after the valid ones), and DOUBLON rows of valid ids. */
static spie_sample_status dirt_bene(gen *g)
{
    terr_data *td = &g->td;
    gsl_rng *r = g->r;
    for (size_t i = 0; i < SPIE_ARRAY_LEN(bene_reasons); i++) {
        unsigned c = bene_reasons[i], n = dirt_count(g, c, 0.0006, td->np);
        for (unsigned k = 0; k < n; k++) {
            dirt_row *d = dirt_add(&td->dirt[K_BENE]);
            if (!d)
                return SPIE_SAMPLE_E_MEMORY;
            size_t a = gsl_rng_uniform_int(r, (unsigned long)td->np);
            d->code = (uint8_t)c;
            d->variant = (uint8_t)gsl_rng_uniform_int(r, variants[K_BENE][c]);
            d->u.p = td->persons[a];
            d->u.p.flags = 0;
            d->vis = td->persons[a].entry;
            if (c == R_DOUBLON) {
                d->id = (uint32_t)a + 1;
                if (d->variant == 2) { /* registered again later */
                    spie_day again = d->u.p.entry + 1 + (spie_day)gsl_rng_uniform_int(r, 60);
                    if (again <= g->horizon)
                        d->u.p.entry = d->vis = again;
                    else
                        d->variant = 0;
                }
            } else {
                d->id = (uint32_t)td->np + ++td->n_ghost;
                if (c == R_DATE_FUTURE)
                    d->u.p.entry = year_swap(d->u.p.entry, 2031);
                else if (c == R_DATE_HORS_PROGRAMME)
                    d->u.p.entry = year_swap(d->u.p.entry, 2019);
            }
        }
    }
    return SPIE_SAMPLE_OK;
}

/* etapes: copies of valid steps with one thing changed. */
static spie_sample_status dirt_steps(gen *g)
{
    terr_data *td = &g->td;
    gsl_rng *r = g->r;
    for (size_t i = 0; i < SPIE_ARRAY_LEN(step_reasons); i++) {
        unsigned c = step_reasons[i], n = dirt_count(g, c, 0.0003, td->ns);
        for (unsigned k = 0; k < n; k++) {
            dirt_row *d = dirt_add(&td->dirt[K_ETAPES]);
            if (!d)
                return SPIE_SAMPLE_E_MEMORY;
            const step_row *s = &td->steps[gsl_rng_uniform_int(r, (unsigned long)td->ns)];
            d->code = (uint8_t)c;
            d->variant = (uint8_t)gsl_rng_uniform_int(r, variants[K_ETAPES][c]);
            d->u.s = *s;
            d->vis = s->date;
            d->id = s->person + 1;
            switch (c) {
            case R_DATE_FUTURE:
                d->u.s.date = year_swap(s->date, 2031);
                break;
            case R_DATE_HORS_PROGRAMME:
                d->u.s.date = year_swap(s->date, 2019);
                break;
            case R_BENEFICIAIRE_INCONNU:
                d->id = 0; /* numbered below, once the ghosts are all known */
                break;
            case R_ETAPE_AVANT_ENTREE: /* entries are on or after 2020-03-01: stays in 2020 or later */
                d->u.s.date = td->persons[s->person].entry - 1 - (spie_day)gsl_rng_uniform_int(r, 45);
                break;
            case R_TYPE_MANQUANT:
                d->u.s.step = ST_REPRISE;
                d->u.s.type = NO_TYPE;
                break;
            default:
                break;
            }
        }
    }
    for (size_t i = 0; i < td->dirt[K_ETAPES].n; i++)
        if (td->dirt[K_ETAPES].v[i].code == R_BENEFICIAIRE_INCONNU)
            td->dirt[K_ETAPES].v[i].id = (uint32_t)td->np + td->n_ghost + ++td->n_unknown;
    return SPIE_SAMPLE_OK;
}

/* budget: copies of valid lines with one thing changed. */
static spie_sample_status dirt_budget(gen *g)
{
    terr_data *td = &g->td;
    gsl_rng *r = g->r;
    for (size_t i = 0; i < SPIE_ARRAY_LEN(budget_reasons); i++) {
        unsigned c = budget_reasons[i], n = dirt_count(g, c, 0.0, td->nb);
        for (unsigned k = 0; k < n; k++) {
            dirt_row *d = dirt_add(&td->dirt[K_BUDGET]);
            if (!d)
                return SPIE_SAMPLE_E_MEMORY;
            const bline *b = &td->budget[gsl_rng_uniform_int(r, (unsigned long)td->nb)];
            d->code = (uint8_t)c;
            d->variant = (uint8_t)gsl_rng_uniform_int(r, variants[K_BUDGET][c]);
            d->u.b = *b;
            d->vis = b->mois;
            int y, mo;
            spie_month_to_ym(b->mois, &y, &mo);
            if (c == R_DATE_FUTURE)
                (void)spie_month_from_ym(2031, mo, &d->u.b.mois);
            else if (c == R_DATE_HORS_PROGRAMME)
                (void)spie_month_from_ym(2019, mo, &d->u.b.mois);
        }
    }
    return SPIE_SAMPLE_OK;
}

/* Empty lines (empty, spaces, or a tab), here and there in every kind. */
static spie_sample_status dirt_empty(gen *g)
{
    terr_data *td = &g->td;
    gsl_rng *r = g->r;
    for (int kind = 0; kind < K_N; kind++) {
        size_t rows = kind == K_BENE ? td->np : kind == K_ETAPES ? td->ns : td->nb;
        if (rows == 0)
            continue;
        unsigned n = gsl_ran_poisson(r, g->dirt_mult * (0.6 + 0.00002 * (double)rows));
        for (unsigned k = 0; k < n; k++) {
            dirt_row *d = dirt_add(&td->dirt[kind]);
            if (!d)
                return SPIE_SAMPLE_E_MEMORY;
            size_t a = gsl_rng_uniform_int(r, (unsigned long)rows);
            d->code = D_EMPTY;
            d->variant = (uint8_t)gsl_rng_uniform_int(r, 3);
            d->vis = kind == K_BENE ? td->persons[a].entry : kind == K_ETAPES ? td->steps[a].date : td->budget[a].mois;
        }
    }
    return SPIE_SAMPLE_OK;
}

spie_sample_status spie_smp_gen_dirt(gen *g)
{
    terr_data *td = &g->td;
    spie_sample_status st = dirt_bene(g);
    if (st == SPIE_SAMPLE_OK)
        st = dirt_steps(g);
    if (st == SPIE_SAMPLE_OK)
        st = dirt_budget(g);
    if (st == SPIE_SAMPLE_OK)
        st = dirt_empty(g);
    if (st != SPIE_SAMPLE_OK)
        return st;
    for (int kind = 0; kind < K_N; kind++)
        qsort(td->dirt[kind].v, td->dirt[kind].n, sizeof(dirt_row), cmp_dirt);
    return SPIE_SAMPLE_OK;
}

/* ---- what a defect looks like ---------------------------------------------------------- */

static const char *other_dept(const char *code)
{
    return strcmp(code, "75") ? "75" : "92";
}

/* An invalid id of variant v built from a valid one. */
static void bad_id(rowb *rb, int col, const char *id, size_t n, int v)
{
    char b[128];
    switch (v) {
    case 0:
        spie_smp_rb_sets(rb, col, "#N/A");
        return;
    case 1: /* a space inside */
        memcpy(b, id, n);
        b[n / 2] = ' ';
        spie_smp_rb_set(rb, col, b, n);
        return;
    case 2:
        memcpy(b, id, n);
        memcpy(b + n, "/2", 2);
        spie_smp_rb_set(rb, col, b, n + 2);
        return;
    default: /* 65 characters and more */
        memcpy(b, id, n);
        memset(b + n, 'x', 70 - n);
        b[n] = '-';
        spie_smp_rb_set(rb, col, b, 70);
        return;
    }
}

/* An invalid date of variant v near day d. */
static void bad_date(rowb *rb, int col, spie_day d, bool fr, int v)
{
    int y, m, dd;
    spie_day_to_ymd(d, &y, &m, &dd);
    char b[16];
    switch (v) {
    case 0: /* 30 February */
        if (fr)
            snprintf(b, sizeof b, "30/02/%04d", y);
        else
            snprintf(b, sizeof b, "%04d-02-30", y);
        break;
    case 1: /* one-digit month and day */
        snprintf(b, sizeof b, "%04d-%d-%d", y, 1 + m % 9, 1 + dd % 9);
        break;
    case 2: /* two-digit year */
        snprintf(b, sizeof b, "%02d/%02d/%02d", dd, m, y % 100);
        break;
    default: /* 31 April */
        if (fr)
            snprintf(b, sizeof b, "31/04/%04d", y);
        else
            snprintf(b, sizeof b, "%04d-04-31", y);
        break;
    }
    spie_smp_rb_sets(rb, col, b);
}

void spie_smp_spoil_bene(rowb *rb, const rowctx *cx, const person *p, const char *idb, size_t idn, int code, int v)
{
    char date[10];
    bool fr = cx->st->fr_dates;
    switch (code) {
    case R_NB_CHAMPS:
        rb->nb = v;
        break;
    case R_CHAMP_MANQUANT:
        if (v == 0)
            spie_smp_rb_set(rb, B_PUBLIC, "", 0);
        else if (v == 1)
            spie_smp_rb_set(rb, B_DATE, "", 0);
        else if (v == 3)
            spie_smp_rb_set(rb, B_ID, "", 0);
        else
            for (int c = 0; c < 6; c++)
                spie_smp_rb_set(rb, c, "", 0); /* a line of separators only */
        break;
    case R_ID_INVALIDE:
        bad_id(rb, B_ID, idb, idn, v);
        break;
    case R_DATE_INVALIDE:
        bad_date(rb, B_DATE, p->entry, fr, v);
        break;
    case R_CODE_INVALIDE: {
        static const char *const bad[] = {"RMI", "ASS"};
        if (v < 2)
            spie_smp_rb_sets(rb, B_PUBLIC, bad[v]);
        else
            spie_smp_rb_sets(rb, B_SEXE, v == 2 ? "X" : "2");
        break;
    }
    case R_DEPT_INCOHERENT:
        spie_smp_rb_sets(rb, B_DEPT, other_dept(cx->code));
        break;
    case R_ANNEE_NAISSANCE: {
        char b[16];
        int birth = p->birth ? p->birth : 1980;
        if (v == 0)
            snprintf(b, sizeof b, "1890");
        else if (v == 1)
            snprintf(b, sizeof b, "%04d", year_of(p->entry) - 5);
        else if (v == 2)
            snprintf(b, sizeof b, "%02d", birth % 100);
        else
            snprintf(b, sizeof b, "%04d.0", birth);
        spie_smp_rb_sets(rb, B_ANNEE, b);
        break;
    }
    case R_DOUBLON:
        if (v == 1) {
            spie_smp_fmt_date(date, p->entry, !fr);
            spie_smp_rb_set(rb, B_DATE, date, 10);
        }
        break;
    default:
        break;
    }
}

void spie_smp_spoil_step(rowb *rb, const rowctx *cx, const step_row *s, const char *idb, size_t idn, int code,
                         int v)
{
    char date[10];
    bool fr = cx->st->fr_dates;
    switch (code) {
    case R_NB_CHAMPS:
        rb->nb = v;
        break;
    case R_CHAMP_MANQUANT:
        if (v == 0)
            spie_smp_rb_set(rb, E_ETAPE, "", 0);
        else if (v == 1)
            spie_smp_rb_set(rb, E_DATE, "", 0);
        else if (v == 2)
            spie_smp_rb_set(rb, E_ID, "", 0);
        else
            for (int c = 0; c < 4; c++)
                spie_smp_rb_set(rb, c, "", 0);
        break;
    case R_ID_INVALIDE:
        bad_id(rb, E_ID, idb, idn, v);
        break;
    case R_DATE_INVALIDE:
        bad_date(rb, E_DATE, s->date, fr, v);
        break;
    case R_CODE_INVALIDE:
        if (v == 0) {
            spie_smp_rb_sets(rb, E_ETAPE, "ENTRETIEN");
        } else if (v == 1) { /* a type of another step */
            spie_smp_rb_sets(rb, E_ETAPE, "ORIENTATION");
            spie_smp_rb_sets(rb, E_TYPE, "FORMATION");
        } else if (v == 2) {
            spie_smp_rb_sets(rb, E_ETAPE, "REPRISE");
            spie_smp_rb_sets(rb, E_TYPE, "CDI");
        } else { /* a type on a step without types */
            spie_smp_rb_sets(rb, E_ETAPE, "DIAGNOSTIC");
            spie_smp_rb_sets(rb, E_TYPE, "SOCIALE");
        }
        break;
    case R_DOUBLON:
        if (v == 1) {
            spie_smp_fmt_date(date, s->date, !fr);
            spie_smp_rb_set(rb, E_DATE, date, 10);
        } else if (v == 2) {
            spie_smp_rb_lower(rb, E_ETAPE);
            spie_smp_rb_lower(rb, E_TYPE);
        }
        break;
    default:
        break;
    }
}

void spie_smp_spoil_budget(rowb *rb, const rowctx *cx, const bline *b, int code, int v)
{
    static const char *const mois_fr[12] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
                                            "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
    char mois[8], a[SPIE_SAMPLE_AMOUNT_MAX];
    bool fr = cx->st->fr_dates;
    spie_sample_amount_style as = spie_smp_amount_style(cx->st, b, false);
    int y, m;
    spie_month_to_ym(b->mois, &y, &m);
    char t[64];
    switch (code) {
    case R_NB_CHAMPS:
        if (v < 2) {
            rb->nb = v;
        } else { /* a separator left bare in the libellé */
            snprintf(t, sizeof t, "Mobilité%s garde d'enfants", cx->st->sep == ';' ? " ;" : ",");
            spie_smp_rb_sets(rb, G_LIB, t);
            rb->raw[G_LIB] = true;
        }
        break;
    case R_CHAMP_MANQUANT:
        spie_smp_rb_set(rb, v == 0 ? G_PAYE : v == 1 ? G_FIN : G_MOIS, "", 0);
        break;
    case R_DATE_INVALIDE:
        if (v == 0)
            snprintf(t, sizeof t, fr ? "13/%04d" : "%04d-13", y);
        else if (v == 1)
            snprintf(t, sizeof t, "%s %04d", mois_fr[m - 1], y);
        else
            snprintf(t, sizeof t, "%04d/%02d", y, m);
        spie_smp_rb_sets(rb, G_MOIS, t);
        break;
    case R_CODE_INVALIDE: {
        static const char *const bad[] = {"REGION", "FSE", "COMMUNE"};
        spie_smp_rb_sets(rb, G_FIN, bad[v]);
        break;
    }
    case R_MONTANT_INVALIDE: {
        size_t n = spie_sample_format_amount(b->eng < 0 ? -b->eng : b->eng, as, a);
        if (v == 0) {
            t[0] = '+';
            memcpy(t + 1, a, n);
            spie_smp_rb_set(rb, G_ENG, t, n + 1);
        } else if (v == 1) {
            spie_smp_rb_sets(rb, G_ENG, "NaN");
        } else if (v == 2) {
            spie_smp_rb_sets(rb, G_ENG, "1e3");
        } else if (v == 3) { /* three decimals */
            memcpy(t, a, n);
            t[n] = '5';
            spie_smp_rb_set(rb, G_ENG, t, n + 1);
        } else {
            spie_smp_rb_sets(rb, G_PAYE, "n/a");
        }
        break;
    }
    case R_DEPT_INCOHERENT:
        spie_smp_rb_sets(rb, G_DEPT, other_dept(cx->code));
        break;
    case R_DOUBLON:
        if (v == 1) { /* the amounts in the other grouping */
            as = spie_smp_amount_style(cx->st, b, true);
            spie_smp_rb_set(rb, G_ENG, a, spie_sample_format_amount(b->eng, as, a));
            spie_smp_rb_set(rb, G_PAYE, a, spie_sample_format_amount(b->paye, as, a));
        } else if (v == 2) {
            spie_smp_fmt_month(mois, b->mois, !fr);
            spie_smp_rb_set(rb, G_MOIS, mois, 7);
        }
        break;
    default:
        break;
    }
}
