/* The row rules of docs/format-extraits.md §6 for a data record, in their order: the field count,
 * then each field trimmed and taken as UTF-8 (Windows-1252 transcoded), then the rules of
 * the file's kind; the first failing rule is the reject reason. An accepted beneficiaires
 * row becomes a person, an accepted budget row a budget line; an etapes row that passed
 * the rules without its person goes to the ring (extract_ring.c), where the rest is judged.
 *
 * This file sees one record at a time, already split into fields (by extract_lines.c or
 * libcsv): it may not look at lines, quotes or bytes beyond the record. */
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"
#include "spie/date.h"
#include "spie/util.h"

const char *const spie_financer_codes[SPIE_FIN_COUNT] = {"ETAT", "DEPARTEMENT", "FRANCE_TRAVAIL", "CAF", "AUTRE"};
static const char *const financer_read_codes[] = {"ETAT", "DEPARTEMENT", "FRANCE_TRAVAIL", "CAF", "AUTRE", "POLE_EMPLOI"};

void spie_budget_clear(spie_budget *b) { b->count = 0; }
void spie_budget_release(spie_budget *b)
{
    if (!b)
        return;
    free(b->lines);
    b->lines = NULL;
    b->count = b->cap = 0;
}

static bool has_high_byte(const char *s, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080ULL)
            return true;
    }
    for (; i < n; i++)
        if ((unsigned char)s[i] & 0x80)
            return true;
    return false;
}

/* The first empty required column (in the spec's order), or -1. */
static int first_missing(const reader *r)
{
    for (size_t c = 0; c < r->ncols_spec; c++)
        if (r->cols[c].required && r->val[c].n == 0)
            return (int)c;
    return -1;
}

/* Fills r->val for the spec columns: trimmed, UTF-8 (Windows-1252 transcoded); and
 * r->missing, the first empty required column or -1. */
static bool prepare_fields(reader *r)
{
    if (!r->rec_high && r->in_place) { /* a plain ASCII line: nothing to transcode */
        int missing = -1;
        for (size_t c = r->ncols_spec; c-- > 0;) {
            int h = r->colmap[c];
            spie_str f = {"", 0};
            if (h >= 0)
                f = spie_trim((spie_str){r->fbase + r->foff[h], r->flen[h]});
            r->val[c] = f;
            if (f.n == 0 && r->cols[c].required)
                missing = (int)c;
        }
        r->missing = missing;
        return true;
    }
    r->xcode.len = 0;
    /* Reserve once so that pointers into xcode stay valid while filling. */
    size_t need = 0;
    for (size_t c = 0; c < r->ncols_spec; c++)
        if (r->colmap[c] >= 0)
            need += 3 * r->flen[r->colmap[c]];
    if (!spie_rd_buf_reserve(&r->xcode, need + 1))
        return false;
    for (size_t c = 0; c < r->ncols_spec; c++) {
        int h = r->colmap[c];
        if (h < 0) {
            r->val[c].s = "";
            r->val[c].n = 0;
            continue;
        }
        spie_str f = spie_rd_field(r, (size_t)h);
        f = spie_trim(f);
        if (has_high_byte(f.s, f.n) && !spie_utf8_valid(f.s, f.n)) {
            char *dst = r->xcode.p + r->xcode.len;
            size_t w = spie_cp1252_to_utf8(f.s, f.n, dst);
            r->xcode.len += w;
            f.s = dst;
            f.n = w;
            r->rep->transcoded = true;
        }
        r->val[c] = f;
    }
    r->missing = first_missing(r);
    return true;
}

static bool dept_equal(spie_str v, const char *dept)
{
    size_t n = strlen(dept);
    if (v.n != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char a = v.s[i], b = dept[i];
        if (a >= 'a' && a <= 'z')
            a = (char)(a - 'a' + 'A');
        if (a != b)
            return false;
    }
    return true;
}

/* spie_parse_date, remembering the last date read: the rows of etapes come in date
 * order, so most of them repeat the date of the row before. */
static inline bool parse_date_memo(reader *r, spie_str f, spie_day *out)
{
    if (f.n != 10)
        return false;
    uint64_t a;
    uint16_t b;
    memcpy(&a, f.s, 8);
    memcpy(&b, f.s + 8, 2);
    if (r->date_known && a == r->date_a && b == r->date_b) {
        *out = r->date_day;
        return true;
    }
    if (!spie_parse_date(f, out))
        return false;
    r->date_a = a;
    r->date_b = b;
    r->date_day = *out;
    r->date_known = true;
    return true;
}

static int date_rules(reader *r, spie_day d, spie_reason *why)
{
    if (d > r->last_day) {
        *why = SPIE_R_DATE_FUTURE;
        return 1;
    }
    if (d < r->first_day) {
        *why = SPIE_R_DATE_HORS_PROGRAMME;
        return 1;
    }
    return 0;
}

static void row_beneficiaires(reader *r)
{
    const spie_str *v = r->val;
    spie_reason why;
    int col;
    if ((col = r->missing) >= 0)
        { spie_rd_reject(r, SPIE_R_CHAMP_MANQUANT, col); return; }
    if (!spie_valid_id(v[B_ID]))
        { spie_rd_reject(r, SPIE_R_ID_INVALIDE, B_ID); return; }
    spie_day entry;
    if (!spie_parse_date(v[B_DATE], &entry))
        { spie_rd_reject(r, SPIE_R_DATE_INVALIDE, B_DATE); return; }
    int pub = spie_codeset_find_padded(&r->cs_public, v[B_PUBLIC]);
    if (pub < 0)
        { spie_rd_reject(r, SPIE_R_CODE_INVALIDE, B_PUBLIC); return; }
    int sex = SPIE_SEX_UNKNOWN;
    if (v[B_SEXE].n && (sex = spie_codeset_find_padded(&r->cs_sex, v[B_SEXE])) < 0)
        { spie_rd_reject(r, SPIE_R_CODE_INVALIDE, B_SEXE); return; }
    if (v[B_DEPT].n && !dept_equal(v[B_DEPT], r->job->dept))
        { spie_rd_reject(r, SPIE_R_DEPT_INCOHERENT, B_DEPT); return; }
    if (date_rules(r, entry, &why))
        { spie_rd_reject(r, why, B_DATE); return; }
    int year = 0;
    if (v[B_ANNEE].n) {
        /* The entry's year, from the date read above (its digits are there). */
        const char *ys = v[B_DATE].s[4] == '-' ? v[B_DATE].s : v[B_DATE].s + 6;
        int ey = (ys[0] - '0') * 1000 + (ys[1] - '0') * 100 + (ys[2] - '0') * 10 + (ys[3] - '0');
        if (!spie_parse_year(v[B_ANNEE], &year) || year < 1900 || year > ey - 14)
            { spie_rd_reject(r, SPIE_R_ANNEE_NAISSANCE, B_ANNEE); return; }
    }
    spie_rd_pipe_push_person(r, v[B_ID], entry, (uint8_t)pub, (uint8_t)sex, (int16_t)year);
}

static void row_etapes(reader *r)
{
    const spie_str *v = r->val;
    spie_reason why;
    int col;
    if ((col = r->missing) >= 0)
        { spie_rd_reject(r, SPIE_R_CHAMP_MANQUANT, col); return; }
    if (!spie_valid_id(v[E_ID]))
        { spie_rd_reject(r, SPIE_R_ID_INVALIDE, E_ID); return; }
    spie_day day;
    if (!parse_date_memo(r, v[E_DATE], &day))
        { spie_rd_reject(r, SPIE_R_DATE_INVALIDE, E_DATE); return; }
    int step = spie_codeset_find_padded(&r->cs_step, v[E_ETAPE]);
    if (step < 0)
        { spie_rd_reject(r, SPIE_R_CODE_INVALIDE, E_ETAPE); return; }
    unsigned type = SPIE_NO_TYPE;
    if (v[E_TYPE].n) {
        int t = spie_codeset_find_padded(&r->cs_type[step], v[E_TYPE]); /* -1 for a step without types */
        if (t < 0)
            { spie_rd_reject(r, SPIE_R_CODE_INVALIDE, E_TYPE); return; }
        type = (unsigned)t;
    }
    if (date_rules(r, day, &why))
        { spie_rd_reject(r, why, E_DATE); return; }
    spie_rd_pipe_push(r, v[E_ID], day, (uint8_t)step, (uint8_t)type);
}

static void row_budget(reader *r)
{
    const spie_str *v = r->val;
    int col;
    if ((col = r->missing) >= 0)
        { spie_rd_reject(r, SPIE_R_CHAMP_MANQUANT, col); return; }
    spie_month m;
    if (!spie_parse_month(v[G_MOIS], &m))
        { spie_rd_reject(r, SPIE_R_DATE_INVALIDE, G_MOIS); return; }
    int fin = spie_parse_code(v[G_FIN], financer_read_codes, SPIE_ARRAY_LEN(financer_read_codes));
    if (fin < 0)
        { spie_rd_reject(r, SPIE_R_CODE_INVALIDE, G_FIN); return; }
    if (fin == 5)
        fin = SPIE_FIN_FRANCE_TRAVAIL;
    spie_cents eng, paid;
    if (!spie_parse_amount(v[G_ENG], &eng) || eng > SPIE_AMOUNT_MAX || eng < -SPIE_AMOUNT_MAX)
        { spie_rd_reject(r, SPIE_R_MONTANT_INVALIDE, G_ENG); return; }
    if (!spie_parse_amount(v[G_PAYE], &paid) || paid > SPIE_AMOUNT_MAX || paid < -SPIE_AMOUNT_MAX)
        { spie_rd_reject(r, SPIE_R_MONTANT_INVALIDE, G_PAYE); return; }
    if (v[G_DEPT].n && !dept_equal(v[G_DEPT], r->job->dept))
        { spie_rd_reject(r, SPIE_R_DEPT_INCOHERENT, G_DEPT); return; }
    if (m > spie_month_of_day(r->last_day))
        { spie_rd_reject(r, SPIE_R_DATE_FUTURE, G_MOIS); return; }
    if (m < r->first_month)
        { spie_rd_reject(r, SPIE_R_DATE_HORS_PROGRAMME, G_MOIS); return; }
    /* Key on parsed values: month, financer, amounts, upper-cased département, libellé. */
    r->key.len = 0;
    unsigned char head[21];
    memcpy(head, &m, 4);
    head[4] = (unsigned char)fin;
    memcpy(head + 5, &eng, 8);
    memcpy(head + 13, &paid, 8);
    char dept[8] = {0};
    size_t dn = v[G_DEPT].n < 7 ? v[G_DEPT].n : 7;
    for (size_t i = 0; i < dn; i++) {
        char c = v[G_DEPT].s[i];
        dept[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    uint32_t ln = (uint32_t)v[G_LIB].n;
    if (!spie_rd_buf_append(&r->key, head, sizeof head) || !spie_rd_buf_append(&r->key, dept, sizeof dept) ||
        !spie_rd_buf_append(&r->key, &ln, 4) || !spie_rd_buf_append(&r->key, v[G_LIB].s, v[G_LIB].n))
        { spie_rd_fail_memory(r); return; }
    uint64_t h = spie_keyset_hash(r->key.p, r->key.len);
    if (spie_keyset_contains(&r->seen, r->key.p, r->key.len, h))
        { spie_rd_reject(r, SPIE_R_DOUBLON, G_MOIS); return; }
    spie_budget *b = r->job->budget;
    void *lines = b->lines;
    if (!spie_grow(&lines, &b->cap, b->count + 1, sizeof *b->lines))
        { spie_rd_fail_memory(r); return; }
    b->lines = lines;
    if (!spie_keyset_add(&r->seen, r->key.p, r->key.len, h))
        { spie_rd_fail_memory(r); return; }
    spie_budget_line *l = &b->lines[b->count++];
    l->month = m;
    l->financer = (uint8_t)fin;
    l->engaged = eng;
    l->paid = paid;
    r->rep->rows_accepted++;
}

void spie_rd_end_record(reader *r)
{
    r->nf = 0;
    r->fields.len = 0;
    r->raw.len = 0;
    r->rec_bytes = 0;
}

void spie_rd_data_record(reader *r)
{
    r->rep->rows_read++;
    if (r->nf != r->ncols) {
        spie_rd_reject(r, SPIE_R_NB_CHAMPS, -1);
    } else if (!prepare_fields(r)) {
        spie_rd_fail_memory(r);
    } else {
        switch (r->job->kind) {
        case SPIE_KIND_BENEFICIAIRES: row_beneficiaires(r); break;
        case SPIE_KIND_ETAPES: row_etapes(r); break;
        default: row_budget(r); break;
        }
    }
}

