/* Tests of the accumulators (spie/acc.h) as storage: histograms sized from the data, not
 * from the calendar (issue 15: a far period must not take memory with the square of its
 * span), two runs of days, 64-bit counts once a count passes 2^32 - 1, exact and
 * order-independent addition, and the dense view the statistics read. What the counts
 * mean (docs/methodologie.md) is tested in test_indicators_*.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "spie/acc.h"
#include "spie/date.h"

static spie_day day(int y, int m, int d)
{
    spie_day v = 0;
    assert_true(spie_day_from_ymd(y, m, d, &v));
    return v;
}

static spie_month month(int y, int m)
{
    spie_month v = 0;
    assert_true(spie_month_from_ym(y, m, &v));
    return v;
}

static spie_person fresh(spie_day entry)
{
    spie_person p;
    spie_person_blank(&p, entry);
    return p;
}

/* n persons entered from 2020 to 2023, with the steps and exits of a real territory:
 * orientation after a few days, some diagnostics, returns and exits (a fixed pseudo-random
 * sequence). */
static spie_person *persons(size_t n)
{
    spie_person *ps = calloc(n, sizeof *ps);
    assert_non_null(ps);
    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        spie_day e = day(2020, 1, 1) + (spie_day)(x % 1400);
        ps[i] = fresh(e);
        ps[i].public_ = (uint8_t)(x >> 8) % SPIE_PUBLIC_COUNT;
        ps[i].sex = (uint8_t)((x >> 12) % SPIE_SEX_COUNT);
        ps[i].birth_year = (int16_t)(1950 + (x >> 16) % 50);
        ps[i].first[SPIE_STEP_ORIENTATION] = e + (spie_day)(x % 40);
        if (x % 3)
            ps[i].first[SPIE_STEP_DIAGNOSTIC] = e + 30 + (spie_day)(x % 90);
        if (x % 5 == 0) {
            ps[i].first[SPIE_STEP_REPRISE] = e + 100 + (spie_day)(x % 300);
            ps[i].reprise_type = (uint8_t)(x % SPIE_REPRISE_TYPES);
        }
        if (x % 7 == 0) {
            ps[i].first[SPIE_STEP_SORTIE] = e + 50 + (spie_day)(x % 200);
            ps[i].sortie_type = (uint8_t)(x % SPIE_SORTIE_TYPES);
        }
    }
    return ps;
}

/* Every histogram of two cells holds the same counts. */
static void same_counts(const spie_acc *a, const spie_acc *b)
{
    assert_int_equal(a->entrants, b->entrants);
    spie_acc_dense da, db;
    assert_true(spie_acc_dense_get(a, &da));
    assert_true(spie_acc_dense_get(b, &db));
    assert_int_equal(da.len, db.len);
    for (size_t t = 0; t < da.len; t++) {
        for (size_t i = 0; i < a->n_pairs; i++) {
            assert_int_equal(da.done[i][t], db.done[i][t]);
            assert_int_equal(da.cens[i][t], db.cens[i][t]);
        }
        assert_int_equal(da.inc_events[t], db.inc_events[t]);
        assert_int_equal(da.inc_cens[t], db.inc_cens[t]);
    }
    spie_acc_dense_release(&da);
    spie_acc_dense_release(&db);
}

/* Persons of 2020-2023 folded for the period 2099-12: the cube has 332 cells (320 entry
 * quarters) and its histograms may span 29 220 days, but they hold the days the data
 * reach. A histogram of every cell sized from the calendar would take about 1 GB here
 * (332 cells, 14 histograms, 29 220 days, 8 bytes), 45 MB for the 28 cells with persons
 * at 4 bytes a count; the bound is 2 MB. */
static void test_far_period(void **state)
{
    (void)state;
    spie_params prm;
    spie_params_default(&prm);
    spie_fold_ctx ctx;
    spie_fold_ctx_init(&ctx, &prm, month(2099, 12));
    assert_int_equal(ctx.len, (size_t)(day(2099, 12, 31) - day(2020, 1, 1) + 1));
    spie_cube cube;
    assert_true(spie_cube_init(&cube, &ctx, true));
    assert_int_equal(cube.n_cohorts, 320);
    enum { N = 3000 };
    spie_person *ps = persons(N);
    for (size_t i = 0; i < N; i++)
        spie_cube_fold(&cube, &ctx, &ps[i]);
    assert_true(spie_cube_ok(&cube));
    size_t bytes = spie_cube_bytes(&cube);
    print_message("# histograms of the cube: %zu bytes\n", bytes);
    assert_true(bytes > 0);
    assert_true(bytes < ((size_t)2 << 20));

    /* The counts are where they belong: a person censored at D sits at D - F(A). */
    const spie_acc *all = &cube.cells[0];
    assert_int_equal(all->entrants, N);
    uint64_t cens_at_d = 0;
    for (size_t i = 0; i < N; i++)
        if (ps[i].first[SPIE_STEP_REPRISE] == SPIE_NO_DAY && ps[i].first[SPIE_STEP_SORTIE] == SPIE_NO_DAY &&
            ps[i].entry == ps[0].entry)
            cens_at_d++;
    assert_true(cens_at_d > 0);
    assert_true(spie_hist_at(&all->inc_cens, (size_t)(day(2099, 12, 31) - ps[0].entry)) >= cens_at_d);
    spie_acc_dense d;
    assert_true(spie_acc_dense_get(all, &d));
    uint64_t events = 0, cens = 0;
    for (size_t t = 0; t < d.len; t++) {
        events += d.inc_events[t];
        cens += d.inc_cens[t];
    }
    assert_int_equal(events + cens, N);
    assert_int_equal(events, all->with_return);
    spie_acc_dense_release(&d);
    free(ps);
    spie_cube_release(&cube);
}

/* Counts near day 0 and near the top take two runs of days, not the days in between; a
 * count between them joins the nearer run, and runs that meet become one. */
static void test_two_runs(void **state)
{
    (void)state;
    spie_params prm;
    spie_params_default(&prm);
    spie_fold_ctx ctx;
    spie_fold_ctx_init(&ctx, &prm, month(2099, 12));
    spie_acc a;
    assert_true(spie_acc_init(&a, &ctx));
    spie_person p = fresh(day(2021, 3, 1)); /* censored at D: near the top */
    spie_acc_fold(&a, &ctx, &p);
    p.first[SPIE_STEP_SORTIE] = day(2021, 3, 11); /* censored at the exit: day 10 */
    spie_acc_fold(&a, &ctx, &p);
    size_t top = (size_t)(day(2099, 12, 31) - day(2021, 3, 1));
    assert_int_equal(spie_hist_at(&a.inc_cens, 10), 1);
    assert_int_equal(spie_hist_at(&a.inc_cens, top), 1);
    assert_int_equal(spie_hist_at(&a.inc_cens, 11), 0);
    assert_int_equal(spie_hist_at(&a.inc_cens, top - 1), 0);
    assert_true(a.inc_cens.run[0].n > 0 && a.inc_cens.run[1].n > 0);
    assert_true(spie_acc_bytes(&a) <= 4 * 4 * 64 + 4 * 4 * 64); /* a few runs of 64 days */
    /* Days in between, 200 apart: each joins the nearer run. */
    for (spie_day x = 210; (size_t)x < top; x += 200) {
        spie_person q = fresh(day(2021, 3, 1));
        q.first[SPIE_STEP_SORTIE] = day(2021, 3, 1) + x;
        spie_acc_fold(&a, &ctx, &q);
    }
    assert_true(a.inc_cens.run[0].n > 0 && a.inc_cens.run[1].n > 0);
    assert_int_equal(spie_hist_at(&a.inc_cens, 210), 1);
    assert_int_equal(spie_hist_at(&a.inc_cens, 10 + 200 * ((top - 10) / 200)), 1);
    /* Then every 50 days: the runs meet and become one. */
    for (spie_day x = 60; (size_t)x < top; x += 50) {
        spie_person q = fresh(day(2021, 3, 1));
        q.first[SPIE_STEP_SORTIE] = day(2021, 3, 1) + x;
        spie_acc_fold(&a, &ctx, &q);
    }
    assert_int_equal(a.inc_cens.run[1].n, 0);
    assert_int_equal(spie_hist_at(&a.inc_cens, 10), 1);
    assert_int_equal(spie_hist_at(&a.inc_cens, 210), 2);
    assert_int_equal(spie_hist_at(&a.inc_cens, 260), 1);
    assert_int_equal(spie_hist_at(&a.inc_cens, top), 1);
    assert_true(spie_acc_ok(&a));
    spie_acc_release(&a);
}

/* Adding cubes is exact and does not depend on the order: odd + even, even + odd and one
 * cube of all the persons hold the same counts, cell by cell; a reset cube is empty. */
static void test_add_order(void **state)
{
    (void)state;
    spie_params prm;
    spie_params_default(&prm);
    spie_fold_ctx ctx;
    spie_fold_ctx_init(&ctx, &prm, month(2023, 12));
    enum { N = 2000 };
    spie_person *ps = persons(N);
    spie_cube odd, even, ab, ba, all;
    assert_true(spie_cube_init(&odd, &ctx, true));
    assert_true(spie_cube_init(&even, &ctx, true));
    assert_true(spie_cube_init(&ab, &ctx, true));
    assert_true(spie_cube_init(&ba, &ctx, true));
    assert_true(spie_cube_init(&all, &ctx, true));
    for (size_t i = 0; i < N; i++) {
        spie_cube_fold(i % 2 ? &odd : &even, &ctx, &ps[i]);
        spie_cube_fold(&all, &ctx, &ps[i]);
    }
    spie_cube_add(&ab, &odd);
    spie_cube_add(&ab, &even);
    spie_cube_add(&ba, &even);
    spie_cube_add(&ba, &odd);
    for (size_t c = 0; c < all.n_cells; c++) {
        same_counts(&ab.cells[c], &all.cells[c]);
        same_counts(&ba.cells[c], &all.cells[c]);
    }
    spie_cube_reset(&all);
    for (size_t c = 0; c < all.n_cells; c++) {
        assert_int_equal(all.cells[c].entrants, 0);
        spie_acc_dense d;
        assert_true(spie_acc_dense_get(&all.cells[c], &d));
        assert_int_equal(d.len, 1);
        spie_acc_dense_release(&d);
    }
    spie_cube_release(&odd);
    spie_cube_release(&even);
    spie_cube_release(&ab);
    spie_cube_release(&ba);
    spie_cube_release(&all);
    free(ps);
}

/* Every counter and histogram of two cells, the same. */
static void same_cell(const spie_acc *a, const spie_acc *b)
{
    same_counts(a, b);
    assert_int_equal(a->entrants_month, b->entrants_month);
    assert_int_equal(a->in_journey, b->in_journey);
    assert_int_equal(a->with_solution, b->with_solution);
    for (int i = 0; i < SPIE_SOLUTION_TYPES; i++)
        assert_int_equal(a->solution[i], b->solution[i]);
    assert_int_equal(a->with_return, b->with_return);
    for (int i = 0; i < SPIE_REPRISE_TYPES; i++)
        assert_int_equal(a->first_return[i], b->first_return[i]);
    assert_int_equal(a->exits, b->exits);
    for (int i = 0; i < SPIE_SORTIE_TYPES; i++)
        assert_int_equal(a->exit_type[i], b->exit_type[i]);
    for (size_t i = 0; i < SPIE_MAX_PAIRS; i++) {
        const spie_delay_acc *x = &a->delay[i], *y = &b->delay[i];
        assert_int_equal(x->population, y->population);
        assert_int_equal(x->completed, y->completed);
        assert_int_equal(x->censored, y->censored);
        assert_int_equal(x->inverted, y->inverted);
        assert_int_equal(x->target_den, y->target_den);
        assert_int_equal(x->target_num, y->target_num);
    }
    for (size_t i = 0; i < SPIE_MAX_HORIZONS; i++) {
        assert_int_equal(a->horizon[i].eligible, b->horizon[i].eligible);
        assert_int_equal(a->horizon[i].success, b->horizon[i].success);
        assert_int_equal(a->horizon[i].durable_success, b->horizon[i].durable_success);
    }
    assert_int_equal(spie_acc_ok(a), spie_acc_ok(b));
}

/* The batch folds a territory's persons without the ensemble cell and settles it once as
 * the sum of the public cells: every cell, the ensemble first, is what folding each person
 * into every cell gives, and so is a cube without breakdowns. The cube folded the deferred
 * way is reused (reset) between two groups, as the batch reuses it from territory to
 * territory. */
static void test_deferred_ensemble(void **state)
{
    (void)state;
    spie_params prm;
    spie_params_default(&prm);
    spie_fold_ctx ctx;
    spie_fold_ctx_init(&ctx, &prm, month(2023, 12));
    enum { N = 3000 };
    spie_person *ps = persons(N);
    for (int with = 1; with >= 0; with--) {
        spie_cube direct, deferred;
        assert_true(spie_cube_init(&direct, &ctx, with));
        assert_true(spie_cube_init(&deferred, &ctx, with));
        for (size_t i = 0; i < N / 3; i++) /* a first group, then a reset */
            spie_cube_fold_deferred(&deferred, &ctx, &ps[N - 1 - i]);
        spie_cube_settle(&deferred);
        spie_cube_reset(&deferred);
        for (size_t i = 0; i < N; i++) {
            spie_cube_fold(&direct, &ctx, &ps[i]);
            spie_cube_fold_deferred(&deferred, &ctx, &ps[i]);
        }
        spie_cube_settle(&deferred);
        assert_int_equal(deferred.cells[0].entrants, N);
        for (size_t c = 0; c < direct.n_cells; c++)
            same_cell(&deferred.cells[c], &direct.cells[c]);
        spie_cube_release(&direct);
        spie_cube_release(&deferred);
    }
    free(ps);
}

/* A cube reused from group to group keeps runs that span every group's days; adding it
 * takes the days the last group counted, no more: a département's accumulators are sized
 * by its own data. */
static void test_add_trims(void **state)
{
    (void)state;
    spie_params prm;
    spie_params_default(&prm);
    spie_fold_ctx ctx;
    spie_fold_ctx_init(&ctx, &prm, month(2023, 12));
    spie_acc local, dept, ref;
    assert_true(spie_acc_init(&local, &ctx));
    assert_true(spie_acc_init(&dept, &ctx));
    assert_true(spie_acc_init(&ref, &ctx));
    /* A first group: returns from 10 to 1 000 days. */
    for (spie_day x = 10; x < 1000; x += 30) {
        spie_person p = fresh(day(2020, 2, 1));
        p.first[SPIE_STEP_REPRISE] = day(2020, 2, 1) + x;
        spie_acc_fold(&local, &ctx, &p);
    }
    spie_acc_reset(&local);
    /* The next group: returns from 400 to 460 days. */
    for (spie_day x = 400; x < 460; x += 7) {
        spie_person p = fresh(day(2021, 2, 1));
        p.first[SPIE_STEP_REPRISE] = day(2021, 2, 1) + x;
        spie_acc_fold(&local, &ctx, &p);
        spie_acc_fold(&ref, &ctx, &p);
    }
    spie_acc_add(&dept, &local);
    same_counts(&dept, &ref);
    assert_true(spie_acc_bytes(&dept) < spie_acc_bytes(&local));
    assert_true(dept.inc_events.run[0].lo >= 384 && dept.inc_events.run[0].lo + dept.inc_events.run[0].n <= 512);
    /* And added again, into runs that start inside the source's. */
    spie_acc_add(&dept, &local);
    assert_int_equal(spie_hist_at(&dept.inc_events, 400), 2);
    assert_int_equal(spie_hist_at(&dept.inc_events, 456), 2);
    assert_true(spie_acc_ok(&dept));
    spie_acc_release(&local);
    spie_acc_release(&dept);
    spie_acc_release(&ref);
}

/* A count that would pass 2^32 - 1 turns its histogram to 64 bits, in an addition and in
 * a fold. */
static void test_wide_counts(void **state)
{
    (void)state;
    spie_params prm;
    spie_params_default(&prm);
    spie_fold_ctx ctx;
    spie_fold_ctx_init(&ctx, &prm, month(2023, 12));
    spie_acc src, dst;
    assert_true(spie_acc_init(&src, &ctx));
    assert_true(spie_acc_init(&dst, &ctx));
    spie_person p = fresh(day(2022, 1, 1));
    p.first[SPIE_STEP_REPRISE] = day(2022, 1, 11);
    spie_acc_fold(&src, &ctx, &p);
    spie_hist_run *r = &src.inc_events.run[0];
    assert_non_null(r->c);
    r->c[10 - r->lo] = UINT32_MAX;
    spie_acc_add(&dst, &src);
    assert_non_null(dst.inc_events.run[0].c);
    assert_int_equal(spie_hist_at(&dst.inc_events, 10), UINT32_MAX);
    spie_acc_add(&dst, &src);
    assert_non_null(dst.inc_events.run[0].w);
    assert_int_equal(spie_hist_at(&dst.inc_events, 10), 2 * (uint64_t)UINT32_MAX);
    /* In a fold: src's count is at the top already. */
    spie_acc_fold(&src, &ctx, &p);
    assert_non_null(src.inc_events.run[0].w);
    assert_int_equal(spie_hist_at(&src.inc_events, 10), (uint64_t)UINT32_MAX + 1);
    spie_acc_dense d;
    assert_true(spie_acc_dense_get(&dst, &d));
    assert_int_equal(d.inc_events[10], 2 * (uint64_t)UINT32_MAX);
    spie_acc_dense_release(&d);
    assert_true(spie_acc_ok(&src) && spie_acc_ok(&dst));
    spie_acc_release(&src);
    spie_acc_release(&dst);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_far_period),
        cmocka_unit_test(test_two_runs),
        cmocka_unit_test(test_add_order),
        cmocka_unit_test(test_deferred_ensemble),
        cmocka_unit_test(test_add_trims),
        cmocka_unit_test(test_wide_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
