/* spie sample: writes a synthetic inbox (samples/README.md). Exit status: 0 done, 2 usage
 * error or unreadable --territories table (nothing written), 3 the files could not be
 * written. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "spie/date.h"
#include "spie/sample.h"

static void usage(FILE *f)
{
    fputs("Usage: spie sample --out DOSSIER [--seed N] [--scale demo|national|N] [--until AAAA-MM]\n"
          "                   [--history N] [--clean] [--territories FICHIER]\n"
          "\n"
          "Écrit une boîte de dépôt synthétique au format des extraits (données fictives) :\n"
          "  DOSSIER/inbox/            les extraits mensuels cumulatifs des trois types pour chaque\n"
          "                            territoire, de son démarrage à --until, et le budget NAT\n"
          "  DOSSIER/territoires.csv   la table des territoires utilisée\n"
          "  DOSSIER/defauts.csv       par fichier et par motif, le nombre de lignes à rejeter\n"
          "  DOSSIER/fichiers.csv      les particularités des fichiers (retard, export à la française...)\n"
          "\n"
          "Options :\n"
          "  --out DOSSIER   dossier de sortie (créé au besoin ; DOSSIER/inbox doit être vide)\n"
          "  --seed N        graine (entier, défaut 1) : mêmes options et graine, mêmes octets\n"
          "  --scale S       demo (quelques territoires, quelques milliers de personnes ; défaut),\n"
          "                  national (tous les territoires, environ 2 millions de personnes avec\n"
          "                  la table livrée ; avec une autre table, autant de personnes par\n"
          "                  territoire que l'échantillon national de la table livrée)\n"
          "                  ou un nombre de personnes\n"
          "  --until M       dernier mois des extraits, AAAA-MM (défaut 2023-12 ; 2020-03 à 2030-12)\n"
          "  --history N     n'écrire que les N derniers extraits mensuels de chaque territoire\n"
          "                  (défaut : tous)\n"
          "  --clean         sans défauts : aucune ligne à rejeter, fichiers tous au même format\n"
          "  --territories FICHIER\n"
          "                  table des territoires à utiliser (format de spie run --territories ;\n"
          "                  défaut : la table livrée, samples/territoires-defaut.csv) ;\n"
          "                  DOSSIER/territoires.csv est alors cette table\n"
          "  -h, --help      cette aide\n",
          f);
}

/* A decimal unsigned integer, nothing else (no sign, no space), at most max. */
static bool parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (!s || !*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned d = (unsigned)(*s - '0');
        if (v > (max - d) / 10u)
            return false;
        v = v * 10u + d;
    }
    *out = v;
    return true;
}

int spie_cmd_sample(int argc, char **argv)
{
    enum { OPT_OUT = 1, OPT_SEED, OPT_SCALE, OPT_UNTIL, OPT_HISTORY, OPT_CLEAN, OPT_TERRITORIES };
    static const struct option longopts[] = {
        {"out", required_argument, NULL, OPT_OUT},         {"seed", required_argument, NULL, OPT_SEED},
        {"scale", required_argument, NULL, OPT_SCALE},     {"until", required_argument, NULL, OPT_UNTIL},
        {"history", required_argument, NULL, OPT_HISTORY}, {"clean", no_argument, NULL, OPT_CLEAN},
        {"territories", required_argument, NULL, OPT_TERRITORIES},
        {"help", no_argument, NULL, 'h'},                  {NULL, 0, NULL, 0},
    };
    spie_sample_options o;
    spie_sample_options_init(&o);
    const char *out = NULL;
    uint64_t v;
    int c;
    if (!cli_options_exact("sample", argc, argv, longopts))
        return 2;
    optind = 0; /* restart getopt: argv is the sub-command's own vector */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_OUT:
            out = optarg;
            break;
        case OPT_SEED:
            if (!parse_uint(optarg, UINT64_MAX, &o.seed)) {
                cli_msg("sample", "--seed : entier positif attendu, pas « %s »", optarg);
                return 2;
            }
            break;
        case OPT_SCALE:
            if (!spie_sample_parse_scale(optarg, &o)) {
                cli_msg("sample", "--scale : demo, national ou un nombre de personnes (1 à %u), pas « %s »",
                          SPIE_SAMPLE_MAX_PERSONS, optarg);
                return 2;
            }
            break;
        case OPT_UNTIL:
            if (!spie_month_parse_iso(optarg, strlen(optarg), &o.until)) {
                cli_msg("sample", "--until : mois AAAA-MM attendu, pas « %s »", optarg);
                return 2;
            }
            break;
        case OPT_HISTORY:
            if (!parse_uint(optarg, 100000, &v) || v == 0) {
                cli_msg("sample", "--history : nombre de mois positif attendu, pas « %s »", optarg);
                return 2;
            }
            o.history = (unsigned)v;
            break;
        case OPT_CLEAN:
            o.clean = true;
            break;
        case OPT_TERRITORIES:
            if (!*optarg) {
                cli_msg("sample", "--territories : chemin de fichier attendu");
                return 2;
            }
            o.territories = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case ':':
            cli_msg("sample", "l'option %s attend une valeur", argv[optind - 1]);
            return 2;
        default:
            cli_msg("sample", "option inconnue « %s » (spie sample --help)", argv[optind - 1]);
            return 2;
        }
    }
    if (optind < argc) {
        cli_msg("sample", "argument inattendu « %s » (spie sample --help)", argv[optind]);
        return 2;
    }
    if (!out || !*out) {
        cli_msg("sample", "--out DOSSIER est obligatoire (spie sample --help)");
        return 2;
    }

    spie_sample_summary sum;
    spie_sample_error err;
    spie_sample_status st = spie_sample_write(out, &o, &sum, &err);
    switch (st) {
    case SPIE_SAMPLE_OK:
        break;
    case SPIE_SAMPLE_E_USAGE:
    case SPIE_SAMPLE_E_TABLE:
        cli_msg("sample", "%s", err.msg);
        return 2;
    default:
        cli_msg("sample", "%s", err.msg[0] ? err.msg : spie_sample_strerror(st));
        return 3;
    }
    if (isatty(STDERR_FILENO))
        cli_msg("sample", "%zu fichiers (%llu octets), %llu personnes, %llu étapes, %llu lignes à rejeter",
                sum.files, (unsigned long long)sum.bytes, (unsigned long long)sum.persons,
                (unsigned long long)sum.steps, (unsigned long long)sum.defects);
    return 0;
}
