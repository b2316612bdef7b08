/* The set of accepted keys that tells a DOUBLON among budget rows (docs/format-extraits.md §6): byte
 * keys (parsed values and libellé) in an arena, and an open-addressing table of them
 * (linear probing, power-of-two size, load at most one half). The etapes rows' keys are
 * kept beside their person (persons.h).
 *
 * The set only holds keys: which row is a duplicate, and what is done with it, is for the
 * row rules. Nothing here reads a file or reports anything; every allocation failure is
 * returned. */
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"
#include "spie/util.h"

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
