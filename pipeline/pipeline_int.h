/* Private to the pipeline (pipeline/): the pieces of spie_run that live in their own
 * file. */
#ifndef SPIE_PIPELINE_INT_H
#define SPIE_PIPELINE_INT_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "spie/workbook.h"

/* The workbooks, written into dir by this process and, when jobs >= 2, a forked one
 * (pipeline/workbooks.c). The table and everything wbi points to must be final when the
 * writer starts: the child writes from its copy. */
typedef struct spie_wb_writer {
    pid_t pid; /* the child writing its share; 0: none (this process writes all) */
    int fd;    /* the pipe bringing the child's message */
} spie_wb_writer;

/* Starts the child on its share when jobs >= 2 and fork and pipe work (child_fails: test
 * hook, the child cannot create its files); otherwise this process will write all. */
void spie_pipeline_workbooks_start(spie_wb_writer *wr, const char *dir, spie_workbook_input *wbi, int jobs,
                                   bool child_fails);
/* Writes this process's share (every workbook without a child), then waits for the
 * child. 0, an errno value with msg naming the file, or ECANCELED when *cancel became
 * non-zero (the child is then killed). */
int spie_pipeline_workbooks_finish(spie_wb_writer *wr, const char *dir, spie_workbook_input *wbi,
                                   const volatile sig_atomic_t *cancel, char *msg, size_t msg_size);
/* Kills and reaps the child, if any (a failure between start and finish). */
void spie_pipeline_workbooks_abort(spie_wb_writer *wr);

#endif
