/* INSEE reference tables (Code officiel géographique, regions since 2016): 18 regions,
 * 101 départements, codes as text ("01", "2A", "971"; there is no "20"). Static data
 * carried by the project (engine/core/geo.c); no file is read. */
#ifndef SPIE_GEO_H
#define SPIE_GEO_H

#include "spie/common.h"

typedef struct spie_region {
    const char *code;  /* "76" */
    const char *name;  /* "Occitanie" (UTF-8) */
    const char *slug;  /* "occitanie": lower-case ASCII, words joined by '-' */
} spie_region;

typedef struct spie_dept {
    const char *code;        /* "31", "2A", "971" */
    const char *name;        /* "Haute-Garonne" */
    const char *region_code; /* "76" */
} spie_dept;

size_t spie_region_count(void);
const spie_region *spie_region_at(size_t i); /* sorted by code (byte order) */
const spie_region *spie_region_find(const char *code, size_t n);
/* The index i of a région of the table (spie_region_at(i) == r); spie_region_count() for
 * NULL or a région not of the table. */
size_t spie_region_index(const spie_region *r);

size_t spie_dept_count(void);
const spie_dept *spie_dept_at(size_t i); /* sorted by code (byte order) */
/* Exact, case-sensitive match on the INSEE code ("2A", not "2a"). */
const spie_dept *spie_dept_find(const char *code, size_t n);
/* The region of a département (never NULL for a table entry; NULL for NULL). */
const spie_region *spie_dept_region(const spie_dept *d);

#endif
