/* Unit tests of engine/read/plan.c: file names and inbox selection (docs/format-extraits.md §1), the rows
 * the quality report is rendered from (docs/sorties.md §5). Inboxes are built in temporary
 * directories. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "spie/date.h"
#include "spie/plan.h"
#include "testutil.h"

/* 2022-06 = 2022 * 12 + 5. */
#define M(y, m) ((spie_month)((y) * 12 + (m) - 1))
#define P_2022_06 M(2022, 6)

/* Programme of the tests: 29 (EXP2020), 2A (AMI2), 30 (AMI1), 31 (AMI2), 971 (AMI2). */
static const char terr_csv[] = "departement,vague,allocation_etat\n"
                               "31,AMI2,370000\n"
                               "971,AMI2,1\n"
                               "2A,AMI2,1\n"
                               "30,AMI1,500000\n"
                               "29,EXP2020,600000\n";

typedef struct fixture {
    char *dir;
    spie_territories terr;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->dir = tu_mkdtemp();
    spie_error err;
    if (!f->dir || SPIE_OK != spie_territories_parse(terr_csv, sizeof terr_csv - 1, &f->terr, &err)) {
        free(f->dir);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    int rc = tu_rmtree(f->dir);
    free(f->dir);
    spie_territories_free(&f->terr);
    free(f);
    return rc;
}

/* Creates an empty regular file (or one of n bytes) in dir. */
static void touch(const char *dir, const char *name, size_t n)
{
    static const char bytes[64] = {0};
    assert_true(n <= sizeof bytes);
    char *p = tu_write_file(dir, name, bytes, n);
    assert_non_null(p);
    free(p);
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static const spie_plan_entry *entry(const spie_plan *p, const char *dept, spie_kind k)
{
    for (size_t i = 0; i < p->n_entries; i++)
        if (strcmp(p->entries[i].dept, dept) == 0 && p->entries[i].kind == k)
            return &p->entries[i];
    return NULL;
}

static const spie_plan_other *other(const spie_plan *p, const char *name)
{
    for (size_t i = 0; i < p->n_others; i++)
        if (strcmp(p->others[i].name, name) == 0)
            return &p->others[i];
    return NULL;
}

static void expect_other(const spie_plan *p, const char *name, spie_other_status st, const char *reason)
{
    const spie_plan_other *o = other(p, name);
    if (!o)
        print_error("no row for %s\n", name);
    assert_non_null(o);
    if (strcmp(o->reason, reason) != 0)
        print_error("%s: reason <%s>, expected <%s>\n", name, o->reason, reason);
    assert_int_equal(o->status, st);
    assert_string_equal(o->reason, reason);
}

/* ---- names ------------------------------------------------------------------------ */

static void test_kind_names(void **state)
{
    (void)state;
    assert_string_equal(spie_kind_name(SPIE_KIND_BENEFICIAIRES), "beneficiaires");
    assert_string_equal(spie_kind_name(SPIE_KIND_BUDGET), "budget");
    assert_string_equal(spie_kind_name(SPIE_KIND_ETAPES), "etapes");
    assert_string_equal(spie_kind_name(SPIE_KIND_COUNT), "");
    /* Enum order is the byte order of the names (quality report order). */
    assert_true(strcmp(spie_kind_name(0), spie_kind_name(1)) < 0);
    assert_true(strcmp(spie_kind_name(1), spie_kind_name(2)) < 0);
}

static void test_name_ok(void **state)
{
    (void)state;
    spie_extract_name x;
    assert_int_equal(spie_extract_name_parse("spie_31_2022-06_etapes.csv.gz", &x), SPIE_NAME_OK);
    assert_string_equal(x.dept, "31");
    assert_int_equal(x.kind, SPIE_KIND_ETAPES);
    assert_int_equal(x.month, 24269); /* 2022 * 12 + 6 - 1 */
    assert_true(x.gzip);

    assert_int_equal(spie_extract_name_parse("spie_2A_2021-01_beneficiaires.csv", &x), SPIE_NAME_OK);
    assert_string_equal(x.dept, "2A");
    assert_int_equal(x.kind, SPIE_KIND_BENEFICIAIRES);
    assert_int_equal(x.month, M(2021, 1));
    assert_false(x.gzip);

    assert_int_equal(spie_extract_name_parse("spie_971_2023-12_budget.csv.gz", &x), SPIE_NAME_OK);
    assert_string_equal(x.dept, "971");
    assert_int_equal(x.month, M(2023, 12));

    assert_int_equal(spie_extract_name_parse("spie_NAT_2022-06_budget.csv", &x), SPIE_NAME_OK);
    assert_string_equal(x.dept, "NAT");
    assert_int_equal(x.kind, SPIE_KIND_BUDGET);
    assert_int_equal(spie_extract_name_parse("spie_01_2022-06_budget.csv", NULL), SPIE_NAME_OK);
}

static void test_name_bad(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "spie_2a_2022-06_etapes.csv.gz",      /* lower-case Corsica */
        "SPIE_31_2022-06_etapes.csv.gz",      /* upper-case prefix */
        "spie_31_2022-06_ETAPES.csv.gz",      /* upper-case kind */
        "spie_31_2022-06_etapes.CSV",         /* upper-case extension */
        "spie_NAT_2022-06_etapes.csv.gz",     /* NAT is budget only */
        "spie_NAT_2022-06_beneficiaires.csv", /* idem */
        "spie_nat_2022-06_budget.csv",
        "spie_31_2022-13_etapes.csv.gz",      /* month 13 */
        "spie_31_2022-00_etapes.csv.gz",      /* month 00 */
        "spie_31_2022-6_etapes.csv.gz",
        "spie_31_22-06_etapes.csv.gz",
        "spie_31_2022_06_etapes.csv.gz",
        "spie_31_06-2022_etapes.csv.gz",
        "spie_31_2022-06_etapes.csv.gz.tmp",
        "spie_31_2022-06_etapes.csv.",
        "spie_31_2022-06_etapes.gz",
        "spie_31_2022-06_etapes",
        "spie_31_2022-06_etape.csv",
        "spie_31_2022-06_etapess.csv",
        "spie_31_2022-06_etapes_v2.csv",
        "spie_31_2022-06_.csv",
        "spie_1_2022-06_etapes.csv",          /* one digit */
        "spie_2C_2022-06_etapes.csv",
        "spie_9710_2022-06_etapes.csv",
        "spie__2022-06_etapes.csv",
        "spie_31__2022-06_etapes.csv",
        "spie_31-2022-06_etapes.csv",
        "xspie_31_2022-06_etapes.csv",
        "spie_31_2022-06_etapes.csv ",
        " spie_31_2022-06_etapes.csv",
        "spie_",
        "",
        "README.txt",
    };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(bad); i++) {
        spie_extract_name x;
        memset(&x, 0x5a, sizeof x);
        spie_name_status st = spie_extract_name_parse(bad[i], &x);
        if (st != SPIE_NAME_BAD_PATTERN)
            print_error("<%s>: %d\n", bad[i], (int)st);
        assert_int_equal(st, SPIE_NAME_BAD_PATTERN);
        assert_int_equal((unsigned char)x.dept[0], 0x5a); /* untouched */
    }
    assert_int_equal(spie_extract_name_parse(NULL, NULL), SPIE_NAME_BAD_PATTERN);
}

static void test_name_unknown_dept(void **state)
{
    (void)state;
    static const char *const unknown[] = {"spie_20_2022-06_etapes.csv.gz", "spie_975_2022-06_budget.csv",
                                          "spie_00_2022-06_etapes.csv", "spie_96_2022-06_beneficiaires.csv",
                                          "spie_999_2022-06_etapes.csv.gz", "spie_977_2022-06_etapes.csv"};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(unknown); i++) {
        spie_extract_name x;
        spie_name_status st = spie_extract_name_parse(unknown[i], &x);
        if (st != SPIE_NAME_UNKNOWN_DEPT)
            print_error("<%s>: %d\n", unknown[i], (int)st);
        assert_int_equal(st, SPIE_NAME_UNKNOWN_DEPT);
    }
    spie_extract_name x;
    assert_int_equal(spie_extract_name_parse("spie_975_2022-06_budget.csv", &x), SPIE_NAME_UNKNOWN_DEPT);
    assert_string_equal(x.dept, "975");
    assert_int_equal(x.kind, SPIE_KIND_BUDGET);
    /* The pattern is checked first: 20 with month 13 is a bad pattern. */
    assert_int_equal(spie_extract_name_parse("spie_20_2022-13_etapes.csv", &x), SPIE_NAME_BAD_PATTERN);
}

/* ---- selection -------------------------------------------------------------------- */

static void test_selection(void **state)
{
    fixture *f = *state;
    touch(f->dir, "spie_31_2022-03_etapes.csv.gz", 1);
    touch(f->dir, "spie_31_2022-05_etapes.csv.gz", 7);
    touch(f->dir, "spie_31_2022-04_etapes.csv", 1);
    touch(f->dir, "spie_31_2022-07_etapes.csv.gz", 1);
    touch(f->dir, "spie_31_2023-01_etapes.csv.gz", 1);
    touch(f->dir, "spie_31_2022-04_beneficiaires.csv", 3);
    touch(f->dir, "spie_30_2022-06_budget.csv.gz", 2);
    touch(f->dir, "spie_NAT_2022-02_budget.csv.gz", 5);
    touch(f->dir, "spie_NAT_2022-06_budget.csv", 4);

    spie_plan p;
    spie_error err;
    assert_int_equal(spie_plan_build(f->dir, P_2022_06, &f->terr, &p, &err), SPIE_OK);
    assert_int_equal(p.period, P_2022_06);
    /* 5 territories x 3 kinds + NAT budget. */
    assert_int_equal(p.n_entries, 16);

    /* Latest month <= P among 2022-03, 2022-04 (.csv), 2022-05: 2022-05, late by 1. */
    const spie_plan_entry *e = entry(&p, "31", SPIE_KIND_ETAPES);
    assert_non_null(e);
    assert_string_equal(e->file, "spie_31_2022-05_etapes.csv.gz");
    assert_true(e->gzip);
    assert_int_equal(e->month, M(2022, 5));
    assert_int_equal(e->late_months, 1);
    assert_int_equal(e->size, 7);
    assert_ptr_equal(e->terr, spie_territories_find(&f->terr, "31", 2));

    e = entry(&p, "31", SPIE_KIND_BENEFICIAIRES);
    assert_string_equal(e->file, "spie_31_2022-04_beneficiaires.csv");
    assert_false(e->gzip);
    assert_int_equal(e->late_months, 2);
    assert_int_equal(e->size, 3);

    /* Missing: no file, no month. */
    e = entry(&p, "31", SPIE_KIND_BUDGET);
    assert_non_null(e);
    assert_null(e->file);
    assert_int_equal(e->month, SPIE_NO_MONTH);
    assert_int_equal(e->late_months, 0);
    assert_null(entry(&p, "29", SPIE_KIND_ETAPES)->file);

    e = entry(&p, "30", SPIE_KIND_BUDGET);
    assert_string_equal(e->file, "spie_30_2022-06_budget.csv.gz");
    assert_int_equal(e->late_months, 0);

    e = entry(&p, "NAT", SPIE_KIND_BUDGET);
    assert_non_null(e);
    assert_null(e->terr);
    assert_string_equal(e->file, "spie_NAT_2022-06_budget.csv");
    assert_false(e->gzip);
    assert_int_equal(e->late_months, 0);

    /* Every other extract is listed, not retained. */
    assert_int_equal(p.n_others, 5);
    expect_other(&p, "spie_31_2022-03_etapes.csv.gz", SPIE_OTHER_NOT_RETAINED,
                 "mois antérieur au fichier retenu (2022-05)");
    expect_other(&p, "spie_31_2022-04_etapes.csv", SPIE_OTHER_NOT_RETAINED,
                 "mois antérieur au fichier retenu (2022-05)");
    expect_other(&p, "spie_31_2022-07_etapes.csv.gz", SPIE_OTHER_NOT_RETAINED, "mois postérieur à la période");
    expect_other(&p, "spie_31_2023-01_etapes.csv.gz", SPIE_OTHER_NOT_RETAINED, "mois postérieur à la période");
    expect_other(&p, "spie_NAT_2022-02_budget.csv.gz", SPIE_OTHER_NOT_RETAINED,
                 "mois antérieur au fichier retenu (2022-06)");
    spie_plan_free(&p);
    assert_null(p.entries);
    assert_int_equal(p.n_entries, 0);
    spie_plan_free(&p);
    spie_plan_free(NULL);
}

static void test_only_after_period(void **state)
{
    fixture *f = *state;
    /* A file only after P: the territory is missing, the file not retained. */
    touch(f->dir, "spie_29_2022-07_beneficiaires.csv.gz", 1);
    spie_plan p;
    spie_error err;
    assert_int_equal(spie_plan_build(f->dir, P_2022_06, &f->terr, &p, &err), SPIE_OK);
    assert_null(entry(&p, "29", SPIE_KIND_BENEFICIAIRES)->file);
    assert_int_equal(p.n_others, 1);
    expect_other(&p, "spie_29_2022-07_beneficiaires.csv.gz", SPIE_OTHER_NOT_RETAINED,
                 "mois postérieur à la période");
    /* The same inbox for period 2022-07 selects it, on time. */
    spie_plan_free(&p);
    assert_int_equal(spie_plan_build(f->dir, M(2022, 7), &f->terr, &p, &err), SPIE_OK);
    assert_string_equal(entry(&p, "29", SPIE_KIND_BENEFICIAIRES)->file, "spie_29_2022-07_beneficiaires.csv.gz");
    assert_int_equal(entry(&p, "29", SPIE_KIND_BENEFICIAIRES)->late_months, 0);
    assert_int_equal(p.n_others, 0);
    spie_plan_free(&p);
}

static void test_ignored(void **state)
{
    fixture *f = *state;
    touch(f->dir, "target.bin", 1);
    char *target = join(f->dir, "target.bin");
    char *link1 = join(f->dir, "spie_31_2022-06_etapes.csv.gz");
    char *link2 = join(f->dir, "spie_30_2022-06_etapes.csv.gz");
    char *sub = join(f->dir, "spie_31_2022-06_budget.csv.gz");
    char *fifo = join(f->dir, "spie_31_2022-06_beneficiaires.csv");
    assert_int_equal(symlink(target, link1), 0);
    assert_int_equal(symlink("/nonexistent/dangling", link2), 0); /* dangling */
    assert_int_equal(mkdir(sub, 0700), 0);
    touch(sub, "spie_31_2022-06_budget.csv.gz", 1); /* inside: never looked at */
    assert_int_equal(mkfifo(fifo, 0600), 0);

    touch(f->dir, "spie_2a_2022-06_etapes.csv.gz", 1);
    touch(f->dir, "SPIE_31_2022-06_etapes.csv.gz", 1);
    touch(f->dir, "spie_31_2022-06_ETAPES.csv.gz", 1);
    touch(f->dir, "spie_20_2022-06_etapes.csv.gz", 1);
    touch(f->dir, "spie_975_2022-06_etapes.csv.gz", 1);
    touch(f->dir, "spie_NAT_2022-06_etapes.csv.gz", 1);
    touch(f->dir, "spie_31_2022-13_etapes.csv.gz", 1);
    touch(f->dir, "spie_75_2022-06_etapes.csv.gz", 1); /* Paris: INSEE code, not in the programme */
    touch(f->dir, ".hidden", 1);

    spie_plan p;
    spie_error err;
    assert_int_equal(spie_plan_build(f->dir, P_2022_06, &f->terr, &p, &err), SPIE_OK);
    const spie_other_status I = SPIE_OTHER_IGNORED;
    expect_other(&p, "spie_31_2022-06_etapes.csv.gz", I, "lien symbolique");
    expect_other(&p, "spie_30_2022-06_etapes.csv.gz", I, "lien symbolique");
    expect_other(&p, "spie_31_2022-06_budget.csv.gz", I, "répertoire");
    expect_other(&p, "spie_31_2022-06_beneficiaires.csv", I, "pas un fichier ordinaire");
    expect_other(&p, "spie_2a_2022-06_etapes.csv.gz", I, "nom non conforme");
    expect_other(&p, "SPIE_31_2022-06_etapes.csv.gz", I, "nom non conforme");
    expect_other(&p, "spie_31_2022-06_ETAPES.csv.gz", I, "nom non conforme");
    expect_other(&p, "spie_NAT_2022-06_etapes.csv.gz", I, "nom non conforme");
    expect_other(&p, "spie_31_2022-13_etapes.csv.gz", I, "nom non conforme");
    expect_other(&p, "spie_20_2022-06_etapes.csv.gz", I, "département inconnu");
    expect_other(&p, "spie_975_2022-06_etapes.csv.gz", I, "département inconnu");
    expect_other(&p, "spie_75_2022-06_etapes.csv.gz", I, "département hors programme");
    expect_other(&p, ".hidden", I, "nom non conforme");
    expect_other(&p, "target.bin", I, "nom non conforme");
    assert_int_equal(p.n_others, 14);
    assert_null(other(&p, "."));
    assert_null(other(&p, ".."));
    /* None of them was selected. */
    for (size_t i = 0; i < p.n_entries; i++)
        assert_null(p.entries[i].file);
    spie_plan_free(&p);

    /* Without a territories table every département is out of the programme; NAT stays. */
    touch(f->dir, "spie_NAT_2022-01_budget.csv.gz", 1);
    assert_int_equal(spie_plan_build(f->dir, P_2022_06, NULL, &p, &err), SPIE_OK);
    assert_int_equal(p.n_entries, 1);
    assert_string_equal(p.entries[0].file, "spie_NAT_2022-01_budget.csv.gz");
    assert_int_equal(p.entries[0].late_months, 5);
    spie_plan_free(&p);

    free(target);
    free(link1);
    free(link2);
    free(sub);
    free(fifo);
}

static void test_ambiguous_selected(void **state)
{
    fixture *f = *state;
    touch(f->dir, "spie_2A_2022-04_etapes.csv", 1);
    touch(f->dir, "spie_2A_2022-05_etapes.csv", 1);
    touch(f->dir, "spie_2A_2022-05_etapes.csv.gz", 1);
    touch(f->dir, "spie_2A_2022-07_etapes.csv", 1);
    spie_plan p;
    spie_error err;
    assert_int_equal(spie_plan_build(f->dir, P_2022_06, &f->terr, &p, &err), SPIE_E_INPUT);
    assert_non_null(strstr(err.msg, "spie_2A_2022-05_etapes.csv "));
    assert_non_null(strstr(err.msg, "spie_2A_2022-05_etapes.csv.gz"));
    assert_null(p.entries);
    assert_null(p.others);
    assert_int_equal(p.n_entries, 0);
    spie_plan_free(&p);

    /* With P = 2022-04 the pair is after the period: reported, not an error. */
    assert_int_equal(spie_plan_build(f->dir, M(2022, 4), &f->terr, &p, &err), SPIE_OK);
    assert_string_equal(entry(&p, "2A", SPIE_KIND_ETAPES)->file, "spie_2A_2022-04_etapes.csv");
    expect_other(&p, "spie_2A_2022-05_etapes.csv", SPIE_OTHER_NOT_RETAINED,
                 "mois postérieur à la période ; fichiers .csv et .csv.gz en double");
    expect_other(&p, "spie_2A_2022-05_etapes.csv.gz", SPIE_OTHER_NOT_RETAINED,
                 "mois postérieur à la période ; fichiers .csv et .csv.gz en double");
    expect_other(&p, "spie_2A_2022-07_etapes.csv", SPIE_OTHER_NOT_RETAINED, "mois postérieur à la période");
    spie_plan_free(&p);
}

static void test_ambiguous_older(void **state)
{
    fixture *f = *state;
    touch(f->dir, "spie_971_2022-03_budget.csv", 1);
    touch(f->dir, "spie_971_2022-03_budget.csv.gz", 1);
    touch(f->dir, "spie_971_2022-06_budget.csv.gz", 9);
    /* A NAT pair at the selected month is an error like any other. */
    touch(f->dir, "spie_NAT_2022-01_budget.csv", 1);
    spie_plan p;
    spie_error err;
    assert_int_equal(spie_plan_build(f->dir, P_2022_06, &f->terr, &p, &err), SPIE_OK);
    const spie_plan_entry *e = entry(&p, "971", SPIE_KIND_BUDGET);
    assert_string_equal(e->file, "spie_971_2022-06_budget.csv.gz");
    assert_int_equal(e->size, 9);
    expect_other(&p, "spie_971_2022-03_budget.csv", SPIE_OTHER_NOT_RETAINED,
                 "mois antérieur au fichier retenu (2022-06) ; fichiers .csv et .csv.gz en double");
    expect_other(&p, "spie_971_2022-03_budget.csv.gz", SPIE_OTHER_NOT_RETAINED,
                 "mois antérieur au fichier retenu (2022-06) ; fichiers .csv et .csv.gz en double");
    assert_int_equal(p.n_others, 2);
    spie_plan_free(&p);

    touch(f->dir, "spie_NAT_2022-01_budget.csv.gz", 1);
    assert_int_equal(spie_plan_build(f->dir, P_2022_06, &f->terr, &p, &err), SPIE_E_INPUT);
    assert_non_null(strstr(err.msg, "spie_NAT_2022-01_budget.csv et spie_NAT_2022-01_budget.csv.gz"));
    spie_plan_free(&p);
}

static void test_sort_orders(void **state)
{
    fixture *f = *state;
    touch(f->dir, "zz", 1);
    touch(f->dir, "spie_31_2022-07_etapes.csv", 1);
    touch(f->dir, "Zz", 1);
    touch(f->dir, "spie_2A_2022-07_etapes.csv", 1);
    touch(f->dir, "spie_29_2022-07_etapes.csv", 1);
    touch(f->dir, "a", 1);
    spie_plan p;
    spie_error err;
    assert_int_equal(spie_plan_build(f->dir, P_2022_06, &f->terr, &p, &err), SPIE_OK);
    static const char *const order[][2] = {
        {"29", "beneficiaires"},  {"29", "budget"},  {"29", "etapes"},  {"2A", "beneficiaires"},
        {"2A", "budget"},         {"2A", "etapes"},  {"30", "beneficiaires"}, {"30", "budget"},
        {"30", "etapes"},         {"31", "beneficiaires"}, {"31", "budget"}, {"31", "etapes"},
        {"971", "beneficiaires"}, {"971", "budget"}, {"971", "etapes"}, {"NAT", "budget"},
    };
    assert_int_equal(p.n_entries, SPIE_ARRAY_LEN(order));
    for (size_t i = 0; i < p.n_entries; i++) {
        assert_string_equal(p.entries[i].dept, order[i][0]);
        assert_string_equal(spie_kind_name(p.entries[i].kind), order[i][1]);
    }
    /* Others by name, byte order: upper case before lower case, '2A' after '29'. */
    static const char *const names[] = {"Zz", "a", "spie_29_2022-07_etapes.csv", "spie_2A_2022-07_etapes.csv",
                                        "spie_31_2022-07_etapes.csv", "zz"};
    assert_int_equal(p.n_others, SPIE_ARRAY_LEN(names));
    for (size_t i = 0; i < p.n_others; i++)
        assert_string_equal(p.others[i].name, names[i]);
    spie_plan_free(&p);
}

static void test_many_files(void **state)
{
    fixture *f = *state;
    /* 25 years of monthly files for one territory and kind, plus 300 unrelated names:
     * more than any initial array size. */
    char name[64];
    for (int y = 2010; y < 2035; y++)
        for (int m = 1; m <= 12; m++) {
            snprintf(name, sizeof name, "spie_30_%04d-%02d_etapes.csv.gz", y, m);
            touch(f->dir, name, 0);
        }
    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof name, "autre-%03d.txt", i);
        touch(f->dir, name, 0);
    }
    spie_plan p;
    spie_error err;
    assert_int_equal(spie_plan_build(f->dir, P_2022_06, &f->terr, &p, &err), SPIE_OK);
    assert_string_equal(entry(&p, "30", SPIE_KIND_ETAPES)->file, "spie_30_2022-06_etapes.csv.gz");
    assert_int_equal(p.n_others, 25 * 12 - 1 + 300);
    expect_other(&p, "spie_30_2010-01_etapes.csv.gz", SPIE_OTHER_NOT_RETAINED,
                 "mois antérieur au fichier retenu (2022-06)");
    expect_other(&p, "spie_30_2022-07_etapes.csv.gz", SPIE_OTHER_NOT_RETAINED, "mois postérieur à la période");
    expect_other(&p, "autre-299.txt", SPIE_OTHER_IGNORED, "nom non conforme");
    for (size_t i = 1; i < p.n_others; i++)
        assert_true(strcmp(p.others[i - 1].name, p.others[i].name) < 0);
    spie_plan_free(&p);
}

static void test_empty_and_missing_inbox(void **state)
{
    fixture *f = *state;
    spie_plan p;
    spie_error err;
    assert_int_equal(spie_plan_build(f->dir, P_2022_06, &f->terr, &p, &err), SPIE_OK);
    assert_int_equal(p.n_entries, 16);
    assert_int_equal(p.n_others, 0);
    for (size_t i = 0; i < p.n_entries; i++)
        assert_null(p.entries[i].file);
    spie_plan_free(&p);

    char *missing = join(f->dir, "absent");
    assert_int_equal(spie_plan_build(missing, P_2022_06, &f->terr, &p, &err), SPIE_E_INPUT);
    assert_non_null(strstr(err.msg, missing));
    assert_null(p.entries);
    free(missing);

    touch(f->dir, "plain", 1);
    char *file = join(f->dir, "plain");
    assert_int_equal(spie_plan_build(file, P_2022_06, &f->terr, &p, &err), SPIE_E_INPUT);
    free(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_name_ok),
        cmocka_unit_test(test_name_bad),
        cmocka_unit_test(test_name_unknown_dept),
        cmocka_unit_test_setup_teardown(test_selection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_only_after_period, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ambiguous_selected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ambiguous_older, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sort_orders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_and_missing_inbox, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
