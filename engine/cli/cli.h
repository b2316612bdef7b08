/* The command line: the only code of the project that prints and exits. Each sub-command
 * takes its own argv (argv[0] is the sub-command name) and returns the exit status of
 * outputs.md §1: 0 done, 1 done with data errors, 2 usage or configuration error, 3 the
 * outputs could not be written. */
#ifndef SPIE_CLI_H
#define SPIE_CLI_H

#include <stddef.h>

int spie_cmd_check(int argc, char **argv);
int spie_cmd_run(int argc, char **argv);
int spie_cmd_sample(int argc, char **argv);
int spie_cmd_verify(int argc, char **argv);

/* The folder of the files shipped with spie (the default territories table's copy, the
 * example configuration, the demo inbox) found beside the binary, in buf; NULL when none
 * is (datadir.c). */
const char *cli_datadir(char *buf, size_t size);

/* "spie <cmd>: message" on standard error, one line. */
void cli_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
