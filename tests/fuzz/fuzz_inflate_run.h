/* One fuzz input through the byte source (spie/source.h) with both inflaters, zlib (the
 * reference) and ISA-L (the default), which must agree. Shared by the libFuzzer target
 * tests/fuzz/fuzz_inflate.c and the unit test tests/unit/test_source_inflaters.c, which replays the
 * corpus tests/fuzz/corpus/fuzz_inflate/ and the regressions
 * tests/fuzz/regressions/fuzz_inflate/ (if any) through this very code.
 *
 * Input layout: byte 0 chooses the read size (cap) of every spie_src_read call, the rest
 * is the file, read from memory as gzip.
 *   byte 0 bits 0-2: cap 1, 2, 7, 64, 4096, 65536, 200000, 1 MiB
 *
 * Invariants: both sources open (memory does not run out here); each read returns at
 * most cap bytes, 0 or -1 are sticky, bytes_out counts what was handed out, a clean end
 * has status OK and offset 0, an error a status other than OK. Then the two results are
 * compared: same return, status, error offset, bytes handed out (count and content),
 * bytes_in, bytes_out, members, nul_padding. The exceptions are the two spie/source.h
 * documents. (1) An error found within the last 8 bytes read: everything the same but
 * the bytes handed out, zlib's being a prefix of ISA-L's. (2) When zlib's own message
 * for the first error of the stream says that a
 * Huffman code set is invalid (incomplete or over-subscribed, which ISA-L decodes), the
 * zlib path must have failed with SPIE_SRC_E_CORRUPT and what it handed out must be a
 * prefix of what the ISA-L path handed out (same bytes up to zlib's error); nothing else
 * is asked of the ISA-L path there but the invariants above.
 *
 * FUZZ_CHECK(cond) reports a broken invariant: __builtin_trap() by default (libFuzzer
 * keeps the input), an assertion when the unit test defines it first. */
#ifndef SPIE_FUZZ_INFLATE_RUN_H
#define SPIE_FUZZ_INFLATE_RUN_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "spie/source.h"

#include "fuzz_check.h"

/* What reading a whole source gave. */
typedef struct fi_result {
    long last; /* 0 (clean end) or -1 */
    spie_src_status st;
    uint64_t off;
    unsigned char *out;
    size_t n;
    uint64_t bytes_in, bytes_out;
    unsigned members;
    bool nul_padding;
} fi_result;

static inline void fi_result_free(fi_result *r)
{
    free(r->out);
    memset(r, 0, sizeof *r);
}

/* Reads src to its end with reads of at most cap bytes; checks the invariants of one
 * source. */
static inline fi_result fi_drain(spie_src *src, size_t cap)
{
    fi_result r;
    memset(&r, 0, sizeof r);
    size_t bufcap = 4096;
    r.out = malloc(bufcap);
    unsigned char *tmp = malloc(cap);
    FUZZ_CHECK(r.out != NULL && tmp != NULL);
    for (;;) {
        long k = spie_src_read(src, tmp, cap);
        if (k <= 0) {
            r.last = k;
            break;
        }
        FUZZ_CHECK((size_t)k <= cap);
        if (r.n + (size_t)k > bufcap) {
            while (r.n + (size_t)k > bufcap)
                bufcap *= 2;
            unsigned char *np = realloc(r.out, bufcap);
            FUZZ_CHECK(np != NULL);
            r.out = np;
        }
        memcpy(r.out + r.n, tmp, (size_t)k);
        r.n += (size_t)k;
    }
    FUZZ_CHECK(r.last == 0 || r.last == -1);
    FUZZ_CHECK(spie_src_read(src, tmp, cap) == r.last); /* sticky */
    FUZZ_CHECK(spie_src_read(src, tmp, cap) == r.last);
    free(tmp);
    r.st = spie_src_error(src);
    r.off = spie_src_error_offset(src);
    r.bytes_in = spie_src_bytes_in(src);
    r.bytes_out = spie_src_bytes_out(src);
    r.members = spie_src_members(src);
    r.nul_padding = spie_src_nul_padding(src);
    FUZZ_CHECK(r.bytes_out == r.n);
    if (r.last == 0)
        FUZZ_CHECK(r.st == SPIE_SRC_OK && r.off == 0);
    else
        FUZZ_CHECK(r.st != SPIE_SRC_OK);
    return r;
}

static inline fi_result fi_run_mem(const void *data, size_t n, spie_inflater inf, size_t cap)
{
    spie_src_status st = SPIE_SRC_E_MEMORY;
    spie_src *src = spie_src_open_mem_ex(data, n, true, inf, &st);
    FUZZ_CHECK(src != NULL && st == SPIE_SRC_OK);
    fi_result r = fi_drain(src, cap);
    spie_src_close(src);
    return r;
}

/* zlib's message for the first error a plain walk of the members meets (inflate over
 * the whole input, the next member only where 1f 8b follows), NULL when there is none:
 * the walk the zlib path of the source makes, reduced to what tells the exception. */
static inline const char *fi_zlib_first_msg(const unsigned char *data, size_t n,
                                            char *msg, size_t msg_n)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 16) != Z_OK)
        return NULL;
    static unsigned char sink[65536];
    const char *res = NULL;
    size_t pos = 0;
    while (pos + 2 <= n && data[pos] == 0x1f && data[pos + 1] == 0x8b) {
        z.next_in = (unsigned char *)(uintptr_t)(data + pos);
        z.avail_in = (uInt)(n - pos);
        int rc;
        do {
            z.next_out = sink;
            z.avail_out = sizeof sink;
            rc = inflate(&z, Z_NO_FLUSH);
        } while (rc == Z_OK);
        if (rc == Z_DATA_ERROR) {
            snprintf(msg, msg_n, "%s", z.msg ? z.msg : "");
            res = msg;
        }
        if (rc != Z_STREAM_END)
            break;
        pos = n - z.avail_in;
        if (inflateReset(&z) != Z_OK)
            break;
    }
    (void)inflateEnd(&z);
    return res;
}

/* The documented exception (spie/source.h): code sets zlib refuses, ISA-L decodes. */
static inline bool fi_is_code_set_msg(const char *msg)
{
    return msg && (strcmp(msg, "invalid code lengths set") == 0 ||
                   strcmp(msg, "invalid literal/lengths set") == 0 ||
                   strcmp(msg, "invalid distances set") == 0);
}

/* Compares the two engines on data read with reads of cap bytes; returns 0, or 1 or 2
 * when the documented exception (1) or (2) applied (then only its weaker rule was
 * checked). */
static inline int fi_compare(const unsigned char *data, size_t n, size_t cap)
{
    fi_result z = fi_run_mem(data, n, SPIE_INFLATER_ZLIB, cap);
    fi_result i = fi_run_mem(data, n, SPIE_INFLATER_ISAL, cap);
    bool same = z.last == i.last && z.st == i.st && z.off == i.off && z.n == i.n &&
                (z.n == 0 || memcmp(z.out, i.out, z.n) == 0) && z.bytes_in == i.bytes_in &&
                z.bytes_out == i.bytes_out && z.members == i.members &&
                z.nul_padding == i.nul_padding;
    int exception = 0;
    if (!same && z.st == i.st && z.st != SPIE_SRC_OK && z.off == i.off &&
        z.bytes_in == i.bytes_in && z.bytes_in - z.off <= 8 && z.members == i.members &&
        z.nul_padding == i.nul_padding && z.n < i.n && memcmp(z.out, i.out, z.n) == 0) {
        same = true;
        exception = 1;
    }
    if (!same) {
        char msg[128];
        exception = fi_is_code_set_msg(fi_zlib_first_msg(data, n, msg, sizeof msg)) ? 2 : 0;
        if (!exception)
            fprintf(stderr,
                    "fuzz_inflate: engines differ (cap %zu): zlib last %ld st %d off %llu n %zu "
                    "in %llu members %u pad %d; isal last %ld st %d off %llu n %zu in %llu "
                    "members %u pad %d\n",
                    cap, z.last, (int)z.st, (unsigned long long)z.off, z.n,
                    (unsigned long long)z.bytes_in, z.members, (int)z.nul_padding, i.last,
                    (int)i.st, (unsigned long long)i.off, i.n, (unsigned long long)i.bytes_in,
                    i.members, (int)i.nul_padding);
        FUZZ_CHECK(exception);
        FUZZ_CHECK(z.st == SPIE_SRC_E_CORRUPT);
        FUZZ_CHECK(z.n <= i.n && (z.n == 0 || memcmp(z.out, i.out, z.n) == 0));
    }
    fi_result_free(&z);
    fi_result_free(&i);
    return exception;
}

static inline size_t fi_cap_of(uint8_t b)
{
    static const size_t caps[8] = {1, 2, 7, 64, 4096, 65536, 200000, 1u << 20};
    return caps[b & 7];
}

/* One fuzz input (layout at the top). */
static inline void fi_inflate_one(const uint8_t *data, size_t size)
{
    if (size == 0)
        return;
    (void)fi_compare(data + 1, size - 1, fi_cap_of(data[0]));
}

#endif
