/* Fault injection (issue 10, item 3): the N-th allocation fails, for N = 1, 2, ... until a
 * run completes without reaching N. Every failing run must end in a clean error (the
 * status and message of the contract, never a crash, never a "successful" smaller
 * result), leave nothing allocated, and leave no partial output file.
 *
 * How: this program is linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,
 * --wrap=free,--wrap=strdup (Makefile rule for $(BUILD)/tests/test_faults), so the
 * allocations of the project's own objects (libspie.a, this file) go through the
 * __wrap_ functions below. Limitation: libcsv, zlib and libxlsxwriter are shared
 * libraries and allocate through libc directly: their allocations are never failed here
 * (zlib's do go through engine/read/source.c's allocator, so they are). Built without the
 * wrapping (a direct compile), the program says so and checks nothing.
 *
 * No leak: the wrappers count live blocks (allocated minus freed) and every run must
 * end at the count it started from; under AddressSanitizer (make asan) LeakSanitizer
 * also checks after each run.
 *
 * Covered: spie_extract_read_mem on a small file of each kind, plain and gzip (failures
 * in the reader, the person store, the keys, the zlib state and window); a fold and an
 * addition of cubes (histograms taken as the data need them); spie_plan_build
 * on a small inbox; spie_workbooks_write on a small table (its own allocations: no
 * workbook left behind after a failure). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "spie/acc.h"
#include "spie/date.h"
#include "spie/extract.h"
#include "spie/params.h"
#include "spie/persons.h"
#include "spie/plan.h"
#include "spie/table.h"
#include "spie/territories.h"
#include "spie/workbook.h"
#include "testutil.h"

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_LSAN 1
#endif
#endif
#ifdef HAVE_LSAN
#include <sanitizer/lsan_interface.h>
#endif

/* ---------------------------------------------------------------- the failing allocator */

/* Weak: a direct compile without the wrapping still links (and tests nothing). */
__attribute__((weak)) void *__real_malloc(size_t n);
__attribute__((weak)) void *__real_calloc(size_t k, size_t n);
__attribute__((weak)) void *__real_realloc(void *p, size_t n);
__attribute__((weak)) void __real_free(void *p);
__attribute__((weak)) char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);

static bool g_wrapped;      /* set by any wrapper: the link-time wrapping is in effect */
static unsigned long g_calls; /* allocations seen since arm() */
static unsigned long g_fail_at; /* 0: never fail */
static bool g_failed;       /* the N-th call was failed */
static long g_live;         /* blocks allocated and not yet freed (through the wrappers) */

static bool should_fail(void)
{
    g_wrapped = true;
    if (!g_fail_at)
        return false;
    if (++g_calls == g_fail_at) {
        g_failed = true;
        return true;
    }
    return false;
}

void *__wrap_malloc(size_t n)
{
    if (should_fail())
        return NULL;
    void *p = __real_malloc(n);
    g_live += p != NULL;
    return p;
}

void *__wrap_calloc(size_t k, size_t n)
{
    if (should_fail())
        return NULL;
    void *p = __real_calloc(k, n);
    g_live += p != NULL;
    return p;
}

void *__wrap_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    void *q = __real_realloc(p, n);
    if (!p)
        g_live += q != NULL;
    return q;
}

void __wrap_free(void *p)
{
    g_wrapped = true;
    g_live -= p != NULL;
    __real_free(p);
}

char *__wrap_strdup(const char *s)
{
    if (should_fail())
        return NULL;
    char *p = __real_strdup(s);
    g_live += p != NULL;
    return p;
}

static void arm(unsigned long n)
{
    g_calls = 0;
    g_failed = false;
    g_fail_at = n;
}

static void disarm(void)
{
    g_fail_at = 0;
}

/* After each run: nothing left allocated by the run. */
static void check_no_leak(long live_before, unsigned long n, const char *what)
{
    if (g_live != live_before)
        print_error("%s: failing allocation %lu: %ld block(s) not freed\n", what, n, g_live - live_before);
    assert_int_equal(g_live, live_before);
#ifdef HAVE_LSAN
    assert_int_equal(__lsan_do_recoverable_leak_check(), 0);
#endif
}

static bool wrapping_in_effect(void)
{
    void *volatile probe = malloc(1); /* volatile: the pair is not optimised away */
    free(probe);
    if (!g_wrapped)
        print_message("# test_faults: built without -Wl,--wrap=malloc,...: nothing is failed (use make)\n");
    return g_wrapped;
}

/* ---------------------------------------------------------------- the reading layer */

#define P_2021_06 ((spie_month)(2021 * 12 + 5))

typedef struct kind_case {
    spie_kind kind;
    const char *text;
    uint64_t accepted; /* when nothing fails */
} kind_case;

/* Small files with accepted rows, rejects (the sink runs; a long Windows-1252 raw line
 * needs a bigger transcoding buffer than its fields did), a quote rule, an unknown
 * column. */
static const kind_case kind_cases[3] = {
    {SPIE_KIND_BENEFICIAIRES,
     "id_beneficiaire;date_entree;public;commune\n"
     "B1;2021-03-05;RSA;Toulouse\nB2;2021-04-01;JEUNE;\"Saint-\"\"Jean\"\"\"\nB3;2021-02-30;DE;x\n"
     "B4;2021-05-01;TH;\xe9t\xe9\nB1;2021-05-01;TH;dup\n",
     3},
    {SPIE_KIND_ETAPES,
     "id_beneficiaire,etape,date_etape,type,note\n"
     "B1,ORIENTATION,2021-03-10,SOCIALE,\nB2,SOLUTION,2021-04-02,FORMATION,\nB1,ORIENTATION,2021-03-10,SOCIALE,\n"
     "B9,SUIVI,2021-04-02,,\nB2,REPRISE,2021-05-02,\xc9,"
     "\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9"
     "\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9"
     "\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9"
     "\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\n",
     2},
    {SPIE_KIND_BUDGET,
     "mois;financeur;montant_engage;montant_paye;libelle\n"
     "2021-05;ETAT;1 000,00;500;\"=HYPERLINK(\"\"http://x\"\")\"\n2021-05;ETAT;1 000,00;500;\"=HYPERLINK(\"\"http://x\"\")\"\n"
     "2021-05;CAF;12;1e5;=1+1\n2021-06;POLE_EMPLOI;-250,5;0;\xe9\n",
     2},
};

static int count_sink(void *ctx, const spie_reject *r)
{
    (void)r;
    ++*(unsigned *)ctx;
    return 0;
}

/* One read of case c (gzip or plain), persons B1, B2 known for etapes. Returns whether
 * the injected failure was reached. */
static bool read_once(const kind_case *c, bool gzip, const unsigned char *data, size_t n, unsigned long fail_at,
                      spie_extract_scratch *sc)
{
    long live = g_live;
    spie_persons *ps = spie_persons_new();
    assert_non_null(ps);
    if (c->kind == SPIE_KIND_ETAPES) {
        const char *ids[2] = {"B1", "B2"};
        for (int i = 0; i < 2; i++) {
            long idx = spie_persons_add(ps, ids[i], 2);
            assert_true(idx >= 0);
            assert_true(spie_day_from_ymd(2021, 3, 1, &spie_persons_at(ps, (size_t)idx)->entry));
        }
    }
    spie_budget budget = {0};
    unsigned rejects = 0;
    spie_extract_job job = {.relname = "spie_31_2021-06_x.csv", .kind = c->kind, .dept = "31", .gzip = gzip,
                            .period = P_2021_06, .persons = ps, .budget = &budget, .reject = count_sink,
                            .reject_ctx = &rejects, .scratch = sc};
    spie_file_report rep;
    arm(fail_at);
    bool ok = spie_extract_read_mem(&job, data, n, &rep);
    disarm();
    bool hit = g_failed;
    if (hit) {
        /* A clean error: the file is unusable because memory ran out, and says so. */
        if (rep.usable || !strstr(rep.motif, "mémoire insuffisante"))
            print_error("%s (%s): failing allocation %lu: usable %d, motif \"%s\"\n", spie_kind_name(c->kind),
                        gzip ? "gzip" : "plain", fail_at, rep.usable, rep.motif);
        assert_false(rep.usable);
        assert_non_null(strstr(rep.motif, "mémoire insuffisante"));
        assert_int_equal(rep.rows_accepted, 0);
        (void)ok; /* false only when nothing could be read; either way the report says it */
    } else {
        assert_true(ok);
        assert_true(rep.usable);
        assert_int_equal(rep.rows_accepted, c->accepted);
        assert_int_equal(rep.rows_read, rep.rows_accepted + rep.rows_rejected);
        assert_int_equal(rejects, rep.rows_rejected);
    }
    spie_budget_release(&budget);
    spie_persons_free(ps);
    if (fail_at) /* 0: a scratch's warm-up read, which keeps its tables in the scratch */
        check_no_leak(live, fail_at, spie_kind_name(c->kind));
    return hit;
}

static void test_extract_faults(void **state)
{
    (void)state;
    if (!wrapping_in_effect())
        return;
    for (int k = 0; k < 3; k++) {
        const kind_case *c = &kind_cases[k];
        size_t tn = strlen(c->text), gn = 0;
        unsigned char *gz = tu_gzip(c->text, tn, &gn);
        assert_non_null(gz);
        for (int g = 0; g < 4; g++) {
            const unsigned char *data = g & 1 ? gz : (const unsigned char *)c->text;
            size_t n = g & 1 ? gn : tn;
            /* g >= 2: with a worker's scratch, warmed by one read (its tables then hold
             * what the file needs: the failing reads allocate only their own memory). */
            spie_extract_scratch *sc = NULL;
            if (g >= 2) {
                sc = spie_extract_scratch_new();
                assert_non_null(sc);
                read_once(c, g & 1, data, n, 0, sc);
            }
            unsigned long fail_at = 1;
            while (read_once(c, g & 1, data, n, fail_at, sc))
                fail_at++;
            print_message("# %s (%s%s): allocations 1 to %lu failed in turn, each a clean error\n",
                          spie_kind_name(c->kind), g & 1 ? "gzip" : "plain", sc ? ", scratch" : "", fail_at - 1);
            /* Every kind allocates several times (reader buffers, stores, zlib): the loop
             * really failed each of them once. */
            assert_true(fail_at > 5);
            spie_extract_scratch_free(sc);
        }
        free(gz);
    }
}

/* A worker's scratch: each of its allocations fails in turn, and nothing leaks. */
static void test_scratch_faults(void **state)
{
    (void)state;
    if (!wrapping_in_effect())
        return;
    unsigned long fail_at = 1;
    for (;; fail_at++) {
        long live = g_live;
        arm(fail_at);
        spie_extract_scratch *sc = spie_extract_scratch_new();
        disarm();
        if (!g_failed) {
            assert_non_null(sc);
            spie_extract_scratch_free(sc);
            check_no_leak(live, fail_at, "scratch");
            break;
        }
        assert_null(sc);
        check_no_leak(live, fail_at, "scratch");
    }
    assert_true(fail_at > 3); /* the struct, the read buffer, the ring */
}

/* Folding persons into a cube and adding cubes: histograms take memory as the data need
 * it, so each of those allocations fails in turn. A failure is never silent (the cube says
 * so: spie_cube_ok), never a crash, and nothing leaks. */
static void test_fold_faults(void **state)
{
    (void)state;
    if (!wrapping_in_effect())
        return;
    spie_params prm;
    spie_params_default(&prm);
    spie_fold_ctx ctx;
    spie_fold_ctx_init(&ctx, &prm, (spie_month)(2023 * 12 + 11));
    spie_person ps[40];
    for (int i = 0; i < 40; i++) {
        memset(&ps[i], 0, sizeof ps[i]);
        ps[i].entry = (spie_day)(18300 + 30 * i);
        for (int s = 0; s < SPIE_STEP_COUNT; s++)
            ps[i].first[s] = SPIE_NO_DAY;
        ps[i].first_durable = SPIE_NO_DAY;
        ps[i].reprise_type = ps[i].sortie_type = SPIE_NO_TYPE;
        ps[i].public_ = (uint8_t)(i % SPIE_PUBLIC_COUNT);
        ps[i].sex = (uint8_t)(i % SPIE_SEX_COUNT);
        ps[i].first[SPIE_STEP_ORIENTATION] = ps[i].entry + i;
        if (i % 3)
            ps[i].first[SPIE_STEP_REPRISE] = ps[i].entry + 5 * i, ps[i].reprise_type = 1;
        if (i % 4 == 0)
            ps[i].first[SPIE_STEP_SORTIE] = ps[i].entry + 3 * i;
    }
    unsigned long fail_at = 1;
    for (;; fail_at++) {
        long live = g_live;
        spie_cube local, nation;
        arm(fail_at);
        bool made = spie_cube_init(&local, &ctx, true);
        made = spie_cube_init(&nation, &ctx, true) && made;
        if (made) {
            for (int i = 0; i < 40; i++)
                spie_cube_fold(&local, &ctx, &ps[i]);
            spie_cube_add(&nation, &local);
        }
        disarm();
        bool ok = made && spie_cube_ok(&local) && spie_cube_ok(&nation);
        if (g_failed)
            assert_false(ok); /* the failed allocation is seen */
        else
            assert_true(ok);
        spie_cube_release(&local);
        spie_cube_release(&nation);
        check_no_leak(live, fail_at, "fold");
        if (!g_failed)
            break;
    }
    assert_true(fail_at > 10); /* cells, then histograms as the data reach them */
}

/* ---------------------------------------------------------------- the inbox plan */

static void test_plan_faults(void **state)
{
    (void)state;
    if (!wrapping_in_effect())
        return;
    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    static const char *const names[] = {"spie_31_2021-06_beneficiaires.csv.gz", "spie_31_2021-06_etapes.csv",
                                        "spie_31_2021-05_budget.csv", "spie_31_2021-06_budget.csv.gz",
                                        "spie_31_2021-07_budget.csv", "spie_11_2021-06_budget.csv",
                                        "spie_NAT_2021-06_budget.csv", "notes.txt", "=1+1.csv"};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(names); i++) {
        char *p = tu_write_file(dir, names[i], "x\n", 2);
        assert_non_null(p);
        free(p);
    }
    spie_territories terr = {0};
    spie_error terr_err;
    static const char table[] = "departement,vague,allocation_etat\n31,AMI1,1000.00\n11,AMI2,5.00\n";
    assert_int_equal(spie_territories_parse(table, sizeof table - 1, &terr, &terr_err), SPIE_OK);

    unsigned long fail_at = 1;
    for (;; fail_at++) {
        spie_plan plan;
        spie_error err;
        long live = g_live;
        arm(fail_at);
        spie_rc st = spie_plan_build(dir, P_2021_06, &terr, &plan, &err);
        disarm();
        if (!g_failed) {
            assert_int_equal(st, SPIE_OK);
            assert_int_equal(plan.n_entries, 7); /* 2 territories x 3 kinds + NAT */
            assert_int_equal(plan.n_others, 4);  /* 2021-05 and 2021-07 budgets, notes.txt, =1+1.csv */
            spie_plan_free(&plan);
            check_no_leak(live, fail_at, "plan");
            break;
        }
        assert_int_equal(st, SPIE_E_MEMORY);
        assert_string_equal(err.msg, "mémoire insuffisante");
        assert_null(plan.entries);
        assert_null(plan.others);
        assert_int_equal(plan.n_entries, 0);
        spie_plan_free(&plan); /* an empty plan: freeing it is allowed and does nothing */
        check_no_leak(live, fail_at, "plan");
    }
    print_message("# plan: allocations 1 to %lu failed in turn, each a clean error\n", fail_at - 1);
    assert_true(fail_at > 5);
    spie_territories_free(&terr);
    assert_int_equal(tu_rmtree(dir), 0);
    free(dir);
}

/* ---------------------------------------------------------------- the workbooks */

static spie_figure *push(spie_table *t, spie_level lv, const char *code, const char *lib, const char *ind)
{
    spie_figure *f = spie_table_push(t);
    assert_non_null(f);
    f->level = (uint8_t)lv;
    snprintf(f->code, sizeof f->code, "%s", code);
    snprintf(f->indicator, sizeof f->indicator, "%s", ind);
    f->libelle = lib;
    return f;
}

/* Entries of dir (but . and ..). */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static bool exists_in(const char *dir, const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0;
}

static void test_workbook_faults(void **state)
{
    (void)state;
    if (!wrapping_in_effect())
        return;
    /* One territory (31, Occitanie): the national workbook and the Occitanie one. */
    spie_territory item = {spie_dept_find("31", 2), SPIE_WAVE_AMI1, 100000};
    assert_non_null(item.dept);
    spie_territories terr = {&item, 1};
    spie_params params;
    spie_params_default(&params);
    spie_table table = {0};
    spie_figure *f = push(&table, SPIE_LEVEL_NATIONAL, "FR", "France", "entrants");
    f->kind = SPIE_VK_COUNT;
    f->ival = 12;
    f = push(&table, SPIE_LEVEL_DEPARTEMENT, "31", "Haute-Garonne", "entrants");
    f->kind = SPIE_VK_COUNT;
    f->ival = 12;
    f = push(&table, SPIE_LEVEL_REGION, "76", "Occitanie", "taux_reprise_6m");
    f->kind = SPIE_VK_REAL;
    f->real = 0.25;
    f->has_ci = true;
    f->lo = 0.1;
    f->hi = 0.5;

    spie_plan plan = {0};
    assert_true(spie_month_from_ym(2021, 6, &plan.period));
    /* the other figures the workbooks look up, as nd */
    assert_true(tu_table_complete(&table, &terr, &params, plan.period));
    spie_plan_entry entries[4];
    spie_entry_result results[4];
    memset(entries, 0, sizeof entries);
    memset(results, 0, sizeof results);
    static const char *const files[4] = {"spie_31_2021-06_beneficiaires.csv.gz", NULL, "spie_31_2021-06_etapes.csv",
                                         NULL};
    for (int i = 0; i < 4; i++) {
        entries[i].terr = i < 3 ? &item : NULL;
        snprintf(entries[i].dept, sizeof entries[i].dept, "%s", i < 3 ? "31" : "NAT");
        entries[i].kind = i == 3 ? SPIE_KIND_BUDGET : (spie_kind)i;
        entries[i].file = (char *)(uintptr_t)files[i];
        entries[i].month = files[i] ? plan.period : SPIE_NO_MONTH;
        results[i].status = files[i] ? SPIE_ENTRY_OK : SPIE_ENTRY_MISSING;
        results[i].rep.usable = files[i] != NULL;
    }
    /* Extract text that needs the writer's own allocations: not UTF-8 (transcoded). */
    snprintf(results[2].rep.motif, sizeof results[2].rep.motif, "colonnes inconnues ignorées : r\xe9gion");
    spie_plan_other others[1] = {
        {.name = (char *)(uintptr_t) "caf\xe9=1+1.csv", .status = SPIE_OTHER_IGNORED, .reason = "nom non conforme"}};
    plan.entries = entries;
    plan.n_entries = 4;
    plan.others = others;
    plan.n_others = 1;
    spie_workbook_input in = {.table = &table, .plan = &plan, .results = results, .terr = &terr, .params = &params,
                              .engine_version = "0.0.0"};

    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    char msg[512];
    unsigned long fail_at = 1;
    for (;; fail_at++) {
        long live = g_live;
        arm(fail_at);
        int e = spie_workbooks_write(dir, &in, msg, sizeof msg);
        disarm();
        if (!g_failed) {
            assert_int_equal(e, 0);
            assert_int_equal(count_entries(dir), 2);
            assert_true(exists_in(dir, "SPIE_2021-06_national.xlsx"));
            assert_true(exists_in(dir, "SPIE_2021-06_R76_occitanie.xlsx"));
            check_no_leak(live, fail_at, "workbooks");
            break;
        }
        if (e != ENOMEM || !strstr(msg, "mémoire insuffisante"))
            print_error("workbooks: failing allocation %lu: status %d, \"%s\"\n", fail_at, e, msg);
        assert_int_equal(e, ENOMEM);
        assert_non_null(strstr(msg, "mémoire insuffisante"));
        assert_non_null(strstr(msg, ".xlsx")); /* names the file */
        /* No partial workbook: the one that failed is gone. The national workbook is
         * written first, whole, before the regional one; it may remain (the batch writes
         * into a staging folder that a failure throws away). */
        if (strstr(msg, "national")) {
            assert_int_equal(count_entries(dir), 0);
        } else {
            assert_int_equal(count_entries(dir), 1);
            assert_true(exists_in(dir, "SPIE_2021-06_national.xlsx"));
        }
        check_no_leak(live, fail_at, "workbooks");
        /* Start each run from an empty folder. */
        assert_int_equal(tu_rmtree(dir), 0);
        assert_int_equal(mkdir(dir, 0700), 0);
    }
    print_message("# workbooks: allocations 1 to %lu failed in turn, each a clean error\n", fail_at - 1);
    assert_true(fail_at > 2);
    assert_int_equal(tu_rmtree(dir), 0);
    free(dir);
    spie_table_release(&table);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extract_faults),
        cmocka_unit_test(test_scratch_faults),
        cmocka_unit_test(test_fold_faults),
        cmocka_unit_test(test_plan_faults),
        cmocka_unit_test(test_workbook_faults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
