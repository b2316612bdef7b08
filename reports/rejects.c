/* The rejects file (include/spie/rejects.h): the part file of each group, and their
 * concatenation behind a header member. It renders what the batch hands it and knows
 * nothing of how files are read. */
#include "spie/rejects.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The rows of one input file: written up to SPIE_REJECTS_MAX_PER_FILE, counted after. */
typedef struct file_count {
    char *name;
    uint64_t written, dropped;
} file_count;

/* One group's writer: its part file and the counts of its files (a territory has three). */
typedef struct group_sink {
    spie_csvw *w;
    file_count files[4];
    size_t n_files;
} group_sink;

struct spie_rejects_file {
    char *path;
    size_t n_groups;
    char **parts;        /* path of each group's part file; NULL until opened */
    group_sink **groups; /* each group's counts, kept after its part is closed */
};

int spie_rejects_header(spie_csvw *w)
{
    static const char *const cols[] = {"fichier", "ligne", "colonne", "code", "motif", "contenu"};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(cols); i++)
        spie_csvw_str(w, cols[i]);
    return spie_csvw_end_row(w);
}

/* The raw line with each NUL byte written as U+FFFD (the replacement character): a NUL
 * in a CSV field would cut it short for many readers (docs/sorties.md §5). */
static void raw_field(spie_csvw *w, const char *raw, size_t n)
{
    if (!memchr(raw, 0, n)) {
        spie_csvw_field(w, raw, n);
        return;
    }
    char buf[3 * 2048];
    size_t o = 0;
    for (size_t i = 0; i < n && o + 3 <= sizeof buf; i++) {
        if (raw[i])
            buf[o++] = raw[i];
        else {
            memcpy(buf + o, "\xEF\xBF\xBD", 3);
            o += 3;
        }
    }
    spie_csvw_field(w, buf, o);
}

int spie_rejects_row(void *csvw, const spie_reject *r)
{
    spie_csvw *w = csvw;
    spie_csvw_str(w, r->file);
    spie_csvw_u64(w, r->line);
    spie_csvw_str(w, r->column);
    spie_csvw_str(w, spie_reason_code(r->reason));
    spie_csvw_str(w, spie_reason_label(r->reason));
    raw_field(w, r->raw, r->raw_len);
    return spie_csvw_end_row(w);
}

/* The sink's row: the first SPIE_REJECTS_MAX_PER_FILE rows of each file are written, the
 * others counted. */
static int group_row(void *handle, const spie_reject *r)
{
    group_sink *g = handle;
    file_count *fc = NULL;
    for (size_t i = 0; i < g->n_files && !fc; i++)
        if (!strcmp(g->files[i].name, r->file))
            fc = &g->files[i];
    if (!fc) {
        if (g->n_files == SPIE_ARRAY_LEN(g->files))
            return spie_rejects_row(g->w, r); /* more files than a territory has: not capped */
        fc = &g->files[g->n_files];
        if (!(fc->name = strdup(r->file)))
            return -1;
        g->n_files++;
    }
    if (fc->written >= SPIE_REJECTS_MAX_PER_FILE) {
        fc->dropped++;
        return 0;
    }
    fc->written++;
    return spie_rejects_row(g->w, r);
}

uint64_t spie_rejects_file_dropped(const spie_rejects_file *f, const char *file)
{
    for (size_t g = 0; g < f->n_groups; g++)
        for (size_t i = 0; f->groups[g] && i < f->groups[g]->n_files; i++)
            if (!strcmp(f->groups[g]->files[i].name, file))
                return f->groups[g]->files[i].dropped;
    return 0;
}

spie_rejects_file *spie_rejects_file_new(const char *path, size_t n_groups)
{
    spie_rejects_file *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->n_groups = n_groups;
    f->path = strdup(path);
    f->parts = calloc(n_groups + 1, sizeof *f->parts);
    f->groups = calloc(n_groups + 1, sizeof *f->groups);
    if (!f->path || !f->parts || !f->groups) {
        spie_rejects_file_free(f);
        return NULL;
    }
    return f;
}

/* The sink: each group gets its own gzip writer on its own part file, so workers never
 * share one. Called from the batch's worker threads; groups are disjoint. */
static void *open_group(void *ctx, size_t group)
{
    spie_rejects_file *f = ctx;
    if (group >= f->n_groups) {
        errno = EINVAL;
        return NULL;
    }
    size_t n = strlen(f->path) + 32;
    char *p = malloc(n);
    if (!p)
        return NULL;
    snprintf(p, n, "%s.part%zu", f->path, group);
    group_sink *g = calloc(1, sizeof *g);
    spie_csvw *w = g ? spie_csvw_open(p, true) : NULL;
    if (!w) {
        int e = g ? errno : ENOMEM;
        free(g);
        free(p);
        errno = e;
        return NULL;
    }
    g->w = w;
    f->parts[group] = p;
    f->groups[group] = g;
    return g;
}

static int close_group(void *ctx, void *handle)
{
    (void)ctx;
    group_sink *g = handle;
    int rc = spie_csvw_close(g->w);
    g->w = NULL; /* the counts stay, for spie_rejects_file_dropped */
    return rc;
}

spie_rejects_sink spie_rejects_file_sink(spie_rejects_file *f)
{
    return (spie_rejects_sink){.open_group = open_group, .row = group_row, .close_group = close_group,
                               .ctx = f};
}

/* Appends the bytes of src to the open descriptor fd. 0 or an errno value. */
static int append_file(int fd, const char *src)
{
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return errno;
    char buf[65536];
    int rc = 0;
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rc = errno;
            break;
        }
        if (n == 0)
            break;
        for (ssize_t off = 0; off < n;) {
            ssize_t k = write(fd, buf + off, (size_t)(n - off));
            if (k < 0) {
                if (errno == EINTR)
                    continue;
                rc = errno;
                break;
            }
            off += k;
        }
        if (rc)
            break;
    }
    close(in);
    return rc;
}

int spie_rejects_file_finish(spie_rejects_file *f)
{
    spie_csvw *w = spie_csvw_open(f->path, true);
    int rc = w ? (spie_rejects_header(w), spie_csvw_close(w)) : errno;
    int fd = rc ? -1 : open(f->path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (!rc && fd < 0)
        rc = errno;
    for (size_t g = 0; !rc && g < f->n_groups; g++)
        if (f->parts[g])
            rc = append_file(fd, f->parts[g]);
    if (fd >= 0) {
        if (!rc && fsync(fd) != 0)
            rc = errno;
        if (close(fd) != 0 && !rc)
            rc = errno;
    }
    for (size_t g = 0; !rc && g < f->n_groups; g++)
        if (f->parts[g]) {
            if (unlink(f->parts[g]) != 0)
                rc = errno;
            free(f->parts[g]);
            f->parts[g] = NULL;
        }
    return rc;
}

void spie_rejects_file_free(spie_rejects_file *f)
{
    if (!f)
        return;
    if (f->parts)
        for (size_t g = 0; g < f->n_groups; g++)
            if (f->parts[g]) {
                unlink(f->parts[g]);
                free(f->parts[g]);
            }
    if (f->groups)
        for (size_t g = 0; g < f->n_groups; g++) {
            for (size_t i = 0; f->groups[g] && i < f->groups[g]->n_files; i++)
                free(f->groups[g]->files[i].name);
            free(f->groups[g]);
        }
    free(f->groups);
    free(f->parts);
    free(f->path);
    free(f);
}
