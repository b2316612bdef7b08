/* The rejects file rejets_<P>.csv.gz (docs/sorties.md §5): one gzip member for the header,
 * then one member per group of plan entries (a territory, or NAT), concatenated in plan
 * order whatever order the workers read them in, so the file is the same for every
 * --jobs. Each group is written to its own part file beside the final one while its
 * territory is read, then spie_rejects_file_finish joins them. */
#ifndef SPIE_REJECTS_H
#define SPIE_REJECTS_H

#include "spie/batch.h"
#include "spie/csvw.h"

/* The rejected rows written per input file; the others are counted (a file of a million
 * bad lines would otherwise make a rejects file many times its size), and the quality
 * report says how many were left out (docs/sorties.md §5). */
#define SPIE_REJECTS_MAX_PER_FILE 100000u

typedef struct spie_rejects_file spie_rejects_file;

/* A writer for n_groups groups into path. NULL when memory runs out. Nothing is created
 * until a group is opened. */
spie_rejects_file *spie_rejects_file_new(const char *path, size_t n_groups);
/* The sink the batch writes through (spie_batch_cfg.rejects). */
spie_rejects_sink spie_rejects_file_sink(spie_rejects_file *f);
/* Writes the header member, then every group's part in order, fsyncs, and removes the
 * parts. 0 or an errno. */
int spie_rejects_file_finish(spie_rejects_file *f);
/* The rejected rows of an input file (its path relative to the inbox) that were counted
 * but not written, beyond SPIE_REJECTS_MAX_PER_FILE. */
uint64_t spie_rejects_file_dropped(const spie_rejects_file *f, const char *file);
/* Removes the part files that remain and frees. Accepts NULL. */
void spie_rejects_file_free(spie_rejects_file *f);

/* One row of the file (NUL bytes of the raw line written as U+FFFD), and its header (also
 * used by tests). */
int spie_rejects_header(spie_csvw *w);
int spie_rejects_row(void *csvw, const spie_reject *r);

#endif
