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
/* A spie_str over a C string. */
spie_str tu_str(const char *s);

#endif
