/* Unit tests of samples/: the synthetic-inbox generator (spie sample), its formatting,
 * tables and plan: amounts written the way they read back (docs/format-extraits.md §2),
 * the population table, the --scale option, the national and demo plans (territories,
 * roles, the persons per territory and per month, options out of range), and the counts of
 * a national territory generated in memory (docs/references.md). The fixture (months,
 * the item of a territory in a plan) is sample_fixture.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "sample_fixture.h"
#include "spie/date.h"
#include "spie/fields.h"
#include "spie/geo.h"
#include "spie/sample.h"
#include "testutil.h"

/* ---- formatting and tables ----------------------------------------------------------- */

static void test_format_amount(void **state)
{
    (void)state;
    char b[SPIE_SAMPLE_AMOUNT_MAX];
    struct {
        spie_cents c;
        spie_sample_amount_style st;
        const char *want;
    } cases[] = {
        {0, SPIE_SAMPLE_AMOUNT_PLAIN, "0.00"},
        {5, SPIE_SAMPLE_AMOUNT_PLAIN, "0.05"},
        {123456, SPIE_SAMPLE_AMOUNT_PLAIN, "1234.56"},
        {-25000, SPIE_SAMPLE_AMOUNT_PLAIN, "-250.00"},
        {123456, SPIE_SAMPLE_AMOUNT_FR_SPACE, "1 234,56"},
        {123456, SPIE_SAMPLE_AMOUNT_FR_NBSP, "1\xC2\xA0" "234,56"},
        {-123456789, SPIE_SAMPLE_AMOUNT_FR_SPACE, "-1 234 567,89"},
        {12345, SPIE_SAMPLE_AMOUNT_FR_SPACE, "123,45"},
        {100000, SPIE_SAMPLE_AMOUNT_GROUPED, "1 000.00"},
        {INT64_MAX, SPIE_SAMPLE_AMOUNT_PLAIN, "92233720368547758.07"},
        {INT64_MIN, SPIE_SAMPLE_AMOUNT_PLAIN, "-92233720368547758.08"},
        {INT64_MIN, SPIE_SAMPLE_AMOUNT_FR_NBSP,
         "-92\xC2\xA0" "233\xC2\xA0" "720\xC2\xA0" "368\xC2\xA0" "547\xC2\xA0" "758,08"},
    };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(cases); i++) {
        size_t n = spie_sample_format_amount(cases[i].c, cases[i].st, b);
        assert_string_equal(b, cases[i].want);
        assert_int_equal(n, strlen(cases[i].want));
        /* What the generator writes must read back as the same cents (docs/format-extraits.md §2). */
        spie_cents back = 0;
        assert_true(spie_parse_amount((spie_str){b, n}, &back));
        assert_true(back == cases[i].c);
    }
}

static void test_population(void **state)
{
    (void)state;
    /* INSEE 2020 legal populations, rounded to thousands: Paris 2 176, Nord 2 611, Lozère 76. */
    assert_int_equal(spie_sample_population("75"), 2176);
    assert_int_equal(spie_sample_population("59"), 2611);
    assert_int_equal(spie_sample_population("48"), 76);
    assert_true(spie_sample_population("2A") > 0);
    assert_true(spie_sample_population("976") > 0);
    assert_int_equal(spie_sample_population("20"), 0);
    assert_int_equal(spie_sample_population("975"), 0);
    assert_int_equal(spie_sample_population(NULL), 0);
}

static void test_parse_scale(void **state)
{
    (void)state;
    spie_sample_options o;
    spie_sample_options_init(&o);
    assert_int_equal(o.scale, SPIE_SAMPLE_SCALE_DEMO);
    assert_true(spie_sample_parse_scale("national", &o));
    assert_int_equal(o.scale, SPIE_SAMPLE_SCALE_NATIONAL);
    assert_true(spie_sample_parse_scale("demo", &o));
    assert_int_equal(o.scale, SPIE_SAMPLE_SCALE_DEMO);
    assert_true(spie_sample_parse_scale("12345", &o));
    assert_int_equal(o.scale, SPIE_SAMPLE_SCALE_PERSONS);
    assert_int_equal(o.persons, 12345);
    assert_true(spie_sample_parse_scale("50000000", &o));
    const char *bad[] = {"", "0", "-5", "12a", "1e6", " 12", "50000001", "99999999999999999999999", "Demo"};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(bad); i++)
        assert_false(spie_sample_parse_scale(bad[i], &o));
}

/* ---- plan ------------------------------------------------------------------------------ */

static void test_plan_national(void **state)
{
    (void)state;
    spie_sample_options o;
    spie_sample_options_init(&o);
    o.scale = SPIE_SAMPLE_SCALE_NATIONAL;
    spie_sample_plan p;
    spie_sample_error err;
    assert_int_equal(spie_sample_plan_make(&o, &p, &err), SPIE_SAMPLE_OK);
    /* Every territory of the default table; exactly the announced 2 million at 2023-12. */
    assert_int_equal(p.count, p.table.count);
    assert_true(p.count >= 70);
    assert_true(p.persons == SPIE_SAMPLE_NATIONAL_PERSONS);
    uint64_t sum = 0;
    unsigned missing = 0, late = 0;
    for (size_t i = 0; i < p.count; i++) {
        const spie_sample_terr *it = &p.items[i];
        sum += it->persons;
        assert_int_equal(it->first, spie_wave_start(it->terr->wave));
        if (it->roles & SPIE_SAMPLE_ROLE_MISSING) {
            missing++;
            assert_true(it->last < it->first);
            assert_true(it->persons == 0);
        } else {
            assert_int_equal(it->last, o.until - it->late_months);
            assert_true(it->persons > 0);
        }
        if (it->roles & SPIE_SAMPLE_ROLE_LATE) {
            late++;
            assert_true(it->late_months >= 1 && it->late_months <= 2);
        }
        /* The monthly entries add up to the territory's persons. */
        if (it->last >= it->first) {
            size_t nm = (size_t)(it->last - it->first + 1);
            uint64_t *c = calloc(nm, sizeof *c), s = 0;
            assert_non_null(c);
            assert_int_equal(spie_sample_plan_months(&p, i, c), SPIE_SAMPLE_OK);
            for (size_t k = 0; k < nm; k++)
                s += c[k];
            assert_true(s == it->persons);
            /* Ramp-up: the first month has fewer entries than the seventh. */
            if (nm > 7)
                assert_true(c[0] < c[6]);
            free(c);
        }
    }
    assert_true(sum == p.persons);
    assert_int_equal(missing, 1);
    assert_true(late >= 1 && late <= 2);
    /* Entries grow with size: Nord (EXP2020, 2.6 M inhabitants) has more persons than
     * Somme (EXP2020, 0.57 M), in about the population ratio. */
    long nord = item_of(&p, "59"), somme = item_of(&p, "80");
    assert_true(nord >= 0 && somme >= 0);
    double ratio = (double)p.items[nord].persons / (double)p.items[somme].persons;
    assert_true(ratio > 4.0 && ratio < 5.2);
    spie_sample_plan_free(&p);

    /* An earlier --until keeps the monthly rates: fewer persons. */
    o.until = ym(2022, 6);
    assert_int_equal(spie_sample_plan_make(&o, &p, &err), SPIE_SAMPLE_OK);
    assert_true(p.persons > 800000 && p.persons < SPIE_SAMPLE_NATIONAL_PERSONS);
    spie_sample_plan_free(&p);

    /* A number of persons is exact. */
    assert_true(spie_sample_parse_scale("777", &o));
    assert_int_equal(spie_sample_plan_make(&o, &p, &err), SPIE_SAMPLE_OK);
    assert_true(p.persons == 777);
    spie_sample_plan_free(&p);
    spie_sample_plan_free(NULL);
}

static void test_plan_demo(void **state)
{
    (void)state;
    spie_sample_options o;
    spie_sample_options_init(&o);
    spie_sample_plan p;
    spie_sample_error err;
    assert_int_equal(spie_sample_plan_make(&o, &p, &err), SPIE_SAMPLE_OK);
    assert_true(p.count >= 6 && p.count <= 8);
    assert_true(p.persons == SPIE_SAMPLE_DEMO_PERSONS);
    /* Two or three regions. */
    const char *regions[8] = {0};
    size_t nr = 0;
    unsigned roles = 0;
    for (size_t i = 0; i < p.count; i++) {
        const char *r = p.items[i].terr->dept->region_code;
        bool seen = false;
        for (size_t k = 0; k < nr; k++)
            seen = seen || !strcmp(regions[k], r);
        if (!seen && nr < 8)
            regions[nr++] = r;
        roles |= p.items[i].roles;
    }
    assert_true(nr >= 2 && nr <= 3);
    unsigned want = SPIE_SAMPLE_ROLE_MISSING | SPIE_SAMPLE_ROLE_LATE | SPIE_SAMPLE_ROLE_FRENCH |
                    SPIE_SAMPLE_ROLE_PLAIN | SPIE_SAMPLE_ROLE_MULTI | SPIE_SAMPLE_ROLE_QUOTED;
    assert_int_equal(roles & want, want);
    spie_sample_plan_free(&p);

    /* --clean keeps late and missing territories, drops the dirt roles. */
    o.clean = true;
    assert_int_equal(spie_sample_plan_make(&o, &p, &err), SPIE_SAMPLE_OK);
    roles = 0;
    for (size_t i = 0; i < p.count; i++)
        roles |= p.items[i].roles;
    assert_int_equal(roles & want, SPIE_SAMPLE_ROLE_MISSING | SPIE_SAMPLE_ROLE_LATE);
    spie_sample_plan_free(&p);

    /* Options out of range. */
    o.until = ym(2020, 2);
    assert_int_equal(spie_sample_plan_make(&o, &p, &err), SPIE_SAMPLE_E_USAGE);
    o.until = ym(2031, 1);
    assert_int_equal(spie_sample_plan_make(&o, &p, &err), SPIE_SAMPLE_E_USAGE);
}

/* A mid-size national territory generated in memory: about 7.4 step rows per person (the
 * national scale's 15 million for 2 million), about a third back to activity within 12
 * months (docs/references.md). */
static void test_count_national_territory(void **state)
{
    (void)state;
    spie_sample_options o;
    spie_sample_options_init(&o);
    o.scale = SPIE_SAMPLE_SCALE_NATIONAL;
    spie_sample_plan p;
    spie_sample_error err;
    assert_int_equal(spie_sample_plan_make(&o, &p, &err), SPIE_SAMPLE_OK);
    long i = item_of(&p, "44"); /* Loire-Atlantique, EXP2020 */
    assert_true(i >= 0);
    spie_sample_counts c;
    assert_int_equal(spie_sample_plan_count(&p, (size_t)i, &c, &err), SPIE_SAMPLE_OK);
    assert_true(c.persons == p.items[i].persons);
    double per = (double)c.steps / (double)c.persons;
    assert_true(per > 6.5 && per < 9.0);
    assert_true(c.eligible_12m > 10000);
    double r12 = (double)c.returns_12m / (double)c.eligible_12m;
    assert_true(r12 > 0.25 && r12 < 0.42);
    assert_true(c.budget_lines > 50);
    /* Deterministic: the same counts a second time. */
    spie_sample_counts c2;
    assert_int_equal(spie_sample_plan_count(&p, (size_t)i, &c2, &err), SPIE_SAMPLE_OK);
    assert_memory_equal(&c, &c2, sizeof c);
    spie_sample_plan_free(&p);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_amount),
        cmocka_unit_test(test_population),
        cmocka_unit_test(test_parse_scale),
        cmocka_unit_test(test_plan_national),
        cmocka_unit_test(test_plan_demo),
        cmocka_unit_test(test_count_national_territory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
