/* The physical floor of reading, for make bench: what no reader of these files can go
 * below. Each file is inflated with ISA-L (as spie does) into a buffer reused from chunk
 * to chunk, and split in place into lines at '\n' and fields at ';' with memchr; no field
 * is validated, no row is kept. With --threads N, N threads take the files (largest
 * first, as spie's workers take territories).
 *
 *   spie-floor [--threads N] FILE...    (.csv.gz or .csv)
 *
 * Prints "<files> <bytes> <lines> <fields>" on standard output: the counts keep the
 * compiler from dropping the work, and show that the floor read what spie read. A bench
 * tool, not part of the engine: it exits on the first error. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <isa-l/igzip_lib.h>

#define IN_SIZE (128u * 1024u)
#define OUT_SIZE (256u * 1024u)

typedef struct file {
    const char *path;
    off_t size;
} file;

typedef struct shared {
    file *files;
    size_t n, next;
    pthread_mutex_t lock;
} shared;

typedef struct counts {
    unsigned long long bytes, lines, fields;
} counts;

static void die(const char *what, const char *path)
{
    fprintf(stderr, "spie-floor: %s: %s\n", path, what);
    exit(2);
}

/* Splits the complete lines of p[0..n) in place; returns the bytes of the last partial
 * line, which the caller moves to the front of the buffer. The first line of a file
 * chooses the separator (*delim 0 until then), as spie does: ';' when it has more ';'
 * than ','. */
static size_t split(char *p, size_t n, char *delim, counts *c)
{
    char *s = p, *end = p + n;
    for (;;) {
        char *nl = memchr(s, '\n', (size_t)(end - s));
        if (!nl)
            break;
        if (!*delim) {
            size_t semi = 0, comma = 0;
            for (const char *q = s; q < nl; q++) {
                semi += *q == ';';
                comma += *q == ',';
            }
            *delim = semi > comma ? ';' : ',';
        }
        c->lines++;
        for (char *f = s;;) {
            c->fields++;
            char *d = memchr(f, *delim, (size_t)(nl - f));
            if (!d)
                break;
            *d = 0; /* in place, as a reader would end a field */
            f = d + 1;
        }
        s = nl + 1;
    }
    return (size_t)(end - s);
}

static void read_file(const char *path, unsigned char *in, unsigned char *out, struct inflate_state *st, counts *c)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        die(strerror(errno), path);
    size_t plen = strlen(path);
    int gz = plen > 3 && strcmp(path + plen - 3, ".gz") == 0;
    size_t keep = 0; /* bytes of a partial line at the front of out */
    char delim = 0;
    ssize_t got;
    if (!gz) {
        while ((got = read(fd, out + keep, OUT_SIZE - keep)) > 0) {
            c->bytes += (unsigned long long)got;
            size_t rest = split((char *)out, keep + (size_t)got, &delim, c);
            memmove(out, out + keep + (size_t)got - rest, rest);
            keep = rest;
        }
        if (got < 0)
            die(strerror(errno), path);
    } else {
        isal_inflate_init(st);
        st->crc_flag = ISAL_GZIP;
        st->avail_in = 0;
        int eof = 0, between = 0; /* between: a member has ended, none started */
        for (;;) {
            if (st->avail_in == 0 && !eof) {
                got = read(fd, in, IN_SIZE);
                if (got < 0)
                    die(strerror(errno), path);
                eof = got == 0;
                st->next_in = in;
                st->avail_in = (uint32_t)got;
            }
            if (between && st->avail_in == 0 && eof)
                break;
            between = 0;
            st->next_out = out + keep;
            st->avail_out = (uint32_t)(OUT_SIZE - keep);
            if (isal_inflate(st) != ISAL_DECOMP_OK)
                die("inflate error", path);
            size_t made = OUT_SIZE - keep - st->avail_out;
            c->bytes += made;
            size_t rest = split((char *)out, keep + made, &delim, c);
            memmove(out, out + keep + made - rest, rest);
            keep = rest;
            if (st->block_state == ISAL_BLOCK_FINISH) {
                /* ISA-L gave back the bytes its bit buffer took beyond the member */
                uint8_t *next = st->next_in;
                uint32_t avail = st->avail_in;
                isal_inflate_reset(st);
                st->crc_flag = ISAL_GZIP;
                st->next_in = next;
                st->avail_in = avail;
                between = 1;
            } else if (made == 0 && st->avail_in == 0 && eof) {
                die("cut short", path);
            }
        }
    }
    if (keep) { /* a last line without '\n' */
        out[keep] = '\n';
        split((char *)out, keep + 1, &delim, c);
    }
    close(fd);
}

static void *worker(void *arg)
{
    shared *sh = arg;
    unsigned char *in = malloc(IN_SIZE), *out = malloc(OUT_SIZE + 1);
    struct inflate_state *st = malloc(sizeof *st);
    counts *c = calloc(1, sizeof *c);
    if (!in || !out || !st || !c)
        die("out of memory", "");
    for (;;) {
        pthread_mutex_lock(&sh->lock);
        size_t i = sh->next++;
        pthread_mutex_unlock(&sh->lock);
        if (i >= sh->n)
            break;
        read_file(sh->files[i].path, in, out, st, c);
    }
    free(in);
    free(out);
    free(st);
    return c;
}

static int by_size(const void *a, const void *b)
{
    const file *x = a, *y = b;
    return x->size < y->size ? 1 : x->size > y->size ? -1 : 0;
}

int main(int argc, char **argv)
{
    int threads = 1, first = 1;
    if (argc > 2 && strcmp(argv[1], "--threads") == 0) {
        threads = atoi(argv[2]);
        first = 3;
    }
    if (threads < 1 || threads > 64 || first >= argc) {
        fprintf(stderr, "usage: spie-floor [--threads N] FILE...\n");
        return 2;
    }
    shared sh = {.n = (size_t)(argc - first)};
    sh.files = calloc(sh.n, sizeof *sh.files);
    if (!sh.files)
        die("out of memory", "");
    for (size_t i = 0; i < sh.n; i++) {
        struct stat stt;
        sh.files[i].path = argv[first + (int)i];
        if (stat(sh.files[i].path, &stt) != 0)
            die(strerror(errno), sh.files[i].path);
        sh.files[i].size = stt.st_size;
    }
    qsort(sh.files, sh.n, sizeof *sh.files, by_size);
    pthread_mutex_init(&sh.lock, NULL);
    pthread_t tid[64];
    for (int t = 0; t < threads; t++)
        if (pthread_create(&tid[t], NULL, worker, &sh) != 0)
            die("cannot start a thread", "");
    counts total = {0};
    for (int t = 0; t < threads; t++) {
        void *r;
        pthread_join(tid[t], &r);
        counts *c = r;
        total.bytes += c->bytes;
        total.lines += c->lines;
        total.fields += c->fields;
        free(c);
    }
    printf("%zu %llu %llu %llu\n", sh.n, total.bytes, total.lines, total.fields);
    free(sh.files);
    return 0;
}
