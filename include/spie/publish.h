/* Atomic publication of a period's output folder (docs/sorties.md §2): everything is written
 * into a staging folder beside the destination (<out>/.<name>.partiel); commit fsyncs every
 * file in it (whatever its writer did) and the folder, swaps it with <out>/<name> in one
 * step (renameat2 RENAME_EXCHANGE, or rename when there is no previous result), fsyncs
 * <out> (undoing the swap when that fails), then removes the previous result. At every
 * instant <out>/<name> is the complete previous result or the complete new one; a run
 * killed at any point leaves at most the staging folder, removed by the next begin.
 * RENAME_EXCHANGE needs Linux >= 3.15 and a file system that has it (ext4, xfs, btrfs,
 * tmpfs do); elsewhere commit fails (EINVAL) rather than publish non-atomically.
 *
 * One batch at a time per output folder: an exclusive lock on <out>/.spie.lock is held
 * from begin to commit/abort (spie verify takes it shared). The staging folders that
 * killed runs left in <out>, of any period, are removed at begin. */
#ifndef SPIE_PUBLISH_H
#define SPIE_PUBLISH_H

#include "spie/common.h"
#include "spie/error.h"

typedef struct spie_publish spie_publish;

#include <sys/stat.h>

/* What may be replaced: called under the lock when <out>/<name> exists (st from lstat),
 * before anything is written. Returns SPIE_OK to go on, or fills err and returns the
 * reason to stop (then nothing is written and <out>/<name> is left as it is). */
typedef struct spie_publish_guard {
    spie_rc (*check)(void *ctx, const char *final, const struct stat *st, spie_error *err);
    void *ctx;
} spie_publish_guard;

/* Creates <out> and its parents if needed, takes the lock, removes what killed runs left,
 * asks the guard (may be NULL) about an existing <out>/<name>, makes a fresh staging
 * folder. name must be a plain file name (no '/', not starting with '.': SPIE_E_USAGE
 * otherwise). NULL with *err filled on failure (SPIE_E_OUTPUT, SPIE_E_MEMORY, or the
 * guard's). */
spie_publish *spie_publish_begin(const char *out, const char *name, const spie_publish_guard *guard,
                                 spie_error *err);
/* <out>/<name>, the folder the commit replaces. */
const char *spie_publish_final(const spie_publish *p);
/* The staging folder, where the files are to be written. */
const char *spie_publish_staging(const spie_publish *p);
/* A path inside the staging folder (malloc'd), or NULL. */
char *spie_publish_path(const spie_publish *p, const char *file);
/* Swaps the staging folder in. SPIE_OK, or SPIE_E_OUTPUT with *err filled (then nothing
 * was published and the previous result is intact); frees p in every case. */
spie_rc spie_publish_commit(spie_publish *p, spie_error *err);
/* Removes the staging folder; frees p. Accepts NULL. */
void spie_publish_abort(spie_publish *p);

/* Takes the output folder's lock in shared mode, for a reader (spie verify): no batch can
 * publish in out while it is held, and a batch that is publishing is waited for (wait) or
 * reported (EWOULDBLOCK). *fd_out is the descriptor to close to release it, -1 when out
 * has no lock file (no batch ever published there). 0 or an errno value. */
int spie_publish_lock_shared(const char *out, bool wait, int *fd_out);

/* Removes a folder tree without following symbolic links. 0 or an errno value. */
int spie_rmtree(const char *path);
/* fsync of a folder. 0 or an errno value. */
int spie_fsync_dir(const char *path);

#endif
