/* Test hooks of the batch (include/spie/run.h, spie_run_hooks), for the end-to-end tests
 * of tests/e2e/60_batch.sh only. The production binary is built without SPIE_TEST_HOOKS
 * and has none; the Makefile builds build/spie-hooks from the same sources with it:
 *   SPIE_TEST_STOP_AFTER_FILES=N  the process kills itself with SIGKILL, as kill -9
 *                                 would, once the N-th file of the staging folder is
 *                                 complete (the rejects, the quality report, the
 *                                 indicators, the manifest: the last one is the moment
 *                                 just before the swap);
 *   SPIE_TEST_WORKBOOK_CHILD_FAILS the second workbook writer cannot create its files;
 *   SPIE_TEST_APPEND_ON_REJECT=PATH at the first rejected row of the inbox file whose
 *                                 name is PATH's last component, a line is appended to
 *                                 PATH (a file written to while it is read). */
#include "cli.h"

#ifdef SPIE_TEST_HOOKS
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long stop_after;

static void file_done(void *ctx, unsigned n)
{
    (void)ctx;
    if (stop_after && stop_after == n)
        raise(SIGKILL);
}

static const char *append_path;

static void on_reject(void *ctx, const spie_reject *r)
{
    (void)ctx;
    const char *base = strrchr(append_path, '/');
    base = base ? base + 1 : append_path;
    const char *name = strrchr(r->file, '/');
    name = name ? name + 1 : r->file;
    if (strcmp(base, name) != 0)
        return;
    FILE *f = fopen(append_path, "ab");
    if (f) {
        (void)fputs("AJOUT;2021-01-01;RSA\n", f); /* best effort: the test checks the outcome */
        (void)fclose(f);
    }
    append_path = ""; /* once */
}

const spie_run_hooks *cli_test_hooks(void)
{
    static spie_run_hooks h;
    append_path = getenv("SPIE_TEST_APPEND_ON_REJECT");
    if (append_path && *append_path)
        h.reject = on_reject;
    const char *s = getenv("SPIE_TEST_STOP_AFTER_FILES");
    stop_after = s && *s ? strtoul(s, NULL, 10) : 0;
    h.file_done = file_done;
    h.workbook_writer_fails = getenv("SPIE_TEST_WORKBOOK_CHILD_FAILS") != NULL;
    return &h;
}
#else
const spie_run_hooks *cli_test_hooks(void) { return NULL; }
#endif
