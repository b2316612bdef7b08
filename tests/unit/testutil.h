/* Helpers shared by the unit tests. */
#ifndef SPIE_TESTUTIL_H
#define SPIE_TESTUTIL_H

#include <stddef.h>

#include "spie/common.h"

/* A fresh temporary directory (under $TMPDIR or /tmp); the test removes it with
 * tu_rmtree. Returns a malloc'd path, NULL on failure. */
char *tu_mkdtemp(void);
/* Removes a directory tree (no symlink is followed). 0 on success. */
int tu_rmtree(const char *path);
/* Writes n bytes to dir/name; returns a malloc'd full path, NULL on failure. */
char *tu_write_file(const char *dir, const char *name, const void *data, size_t n);
/* gzip-compresses data (one member, level 6) into a malloc'd buffer; *out_n its size. */
unsigned char *tu_gzip(const void *data, size_t n, size_t *out_n);
/* Reads a whole (small) file into a malloc'd NUL-terminated buffer. */
char *tu_read_file(const char *path, size_t *out_n);
/* A decimal-comma locale built for the tests when none is installed: only LC_NUMERIC
 * (',' decimal point, '.' thousands), ASCII charmap, compiled by localedef into dir (a
 * few milliseconds) and found through LOCPATH, which this sets. localedef exits 1 because
 * the other categories are missing (-c writes the locale anyway), so callers judge
 * success by setlocale. Returns the locale name, NULL when localedef is not available. */
const char *tu_build_comma_locale(const char *dir);

/* A path of the source tree: $SPIE_SRCDIR/rel, else rel from the current directory (make
 * test runs from the repository root). malloc'd, NULL on failure. */
char *tu_src_path(const char *rel);

/* A spie_str over a C string. */
spie_str tu_str(const char *s);

struct spie_table;
struct spie_territories;
struct spie_params;
/* Makes a hand-built publication table whole, as the engine writes it for the
 * territories terr, parameters p and period P: every row without an identity gets the
 * one its name has in the catalogue; every figure the catalogue says a group publishes
 * (France, each région with a territory, each wave, each territory) and every figure of
 * a breakdown cell that has a row is added as nd when missing; the table is sorted.
 * false when a name is not the catalogue's or memory runs out. */
bool tu_table_complete(struct spie_table *t, const struct spie_territories *terr, const struct spie_params *p,
                       spie_month period);

#endif
