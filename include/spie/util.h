/* Small helpers shared by the library's modules. */
#ifndef SPIE_UTIL_H
#define SPIE_UTIL_H

#include "spie/common.h"

/* Makes *p (an array of elements of `elem` bytes, *cap of them) hold at least `need`,
 * doubling. false (and *p, *cap unchanged) when memory runs out or the size overflows. */
bool spie_grow(void **p, size_t *cap, size_t need, size_t elem);

/* src into dst (n >= 1 bytes, NUL included; cut if longer), the bytes snprintf(dst, n,
 * "%s", src) writes, without a format to read: the publication table names hundreds of
 * thousands of rows this way. Returns the bytes copied (without the NUL). */
size_t spie_copy_str(char *dst, size_t n, const char *src);

/* ASCII lower case of src into dst (n bytes, NUL included; cut if longer). */
void spie_ascii_lower(char *dst, size_t n, const char *src);

/* "a/b", malloc'd; NULL when memory runs out. */
char *spie_path_join(const char *a, const char *b);

/* The names of the entries of dir but . and .. (malloc'd, sorted byte-wise) into *names,
 * *count of them. 0 or an errno value. */
int spie_dir_list(const char *dir, char ***names, size_t *count);
void spie_dir_list_free(char **names, size_t count);

/* The absolute path of path with every symbolic link, "." and ".." resolved, also when
 * its last components do not exist yet (the folder above is resolved, then the rest
 * appended). malloc'd; NULL with errno set when even the existing part cannot be. */
char *spie_path_resolve(const char *path);
/* Whether the resolved path inner is outer or inside it. */
bool spie_path_is_within(const char *inner, const char *outer);

#endif
