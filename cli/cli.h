/* The command line: the only code of the project that prints and exits. Each sub-command
 * takes its own argv (argv[0] is the sub-command name) and returns the exit status of
 * docs/sorties.md §1: 0 done, 1 done with data errors, 2 usage or configuration error, 3 the
 * outputs could not be written. */
#ifndef SPIE_CLI_H
#define SPIE_CLI_H

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>

#include "spie/error.h"
#include "spie/run.h"

int spie_cmd_check(int argc, char **argv);
int spie_cmd_run(int argc, char **argv);
int spie_cmd_sample(int argc, char **argv);
int spie_cmd_verify(int argc, char **argv);

/* The folder of the files shipped with spie (the default territories table's copy, the
 * example configuration, the demo inbox) found beside the binary, in buf; NULL when none
 * is (datadir.c). */
const char *cli_datadir(char *buf, size_t size);

/* "spie <cmd>: message" on standard error, one line written at once. Control characters
 * and bytes that are not UTF-8 (from file names, extract text) are shown as \xNN, so a
 * name cannot forge a log line or send escape sequences to the terminal. */
void cli_msg(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* An error record as one line: "spie <cmd>: <file>:<line>: <msg>" (file and line when
 * the record has them). */
void cli_print_error(const char *cmd, const spie_error *e);

/* Long options written in full and given once each: getopt_long alone accepts "--per"
 * for "--period" and takes the last of two "--period". A monthly script must mean exactly
 * what it says, so both are refused (message printed, false). */
bool cli_options_exact(const char *cmd, int argc, char **argv, const struct option *opts);

/* The number of worker threads by default: the cores online, at most 64. */
int cli_default_jobs(void);
/* --jobs N: 1 to 256. false (message printed) otherwise. */
bool cli_parse_jobs(const char *cmd, const char *arg, int *jobs);

/* Stop requests. cli_catch_signals makes SIGINT, SIGTERM and SIGHUP set a flag that
 * spie_run polls (between territories and stages): the run removes its staging folder and
 * the command ends with 128 + the signal number; a second signal ends the process at once
 * (a later run removes what it left). */
void cli_catch_signals(void);
const volatile sig_atomic_t *cli_stop_flag(void);
int cli_stop_status(void); /* 128 + the signal received, 0 if none */

/* The test hooks of spie_run: NULL in the production binary; in the test build
 * (SPIE_TEST_HOOKS, build/spie-hooks) they are read from the environment (cli/hooks.c). */
const spie_run_hooks *cli_test_hooks(void);

#endif
