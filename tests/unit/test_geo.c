/* Unit tests of engine/core/geo.c: the INSEE tables (Code officiel géographique, regions since
 * 2016). Reference facts: 18 regions (13 in metropolitan France, 5 overseas) and 101
 * départements (96 metropolitan, Corsica as 2A and 2B, 5 overseas: 971 Guadeloupe,
 * 972 Martinique, 973 Guyane, 974 La Réunion, 976 Mayotte; 975 is not a département). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "spie/geo.h"

static void test_counts(void **state)
{
    (void)state;
    assert_int_equal(spie_region_count(), 18);
    assert_int_equal(spie_dept_count(), 101);
    assert_null(spie_region_at(18));
    assert_null(spie_dept_at(101));
    assert_non_null(spie_dept_at(100));
}

static void test_regions_sorted(void **state)
{
    (void)state;
    for (size_t i = 1; i < spie_region_count(); i++)
        assert_true(strcmp(spie_region_at(i - 1)->code, spie_region_at(i)->code) < 0);
    assert_string_equal(spie_region_at(0)->code, "01");
    assert_string_equal(spie_region_at(17)->code, "94");
}

static void test_depts_sorted(void **state)
{
    (void)state;
    for (size_t i = 1; i < spie_dept_count(); i++)
        assert_true(strcmp(spie_dept_at(i - 1)->code, spie_dept_at(i)->code) < 0);
    /* Byte order puts 2A and 2B between 29 and 30, and 971 after 95. */
    const spie_dept *d29 = spie_dept_find("29", 2);
    assert_non_null(d29);
    assert_string_equal(d29[1].code, "2A");
    assert_string_equal(d29[2].code, "2B");
    assert_string_equal(d29[3].code, "30");
    assert_string_equal(spie_dept_at(0)->code, "01");
    assert_string_equal(spie_dept_at(95)->code, "95");
    assert_string_equal(spie_dept_at(96)->code, "971");
    assert_string_equal(spie_dept_at(100)->code, "976");
}

static void test_no_20_and_corsica(void **state)
{
    (void)state;
    assert_null(spie_dept_find("20", 2));
    for (size_t i = 0; i < spie_dept_count(); i++)
        assert_string_not_equal(spie_dept_at(i)->code, "20");
    const spie_dept *a = spie_dept_find("2A", 2);
    const spie_dept *b = spie_dept_find("2B", 2);
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(a->name, "Corse-du-Sud");
    assert_string_equal(b->name, "Haute-Corse");
    assert_string_equal(a->region_code, "94");
    assert_string_equal(b->region_code, "94");
    assert_string_equal(spie_dept_region(a)->name, "Corse");
    /* Case-sensitive: "2a" is not an INSEE code. */
    assert_null(spie_dept_find("2a", 2));
    assert_null(spie_dept_find("2b", 2));
}

static void test_overseas(void **state)
{
    (void)state;
    static const char *const codes[] = {"971", "972", "973", "974", "976"};
    static const char *const regions[] = {"01", "02", "03", "04", "06"};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(codes); i++) {
        const spie_dept *d = spie_dept_find(codes[i], 3);
        assert_non_null(d);
        assert_string_equal(d->region_code, regions[i]);
    }
    assert_null(spie_dept_find("975", 3));
    assert_null(spie_dept_find("970", 3));
    assert_null(spie_dept_find("977", 3));
    assert_string_equal(spie_dept_find("974", 3)->name, "La Réunion");
}

static void test_lookups(void **state)
{
    (void)state;
    const spie_dept *d = spie_dept_find("31", 2);
    assert_non_null(d);
    assert_string_equal(d->name, "Haute-Garonne");
    assert_string_equal(d->region_code, "76");
    const spie_region *r = spie_dept_region(d);
    assert_non_null(r);
    assert_string_equal(r->name, "Occitanie");
    assert_string_equal(r->slug, "occitanie");

    /* The key need not be NUL-terminated: n bytes are compared, and only n. */
    assert_ptr_equal(spie_dept_find("310", 2), d);
    assert_null(spie_dept_find("310", 3));
    assert_null(spie_dept_find("3", 1));
    assert_null(spie_dept_find("", 0));
    assert_null(spie_dept_find(NULL, 2));
    assert_null(spie_dept_find("00", 2));
    assert_null(spie_dept_find("96", 2));
    assert_null(spie_dept_find("1", 1)); /* "01", not "1" */
    assert_string_equal(spie_dept_find("01", 2)->name, "Ain");
    assert_string_equal(spie_dept_find("95", 2)->name, "Val-d'Oise");
    assert_string_equal(spie_dept_find("69", 2)->region_code, "84");
    assert_string_equal(spie_dept_find("90", 2)->name, "Territoire de Belfort");

    assert_string_equal(spie_region_find("11", 2)->name, "Île-de-France");
    assert_string_equal(spie_region_find("944", 2)->name, "Corse");
    assert_null(spie_region_find("05", 2));
    assert_null(spie_region_find("1", 1));
    assert_null(spie_region_find(NULL, 2));
    assert_null(spie_dept_region(NULL));
}

static void test_every_dept_has_region(void **state)
{
    (void)state;
    size_t per_region[18] = {0};
    for (size_t i = 0; i < spie_dept_count(); i++) {
        const spie_dept *d = spie_dept_at(i);
        const spie_region *r = spie_dept_region(d);
        assert_non_null(r);
        per_region[r - spie_region_at(0)]++;
    }
    /* Every region has a département; counts from the COG: Occitanie 13,
     * Auvergne-Rhône-Alpes 12, Corse 2, Bretagne 4, each overseas region 1. */
    for (size_t i = 0; i < 18; i++)
        assert_true(per_region[i] > 0);
    assert_int_equal(per_region[spie_region_find("76", 2) - spie_region_at(0)], 13);
    assert_int_equal(per_region[spie_region_find("84", 2) - spie_region_at(0)], 12);
    assert_int_equal(per_region[spie_region_find("94", 2) - spie_region_at(0)], 2);
    assert_int_equal(per_region[spie_region_find("53", 2) - spie_region_at(0)], 4);
    assert_int_equal(per_region[spie_region_find("04", 2) - spie_region_at(0)], 1);
}

static void test_slugs(void **state)
{
    (void)state;
    for (size_t i = 0; i < spie_region_count(); i++) {
        const char *s = spie_region_at(i)->slug;
        size_t n = strlen(s);
        assert_true(n > 0);
        assert_true(s[0] != '-' && s[n - 1] != '-');
        for (size_t k = 0; k < n; k++) {
            char c = s[k];
            assert_true((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
            if (c == '-')
                assert_true(s[k + 1] != '-');
        }
    }
    assert_string_equal(spie_region_find("93", 2)->slug, "provence-alpes-cote-d-azur");
    assert_string_equal(spie_region_find("11", 2)->slug, "ile-de-france");
    assert_string_equal(spie_region_find("04", 2)->slug, "la-reunion");
    assert_string_equal(spie_region_find("24", 2)->slug, "centre-val-de-loire");
    assert_string_equal(spie_region_find("27", 2)->slug, "bourgogne-franche-comte");
    assert_string_equal(spie_region_find("84", 2)->slug, "auvergne-rhone-alpes");
    assert_string_equal(spie_region_find("44", 2)->slug, "grand-est");
}

/* A région's index in the table: what spie_region_at gives back; none for NULL or a
 * région that is not the table's. */
static void test_region_index(void **state)
{
    (void)state;
    for (size_t i = 0; i < spie_region_count(); i++)
        assert_int_equal(spie_region_index(spie_region_at(i)), i);
    const spie_dept *d = spie_dept_find("31", 2);
    assert_non_null(d);
    assert_string_equal(spie_region_at(spie_region_index(spie_dept_region(d)))->code, "76");
    assert_int_equal(spie_region_index(NULL), spie_region_count());
    spie_region copy = *spie_region_at(0);
    assert_int_equal(spie_region_index(&copy), spie_region_count());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_regions_sorted),
        cmocka_unit_test(test_depts_sorted),
        cmocka_unit_test(test_no_20_and_corsica),
        cmocka_unit_test(test_overseas),
        cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_every_dept_has_region),
        cmocka_unit_test(test_slugs),
        cmocka_unit_test(test_region_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
