/* Tests of the person store (spie/persons.h): ids found again among many, clear and
 * reuse, the initial record, and the folding rules of spie_person_add_step
 * (docs/methodologie.md §0 and §9: earliest day of each step; for REPRISE and SORTIE the type of
 * the earliest row, ties broken by the order of docs/format-extraits.md §4's type table, a typed
 * SORTIE beating an untyped one on the same day; the first durable return counts only
 * EMPLOI_DURABLE and CREATION_ENTREPRISE; the solution types seen as bits). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spie/persons.h"

enum { N_MANY = 100000 };

/* Reprise types in the order of docs/format-extraits.md §4. */
enum { R_DURABLE = 0, R_TEMPORAIRE = 1, R_FORMATION_QUALIFIANTE = 2, R_CREATION = 3 };
/* Sortie types. */
enum { S_DEMENAGEMENT = 0, S_FIN_DROITS = 1, S_ABANDON = 2, S_AUTRE = 3 };

static void make_id(unsigned i, char *buf, size_t cap, size_t *len)
{
    /* Ids of varied lengths (1 to 64 characters) and shapes, as territories write them. */
    int n;
    switch (i % 4) {
    case 0: n = snprintf(buf, cap, "%u", i); break;
    case 1: n = snprintf(buf, cap, "B-%07u", i); break;
    case 2: n = snprintf(buf, cap, "x%u.%u_%u", i, i * 7u, i % 13u); break;
    default: n = snprintf(buf, cap, "%060u%04u", i, i % 10000u); break;
    }
    assert_true(n > 0 && (size_t)n < cap);
    *len = (size_t)n;
}

static void test_code_lists(void **state)
{
    (void)state;
    /* docs/format-extraits.md §4, in the order of its tables. */
    static const char *const steps[] = {"ORIENTATION", "DIAGNOSTIC", "CONTRAT", "SOLUTION", "REPRISE", "SUIVI", "SORTIE"};
    for (int s = 0; s < SPIE_STEP_COUNT; s++)
        assert_string_equal(spie_step_codes[s], steps[s]);
    static const char *const reprise[] = {"EMPLOI_DURABLE", "EMPLOI_TEMPORAIRE", "FORMATION_QUALIFIANTE",
                                          "CREATION_ENTREPRISE"};
    static const char *const sortie[] = {"DEMENAGEMENT", "FIN_DROITS", "ABANDON", "AUTRE"};
    static const char *const solution[] = {"FORMATION", "IMMERSION", "EMPLOI_AIDE", "CREATION", "LOGEMENT",
                                           "SANTE", "MOBILITE", "GARDE_ENFANTS", "AUTRE"};
    static const char *const orient[] = {"SOCIALE", "PROFESSIONNELLE", "SOCIO_PRO"};
    size_t n;
    const char *const *t = spie_step_types(SPIE_STEP_REPRISE, &n);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(t[i], reprise[i]);
    t = spie_step_types(SPIE_STEP_SORTIE, &n);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(t[i], sortie[i]);
    t = spie_step_types(SPIE_STEP_SOLUTION, &n);
    assert_int_equal(n, 9);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(t[i], solution[i]);
    t = spie_step_types(SPIE_STEP_ORIENTATION, &n);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(t[i], orient[i]);
    static const spie_step untyped[] = {SPIE_STEP_DIAGNOSTIC, SPIE_STEP_CONTRAT, SPIE_STEP_SUIVI};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(untyped); i++) {
        n = 99;
        assert_null(spie_step_types(untyped[i], &n));
        assert_int_equal(n, 0);
    }
    static const char *const pub[] = {"RSA", "JEUNE", "DE", "TH"};
    for (int i = 0; i < SPIE_PUBLIC_COUNT; i++)
        assert_string_equal(spie_public_codes[i], pub[i]);
}

static void test_add_find_many(void **state)
{
    (void)state;
    spie_persons *p = spie_persons_new();
    assert_non_null(p);
    assert_int_equal(spie_persons_count(p), 0);
    assert_int_equal(spie_persons_find(p, "B1", 2), -1); /* empty store */
    char id[80];
    size_t n;
    for (unsigned i = 0; i < N_MANY; i++) {
        make_id(i, id, sizeof id, &n);
        assert_int_equal(spie_persons_find(p, id, n), -1);
        long k = spie_persons_add(p, id, n);
        assert_int_equal(k, (long)i);
        spie_persons_at(p, (size_t)k)->entry = (spie_day)i; /* a tag to find it again */
    }
    assert_int_equal(spie_persons_count(p), N_MANY);
    for (unsigned i = 0; i < N_MANY; i++) {
        make_id(i, id, sizeof id, &n);
        long k = spie_persons_find(p, id, n);
        assert_int_equal(k, (long)i);
        assert_int_equal(spie_persons_at_const(p, (size_t)k)->entry, (spie_day)i);
    }
    /* Absent ids: a prefix, an extension, another case, a different length. */
    assert_int_equal(spie_persons_find(p, "B-000000", 8), -1);
    assert_int_equal(spie_persons_find(p, "b-0000001", 9), -1);
    assert_int_equal(spie_persons_find(p, "B-00000011", 10), -1);
    assert_int_equal(spie_persons_find(p, "B-0000001", 9), 1);
    assert_int_equal(spie_persons_find(p, "B-0000001x", 9), 1); /* n bytes only */
    /* Ids are case-sensitive: B1 and b1 are two persons. */
    long a = spie_persons_add(p, "Zz", 2), b = spie_persons_add(p, "zZ", 2);
    assert_true(a >= 0 && b >= 0 && a != b);
    assert_int_equal(spie_persons_find(p, "Zz", 2), a);
    assert_int_equal(spie_persons_find(p, "zZ", 2), b);
    assert_int_equal(spie_persons_find(p, "ZZ", 2), -1);

    /* Clear: nobody left, then the store is reused from index 0. */
    spie_persons_clear(p);
    assert_int_equal(spie_persons_count(p), 0);
    for (unsigned i = 0; i < N_MANY; i += 997) {
        make_id(i, id, sizeof id, &n);
        assert_int_equal(spie_persons_find(p, id, n), -1);
    }
    for (unsigned i = 0; i < 5000; i++) {
        make_id(N_MANY - 1 - i, id, sizeof id, &n);
        assert_int_equal(spie_persons_add(p, id, n), (long)i);
    }
    for (unsigned i = 0; i < 5000; i++) {
        make_id(N_MANY - 1 - i, id, sizeof id, &n);
        assert_int_equal(spie_persons_find(p, id, n), (long)i);
    }
    make_id(0, id, sizeof id, &n);
    assert_int_equal(spie_persons_find(p, id, n), -1);
    spie_persons_free(p);
    spie_persons_free(NULL);
}

/* The look-up in three steps gives what spie_persons_find gives; the candidate is the
 * person itself for a present id (the tags are 32 bits: no collision among these ids,
 * which are fixed) and the hash is the same for the same bytes only. */
static void test_find_hashed(void **state)
{
    (void)state;
    spie_persons *p = spie_persons_new();
    assert_non_null(p);
    assert_int_equal(spie_persons_candidate(p, spie_persons_hash("B1", 2)), -1); /* empty store */
    assert_int_equal(spie_persons_find_hashed(p, "B1", 2, spie_persons_hash("B1", 2)), -1);
    char id[80];
    size_t n;
    for (unsigned i = 0; i < N_MANY; i += 2) {
        make_id(i, id, sizeof id, &n);
        assert_true(spie_persons_add(p, id, n) >= 0);
    }
    assert_true(spie_persons_hash("B1", 2) != spie_persons_hash("b1", 2));
    assert_true(spie_persons_hash("B1", 2) != spie_persons_hash("B1 ", 3));
    for (unsigned i = 0; i < N_MANY; i++) {
        make_id(i, id, sizeof id, &n);
        uint64_t h = spie_persons_hash(id, n);
        spie_persons_prefetch(p, h);
        long want = i % 2 == 0 ? (long)(i / 2) : -1;
        if (want >= 0) {
            assert_int_equal(spie_persons_candidate(p, h), want);
            assert_true(spie_persons_id_is(p, (size_t)want, id, n));
            assert_false(spie_persons_id_is(p, (size_t)want + 1, id, n));
            assert_false(spie_persons_id_is(p, (size_t)want, id, n - 1));
        }
        assert_int_equal(spie_persons_find_hashed(p, id, n, h), want);
        assert_int_equal(spie_persons_find(p, id, n), want);
    }
    /* Ids longer than the 19 bytes kept beside the record: they differ only after them,
     * or only in length; a look-up longer than any stored id (256 bytes) finds nobody. */
    char a[40], b[40];
    long ia = spie_persons_add_hashed(p, "0123456789ABCDEFGHIxyz", 22, spie_persons_hash("0123456789ABCDEFGHIxyz", 22));
    long ib = spie_persons_add(p, "0123456789ABCDEFGHIxyZ", 22);
    long ic = spie_persons_add(p, "0123456789ABCDEFGHI", 19);
    long id20 = spie_persons_add(p, "0123456789ABCDEFGHIx", 20);
    assert_true(ia >= 0 && ib >= 0 && ic >= 0 && id20 >= 0);
    snprintf(a, sizeof a, "%s", "0123456789ABCDEFGHIxyz");
    snprintf(b, sizeof b, "%s", "0123456789ABCDEFGHIxyZ");
    assert_int_equal(spie_persons_find(p, a, 22), ia);
    assert_int_equal(spie_persons_find(p, b, 22), ib);
    assert_int_equal(spie_persons_find(p, a, 19), ic);
    assert_int_equal(spie_persons_find(p, a, 20), id20);
    assert_int_equal(spie_persons_find(p, a, 21), -1);
    assert_int_equal(spie_persons_find(p, "0123456789ABCDEFGHIxyq", 22), -1);
    assert_true(spie_persons_id_is(p, (size_t)ia, a, 22));
    assert_false(spie_persons_id_is(p, (size_t)ia, b, 22)); /* differs after the 19 bytes */
    assert_false(spie_persons_id_is(p, (size_t)ib, a, 22));
    assert_false(spie_persons_id_is(p, spie_persons_count(p), a, 22));
    char big[300];
    memset(big, 'B', sizeof big);
    assert_int_equal(spie_persons_find(p, big, sizeof big), -1);
    assert_int_equal(spie_persons_find_hashed(p, big, 256, spie_persons_hash(big, 256)), -1);
    assert_int_equal(spie_persons_find(p, big, 0), -1);
    spie_persons_free(p);
}

/* The id compare reads an id of any length in words (1 to 3 bytes, 4 to 7, 8 to 15, 16 to
 * 18, 19 and more each take their own way): for every length from 1 to 26, an id is
 * itself, and it is not the id that differs from it in any one byte, nor its prefix one
 * byte shorter, nor the same bytes one longer. */
static void test_id_every_length(void **state)
{
    (void)state;
    spie_persons *p = spie_persons_new();
    assert_non_null(p);
    char id[32], other[32];
    for (size_t n = 1; n <= 26; n++) {
        for (size_t j = 0; j < sizeof id; j++)
            id[j] = (char)('A' + (n * 7 + j * 3) % 26);
        long k = spie_persons_add(p, id, n);
        assert_true(k >= 0);
        assert_true(spie_persons_id_is(p, (size_t)k, id, n));
        assert_int_equal(spie_persons_find(p, id, n), k);
        assert_false(spie_persons_id_is(p, (size_t)k, id, n + 1));
        if (n > 1)
            assert_false(spie_persons_id_is(p, (size_t)k, id, n - 1));
        for (size_t j = 0; j < n; j++) {
            memcpy(other, id, sizeof id);
            other[j] = (char)(other[j] == 'z' ? 'y' : 'z');
            assert_false(spie_persons_id_is(p, (size_t)k, other, n));
            assert_int_equal(spie_persons_find(p, other, n), -1);
        }
    }
    spie_persons_free(p);
}

/* The store against a plain list, on ids drawn at random (a fixed seed) from a small
 * alphabet with lengths 1 to 64, many of them prefixes of one another or differing in one
 * byte: every look-up gives the list's answer, and an id added twice is found once. */
static void test_against_a_list(void **state)
{
    (void)state;
    enum { N = 3000 };
    static char ids[N][64];
    static size_t lens[N];
    size_t kept = 0;
    uint64_t x = 20261202;
    spie_persons *p = spie_persons_new();
    assert_non_null(p);
    for (int op = 0; op < 3 * N; op++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        char id[64];
        size_t n = 1 + (size_t)(x >> 33) % 64;
        if (kept && (x >> 20) % 3 == 0) { /* a kept id, cut or with one byte changed */
            size_t from = (size_t)(x >> 40) % kept;
            n = lens[from];
            memcpy(id, ids[from], n);
            if ((x >> 10) % 2 && n > 1)
                n--;
            else
                id[(x >> 12) % n] ^= 1;
        } else {
            for (size_t j = 0; j < n; j++)
                id[j] = "ab"[(x >> (j % 60)) & 1];
        }
        long want = -1;
        for (size_t i = 0; i < kept && want < 0; i++)
            if (lens[i] == n && memcmp(ids[i], id, n) == 0)
                want = (long)i;
        assert_int_equal(spie_persons_find(p, id, n), want);
        assert_int_equal(spie_persons_find_hashed(p, id, n, spie_persons_hash(id, n)), want);
        if (want < 0 && kept < N) {
            assert_int_equal(spie_persons_add(p, id, n), (long)kept);
            memcpy(ids[kept], id, n);
            lens[kept++] = n;
        }
    }
    assert_true(kept > N / 2);
    for (size_t i = 0; i < kept; i++) {
        assert_int_equal(spie_persons_find(p, ids[i], lens[i]), (long)i);
        assert_true(spie_persons_id_is(p, i, ids[i], lens[i]));
    }
    spie_persons_free(p);
}

/* The accepted steps of a person (DOUBLON): a step is seen once kept, for its person only
 * and with its own step, type and day; a person keeps more than the 16 held beside its
 * record (the rest in a table of its own); clearing forgets them all, and so does
 * spie_persons_clear. */
static void test_steps(void **state)
{
    (void)state;
    spie_persons *p = spie_persons_new();
    assert_non_null(p);
    enum { PERSONS = 50, STEPS = 40 };
    char id[16];
    for (int i = 0; i < PERSONS; i++) {
        snprintf(id, sizeof id, "P%d", i);
        assert_int_equal(spie_persons_add(p, id, strlen(id)), i);
    }
    for (int k = 0; k < STEPS; k++)
        for (int i = 0; i < PERSONS; i += 1 + (k % 3)) {
            spie_day day = 18262 + 7 * k;
            assert_false(spie_persons_step_seen(p, (size_t)i, SPIE_STEP_SUIVI, SPIE_NO_TYPE, day));
            assert_true(spie_persons_step_keep(p, (size_t)i, SPIE_STEP_SUIVI, SPIE_NO_TYPE, day));
            assert_true(spie_persons_step_seen(p, (size_t)i, SPIE_STEP_SUIVI, SPIE_NO_TYPE, day));
        }
    for (int k = 0; k < STEPS; k++)
        for (int i = 0; i < PERSONS; i++) {
            spie_day day = 18262 + 7 * k;
            bool kept = i % (1 + (k % 3)) == 0;
            assert_int_equal(spie_persons_step_seen(p, (size_t)i, SPIE_STEP_SUIVI, SPIE_NO_TYPE, day), kept);
            /* Another day, step or type is another step. */
            assert_false(spie_persons_step_seen(p, (size_t)i, SPIE_STEP_SUIVI, SPIE_NO_TYPE, day + 1));
            assert_false(spie_persons_step_seen(p, (size_t)i, SPIE_STEP_SORTIE, SPIE_NO_TYPE, day));
            assert_false(spie_persons_step_seen(p, (size_t)i, SPIE_STEP_SUIVI, 0, day));
        }
    /* Types 0 to 8 and none are told apart; days from the first to the last of the calendar. */
    for (unsigned t = 0; t < SPIE_SOLUTION_TYPES; t++)
        assert_true(spie_persons_step_keep(p, 1, SPIE_STEP_SOLUTION, t, -719162 + (spie_day)t));
    assert_true(spie_persons_step_keep(p, 1, SPIE_STEP_SOLUTION, SPIE_NO_TYPE, 2932896));
    for (unsigned t = 0; t < SPIE_SOLUTION_TYPES; t++) {
        assert_true(spie_persons_step_seen(p, 1, SPIE_STEP_SOLUTION, t, -719162 + (spie_day)t));
        assert_false(spie_persons_step_seen(p, 1, SPIE_STEP_SOLUTION, (t + 1) % 9, -719162 + (spie_day)t));
    }
    assert_true(spie_persons_step_seen(p, 1, SPIE_STEP_SOLUTION, SPIE_NO_TYPE, 2932896));
    assert_false(spie_persons_step_seen(p, 1, SPIE_STEP_SOLUTION, 8, 2932896));
    spie_persons_steps_clear(p);
    for (int k = 0; k < STEPS; k++)
        for (int i = 0; i < PERSONS; i++)
            assert_false(spie_persons_step_seen(p, (size_t)i, SPIE_STEP_SUIVI, SPIE_NO_TYPE, 18262 + 7 * k));
    assert_true(spie_persons_step_keep(p, 3, SPIE_STEP_SUIVI, SPIE_NO_TYPE, 18262));
    spie_persons_clear(p);
    assert_int_equal(spie_persons_add(p, "Q", 1), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(spie_persons_add(p, (const char *[]){"Q1", "Q2", "Q3", "Q4"}[i], 2), i + 1);
    assert_false(spie_persons_step_seen(p, 3, SPIE_STEP_SUIVI, SPIE_NO_TYPE, 18262));
    spie_persons_free(p);
}

static void test_initial_record(void **state)
{
    (void)state;
    spie_persons *p = spie_persons_new();
    assert_non_null(p);
    long k = spie_persons_add(p, "B1", 2);
    assert_int_equal(k, 0);
    const spie_person *r = spie_persons_at_const(p, 0);
    for (int s = 0; s < SPIE_STEP_COUNT; s++)
        assert_int_equal(r->first[s], SPIE_NO_DAY);
    assert_int_equal(r->first_durable, SPIE_NO_DAY);
    assert_int_equal(r->reprise_type, SPIE_NO_TYPE);
    assert_int_equal(r->sortie_type, SPIE_NO_TYPE);
    assert_int_equal(r->solution_types, 0);
    assert_int_equal(r->birth_year, 0);
    /* A record reused after clear starts afresh too. */
    spie_person_add_step(spie_persons_at(p, 0), SPIE_STEP_REPRISE, R_DURABLE, 100);
    spie_persons_clear(p);
    assert_int_equal(spie_persons_add(p, "B2", 2), 0);
    r = spie_persons_at_const(p, 0);
    assert_int_equal(r->first[SPIE_STEP_REPRISE], SPIE_NO_DAY);
    assert_int_equal(r->first_durable, SPIE_NO_DAY);
    assert_int_equal(r->reprise_type, SPIE_NO_TYPE);
    spie_persons_free(p);
}

static spie_person fresh(void)
{
    spie_person r;
    spie_person_blank(&r, 0);
    return r;
}

/* The earliest day of every step, whatever the order of the rows. */
static void test_first_day(void **state)
{
    (void)state;
    for (int s = 0; s < SPIE_STEP_COUNT; s++) {
        spie_person r = fresh();
        spie_person_add_step(&r, (spie_step)s, SPIE_NO_TYPE, 200);
        assert_int_equal(r.first[s], 200);
        spie_person_add_step(&r, (spie_step)s, SPIE_NO_TYPE, 300);
        assert_int_equal(r.first[s], 200);
        spie_person_add_step(&r, (spie_step)s, SPIE_NO_TYPE, 150);
        assert_int_equal(r.first[s], 150);
        spie_person_add_step(&r, (spie_step)s, SPIE_NO_TYPE, -5); /* before 1970: still a day */
        assert_int_equal(r.first[s], -5);
        for (int o = 0; o < SPIE_STEP_COUNT; o++)
            if (o != s)
                assert_int_equal(r.first[o], SPIE_NO_DAY);
    }
}

typedef struct step_row {
    unsigned type;
    spie_day day;
} step_row;

typedef struct tie_case {
    const char *name;
    spie_step step;
    step_row rows[4];
    size_t n;
    spie_day first;
    unsigned type;
} tie_case;

static const tie_case tie_cases[] = {
    /* REPRISE: the type of the earliest row; on the same day the type listed first. */
    {"one reprise", SPIE_STEP_REPRISE, {{R_TEMPORAIRE, 100}}, 1, 100, R_TEMPORAIRE},
    {"later reprise does not change the type", SPIE_STEP_REPRISE, {{R_TEMPORAIRE, 100}, {R_DURABLE, 101}}, 2, 100,
     R_TEMPORAIRE},
    {"earlier reprise changes the type", SPIE_STEP_REPRISE, {{R_DURABLE, 100}, {R_CREATION, 99}}, 2, 99, R_CREATION},
    {"same day: listed first wins (in order)", SPIE_STEP_REPRISE, {{R_DURABLE, 100}, {R_TEMPORAIRE, 100}}, 2, 100,
     R_DURABLE},
    {"same day: listed first wins (reverse order)", SPIE_STEP_REPRISE,
     {{R_CREATION, 100}, {R_FORMATION_QUALIFIANTE, 100}, {R_TEMPORAIRE, 100}}, 3, 100, R_TEMPORAIRE},
    {"same-day tie, then an earlier one", SPIE_STEP_REPRISE,
     {{R_DURABLE, 100}, {R_TEMPORAIRE, 100}, {R_CREATION, 50}}, 3, 50, R_CREATION},
    {"earlier day beats a type listed first", SPIE_STEP_REPRISE, {{R_DURABLE, 100}, {R_CREATION, 80}, {R_DURABLE, 90}},
     3, 80, R_CREATION},
    /* SORTIE: the same, and on the same day a typed row beats an untyped one. */
    {"untyped sortie", SPIE_STEP_SORTIE, {{SPIE_NO_TYPE, 100}}, 1, 100, SPIE_NO_TYPE},
    {"typed beats untyped, same day (untyped first)", SPIE_STEP_SORTIE, {{SPIE_NO_TYPE, 100}, {S_AUTRE, 100}}, 2, 100,
     S_AUTRE},
    {"typed beats untyped, same day (typed first)", SPIE_STEP_SORTIE, {{S_ABANDON, 100}, {SPIE_NO_TYPE, 100}}, 2, 100,
     S_ABANDON},
    {"earlier untyped beats later typed", SPIE_STEP_SORTIE, {{S_DEMENAGEMENT, 100}, {SPIE_NO_TYPE, 99}}, 2, 99,
     SPIE_NO_TYPE},
    {"same day: DEMENAGEMENT before FIN_DROITS", SPIE_STEP_SORTIE, {{S_FIN_DROITS, 100}, {S_DEMENAGEMENT, 100}}, 2,
     100, S_DEMENAGEMENT},
    {"later typed does not replace earlier untyped", SPIE_STEP_SORTIE, {{SPIE_NO_TYPE, 100}, {S_ABANDON, 101}}, 2, 100,
     SPIE_NO_TYPE},
};

static void test_type_ties(void **state)
{
    (void)state;
    for (size_t i = 0; i < SPIE_ARRAY_LEN(tie_cases); i++) {
        const tie_case *c = &tie_cases[i];
        spie_person r = fresh();
        for (size_t k = 0; k < c->n; k++)
            spie_person_add_step(&r, c->step, c->rows[k].type, c->rows[k].day);
        unsigned got = c->step == SPIE_STEP_REPRISE ? r.reprise_type : r.sortie_type;
        if (got != c->type || r.first[c->step] != c->first)
            print_message("case %s: first %d type %u\n", c->name, (int)r.first[c->step], got);
        assert_int_equal(r.first[c->step], c->first);
        assert_int_equal(got, c->type);
        /* The other type field is untouched. */
        assert_int_equal(c->step == SPIE_STEP_REPRISE ? r.sortie_type : r.reprise_type, SPIE_NO_TYPE);
    }
}

/* first_durable: the earliest REPRISE of type EMPLOI_DURABLE or CREATION_ENTREPRISE only. */
static void test_first_durable(void **state)
{
    (void)state;
    spie_person r = fresh();
    spie_person_add_step(&r, SPIE_STEP_REPRISE, R_TEMPORAIRE, 50);
    spie_person_add_step(&r, SPIE_STEP_REPRISE, R_FORMATION_QUALIFIANTE, 40);
    assert_int_equal(r.first_durable, SPIE_NO_DAY);
    spie_person_add_step(&r, SPIE_STEP_REPRISE, R_CREATION, 300);
    assert_int_equal(r.first_durable, 300);
    spie_person_add_step(&r, SPIE_STEP_REPRISE, R_DURABLE, 200);
    assert_int_equal(r.first_durable, 200);
    spie_person_add_step(&r, SPIE_STEP_REPRISE, R_DURABLE, 250);
    assert_int_equal(r.first_durable, 200);
    spie_person_add_step(&r, SPIE_STEP_REPRISE, R_TEMPORAIRE, 10);
    assert_int_equal(r.first_durable, 200);
    assert_int_equal(r.first[SPIE_STEP_REPRISE], 10);
    assert_int_equal(r.reprise_type, R_TEMPORAIRE);
    /* A SOLUTION of type CREATION (index 3 of its own list) is not a durable return. */
    spie_person s = fresh();
    spie_person_add_step(&s, SPIE_STEP_SOLUTION, 3, 20);
    spie_person_add_step(&s, SPIE_STEP_SORTIE, S_AUTRE, 30); /* index 3 too */
    assert_int_equal(s.first_durable, SPIE_NO_DAY);
    assert_int_equal(s.reprise_type, SPIE_NO_TYPE);
}

/* solution_types: bit i when at least one SOLUTION of type i; an untyped one sets none. */
static void test_solution_types(void **state)
{
    (void)state;
    spie_person r = fresh();
    spie_person_add_step(&r, SPIE_STEP_SOLUTION, SPIE_NO_TYPE, 10);
    assert_int_equal(r.solution_types, 0);
    assert_int_equal(r.first[SPIE_STEP_SOLUTION], 10);
    spie_person_add_step(&r, SPIE_STEP_SOLUTION, 0, 30);  /* FORMATION */
    spie_person_add_step(&r, SPIE_STEP_SOLUTION, 8, 40);  /* AUTRE */
    spie_person_add_step(&r, SPIE_STEP_SOLUTION, 0, 50);  /* FORMATION again */
    spie_person_add_step(&r, SPIE_STEP_SOLUTION, 7, 5);   /* GARDE_ENFANTS, earlier */
    assert_int_equal(r.solution_types, (1u << 0) | (1u << 7) | (1u << 8));
    assert_int_equal(r.first[SPIE_STEP_SOLUTION], 5);
    /* Types of other steps set no solution bit. */
    spie_person s = fresh();
    spie_person_add_step(&s, SPIE_STEP_ORIENTATION, 2, 10);
    spie_person_add_step(&s, SPIE_STEP_REPRISE, R_DURABLE, 10);
    spie_person_add_step(&s, SPIE_STEP_SORTIE, S_ABANDON, 10);
    assert_int_equal(s.solution_types, 0);
    /* Every one of the nine types has its own bit. */
    spie_person a = fresh();
    for (unsigned t = 0; t < SPIE_SOLUTION_TYPES; t++)
        spie_person_add_step(&a, SPIE_STEP_SOLUTION, t, 100);
    assert_int_equal(a.solution_types, (1u << SPIE_SOLUTION_TYPES) - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_code_lists),      cmocka_unit_test(test_add_find_many),
        cmocka_unit_test(test_find_hashed),     cmocka_unit_test(test_id_every_length),
        cmocka_unit_test(test_against_a_list),
        cmocka_unit_test(test_steps),           cmocka_unit_test(test_initial_record),
        cmocka_unit_test(test_first_day),       cmocka_unit_test(test_type_ties),
        cmocka_unit_test(test_first_durable),   cmocka_unit_test(test_solution_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
