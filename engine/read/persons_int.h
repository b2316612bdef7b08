/* Private to engine/read/ (persons.c, and the ring of extract_ring.c, which looks persons
 * up on every etapes row): the layout of the person store and the look-ups that run on
 * every row, inline. The interface of the store is include/spie/persons.h. */
#ifndef SPIE_PERSONS_INT_H
#define SPIE_PERSONS_INT_H

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "spie/date.h"
#include "spie/persons.h"

/* ---- layout ------------------------------------------------------------------------------
 * A person is a block of two cache lines, 64-byte aligned: its record with, beside it, its
 * id's length and first ID_HEAD bytes (so that the look-up of an etapes row touches the
 * slot and this line, which the step update needs anyway; the rest of an id longer than
 * ID_HEAD is in the arena), then the keys of its accepted steps (DOUBLON), which the same
 * row reads next. Blocks live in segments of SEG_PERSONS that never move, so growing the
 * store copies nothing and over-allocates one segment at most. */
#define ID_HEAD 19
#define STEP_KEYS 16
#define SEG_SHIFT 14
#define SEG_PERSONS ((size_t)1 << SEG_SHIFT)
#define BIG_ALIGN ((size_t)2 << 20) /* 2 MiB: big tables may be backed by huge pages */

typedef struct rec {
    spie_person p;
    unsigned char id[1 + ID_HEAD]; /* length, then the first ID_HEAD bytes, zero-padded */
} rec;

typedef struct block {
    rec r;
    uint32_t keys[STEP_KEYS]; /* accepted step keys (step_key), 0 = none; then the overflow set */
} block;

_Static_assert(sizeof(rec) == 64, "a record and its id head fill one cache line");
_Static_assert(sizeof(block) == 128, "a person is two cache lines");

/* Memory of a big table, aligned; base is what malloc gave (what free takes). */
typedef struct big {
    void *base;
    void *p;
} big;

struct spie_persons {
    big *seg;           /* segments of SEG_PERSONS blocks */
    size_t nseg, seg_cap;
    size_t count;
    uint32_t *tail;     /* per person: arena offset of the bytes after ID_HEAD (long ids) */
    size_t tail_cap;
    char *arena;
    size_t arena_len, arena_cap;
    uint64_t *slots;    /* (hash tag << 32) | (index + 1); 0 = empty */
    void *slots_base;
    size_t nslots;      /* power of two */
    long last;          /* the last person found (steps of a person often come together) */
    uint64_t *more;     /* step keys beyond STEP_KEYS: (index + 1) << 32 | key; 0 = empty */
    size_t nmore, more_count;
    bool steps_kept;    /* a step key was kept since the store or its keys were last cleared */
};

#if defined(__GNUC__)
#define PREFETCH(a) __builtin_prefetch(a)
#else
#define PREFETCH(a) ((void)(a))
#endif

static inline block *block_at(const spie_persons *p, size_t i)
{
    return &((block *)p->seg[i >> SEG_SHIFT].p)[i & (SEG_PERSONS - 1)];
}

static inline uint64_t load64(const char *s)
{
    uint64_t w;
    memcpy(&w, s, 8);
    return w;
}

static inline uint32_t load32(const char *s)
{
    uint32_t w;
    memcpy(&w, s, 4);
    return w;
}

/* A 64-bit finaliser: every input bit reaches the low bits (the probes of the slot and
 * overflow tables) and the high ones (the slots' tags). */
static inline uint64_t mix64(uint64_t h)
{
    h ^= h >> 32;
    h *= 0xD6E8FEB86659FD93ULL;
    h ^= h >> 32;
    return h;
}

/* The id read a word at a time (the last word overlapping the one before it), each word
 * multiplied in, then a final mix so that linear probing sees well-spread low bits and
 * the tag well-spread high bits. */
static inline uint64_t id_hash(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ ((uint64_t)n * 0xA0761D6478BD642FULL);
    if (n >= 8) {
        size_t i = 0;
        for (; i + 8 < n; i += 8)
            h = (h ^ load64(s + i)) * 0xE7037ED1A0B428DBULL;
        h = (h ^ load64(s + n - 8)) * 0xE7037ED1A0B428DBULL;
    } else if (n >= 4) {
        h = (h ^ ((uint64_t)load32(s) << 32 | load32(s + n - 4))) * 0xE7037ED1A0B428DBULL;
    } else if (n > 0) {
        uint64_t w = (uint64_t)(unsigned char)s[0] << 16 | (uint64_t)(unsigned char)s[n / 2] << 8 |
                     (unsigned char)s[n - 1];
        h = (h ^ w) * 0xE7037ED1A0B428DBULL;
    }
    return mix64(h);
}

/* Whether person idx holds this id (1 to 255 bytes): its length, then its first bytes
 * (at most ID_HEAD) against the record's head, then the rest against the arena. The head
 * is compared with words loaded from the id where it lies, overlapping for a length in
 * between, so that every byte of the head is compared and no byte outside the id is
 * read. The record's bytes after the head of a shorter id are zeros for every id of that
 * length, so they need no compare. There is no copy of the id: a zero-padded key built on
 * the stack and read back at once in wider words than it was written costs more
 * instructions, and such a read may wait for the stores it spans (on the 200 000-person
 * sample the ring's judging went from 215 to 204 million instructions). */
static inline bool id_is(const spie_persons *p, size_t idx, const char *id, size_t n)
{
    const unsigned char *r = block_at(p, idx)->r.id;
    if (r[0] != n)
        return false;
    const char *hd = (const char *)r + 1;
    size_t m = n < ID_HEAD ? n : ID_HEAD;
    bool same;
    if (m >= 8) {
        same = load64(hd) == load64(id) && load64(hd + m - 8) == load64(id + m - 8) &&
               (m <= 16 || load64(hd + 8) == load64(id + 8));
    } else if (m >= 4) {
        same = load32(hd) == load32(id) && load32(hd + m - 4) == load32(id + m - 4);
    } else {
        same = hd[0] == id[0] && hd[m / 2] == id[m / 2] && hd[m - 1] == id[m - 1];
    }
    return same && (n <= ID_HEAD || memcmp(p->arena + p->tail[idx], id + ID_HEAD, n - ID_HEAD) == 0);
}

/* A step as 29 bits, never 0: the day from SPIE_DAY_MIN (22 bits), the step (3), the type
 * (4: 0..8, 15 for none). */
static inline uint32_t step_key(spie_step s, unsigned type, spie_day day)
{
    return (uint32_t)(day - SPIE_DAY_MIN + 1) << 7 | (uint32_t)s << 4 | (type < 15 ? type : 15u);
}

static inline bool more_contains(const spie_persons *p, uint64_t v)
{
    if (!p->nmore)
        return false;
    size_t mask = p->nmore - 1;
    for (size_t i = (size_t)mix64(v) & mask; p->more[i]; i = (i + 1) & mask)
        if (p->more[i] == v)
            return true;
    return false;
}

/* The first slot of h's probe with h's tag: a candidate person (-1 when none), whose two
 * lines start loading. */
static inline long spie_pr_candidate(const spie_persons *p, uint64_t h)
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
            const block *b = block_at(p, (uint32_t)s - 1);
            PREFETCH(&b->r);
            PREFETCH(b->keys);
            return (long)((uint32_t)s - 1);
        }
    }
}

/* Whether person i (< count) has this id (1 to 255 bytes). */
static inline bool spie_pr_id_is(const spie_persons *p, size_t i, const char *id, size_t n)
{
    return id_is(p, i, id, n);
}

/* A step of person i looked up among the accepted ones: its key, and where it is or
 * would be kept (pos < STEP_KEYS: among the person's keys; STEP_KEYS: in the overflow
 * table). */
typedef struct spie_pr_step {
    uint32_t key;
    unsigned pos;
} spie_pr_step;

/* Whether the step of key k (step_key) is already accepted (DOUBLON); fills *l for
 * spie_pr_step_keep. */
static inline bool spie_pr_step_look(const spie_persons *p, size_t i, uint32_t k, spie_pr_step *l)
{
    const uint32_t *keys = block_at(p, i)->keys;
    l->key = k;
    /* Keys fill from the first: the look ends at k or at the first empty key. */
#if defined(__SSE2__) && defined(__GNUC__)
    /* All the keys at once: a bit for each key equal to k, one for each empty key (k is
     * never 0, so never both), and the lowest bit of either is where the loop below
     * stops. More instructions than the loop for a person of few steps, but no branch
     * that depends on how many steps the person has: the loop's exit, taken after a
     * different number of turns on almost every row, was mispredicted. Measured on the
     * largest territory of the national sample (spie check, 40 alternated runs, CPU
     * time), 2 to 4 % less for the whole check; 4 to 6 % on the national sample (8 runs
     * each way). */
    _Static_assert(STEP_KEYS % 4 == 0 && STEP_KEYS <= 32, "the keys are compared four at a time");
    const __m128i vk = _mm_set1_epi32((int)k), zero = _mm_setzero_si128();
    unsigned hit = 0, empty = 0;
    for (unsigned q = 0; q < STEP_KEYS / 4; q++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(keys + 4 * q));
        hit |= (unsigned)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(v, vk))) << (4 * q);
        empty |= (unsigned)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(v, zero))) << (4 * q);
    }
    if (hit | empty) {
        unsigned j = (unsigned)__builtin_ctz(hit | empty);
        l->pos = j;
        return (hit >> j) & 1u;
    }
#else
    for (unsigned j = 0; j < STEP_KEYS; j++) {
        if (keys[j] == k) {
            l->pos = j;
            return true;
        }
        if (keys[j] == 0) {
            l->pos = j;
            return false;
        }
    }
#endif
    l->pos = STEP_KEYS;
    return more_contains(p, (uint64_t)(i + 1) << 32 | k);
}

bool spie_pr_more_add(spie_persons *p, uint64_t v);

/* Keeps the step that spie_pr_step_look did not find. false when memory runs out. */
static inline bool spie_pr_step_keep(spie_persons *p, size_t i, const spie_pr_step *l)
{
    p->steps_kept = true;
    if (l->pos < STEP_KEYS) {
        block_at(p, i)->keys[l->pos] = l->key;
        return true;
    }
    return spie_pr_more_add(p, (uint64_t)(i + 1) << 32 | l->key);
}

/* spie_person_add_step, inline for the ring. */
static inline void spie_pr_add_step(spie_person *pr, spie_step s, unsigned type, spie_day day)
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

#endif
