/* The side files of a sample, beside its inbox: territoires.csv (the territories table
 * used, in canonical form), defauts.csv (for every file written and every reason code,
 * the rows spie check must reject) and fichiers.csv (the particularities of the files and
 * of the territories), from the plan and what sample_write.c recorded.
 *
 * May not: draw anything or write in the inbox. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sample_int.h"
#include "spie/geo.h"
#include "spie/util.h"

/* A growable text buffer for the side files. */
typedef struct text {
    char *p;
    size_t n, cap;
    bool oom;
} text;

static void text_add(text *t, const char *s, size_t n)
{
    if (t->oom)
        return;
    if (!spie_grow((void **)&t->p, &t->cap, t->n + n + 1, 1)) {
        t->oom = true;
        return;
    }
    memcpy(t->p + t->n, s, n);
    t->n += n;
    t->p[t->n] = '\0';
}

static void text_adds(text *t, const char *s)
{
    text_add(t, s, strlen(s));
}

/* A CSV field (quoted when it holds a comma, a quote or a line break). */
static void text_field(text *t, const char *s)
{
    if (!spie_smp_needs_quotes(s, strlen(s), ',')) {
        text_adds(t, s);
        return;
    }
    text_add(t, "\"", 1);
    for (; *s; s++) {
        if (*s == '"')
            text_add(t, "\"", 1);
        text_add(t, s, 1);
    }
    text_add(t, "\"", 1);
}

static spie_sample_status write_text(const char *dir, const char *name, const text *t, spie_sample_error *err)
{
    if (t->oom) {
        spie_smp_seterr(err, "mémoire insuffisante");
        return SPIE_SAMPLE_E_MEMORY;
    }
    spie_sample_file *f = spie_sample_file_open(dir, name, false, 0, err);
    if (!f)
        return SPIE_SAMPLE_E_WRITE;
    if (!spie_sample_file_write(f, t->p ? t->p : "", t->n, err)) {
        spie_sample_file_abort(f);
        return SPIE_SAMPLE_E_WRITE;
    }
    return spie_sample_file_close(f, NULL, err) ? SPIE_SAMPLE_OK : SPIE_SAMPLE_E_WRITE;
}

static int cmp_rec(const void *a, const void *b)
{
    return strcmp(((const file_rec *)a)->name, ((const file_rec *)b)->name);
}

typedef struct fact {
    char file[64];
    char text[200];
} fact;

static int cmp_fact(const void *a, const void *b)
{
    const fact *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    return c ? c : strcmp(x->text, y->text);
}

/* territoires.csv: the table used (docs/format-extraits.md §7). */
static spie_sample_status write_territoires(const wctx *w, const char *out_dir, text *t)
{
    const spie_sample_plan *p = w->plan;
    t->n = 0;
    text_adds(t, "departement,vague,allocation_etat\n");
    for (size_t i = 0; i < p->count; i++) {
        char a[SPIE_SAMPLE_AMOUNT_MAX];
        spie_sample_format_amount(p->items[i].terr->allocation, SPIE_SAMPLE_AMOUNT_PLAIN, a);
        text_adds(t, p->items[i].terr->dept->code);
        text_adds(t, ",");
        text_adds(t, spie_wave_code(p->items[i].terr->wave));
        text_adds(t, ",");
        text_adds(t, a);
        text_adds(t, "\n");
    }
    return write_text(out_dir, "territoires.csv", t, w->err);
}

/* defauts.csv: every file, every reason, in the order of docs/format-extraits.md §6 (recs sorted). */
static spie_sample_status write_defauts(const wctx *w, const char *out_dir, text *t)
{
    t->n = 0;
    text_adds(t, "fichier,code,nombre\n");
    for (size_t i = 0; i < w->nrec; i++)
        for (int c = 0; c < R_N; c++) {
            char num[16];
            snprintf(num, sizeof num, ",%u\n", (unsigned)w->recs[i].counts[c]);
            text_adds(t, w->recs[i].name);
            text_adds(t, ",");
            text_adds(t, spie_smp_reason_codes[c]);
            text_adds(t, num);
        }
    return write_text(out_dir, "defauts.csv", t, w->err);
}

/* The facts of the files written (at most 6 a file: F_* and empty lines). */
static void file_facts(const wctx *w, fact *facts, size_t *nfp)
{
    size_t nf = *nfp;
    for (size_t i = 0; i < w->nrec; i++) {
        const file_rec *r = &w->recs[i];
        if (r->facts & F_FRENCH) {
            fact *f = &facts[nf++];
            snprintf(f->file, sizeof f->file, "%s", r->name);
            snprintf(f->text, sizeof f->text, "%s",
                     r->kind == K_BUDGET
                         ? "export à la française : séparateur « ; », mois mm/aaaa, montants « 1 234,56 » "
                           "(espace ou espace insécable), fins de ligne CRLF, BOM UTF-8"
                         : "export à la française : séparateur « ; », dates jj/mm/aaaa, fins de ligne CRLF, BOM UTF-8");
        }
        if (r->facts & F_CP1252) {
            fact *f = &facts[nf++];
            snprintf(f->file, sizeof f->file, "%s", r->name);
            snprintf(f->text, sizeof f->text, "un libellé en Windows-1252 (à transcoder)");
        }
        if (r->facts & F_QUOTED) {
            fact *f = &facts[nf++];
            snprintf(f->file, sizeof f->file, "%s", r->name);
            snprintf(f->text, sizeof f->text, "champs entre guillemets, en-tête en majuscules, colonnes dans un autre ordre");
        }
        if (r->facts & F_PLAIN) {
            fact *f = &facts[nf++];
            snprintf(f->file, sizeof f->file, "%s", r->name);
            snprintf(f->text, sizeof f->text, "fichier non compressé (.csv)");
        }
        if (r->facts & F_MULTI) {
            fact *f = &facts[nf++];
            snprintf(f->file, sizeof f->file, "%s", r->name);
            snprintf(f->text, sizeof f->text, "deux membres gzip concaténés (coupure au milieu d'une ligne)");
        }
        if (r->empty) {
            fact *f = &facts[nf++];
            snprintf(f->file, sizeof f->file, "%s", r->name);
            snprintf(f->text, sizeof f->text, "%u ligne%s vide%s", (unsigned)r->empty, r->empty > 1 ? "s" : "",
                     r->empty > 1 ? "s" : "");
        }
    }
    *nfp = nf;
}

/* The facts of the territories: sending nothing, starting after --until, late. */
static void territory_facts(const spie_sample_plan *p, fact *facts, size_t *nfp)
{
    size_t nf = *nfp;
    for (size_t i = 0; i < p->count; i++) {
        const spie_sample_terr *it = &p->items[i];
        const spie_dept *dp = it->terr->dept;
        char m[8];
        fact *f = &facts[nf];
        f->file[0] = '\0';
        if (it->roles & SPIE_SAMPLE_ROLE_MISSING) {
            snprintf(f->text, sizeof f->text, "département %s (%s) : aucun extrait", dp->code, dp->name);
            nf++;
        } else if (it->last < it->first) {
            spie_month_format(it->first, m);
            snprintf(f->text, sizeof f->text, "département %s (%s) : aucun extrait, démarrage en %s", dp->code,
                     dp->name, m);
            nf++;
        } else if (it->late_months > 0) {
            spie_month_format(it->last, m);
            snprintf(f->text, sizeof f->text, "département %s (%s) : en retard de %d mois (dernier extrait %s)",
                     dp->code, dp->name, it->late_months, m);
            nf++;
        }
    }
    *nfp = nf;
}

/* fichiers.csv: file-level and territory-level facts, sorted. */
static spie_sample_status write_fichiers(const wctx *w, const char *out_dir, text *t)
{
    size_t capf = w->nrec * 6 + w->plan->count + 1;
    fact *facts = malloc(capf * sizeof *facts);
    if (!facts) {
        spie_smp_seterr(w->err, "mémoire insuffisante");
        return SPIE_SAMPLE_E_MEMORY;
    }
    size_t nf = 0;
    file_facts(w, facts, &nf);
    territory_facts(w->plan, facts, &nf);
    qsort(facts, nf, sizeof *facts, cmp_fact);
    t->n = 0;
    text_adds(t, "fichier,particularite\n");
    for (size_t i = 0; i < nf; i++) {
        text_field(t, facts[i].file);
        text_adds(t, ",");
        text_field(t, facts[i].text);
        text_adds(t, "\n");
    }
    spie_sample_status st = write_text(out_dir, "fichiers.csv", t, w->err);
    free(facts);
    return st;
}

spie_sample_status spie_smp_write_side_files(wctx *w, const char *out_dir)
{
    text t = {0};
    spie_sample_status st = write_territoires(w, out_dir, &t);
    if (st == SPIE_SAMPLE_OK) {
        qsort(w->recs, w->nrec, sizeof *w->recs, cmp_rec);
        st = write_defauts(w, out_dir, &t);
    }
    if (st == SPIE_SAMPLE_OK)
        st = write_fichiers(w, out_dir, &t);
    free(t.p);
    return st;
}
