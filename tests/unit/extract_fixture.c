/* The extract tests' fixture (extract_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_fixture.h"
#include "spie/fields.h"
#include "testutil.h"

spie_day day_of(int y, int m, int d)
{
    spie_day v = SPIE_NO_DAY;
    assert_true(spie_day_from_ymd(y, m, d, &v));
    return v;
}

/* ---------------------------------------------------------------- the reject sink */

size_t utf8_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

int sink_fn(void *ctx, const spie_reject *rj)
{
    sink *s = ctx;
    /* docs/sorties.md §5: the raw line, at most 500 characters, written as UTF-8. */
    assert_non_null(rj->raw);
    assert_true(spie_utf8_valid(rj->raw, rj->raw_len));
    assert_true(utf8_chars(rj->raw, rj->raw_len) <= 500);
    assert_string_equal(rj->file, "spie_31_2021-06_x.csv");
    assert_true(rj->line >= 1);
    assert_true((unsigned)rj->reason < SPIE_R_COUNT);
    s->total++;
    if (s->n < MAX_REJ) {
        got_rej *g = &s->r[s->n++];
        g->line = rj->line;
        g->has_column = rj->column != NULL;
        snprintf(g->column, sizeof g->column, "%s", rj->column ? rj->column : "");
        g->reason = rj->reason;
        assert_true(rj->raw_len < RAW_CAP);
        memcpy(g->raw, rj->raw, rj->raw_len);
        g->raw[rj->raw_len] = '\0';
        g->raw_len = rj->raw_len;
    }
    if (s->fail_after > 0 && s->total >= (size_t)s->fail_after)
        return -1;
    return 0;
}

/* ---------------------------------------------------------------- running the reader */

run *run_new(void)
{
    run *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->ps = spie_persons_new();
    assert_non_null(r->ps);
    return r;
}

void run_free(run *r)
{
    if (!r)
        return;
    spie_persons_free(r->ps);
    spie_budget_release(&r->budget);
    free(r);
}

/* The reconciliation of docs/format-extraits.md §6 and docs/sorties.md §5, on every input. */
void check_invariants(const run *r)
{
    const spie_file_report *rep = &r->rep;
    uint64_t sum = 0;
    for (int k = 0; k < SPIE_R_COUNT; k++)
        sum += rep->by_reason[k];
    assert_int_equal(sum, rep->rows_rejected);
    if (!rep->sink_failed)
        assert_int_equal(r->sk.total, rep->rows_rejected);
    if (rep->usable) {
        assert_int_equal(rep->rows_read, rep->rows_accepted + rep->rows_rejected);
    } else {
        assert_int_equal(rep->rows_accepted, 0);
        assert_true(rep->motif[0] != '\0');
    }
}

bool g_csv_reference; /* see extract_fixture.h */
spie_extract_scratch *g_scratch; /* kept across tests */
bool g_use_scratch;

spie_extract_job make_job(run *r, spie_kind kind, const char *dept, spie_month period)
{
    spie_extract_job job;
    memset(&job, 0, sizeof job);
    job.path = NULL;
    job.relname = "spie_31_2021-06_x.csv";
    job.kind = kind;
    job.dept = dept;
    job.gzip = false;
    job.period = period;
    job.persons = r->ps;
    job.budget = &r->budget;
    job.reject = sink_fn;
    job.reject_ctx = &r->sk;
    job.csv_reference = g_csv_reference;
    job.scratch = g_use_scratch ? g_scratch : NULL;
    return job;
}

void run_mem_p(run *r, spie_kind kind, const char *dept, spie_month period, const void *text, size_t n)
{
    int fail_after = r->sk.fail_after;
    memset(&r->sk, 0, sizeof r->sk);
    r->sk.fail_after = fail_after;
    spie_extract_job job = make_job(r, kind, dept, period);
    assert_true(spie_extract_read_mem(&job, text, n, &r->rep));
    check_invariants(r);
}

void run_mem(run *r, spie_kind kind, const char *text, size_t n)
{
    run_mem_p(r, kind, "31", P_2021_06, text, n);
}

void run_str(run *r, spie_kind kind, const char *text)
{
    run_mem(r, kind, text, strlen(text));
}

/* The beneficiaries every etapes test starts from: B1 entered 2021-03-05, B2 2021-06-15. */
static const char BENEF_BASE[] = "id_beneficiaire;date_entree;public\n"
                                 "B1;2021-03-05;RSA\n"
                                 "B2;2021-06-15;JEUNE\n";

void load_base_persons(run *r)
{
    spie_persons_clear(r->ps);
    run_mem(r, SPIE_KIND_BENEFICIAIRES, BENEF_BASE, sizeof BENEF_BASE - 1);
    assert_true(r->rep.usable);
    assert_int_equal(r->rep.rows_accepted, 2);
}

/* ---------------------------------------------------------------- expected rejects */

void expect_rejects(const run *r, const xrej *x, size_t max, const char *name)
{
    size_t n = 0;
    while (n < max && x[n].line)
        n++;
    if (r->sk.n != n) {
        print_message("case %s: %zu rejects, expected %zu\n", name, r->sk.n, n);
        for (size_t i = 0; i < r->sk.n; i++)
            print_message("  got line %llu %s col=%s\n", (unsigned long long)r->sk.r[i].line,
                          spie_reason_code(r->sk.r[i].reason), r->sk.r[i].column);
    }
    assert_int_equal(r->sk.n, n);
    for (size_t i = 0; i < n; i++) {
        const got_rej *g = &r->sk.r[i];
        if (g->line != x[i].line || g->reason != x[i].reason)
            print_message("case %s, reject %zu: got line %llu %s, expected line %u %s\n", name, i,
                          (unsigned long long)g->line, spie_reason_code(g->reason), x[i].line,
                          spie_reason_code(x[i].reason));
        assert_int_equal(g->line, x[i].line);
        assert_int_equal(g->reason, x[i].reason);
        if (x[i].column == NULL) {
            assert_false(g->has_column);
        } else if (strcmp(x[i].column, ANY_COLUMN) != 0) {
            if (!g->has_column || strcmp(g->column, x[i].column) != 0)
                print_message("case %s: column \"%s\", expected \"%s\"\n", name, g->column, x[i].column);
            assert_true(g->has_column);
            assert_string_equal(g->column, x[i].column);
        }
    }
}

void run_cases(spie_kind kind, const char *header, const rcase *cases, size_t ncases, bool etapes_base)
{
    run *r = run_new();
    for (size_t i = 0; i < ncases; i++) {
        const rcase *c = &cases[i];
        if (etapes_base)
            load_base_persons(r);
        else
            spie_persons_clear(r->ps);
        spie_budget_clear(&r->budget);
        size_t hn = strlen(header), rn = strlen(c->rows);
        char *text = malloc(hn + rn + 2);
        assert_non_null(text);
        memcpy(text, header, hn);
        text[hn] = '\n';
        memcpy(text + hn + 1, c->rows, rn + 1);
        run_mem_p(r, kind, c->dept ? c->dept : "31", P_2021_06, text, hn + 1 + rn);
        if (!r->rep.usable)
            print_message("case %s: unusable: %s\n", c->name, r->rep.motif);
        assert_true(r->rep.usable);
        expect_rejects(r, c->rej, SPIE_ARRAY_LEN(c->rej), c->name);
        size_t nrej = 0;
        while (nrej < SPIE_ARRAY_LEN(c->rej) && c->rej[nrej].line)
            nrej++;
        if (r->rep.rows_accepted != c->accepted)
            print_message("case %s: %llu accepted, expected %u\n", c->name,
                          (unsigned long long)r->rep.rows_accepted, c->accepted);
        assert_int_equal(r->rep.rows_accepted, c->accepted);
        assert_int_equal(r->rep.rows_read, c->accepted + nrej);
        assert_int_equal(r->rep.empty_lines, 0);
        free(text);
    }
    run_free(r);
}

/* The group setups of the three ways every test runs (extract_fixture.h). */
int use_scratch(void **state)
{
    (void)state;
    if (!g_scratch)
        g_scratch = spie_extract_scratch_new();
    g_use_scratch = true;
    return g_scratch ? 0 : -1;
}

int no_scratch(void **state)
{
    (void)state;
    g_use_scratch = false;
    return 0;
}

int use_libcsv(void **state)
{
    (void)state;
    g_csv_reference = true;
    return 0;
}

int use_default(void **state)
{
    (void)state;
    g_csv_reference = false;
    return 0;
}
