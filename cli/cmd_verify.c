/* spie verify DIR [--inbox DIR] [--recompute] ...: checks a period's output folder against
 * its manifest.json (docs/sorties.md §1, §3): every output file's size and SHA-256, no file
 * that the manifest does not list; with --inbox every input file's size and SHA-256; with
 * --recompute the batch run again, into a temporary folder, with the parameters the
 * manifest records (or --config), and every file compared byte by byte. Each difference
 * is one line on standard error naming the file.
 *
 * Exit status: 0 everything matches; 1 a difference (or no readable manifest); 2 usage;
 * 3 the recomputation could not write its temporary folder. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "spie/config.h"
#include "spie/manifest.h"
#include "spie/publish.h"
#include "spie/run.h"
#include "spie/util.h"
#include "spie/date.h"

typedef struct vopts {
    const char *dir, *inbox, *terr_path, *config_path;
    int jobs; /* 0: not given */
    bool recompute, quiet;
} vopts;

static void usage(FILE *f)
{
    fputs("Usage: spie verify DOSSIER [--inbox DOSSIER] [--recompute] [options]\n"
          "\n"
          "Vérifie le dossier d'une période (DOSSIER = SORTIE/AAAA-MM) d'après son manifest.json :\n"
          "taille et empreinte SHA-256 de chaque fichier produit, aucun fichier en trop ; avec\n"
          "--inbox, taille et empreinte de chaque extrait lu ; avec --recompute, refait le\n"
          "traitement dans un dossier temporaire avec les paramètres du manifeste et compare\n"
          "chaque fichier octet par octet.\n"
          "\n"
          "Options :\n"
          "  --inbox DOSSIER        boîte de dépôt des extraits (vérifie les entrées)\n"
          "  --recompute            refait le traitement et compare (demande --inbox)\n"
          "  --territories FICHIER  table des territoires du traitement (quand ce n'était pas la table livrée)\n"
          "  --config FICHIER       paramètres du recalcul (défaut : ceux du manifeste)\n"
          "  --jobs N               territoires lus en parallèle pendant le recalcul\n"
          "  --quiet                n'écrit que les différences et les erreurs\n"
          "  --help                 cette aide\n"
          "\n"
          "Pendant qu'un traitement publie dans le dossier de sortie, la vérification attend sa fin.\n"
          "\n"
          "Code de sortie : 0 conforme ; 1 au moins une différence (chaque fichier nommé) ;\n"
          "2 erreur d'usage ; 3 recalcul impossible à écrire ; 128 + n arrêté par le signal n.\n",
          f);
}

static bool parse(int argc, char **argv, vopts *o, int *status)
{
    static const struct option lopts[] = {
        {"inbox", required_argument, NULL, 'i'},  {"recompute", no_argument, NULL, 'r'},
        {"territories", required_argument, NULL, 't'}, {"config", required_argument, NULL, 'c'},
        {"jobs", required_argument, NULL, 'j'},   {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    int c;
    *status = 2;
    if (!cli_options_exact("verify", argc, argv, lopts))
        return false;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
        switch (c) {
        case 'i': o->inbox = optarg; break;
        case 'r': o->recompute = true; break;
        case 't': o->terr_path = optarg; break;
        case 'c': o->config_path = optarg; break;
        case 'j':
            if (!cli_parse_jobs("verify", optarg, &o->jobs))
                return false;
            break;
        case 'q': o->quiet = true; break;
        case 'h': usage(stdout); *status = 0; return false;
        default: usage(stderr); return false;
        }
    }
    if (optind + 1 != argc) {
        cli_msg("verify", "un seul DOSSIER est attendu (spie verify --help)");
        return false;
    }
    o->dir = argv[optind];
    if (o->recompute && !o->inbox) {
        cli_msg("verify", "--recompute demande --inbox");
        return false;
    }
    if ((o->config_path || o->jobs) && !o->recompute) {
        cli_msg("verify", "--config et --jobs ne servent qu'avec --recompute");
        return false;
    }
    return true;
}

typedef struct diff_ctx {
    const char *base; /* the folder the names are relative to */
} diff_ctx;

static void report(void *ctx, const char *file, const char *why)
{
    const diff_ctx *d = ctx;
    cli_msg("verify", "%s/%s : %s", d->base, file, why);
}

/* Checks --territories against the digest the manifest records. 0 same, 1 different,
 * 2 unreadable. */
static int check_territories(const json_t *m, const char *path)
{
    const char *want = json_string_value(json_object_get(json_object_get(m, "territoires"), "sha256"));
    char hex[SPIE_SHA256_HEX];
    int rc = spie_sha256_file(path, hex, NULL);
    if (rc) {
        cli_msg("verify", "%s: %s", path, strerror(rc));
        return 2;
    }
    if (!want || strcmp(want, hex) != 0) {
        cli_msg("verify", "%s : empreinte SHA-256 différente de la table de territoires du manifeste",
                path);
        return 1;
    }
    return 0;
}

/* The parameters of the recomputation: --config, or those the manifest records, with the
 * secret as it was. false (message printed) when they cannot be had. */
static bool recompute_params(const vopts *o, const json_t *m, spie_params *params)
{
    spie_params_default(params);
    if (o->config_path) {
        spie_error cerr;
        if (spie_config_load(o->config_path, params, &cerr) != SPIE_OK) {
            cli_print_error("verify", &cerr);
            return false;
        }
    } else {
        spie_error err = {0};
        if (spie_manifest_params_from_json(json_object_get(m, "parametres"), params, &err) != SPIE_OK) {
            cli_msg("verify", "%s/%s: %s", o->dir, SPIE_MANIFEST_NAME, err.msg);
            return false;
        }
    }
    /* A run published without the secret (--no-secret) is recomputed without it. */
    if (!strcmp(json_string_value(json_object_get(m, "commande")), "run") &&
        !json_is_true(json_object_get(m, "secret_applique")))
        params->secret = false;
    return true;
}

/* Runs the batch again into tmp/sortie with spie_run, silently, and compares. Returns the
 * differences, or -1 / -2 / -3 (exit status 1, 2 or 3) when the run could not be done. */
static char *parent_of(const char *dir);

static long recompute(const vopts *o, const json_t *m, const char *tmp)
{
    const char *period_s = json_string_value(json_object_get(m, "periode"));
    spie_month period;
    spie_params params;
    if (!spie_month_parse_iso(period_s, strlen(period_s), &period)) {
        cli_msg("verify", "%s/%s : période « %s » invalide", o->dir, SPIE_MANIFEST_NAME, period_s);
        return -1;
    }
    if (!recompute_params(o, m, &params))
        return o->config_path ? -2 : -1;
    /* The previous publication the batch compared with (docs/methodologie.md §11): looked
     * for beside the verified folder, as the manifest records it. */
    spie_previous_pin pin;
    if (!spie_previous_pin_from_json(json_object_get(m, "precedente"), &pin)) {
        cli_msg("verify", "%s/%s : « precedente » mal formée", o->dir, SPIE_MANIFEST_NAME);
        return -1;
    }
    char *out = spie_path_join(tmp, "sortie"), *got = out ? spie_path_join(out, period_s) : NULL;
    char *prev_dir = parent_of(o->dir);
    long result = -2;
    if (!out || !got || !prev_dir) {
        cli_msg("verify", "mémoire insuffisante");
        goto done;
    }
    if (!o->quiet)
        cli_msg("verify", "recalcul de %s (spie %s) dans %s", period_s,
                json_string_value(json_object_get(m, "commande")), tmp);
    spie_run_opts ro = {.compute = !strcmp(json_string_value(json_object_get(m, "commande")), "run"),
                        .period = period, .inbox = o->inbox, .out = out, .territories_path = o->terr_path,
                        .params = &params, .jobs = o->jobs ? o->jobs : cli_default_jobs(),
                        .cancel = cli_stop_flag(), .previous_dir = prev_dir, .previous_pin = &pin};
    spie_run_report rep;
    spie_error err = {0};
    spie_rc rc = spie_run(&ro, &rep, &err);
    if (rc == SPIE_E_CANCELLED) {
        result = -cli_stop_status();
        goto done;
    }
    if (rc) {
        cli_print_error("verify", &err);
        cli_msg("verify", "le recalcul a échoué");
        result = rc == SPIE_E_USAGE || rc == SPIE_E_INPUT ? -2 : -3;
        goto done;
    }
    diff_ctx d = {.base = o->dir};
    result = 0;
    if (rep.previous_pin_failed) {
        char q[8];
        spie_month_format(pin.period, q);
        cli_msg("verify", "%s/%s : publication précédente enregistrée dans le manifeste, inutilisable pour le "
                          "recalcul : %s",
                prev_dir, q, rep.previous_pin_why);
        result++;
    }
    result += (long)spie_compare_dirs(o->dir, got, report, &d);
done:
    free(out);
    free(got);
    free(prev_dir);
    return result;
}

/* The recomputation in a fresh temporary folder, removed after, also when a signal stops
 * it (spie_run then returns early). The differences, or minus an exit status. */
static long recompute_in_temp(const vopts *o, const json_t *m)
{
    const char *base = getenv("TMPDIR");
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/spie-verify-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpl)) {
        cli_msg("verify", "%s: %s", tmpl, strerror(errno));
        return -3;
    }
    long r = recompute(o, m, tmpl);
    int rc = spie_rmtree(tmpl);
    if (rc)
        cli_msg("verify", "%s: suppression impossible : %s", tmpl, strerror(rc));
    return r;
}

/* Every check the options ask for, on the loaded manifest. The differences, or minus an
 * exit status; *n_out and *n_in the files checked. */
static long verify_folder(const vopts *o, const json_t *m, size_t *n_out, size_t *n_in)
{
    size_t diffs = 0;
    diff_ctx dout = {.base = o->dir};
    diffs += spie_manifest_check_outputs(m, o->dir, report, &dout);
    *n_out = json_array_size(json_object_get(m, "sorties"));
    if (o->inbox) {
        diff_ctx din = {.base = o->inbox};
        diffs += spie_manifest_check_inputs(m, o->inbox, report, &din, n_in);
    }
    if (o->terr_path) {
        int t = check_territories(m, o->terr_path);
        if (t == 2)
            return -2;
        diffs += (size_t)t;
    }
    if (o->recompute) {
        long r = recompute_in_temp(o, m);
        if (r < 0)
            return r;
        diffs += (size_t)r;
    }
    return (long)diffs;
}

/* The folder holding DIR (its output folder), where the lock of the batches is. */
static char *parent_of(const char *dir)
{
    char *r = spie_path_resolve(dir);
    if (!r)
        return NULL;
    char *slash = strrchr(r, '/');
    if (slash && slash != r)
        *slash = 0;
    else if (slash)
        slash[1] = 0;
    return r;
}

/* Takes the output folder's lock in shared mode, so that no batch publishes while the
 * folder is read (it would show differences that are not there); waits for one that is
 * publishing. The descriptor to close, -1 when there is none; -2 on failure (printed). */
static int lock_folder(const vopts *o)
{
    char *out = parent_of(o->dir);
    int fd = -1, rc = out ? spie_publish_lock_shared(out, false, &fd) : ENOMEM;
    if (rc == EWOULDBLOCK) {
        if (!o->quiet)
            cli_msg("verify", "%s : un traitement publie dans ce dossier, attente de sa fin", out);
        rc = spie_publish_lock_shared(out, true, &fd);
    }
    if (rc)
        cli_msg("verify", "%s: verrou du dossier de sortie : %s", out ? out : o->dir, strerror(rc));
    free(out);
    return rc ? -2 : fd;
}

/* The inputs of the command exist, and the manifest reads. An exit status, or -1. */
static int open_manifest(const vopts *o, json_t **m)
{
    struct stat st;
    errno = 0;
    if (stat(o->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cli_msg("verify", "%s: %s", o->dir, errno ? strerror(errno) : "n'est pas un dossier");
        return 2;
    }
    errno = 0;
    if (o->inbox && (stat(o->inbox, &st) != 0 || !S_ISDIR(st.st_mode))) {
        cli_msg("verify", "--inbox %s : %s", o->inbox, errno ? strerror(errno) : "n'est pas un dossier");
        return 2;
    }
    spie_error err = {0};
    if (!(*m = spie_manifest_load(o->dir, &err))) {
        cli_print_error("verify", &err);
        return 1;
    }
    const char *source = json_string_value(json_object_get(json_object_get(*m, "territoires"), "source"));
    if (o->recompute && !o->terr_path && source && !strcmp(source, "fichier")) {
        cli_msg("verify", "le traitement a lu une table de territoires fournie : --territories FICHIER est nécessaire "
                            "au recalcul");
        json_decref(*m);
        *m = NULL;
        return 2;
    }
    return -1;
}

int spie_cmd_verify(int argc, char **argv)
{
    vopts o = {0};
    int status = 2;
    if (!parse(argc, argv, &o, &status))
        return status;
    int lock = lock_folder(&o);
    if (lock == -2)
        return 2;
    json_t *m = NULL;
    size_t n_out = 0, n_in = 0;
    long diffs = 0;
    if ((status = open_manifest(&o, &m)) < 0)
        diffs = verify_folder(&o, m, &n_out, &n_in);
    json_decref(m);
    if (lock >= 0)
        close(lock);
    if (status >= 0)
        return status;
    if (diffs < 0)
        return (int)-diffs;
    if (diffs) {
        cli_msg("verify", "%s : %ld différence%s", o.dir, diffs, diffs > 1 ? "s" : "");
        return 1;
    }
    if (!o.quiet) {
        char ins[64] = "";
        if (o.inbox)
            snprintf(ins, sizeof ins, ", %zu entrées", n_in);
        cli_msg("verify", "%s : conforme au manifeste (%zu sorties%s%s)", o.dir, n_out, ins,
                o.recompute ? ", recalcul identique octet par octet" : "");
    }
    return 0;
}
