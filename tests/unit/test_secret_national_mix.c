/* Unit tests of the statistical secret (engine/figures/secret.c, spie_secret_apply) on the
 * rates on the national mix (docs/methodologie.md §12, §7): the expected rate, the ratio and
 * the standardised rate of a group follow its return rate, primary or secondary, and lose
 * their effectif with it (docs/sorties.md §4).
 *
 * Every test builds a publication table by hand with spie_table_push (the rows
 * engine/figures/indicators.c and engine/figures/budget_ind.c would emit, each with its
 * identity in the catalogue, which gives its secret rule: COUNT, STAT, RATE or NONE),
 * sorts it, applies the secret and checks each figure's status, and what is left of its
 * value, interval and effectif. Where a test says that nothing comes back, a small solver
 * (recover_rate() below) plays the reader, who gets a rate's numerator back from its
 * figures on the national mix; no masked numerator may come out of it. The fixture
 * (table builders, the secret applied, row lookups, the checks of a masked and of a shown
 * figure) is secret_fixture.c.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "secret_fixture.h"
#include "spie/acc.h"
#include "spie/secret.h"
#include "spie/table.h"
#include "testutil.h"

/* ---- the rates on the national mix (docs/methodologie.md §12) ------------------------------ */

/* The name of a rate's figure at horizon h from its pattern: "ratio_reprise_%dm" with
 * "%d" standing for h (put by hand: formats are literals in this project). */
static void hname(char *buf, size_t size, const char *pattern, int h)
{
    const char *at = strstr(pattern, "%d");
    assert_non_null(at);
    snprintf(buf, size, "%.*s%d%s", (int)(at - pattern), pattern, h, at + 2);
}

static spie_figure *grow(const spie_table *t, spie_level lv, const char *code, const char *pattern, int h)
{
    char name[48];
    hname(name, sizeof name, pattern, h);
    return get(t, lv, code, ENS, "", name);
}

/* A return rate x / n of a group (indicators.c rate()) and its three figures on the
 * national mix as standardise.c writes them: the expected rate e / n, the ratio x / e
 * and the standardised rate ratio * nat_rate, with the exact Poisson interval (here a
 * stand-in: the secret never reads bounds), effectif fn and numerator fx (n and x, as the
 * engine writes them; a test may make them differ to see the rule of following the rate
 * at work). */
static void std_group(spie_table *t, spie_level lv, const char *code, int h, int64_t x, int64_t n, int64_t fx,
                      int64_t fn, double e, double nat_rate)
{
    char name[48];
    hname(name, sizeof name, "taux_reprise_%dm", h);
    spie_figure *f = push(t, lv, code, ENS, "", name);
    f->num = x;
    f->has_effectif = true;
    f->effectif = n;
    f->kind = SPIE_VK_REAL;
    f->real = (double)x / (double)n;
    f->has_ci = true;
    f->lo = f->real / 2;
    f->hi = (f->real + 1) / 2;
    static const char *const tails[] = {"taux_reprise_%dm_attendu", "ratio_reprise_%dm",
                                        "taux_reprise_%dm_standardise"};
    for (int i = 0; i < 3; i++) {
        hname(name, sizeof name, tails[i], h);
        f = push(t, lv, code, ENS, "", name);
        f->num = fx;
        f->has_effectif = true;
        f->effectif = fn;
        f->kind = SPIE_VK_REAL;
        double ratio = (double)x / e;
        f->real = i == 0 ? e / (double)fn : i == 1 ? ratio : ratio * nat_rate;
        f->has_ci = i > 0;
        f->lo = f->real * 0.5;
        f->hi = f->real * 1.5;
    }
}

/* Plays the reader of a group's rate and its figures on the national mix: the numerator
 * x of a masked taux_reprise_<h>m comes back from the ratio times the expected rate times
 * their effectif (O = ratio · E / n · n), from the standardised rate over the published
 * national rate in place of the ratio, or from the ratio's interval (its width gives O,
 * whatever E: any shown bound of a masked rate's figure counts). Returns the recovered
 * numerator, or -1 when nothing comes back. */
static int64_t recover_rate(const spie_table *t, spie_level lv, const char *code, int h, double nat_rate)
{
    const spie_figure *r = grow(t, lv, code, "taux_reprise_%dm", h);
    if (r->status != SPIE_STATUS_SECRET)
        return r->status == SPIE_STATUS_OK && r->has_effectif ? (int64_t)llround(r->real * (double)r->effectif) : -1;
    const spie_figure *att = grow(t, lv, code, "taux_reprise_%dm_attendu", h);
    const spie_figure *ratio = grow(t, lv, code, "ratio_reprise_%dm", h);
    const spie_figure *std = grow(t, lv, code, "taux_reprise_%dm_standardise", h);
    bool att_ok = att->status == SPIE_STATUS_OK && att->has_effectif;
    if (att_ok && ratio->status == SPIE_STATUS_OK)
        return (int64_t)llround(ratio->real * att->real * (double)att->effectif);
    if (att_ok && std->status == SPIE_STATUS_OK)
        return (int64_t)llround(std->real / nat_rate * att->real * (double)att->effectif);
    if ((ratio->status == SPIE_STATUS_OK && ratio->has_ci) || (std->status == SPIE_STATUS_OK && std->has_ci))
        return 0; /* the interval's width alone: recovered (its value does not matter here) */
    return -1;
}

/* A département's rate 3 / 40 is masked in primary (numerator 3), and so are its three
 * figures on the national mix (their rule is the rate's, on the same 40 and 3); a rate
 * 10 / 40 is shown with its figures; an nd ratio (no expected success) stays nd beside a
 * masked rate. The reader gets no masked numerator back. */
static void test_std_primary_as_the_rate(void **state)
{
    (void)state;
    const double nat_rate = 0.25;
    spie_table t = {0};
    std_group(&t, DEP, "11", 6, 3, 40, 3, 40, 8.0, nat_rate);
    std_group(&t, DEP, "31", 6, 10, 40, 10, 40, 12.5, nat_rate);
    std_group(&t, DEP, "30", 6, 2, 40, 2, 40, 8.0, nat_rate);
    spie_figure *nd = grow(&t, DEP, "30", "ratio_reprise_%dm", 6);
    nd->status = SPIE_STATUS_ND;
    nd->kind = SPIE_VK_NONE;
    nd->has_ci = false;
    spie_secret_counts c = apply(&t, 5);
    static const char *const names[] = {"taux_reprise_%dm", "taux_reprise_%dm_attendu", "ratio_reprise_%dm",
                                        "taux_reprise_%dm_standardise"};
    for (size_t i = 0; i < 4; i++) {
        assert_masked(grow(&t, DEP, "11", names[i], 6));
        assert_shown(grow(&t, DEP, "31", names[i], 6));
    }
    assert_int_equal(grow(&t, DEP, "30", "ratio_reprise_%dm", 6)->status, SPIE_STATUS_ND);
    assert_masked(grow(&t, DEP, "30", "taux_reprise_%dm_standardise", 6));
    assert_int_equal(c.primary, 4 + 3);
    assert_int_equal(c.secondary, 0);
    assert_int_equal(recover_rate(&t, DEP, "11", 6, nat_rate), -1);
    assert_int_equal(recover_rate(&t, DEP, "30", 6, nat_rate), -1);
    assert_int_equal(recover_rate(&t, DEP, "31", 6, nat_rate), 10);
    spie_table_release(&t);
}

/* The figures follow their rate even where their own primary rule would show them (here
 * they are given a numerator of 10 while the rate's is 3: whatever masks a rate, primary
 * or secondary, masks them): masked as secondary cells. The same table without the
 * secret gives the masked numerator back to the reader: the check can fail. */
static void test_std_follow_the_rate(void **state)
{
    (void)state;
    const double nat_rate = 0.2;
    spie_table t = {0};
    std_group(&t, REG, "76", 12, 3, 40, 10, 40, 6.0, nat_rate);
    std_group(&t, VAG, "AMI1", 12, 20, 40, 20, 40, 16.0, nat_rate);
    spie_table_sort(&t);
    assert_int_equal(recover_rate(&t, REG, "76", 12, nat_rate), 3); /* before the secret */
    spie_secret_counts c = apply(&t, 5);
    assert_masked(grow(&t, REG, "76", "taux_reprise_%dm", 12));
    assert_masked(grow(&t, REG, "76", "taux_reprise_%dm_attendu", 12));
    assert_masked(grow(&t, REG, "76", "ratio_reprise_%dm", 12));
    assert_masked(grow(&t, REG, "76", "taux_reprise_%dm_standardise", 12));
    assert_shown(grow(&t, VAG, "AMI1", "ratio_reprise_%dm", 12));
    assert_int_equal(c.primary, 1);
    assert_int_equal(c.secondary, 3);
    assert_int_equal(n_masked(&t), c.primary + c.secondary);
    assert_int_equal(recover_rate(&t, REG, "76", 12, nat_rate), -1);
    assert_int_equal(recover_rate(&t, VAG, "AMI1", 12, nat_rate), 20);
    /* a figure is matched to the rate of its own group and horizon only */
    spie_table u = {0};
    std_group(&u, DEP, "31", 3, 3, 40, 10, 40, 6.0, nat_rate);
    std_group(&u, DEP, "31", 6, 10, 40, 10, 40, 6.0, nat_rate);
    std_group(&u, DEP, "11", 3, 10, 40, 10, 40, 6.0, nat_rate);
    apply(&u, 5);
    assert_masked(grow(&u, DEP, "31", "ratio_reprise_%dm", 3));
    assert_shown(grow(&u, DEP, "31", "ratio_reprise_%dm", 6));
    assert_shown(grow(&u, DEP, "11", "ratio_reprise_%dm", 3));
    spie_table_release(&u);
    spie_table_release(&t);
}

/* The durable rate's figures follow the durable rate, not the other one. */
static void test_std_durable(void **state)
{
    (void)state;
    spie_table t = {0};
    rate(&t, "taux_reprise_6m", 20, 40);
    rate(&t, "taux_reprise_durable_6m", 2, 40);
    static const char *const names[] = {"taux_reprise_6m_attendu", "ratio_reprise_6m", "taux_reprise_6m_standardise",
                                        "taux_reprise_durable_6m_attendu", "ratio_reprise_durable_6m",
                                        "taux_reprise_durable_6m_standardise"};
    for (size_t i = 0; i < 6; i++) {
        /* at the national level only for the test (the engine writes none there) */
        spie_figure *f = push(&t, NAT, "FR", ENS, "", names[i]);
        f->kind = SPIE_VK_REAL;
        f->real = 1;
        f->has_effectif = true;
        f->effectif = 40;
        f->num = 20; /* not small: only following can mask them */
    }
    apply(&t, 5);
    for (size_t i = 0; i < 3; i++)
        assert_shown(nat(&t, names[i]));
    for (size_t i = 3; i < 6; i++)
        assert_masked(nat(&t, names[i]));
    spie_table_release(&t);
}

/* A rate shown whose effectif equals a masked count of its cell (secret.md §4) loses its
 * effectif, and so do its figures on the national mix; their values stay. Département
 * 11: D_ORIENT termines 40, censures 3 (primary), incoherents 0: termines is masked in
 * secondary; taux_reprise_6m 20 / 40 is shown without its effectif. */
static void test_std_effectif_hidden(void **state)
{
    (void)state;
    spie_table t = {0};
    delay(&t, DEP, "11", ENS, "", "d_orient", 40, 3, 0);
    std_group(&t, DEP, "11", 6, 20, 40, 20, 40, 16.0, 0.3);
    spie_secret_counts c = apply(&t, 5);
    assert_masked(get(&t, DEP, "11", ENS, "", "delai_d_orient_termines"));
    static const char *const names[] = {"taux_reprise_%dm", "taux_reprise_%dm_attendu", "ratio_reprise_%dm",
                                        "taux_reprise_%dm_standardise"};
    for (size_t i = 0; i < 4; i++) {
        const spie_figure *f = grow(&t, DEP, "11", names[i], 6);
        assert_int_equal(f->status, SPIE_STATUS_OK);
        assert_false(f->has_effectif);
    }
    assert_true(grow(&t, DEP, "11", "ratio_reprise_%dm", 6)->real == 20.0 / 16.0);
    assert_int_equal(c.effectifs_hidden, 4);
    spie_table_release(&t);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_std_primary_as_the_rate),
        cmocka_unit_test(test_std_follow_the_rate),
        cmocka_unit_test(test_std_durable),
        cmocka_unit_test(test_std_effectif_hidden),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
