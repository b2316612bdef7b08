/* Rows as text: one record (a person, a step, a budget line) as one line of an extract, in
 * the style of its territory's files (separator, line end, date and amount forms, quoting,
 * column order, upper-case header), with the codes of docs/format-extraits.md §3-§5 and the ids of the
 * territory. A defective row is first built valid, then spoiled by sample_dirt.c.
 *
 * May not: draw anything (every choice comes from the record or the style), decide which
 * rows are defective, or touch a file (the lines go to sample_write.c). */
#include <stdio.h>
#include <string.h>

#include "sample_int.h"

/* ---- codes --------------------------------------------------------------------------- */

static const char *const pub_codes[PUB_N] = {"RSA", "JEUNE", "DE", "TH"};
static const char *const step_codes[ST_N] = {"ORIENTATION", "DIAGNOSTIC", "CONTRAT", "SOLUTION",
                                             "REPRISE",     "SUIVI",      "SORTIE"};
static const char *const orient_types[] = {"SOCIALE", "PROFESSIONNELLE", "SOCIO_PRO"};
static const char *const solution_types[] = {"FORMATION", "IMMERSION",     "EMPLOI_AIDE",
                                              "CREATION",  "LOGEMENT",      "SANTE",
                                              "MOBILITE",  "GARDE_ENFANTS", "AUTRE"};
static const char *const reprise_types[RP_N] = {"EMPLOI_DURABLE", "EMPLOI_TEMPORAIRE", "FORMATION_QUALIFIANTE",
                                                "CREATION_ENTREPRISE"};
static const char *const sortie_types[SO_N] = {"DEMENAGEMENT", "FIN_DROITS", "ABANDON", "AUTRE"};
static const char *const fin_codes[FIN_N] = {"ETAT", "DEPARTEMENT", "FRANCE_TRAVAIL", "CAF", "AUTRE", "POLE_EMPLOI"};

/* ---- ids ------------------------------------------------------------------------------ */

/* Writes the id number k (>= 1) of a territory: "B31-000123" (at least six digits) or 16
 * hex digits (distinct numbers give distinct ids: mix64 is a bijection and the salt, from
 * the code, fills the high half). Returns the length; buf holds at least 32 bytes. */
static size_t format_id(char *buf, const char *code, uint64_t salt, bool hex, uint32_t k)
{
    if (hex) {
        uint64_t v = spie_smp_mix64((salt << 32) | k);
        static const char hx[] = "0123456789abcdef";
        for (int i = 15; i >= 0; i--) {
            buf[i] = hx[v & 15u];
            v >>= 4;
        }
        buf[16] = '\0';
        return 16;
    }
    size_t n = 0;
    buf[n++] = 'B';
    for (const char *c = code; *c && n < 4; c++)
        buf[n++] = *c;
    buf[n++] = '-';
    char dig[10];
    size_t nd = 0;
    do {
        dig[nd++] = (char)('0' + (int)(k % 10u));
        k /= 10u;
    } while (k);
    for (size_t i = nd; i < 6; i++)
        buf[n++] = '0';
    while (nd)
        buf[n++] = dig[--nd];
    buf[n] = '\0';
    return n;
}

/* ---- styles ---------------------------------------------------------------------------- */

static const char *const bene_cols[] = {"id_beneficiaire", "date_entree", "public", "sexe", "annee_naissance", "departement"};
static const char *const budget_cols[] = {"mois", "financeur", "montant_engage", "montant_paye", "departement", "libelle"};
static const char *const step_cols[] = {"id_beneficiaire", "etape", "date_etape", "type"};
static const size_t kind_ncols[K_N] = {6, 6, 4};
static const uint8_t perm_identity[6] = {0, 1, 2, 3, 4, 5};
static const uint8_t perm_bene_q[6] = {B_DEPT, B_ID, B_PUBLIC, B_SEXE, B_ANNEE, B_DATE};
static const uint8_t perm_budget_q[6] = {G_DEPT, G_MOIS, G_FIN, G_LIB, G_ENG, G_PAYE};
static const uint8_t perm_step_q[4] = {E_DATE, E_ID, E_ETAPE, E_TYPE};

static const char *const *kind_cols(int kind)
{
    return kind == K_BENE ? bene_cols : kind == K_BUDGET ? budget_cols : step_cols;
}

void spie_smp_style_for(style *st, unsigned roles, bool dirty)
{
    memset(st, 0, sizeof *st);
    st->sep = ',';
    for (int k = 0; k < K_N; k++)
        st->perm[k] = perm_identity;
    if (!dirty)
        return;
    if (roles & SPIE_SAMPLE_ROLE_FRENCH) {
        st->sep = ';';
        st->crlf = st->bom = st->fr_dates = st->fr_amounts = true;
    }
    if (roles & SPIE_SAMPLE_ROLE_QUOTED) {
        st->quote_all = st->upper_header = true;
        st->perm[K_BENE] = perm_bene_q;
        st->perm[K_BUDGET] = perm_budget_q;
        st->perm[K_ETAPES] = perm_step_q;
    }
}


/* ---- fields --------------------------------------------------------------------------- */

static void rb_reset(rowb *rb)
{
    rb->used = 0;
    rb->nb = -1;
    for (int i = 0; i < ROW_FIELDS; i++) {
        rb->off[i] = rb->len[i] = 0;
        rb->raw[i] = false;
    }
}

void spie_smp_rb_set(rowb *rb, int col, const char *s, size_t n)
{
    rb->off[col] = rb->used;
    rb->len[col] = 0;
    if (n > ROW_BYTES - rb->used)
        return; /* never happens: the fields of a row are short */
    memcpy(rb->data + rb->used, s, n);
    rb->off[col] = rb->used;
    rb->len[col] = n;
    rb->used += n;
}

void spie_smp_rb_sets(rowb *rb, int col, const char *s)
{
    spie_smp_rb_set(rb, col, s, strlen(s));
}

void spie_smp_rb_lower(rowb *rb, int col)
{
    for (size_t i = 0; i < rb->len[col]; i++) {
        char *c = &rb->data[rb->off[col] + i];
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    }
}

static void put2(char *b, int v)
{
    b[0] = (char)('0' + v / 10 % 10);
    b[1] = (char)('0' + v % 10);
}

static void put4(char *b, int v)
{
    b[0] = (char)('0' + v / 1000 % 10);
    b[1] = (char)('0' + v / 100 % 10);
    b[2] = (char)('0' + v / 10 % 10);
    b[3] = (char)('0' + v % 10);
}

/* "YYYY-MM-DD" or "DD/MM/YYYY" (10 bytes, no NUL). */
void spie_smp_fmt_date(char *b, spie_day d, bool fr)
{
    int y, m, dd;
    spie_day_to_ymd(d, &y, &m, &dd);
    if (fr) {
        put2(b, dd);
        b[2] = '/';
        put2(b + 3, m);
        b[5] = '/';
        put4(b + 6, y);
    } else {
        put4(b, y);
        b[4] = '-';
        put2(b + 5, m);
        b[7] = '-';
        put2(b + 8, dd);
    }
}

/* "YYYY-MM" or "MM/YYYY" (7 bytes, no NUL). */
void spie_smp_fmt_month(char *b, spie_month mo, bool fr)
{
    int y, m;
    spie_month_to_ym(mo, &y, &m);
    if (fr) {
        put2(b, m);
        b[2] = '/';
        put4(b + 3, y);
    } else {
        put4(b, y);
        b[4] = '-';
        put2(b + 5, m);
    }
}

/* ---- rows ------------------------------------------------------------------------------ */

void spie_smp_bene_row(rowb *rb, const rowctx *cx, const person *p, uint32_t id, int code, int v)
{
    char idb[40], date[10], y[4];
    size_t idn = format_id(idb, cx->code, cx->salt, cx->hex, id);
    bool fr = cx->st->fr_dates;
    rb_reset(rb);
    spie_smp_rb_set(rb, B_ID, idb, idn);
    spie_smp_fmt_date(date, p->entry, fr);
    spie_smp_rb_set(rb, B_DATE, date, 10);
    spie_smp_rb_sets(rb, B_PUBLIC, pub_codes[p->pub]);
    spie_smp_rb_sets(rb, B_SEXE, p->sex == 1 ? "F" : p->sex == 2 ? "M" : "");
    if (p->birth) {
        put4(y, p->birth);
        spie_smp_rb_set(rb, B_ANNEE, y, 4);
    } else {
        spie_smp_rb_set(rb, B_ANNEE, "", 0);
    }
    spie_smp_rb_sets(rb, B_DEPT, (p->flags & PF_DEPT_EMPTY) ? "" : cx->code);
    if (p->flags & PF_LOWER) {
        spie_smp_rb_lower(rb, B_PUBLIC);
        spie_smp_rb_lower(rb, B_SEXE);
        spie_smp_rb_lower(rb, B_DEPT);
    }
    if (code >= 0)
        spie_smp_spoil_bene(rb, cx, p, idb, idn, code, v);
}

static const char *step_type_code(unsigned step, unsigned type)
{
    if (type == NO_TYPE)
        return "";
    switch (step) {
    case ST_ORIENTATION:
        return orient_types[type];
    case ST_SOLUTION:
        return solution_types[type];
    case ST_REPRISE:
        return reprise_types[type];
    case ST_SORTIE:
        return sortie_types[type];
    default:
        return "";
    }
}

void spie_smp_step_row(rowb *rb, const rowctx *cx, const step_row *s, uint32_t id, int code, int v)
{
    char idb[40], date[10];
    size_t idn = format_id(idb, cx->code, cx->salt, cx->hex, id);
    bool fr = cx->st->fr_dates;
    rb_reset(rb);
    spie_smp_rb_set(rb, E_ID, idb, idn);
    spie_smp_rb_sets(rb, E_ETAPE, step_codes[s->step]);
    spie_smp_fmt_date(date, s->date, fr);
    spie_smp_rb_set(rb, E_DATE, date, 10);
    spie_smp_rb_sets(rb, E_TYPE, step_type_code(s->step, s->type));
    if (code >= 0)
        spie_smp_spoil_step(rb, cx, s, idb, idn, code, v);
}

spie_sample_amount_style spie_smp_amount_style(const style *st, const bline *b, bool swap)
{
    if (st->fr_amounts) {
        bool nbsp = ((unsigned)b->mois + b->lab) % 2u == 0;
        if (swap)
            nbsp = !nbsp;
        return nbsp ? SPIE_SAMPLE_AMOUNT_FR_NBSP : SPIE_SAMPLE_AMOUNT_FR_SPACE;
    }
    return swap ? SPIE_SAMPLE_AMOUNT_GROUPED : SPIE_SAMPLE_AMOUNT_PLAIN;
}

void spie_smp_budget_row(rowb *rb, const rowctx *cx, const bline *b, int code, int v)
{
    char mois[8], a[SPIE_SAMPLE_AMOUNT_MAX];
    bool fr = cx->st->fr_dates;
    rb_reset(rb);
    spie_smp_fmt_month(mois, b->mois, fr);
    spie_smp_rb_set(rb, G_MOIS, mois, 7);
    spie_smp_rb_sets(rb, G_FIN, fin_codes[b->fin]);
    spie_sample_amount_style as = spie_smp_amount_style(cx->st, b, false);
    spie_smp_rb_set(rb, G_ENG, a, spie_sample_format_amount(b->eng, as, a));
    spie_smp_rb_set(rb, G_PAYE, a, spie_sample_format_amount(b->paye, as, a));
    spie_smp_rb_sets(rb, G_DEPT, b->dept_empty ? "" : cx->code);
    spie_smp_rb_sets(rb, G_LIB, spie_smp_labels[b->lab]);
    if (code >= 0)
        spie_smp_spoil_budget(rb, cx, b, code, v);
}

/* ---- lines ----------------------------------------------------------------------------- */

bool spie_smp_needs_quotes(const char *s, size_t n, char sep)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == sep || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
            return true;
    return false;
}

/* Appends field bytes to line (RFC 4180 quoting when needed or when the style quotes all). */
static size_t put_field(char *line, size_t n, const style *st, const char *s, size_t len, bool raw)
{
    bool q = !raw && (st->quote_all || spie_smp_needs_quotes(s, len, st->sep));
    if (!q) {
        memcpy(line + n, s, len);
        return n + len;
    }
    line[n++] = '"';
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            line[n++] = '"';
        line[n++] = s[i];
    }
    line[n++] = '"';
    return n;
}

static size_t put_eol(char *line, size_t n, const style *st)
{
    if (st->crlf)
        line[n++] = '\r';
    line[n++] = '\n';
    return n;
}

/* One row as a line: the fields in the style's column order, NB_CHAMPS applied. */
size_t spie_smp_row_line(char *line, const style *st, int kind, const rowb *rb)
{
    size_t nc = kind_ncols[kind], n = 0;
    size_t out = rb->nb == 0 ? nc - 1 : nc;
    for (size_t j = 0; j < out; j++) {
        unsigned c = st->perm[kind][j];
        if (j)
            line[n++] = st->sep;
        n = put_field(line, n, st, rb->data + rb->off[c], rb->len[c], rb->raw[c]);
    }
    if (rb->nb == 1) {
        line[n++] = st->sep;
        n = put_field(line, n, st, "commentaire", 11, false);
    }
    return put_eol(line, n, st);
}

size_t spie_smp_header_line(char *line, const style *st, int kind)
{
    const char *const *cols = kind_cols(kind);
    size_t n = 0;
    for (size_t j = 0; j < kind_ncols[kind]; j++) {
        const char *name = cols[st->perm[kind][j]];
        char up[32];
        size_t len = strlen(name);
        memcpy(up, name, len);
        if (st->upper_header)
            for (size_t i = 0; i < len; i++)
                up[i] = (char)(up[i] >= 'a' && up[i] <= 'z' ? up[i] - 'a' + 'A' : up[i]);
        if (j)
            line[n++] = st->sep;
        n = put_field(line, n, st, up, len, false);
    }
    return put_eol(line, n, st);
}

size_t spie_smp_empty_line(char *line, const style *st, int v)
{
    static const char *const blanks[] = {"", "   ", "\t"};
    size_t n = strlen(blanks[v % 3]);
    memcpy(line, blanks[v % 3], n);
    return put_eol(line, n, st);
}
