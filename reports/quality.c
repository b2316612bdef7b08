/* qualite_<P>.csv (docs/sorties.md §5): one row per plan entry, then the inbox entries set
 * aside, each ending with the continuity columns (docs/methodologie.md §11). */
#include "spie/quality.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "spie/fields.h"

#include "spie/date.h"

static int header(spie_csvw *w)
{
    static const char *const cols[] = {"departement", "type", "fichier", "mois", "retard_mois", "statut",
                                       "motif", "lignes_lues", "lignes_acceptees", "lignes_rejetees",
                                       "lignes_vides", "transcodage"};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(cols); i++)
        spie_csvw_str(w, cols[i]);
    for (int r = 0; r < SPIE_R_COUNT; r++)
        spie_csvw_str(w, spie_reason_code((spie_reason)r));
    spie_csvw_str(w, "lignes_acceptees_precedentes");
    spie_csvw_str(w, "continuite");
    return spie_csvw_end_row(w);
}

static void empty_counts(spie_csvw *w)
{
    for (int i = 0; i < 5 + SPIE_R_COUNT; i++)
        spie_csvw_field(w, "", 0);
}

/* The motif, with the continuity break's reasons appended (docs/sorties.md §5). */
static void motif_field(spie_csvw *w, const char *motif, const spie_continuity *c)
{
    if (c->status != SPIE_CONT_BREAK || !c->motif[0]) {
        spie_csvw_str(w, motif);
        return;
    }
    size_t a = motif ? strlen(motif) : 0, b = strlen(c->motif);
    char *s = malloc(a + b + 4);
    if (!s) {
        spie_csvw_str(w, c->motif);
        return;
    }
    size_t n = 0;
    if (a) {
        memcpy(s, motif, a);
        memcpy(s + a, " ; ", 3);
        n = a + 3;
    }
    memcpy(s + n, c->motif, b);
    spie_csvw_field(w, s, n + b);
    free(s);
}

/* The two columns that end an entry's row: lignes_acceptees_precedentes, continuite. */
static void continuity_fields(spie_csvw *w, const spie_continuity *c)
{
    if (c->status != SPIE_CONT_NONE && c->has_prev_accepted)
        spie_csvw_u64(w, c->prev_accepted);
    else
        spie_csvw_field(w, "", 0);
    spie_csvw_str(w, spie_continuity_word(c->status));
}

static void entry_row(spie_csvw *w, const spie_plan *plan, const spie_plan_entry *e, const spie_entry_result *res,
                      const spie_continuity *c)
{
    spie_csvw_str(w, e->dept);
    spie_csvw_str(w, spie_kind_name(e->kind));
    spie_csvw_str(w, e->file);
    if (e->file) {
        char m[8];
        spie_month_format(e->month, m);
        spie_csvw_str(w, m);
        spie_csvw_i64(w, plan->period - e->month);
    } else {
        spie_csvw_field(w, "", 0);
        spie_csvw_field(w, "", 0);
    }
    spie_csvw_str(w, spie_entry_status_word(res->status));
    if (res->status == SPIE_ENTRY_MISSING) {
        motif_field(w, "aucun fichier pour ce territoire et ce type", c);
        empty_counts(w);
        continuity_fields(w, c);
        spie_csvw_end_row(w);
        return;
    }
    const spie_file_report *r = &res->rep;
    motif_field(w, r->motif, c);
    spie_csvw_u64(w, r->rows_read);
    spie_csvw_u64(w, r->rows_accepted);
    spie_csvw_u64(w, r->rows_rejected);
    spie_csvw_u64(w, r->empty_lines);
    spie_csvw_str(w, r->transcoded ? "oui" : "non");
    for (int k = 0; k < SPIE_R_COUNT; k++)
        spie_csvw_u64(w, r->by_reason[k]);
    continuity_fields(w, c);
    spie_csvw_end_row(w);
}

static void other_row(spie_csvw *w, const spie_plan_other *o)
{
    const spie_extract_name *nm = &o->x;
    bool named = o->status == SPIE_OTHER_NOT_RETAINED;
    spie_csvw_str(w, named ? nm->dept : "");
    spie_csvw_str(w, named ? spie_kind_name(nm->kind) : "");
    /* A name is bytes from the inbox: shown as UTF-8 (Windows-1252 when it is not). */
    size_t n = strlen(o->name);
    if (spie_utf8_valid(o->name, n)) {
        spie_csvw_field(w, o->name, n);
    } else {
        char *u = malloc(3 * n + 1);
        if (u)
            spie_csvw_field(w, u, spie_cp1252_to_utf8(o->name, n, u));
        else
            spie_csvw_field(w, "?", 1);
        free(u);
    }
    if (named) {
        char m[8];
        spie_month_format(nm->month, m);
        spie_csvw_str(w, m);
    } else {
        spie_csvw_field(w, "", 0);
    }
    spie_csvw_field(w, "", 0); /* lateness is a property of the selected files only */
    spie_csvw_str(w, o->status == SPIE_OTHER_NOT_RETAINED ? "non_retenu" : "ignore");
    spie_csvw_str(w, o->reason);
    empty_counts(w);
    spie_csvw_field(w, "", 0); /* no continuity for a file not retained or ignored */
    spie_csvw_field(w, "", 0);
    spie_csvw_end_row(w);
}

int spie_quality_write(const char *path, const spie_plan *plan, const spie_entry_result *results,
                       const spie_continuity *continuity)
{
    spie_csvw *w = spie_csvw_open(path, false);
    if (!w)
        return errno ? errno : EIO;
    header(w);
    for (size_t i = 0; i < plan->n_entries; i++)
        entry_row(w, plan, &plan->entries[i], &results[i], &continuity[i]);
    for (size_t i = 0; i < plan->n_others; i++)
        other_row(w, &plan->others[i]);
    return spie_csvw_close(w);
}
