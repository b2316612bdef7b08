/* spie: the SPIE batch reporting engine. Dispatches to the sub-commands. */
#include <gsl/gsl_errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
          "spie <commande> --help décrit les options d'une commande.\n"
          "\n"
          "Options :\n"
          "  -h, --help  cette aide\n"
          "  --version   la version du programme\n"
          "\n"
          "Code de sortie : celui de la commande (spie <commande> --help) ; 2 commande absente ou inconnue.\n",
          f);
    /* The shipped files, where they are found (README "Installing on a server"). */
    char dir[4096];
    if (cli_datadir(dir, sizeof dir))
        fprintf(f,
                "\n"
                "Fichiers livrés, dans %s/ :\n"
                "  territoires-defaut.csv  copie de la table des territoires par défaut (celle que spie\n"
                "                          utilise est intégrée au programme : ce fichier est à lire ou copier)\n"
                "  spie.ini.exemple        exemple de fichier de configuration\n"
                "  demo/                   boîte de dépôt de démonstration et sa table des territoires\n",
                dir);
    fputs("\nPages de manuel : spie(1), spie-run(1), spie-check(1), spie-verify(1), spie-sample(1).\n", f);
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
