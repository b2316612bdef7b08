#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

extern char **environ;

char *tu_mkdtemp(void)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    size_t n = strlen(base) + 32;
    char *p = malloc(n);
    if (!p)
        return NULL;
    snprintf(p, n, "%s/spie-test-XXXXXX", base);
    if (!mkdtemp(p)) {
        free(p);
        return NULL;
    }
    return p;
}

int tu_rmtree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *c = malloc(n);
        if (!c) {
            rc = -1;
            break;
        }
        snprintf(c, n, "%s/%s", path, e->d_name);
        if (tu_rmtree(c) != 0)
            rc = -1;
        free(c);
    }
    closedir(d);
    if (rmdir(path) != 0)
        rc = -1;
    return rc;
}

char *tu_write_file(const char *dir, const char *name, const void *data, size_t n)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *p = malloc(len);
    if (!p)
        return NULL;
    snprintf(p, len, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    if (!f) {
        free(p);
        return NULL;
    }
    int ok = fwrite(data, 1, n, f) == n;
    if (fclose(f) != 0)
        ok = 0;
    if (!ok) {
        free(p);
        return NULL;
    }
    return p;
}

unsigned char *tu_gzip(const void *data, size_t n, size_t *out_n)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    uLong cap = deflateBound(&z, (uLong)n) + 64;
    unsigned char *out = malloc(cap);
    if (!out) {
        deflateEnd(&z);
        return NULL;
    }
    z.next_in = (Bytef *)(uintptr_t)data;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    *out_n = cap - z.avail_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    return out;
}

char *tu_read_file(const char *path, size_t *out_n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (n < cap)
            break;
        cap *= 2;
        char *nb = realloc(buf, cap + 1);
        if (!nb) {
            free(buf);
            buf = NULL;
        } else {
            buf = nb;
        }
    }
    int err = ferror(f);
    fclose(f);
    if (!buf || err) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (out_n)
        *out_n = n;
    return buf;
}

const char *tu_build_comma_locale(const char *dir)
{
    static const char def[] = "LC_NUMERIC\n"
                              "decimal_point \",\"\n"
                              "thousands_sep \".\"\n"
                              "grouping 3\n"
                              "END LC_NUMERIC\n";
    char *src = tu_write_file(dir, "spie_numeric.def", def, sizeof def - 1);
    if (!src)
        return NULL;
    char out[4096];
    const int len = snprintf(out, sizeof out, "%s/spie_TEST", dir);
    const char *name = NULL;
    if (len > 0 && (size_t)len < sizeof out) {
        char *argv[] = {"localedef", "-c", "-i", src, "-f", "ANSI_X3.4-1968", out, NULL};
        posix_spawn_file_actions_t fa;
        if (posix_spawn_file_actions_init(&fa) == 0) {
            pid_t pid;
            if (posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0) == 0 &&
                posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0) == 0 &&
                posix_spawnp(&pid, "localedef", &fa, NULL, argv, environ) == 0) {
                int status;
                while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                    ;
                if (setenv("LOCPATH", dir, 1) == 0)
                    name = "spie_TEST";
            }
            posix_spawn_file_actions_destroy(&fa);
        }
    }
    free(src);
    return name;
}

spie_str tu_str(const char *s)
{
    spie_str r = {s, strlen(s)};
    return r;
}

char *tu_src_path(const char *rel)
{
    const char *root = getenv("SPIE_SRCDIR");
    if (!root || !*root)
        root = ".";
    size_t n = strlen(root) + strlen(rel) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", root, rel);
    return p;
}
