/* Person store: records in one growing array, ids in an arena, and an open-addressing
 * hash table (linear probing, power-of-two size, load <= 0.5) of indices into the array;
 * and the rules that fold a step into a person's record (indicators.md §9).
 *
 * It knows ids and records, not rows: it may not validate a field or reject anything (the
 * row rules of extract_rules.c and extract_ring.c do). */
#include "spie/persons.h"
#include "spie/util.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

const char *const spie_step_codes[SPIE_STEP_COUNT] = {
    "ORIENTATION", "DIAGNOSTIC", "CONTRAT", "SOLUTION", "REPRISE", "SUIVI", "SORTIE"};
const char *const spie_orientation_type_codes[SPIE_ORIENT_TYPES] = {"SOCIALE", "PROFESSIONNELLE", "SOCIO_PRO"};
const char *const spie_solution_type_codes[SPIE_SOLUTION_TYPES] = {
    "FORMATION", "IMMERSION", "EMPLOI_AIDE", "CREATION", "LOGEMENT",
    "SANTE", "MOBILITE", "GARDE_ENFANTS", "AUTRE"};
const char *const spie_reprise_type_codes[SPIE_REPRISE_TYPES] = {
    "EMPLOI_DURABLE", "EMPLOI_TEMPORAIRE", "FORMATION_QUALIFIANTE", "CREATION_ENTREPRISE"};
const char *const spie_sortie_type_codes[SPIE_SORTIE_TYPES] = {"DEMENAGEMENT", "FIN_DROITS", "ABANDON", "AUTRE"};
const char *const spie_public_codes[SPIE_PUBLIC_COUNT] = {"RSA", "JEUNE", "DE", "TH"};

const char *const *spie_step_types(spie_step s, size_t *count)
{
    switch (s) {
    case SPIE_STEP_ORIENTATION: *count = SPIE_ORIENT_TYPES; return spie_orientation_type_codes;
    case SPIE_STEP_SOLUTION: *count = SPIE_SOLUTION_TYPES; return spie_solution_type_codes;
    case SPIE_STEP_REPRISE: *count = SPIE_REPRISE_TYPES; return spie_reprise_type_codes;
    case SPIE_STEP_SORTIE: *count = SPIE_SORTIE_TYPES; return spie_sortie_type_codes;
    default: *count = 0; return NULL;
    }
}

typedef struct id_ref {
    uint32_t off; /* offset of the id in the arena */
    uint8_t len;
} id_ref;

/* A record and, beside it in the same 64-byte line, the first bytes of its id: the
 * look-up of an etapes row then touches the slot and this line (which the step update
 * needs anyway), and the arena only for ids longer than ID_HEAD. */
#define ID_HEAD 15
typedef struct entry {
    spie_person p;
    uint8_t id_len;
    char id_head[ID_HEAD];
} entry;

struct spie_persons {
    entry *rec;
    id_ref *ids;
    size_t count, cap;
    char *arena;
    size_t arena_len, arena_cap;
    uint64_t *slots; /* (hash tag << 32) | (index + 1); 0 = empty */
    size_t nslots;   /* power of two */
    long last;       /* the last person found (steps of a person often come together) */
};

static uint64_t id_hash(const char *s, size_t n)
{
    /* FNV-1a, then a final mix so that linear probing sees well-spread low bits. */
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

spie_persons *spie_persons_new(void)
{
    spie_persons *p = calloc(1, sizeof(spie_persons));
    if (p)
        p->last = -1;
    return p;
}

void spie_persons_free(spie_persons *p)
{
    if (!p)
        return;
    free(p->rec);
    free(p->ids);
    free(p->arena);
    free(p->slots);
    free(p);
}

void spie_persons_clear(spie_persons *p)
{
    p->count = 0;
    p->arena_len = 0;
    p->last = -1;
    if (p->slots)
        memset(p->slots, 0, p->nslots * sizeof *p->slots);
}

size_t spie_persons_count(const spie_persons *p) { return p->count; }
spie_person *spie_persons_at(spie_persons *p, size_t i) { return &p->rec[i].p; }
const spie_person *spie_persons_at_const(const spie_persons *p, size_t i) { return &p->rec[i].p; }

/* An id's length and first ID_HEAD bytes, zero-padded, as the entry holds them (id_len
 * then id_head, 16 bytes): one comparison of two words tells most ids apart. */
_Static_assert(offsetof(entry, id_head) == offsetof(entry, id_len) + 1, "id_len and id_head are 16 bytes in a row");

typedef struct id_key {
    uint64_t w[2];
} id_key;

static id_key key_of(const char *id, size_t n)
{
    unsigned char b[1 + ID_HEAD] = {0};
    b[0] = (unsigned char)n;
    memcpy(b + 1, id, n < ID_HEAD ? n : ID_HEAD);
    id_key k;
    memcpy(k.w, b, sizeof b);
    return k;
}

static bool id_is(const spie_persons *p, size_t idx, const id_key *k, const char *id, size_t n)
{
    const entry *e = &p->rec[idx];
    uint64_t w[2];
    memcpy(w, &e->id_len, sizeof w);
    if (w[0] != k->w[0] || w[1] != k->w[1])
        return false;
    return n <= ID_HEAD || memcmp(p->arena + p->ids[idx].off + ID_HEAD, id + ID_HEAD, n - ID_HEAD) == 0;
}

#if defined(__GNUC__)
#define PREFETCH(a) __builtin_prefetch(a)
#else
#define PREFETCH(a) ((void)(a))
#endif

uint64_t spie_persons_hash(const char *id, size_t n) { return id_hash(id, n); }

void spie_persons_prefetch(const spie_persons *p, uint64_t h)
{
    if (p->nslots)
        PREFETCH(&p->slots[(size_t)h & (p->nslots - 1)]);
}

long spie_persons_candidate(const spie_persons *p, uint64_t h)
{
    if (!p->nslots)
        return -1;
    uint64_t tag = h >> 32;
    size_t mask = p->nslots - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        uint64_t s = p->slots[i];
        if (!s)
            return -1;
        if ((s >> 32) == tag) {
            PREFETCH(&p->rec[(uint32_t)s - 1]);
            return (long)((uint32_t)s - 1);
        }
    }
}

long spie_persons_find(spie_persons *p, const char *id, size_t n)
{
    if (!p->nslots)
        return -1;
    if (n == 0 || n > 255)
        return -1; /* never stored (spie_persons_add) */
    id_key k = key_of(id, n);
    if (p->last >= 0 && (size_t)p->last < p->count && id_is(p, (size_t)p->last, &k, id, n))
        return p->last;
    return spie_persons_find_hashed(p, id, n, id_hash(id, n));
}

long spie_persons_find_hashed(spie_persons *p, const char *id, size_t n, uint64_t h)
{
    if (!p->nslots)
        return -1;
    if (n == 0 || n > 255)
        return -1; /* never stored (spie_persons_add) */
    uint64_t tag = h >> 32;
    size_t mask = p->nslots - 1;
    id_key k = key_of(id, n);
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        uint64_t s = p->slots[i];
        if (!s)
            return -1;
        /* The tag spares the record access (a cache miss) for most non-matching slots. */
        if ((s >> 32) == tag && id_is(p, (uint32_t)s - 1, &k, id, n)) {
            p->last = (long)((uint32_t)s - 1);
            return (long)((uint32_t)s - 1);
        }
    }
}

static void slot_insert(uint64_t *slots, size_t nslots, uint64_t h, uint32_t v)
{
    size_t mask = nslots - 1;
    size_t i = (size_t)h & mask;
    while (slots[i])
        i = (i + 1) & mask;
    slots[i] = ((h >> 32) << 32) | v;
}

static int grow_slots(spie_persons *p)
{
    size_t n = p->nslots ? p->nslots * 2 : 1024;
    uint64_t *s = calloc(n, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < p->count; i++)
        slot_insert(s, n, id_hash(p->arena + p->ids[i].off, p->ids[i].len), (uint32_t)(i + 1));
    free(p->slots);
    p->slots = s;
    p->nslots = n;
    return 0;
}

long spie_persons_add(spie_persons *p, const char *id, size_t n)
{
    if (n == 0 || n > 255 || p->count >= UINT32_MAX - 1)
        return -1;
    if (p->count == p->cap) {
        /* rec and ids share cap: when the second fails, cap stays at the smaller size. */
        size_t rcap = p->cap, icap = p->cap;
        void *r = p->rec, *d = p->ids;
        if (!spie_grow(&r, &rcap, p->count + 1, sizeof *p->rec))
            return -1;
        p->rec = r;
        if (!spie_grow(&d, &icap, p->count + 1, sizeof *p->ids))
            return -1;
        p->ids = d;
        p->cap = icap;
    }
    if (p->arena_len + n > UINT32_MAX) /* offsets are 32-bit */
        return -1;
    void *a = p->arena;
    if (!spie_grow(&a, &p->arena_cap, p->arena_len + n, 1))
        return -1;
    p->arena = a;
    if ((p->count + 1) * 2 > p->nslots && grow_slots(p) != 0)
        return -1;
    memcpy(p->arena + p->arena_len, id, n);
    p->ids[p->count].off = (uint32_t)p->arena_len;
    p->ids[p->count].len = (uint8_t)n;
    p->arena_len += n;
    entry *e = &p->rec[p->count];
    memset(e, 0, sizeof *e);
    e->id_len = (uint8_t)n;
    memcpy(e->id_head, id, n < ID_HEAD ? n : ID_HEAD);
    spie_person *r = &e->p;
    for (int s = 0; s < SPIE_STEP_COUNT; s++)
        r->first[s] = SPIE_NO_DAY;
    r->first_durable = SPIE_NO_DAY;
    r->reprise_type = SPIE_NO_TYPE;
    r->sortie_type = SPIE_NO_TYPE;
    r->sex = SPIE_SEX_UNKNOWN;
    slot_insert(p->slots, p->nslots, id_hash(id, n), (uint32_t)(p->count + 1));
    return (long)p->count++;
}

void spie_person_add_step(spie_person *pr, spie_step s, unsigned type, spie_day day)
{
    spie_day cur = pr->first[s];
    if (s == SPIE_STEP_REPRISE) {
        /* The type of the first return; on the same day, the one listed first. */
        if (cur == SPIE_NO_DAY || day < cur || (day == cur && type < pr->reprise_type))
            pr->reprise_type = (uint8_t)type;
        if ((type == 0 || type == 3) && (pr->first_durable == SPIE_NO_DAY || day < pr->first_durable))
            pr->first_durable = day;
    } else if (s == SPIE_STEP_SORTIE) {
        /* On the same day a typed exit wins over an untyped one (SPIE_NO_TYPE is largest). */
        if (cur == SPIE_NO_DAY || day < cur || (day == cur && type < pr->sortie_type))
            pr->sortie_type = (uint8_t)type;
    } else if (s == SPIE_STEP_SOLUTION && type != SPIE_NO_TYPE) {
        pr->solution_types |= (uint16_t)(1u << type);
    }
    if (cur == SPIE_NO_DAY || day < cur)
        pr->first[s] = day;
}
