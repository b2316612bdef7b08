/* The two sets of accepted keys that tell a DOUBLON (extracts.md §6): byte keys for the
 * budget rows (parsed values and libellé), and fixed keys (person, day, step, type) held
 * in the slots for the etapes rows. Both are open-addressing tables (linear probing,
 * power-of-two size, load at most one half).
 *
 * The sets only hold keys: which row is a duplicate, and what is done with it, is for the
 * row rules. Nothing here reads a file or reports anything; every allocation failure is
 * returned. */
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"
#include "spie/util.h"

/* ---- a set of byte keys (DOUBLON of budget rows) -------------------------------------- */

uint64_t spie_keyset_hash(const void *k, size_t n)
{
    const unsigned char *p = k;
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001B3ULL;
    }
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 29;
    return h;
}

void spie_keyset_free(keyset *s)
{
    free(s->slots);
    free(s->arena);
    memset(s, 0, sizeof *s);
}

bool spie_keyset_contains(const keyset *s, const void *k, size_t n, uint64_t h)
{
    if (!s->nslots)
        return false;
    size_t mask = s->nslots - 1;
    for (size_t i = (size_t)h & mask; s->slots[i].len; i = (i + 1) & mask)
        if (s->slots[i].hash == h && s->slots[i].len == n && memcmp(s->arena + s->slots[i].off, k, n) == 0)
            return true;
    return false;
}

static void keyset_place(key_slot *slots, size_t nslots, key_slot v)
{
    size_t mask = nslots - 1;
    size_t i = (size_t)v.hash & mask;
    while (slots[i].len)
        i = (i + 1) & mask;
    slots[i] = v;
}

/* Adds a key known to be absent. Returns false when memory runs out. */
bool spie_keyset_add(keyset *s, const void *k, size_t n, uint64_t h)
{
    if ((s->count + 1) * 2 > s->nslots) {
        size_t nn = s->nslots ? s->nslots * 2 : 4096;
        key_slot *ns = calloc(nn, sizeof *ns);
        if (!ns)
            return false;
        for (size_t i = 0; i < s->nslots; i++)
            if (s->slots[i].len)
                keyset_place(ns, nn, s->slots[i]);
        free(s->slots);
        s->slots = ns;
        s->nslots = nn;
    }
    if (s->arena_len + n > UINT32_MAX) /* offsets are 32-bit */
        return false;
    void *a = s->arena;
    if (!spie_grow(&a, &s->arena_cap, s->arena_len + n, 1))
        return false;
    s->arena = a;
    memcpy(s->arena + s->arena_len, k, n);
    key_slot v = {h, (uint32_t)s->arena_len, (uint32_t)n};
    keyset_place(s->slots, s->nslots, v);
    s->arena_len += n;
    s->count++;
    return true;
}

/* ---- the accepted steps of etapes (DOUBLON), keys held in the slots ------------------ */

uint64_t spie_stepset_hash(const step_key *k)
{
    uint64_t h = ((uint64_t)k->person1 << 32) ^ (uint32_t)k->day ^ ((uint64_t)k->step << 56) ^ ((uint64_t)k->type << 48);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static bool step_equal(const step_key *a, const step_key *b)
{
    return a->person1 == b->person1 && a->day == b->day && a->step == b->step && a->type == b->type;
}

bool spie_stepset_contains(const stepset *s, const step_key *k, uint64_t h)
{
    if (!s->nslots)
        return false;
    size_t mask = s->nslots - 1;
    for (size_t i = (size_t)h & mask; s->slots[i].person1; i = (i + 1) & mask)
        if (step_equal(&s->slots[i], k))
            return true;
    return false;
}

static void stepset_place(step_key *slots, size_t nslots, const step_key *k, uint64_t h)
{
    size_t mask = nslots - 1;
    size_t i = (size_t)h & mask;
    while (slots[i].person1)
        i = (i + 1) & mask;
    slots[i] = *k;
}

/* Adds a key known to be absent. false when memory runs out. */
bool spie_stepset_add(stepset *s, const step_key *k, uint64_t h)
{
    if ((s->count + 1) * 2 > s->nslots) {
        size_t nn = s->nslots ? s->nslots * 2 : 4096;
        step_key *ns = calloc(nn, sizeof *ns);
        if (!ns)
            return false;
        for (size_t i = 0; i < s->nslots; i++)
            if (s->slots[i].person1)
                stepset_place(ns, nn, &s->slots[i], spie_stepset_hash(&s->slots[i]));
        free(s->slots);
        s->slots = ns;
        s->nslots = nn;
        s->cap = nn;
    }
    stepset_place(s->slots, s->nslots, k, h);
    s->count++;
    return true;
}

/* Empties the set and sizes it for about `expect` keys (no rehash on the way there),
 * reusing the memory it has. false when memory runs out. */
bool spie_stepset_reset(stepset *s, size_t expect)
{
    size_t n = 4096;
    while (n < 2 * expect && n < ((size_t)1 << 26))
        n *= 2;
    if (n > s->cap) {
        step_key *ns = calloc(n, sizeof *ns);
        if (!ns)
            return false;
        free(s->slots);
        s->slots = ns;
        s->cap = n;
    } else {
        memset(s->slots, 0, n * sizeof *s->slots);
    }
    s->nslots = n;
    s->count = 0;
    return true;
}

void spie_stepset_prefetch(const stepset *s, uint64_t h)
{
#if defined(__GNUC__)
    if (s->nslots)
        __builtin_prefetch(&s->slots[(size_t)h & (s->nslots - 1)]);
#else
    (void)s;
    (void)h;
#endif
}

