/* Tests of the workbooks' sheets (spie/workbook.h, docs/sorties.md §6, docs/classeurs.md)
 * on the small publication table of workbook_fixture.c, the parts read back through a
 * small zip reader (zlib's raw inflate):
 * - the Sommaire and the seven sheets in order with their French names, the Sommaire's
 *   links to every numbered table, the print setup of every sheet (A4, landscape, one page
 *   wide, the repeated rows, the footer), the marks of the late and missing territories
 *   ("Aude (r)", "Finistère (m)", "(p)") and their notes, "18,4 %" formats, no unfilled
 *   "<P>", the scatter chart of the funnel plot, the creation date 2022-06-30T00:00:00Z,
 *   no formula anywhere although file names look like formulas ("=HYPERLINK(...)", "+1",
 *   "-2", "@x"), no NaN or infinity written although the table holds one, invalid UTF-8
 *   read as Windows-1252, a 40 000-character name cut at 32 767 characters, s and nd as
 *   text, a count, a rate and a money amount as the same numbers as the table;
 * - without the statistical secret, "Diffusion restreinte"; the inputs' SHA-256 listed on
 *   Méthodologie when the caller gives them;
 * - with a previous publication, the previous values, the changes and the breaks; the
 *   rates on the national mix (▲, ▼, —). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../../reports/workbook/workbook_int.h"
#include "spie/workbook.h"
#include "testutil.h"
#include "workbook_fixture.h"

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

/* ---- tests -------------------------------------------------------------------------- */

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
    assert_non_null(
        strstr(core, "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2022-06-30T00:00:00Z</dcterms:created>"));
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_contents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_without_secret, setup, teardown),
        cmocka_unit_test_setup_teardown(test_previous_cells, setup, teardown),
        cmocka_unit_test_setup_teardown(test_previous_and_mix, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
