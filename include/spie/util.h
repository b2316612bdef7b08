/* Small helpers shared by the library's modules. */
#ifndef SPIE_UTIL_H
#define SPIE_UTIL_H

#include "spie/common.h"

/* Makes *p (an array of elements of `elem` bytes, *cap of them) hold at least `need`,
 * doubling. false (and *p, *cap unchanged) when memory runs out or the size overflows. */
bool spie_grow(void **p, size_t *cap, size_t need, size_t elem);

/* ASCII lower case of src into dst (n bytes, NUL included; cut if longer). */
void spie_ascii_lower(char *dst, size_t n, const char *src);

/* "dir/name", malloc'd; NULL when memory runs out. */
char *spie_path_join(const char *dir, const char *name);

#endif
