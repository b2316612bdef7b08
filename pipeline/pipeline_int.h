/* Private to the pipeline (pipeline/): the pieces of spie_run that live in their own
 * file. */
#ifndef SPIE_PIPELINE_INT_H
#define SPIE_PIPELINE_INT_H

#include <signal.h>

#include "spie/workbook.h"

/* Writes the workbooks into dir, in two processes when jobs >= 2 (child_fails: test hook,
 * the second writer cannot create its files). 0, an errno value with msg naming the file,
 * or ECANCELED when *cancel became non-zero (the second writer is then killed). */
int spie_pipeline_write_workbooks(const char *dir, spie_workbook_input *wbi, int jobs, bool child_fails,
                                  const volatile sig_atomic_t *cancel, char *msg, size_t msg_size);

#endif
