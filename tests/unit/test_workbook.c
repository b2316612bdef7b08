/* Tests of the workbooks (spie/workbook.h, docs/sorties.md §6, docs/classeurs.md) on a small
 * publication table built by hand, with territories in two regions (Occitanie: 11, 31;
 * Bretagne: 29), Finistère (29) sending nothing and Aude (11) a budget extract of May:
 * - the file names (national and one per region with a territory, slugs of geo.c) and
 *   nothing else;
 * - two writes give byte-identical files (creation date = D, pitfalls: libxlsxwriter);
 * - the parts read back through a small zip reader (zlib's raw inflate): the Sommaire and
 *   the seven sheets in order with their French names, the Sommaire's links to every
 *   numbered table, the print setup of every sheet (A4, landscape, one page wide, the
 *   repeated rows, the footer), the marks of the late and missing territories ("Aude (r)",
 *   "Finistère (m)", "(p)") and their notes, "18,4 %" formats, no unfilled "<P>", the
 *   scatter chart of the funnel plot, the creation date 2022-06-30T00:00:00Z, no formula
 *   anywhere although file names look like formulas ("=HYPERLINK(...)", "+1", "-2",
 *   "@x"), no NaN or infinity written although the table holds one, invalid UTF-8 read
 *   as Windows-1252, a 40 000-character name cut at 32 767 characters, s and nd as text,
 *   a count, a rate and a money amount as the same numbers as the table;
 * - without the statistical secret, "Diffusion restreinte"; the inputs' SHA-256 listed on
 *   Méthodologie when the caller gives them;
 * - the French number words of the Lecture lines ("1 234", "12,3 %", "80 000 000,00 €");
 * - errors: missing arguments, an output folder that does not exist (the message names
 *   the file, no partial file is left). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "../../reports/workbook/workbook_int.h"
#include "spie/date.h"
#include "spie/workbook.h"
#include "testutil.h"

#define NBSP "\xC2\xA0"

/* ---- a minimal zip reader (central directory + raw inflate) ------------------------ */

static unsigned rd16(const unsigned char *p) { return (unsigned)p[0] | (unsigned)p[1] << 8; }
static unsigned long rd32(const unsigned char *p)
{
    return (unsigned long)p[0] | (unsigned long)p[1] << 8 | (unsigned long)p[2] << 16 | (unsigned long)p[3] << 24;
}

/* The decompressed content of member `name` (NUL-terminated, malloc'd), or NULL. */
static char *zip_member(const unsigned char *z, size_t n, const char *name)
{
    size_t e = n >= 22 ? n - 22 : 0;
    while (e > 0 && rd32(z + e) != 0x06054b50UL)
        e--;
    assert_true(rd32(z + e) == 0x06054b50UL);
    unsigned count = rd16(z + e + 10);
    size_t cd = rd32(z + e + 16);
    for (unsigned i = 0; i < count; i++) {
        assert_true(cd + 46 <= n && rd32(z + cd) == 0x02014b50UL);
        unsigned method = rd16(z + cd + 10);
        size_t csize = rd32(z + cd + 20), usize = rd32(z + cd + 24);
        unsigned nlen = rd16(z + cd + 28), xlen = rd16(z + cd + 30), clen = rd16(z + cd + 32);
        size_t loc = rd32(z + cd + 42);
        if (strlen(name) == nlen && memcmp(z + cd + 46, name, nlen) == 0) {
            size_t data = loc + 30 + rd16(z + loc + 26) + rd16(z + loc + 28);
            assert_true(data + csize <= n);
            char *out = malloc(usize + 1);
            assert_non_null(out);
            if (method == 0) {
                memcpy(out, z + data, usize);
            } else {
                assert_int_equal(method, 8);
                z_stream s;
                memset(&s, 0, sizeof s);
                assert_int_equal(inflateInit2(&s, -15), Z_OK);
                s.next_in = (unsigned char *)(uintptr_t)(z + data);
                s.avail_in = (uInt)csize;
                s.next_out = (unsigned char *)out;
                s.avail_out = (uInt)usize;
                assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
                assert_int_equal(s.total_out, usize);
                inflateEnd(&s);
            }
            out[usize] = 0;
            return out;
        }
        cd += 46 + nlen + xlen + clen;
    }
    return NULL;
}

/* Every member whose name starts with prefix, concatenated. */
static char *zip_members(const unsigned char *z, size_t n, const char *prefix, int max)
{
    size_t cap = 1, len = 0;
    char *all = calloc(1, 1);
    assert_non_null(all);
    for (int i = 1; i <= max; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s%d.xml", prefix, i);
        char *m = zip_member(z, n, name);
        if (!m)
            break;
        size_t k = strlen(m);
        if (len + k + 1 > cap) {
            cap = (len + k + 1) * 2;
            all = realloc(all, cap);
            assert_non_null(all);
        }
        memcpy(all + len, m, k + 1);
        len += k;
        free(m);
    }
    return all;
}

/* ---- the fixture -------------------------------------------------------------------- */

typedef struct fixture {
    spie_table table;
    spie_territories terr;
    spie_territory items[3];
    spie_plan plan;
    spie_plan_entry entries[10];
    spie_entry_result results[10];
    spie_plan_other others[7];
    char *long_name;
    spie_params params;
    spie_workbook_input in;
} fixture;

static spie_figure *fig(spie_table *t, spie_level lv, const char *code, const char *lib, spie_breakdown bd,
                        const char *mod, const char *ind)
{
    spie_figure *f = spie_table_push(t);
    assert_non_null(f);
    f->level = (uint8_t)lv;
    f->breakdown = (uint8_t)bd;
    snprintf(f->code, sizeof f->code, "%s", code);
    snprintf(f->modality, sizeof f->modality, "%s", mod);
    snprintf(f->indicator, sizeof f->indicator, "%s", ind);
    f->libelle = lib;
    return f;
}

static void count(spie_table *t, spie_level lv, const char *code, const char *lib, const char *ind, int64_t v)
{
    spie_figure *f = fig(t, lv, code, lib, SPIE_BD_ENSEMBLE, "", ind);
    f->kind = SPIE_VK_COUNT;
    f->ival = v;
    f->has_effectif = true;
    f->effectif = v;
}

static void status(spie_table *t, spie_level lv, const char *code, const char *lib, const char *ind, spie_status st)
{
    spie_figure *f = fig(t, lv, code, lib, SPIE_BD_ENSEMBLE, "", ind);
    f->status = (uint8_t)st;
}

static void rate(spie_table *t, spie_level lv, const char *code, const char *lib, const char *ind, double v, double lo,
                 double hi, int64_t n)
{
    spie_figure *f = fig(t, lv, code, lib, SPIE_BD_ENSEMBLE, "", ind);
    f->kind = SPIE_VK_REAL;
    f->real = v;
    f->has_ci = true;
    f->lo = lo;
    f->hi = hi;
    f->has_effectif = true;
    f->effectif = n;
}

static void cents(spie_table *t, spie_level lv, const char *code, const char *lib, const char *ind, spie_cents v)
{
    spie_figure *f = fig(t, lv, code, lib, SPIE_BD_ENSEMBLE, "", ind);
    f->kind = SPIE_VK_CENTS;
    f->ival = v;
}

static void entry(fixture *fx, size_t i, const spie_territory *tr, const char *dept, spie_kind k, const char *file)
{
    spie_plan_entry *e = &fx->entries[i];
    e->terr = tr;
    snprintf(e->dept, sizeof e->dept, "%s", dept);
    e->kind = k;
    e->file = (char *)(uintptr_t)file;
    e->month = file ? fx->plan.period : SPIE_NO_MONTH;
    spie_entry_result *r = &fx->results[i];
    r->status = file ? SPIE_ENTRY_OK : SPIE_ENTRY_MISSING;
    if (file) {
        r->rep.usable = true;
        r->rep.rows_read = 12;
        r->rep.rows_accepted = 10;
        r->rep.rows_rejected = 2;
        r->rep.by_reason[SPIE_R_DOUBLON] = 2;
    }
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    spie_params_default(&fx->params);
    assert_true(spie_month_from_ym(2022, 6, &fx->plan.period));

    static const struct {
        const char *code;
        spie_wave wave;
        spie_cents alloc;
    } terrs[3] = {{"11", SPIE_WAVE_AMI1, 50000000}, {"29", SPIE_WAVE_EXP2020, 60000000}, {"31", SPIE_WAVE_AMI2, 37000000}};
    for (int i = 0; i < 3; i++) {
        fx->items[i].dept = spie_dept_find(terrs[i].code, strlen(terrs[i].code));
        assert_non_null(fx->items[i].dept);
        fx->items[i].wave = terrs[i].wave;
        fx->items[i].allocation = terrs[i].alloc;
    }
    fx->terr.items = fx->items;
    fx->terr.count = 3;

    /* The table. */
    spie_table *t = &fx->table;
    const spie_level N = SPIE_LEVEL_NATIONAL, R = SPIE_LEVEL_REGION, D = SPIE_LEVEL_DEPARTEMENT;
    count(t, N, "FR", "France", "entrants", 1234567);
    count(t, N, "FR", "France", "en_parcours", 1000000);
    count(t, N, "FR", "France", "territoires_attendus", 3);
    rate(t, N, "FR", "France", "taux_reprise_6m", 0.123456, 0.1, 0.15, 2000);
    cents(t, N, "FR", "France", "paye_etat", 123456789);
    cents(t, N, "FR", "France", "enveloppe", 8000000000);
    {
        /* 10 months after P = 2022-06: the workbooks write "avril 2023" */
        spie_figure *f = fig(t, N, "FR", "France", SPIE_BD_ENSEMBLE, "", "projection_epuisement_dans_mois");
        f->kind = SPIE_VK_COUNT;
        f->ival = 10;
        f->has_effectif = true;
        f->effectif = 12;
    }
    /* A non-finite value that slipped into the table: never written. */
    rate(t, N, "FR", "France", "taux_reprise_3m", NAN, 0, INFINITY, 10);
    {
        spie_figure *f = fig(t, N, "FR", "France", SPIE_BD_ENSEMBLE, "", "reprise_incidence_j30"); /* a chart's data */
        f->kind = SPIE_VK_REAL;
        f->real = -INFINITY;
    }
    count(t, R, "76", "Occitanie", "entrants", 14);
    status(t, R, "76", "Occitanie", "entrants_mois", SPIE_STATUS_SECRET);
    rate(t, R, "76", "Occitanie", "taux_reprise_6m", 4.0 / 7.0, 0.25, 0.84, 7);
    count(t, R, "53", "Bretagne", "entrants", 20);
    count(t, D, "11", "Aude", "entrants", 4);
    /* two points of the funnel plot */
    rate(t, D, "11", "Aude", "taux_reprise_6m", 0.1, 0.05, 0.2, 50);
    rate(t, D, "31", "Haute-Garonne", "taux_reprise_6m", 0.3, 0.2, 0.4, 100);
    /* rates on the national mix: Aude's ratio wholly above 1, Haute-Garonne's below */
    rate(t, D, "11", "Aude", "ratio_reprise_6m", 1.3, 1.1, 1.5, 50);
    rate(t, D, "31", "Haute-Garonne", "ratio_reprise_6m", 0.7, 0.5, 0.9, 100);
    rate(t, D, "31", "Haute-Garonne", "ratio_reprise_durable_6m", 0.8, 0.5, 1.2, 100);
    count(t, D, "31", "Haute-Garonne", "entrants", 10);
    status(t, D, "29", "Finistère", "entrants", SPIE_STATUS_ND);
    {
        spie_figure *f = fig(t, R, "76", "Occitanie", SPIE_BD_PUBLIC, "RSA", "entrants");
        f->kind = SPIE_VK_COUNT;
        f->ival = 5;
        f = fig(t, R, "76", "Occitanie", SPIE_BD_COHORTE, "2021-T4", "entrants");
        f->kind = SPIE_VK_COUNT;
        f->ival = 6;
    }
    /* Every other figure the engine would publish, as nd (a figure a sheet looks up and
     * does not find fails the workbook). */
    assert_true(tu_table_complete(t, &fx->terr, &fx->params, fx->plan.period));

    /* The plan: a territory sends everything, one nothing, one is late; NAT is missing. */
    entry(fx, 0, &fx->items[0], "11", SPIE_KIND_BENEFICIAIRES, "spie_11_2022-06_beneficiaires.csv.gz");
    entry(fx, 1, &fx->items[0], "11", SPIE_KIND_BUDGET, "spie_11_2022-05_budget.csv.gz");
    fx->entries[1].month = fx->plan.period - 1; /* late: the budget extract of May */
    fx->entries[1].late_months = 1;
    entry(fx, 2, &fx->items[0], "11", SPIE_KIND_ETAPES, "spie_11_2022-06_etapes.csv.gz");
    entry(fx, 3, &fx->items[1], "29", SPIE_KIND_BENEFICIAIRES, NULL);
    entry(fx, 4, &fx->items[1], "29", SPIE_KIND_BUDGET, NULL);
    entry(fx, 5, &fx->items[1], "29", SPIE_KIND_ETAPES, NULL);
    entry(fx, 6, &fx->items[2], "31", SPIE_KIND_BENEFICIAIRES, "spie_31_2022-06_beneficiaires.csv");
    entry(fx, 7, &fx->items[2], "31", SPIE_KIND_BUDGET, "spie_31_2022-06_budget.csv");
    entry(fx, 8, &fx->items[2], "31", SPIE_KIND_ETAPES, "spie_31_2022-06_etapes.csv");
    entry(fx, 9, NULL, "NAT", SPIE_KIND_BUDGET, NULL);
    snprintf(fx->results[7].rep.motif, sizeof fx->results[7].rep.motif, "=1+1");
    fx->plan.entries = fx->entries;
    fx->plan.n_entries = 10;

    /* Other entries of the inbox whose names look like formulas, are not UTF-8, or are
     * longer than a cell can hold. */
    fx->long_name = malloc(40001);
    assert_non_null(fx->long_name);
    memset(fx->long_name, 'a', 40000);
    fx->long_name[40000] = 0;
    static const char *const names[6] = {"+1", "-2", "=HYPERLINK(\"http://example.org\",\"clic\")", "@x",
                                         "caf\xE9.csv", "spie_31_2022-05_budget.csv"};
    for (int i = 0; i < 6; i++) {
        fx->others[i].name = (char *)(uintptr_t)names[i];
        fx->others[i].status = i == 5 ? SPIE_OTHER_NOT_RETAINED : SPIE_OTHER_IGNORED;
        snprintf(fx->others[i].reason, sizeof fx->others[i].reason, "%s",
                 i == 5 ? "mois antérieur au fichier retenu" : "nom hors format");
    }
    fx->others[6].name = fx->long_name;
    fx->others[6].status = SPIE_OTHER_IGNORED;
    snprintf(fx->others[6].reason, sizeof fx->others[6].reason, "nom hors format");
    fx->plan.others = fx->others;
    fx->plan.n_others = 7;

    fx->in = (spie_workbook_input){.table = &fx->table, .plan = &fx->plan, .results = fx->results,
                                   .terr = &fx->terr, .params = &fx->params, .engine_version = "9.9.9"};
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    spie_table_release(&fx->table);
    free(fx->long_name);
    free(fx);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the files of dir, sorted, joined by '|'. */
static void list_dir(const char *dir, char *out, size_t size)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    char *names[32];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 32)
        if (e->d_name[0] != '.') {
            names[n] = strdup(e->d_name);
            assert_non_null(names[n]);
            n++;
        }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    out[0] = 0;
    for (size_t i = 0; i < n; i++) {
        strncat(out, names[i], size - strlen(out) - 1);
        if (i + 1 < n)
            strncat(out, "|", size - strlen(out) - 1);
        free(names[i]);
    }
}

static unsigned char *read_all(const char *dir, const char *name, size_t *n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *b = tu_read_file(path, n);
    assert_non_null(b);
    return (unsigned char *)b;
}

/* ---- tests -------------------------------------------------------------------------- */

static void test_files_and_determinism(void **state)
{
    fixture *fx = *state;
    char *d1 = tu_mkdtemp(), *d2 = tu_mkdtemp();
    assert_non_null(d1);
    assert_non_null(d2);
    char msg[512];
    assert_int_equal(spie_workbooks_write(d1, &fx->in, msg, sizeof msg), 0);
    assert_int_equal(spie_workbooks_write(d2, &fx->in, msg, sizeof msg), 0);
    char list[1024];
    list_dir(d1, list, sizeof list);
    assert_string_equal(list, "SPIE_2022-06_R53_bretagne.xlsx|SPIE_2022-06_R76_occitanie.xlsx|SPIE_2022-06_national.xlsx");
    static const char *const files[3] = {"SPIE_2022-06_national.xlsx", "SPIE_2022-06_R53_bretagne.xlsx",
                                         "SPIE_2022-06_R76_occitanie.xlsx"};
    for (int i = 0; i < 3; i++) {
        size_t n1, n2;
        unsigned char *a = read_all(d1, files[i], &n1), *b = read_all(d2, files[i], &n2);
        assert_true(n1 > 1000);
        assert_int_equal(n1, n2);
        assert_memory_equal(a, b, n1);
        free(a);
        free(b);
    }
    assert_int_equal(tu_rmtree(d1), 0);
    assert_int_equal(tu_rmtree(d2), 0);
    free(d1);
    free(d2);
}

/* Shares for writers side by side (the command line forks one with --jobs 2): the
 * workbooks are counted (national = 0, then the régions in code order: 1 Bretagne, 2
 * Occitanie); the shares [0, 2) and [2, 3) write disjoint sets whose union is every
 * workbook, each byte-identical to a whole write; shares of one write one workbook each. */
static void test_shares(void **state)
{
    fixture *fx = *state;
    char *all = tu_mkdtemp(), *p0 = tu_mkdtemp(), *p1 = tu_mkdtemp();
    assert_true(all && p0 && p1);
    char msg[512], list[1024];
    assert_int_equal(spie_workbooks_write(all, &fx->in, msg, sizeof msg), 0);
    assert_int_equal(spie_workbooks_count(fx->in.terr), 3);
    spie_workbook_input in = fx->in;
    in.first = 0;
    in.end = 2;
    assert_int_equal(spie_workbooks_write(p0, &in, msg, sizeof msg), 0);
    in.first = 2;
    in.end = 3;
    assert_int_equal(spie_workbooks_write(p1, &in, msg, sizeof msg), 0);
    list_dir(p0, list, sizeof list);
    assert_string_equal(list, "SPIE_2022-06_R53_bretagne.xlsx|SPIE_2022-06_national.xlsx");
    list_dir(p1, list, sizeof list);
    assert_string_equal(list, "SPIE_2022-06_R76_occitanie.xlsx");
    static const char *const files[3] = {"SPIE_2022-06_national.xlsx", "SPIE_2022-06_R53_bretagne.xlsx",
                                         "SPIE_2022-06_R76_occitanie.xlsx"};
    for (int i = 0; i < 3; i++) {
        size_t n1, n2;
        unsigned char *a = read_all(all, files[i], &n1), *b = read_all(i == 2 ? p1 : p0, files[i], &n2);
        assert_int_equal(n1, n2);
        assert_memory_equal(a, b, n1);
        free(a);
        free(b);
    }
    for (size_t k = 0; k < 3; k++) {
        char *d = tu_mkdtemp();
        assert_non_null(d);
        in.first = k;
        in.end = k + 1;
        assert_int_equal(spie_workbooks_write(d, &in, msg, sizeof msg), 0);
        list_dir(d, list, sizeof list);
        assert_string_equal(list, k == 0 ? "SPIE_2022-06_national.xlsx" : k == 1 ? "SPIE_2022-06_R53_bretagne.xlsx"
                                                                              : "SPIE_2022-06_R76_occitanie.xlsx");
        assert_int_equal(tu_rmtree(d), 0);
        free(d);
    }
    assert_int_equal(tu_rmtree(all), 0);
    assert_int_equal(tu_rmtree(p0), 0);
    assert_int_equal(tu_rmtree(p1), 0);
    free(all);
    free(p0);
    free(p1);
}

/* How many times needle occurs in hay. */
static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

/* The national workbook's parts: its sheets in order, with a filter and print titles, and
 * its properties. */
static void check_workbook_parts(const unsigned char *z, size_t n)
{
    char *wbx = zip_member(z, n, "xl/workbook.xml");
    assert_non_null(wbx);
    const char *sheets[8] = {"<sheet name=\"Sommaire\"", "<sheet name=\"Synthèse\"", "<sheet name=\"Parcours\"",
                             "<sheet name=\"Délais\"", "<sheet name=\"Reprise d'activité\"", "<sheet name=\"Budget\"",
                             "<sheet name=\"Qualité des données\"", "<sheet name=\"Méthodologie\""};
    const char *prev = wbx;
    for (int i = 0; i < 8; i++) {
        const char *p = strstr(wbx, sheets[i]);
        assert_non_null(p);
        assert_true(p >= prev); /* in this order */
        prev = p;
    }
    assert_int_equal(count_of(wbx, "_xlnm._FilterDatabase"), 7); /* a filter on every sheet */
    /* the title and period rows repeated on every printed page of every sheet */
    assert_int_equal(count_of(wbx, "_xlnm.Print_Titles"), 8);
    free(wbx);

    char *core = zip_member(z, n, "docProps/core.xml");
    assert_non_null(core);
    assert_non_null(strstr(core, "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2022-06-30T00:00:00Z</dcterms:created>"));
    assert_non_null(strstr(core, "<dc:creator>spie 9.9.9</dc:creator>"));
    free(core);
}

/* Every sheet: no formula, no non-finite number, frozen panes, A4 landscape one page
 * wide with its footer; the Sommaire's links. */
static void check_sheet_setup(const unsigned char *z, size_t n, const char *sheetx)
{
    assert_null(strstr(sheetx, "<f>"));
    assert_null(strstr(sheetx, "<f "));
    static const char *const bad[] = {"<v>nan", "<v>-nan", "<v>NAN", "<v>-NAN", "<v>inf", "<v>INF", "<v>-INF"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_null(strstr(sheetx, bad[i]));
    assert_int_equal(count_of(sheetx, "state=\"frozen\""), 7); /* every sheet but the Sommaire */
    assert_int_equal(count_of(sheetx, "<pageSetup paperSize=\"9\" fitToHeight=\"0\" orientation=\"landscape\"/>"), 8);
    assert_int_equal(count_of(sheetx, "page &amp;P / &amp;N</oddFooter>"), 8);
    assert_non_null(strstr(sheetx, "<pageSetUpPr fitToPage=\"1\"/>"));
    /* the Sommaire (sheet1) links to the tables of the other sheets */
    char *som = zip_member(z, n, "xl/worksheets/sheet1.xml");
    assert_non_null(som);
    assert_non_null(strstr(som, "location=\"'Synthèse'!A"));
    assert_non_null(strstr(som, "location=\"'Reprise d''activité'!A"));
    assert_non_null(strstr(som, "location=\"'Méthodologie'!A"));
    free(som);
}

/* The national workbook's text: extract text as text, labels rather than codes, the
 * marks and notes of the late and missing territories. */
static void check_national_text(const char *sst)
{
    /* Extract text is text: the formula-looking names are shared strings. */
    assert_non_null(strstr(sst, "<t>=HYPERLINK(\"http://example.org\",\"clic\")</t>"));
    assert_non_null(strstr(sst, "<t>+1</t>"));
    assert_non_null(strstr(sst, "<t>-2</t>"));
    assert_non_null(strstr(sst, "<t>@x</t>"));
    assert_non_null(strstr(sst, "<t>=1+1</t>"));
    /* Not UTF-8: read as Windows-1252 (0xE9 is é). */
    assert_non_null(strstr(sst, "<t>café.csv</t>"));
    /* Cut at 32 767 characters. */
    char *run = malloc(32769);
    assert_non_null(run);
    memset(run, 'a', 32767);
    run[32767] = '<';
    run[32768] = 0;
    assert_non_null(strstr(sst, run));
    free(run);
    /* s and nd as text; the month in words. */
    assert_non_null(strstr(sst, "<t>s</t>"));
    assert_non_null(strstr(sst, "<t>nd</t>"));
    assert_non_null(strstr(sst, "<t>avril 2023</t>"));
    /* Labels, not codes; no unfilled placeholder; the numbered tables. */
    assert_null(strstr(sst, "&lt;P&gt;"));
    assert_null(strstr(sst, "<t>moins_26</t>"));
    assert_null(strstr(sst, "<t>beneficiaires</t>"));
    assert_null(strstr(sst, "<t>non_retenu</t>"));
    assert_null(strstr(sst, "<t>D_ORIENT</t>"));
    assert_non_null(strstr(sst, "<t>Nom dans indicateurs_2022-06.csv</t>"));
    assert_non_null(strstr(sst, "<t>Tableau 1 : Chiffres clés</t>"));
    assert_non_null(strstr(sst, "<t>bénéficiaires</t>"));
    assert_non_null(strstr(sst, "<t>non retenu</t>"));
    /* The late and the missing territory, the partial aggregates, and their notes. */
    assert_non_null(strstr(sst, "<t>Aude (r)</t>"));
    assert_non_null(strstr(sst, "<t>Finistère (m)</t>"));
    assert_non_null(strstr(sst, "<t>France (p)</t>"));
    assert_non_null(strstr(sst, "<t>Bretagne (p)</t>"));
    assert_non_null(strstr(sst, "<t>(r) Aude : extrait budget de mai 2022 : ses chiffres de juin 2022 ne sont pas "
                                "encore connus (nd).</t>"));
    assert_non_null(strstr(sst, "<t>(m) Finistère : aucun extrait reçu"));
    assert_non_null(strstr(sst, "ne comptent pas Finistère (m)"));
    assert_non_null(strstr(sst, "n'ont pas les chiffres de Aude (r) postérieurs à mai 2022"));
}

/* Numbers as the table holds them, their formats, and the three charts of the national
 * Synthèse. */
static void check_numbers_and_charts(const unsigned char *z, size_t n, const char *sheetx, const char *sst)
{
    /* A count, money in euros, a rate, its bounds. */
    assert_non_null(strstr(sheetx, "<v>1234567</v>"));
    assert_non_null(strstr(sheetx, "<v>1234567.89</v>"));
    assert_non_null(strstr(sheetx, "<v>80000000</v>"));
    assert_non_null(strstr(sheetx, "<v>0.123456</v>"));
    assert_non_null(strstr(sheetx, "<v>0.15</v>"));
    /* The Lecture line of Parcours uses French number words. */
    assert_non_null(strstr(sst, "1" NBSP "234" NBSP "567 bénéficiaires"));

    /* Rates shown "18,4 %" by the reader's locale: a space before the % of the format. */
    char *sty = zip_member(z, n, "xl/styles.xml");
    assert_non_null(sty);
    assert_non_null(strstr(sty, "formatCode=\"0.0 %\""));
    assert_null(strstr(sty, "formatCode=\"0.0%\""));
    free(sty);

    /* Three charts reading the sheet's cells; the second is a scatter chart (the funnel
     * plot) with a logarithmic x axis. */
    char *ch = zip_members(z, n, "xl/charts/chart", 5);
    assert_non_null(strstr(ch, "<c:f>'Synthèse'!$"));
    assert_null(strstr(ch, "long_dash")); /* not an OOXML marker symbol */
    free(ch);
    char *c2 = zip_member(z, n, "xl/charts/chart2.xml");
    assert_non_null(c2);
    assert_non_null(strstr(c2, "<c:scatterChart>"));
    assert_non_null(strstr(c2, "<c:logBase val=\"10\"/>"));
    free(c2);
    char *c3 = zip_member(z, n, "xl/charts/chart3.xml");
    assert_non_null(c3);
    assert_null(zip_member(z, n, "xl/charts/chart4.xml"));
    free(c3);
}

/* The regional workbook holds its region and its départements only. */
static void check_regional(const char *dir)
{
    size_t n;
    unsigned char *z = read_all(dir, "SPIE_2022-06_R76_occitanie.xlsx", &n);
    char *sst = zip_member(z, n, "xl/sharedStrings.xml");
    assert_non_null(strstr(sst, "<t>Haute-Garonne</t>"));
    assert_non_null(strstr(sst, "<t>Aude (r)</t>"));
    assert_null(strstr(sst, "<t>Finistère (m)</t>"));
    assert_non_null(strstr(sst, "<t>Rang parmi les régions (1 = le plus élevé)</t>"));
    assert_null(strstr(sst, "HYPERLINK")); /* ignored files with no département: national only */
    assert_non_null(strstr(sst, "<t>spie_31_2022-05_budget.csv</t>"));
    free(sst);
    free(z);
}

static void test_contents(void **state)
{
    fixture *fx = *state;
    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    char msg[512];
    assert_int_equal(spie_workbooks_write(dir, &fx->in, msg, sizeof msg), 0);
    size_t n;
    unsigned char *z = read_all(dir, "SPIE_2022-06_national.xlsx", &n);
    check_workbook_parts(z, n);
    char *sheetx = zip_members(z, n, "xl/worksheets/sheet", 8);
    char *sst = zip_member(z, n, "xl/sharedStrings.xml");
    assert_non_null(sst);
    check_sheet_setup(z, n, sheetx);
    check_national_text(sst);
    check_numbers_and_charts(z, n, sheetx, sst);
    free(sheetx);
    free(sst);
    free(z);
    check_regional(dir);
    assert_int_equal(tu_rmtree(dir), 0);
    free(dir);
}

/* --no-secret: "Diffusion restreinte" on every sheet; the inputs' digests when given. */
static void test_without_secret(void **state)
{
    fixture *fx = *state;
    fx->params.secret = false;
    static const spie_input_digest dg[1] = {
        {"spie_31_2022-06_budget.csv", "340f058dd7c0a509fa2881b4a64bad4f3f31a0c89bcbbea3e399d0f26bd6d762"}};
    fx->in.inputs = dg;
    fx->in.n_inputs = 1;
    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    char msg[512];
    assert_int_equal(spie_workbooks_write(dir, &fx->in, msg, sizeof msg), 0);
    fx->params.secret = true;
    size_t n;
    unsigned char *z = read_all(dir, "SPIE_2022-06_R53_bretagne.xlsx", &n);
    char *sst = zip_member(z, n, "xl/sharedStrings.xml");
    /* Said on every sheet: one shared string used seven times. */
    assert_non_null(strstr(sst, "<t>Diffusion restreinte : secret statistique non appliqué"));
    assert_non_null(strstr(sst, "<t>non (diffusion restreinte)</t>")); /* Méthodologie */
    /* The inputs of the région only: Haute-Garonne's file is not Bretagne's. */
    assert_null(strstr(sst, "340f058dd7c0a509fa2881b4a64bad4f3f31a0c89bcbbea3e399d0f26bd6d762"));
    free(sst);
    free(z);
    /* The inputs with their SHA-256 (Méthodologie) in Occitanie's and the national one. */
    z = read_all(dir, "SPIE_2022-06_R76_occitanie.xlsx", &n);
    sst = zip_member(z, n, "xl/sharedStrings.xml");
    assert_non_null(strstr(sst, "<t>340f058dd7c0a509fa2881b4a64bad4f3f31a0c89bcbbea3e399d0f26bd6d762</t>"));
    assert_null(strstr(sst, "voir manifest.json"));
    free(sst);
    free(z);
    assert_int_equal(tu_rmtree(dir), 0);
    free(dir);
}

static void test_errors(void **state)
{
    fixture *fx = *state;
    char msg[512];
    assert_int_equal(spie_workbooks_write(NULL, &fx->in, msg, sizeof msg), EINVAL);
    spie_workbook_input bad = fx->in;
    bad.table = NULL;
    assert_int_equal(spie_workbooks_write("/tmp", &bad, msg, sizeof msg), EINVAL);

    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    char missing[512];
    snprintf(missing, sizeof missing, "%s/absent", dir);
    int e = spie_workbooks_write(missing, &fx->in, msg, sizeof msg);
    assert_true(e != 0);
    assert_non_null(strstr(msg, "SPIE_2022-06_national.xlsx"));
    char list[256];
    list_dir(dir, list, sizeof list);
    assert_string_equal(list, ""); /* nothing written, nothing left */
    assert_int_equal(tu_rmtree(dir), 0);
    free(dir);
}

/* A figure a sheet looks up and the table lacks is an error that names it, not an empty
 * cell: the workbook is not written. */
static void test_missing_figure(void **state)
{
    fixture *fx = *state;
    spie_table *t = &fx->table;
    size_t k = 0;
    while (k < t->n && !(t->rows[k].level == SPIE_LEVEL_DEPARTEMENT && strcmp(t->rows[k].code, "31") == 0 &&
                         spie_id_eq(t->rows[k].id, spie_id(SPIE_IND_TAUX_REPRISE, 6))))
        k++;
    assert_true(k < t->n);
    memmove(&t->rows[k], &t->rows[k + 1], (t->n - k - 1) * sizeof *t->rows);
    t->n--;
    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    char msg[512];
    assert_int_equal(spie_workbooks_write(dir, &fx->in, msg, sizeof msg), EINVAL);
    assert_non_null(strstr(msg, "SPIE_2022-06_national.xlsx"));
    assert_non_null(strstr(msg, "figure absente de la table : departement 31 ensemble taux_reprise_6m"));
    char list[256];
    list_dir(dir, list, sizeof list);
    assert_string_equal(list, ""); /* no workbook with an empty cell */
    assert_int_equal(tu_rmtree(dir), 0);
    free(dir);
}

/* The lookups: an identity the catalogue does not know is recorded as such; a figure of a
 * breakdown that may not exist is probed without being recorded. */
static void test_lookups(void **state)
{
    fixture *fx = *state;
    spie_wb w;
    memset(&w, 0, sizeof w);
    w.in = &fx->in;
    spie_wb_unit u = {SPIE_LEVEL_NATIONAL, "FR", "France", 0, false, SIZE_MAX};
    const spie_figure *f = spie_wb_fig(&w, &u, spie_id(SPIE_IND_ENTRANTS, 0));
    assert_non_null(f);
    assert_int_equal(f->ival, 1234567);
    assert_string_equal(w.missing, "");
    assert_true(spie_wb_has(&w, SPIE_LEVEL_REGION, "76", SPIE_BD_PUBLIC, "RSA", spie_id(SPIE_IND_ENTRANTS, 0)));
    assert_false(spie_wb_has(&w, SPIE_LEVEL_REGION, "76", SPIE_BD_PUBLIC, "TH", spie_id(SPIE_IND_ENTRANTS, 0)));
    assert_string_equal(w.missing, "");
    assert_null(spie_wb_fig(&w, &u, spie_id(SPIE_IND_DELAI_MOYENNE, 6))); /* six pairs: 0 .. 5 */
    assert_string_equal(w.missing, "identité inconnue du catalogue : indicateur DELAI_MOYENNE, paramètre 6");
    w.missing[0] = 0;
    assert_false(spie_wb_has(&w, SPIE_LEVEL_NATIONAL, "FR", SPIE_BD_ENSEMBLE, "", spie_id(SPIE_IND_NONE, 0)));
    assert_non_null(strstr(w.missing, "identité inconnue du catalogue"));
    w.missing[0] = 0;
    assert_null(spie_wb_fig(&w, &u, spie_id(SPIE_IND_TAUX_REPRISE, 7))); /* not a horizon in force */
    assert_string_equal(w.missing, "figure absente de la table : national FR ensemble taux_reprise_7m");
}

/* Configurations whose tables differ: P after the envelope's window (its series stops,
 * the territories' goes on), P before it, pairs replaced by one of the configuration's,
 * no pair at all, other horizons. Each complete table gives its workbooks. */
static void test_configurations(void **state)
{
    fixture *fx = *state;
    static const struct {
        int y, m;
        int pairs;    /* -1: the defaults */
        int horizon;  /* 0: the defaults */
    } cases[] = {{2024, 3, -1, 0}, {2020, 9, -1, 0}, {2022, 6, 1, 0}, {2022, 6, 0, 0}, {2022, 6, -1, 9}};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(cases); i++) {
        spie_params p;
        spie_params_default(&p);
        if (cases[i].pairs >= 0) {
            p.n_pairs = (size_t)cases[i].pairs;
            if (p.n_pairs)
                snprintf(p.pairs[0].code, sizeof p.pairs[0].code, "D_AUTRE_PAIRE");
        }
        if (cases[i].horizon) {
            p.horizons[0] = cases[i].horizon;
            p.n_horizons = 1;
        }
        spie_table t = {0};
        spie_figure *f = spie_table_push(&t);
        assert_non_null(f);
        f->level = SPIE_LEVEL_NATIONAL;
        snprintf(f->code, sizeof f->code, "FR");
        snprintf(f->indicator, sizeof f->indicator, "entrants");
        f->libelle = "France";
        f->kind = SPIE_VK_COUNT;
        f->ival = 3;
        spie_plan plan = fx->plan;
        assert_true(spie_month_from_ym(cases[i].y, cases[i].m, &plan.period));
        assert_true(tu_table_complete(&t, &fx->terr, &p, plan.period));
        spie_workbook_input in = fx->in;
        in.table = &t;
        in.params = &p;
        in.plan = &plan;
        char *dir = tu_mkdtemp();
        assert_non_null(dir);
        char msg[512] = "";
        if (spie_workbooks_write(dir, &in, msg, sizeof msg) != 0)
            fail_msg("case %zu: %s", i, msg);
        assert_int_equal(tu_rmtree(dir), 0);
        free(dir);
        spie_table_release(&t);
    }
}

/* Ready for the previous publication (docs/classeurs.md): the Synthèse's previous value,
 * its period and the change; the Qualité sheet's previous accepted rows and break flag.
 * Written into a workbook of their own and read back. */
static void test_previous_cells(void **state)
{
    fixture *fx = *state;
    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/prev.xlsx", dir);
    spie_wb w;
    memset(&w, 0, sizeof w);
    w.in = &fx->in;
    w.period = fx->plan.period;
    lxw_workbook_options opt = {.tmpdir = dir};
    w.wb = workbook_new_opt(path, &opt);
    assert_non_null(w.wb);
    assert_true(spie_wb_formats_init(&w));
    lxw_worksheet *ws = workbook_add_worksheet(w.wb, "Essai");
    assert_non_null(ws);
    /* 1 000 then 1 250: +250, +25 %; a share 0.5 then 0.625: +0.125, no relative change;
     * money 100.00 € then 150.50 €; no change (s or nd on either side): "non comparé" */
    spie_change count = {.present = true, .unit = SPIE_CHANGE_COUNT, .prev_ival = 1000, .has_ecart = true,
                         .ecart_ival = 250, .has_evolution = true, .evolution = 0.25};
    spie_change share = {.present = true, .unit = SPIE_CHANGE_REAL, .prev_real = 0.5, .has_ecart = true,
                         .ecart_real = 0.125};
    spie_change money = {.present = true, .unit = SPIE_CHANGE_MONEY, .prev_ival = 10000, .has_ecart = true,
                         .ecart_ival = 5050, .has_evolution = true, .evolution = 0.505};
    spie_wb_key_previous(&w, ws, 0, 0, &count, fx->plan.period - 1, NULL);
    spie_wb_key_previous(&w, ws, 3, 0, &share, fx->plan.period - 1, w.f.pct);
    spie_wb_key_previous(&w, ws, 4, 0, &money, fx->plan.period - 1, NULL);
    spie_wb_key_previous(&w, ws, 5, 0, NULL, fx->plan.period - 2, NULL);
    spie_wb_continuity_cells(&w, ws, 1, 0, true, 998, true);
    spie_wb_continuity_cells(&w, ws, 2, 0, false, 0, false);
    assert_int_equal(w.err, LXW_NO_ERROR);
    assert_int_equal(workbook_close(w.wb), LXW_NO_ERROR);
    size_t n;
    unsigned char *z = read_all(dir, "prev.xlsx", &n);
    char *sheet = zip_member(z, n, "xl/worksheets/sheet1.xml"), *sst = zip_member(z, n, "xl/sharedStrings.xml");
    assert_non_null(strstr(sheet, "<c r=\"A1\" s=")); /* the previous value */
    assert_non_null(strstr(sheet, "<v>1000</v>"));
    assert_non_null(strstr(sheet, "<v>250</v>")); /* the change */
    assert_non_null(strstr(sheet, "<v>0.25</v>")); /* the relative change */
    assert_non_null(strstr(sheet, "<v>0.5</v>"));
    assert_non_null(strstr(sheet, "<v>0.125</v>"));
    assert_null(strstr(sheet, "<c r=\"D4\"")); /* a share has no relative change */
    assert_non_null(strstr(sheet, "<v>100</v>")); /* euros */
    assert_non_null(strstr(sheet, "<v>50.5</v>"));
    assert_non_null(strstr(sheet, "<v>0.505</v>"));
    assert_null(strstr(sheet, "<c r=\"C6\"")); /* no change: nothing in the change's cell */
    assert_non_null(strstr(sheet, "<v>998</v>"));
    assert_non_null(strstr(sst, "<t>mai 2022</t>"));
    assert_non_null(strstr(sst, "<t>avril 2022</t>"));
    assert_non_null(strstr(sst, "<t>non comparé</t>"));
    assert_non_null(strstr(sst, "<t>rupture</t>"));
    assert_non_null(strstr(sst, "<t>sans référence</t>"));
    free(sheet);
    free(sst);
    free(z);
    assert_int_equal(tu_rmtree(dir), 0);
    free(dir);
}

/* The shared strings of a workbook of dir, and the XML of its sheets. */
static void parts_of(const char *dir, const char *name, char **sst, char **sheets)
{
    size_t n;
    unsigned char *z = read_all(dir, name, &n);
    *sst = zip_member(z, n, "xl/sharedStrings.xml");
    *sheets = zip_members(z, n, "xl/worksheets/sheet", 16);
    assert_non_null(*sst);
    free(z);
}

/* A workbook with a previous publication (docs/methodologie.md §11): the Sommaire names it,
 * the Synthèse's key figures show the previous value, its month and the change (or "non
 * comparé"), and the break; the Qualité sheet the previous accepted rows and the break.
 * Without one, the Sommaire says so. The rates on the national mix (§12): ▲ and ▼ where a
 * ratio's interval lies above or below 1 (not where it holds 1), — on the France row. */
static void test_previous_and_mix(void **state)
{
    fixture *fx = *state;
    char *dir = tu_mkdtemp(), *none = tu_mkdtemp();
    assert_true(dir && none);
    char msg[512], *sst, *sheets;
    /* without a previous publication */
    assert_int_equal(spie_workbooks_write(none, &fx->in, msg, sizeof msg), 0);
    parts_of(none, "SPIE_2022-06_national.xlsx", &sst, &sheets);
    assert_non_null(strstr(sst, "aucune : pas de publication précédente"));
    assert_null(strstr(sst, "Valeur précédente"));
    assert_non_null(strstr(sst, "<t>sans référence</t>"));
    assert_null(strstr(sst, "<t>rupture</t>"));
    free(sst);
    free(sheets);

    /* with the publication of May: France's entrants compared, Aude's budget extract broken */
    spie_change *ch = calloc(fx->table.n, sizeof *ch);
    spie_continuity ct[10];
    assert_non_null(ch);
    memset(ct, 0, sizeof ct);
    size_t k = 0;
    for (; k < fx->table.n; k++)
        if (fx->table.rows[k].level == SPIE_LEVEL_NATIONAL && !strcmp(fx->table.rows[k].indicator, "entrants") &&
            fx->table.rows[k].breakdown == SPIE_BD_ENSEMBLE)
            break;
    assert_true(k < fx->table.n);
    ch[k] = (spie_change){.present = true, .unit = SPIE_CHANGE_COUNT, .prev_ival = 1234000, .has_ecart = true,
                          .ecart_ival = 567, .has_evolution = true, .evolution = 567.0 / 1234000.0};
    for (int i = 0; i < 10; i++) {
        ct[i].status = fx->results[i].status == SPIE_ENTRY_OK ? SPIE_CONT_OK : SPIE_CONT_NONE;
        ct[i].has_prev_accepted = ct[i].status == SPIE_CONT_OK;
        ct[i].prev_accepted = 10;
    }
    ct[1].status = SPIE_CONT_BREAK;
    ct[1].prev_accepted = 4321;
    snprintf(ct[1].motif, sizeof ct[1].motif, "rupture de continuité : baisse des lignes acceptées");
    spie_workbook_input in = fx->in;
    in.previous_period = "2022-05";
    in.changes = ch;
    in.continuity = ct;
    assert_int_equal(spie_workbooks_write(dir, &in, msg, sizeof msg), 0);
    parts_of(dir, "SPIE_2022-06_national.xlsx", &sst, &sheets);
    assert_non_null(strstr(sst, "avec la publication de mai 2022"));
    assert_non_null(strstr(sst, "<t>Valeur précédente</t>"));
    assert_non_null(strstr(sst, "<t>mai 2022</t>"));
    assert_non_null(strstr(sst, "<t>non comparé</t>")); /* every other key figure */
    assert_non_null(strstr(sheets, "<v>1234000</v>"));
    assert_non_null(strstr(sheets, "<v>567</v>"));
    assert_non_null(strstr(sst, "1 rupture de continuité par rapport à la publication de mai 2022 (Aude, budget)"));
    assert_non_null(strstr(sst, "<t>Lignes acceptées en mai 2022</t>"));
    assert_non_null(strstr(sst, "<t>rupture</t>"));
    assert_non_null(strstr(sst, "<t>continu</t>"));
    assert_non_null(strstr(sheets, "<v>4321</v>"));
    assert_non_null(strstr(sst, "rupture de continuité : baisse des lignes acceptées"));
    /* the national mix: one ▲ (Aude), one ▼ (Haute-Garonne), none for an interval holding 1 */
    const char *up = strstr(sst, "<t>" SPIE_WB_ABOVE "</t>"), *down = strstr(sst, "<t>" SPIE_WB_BELOW "</t>");
    assert_non_null(up);
    assert_non_null(down);
    assert_non_null(strstr(sst, "<t>" SPIE_WB_NOT_APPLICABLE "</t>"));
    assert_non_null(strstr(sst, "un ratio de 1,20 : 20 % de reprises de plus"));
    /* the index of a string in the shared strings, to count its cells */
    int idx_up = 0, idx_down = 0, i = 0;
    for (const char *p = sst; (p = strstr(p, "<si>")); p++, i++) {
        if (p < up)
            idx_up = i;
        if (p < down)
            idx_down = i;
    }
    char cell[32];
    int n_up = 0, n_down = 0;
    snprintf(cell, sizeof cell, "t=\"s\"><v>%d</v>", idx_up);
    for (const char *p = sheets; (p = strstr(p, cell)); p++)
        n_up++;
    snprintf(cell, sizeof cell, "t=\"s\"><v>%d</v>", idx_down);
    for (const char *p = sheets; (p = strstr(p, cell)); p++)
        n_down++;
    assert_int_equal(n_up, 1);
    assert_int_equal(n_down, 1);
    free(sst);
    free(sheets);
    free(ch);
    assert_int_equal(tu_rmtree(dir), 0);
    assert_int_equal(tu_rmtree(none), 0);
    free(dir);
    free(none);
}

static void test_french_words(void **state)
{
    (void)state;
    char b[64];
    spie_wb_fr_int(b, sizeof b, 1234567);
    assert_string_equal(b, "1" NBSP "234" NBSP "567");
    spie_wb_fr_int(b, sizeof b, -999);
    assert_string_equal(b, "-999");
    spie_wb_fr_int(b, sizeof b, 0);
    assert_string_equal(b, "0");
    spie_wb_fr_pct1(b, sizeof b, 0.1234);
    assert_string_equal(b, "12,3" NBSP "%");
    spie_wb_fr_pct1(b, sizeof b, 4.0 / 7.0); /* 57.142857... */
    assert_string_equal(b, "57,1" NBSP "%");
    spie_wb_fr_dec1(b, sizeof b, 35);
    assert_string_equal(b, "35,0");
    spie_wb_fr_dec1(b, sizeof b, 2.25); /* 22.5 tenths, half away from zero */
    assert_string_equal(b, "2,3");
    spie_wb_fr_dec1(b, sizeof b, NAN);
    assert_string_equal(b, "nd");
    spie_wb_fr_level(b, sizeof b, 0.95);
    assert_string_equal(b, "95" NBSP "%");
    spie_wb_fr_level(b, sizeof b, 0.975);
    assert_string_equal(b, "97,5" NBSP "%");
    spie_wb_fr_euros(b, sizeof b, 8000000000);
    assert_string_equal(b, "80" NBSP "000" NBSP "000,00" NBSP "€");
    spie_wb_fr_euros(b, sizeof b, -5);
    assert_string_equal(b, "-0,05" NBSP "€");
    /* Lecture lines: euros to the unit, half away from zero */
    spie_wb_fr_euros0(b, sizeof b, 123456789);
    assert_string_equal(b, "1" NBSP "234" NBSP "568" NBSP "€");
    spie_wb_fr_euros0(b, sizeof b, -149);
    assert_string_equal(b, "-1" NBSP "€");
    spie_wb_fr_euros0(b, sizeof b, -49);
    assert_string_equal(b, "0" NBSP "€");
    spie_month m;
    assert_true(spie_month_from_ym(2021, 8, &m));
    spie_wb_fr_month(b, sizeof b, m);
    assert_string_equal(b, "août 2021");
    spie_wb_fr_of_month(b, sizeof b, m);
    assert_string_equal(b, "d'août 2021");
    assert_true(spie_month_from_ym(2021, 5, &m));
    spie_wb_fr_of_month(b, sizeof b, m);
    assert_string_equal(b, "de mai 2021");
    spie_params p;
    spie_params_default(&p);
    spie_wb_pair_label(&p.pairs[0], true, b, sizeof b);
    assert_string_equal(b, "Entrée → orientation");
    spie_wb_pair_label(&p.pairs[2], false, b, sizeof b);
    assert_string_equal(b, "diagnostic → contrat d'engagement");
}

/* The funnel plot's control limits, p0 ± z·√(p0(1 − p0)/n), clipped to [0, 1]:
 * p0 = 0.2, n = 100: √(0.16/100) = 0.04; z = 2: 0.12 and 0.28; n = 1, z = 3: 0.2 ± 1.2
 * clipped to 0 and 1. */
static void test_funnel_limits(void **state)
{
    (void)state;
    assert_true(fabs(spie_wb_funnel_limit(0.2, 100, 2.0, false) - 0.12) < 1e-15);
    assert_true(fabs(spie_wb_funnel_limit(0.2, 100, 2.0, true) - 0.28) < 1e-15);
    assert_true(spie_wb_funnel_limit(0.2, 1, 3.0, false) == 0.0);
    assert_true(spie_wb_funnel_limit(0.2, 1, 3.0, true) == 1.0);
    assert_true(isnan(spie_wb_funnel_limit(0.2, 0, 2.0, true)));
}

/* Text widths and heights (page.c): a word never broken is what a header's column is
 * widened to; a long text takes several lines; more lines, a taller row. */
static void test_text_lines(void **state)
{
    (void)state;
    assert_int_equal(spie_wb_lines("Entrants", 10, true), 1);
    assert_int_equal(spie_wb_lines("", 10, false), 1);
    assert_true(spie_wb_lines("En parcours à la date de référence", 10, true) >= 3);
    assert_int_equal(spie_wb_lines("a\nb", 50, false), 2);
    assert_true(spie_wb_line_height(2, 11) > spie_wb_line_height(1, 11));
    assert_true(spie_wb_line_height(1, 11) > 15.0); /* above the default: an explicit height */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_files_and_determinism, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shares, setup, teardown),
        cmocka_unit_test_setup_teardown(test_contents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_without_secret, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_figure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookups, setup, teardown),
        cmocka_unit_test_setup_teardown(test_configurations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_previous_cells, setup, teardown),
        cmocka_unit_test_setup_teardown(test_previous_and_mix, setup, teardown),
        cmocka_unit_test(test_french_words),
        cmocka_unit_test(test_funnel_limits),
        cmocka_unit_test(test_text_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
