/* The one error convention of the library (README, "Errors").
 *
 * A function that can fail returns a spie_rc: SPIE_OK (0) or the kind of failure. When
 * the caller needs to tell a person what went wrong, the function also fills a spie_error
 * record (optional: NULL is accepted): the kind, the errno value behind it if any, the
 * file and the line it is about (a path relative to what the user gave, or empty), and a
 * complete French sentence. Library code never prints, exits or aborts: the command line
 * (cli/) prints the record as "spie <cmd>: <file>:<line>: <msg>".
 *
 * Functions that only allocate may keep returning a pointer (NULL = out of memory), and
 * functions that only do I/O on a path they were given may return an errno value (0 =
 * done): both are said in their header. */
#ifndef SPIE_ERROR_H
#define SPIE_ERROR_H

#include "spie/common.h"

typedef enum spie_rc {
    SPIE_OK = 0,
    SPIE_E_MEMORY,   /* memory ran out */
    SPIE_E_USAGE,    /* a parameter, an option or a configuration is wrong: nothing done */
    SPIE_E_INPUT,    /* an input (inbox, table, manifest) cannot be used as it is */
    SPIE_E_OUTPUT,   /* an output could not be written (disk full, permissions) */
    SPIE_E_INTERNAL, /* a computation failed in a way that is a bug */
    SPIE_E_CANCELLED, /* the caller asked to stop (a signal): nothing was published */
    SPIE_RC_COUNT
} spie_rc;

/* "ok", "mémoire insuffisante", "erreur d'usage", "entrée inutilisable", "écriture
 * impossible", "erreur interne", "interrompu". */
const char *spie_rc_str(spie_rc rc);

typedef struct spie_error {
    spie_rc rc;
    int errnum;       /* errno behind the failure, 0 if none */
    char file[512];   /* the file it is about, "" if none */
    uint64_t line;    /* 1-based line in that file, 0 if none */
    char msg[640];    /* French, complete, without the file and line */
} spie_error;

/* Fills *e (when e is not NULL) and returns rc, so that a failure is one statement:
 *     return spie_fail(err, SPIE_E_INPUT, path, line, "colonne %s absente", name);
 * file may be NULL. */
spie_rc spie_fail(spie_error *e, spie_rc rc, const char *file, uint64_t line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* The same with errno's text appended to msg (" : Permission denied"), errnum = errnum. */
spie_rc spie_fail_errno(spie_error *e, spie_rc rc, int errnum, const char *file, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

#endif
