/* The persons of one territory, as the indicators need them: a small fixed record per
 * accepted beneficiary (entry day, the first day of every step, public, sex, birth year,
 * the type of the first return to activity and of the first exit, the solution types
 * seen), found by id through an open-addressing hash table; the head of each id is kept
 * beside its record, the tail of a long id in an arena.
 *
 * Memory grows with the territory's persons, never with the nation: a batch holds one
 * store per territory being read. */
#ifndef SPIE_PERSONS_H
#define SPIE_PERSONS_H

#include "spie/common.h"

/* Steps of docs/format-extraits.md §4 in the order of its table. */
typedef enum spie_step {
    SPIE_STEP_ORIENTATION = 0,
    SPIE_STEP_DIAGNOSTIC,
    SPIE_STEP_CONTRAT,
    SPIE_STEP_SOLUTION,
    SPIE_STEP_REPRISE,
    SPIE_STEP_SUIVI,
    SPIE_STEP_SORTIE,
    SPIE_STEP_COUNT
} spie_step;

typedef enum spie_public { SPIE_PUBLIC_RSA = 0, SPIE_PUBLIC_JEUNE, SPIE_PUBLIC_DE, SPIE_PUBLIC_TH, SPIE_PUBLIC_COUNT } spie_public;
typedef enum spie_sex { SPIE_SEX_F = 0, SPIE_SEX_M, SPIE_SEX_UNKNOWN, SPIE_SEX_COUNT } spie_sex;

/* Type lists of docs/format-extraits.md §4, in the order of its table (that order breaks ties
 * between rows of the same earliest day, docs/methodologie.md §9). */
enum { SPIE_ORIENT_TYPES = 3, SPIE_SOLUTION_TYPES = 9, SPIE_REPRISE_TYPES = 4, SPIE_SORTIE_TYPES = 4 };
extern const char *const spie_step_codes[SPIE_STEP_COUNT];
extern const char *const spie_orientation_type_codes[SPIE_ORIENT_TYPES];
extern const char *const spie_solution_type_codes[SPIE_SOLUTION_TYPES];
extern const char *const spie_reprise_type_codes[SPIE_REPRISE_TYPES];
extern const char *const spie_sortie_type_codes[SPIE_SORTIE_TYPES];
extern const char *const spie_public_codes[SPIE_PUBLIC_COUNT];
/* Types allowed for a step (NULL list, 0 count for a step without types). */
const char *const *spie_step_types(spie_step s, size_t *count);

#define SPIE_NO_TYPE 0xFF

typedef struct spie_person {
    spie_day entry;
    spie_day first[SPIE_STEP_COUNT]; /* SPIE_NO_DAY when never reached */
    spie_day first_durable;          /* earliest REPRISE of type EMPLOI_DURABLE or CREATION_ENTREPRISE */
    int16_t birth_year;              /* 0 when unknown */
    uint8_t public_;                 /* spie_public */
    uint8_t sex;                     /* spie_sex */
    uint8_t reprise_type;            /* type index of the first REPRISE, SPIE_NO_TYPE if none */
    uint8_t sortie_type;             /* type index of the first SORTIE, SPIE_NO_TYPE if none or untyped */
    uint16_t solution_types;         /* bit i: at least one SOLUTION of type i */
} spie_person;

/* A person who entered on `entry` and reached no step, of unknown sex and birth year
 * (public 0): what spie_persons_add makes of a new id before its row fills it. */
void spie_person_blank(spie_person *p, spie_day entry);

typedef struct spie_persons spie_persons;

spie_persons *spie_persons_new(void);
void spie_persons_free(spie_persons *p); /* accepts NULL */
/* Forgets every person (keeps the memory for reuse). */
void spie_persons_clear(spie_persons *p);

size_t spie_persons_count(const spie_persons *p);
spie_person *spie_persons_at(spie_persons *p, size_t i);
const spie_person *spie_persons_at_const(const spie_persons *p, size_t i);

/* Index of the person with this id, or -1. Remembers the last person found (the steps of
 * a person often come one after the other), hence the non-const store. */
long spie_persons_find(spie_persons *p, const char *id, size_t n);
/* Look-ups in three steps, for a reader that knows its next ids ahead of time (the rows of
 * etapes are in date order, so each one is a random access into a table far larger than
 * the caches): spie_persons_prefetch starts loading the hash slot of h; a few rows later
 * spie_persons_candidate reads that slot and starts loading the record it points to and its
 * accepted steps (the first slot with the same hash tag; a hint, -1 when there is none); a few rows
 * later again spie_persons_find_hashed gives the answer spie_persons_find would, with
 * both lines already in cache. The first two change nothing and may be skipped. */
uint64_t spie_persons_hash(const char *id, size_t n);
void spie_persons_prefetch(const spie_persons *p, uint64_t h);
long spie_persons_candidate(const spie_persons *p, uint64_t h);
long spie_persons_find_hashed(spie_persons *p, const char *id, size_t n, uint64_t h);

/* Adds a person with this id (which must not be present); returns its index, or -1 when
 * memory runs out. The record is initialised with no step reached. The hashed form takes
 * spie_persons_hash(id, n). */
long spie_persons_add(spie_persons *p, const char *id, size_t n);
long spie_persons_add_hashed(spie_persons *p, const char *id, size_t n, uint64_t h);
/* Whether person i has this id (false when there is no person i). */
bool spie_persons_id_is(const spie_persons *p, size_t i, const char *id, size_t n);

/* The steps accepted from the etapes file being read, kept beside each person for the
 * DOUBLON rule (docs/format-extraits.md §6: a row that repeats an accepted row's person, step, day and
 * type). spie_persons_candidate loads them with the record. Cleared by
 * spie_persons_steps_clear (at the start of every etapes file) and spie_persons_clear.
 * Memory: 64 bytes a person, and a small table for a person's steps beyond the 16th. */
void spie_persons_steps_clear(spie_persons *p);
bool spie_persons_step_seen(const spie_persons *p, size_t i, spie_step s, unsigned type, spie_day day);
/* Keeps a step known not to be there; false when memory runs out. */
bool spie_persons_step_keep(spie_persons *p, size_t i, spie_step s, unsigned type, spie_day day);

/* Folds one accepted step row into the person: keeps the earliest day of each step and
 * the type rules of docs/methodologie.md §9 (type = index in the step's list, SPIE_NO_TYPE for
 * none). */
void spie_person_add_step(spie_person *pr, spie_step s, unsigned type, spie_day day);

#endif
