/* The error record of include/spie/error.h: filling it, naming its kinds. It formats
 * text into the record and never prints. */
#include "spie/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *spie_rc_str(spie_rc rc)
{
    static const char *const words[SPIE_RC_COUNT] = {
        "ok", "mémoire insuffisante", "erreur d'usage", "entrée inutilisable", "écriture impossible", "erreur interne", "interrompu"};
    return (unsigned)rc < SPIE_RC_COUNT ? words[rc] : "erreur inconnue";
}

static void set_file(spie_error *e, spie_rc rc, int errnum, const char *file, uint64_t line)
{
    e->rc = rc;
    e->errnum = errnum;
    e->line = line;
    snprintf(e->file, sizeof e->file, "%s", file ? file : "");
}

spie_rc spie_fail(spie_error *e, spie_rc rc, const char *file, uint64_t line, const char *fmt, ...)
{
    if (!e)
        return rc;
    set_file(e, rc, 0, file, line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return rc;
}

spie_rc spie_fail_errno(spie_error *e, spie_rc rc, int errnum, const char *file, const char *fmt, ...)
{
    if (!e)
        return rc;
    set_file(e, rc, errnum, file, 0);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    size_t used = n < 0 ? 0 : (size_t)n < sizeof e->msg ? (size_t)n : sizeof e->msg - 1;
    if (errnum)
        snprintf(e->msg + used, sizeof e->msg - used, "%s%s", used ? " : " : "", strerror(errnum));
    return rc;
}
