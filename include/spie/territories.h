/* The programme's territories (docs/format-extraits.md §7): département, wave, State allocation.
 * Read from the programme office's CSV (--territories FILE), or the default shipped with
 * the project (built from the published lists; allocations illustrative). */
#ifndef SPIE_TERRITORIES_H
#define SPIE_TERRITORIES_H

#include "spie/common.h"
#include "spie/error.h"
#include "spie/geo.h"

typedef enum spie_wave { SPIE_WAVE_EXP2020 = 0, SPIE_WAVE_AMI1, SPIE_WAVE_AMI2, SPIE_WAVE_COUNT } spie_wave;

const char *spie_wave_code(spie_wave w);     /* "EXP2020", "AMI1", "AMI2" */
spie_month spie_wave_start(spie_wave w);      /* 2020-03, 2021-05, 2022-02 */

typedef struct spie_territory {
    const spie_dept *dept;
    spie_wave wave;
    spie_cents allocation; /* State grant, cents, >= 0 */
} spie_territory;

/* The largest allocation a table may give one territory: ten billion euros, 125 times
 * the whole envelope. Beyond it the table is refused (a typo, not a budget). */
#define SPIE_ALLOCATION_MAX ((spie_cents)1000000000000) /* cents */

typedef struct spie_territories {
    spie_territory *items; /* sorted by département code (byte order) */
    size_t count;
} spie_territories;

/* Parses a territories table (UTF-8 CSV, ',' or ';', header
 * departement,vague,allocation_etat, matched as docs/format-extraits.md §2 says). Any error (unknown
 * département, unknown wave, an empty, malformed or negative amount, a département twice,
 * missing column) fails the whole table: returns SPIE_E_INPUT and fills *err (line 0: the
 * file as a whole; msg French, without the file name, which err->file leaves empty). A
 * path that is not a regular file (a folder, a FIFO) is refused without waiting on it.
 * SPIE_E_MEMORY when memory runs out. */
spie_rc spie_territories_load(const char *path, spie_territories *out, spie_error *err);
/* Same, from bytes in memory. */
spie_rc spie_territories_parse(const char *data, size_t n, spie_territories *out, spie_error *err);
/* The default table shipped with the project. */
spie_rc spie_territories_default(spie_territories *out, spie_error *err);
/* The shipped default as CSV text (what `spie sample` writes beside an inbox). */
const char *spie_territories_default_csv(void);

const spie_territory *spie_territories_find(const spie_territories *t, const char *code, size_t n);
void spie_territories_free(spie_territories *t); /* accepts NULL; leaves it empty */

#endif
