/* Rows in flight. The rules of an etapes row that need its person (unknown person,
 * DOUBLON, step before entry, REPRISE without type) touch places of tables far larger
 * than the caches: the person's hash slot, then the person's two lines (record and
 * accepted steps). The rows come in date order, so each is a cache miss. So a row that
 * passed the other rules waits in a ring of PIPE rows: when it enters, the load of its
 * hash slot starts; PIPE/2 rows later its candidate person's lines start loading; when
 * it leaves, the rules run as they would have at once, on lines already in cache. A
 * beneficiaires row waits the same way for its slot, before its DOUBLON rule and its
 * entry into the persons.
 *
 * Nothing else changes: rows are judged in the order of the lines, and every other
 * reject, a failure and the end of the file first let the waiting rows through, so the
 * rejects, the counts and the stores are those of a row-by-row reading. This file holds
 * the rules that need the person (docs/format-extraits.md §6) and nothing of lines or fields. */
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"
#include "persons_int.h"

bool spie_rd_pipe_alloc(struct pending **pipe, char **raw)
{
    *pipe = calloc(PIPE, sizeof **pipe);
    *raw = malloc((size_t)PIPE * RAW_KEEP);
    if (!*pipe || !*raw)
        return false;
    for (size_t i = 0; i < PIPE; i++)
        (*pipe)[i].own_raw = *raw + i * RAW_KEEP;
    return true;
}

static void etapes_judge(reader *r, pending *e);
static void person_judge(reader *r, pending *e);

/* Judges the oldest waiting row (etapes: the file is an etapes file). The ring's entry
 * points below are specialised by kind and inlined: no call and no test of the kind per
 * row. */
SPIE_HOT void pipe_pop_kind(reader *r, bool etapes)
{
    pending *e = &r->pipe[r->pipe_head];
    r->pipe_head = (r->pipe_head + 1) & (PIPE - 1);
    r->pipe_len--;
    if (etapes)
        etapes_judge(r, e);
    else
        person_judge(r, e);
}

static void pipe_pop(reader *r) { pipe_pop_kind(r, r->job->kind == SPIE_KIND_ETAPES); }

void spie_rd_pipe_flush(reader *r)
{
    if (r->in_flush)
        return;
    r->in_flush = true;
    while (r->pipe_len && !r->failed)
        pipe_pop(r);
    if (r->failed) { /* rows after the failure were never read */
        r->rep->rows_read -= r->pipe_len;
        r->pipe_len = 0;
    }
    r->in_flush = false;
}

/* Halfway: the slot is in cache; the person's lines (etapes) start loading. A
 * beneficiaires row asks again for its slot (the table may have grown since). */
SPIE_HOT void pipe_probe(reader *r, pending *e, bool etapes)
{
    spie_persons *ps = r->job->persons;
    if (!etapes) {
        if (ps->nslots)
            PREFETCH(&ps->slots[(size_t)e->h & (ps->nslots - 1)]);
        return;
    }
    e->cand = spie_pr_candidate(ps, e->h);
    if (e->cand >= 0 && ps->more_count) /* only a person of more than 16 steps looks there */
        PREFETCH(&ps->more[(size_t)mix64((uint64_t)(e->cand + 1) << 32 | e->key) & (ps->nmore - 1)]);
}

/* A new row at the ring's end, its id and bytes in place or copied (see pending); NULL
 * when the row comes after a failure (it was never read). */
SPIE_HOT pending *pipe_enter(reader *r, spie_str id, bool etapes)
{
    if (r->pipe_len == PIPE) {
        r->in_flush = true;
        pipe_pop_kind(r, etapes);
        r->in_flush = false;
        if (r->failed) {
            r->rep->rows_read -= r->pipe_len + 1; /* these rows and this one come after the failure */
            r->pipe_len = 0;
            return NULL;
        }
    }
    pending *e = &r->pipe[(r->pipe_head + r->pipe_len) & (PIPE - 1)];
    e->line = r->rec_start;
    e->id_len = (uint8_t)id.n;
    e->raw_len = r->rawn;
    if (r->in_place) {
        e->id = id.s;
        e->raw = r->rawp;
    } else {
        memcpy(e->own_id, id.s, id.n);
        if (r->rawn)
            memcpy(e->own_raw, r->rawp, r->rawn);
        e->id = e->own_id;
        e->raw = e->own_raw;
    }
    e->h = id_hash(id.s, id.n);
    e->cand = -2;
    const spie_persons *ps = r->job->persons;
    if (ps->nslots)
        PREFETCH(&ps->slots[(size_t)e->h & (ps->nslots - 1)]);
    return e;
}

SPIE_HOT void pipe_advance(reader *r, bool etapes)
{
    r->pipe_len++;
    if (r->pipe_len > PIPE / 2)
        pipe_probe(r, &r->pipe[(r->pipe_head + r->pipe_len - 1 - PIPE / 2) & (PIPE - 1)], etapes);
}

void spie_rd_pipe_push(reader *r, spie_str id, spie_day day, uint8_t step, uint8_t type)
{
    pending *e = pipe_enter(r, id, true);
    if (!e)
        return;
    e->day = day;
    e->step = step;
    e->type = type;
    e->key = step_key((spie_step)step, type, day);
    pipe_advance(r, true);
}

void spie_rd_pipe_push_person(reader *r, spie_str id, spie_day entry, uint8_t pub, uint8_t sex, int16_t year)
{
    pending *e = pipe_enter(r, id, false);
    if (!e)
        return;
    e->day = entry;
    e->pub = pub;
    e->sex = sex;
    e->year = year;
    pipe_advance(r, false);
}

/* A reject of a waiting row: its own line and bytes. */
static void reject_pending(reader *r, const pending *e, spie_reason why, int col)
{
    uint64_t line = r->rec_start;
    const char *rawp = r->rawp;
    size_t rawn = r->rawn;
    r->rec_start = e->line;
    r->rawp = e->raw;
    r->rawn = e->raw_len;
    spie_rd_reject(r, why, col);
    r->rec_start = line;
    r->rawp = rawp;
    r->rawn = rawn;
}

/* The rules of docs/format-extraits.md §6 that need the person, in their order. */
static void etapes_judge(reader *r, pending *e)
{
    spie_persons *ps = r->job->persons;
    /* The candidate is the answer when its id is the row's (it is the first slot of the
     * probe with the id's tag); otherwise the probe goes on. */
    long idx = e->cand >= 0 && spie_pr_id_is(ps, (size_t)e->cand, e->id, e->id_len)
                   ? e->cand
                   : spie_persons_find_hashed(ps, e->id, e->id_len, e->h);
    /* DOUBLON compares with accepted rows only; an unknown person has none. */
    spie_step step = (spie_step)e->step;
    spie_pr_step look;
    if (idx >= 0 && spie_pr_step_look(ps, (size_t)idx, e->key, &look))
        { reject_pending(r, e, SPIE_R_DOUBLON, E_ID); return; }
    if (idx < 0)
        { reject_pending(r, e, SPIE_R_BENEFICIAIRE_INCONNU, E_ID); return; }
    spie_person *p = &block_at(ps, (size_t)idx)->r.p;
    if (e->day < p->entry)
        { reject_pending(r, e, SPIE_R_ETAPE_AVANT_ENTREE, E_DATE); return; }
    if (step == SPIE_STEP_REPRISE && e->type == SPIE_NO_TYPE)
        { reject_pending(r, e, SPIE_R_TYPE_MANQUANT, E_TYPE); return; }
    if (!spie_pr_step_keep(ps, (size_t)idx, &look))
        { spie_rd_fail_memory(r); return; }
    spie_pr_add_step(p, step, e->type, e->day);
    r->rep->rows_accepted++;
}

/* The rule of a beneficiaires row that needs the persons already read: DOUBLON. */
static void person_judge(reader *r, pending *e)
{
    spie_persons *ps = r->job->persons;
    if (spie_persons_find_hashed(ps, e->id, e->id_len, e->h) >= 0)
        { reject_pending(r, e, SPIE_R_DOUBLON, B_ID); return; }
    long idx = spie_persons_add_hashed(ps, e->id, e->id_len, e->h);
    if (idx < 0)
        { spie_rd_fail_memory(r); return; }
    spie_person *p = spie_persons_at(ps, (size_t)idx);
    p->entry = e->day;
    p->public_ = e->pub;
    p->sex = e->sex;
    p->birth_year = e->year;
    r->rep->rows_accepted++;
}
