/* Person store: a block of two cache lines per person (its record with the head of its id,
 * then the keys of its accepted steps) in segments that never move, the tails of long ids
 * in an arena, and an open-addressing hash table (linear probing, power-of-two size, load
 * <= 0.5) of indices; and the rules that fold a step into a person's record
 * (docs/methodologie.md §9).
 *
 * It knows ids and records, not rows: it may not validate a field or reject anything (the
 * row rules of extract_rules.c and extract_ring.c do). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "persons_int.h"
#include "spie/util.h"

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

/* Memory for a big table, from malloc (so that the tests' failing allocator sees it):
 * aligned on a cache line, and from 2 MiB on aligned so that the kernel may back it with
 * huge pages (fewer TLB misses on the look-ups' random accesses), and asked to. false
 * when memory runs out. */
static bool big_alloc(big *m, size_t bytes)
{
    size_t align = bytes >= BIG_ALIGN ? BIG_ALIGN : 64;
    m->base = malloc(bytes + align);
    if (!m->base)
        return false;
    uintptr_t a = ((uintptr_t)m->base + align - 1) & ~(uintptr_t)(align - 1);
    m->p = (char *)m->base + (a - (uintptr_t)m->base);
#if defined(MADV_HUGEPAGE)
    if (align == BIG_ALIGN)
        (void)madvise(m->p, bytes, MADV_HUGEPAGE); /* a hint: without it, plain pages */
#endif
    return true;
}

void spie_person_blank(spie_person *p, spie_day entry)
{
    memset(p, 0, sizeof *p);
    p->entry = entry;
    for (int s = 0; s < SPIE_STEP_COUNT; s++)
        p->first[s] = SPIE_NO_DAY;
    p->first_durable = SPIE_NO_DAY;
    p->reprise_type = SPIE_NO_TYPE;
    p->sortie_type = SPIE_NO_TYPE;
    p->sex = SPIE_SEX_UNKNOWN;
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
    for (size_t i = 0; i < p->nseg; i++)
        free(p->seg[i].base);
    free(p->seg);
    free(p->tail);
    free(p->arena);
    free(p->slots_base);
    free(p->more);
    free(p);
}

void spie_persons_clear(spie_persons *p)
{
    p->count = 0;
    p->arena_len = 0;
    p->last = -1;
    if (p->slots)
        memset(p->slots, 0, p->nslots * sizeof *p->slots);
    if (p->more)
        memset(p->more, 0, p->nmore * sizeof *p->more);
    p->more_count = 0;
    p->steps_kept = false;
}

size_t spie_persons_count(const spie_persons *p) { return p->count; }
spie_person *spie_persons_at(spie_persons *p, size_t i) { return &block_at(p, i)->r.p; }
const spie_person *spie_persons_at_const(const spie_persons *p, size_t i) { return &block_at(p, i)->r.p; }

uint64_t spie_persons_hash(const char *id, size_t n) { return id_hash(id, n); }

void spie_persons_prefetch(const spie_persons *p, uint64_t h)
{
    if (p->nslots)
        PREFETCH(&p->slots[(size_t)h & (p->nslots - 1)]);
}

long spie_persons_candidate(const spie_persons *p, uint64_t h) { return spie_pr_candidate(p, h); }

long spie_persons_find(spie_persons *p, const char *id, size_t n)
{
    if (!p->nslots)
        return -1;
    if (n == 0 || n > 255)
        return -1; /* never stored (spie_persons_add) */
    if (p->last >= 0 && (size_t)p->last < p->count && id_is(p, (size_t)p->last, id, n))
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
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        uint64_t s = p->slots[i];
        if (!s)
            return -1;
        /* The tag spares the record access (a cache miss) for most non-matching slots. */
        if ((s >> 32) == tag && id_is(p, (uint32_t)s - 1, id, n)) {
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

/* The id of person i, whole, into buf (at least 255 bytes); its length. */
static size_t id_of(const spie_persons *p, size_t i, char *buf)
{
    const rec *r = &block_at(p, i)->r;
    size_t n = r->id[0];
    memcpy(buf, r->id + 1, n < ID_HEAD ? n : ID_HEAD);
    if (n > ID_HEAD)
        memcpy(buf + ID_HEAD, p->arena + p->tail[i], n - ID_HEAD);
    return n;
}

/* Doubles the slot table (hashing every id again). -1 when memory runs out. */
static int grow_slots(spie_persons *p)
{
    size_t n = p->nslots ? p->nslots * 2 : 1024;
    big m;
    if (!big_alloc(&m, n * sizeof *p->slots))
        return -1;
    uint64_t *s = m.p;
    memset(s, 0, n * sizeof *s);
    char id[256];
    for (size_t i = 0; i < p->count; i++) {
        size_t len = id_of(p, i, id);
        slot_insert(s, n, id_hash(id, len), (uint32_t)(i + 1));
    }
    free(p->slots_base);
    p->slots = s;
    p->slots_base = m.base;
    p->nslots = n;
    return 0;
}

/* Room for person p->count: its block, and its tail offset. -1 when memory runs out. */
static int reserve_person(spie_persons *p)
{
    size_t si = p->count >> SEG_SHIFT;
    if (si == p->nseg) {
        void *segs = p->seg;
        if (!spie_grow(&segs, &p->seg_cap, p->nseg + 1, sizeof *p->seg))
            return -1;
        p->seg = segs;
        if (!big_alloc(&p->seg[si], SEG_PERSONS * sizeof(block)))
            return -1;
        p->nseg++;
    }
    void *t = p->tail;
    if (!spie_grow(&t, &p->tail_cap, p->count + 1, sizeof *p->tail))
        return -1;
    p->tail = t;
    return 0;
}

bool spie_persons_id_is(const spie_persons *p, size_t i, const char *id, size_t n)
{
    if (i >= p->count || n == 0 || n > 255)
        return false;
    return id_is(p, i, id, n);
}

long spie_persons_add(spie_persons *p, const char *id, size_t n)
{
    return spie_persons_add_hashed(p, id, n, id_hash(id, n));
}

long spie_persons_add_hashed(spie_persons *p, const char *id, size_t n, uint64_t h)
{
    if (n == 0 || n > 255 || p->count >= UINT32_MAX - 1)
        return -1;
    if (reserve_person(p) != 0)
        return -1;
    if (n > ID_HEAD) {
        size_t tn = n - ID_HEAD;
        if (p->arena_len + tn > UINT32_MAX) /* offsets are 32-bit */
            return -1;
        void *a = p->arena;
        if (!spie_grow(&a, &p->arena_cap, p->arena_len + tn, 1))
            return -1;
        p->arena = a;
    }
    if ((p->count + 1) * 2 > p->nslots && grow_slots(p) != 0)
        return -1;
    block *b = block_at(p, p->count);
    memset(b, 0, sizeof *b);
    b->r.id[0] = (unsigned char)n;
    memcpy(b->r.id + 1, id, n < ID_HEAD ? n : ID_HEAD);
    p->tail[p->count] = 0;
    if (n > ID_HEAD) {
        p->tail[p->count] = (uint32_t)p->arena_len;
        memcpy(p->arena + p->arena_len, id + ID_HEAD, n - ID_HEAD);
        p->arena_len += n - ID_HEAD;
    }
    spie_person_blank(&b->r.p, 0); /* its entry and the rest come with its row */
    slot_insert(p->slots, p->nslots, h, (uint32_t)(p->count + 1));
    return (long)p->count++;
}

/* ---- accepted steps (DOUBLON) ----------------------------------------------------------- */

static void more_place(uint64_t *t, size_t n, uint64_t v)
{
    size_t mask = n - 1, i = (size_t)mix64(v) & mask;
    while (t[i])
        i = (i + 1) & mask;
    t[i] = v;
}

bool spie_pr_more_add(spie_persons *p, uint64_t v)
{
    if ((p->more_count + 1) * 2 > p->nmore) {
        size_t n = p->nmore ? p->nmore * 2 : 1024;
        uint64_t *t = calloc(n, sizeof *t);
        if (!t)
            return false;
        for (size_t i = 0; i < p->nmore; i++)
            if (p->more[i])
                more_place(t, n, p->more[i]);
        free(p->more);
        p->more = t;
        p->nmore = n;
    }
    more_place(p->more, p->nmore, v);
    p->more_count++;
    return true;
}

void spie_persons_steps_clear(spie_persons *p)
{
    if (!p->steps_kept)
        return; /* persons are added without keys: nothing to clear */
    for (size_t i = 0; i < p->count; i++)
        memset(block_at(p, i)->keys, 0, sizeof block_at(p, i)->keys);
    if (p->more)
        memset(p->more, 0, p->nmore * sizeof *p->more);
    p->more_count = 0;
    p->steps_kept = false;
}

bool spie_persons_step_seen(const spie_persons *p, size_t i, spie_step s, unsigned type, spie_day day)
{
    spie_pr_step l;
    return spie_pr_step_look(p, i, step_key(s, type, day), &l);
}

bool spie_persons_step_keep(spie_persons *p, size_t i, spie_step s, unsigned type, spie_day day)
{
    spie_pr_step l;
    (void)spie_pr_step_look(p, i, step_key(s, type, day), &l);
    return spie_pr_step_keep(p, i, &l);
}

void spie_person_add_step(spie_person *pr, spie_step s, unsigned type, spie_day day)
{
    spie_pr_add_step(pr, s, type, day);
}
