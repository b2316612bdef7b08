/* Small helpers shared by the library's modules. */
#ifndef SPIE_UTIL_H
#define SPIE_UTIL_H

#include "spie/common.h"

/* Makes *p (an array of elements of `elem` bytes, *cap of them) hold at least `need`,
 * doubling. false (and *p, *cap unchanged) when memory runs out or the size overflows. */
bool spie_grow(void **p, size_t *cap, size_t need, size_t elem);

/* ASCII lower case of src into dst (n bytes, NUL included; cut if longer). */
void spie_ascii_lower(char *dst, size_t n, const char *src);

/* "a/b", malloc'd; NULL when memory runs out. */
char *spie_path_join(const char *a, const char *b);

/* The names of the entries of dir but . and .. (malloc'd, sorted byte-wise) into *names,
 * *count of them. 0 or an errno value. */
int spie_dir_list(const char *dir, char ***names, size_t *count);
void spie_dir_list_free(char **names, size_t count);

#endif
