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
    return spie_csvw_end_row(w);
}

static void empty_counts(spie_csvw *w)
{
    for (int i = 0; i < 5 + SPIE_R_COUNT; i++)
        spie_csvw_field(w, "", 0);
}

static void entry_row(spie_csvw *w, const spie_plan *plan, const spie_plan_entry *e, const spie_entry_result *res)
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
        spie_csvw_str(w, "aucun fichier pour ce territoire et ce type");
        empty_counts(w);
        spie_csvw_end_row(w);
        return;
    }
    const spie_file_report *r = &res->rep;
    spie_csvw_str(w, r->motif);
    spie_csvw_u64(w, r->rows_read);
    spie_csvw_u64(w, r->rows_accepted);
    spie_csvw_u64(w, r->rows_rejected);
    spie_csvw_u64(w, r->empty_lines);
    spie_csvw_str(w, r->transcoded ? "oui" : "non");
    for (int k = 0; k < SPIE_R_COUNT; k++)
        spie_csvw_u64(w, r->by_reason[k]);
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
    spie_csvw_end_row(w);
}

int spie_quality_write(const char *path, const spie_plan *plan, const spie_entry_result *results)
{
    spie_csvw *w = spie_csvw_open(path, false);
    if (!w)
        return errno ? errno : EIO;
    header(w);
    for (size_t i = 0; i < plan->n_entries; i++)
        entry_row(w, plan, &plan->entries[i], &results[i]);
    for (size_t i = 0; i < plan->n_others; i++)
        other_row(w, &plan->others[i]);
    return spie_csvw_close(w);
}
