/* The header record: each column of the kind's list (docs/format-extraits.md §3-§5) is found by its
 * name (ASCII case folded, trimmed), in any order; unknown columns are noted for the
 * report; a column named twice, or a required one missing, makes the file unusable.
 *
 * This file reads only the header record, once per file; it knows nothing of the data
 * rows and may not reject one. */
#include <string.h>

#include "extract_int.h"

/* ---- columns of each kind (docs/format-extraits.md §3-§5) ---------------------------------------- */

static const colspec benef_cols[B_NCOLS] = {
    {"id_beneficiaire", true}, {"date_entree", true}, {"public", true},
    {"sexe", false}, {"annee_naissance", false}, {"departement", false}};
static const colspec etapes_cols[E_NCOLS] = {
    {"id_beneficiaire", true}, {"etape", true}, {"date_etape", true}, {"type", false}};
static const colspec budget_cols[G_NCOLS] = {
    {"mois", true}, {"financeur", true}, {"montant_engage", true},
    {"montant_paye", true}, {"departement", false}, {"libelle", false}};

const colspec *spie_rd_kind_cols(spie_kind k, size_t *n)
{
    switch (k) {
    case SPIE_KIND_BENEFICIAIRES: *n = B_NCOLS; return benef_cols;
    case SPIE_KIND_ETAPES: *n = E_NCOLS; return etapes_cols;
    default: *n = G_NCOLS; return budget_cols;
    }
}

static bool name_equal(spie_str f, const char *name)
{
    size_t n = strlen(name);
    if (f.n != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = f.s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != name[i])
            return false;
    }
    return true;
}

#define NAME_SHOWN 64 /* bytes of a header name shown in a motif */

/* Writes a header name into dst[len..cap) as reports may show it (the motif goes to a
 * UTF-8 CSV and a workbook): its first NAME_SHOWN bytes as UTF-8 (Windows-1252 transcoded when
 * they are not), control characters as '?', whole characters only, "…" when cut.
 * Needs cap >= len + 4; keeps dst NUL-terminated. */
static void append_name(char *dst, size_t len, size_t cap, spie_str f)
{
    char tmp[3 * NAME_SHOWN];
    size_t tn = f.n < NAME_SHOWN ? f.n : NAME_SHOWN;
    while (tn < f.n && tn > NAME_SHOWN - 4 && ((unsigned char)f.s[tn] & 0xC0) == 0x80)
        tn--; /* a UTF-8 name is cut between characters, not inside one */
    const char *src = f.s;
    if (!spie_utf8_valid(f.s, tn)) {
        tn = spie_cp1252_to_utf8(f.s, tn, tmp);
        src = tmp;
    }
    size_t room = cap - len - 4;
    size_t n = 0;
    while (n < tn) {
        size_t k = spie_rd_utf8_seq(src + n, tn - n);
        if (!k || n + k > room)
            break;
        for (size_t i = 0; i < k; i++)
            dst[len + n + i] = (unsigned char)src[n + i] < 0x20 ? '?' : src[n + i];
        n += k;
    }
    dst[len + n] = 0;
    if (n < tn || f.n > NAME_SHOWN)
        memcpy(dst + len + n, "…", sizeof "…");
}

static void note_unknown(reader *r, spie_str f)
{
    size_t len = strlen(r->unknown);
    if (len + 8 >= sizeof r->unknown)
        return;
    if (len) {
        r->unknown[len++] = ',';
        r->unknown[len++] = ' ';
        r->unknown[len] = 0;
    }
    append_name(r->unknown, len, sizeof r->unknown, f);
}

static bool same_name(spie_str a, spie_str b)
{
    if (a.n != b.n)
        return false;
    for (size_t i = 0; i < a.n; i++) {
        char x = a.s[i], y = b.s[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

void spie_rd_process_header(reader *r)
{
    r->have_header = true;
    r->ncols = r->nf;
    for (size_t c = 0; c < r->ncols_spec; c++)
        r->colmap[c] = -1;
    for (size_t h = 0; h < r->nf; h++) {
        spie_str f = spie_trim(spie_rd_field(r, h));
        size_t c = 0;
        while (c < r->ncols_spec && !name_equal(f, r->cols[c].name))
            c++;
        if (c == r->ncols_spec) {
            /* docs/format-extraits.md §2: a column named twice makes the file unusable, known or not. */
            for (size_t k = 0; f.n && k < h; k++)
                if (same_name(f, spie_trim(spie_rd_field(r, k)))) {
                    char shown[3 * NAME_SHOWN + 8];
                    append_name(shown, 0, sizeof shown, f);
                    spie_rd_failf(r, 0, "ligne %llu : colonne « %s » en double dans l'en-tête",
                          (unsigned long long)r->rec_start, shown);
                    return;
                }
            note_unknown(r, f);
            continue;
        }
        if (r->colmap[c] >= 0)
            { spie_rd_failf(r, 0, "ligne %llu : colonne « %s » en double dans l'en-tête",
                         (unsigned long long)r->rec_start, r->cols[c].name); return; }
        r->colmap[c] = (int)h;
    }
    for (size_t c = 0; c < r->ncols_spec; c++)
        if (r->cols[c].required && r->colmap[c] < 0)
            { spie_rd_failf(r, 0, "ligne %llu : colonne obligatoire « %s » absente de l'en-tête",
                         (unsigned long long)r->rec_start, r->cols[c].name); return; }
}

