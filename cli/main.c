/* spie: the SPIE batch reporting engine. Dispatches to the sub-commands. */
#include <gsl/gsl_errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <stdlib.h>

#include "cli.h"
#include "spie/version.h"

void cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "spie %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void cli_print_error(const char *cmd, const spie_error *e)
{
    if (e->file[0] && e->line)
        cli_error(cmd, "%s:%llu: %s", e->file, (unsigned long long)e->line, e->msg);
    else if (e->file[0])
        cli_error(cmd, "%s: %s", e->file, e->msg);
    else
        cli_error(cmd, "%s", e->msg[0] ? e->msg : spie_rc_str(e->rc));
}

int cli_default_jobs(void)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    return ncpu > 0 ? (int)(ncpu > 64 ? 64 : ncpu) : 1;
}

bool cli_parse_jobs(const char *cmd, const char *arg, int *jobs)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || end == arg || *end || v < 1 || v > 256) {
        cli_error(cmd, "--jobs %s : un nombre entre 1 et 256 est attendu", arg);
        return false;
    }
    *jobs = (int)v;
    return true;
}

static void usage(FILE *f)
{
    fputs("Usage: spie <commande> [options]\n"
          "\n"
          "Commandes :\n"
          "  run     le traitement mensuel : sélection des extraits, contrôle, indicateurs, classeurs\n"
          "  check   la lecture et le contrôle seuls : rapport de qualité et rejets\n"
          "  verify  vérifie le dossier d'une période d'après son manifeste (et --recompute : le refait)\n"
          "  sample  écrit une boîte de dépôt synthétique (données fictives)\n"
          "\n"
          "spie <commande> --help décrit les options d'une commande ; spie --version donne la version.\n",
          f);
}

int main(int argc, char **argv)
{
    /* GSL's default handler aborts; every GSL call's status is checked instead. The
     * process never calls setlocale, so numbers are read and printed in the C locale. */
    gsl_set_error_handler_off();
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("spie %s\n", SPIE_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "run"))
        return spie_cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "check"))
        return spie_cmd_check(argc - 1, argv + 1);
    if (!strcmp(cmd, "verify"))
        return spie_cmd_verify(argc - 1, argv + 1);
    if (!strcmp(cmd, "sample"))
        return spie_cmd_sample(argc - 1, argv + 1);
    fprintf(stderr, "spie: commande inconnue « %s »\n", cmd);
    usage(stderr);
    return 2;
}
