/* Test hooks of the batch (include/spie/run.h, spie_run_hooks), for the end-to-end tests
 * of tests/e2e/60_batch.sh only. The production binary is built without SPIE_TEST_HOOKS
 * and has none; the Makefile builds build/spie-hooks from the same sources with it:
 *   SPIE_TEST_STOP_AFTER_FILES=N  the process kills itself with SIGKILL, as kill -9
 *                                 would, once the N-th file of the staging folder is
 *                                 complete (the rejects, the quality report, the
 *                                 indicators, the manifest: the last one is the moment
 *                                 just before the swap);
 *   SPIE_TEST_WORKBOOK_CHILD_FAILS the second workbook writer cannot create its files. */
#include "cli.h"

#ifdef SPIE_TEST_HOOKS
#include <signal.h>
#include <stdlib.h>

static unsigned long stop_after;

static void file_done(void *ctx, unsigned n)
{
    (void)ctx;
    if (stop_after && stop_after == n)
        raise(SIGKILL);
}

const spie_run_hooks *cli_test_hooks(void)
{
    static spie_run_hooks h;
    const char *s = getenv("SPIE_TEST_STOP_AFTER_FILES");
    stop_after = s && *s ? strtoul(s, NULL, 10) : 0;
    h.file_done = file_done;
    h.workbook_writer_fails = getenv("SPIE_TEST_WORKBOOK_CHILD_FAILS") != NULL;
    return &h;
}
#else
const spie_run_hooks *cli_test_hooks(void) { return NULL; }
#endif
