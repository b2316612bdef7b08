/* The programme's territories table (docs/format-extraits.md §7, text layer of §2).
 *
 * Grammar: UTF-8 CSV, optional BOM, LF, CRLF or lone CR line endings, separator ';' or ','
 * chosen from the header line (count of ';' against ','; a tie means ','), RFC 4180 quotes
 * (libcsv, non-strict mode: a stray quote in an unquoted field is a literal). The header is
 * the first line that is not empty (empty lines, or lines of spaces and tabs, are skipped
 * everywhere); its names are matched case-insensitively after trimming spaces and tabs;
 * column order is free, unknown columns are ignored, a name given twice is an error. Every
 * field is trimmed. The département and the wave are codes (case-insensitive, stored in
 * INSEE's spelling: "2a" is 2A, "1" is not 01); the allocation is an amount of §2
 * (spie_parse_amount) that must not be empty, negative or absurd (above
 * SPIE_ALLOCATION_MAX: a typo of a few digits would otherwise overflow the sums of its
 * région and silently make them nd).
 *
 * Any error fails the whole table with the physical line (1-based, counting every line of
 * the file, blank ones and the ones inside quoted fields included) where the offending row
 * starts, or line 0 for the file as a whole. An empty table (header only) is an error too:
 * a programme without territories is a truncated or wrong file, not a valid input. */
#include "spie/util.h"
#include "spie/territories.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spie/date.h"
#include "spie/fields.h"

/* Largest territories file spie_territories_load accepts (a real one is about 2 KB). */
#define TERR_MAX_FILE_BYTES (16u * 1024u * 1024u)

static const char *const wave_codes[SPIE_WAVE_COUNT] = {"EXP2020", "AMI1", "AMI2"};

const char *spie_wave_code(spie_wave w)
{
    return (unsigned)w < SPIE_WAVE_COUNT ? wave_codes[w] : "";
}

/* Start of each wave (docs/references.md): the experimentations of March 2020, the laureates of
 * the first call announced in April 2021 (start May 2021), those of the second call
 * announced early 2022 (start February 2022). */
spie_month spie_wave_start(spie_wave w)
{
    switch (w) {
    case SPIE_WAVE_EXP2020:
        return 2020 * 12 + 3 - 1;
    case SPIE_WAVE_AMI1:
        return 2021 * 12 + 5 - 1;
    case SPIE_WAVE_AMI2:
        return 2022 * 12 + 2 - 1;
    case SPIE_WAVE_COUNT:
        break;
    }
    return SPIE_NO_MONTH;
}

/* The default table: samples/territoires-defaut.csv, byte for byte (a unit test checks it).
 * Départements and waves as published (docs/references.md); allocations illustrative (see
 * samples/README-territoires.md). */
static const char default_csv[] =
    "departement,vague,allocation_etat\n"
    "01,AMI2,370000.00\n"
    "02,AMI2,370000.00\n"
    "03,AMI1,500000.00\n"
    "04,AMI1,500000.00\n"
    "05,AMI2,370000.00\n"
    "06,AMI1,500000.00\n"
    "07,AMI2,370000.00\n"
    "08,AMI1,500000.00\n"
    "11,AMI1,500000.00\n"
    "12,AMI1,500000.00\n"
    "13,AMI1,500000.00\n"
    "14,AMI1,500000.00\n"
    "15,AMI2,370000.00\n"
    "16,AMI1,500000.00\n"
    "17,AMI1,500000.00\n"
    "18,AMI2,370000.00\n"
    "19,AMI2,370000.00\n"
    "21,AMI1,500000.00\n"
    "22,EXP2020,600000.00\n"
    "23,AMI2,370000.00\n"
    "25,AMI1,500000.00\n"
    "26,AMI1,500000.00\n"
    "27,AMI1,500000.00\n"
    "28,AMI2,370000.00\n"
    "29,EXP2020,600000.00\n"
    "2A,AMI2,370000.00\n"
    "2B,AMI2,370000.00\n"
    "30,AMI2,370000.00\n"
    "31,AMI2,370000.00\n"
    "35,EXP2020,600000.00\n"
    "37,AMI2,370000.00\n"
    "40,AMI1,500000.00\n"
    "41,AMI1,500000.00\n"
    "44,EXP2020,600000.00\n"
    "45,AMI1,500000.00\n"
    "46,AMI2,370000.00\n"
    "49,AMI2,370000.00\n"
    "50,AMI2,370000.00\n"
    "51,AMI1,500000.00\n"
    "53,AMI1,500000.00\n"
    "54,EXP2020,600000.00\n"
    "55,AMI2,370000.00\n"
    "56,EXP2020,600000.00\n"
    "59,EXP2020,600000.00\n"
    "60,AMI1,500000.00\n"
    "61,AMI1,500000.00\n"
    "62,AMI1,500000.00\n"
    "63,AMI1,500000.00\n"
    "64,AMI2,370000.00\n"
    "65,AMI2,370000.00\n"
    "66,AMI2,370000.00\n"
    "67,EXP2020,600000.00\n"
    "68,AMI1,500000.00\n"
    "69,EXP2020,600000.00\n"
    "70,AMI1,500000.00\n"
    "72,AMI1,500000.00\n"
    "74,EXP2020,600000.00\n"
    "76,EXP2020,600000.00\n"
    "78,AMI1,500000.00\n"
    "79,AMI2,370000.00\n"
    "80,EXP2020,600000.00\n"
    "81,AMI1,500000.00\n"
    "89,EXP2020,600000.00\n"
    "91,AMI1,500000.00\n"
    "93,EXP2020,600000.00\n"
    "94,EXP2020,600000.00\n"
    "95,AMI1,500000.00\n"
    "971,AMI2,370000.00\n"
    "972,EXP2020,600000.00\n"
    "973,AMI1,500000.00\n"
    "974,EXP2020,600000.00\n"
    "976,AMI2,370000.00\n";

const char *spie_territories_default_csv(void)
{
    return default_csv;
}

/* ---- parsing ---------------------------------------------------------------------- */

enum { COL_DEPT = 0, COL_WAVE, COL_AMOUNT, COL_REQUIRED };
static const char *const required_cols[COL_REQUIRED] = {"departement", "vague", "allocation_etat"};

typedef struct field_ref {
    size_t off, n; /* bytes in parse_ctx.buf */
} field_ref;

typedef struct parse_ctx {
    spie_error *err;
    bool failed;

    size_t cur_line; /* physical line of the chunk being fed */
    size_t row_line; /* physical line where the current row starts */
    bool row_open;   /* a row has started and not ended (e.g. inside a quoted newline) */
    bool row_ended;  /* the row callback fired during the current chunk */

    char *buf; /* fields of the current row, back to back */
    size_t buf_n, buf_cap;
    field_ref *fields;
    size_t nf, f_cap;

    bool have_header;
    size_t ncols;                /* fields of the header */
    size_t col[COL_REQUIRED];    /* index of each required column */

    size_t seen_line[128];       /* by index in the INSEE table: line where it appeared, 0 never */
    spie_territory *items;
    size_t count, cap;
} parse_ctx;

static void set_error(parse_ctx *c, size_t line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Records the first error only; later ones are consequences. */
static void set_error(parse_ctx *c, size_t line, const char *fmt, ...)
{
    if (c->failed)
        return;
    c->failed = true;
    c->err->rc = SPIE_E_INPUT;
    c->err->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err->msg, sizeof c->err->msg, fmt, ap);
    va_end(ap);
}

/* A field quoted in a message: printable ASCII kept, any other byte shown as '?', at most
 * 40 bytes (then "..."), so the message is valid UTF-8 and fits its record. */
static void quote_value(spie_str v, char out[48])
{
    size_t k = 0;
    for (size_t i = 0; i < v.n && k < 40; i++) {
        unsigned char ch = (unsigned char)v.s[i];
        out[k++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
    }
    if (v.n > 40) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k] = '\0';
}

static unsigned char ascii_lower(unsigned char x)
{
    return (x >= 'A' && x <= 'Z') ? (unsigned char)(x - 'A' + 'a') : x;
}

/* Case-insensitive (ASCII letters only) equality of two byte strings. */
static bool ascii_ieq(spie_str a, spie_str b)
{
    if (a.n != b.n)
        return false;
    for (size_t i = 0; i < a.n; i++)
        if (ascii_lower((unsigned char)a.s[i]) != ascii_lower((unsigned char)b.s[i]))
            return false;
    return true;
}

static spie_str cstr(const char *s)
{
    spie_str r = {s, strlen(s)};
    return r;
}

static spie_str row_field(const parse_ctx *c, size_t i)
{
    spie_str s = {c->buf + c->fields[i].off, c->fields[i].n};
    return spie_trim(s);
}

static void on_field(void *s, size_t n, void *data)
{
    parse_ctx *c = data;
    if (c->failed)
        return;
    if (!spie_grow((void **)&c->fields, &c->f_cap, c->nf + 1, sizeof *c->fields) ||
        (n > SIZE_MAX - c->buf_n) || !spie_grow((void **)&c->buf, &c->buf_cap, c->buf_n + n, 1)) {
        set_error(c, 0, "mémoire insuffisante");
        return;
    }
    if (n)
        memcpy(c->buf + c->buf_n, s, n);
    c->fields[c->nf].off = c->buf_n;
    c->fields[c->nf].n = n;
    c->buf_n += n;
    c->nf++;
}

static void do_header(parse_ctx *c)
{
    c->have_header = true;
    c->ncols = c->nf;
    for (size_t k = 0; k < COL_REQUIRED; k++)
        c->col[k] = SIZE_MAX;
    for (size_t i = 0; i < c->nf; i++) {
        spie_str name = row_field(c, i);
        if (name.n == 0)
            continue;
        for (size_t j = 0; j < i; j++) {
            if (ascii_ieq(name, row_field(c, j))) {
                char tmp[48];
                quote_value(name, tmp);
                set_error(c, c->row_line, "colonne « %s » en double", tmp);
                return;
            }
        }
        for (size_t k = 0; k < COL_REQUIRED; k++)
            if (ascii_ieq(name, cstr(required_cols[k])))
                c->col[k] = i;
    }
    for (size_t k = 0; k < COL_REQUIRED; k++)
        if (c->col[k] == SIZE_MAX) {
            set_error(c, c->row_line, "colonne obligatoire « %s » absente", required_cols[k]);
            return;
        }
}

static void do_row(parse_ctx *c)
{
    size_t line = c->row_line;
    char tmp[48];
    if (c->nf != c->ncols) {
        set_error(c, line, "nombre de champs incorrect : %zu au lieu de %zu", c->nf, c->ncols);
        return;
    }

    spie_str code = row_field(c, c->col[COL_DEPT]);
    if (code.n == 0) {
        set_error(c, line, "département manquant");
        return;
    }
    /* A code is case-insensitive (docs/format-extraits.md §2): "2a" is 2A. */
    const spie_dept *dept = NULL;
    if (code.n <= 3) {
        char up[4];
        for (size_t i = 0; i < code.n; i++) {
            char ch = code.s[i];
            up[i] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 'a' + 'A') : ch;
        }
        dept = spie_dept_find(up, code.n);
    }
    if (!dept) {
        quote_value(code, tmp);
        set_error(c, line, "département inconnu : « %s »", tmp);
        return;
    }
    size_t di = (size_t)(dept - spie_dept_at(0));
    if (di >= SPIE_ARRAY_LEN(c->seen_line)) { /* cannot happen: 101 départements */
        set_error(c, line, "département hors table : « %s »", dept->code);
        return;
    }
    if (c->seen_line[di]) {
        set_error(c, line, "département %s en double (déjà ligne %zu)", dept->code, c->seen_line[di]);
        return;
    }

    spie_str wave = row_field(c, c->col[COL_WAVE]);
    int w = -1;
    for (int k = 0; k < SPIE_WAVE_COUNT; k++)
        if (ascii_ieq(wave, cstr(wave_codes[k])))
            w = k;
    if (wave.n == 0) {
        set_error(c, line, "vague manquante");
        return;
    }
    if (w < 0) {
        quote_value(wave, tmp);
        set_error(c, line, "vague inconnue : « %s » (attendu EXP2020, AMI1 ou AMI2)", tmp);
        return;
    }

    spie_str amount = row_field(c, c->col[COL_AMOUNT]);
    spie_cents cents = 0;
    if (amount.n == 0) {
        set_error(c, line, "allocation_etat vide");
        return;
    }
    quote_value(amount, tmp);
    if (!spie_parse_amount(amount, &cents)) {
        set_error(c, line, "allocation_etat invalide : « %s »", tmp);
        return;
    }
    if (cents < 0) {
        set_error(c, line, "allocation_etat négative : « %s »", tmp);
        return;
    }
    if (cents > SPIE_ALLOCATION_MAX) {
        set_error(c, line, "allocation_etat absurde : « %s » (au plus 10 000 000 000,00 €, 125 fois l'enveloppe)",
                  tmp);
        return;
    }

    if (!spie_grow((void **)&c->items, &c->cap, c->count + 1, sizeof *c->items)) {
        set_error(c, 0, "mémoire insuffisante");
        return;
    }
    c->items[c->count].dept = dept;
    c->items[c->count].wave = (spie_wave)w;
    c->items[c->count].allocation = cents;
    c->count++;
    c->seen_line[di] = line;
}

static void on_row(int term, void *data)
{
    (void)term;
    parse_ctx *c = data;
    c->row_ended = true;
    if (!c->failed) {
        if (!c->have_header)
            do_header(c);
        else
            do_row(c);
    }
    c->nf = 0;
    c->buf_n = 0;
}

static bool is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

/* Length of the physical line at s (terminator included: "\n", "\r\n" or a lone "\r"). */
static size_t line_len(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            return i + 1;
        if (s[i] == '\r')
            return (i + 1 < n && s[i + 1] == '\n') ? i + 2 : i + 1;
    }
    return n;
}

/* Feeds one chunk (one physical line, or the synthetic final newline) to libcsv and
 * updates the row state: libcsv ends a row only at an unquoted terminator, which is the
 * end of a chunk, so a row callback during the chunk means no row is open after it;
 * otherwise a chunk with content starts (or continues) a row. */
static bool feed(parse_ctx *c, struct csv_parser *p, const char *s, size_t n)
{
    if (!c->row_open)
        c->row_line = c->cur_line;
    c->row_ended = false;
    if (csv_parse(p, s, n, on_field, on_row, c) != n) {
        int e = csv_error(p);
        if (e == CSV_ENOMEM || e == CSV_ETOOBIG)
            set_error(c, 0, "mémoire insuffisante");
        else
            set_error(c, c->row_line, "CSV illisible : %s", csv_strerror(e));
        return false;
    }
    if (c->row_ended)
        c->row_open = false;
    else if (!is_blank(s, n))
        c->row_open = true;
    return !c->failed;
}

static int cmp_territory(const void *a, const void *b)
{
    const spie_territory *x = a, *y = b;
    return strcmp(x->dept->code, y->dept->code);
}

spie_rc spie_territories_parse(const char *data, size_t n, spie_territories *out, spie_error *err)
{
    spie_error scratch;
    if (!err)
        err = &scratch;
    memset(err, 0, sizeof *err);
    if (!out)
        return spie_fail(err, SPIE_E_USAGE, NULL, 0, "argument invalide");
    out->items = NULL;
    out->count = 0;
    if (!data && n)
        return spie_fail(err, SPIE_E_USAGE, NULL, 0, "argument invalide");

    parse_ctx c;
    memset(&c, 0, sizeof c);
    c.err = err;

    if (n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        n -= 3;
    }

    /* Separator from the header line: the first line that is not blank. */
    unsigned char delim = CSV_COMMA;
    for (size_t pos = 0; pos < n;) {
        size_t len = line_len(data + pos, n - pos);
        if (!is_blank(data + pos, len)) {
            size_t semi = 0, comma = 0;
            for (size_t i = 0; i < len; i++) {
                semi += data[pos + i] == ';';
                comma += data[pos + i] == ',';
            }
            delim = semi > comma ? ';' : CSV_COMMA;
            break;
        }
        pos += len;
    }

    struct csv_parser p;
    if (csv_init(&p, 0) != 0) {
        set_error(&c, 0, "mémoire insuffisante");
        goto out_free_ctx;
    }
    csv_set_delim(&p, delim);

    size_t pos = 0;
    c.cur_line = 1;
    while (pos < n) {
        size_t len = line_len(data + pos, n - pos);
        if (!feed(&c, &p, data + pos, len))
            goto out_free_parser;
        pos += len;
        if (pos < n)
            c.cur_line++;
    }
    /* A final line without a terminator is a line: end it here, so that a row still open
     * afterwards can only be a quoted field never closed. */
    if (n > 0 && data[n - 1] != '\n' && data[n - 1] != '\r') {
        if (!feed(&c, &p, "\n", 1))
            goto out_free_parser;
    }
    if (c.row_open) {
        set_error(&c, c.row_line, "guillemet ouvrant sans guillemet fermant");
        goto out_free_parser;
    }
    /* Nothing is pending now; csv_fini only releases the row state. Its status is read
     * before the call, which clears it. */
    if (csv_error(&p) != CSV_SUCCESS) {
        set_error(&c, c.row_line, "CSV illisible : %s", csv_strerror(csv_error(&p)));
        goto out_free_parser;
    }
    csv_fini(&p, on_field, on_row, &c);
    if (c.failed)
        goto out_free_parser;

    if (!c.have_header) {
        set_error(&c, 0, "fichier vide : pas de ligne d'en-tête");
        goto out_free_parser;
    }
    if (c.count == 0) {
        set_error(&c, 0, "aucun territoire dans la table");
        goto out_free_parser;
    }

    qsort(c.items, c.count, sizeof *c.items, cmp_territory);
    out->items = c.items;
    out->count = c.count;
    c.items = NULL;

out_free_parser:
    csv_free(&p);
out_free_ctx:
    free(c.items);
    free(c.fields);
    free(c.buf);
    return c.failed ? (err->rc ? err->rc : SPIE_E_INPUT) : SPIE_OK;
}

/* Opens path for reading without blocking (a FIFO with no writer would hang the run) and
 * checks that it is a regular file. The descriptor, or -1 with err filled. */
static int open_regular(const char *path, spie_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        int e = errno;
        spie_fail(err, SPIE_E_INPUT, NULL, 0, "impossible d'ouvrir le fichier : %s",
                  e == ENOENT ? "fichier introuvable" : e == EACCES ? "accès refusé" : strerror(e));
        err->errnum = e;
        return -1;
    }
    struct stat st;
    int flags;
    if (fstat(fd, &st) != 0) {
        spie_fail_errno(err, SPIE_E_INPUT, errno, NULL, "impossible de lire le fichier");
    } else if (!S_ISREG(st.st_mode)) {
        spie_fail(err, SPIE_E_INPUT, NULL, 0, "n'est pas un fichier ordinaire");
    } else if ((flags = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        spie_fail_errno(err, SPIE_E_INPUT, errno, NULL, "impossible de lire le fichier");
    } else {
        return fd;
    }
    close(fd);
    return -1;
}

spie_rc spie_territories_load(const char *path, spie_territories *out, spie_error *err)
{
    spie_error scratch;
    if (!err)
        err = &scratch;
    memset(err, 0, sizeof *err);
    if (out) {
        out->items = NULL;
        out->count = 0;
    }
    if (!path || !out)
        return spie_fail(err, SPIE_E_USAGE, NULL, 0, "argument invalide");
    spie_rc rc = SPIE_E_INPUT;
    char *data = NULL;
    size_t n = 0, cap = 0;
    int fd = open_regular(path, err);
    if (fd < 0)
        return err->rc;
    for (;;) {
        if (n == cap) {
            if (cap >= TERR_MAX_FILE_BYTES) {
                spie_fail(err, SPIE_E_INPUT, NULL, 0, "fichier trop volumineux (plus de %u octets)",
                          TERR_MAX_FILE_BYTES);
                goto out_free;
            }
            if (!spie_grow((void **)&data, &cap, cap ? cap * 2 : 8192, 1)) {
                rc = spie_fail(err, SPIE_E_MEMORY, NULL, 0, "mémoire insuffisante");
                goto out_free;
            }
        }
        ssize_t r = read(fd, data + n, cap - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            spie_fail_errno(err, SPIE_E_INPUT, errno, NULL, "erreur de lecture");
            goto out_free;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    rc = spie_territories_parse(data, n, out, err);
out_free:
    free(data);
    if (close(fd) != 0 && rc == SPIE_OK) {
        spie_territories_free(out);
        rc = spie_fail_errno(err, SPIE_E_INPUT, errno, NULL, "erreur à la fermeture du fichier");
    }
    return rc;
}

spie_rc spie_territories_default(spie_territories *out, spie_error *err)
{
    return spie_territories_parse(default_csv, sizeof default_csv - 1, out, err);
}

const spie_territory *spie_territories_find(const spie_territories *t, const char *code, size_t n)
{
    if (!t || !code)
        return NULL;
    size_t lo = 0, hi = t->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *k = t->items[mid].dept->code;
        size_t kn = strlen(k);
        int cmp = memcmp(k, code, kn < n ? kn : n);
        if (cmp == 0)
            cmp = kn < n ? -1 : (kn > n ? 1 : 0);
        if (cmp == 0)
            return &t->items[mid];
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void spie_territories_free(spie_territories *t)
{
    if (!t)
        return;
    free(t->items);
    t->items = NULL;
    t->count = 0;
}
