/* Inbox planning (docs/format-extraits.md §1; the rows of the quality report, docs/sorties.md §5).
 *
 * One pass over the inbox directory. Every entry is examined with
 * fstatat(AT_SYMLINK_NOFOLLOW) relative to the open directory: nothing is opened or
 * followed. Classification of an entry, first match wins:
 *   symbolic link            -> ignored, "lien symbolique"
 *   directory                -> ignored, "répertoire"
 *   other non-regular file   -> ignored, "pas un fichier ordinaire" (FIFO, socket, device)
 *   name not of the pattern  -> ignored, "nom non conforme"
 *   code not in INSEE's list -> ignored, "département inconnu"
 *   département not in the programme table -> ignored, "département hors programme"
 *   otherwise a candidate extract.
 * So a symlink or a directory named like a valid extract is reported as what it is.
 *
 * Selection, for each programme territory and kind and for the NAT budget: the candidate
 * with the latest month M <= P. Every other candidate is "not retained": of a month after
 * P, or older than the selected one. A .csv and a .csv.gz of the same (dept, kind, month)
 * at the selected month make the plan fail (SPIE_E_INPUT); at another month both
 * are only reported, the reason says so.
 *
 * An entry that disappears between readdir and fstatat (ENOENT) is no longer in the inbox
 * and is not listed; any other fstatat failure fails the plan (SPIE_E_INPUT): a batch
 * that cannot see its files must not report territories as missing.
 *
 * The plan only looks at names and file types: it may not open or read an extract (the
 * reader does), and it prints nothing (its errors are returned in a spie_error). */
#include "spie/util.h"
#include "spie/plan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "spie/date.h"
#include "spie/geo.h"

static const char *const kind_names[SPIE_KIND_COUNT] = {"beneficiaires", "budget", "etapes"};

const char *spie_kind_name(spie_kind k)
{
    return (unsigned)k < SPIE_KIND_COUNT ? kind_names[k] : "";
}

/* ---- file names ------------------------------------------------------------------- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Syntax of <DEPT>: two digits, 2A, 2B, three digits, or NAT. Whether the code exists is
 * checked afterwards (20, 975, 00, 96 are syntactically départements). */
static bool dept_syntax(const char *p, size_t n)
{
    if (n == 3 && memcmp(p, "NAT", 3) == 0)
        return true;
    if (n == 2)
        return is_digit(p[0]) && (is_digit(p[1]) || (p[0] == '2' && (p[1] == 'A' || p[1] == 'B')));
    if (n == 3)
        return is_digit(p[0]) && is_digit(p[1]) && is_digit(p[2]);
    return false;
}

/* On SPIE_NAME_OK and SPIE_NAME_UNKNOWN_DEPT, *out is filled; on SPIE_NAME_BAD_PATTERN it
 * is left untouched. */
spie_name_status spie_extract_name_parse(const char *name, spie_extract_name *out)
{
    if (!name || strncmp(name, "spie_", 5) != 0)
        return SPIE_NAME_BAD_PATTERN;
    const char *p = name + 5;
    const char *us = strchr(p, '_');
    if (!us)
        return SPIE_NAME_BAD_PATTERN;
    size_t dn = (size_t)(us - p);
    if (!dept_syntax(p, dn))
        return SPIE_NAME_BAD_PATTERN;
    const char *dept = p;

    p = us + 1;
    spie_month month;
    if (strlen(p) < 8 || p[7] != '_' || !spie_month_parse_iso(p, 7, &month))
        return SPIE_NAME_BAD_PATTERN;
    p += 8;

    int kind = -1;
    bool gzip = false;
    for (int k = 0; k < SPIE_KIND_COUNT && kind < 0; k++) {
        size_t kl = strlen(kind_names[k]);
        if (strncmp(p, kind_names[k], kl) != 0)
            continue;
        if (strcmp(p + kl, ".csv") == 0) {
            kind = k;
            gzip = false;
        } else if (strcmp(p + kl, ".csv.gz") == 0) {
            kind = k;
            gzip = true;
        }
    }
    if (kind < 0)
        return SPIE_NAME_BAD_PATTERN;

    bool nat = dn == 3 && memcmp(dept, "NAT", 3) == 0;
    if (nat && kind != SPIE_KIND_BUDGET)
        return SPIE_NAME_BAD_PATTERN;

    spie_extract_name x;
    memcpy(x.dept, dept, dn);
    x.dept[dn] = '\0';
    x.kind = (spie_kind)kind;
    x.month = month;
    x.gzip = gzip;
    if (out)
        *out = x;
    if (!nat && !spie_dept_find(dept, dn))
        return SPIE_NAME_UNKNOWN_DEPT;
    return SPIE_NAME_OK;
}

/* ---- planning --------------------------------------------------------------------- */

/* A well-named extract of a programme territory (or NAT budget). */
typedef struct cand {
    char *name; /* owned until moved into an entry or an "other" */
    spie_extract_name x;
    uint64_t size;
    bool selected;
    bool paired; /* the other compression of the same (dept, kind, month) exists */
} cand;

typedef struct plan_ctx {
    cand *cands;
    size_t n_cands, cap_cands;
    spie_plan_entry *entries;
    size_t n_entries, cap_entries;
    spie_plan_other *others;
    size_t n_others, cap_others;
} plan_ctx;

/* How a step of the planning ended (spie_plan_build turns it into a spie_rc). */
typedef enum plan_status {
    SPIE_PLAN_OK = 0,
    SPIE_PLAN_E_INBOX,     /* inbox cannot be opened or read */
    SPIE_PLAN_E_AMBIGUOUS, /* .csv and .csv.gz for the same (dept, kind) at the selected month */
    SPIE_PLAN_E_MEMORY
} spie_plan_status;

static void set_msg(spie_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void set_msg(spie_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

/* Appends an "other" row; takes ownership of name (freed on failure too). */
static bool add_other(plan_ctx *c, char *name, spie_other_status st, const spie_extract_name *x,
                      const char *reason)
{
    if (!spie_grow((void **)&c->others, &c->cap_others, c->n_others + 1, sizeof *c->others)) {
        free(name);
        return false;
    }
    spie_plan_other *o = &c->others[c->n_others++];
    o->name = name;
    o->status = st;
    o->x = x ? *x : (spie_extract_name){0};
    snprintf(o->reason, sizeof o->reason, "%s", reason);
    return true;
}

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    int c = strcmp(x->x.dept, y->x.dept);
    if (c)
        return c;
    if (x->x.kind != y->x.kind)
        return x->x.kind < y->x.kind ? -1 : 1;
    if (x->x.month != y->x.month)
        return x->x.month < y->x.month ? -1 : 1;
    return (int)x->x.gzip - (int)y->x.gzip; /* .csv before .csv.gz */
}

static int cmp_entry(const void *a, const void *b)
{
    const spie_plan_entry *x = a, *y = b;
    int c = strcmp(x->dept, y->dept);
    if (c)
        return c;
    return x->kind < y->kind ? -1 : (x->kind > y->kind ? 1 : 0);
}

static int cmp_other(const void *a, const void *b)
{
    const spie_plan_other *x = a, *y = b;
    return strcmp(x->name, y->name);
}

static bool add_entry(plan_ctx *c, const spie_territory *t, const char *dept, spie_kind kind)
{
    if (!spie_grow((void **)&c->entries, &c->cap_entries, c->n_entries + 1, sizeof *c->entries))
        return false;
    spie_plan_entry *e = &c->entries[c->n_entries++];
    memset(e, 0, sizeof *e);
    e->terr = t;
    snprintf(e->dept, sizeof e->dept, "%s", dept);
    e->kind = kind;
    e->file = NULL;
    e->month = SPIE_NO_MONTH;
    return true;
}

/* Reads the inbox into c: candidates and ignored entries. */
static spie_plan_status scan_inbox(plan_ctx *c, const char *inbox, const spie_territories *terr,
                                   spie_error *err)
{
    spie_plan_status st = SPIE_PLAN_OK;
    DIR *d = opendir(inbox);
    if (!d) {
        set_msg(err, "impossible d'ouvrir le dossier de dépôt %s : %s", inbox, strerror(errno));
        return SPIE_PLAN_E_INBOX;
    }
    int dfd = dirfd(d);
    if (dfd < 0) {
        set_msg(err, "impossible de lire le dossier de dépôt %s : %s", inbox, strerror(errno));
        st = SPIE_PLAN_E_INBOX;
        goto out_closedir;
    }
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            if (errno != 0) {
                set_msg(err, "impossible de lire le dossier de dépôt %s : %s", inbox, strerror(errno));
                st = SPIE_PLAN_E_INBOX;
            }
            break;
        }
        const char *name = e->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        struct stat sb;
        if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno == ENOENT)
                continue; /* removed since readdir: no longer in the inbox */
            set_msg(err, "impossible d'examiner %s dans le dossier de dépôt %s : %s", name, inbox,
                    strerror(errno));
            st = SPIE_PLAN_E_INBOX;
            break;
        }
        char *copy = strdup(name);
        if (!copy) {
            st = SPIE_PLAN_E_MEMORY;
            break;
        }
        const char *reason = NULL;
        spie_extract_name x;
        memset(&x, 0, sizeof x);
        if (S_ISLNK(sb.st_mode))
            reason = "lien symbolique";
        else if (S_ISDIR(sb.st_mode))
            reason = "répertoire";
        else if (!S_ISREG(sb.st_mode))
            reason = "pas un fichier ordinaire";
        else {
            switch (spie_extract_name_parse(name, &x)) {
            case SPIE_NAME_BAD_PATTERN:
                reason = "nom non conforme";
                break;
            case SPIE_NAME_UNKNOWN_DEPT:
                reason = "département inconnu";
                break;
            case SPIE_NAME_OK:
                if (strcmp(x.dept, "NAT") != 0 && !spie_territories_find(terr, x.dept, strlen(x.dept)))
                    reason = "département hors programme";
                break;
            }
        }
        if (reason) {
            if (!add_other(c, copy, SPIE_OTHER_IGNORED, NULL, reason)) {
                st = SPIE_PLAN_E_MEMORY;
                break;
            }
            continue;
        }
        if (!spie_grow((void **)&c->cands, &c->cap_cands, c->n_cands + 1, sizeof *c->cands)) {
            free(copy);
            st = SPIE_PLAN_E_MEMORY;
            break;
        }
        cand *k = &c->cands[c->n_cands++];
        k->name = copy;
        k->x = x;
        k->size = (uint64_t)sb.st_size;
        k->selected = false;
        k->paired = false;
    }
out_closedir:
    if (closedir(d) != 0 && st == SPIE_PLAN_OK) {
        set_msg(err, "impossible de fermer le dossier de dépôt %s : %s", inbox, strerror(errno));
        st = SPIE_PLAN_E_INBOX;
    }
    return st;
}

/* Chooses the file of each entry. Candidates are sorted by (dept, kind, month, gzip). */
static spie_plan_status select_files(plan_ctx *c, spie_month period, spie_error *err)
{
    for (size_t i = 0; i + 1 < c->n_cands; i++)
        if (strcmp(c->cands[i].x.dept, c->cands[i + 1].x.dept) == 0 &&
            c->cands[i].x.kind == c->cands[i + 1].x.kind && c->cands[i].x.month == c->cands[i + 1].x.month)
            c->cands[i].paired = c->cands[i + 1].paired = true;

    size_t lo = 0; /* entries and candidates are both in (dept, kind) order: one merge pass */
    for (size_t i = 0; i < c->n_entries; i++) {
        spie_plan_entry *e = &c->entries[i];
        while (lo < c->n_cands) {
            int cmp = strcmp(c->cands[lo].x.dept, e->dept);
            if (cmp > 0 || (cmp == 0 && c->cands[lo].x.kind >= e->kind))
                break;
            lo++; /* no entry for it: cannot happen (candidates are programme territories) */
        }
        size_t hi = lo;
        while (hi < c->n_cands && strcmp(c->cands[hi].x.dept, e->dept) == 0 && c->cands[hi].x.kind == e->kind)
            hi++;
        /* Latest month <= P: the last such candidate in [lo, hi). */
        size_t best = SIZE_MAX;
        for (size_t k = lo; k < hi; k++)
            if (c->cands[k].x.month <= period)
                best = k;
        if (best != SIZE_MAX) {
            cand *b = &c->cands[best];
            if (b->paired) {
                /* The pair is (best - 1, best): .csv sorts before .csv.gz. */
                set_msg(err,
                        "entrée ambiguë : %s et %s décrivent le même département, type et mois ; "
                        "retirez l'un des deux fichiers",
                        c->cands[best - 1].name, b->name);
                return SPIE_PLAN_E_AMBIGUOUS;
            }
            b->selected = true;
            e->file = b->name;
            b->name = NULL;
            e->gzip = b->x.gzip;
            e->month = b->x.month;
            e->late_months = (int)(period - b->x.month);
            e->size = b->size;
        }
        /* Everything else of this (dept, kind) is not retained. */
        for (size_t k = lo; k < hi; k++) {
            cand *o = &c->cands[k];
            if (o->selected)
                continue;
            char reason[200];
            if (o->x.month > period) {
                snprintf(reason, sizeof reason, "mois postérieur à la période");
            } else {
                char m[8];
                spie_month_format(e->month, m);
                snprintf(reason, sizeof reason, "mois antérieur au fichier retenu (%s)", m);
            }
            if (o->paired) {
                size_t len = strlen(reason);
                snprintf(reason + len, sizeof reason - len, " ; fichiers .csv et .csv.gz en double");
            }
            char *name = o->name;
            o->name = NULL;
            if (!add_other(c, name, SPIE_OTHER_NOT_RETAINED, &o->x, reason))
                return SPIE_PLAN_E_MEMORY;
        }
        lo = hi;
    }
    return SPIE_PLAN_OK;
}

static void free_arrays(plan_ctx *c)
{
    for (size_t i = 0; i < c->n_cands; i++)
        free(c->cands[i].name);
    free(c->cands);
    for (size_t i = 0; i < c->n_entries; i++)
        free(c->entries[i].file);
    free(c->entries);
    for (size_t i = 0; i < c->n_others; i++)
        free(c->others[i].name);
    free(c->others);
    memset(c, 0, sizeof *c);
}

spie_rc spie_plan_build(const char *inbox, spie_month period, const spie_territories *terr, spie_plan *out,
                        spie_error *err)
{
    spie_error scratch;
    if (!err)
        err = &scratch;
    memset(err, 0, sizeof *err);
    if (!out || !inbox) {
        set_msg(err, "argument invalide");
        return err->rc = SPIE_E_USAGE;
    }
    memset(out, 0, sizeof *out);
    out->period = period;

    plan_ctx c;
    memset(&c, 0, sizeof c);
    spie_plan_status st = scan_inbox(&c, inbox, terr, err);
    if (st != SPIE_PLAN_OK)
        goto out_free;

    /* One entry per territory and kind, plus the NAT budget. */
    st = SPIE_PLAN_E_MEMORY;
    for (size_t i = 0; terr && i < terr->count; i++)
        for (int k = 0; k < SPIE_KIND_COUNT; k++)
            if (!add_entry(&c, &terr->items[i], terr->items[i].dept->code, (spie_kind)k))
                goto out_free;
    if (!add_entry(&c, NULL, "NAT", SPIE_KIND_BUDGET))
        goto out_free;
    qsort(c.entries, c.n_entries, sizeof *c.entries, cmp_entry);
    if (c.n_cands > 1)
        qsort(c.cands, c.n_cands, sizeof *c.cands, cmp_cand);

    st = select_files(&c, period, err);
    if (st != SPIE_PLAN_OK)
        goto out_free;
    if (c.n_others > 1)
        qsort(c.others, c.n_others, sizeof *c.others, cmp_other);

    out->entries = c.entries;
    out->n_entries = c.n_entries;
    out->others = c.others;
    out->n_others = c.n_others;
    c.entries = NULL;
    c.n_entries = 0;
    c.others = NULL;
    c.n_others = 0;

out_free:
    if (st == SPIE_PLAN_E_MEMORY)
        set_msg(err, "mémoire insuffisante");
    free_arrays(&c);
    err->rc = st == SPIE_PLAN_OK ? SPIE_OK : st == SPIE_PLAN_E_MEMORY ? SPIE_E_MEMORY : SPIE_E_INPUT;
    return err->rc;
}

void spie_plan_free(spie_plan *plan)
{
    if (!plan)
        return;
    for (size_t i = 0; i < plan->n_entries; i++)
        free(plan->entries[i].file);
    free(plan->entries);
    for (size_t i = 0; i < plan->n_others; i++)
        free(plan->others[i].name);
    free(plan->others);
    memset(plan, 0, sizeof *plan);
}
