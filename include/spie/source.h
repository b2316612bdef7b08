/* A byte source over one extract file: gzip (one or more members, optional NUL padding
 * after the last one) or plain bytes. Streaming: memory does not depend on file size.
 *
 * Every stream error is detected, including the ones gzread hides: a file that is not
 * gzip, a stream cut short (in the header, in the data, before the trailer), a bad CRC or
 * length, trailing bytes that are neither a gzip member nor NUL padding. After an error
 * the data already handed out must not be used (the caller treats the file as unusable).
 *
 * The file is opened with O_NOFOLLOW and must be a regular file.
 *
 * Two inflaters decode the gzip members (spie_inflater): ISA-L's isal_inflate, the
 * default (about 2.5 times zlib's speed), and zlib's inflate, the reference. They give
 * the same results: same bytes, same status, same error offset, same nul_padding,
 * members, bytes_in and bytes_out. How: whenever the ISA-L path meets anything but a
 * clean member (an error of any kind, the end of the file inside a member, a reserved
 * header flag, which ISA-L ignores), the source goes back to the start of that member
 * (the file is re-read with pread, memory is simply re-lent) and lets zlib decode it
 * and everything after it; the bytes of that member already handed out are decoded
 * again and dropped. So every error is zlib's own, at zlib's offset, found in the same
 * read call, and bytes_in is what the zlib path would have read.
 *
 * Two known exceptions. (1) ISA-L has no look-ahead over the input it has already taken
 * whole into its 64-bit bit buffer: when a read call fills the caller's buffer and the
 * next symbol, bad, lies in the last 8 bytes read so far (of the file, or of one 128 KiB
 * read), zlib fails in that call and the ISA-L path in the next one. Then everything
 * is the same (status, error offset, within 8 bytes of bytes_in, bytes_in, members,
 * nul_padding) except the bytes handed out: the zlib path's are a prefix of the ISA-L
 * path's (the latter has the bytes of one more call).
 * (2) ISA-L accepts some Huffman code sets that zlib refuses,
 * incomplete or over-subscribed ones (zlib's "invalid code lengths set", "invalid
 * literal/lengths set", "invalid distances set"; no conforming compressor writes them).
 * On such a member the zlib path fails (SPIE_SRC_E_CORRUPT) at the block header, while
 * the ISA-L path decodes what the codes allow: it may hand out bytes that zlib would not
 * have, and when the CRC-32 and length still match (only when the missing codes are
 * never used) it ends the member cleanly. Outside these cases the two paths agree exactly
 * (tests/unit/test_source_inflaters.c checks it on every fixture and on thousands of broken
 * streams; tests/fuzz/fuzz_inflate.c looks for counter-examples). */
#ifndef SPIE_SOURCE_H
#define SPIE_SOURCE_H

#include "spie/common.h"
#include "spie/digest.h"

typedef struct spie_src spie_src;

/* The decoder of the gzip members. DEFAULT is ISA-L (the fast path); ZLIB is the
 * reference path, used by the differential tests and the fuzz target. */
typedef enum spie_inflater {
    SPIE_INFLATER_DEFAULT = 0,
    SPIE_INFLATER_ZLIB,
    SPIE_INFLATER_ISAL
} spie_inflater;

typedef enum spie_src_status {
    SPIE_SRC_OK = 0,
    SPIE_SRC_E_OPEN,      /* cannot open / not a regular file / symlink */
    SPIE_SRC_E_READ,      /* read(2) failed */
    SPIE_SRC_E_NOT_GZIP,  /* .csv.gz whose first bytes are not a gzip header */
    SPIE_SRC_E_TRUNCATED, /* stream cut short (header, data or trailer) */
    SPIE_SRC_E_CORRUPT,   /* invalid deflate data, bad CRC or bad length */
    SPIE_SRC_E_TRAILING,  /* bytes after the last member that are not NUL padding */
    SPIE_SRC_E_MEMORY     /* allocation failed */
} spie_src_status;

/* Short French message for a status ("flux gzip tronqué", "pas un fichier gzip", ...);
 * never NULL, a static string. */
const char *spie_src_strerror(spie_src_status st);

/* Opens path. gzip selects the gzip decoder; otherwise bytes are passed through.
 * On failure returns NULL and sets *st (and *err_no to errno when relevant: ELOOP for a
 * symbolic link, ENOENT, EACCES...; 0 when the path is not a regular file, e.g. a
 * directory or a FIFO, which are refused without blocking). On success *st is
 * SPIE_SRC_OK and *err_no 0. st and err_no may be NULL.
 *
 * The header is not checked here but by the first read: an empty file given as gzip is
 * SPIE_SRC_E_TRUNCATED at offset 0 (an upload cut before its first byte, as gzip -t says
 * "unexpected end of file"); a file whose first two bytes are not 1f 8b is
 * SPIE_SRC_E_NOT_GZIP at offset 0. */
spie_src *spie_src_open(const char *path, bool gzip, spie_src_status *st, int *err_no);
/* The same with the inflater chosen (spie_src_open uses SPIE_INFLATER_DEFAULT); a value
 * outside the enum is taken as the default. Ignored in plain mode. */
spie_src *spie_src_open_ex(const char *path, bool gzip, spie_inflater inf, spie_src_status *st,
                           int *err_no);

/* Reads up to cap decompressed bytes into buf. Returns the count (> 0), 0 at a clean end
 * of the whole file, or -1 on error (see spie_src_error / spie_src_error_offset). After 0
 * or -1 every further call returns the same. cap == 0 reads nothing and returns 0 without
 * changing the state (callers loop with cap > 0). The source fills buf as far as it can
 * (up to cap, or to the end) before returning. When an error is found during a call, that
 * call returns -1 and its bytes are not counted as handed out.
 *
 * Clean end in gzip mode: the last member's trailer (CRC-32 and length) checked, then
 * either end of file or NUL bytes up to end of file. A file cut exactly at a member
 * boundary cannot be told from a file with fewer members (nothing in gzip says how many
 * members follow): it ends cleanly. */
long spie_src_read(spie_src *src, void *buf, size_t cap);

spie_src_status spie_src_error(const spie_src *src);
/* Byte offset in the file (compressed bytes) where the error was found: the file size
 * for a truncation, the first byte that is neither a member nor NUL padding for trailing
 * bytes (after NUL padding: the first non-NUL byte), 0 for a file that is not gzip, the
 * point where zlib stopped for corrupt data (at or just after the bad byte, after the
 * trailer field for a bad CRC or length; zlib's offset whichever the inflater, see the
 * top of this file), the bytes read so far for a read error.
 * 0 when there is no error. */
uint64_t spie_src_error_offset(const spie_src *src);
/* After a read that returned -1: how many bytes that call had written at the front of
 * its buffer before it met the error (the bytes decoded up to the error, from the
 * earlier members and from the failing one as zlib decoded it; 0 for a read error of
 * the file, 0 before any error). They are not handed out (bytes_out does not count
 * them) and the file is unusable; the extract reader still reads their complete lines,
 * to count the lines that came before the defect (docs/format-extraits.md §6). Under
 * exception (1) above the two inflaters may split those bytes differently between the
 * last good call and the failing one. */
size_t spie_src_error_partial(const spie_src *src);
/* errno of a failed read, 0 otherwise. */
int spie_src_errno(const spie_src *src);
/* True when NUL padding followed the last gzip member (reported, tolerated). */
bool spie_src_nul_padding(const spie_src *src);
/* Number of gzip members read completely (trailer checked) so far; an empty member
 * (gzip of 0 bytes) counts. 0 for a plain file. */
unsigned spie_src_members(const spie_src *src);
/* Bytes read from the file and bytes handed out so far. */
uint64_t spie_src_bytes_in(const spie_src *src);
uint64_t spie_src_bytes_out(const spie_src *src);

/* The file as it was read: the SHA-256 of its bytes and their count (*size), and whether
 * it changed while it was read. Every byte joins the hash once, as read(2) brings it from
 * the source's own descriptor, so the hash describes exactly the bytes decoded; when the
 * reading stopped early (an error), the rest of the file, up to its size at the open, is
 * read from the same descriptor for the hash. *changed: more or fewer bytes than the
 * size at the open, or the size, modification time or status-change time differ from the
 * open's: a file rewritten or appended to while it was read, or renamed over or deleted
 * (its descriptor still reads the old bytes, and they are what the hash describes, but
 * the inbox no longer holds them: unlinking changes the status-change time). Call once, after
 * the reading; 0 or an errno value (then hex is "" and *size 0). A memory source gives
 * the hash of its bytes, never changed. */
int spie_src_fingerprint(spie_src *src, char hex[SPIE_SHA256_HEX], uint64_t *size, bool *changed);

void spie_src_close(spie_src *src); /* accepts NULL */

/* The same source over memory (for tests and fuzzing): data[0..n) is borrowed and must
 * stay valid and unchanged until spie_src_close. Same behaviour and statuses as a file of
 * those bytes (bytes_in counts the bytes handed to the decoder). Returns NULL only when
 * memory runs out (*st = SPIE_SRC_E_MEMORY); st may be NULL. */
spie_src *spie_src_open_mem(const void *data, size_t n, bool gzip, spie_src_status *st);
spie_src *spie_src_open_mem_ex(const void *data, size_t n, bool gzip, spie_inflater inf,
                               spie_src_status *st);

/* Heap bytes the source holds right now (its state, its 128 KiB input buffer for a file,
 * the inflater's state: ISA-L's struct inflate_state, about 85 KiB, allocated at open;
 * zlib's state and 32 KiB window, zlib's allocated at open for the zlib path and only
 * when a member falls back to zlib for the ISA-L path). Bounded by a constant: it does
 * not grow with the size of the file nor with the number of members, which is how tests
 * check that nothing needs the stream whole. */
size_t spie_src_heap_bytes(const spie_src *src);

#endif
