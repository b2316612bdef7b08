/* Writing CSV files (RFC 4180 quoting, ',' separator, LF line ends, UTF-8), plain or
 * gzip-compressed (one member, no file name, mtime 0: the same rows give the same bytes).
 *
 * Errors are sticky: after the first failed write every call returns -1 and
 * spie_csvw_close reports the errno of that first failure. */
#ifndef SPIE_CSVW_H
#define SPIE_CSVW_H

#include "spie/common.h"

typedef struct spie_csvw spie_csvw;

/* Creates (truncates) path with mode 0644. NULL with errno set on failure. */
spie_csvw *spie_csvw_open(const char *path, bool gzip);
/* One field: quoted when it holds ',', '"', CR or LF, or starts or ends with a space. */
int spie_csvw_field(spie_csvw *w, const char *s, size_t n);
int spie_csvw_str(spie_csvw *w, const char *s); /* NUL-terminated; NULL = empty */
int spie_csvw_u64(spie_csvw *w, uint64_t v);
int spie_csvw_i64(spie_csvw *w, int64_t v);
int spie_csvw_end_row(spie_csvw *w);
/* Flushes, fsyncs and closes. 0, or an errno value. Accepts NULL (returns 0). */
int spie_csvw_close(spie_csvw *w);
/* Closes and removes the file (on an error path). Accepts NULL. */
void spie_csvw_abort(spie_csvw *w);
/* Bytes written to the file so far. */
uint64_t spie_csvw_bytes(const spie_csvw *w);

#endif
