#include "testutil.h"

#include "spie/acc.h"
#include "spie/table.h"
#include "spie/territories.h"

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

/* The row (level, code, bd, modality, id) of t, linear (test tables are small). */
static bool has_row(const spie_table *t, size_t n, spie_level lv, const char *code, int bd, const char *mod,
                    spie_ind_id id)
{
    for (size_t i = 0; i < n; i++) {
        const spie_figure *f = &t->rows[i];
        if (f->level == lv && f->breakdown == bd && spie_id_eq(f->id, id) && !strcmp(f->code, code) &&
            !strcmp(f->modality, mod))
            return true;
    }
    return false;
}

/* Adds, as nd, every figure of scope the cell (lv, code, bd, mod) lacks. */
static bool complete_cell(spie_table *t, const spie_params *p, spie_month period, spie_level lv, const char *code,
                          const char *libelle, int bd, const char *mod)
{
    size_t n0 = t->n;
    for (unsigned ind = SPIE_IND_NONE + 1; ind < SPIE_IND_COUNT; ind++) {
        const spie_ind_def *d = spie_ind_def_of(ind);
        if (!spie_ind_published_at(ind, lv) || (bd != SPIE_BD_ENSEMBLE && d->scope != SPIE_SCOPE_PERSONS))
            continue;
        int32_t args[512];
        size_t na = spie_ind_args(ind, p, period, args, 512);
        for (size_t a = 0; a < na && a < 512; a++) {
            spie_ind_id id = spie_id((spie_ind)ind, args[a]);
            if (has_row(t, n0, lv, code, bd, mod, id))
                continue;
            spie_figure *f = spie_table_push(t);
            if (!f)
                return false;
            f->id = id;
            f->level = (uint8_t)lv;
            f->breakdown = (uint8_t)bd;
            f->status = SPIE_STATUS_ND;
            snprintf(f->code, sizeof f->code, "%s", code);
            snprintf(f->modality, sizeof f->modality, "%s", mod);
            f->libelle = libelle;
            if (!spie_ind_name(id, p, f->indicator, sizeof f->indicator))
                return false;
        }
    }
    return true;
}

bool tu_table_complete(spie_table *t, const spie_territories *terr, const spie_params *p, spie_month period)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->rows[i].id.ind == SPIE_IND_NONE && !spie_ind_parse(t->rows[i].indicator, p, &t->rows[i].id))
            return false;
    /* the breakdown cells that have a row */
    size_t n = t->n;
    for (size_t i = 0; i < n; i++) {
        spie_figure f = t->rows[i];
        if (f.breakdown != SPIE_BD_ENSEMBLE &&
            !complete_cell(t, p, period, (spie_level)f.level, f.code, f.libelle, f.breakdown, f.modality))
            return false;
    }
    bool ok = complete_cell(t, p, period, SPIE_LEVEL_NATIONAL, "FR", "France", SPIE_BD_ENSEMBLE, "");
    for (size_t r = 0; ok && r < spie_region_count(); r++) {
        const spie_region *reg = spie_region_at(r);
        bool any = false;
        for (size_t i = 0; i < terr->count; i++)
            any |= spie_dept_region(terr->items[i].dept) == reg;
        if (any)
            ok = complete_cell(t, p, period, SPIE_LEVEL_REGION, reg->code, reg->name, SPIE_BD_ENSEMBLE, "");
    }
    for (int w = 0; ok && w < SPIE_WAVE_COUNT; w++) {
        const char *code = spie_wave_code((spie_wave)w);
        ok = complete_cell(t, p, period, SPIE_LEVEL_VAGUE, code, code, SPIE_BD_ENSEMBLE, "");
    }
    for (size_t i = 0; ok && i < terr->count; i++) {
        const spie_dept *d = terr->items[i].dept;
        ok = complete_cell(t, p, period, SPIE_LEVEL_DEPARTEMENT, d->code, d->name, SPIE_BD_ENSEMBLE, "");
    }
    spie_table_sort(t);
    return ok;
}
