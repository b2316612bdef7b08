/* spie run and spie check: the monthly batch, and its reading-and-validation part alone.
 * Both select the extracts, read them in parallel (--jobs) and publish atomically into
 * <out>/<P>/; run also computes the indicators. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "spie/config.h"
#include "spie/date.h"
#include "spie/run.h"

typedef struct opts {
    const char *cmd;
    bool run;
    const char *period_s, *inbox, *out, *terr_path;
    int jobs;
    bool quiet;
    bool no_secret;
    const char *config_path; /* --config */
} opts;

static void usage(FILE *f, bool run)
{
    if (run)
        fputs("Usage: spie run --period AAAA-MM --inbox DOSSIER --out DOSSIER [options]\n"
              "\n"
              "Le traitement mensuel : sélectionne les extraits de la période (le plus récent mois\n"
              "<= période pour chaque territoire et chaque type), les contrôle, calcule les indicateurs\n"
              "et publie d'un bloc dans DOSSIER/AAAA-MM/ : indicateurs_AAAA-MM.csv, les classeurs\n"
              "SPIE_AAAA-MM_*.xlsx, qualite_AAAA-MM.csv, rejets_AAAA-MM.csv.gz et manifest.json ;\n"
              "evolution_AAAA-MM.csv quand DOSSIER tient une publication précédente conforme.\n",
              f);
    else
        fputs("Usage: spie check --period AAAA-MM --inbox DOSSIER --out DOSSIER [options]\n"
              "\n"
              "Lit et contrôle les extraits retenus pour la période, sans calculer d'indicateur, et\n"
              "publie dans DOSSIER/AAAA-MM/ le rapport de qualité qualite_AAAA-MM.csv, les lignes\n"
              "rejetées rejets_AAAA-MM.csv.gz et le manifeste manifest.json.\n",
              f);
    fputs("\n"
          "Options :\n"
          "  --period AAAA-MM       période traitée\n"
          "  --inbox DOSSIER        boîte de dépôt des extraits\n"
          "  --out DOSSIER          dossier de sortie\n"
          "  --territories FICHIER  table des territoires (défaut : table livrée, allocations illustratives)\n"
          "  --config FICHIER       paramètres de la méthodologie (INI, voir docs/configuration.md)\n"
          "  --jobs N               territoires lus en parallèle (défaut : nombre de cœurs)\n"
          "  --no-secret            sans secret statistique, pour un évaluateur sur ses propres données :\n"
          "                         toutes les sorties portent la mention « Diffusion restreinte »\n"
          "  --quiet                n'écrit que les erreurs\n"
          "  --help                 cette aide\n"
          "\n"
          "Code de sortie : 0 fait ; 1 fait, avec des erreurs de données (fichier inutilisable,\n"
          "territoire manquant ou en retard, part de lignes rejetées au-dessus du seuil d'alerte,\n"
          "rupture de continuité avec la publication précédente) ;\n"
          "2 erreur d'usage ou de configuration (période hors de 2020-01..2099-12, --out dans\n"
          "--inbox ou l'inverse, check sur une publication de run...), rien n'est écrit ;\n"
          "3 sorties impossibles à écrire, ou DOSSIER/AAAA-MM n'est pas une publication de spie\n"
          "(le résultat précédent reste intact) ; 128 + n arrêté par le signal n (SIGINT,\n"
          "SIGTERM, SIGHUP), rien n'est publié.\n",
          f);
}

/* Per-territory log: file problems always, summaries unless --quiet. Runs under the
 * batch's lock, so lines of two territories never mix. */
typedef struct log_ctx {
    const opts *o;
    const spie_params *params;
    /* The progress line: on a terminal and without --quiet only. */
    bool progress, progress_shown;
    size_t groups_total, groups_done; /* territories (NAT apart) */
    uint64_t bytes;                   /* bytes of input read so far */
    double t0;
} log_ctx;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Erases the progress line (before a log line, and at the end). */
static void progress_clear(log_ctx *lc)
{
    if (lc->progress_shown)
        fputs("\r\033[K", stderr);
    lc->progress_shown = false;
}

static void progress_draw(log_ctx *lc)
{
    if (!lc->progress)
        return;
    double dt = now_seconds() - lc->t0, mb = (double)lc->bytes / 1e6, rate = dt > 1e-3 ? mb / dt : 0.0;
    fprintf(stderr, "\r\033[Kterritoires %zu/%zu, %.*f Mo lus, %.*f Mo/s", lc->groups_done, lc->groups_total,
            mb < 10 ? 1 : 0, mb, rate < 10 ? 1 : 0, rate);
    lc->progress_shown = true;
}

static void log_group(void *ctx, const spie_plan *plan, size_t first, size_t count, const spie_entry_result *results,
                      double seconds)
{
    log_ctx *lc = ctx;
    const opts *o = lc->o;
    const char *cmd = o->cmd;
    unsigned missing = 0;
    uint64_t group_bytes = 0;
    progress_clear(lc);
    for (size_t i = first; i < first + count; i++) {
        const spie_plan_entry *e = &plan->entries[i];
        const spie_entry_result *res = &results[i];
        spie_entry_problems p = spie_entry_problems_of(e, res, lc->params);
        if (res->status == SPIE_ENTRY_MISSING) {
            missing += p.missing;
            continue;
        }
        if (p.late)
            cli_msg(cmd, "%s/%s: en retard de %d mois", o->inbox, e->file, e->late_months);
        const spie_file_report *r = &res->rep;
        group_bytes += r->bytes_in;
        if (p.unusable) {
            if (r->fail_line)
                cli_msg(cmd, "%s/%s:%llu: fichier inutilisable : %s", o->inbox, e->file,
                        (unsigned long long)r->fail_line, r->motif);
            else
                cli_msg(cmd, "%s/%s: fichier inutilisable : %s", o->inbox, e->file, r->motif);
            continue;
        }
        if (p.over_alert)
            cli_msg(cmd, "%s/%s: %llu lignes rejetées sur %llu lues (%.1f %%), au-dessus du seuil d'alerte de %g %%", o->inbox, e->file, (unsigned long long)r->rows_rejected, (unsigned long long)r->rows_read,
                    100.0 * p.reject_share, 100.0 * lc->params->reject_alert_rate);
        if (o->quiet)
            continue;
        for (unsigned k = 0; k < res->n_first_rejects; k++) {
            const spie_reject_note *n = &res->first_rejects[k];
            cli_msg(cmd, "%s/%s:%llu: ligne rejetée : %s (%s%s%s)", o->inbox, e->file,
                    (unsigned long long)n->line, spie_reason_label(n->reason), spie_reason_code(n->reason),
                    n->column ? ", colonne " : "", n->column ? n->column : "");
        }
        cli_msg(cmd, "%s/%s: %llu lignes lues, %llu acceptées, %llu rejetées, %llu vides",
                o->inbox, e->file, (unsigned long long)r->rows_read, (unsigned long long)r->rows_accepted,
                (unsigned long long)r->rows_rejected, (unsigned long long)r->empty_lines);
    }
    if (missing)
        cli_msg(cmd, "territoire %s : %u extrait%s manquant%s dans %s", plan->entries[first].dept,
                missing, missing > 1 ? "s" : "", missing > 1 ? "s" : "", o->inbox);
    if (!o->quiet)
        cli_msg(cmd, "territoire %s lu en %.2f s (%.1f Mo)", plan->entries[first].dept, seconds,
                (double)group_bytes / 1e6);
    lc->bytes += group_bytes;
    if (plan->entries[first].terr)
        lc->groups_done++;
    progress_draw(lc);
}

static void log_others(const opts *o, const spie_plan *plan)
{
    if (o->quiet)
        return;
    for (size_t i = 0; i < plan->n_others; i++)
        cli_msg(o->cmd, "%s/%s: %s : %s", o->inbox, plan->others[i].name,
                plan->others[i].status == SPIE_OTHER_IGNORED ? "ignoré" : "non retenu", plan->others[i].reason);
}

/* The plan is made: the inbox entries set aside, and the progress line starts. */
static void log_planned(void *ctx, const spie_plan *plan)
{
    log_ctx *lc = ctx;
    lc->groups_total = 0;
    for (size_t i = 0; i < plan->n_entries; i += spie_plan_group_len(plan, i))
        lc->groups_total += plan->entries[i].terr != NULL;
    lc->t0 = now_seconds();
    log_others(lc->o, plan);
    progress_draw(lc);
}

static void log_data_error(void *ctx, const spie_error *e)
{
    log_ctx *lc = ctx;
    progress_clear(lc);
    cli_msg(lc->o->cmd, "%s/%s: %s", lc->o->inbox, e->file, e->msg);
}

/* The previous publication (docs/methodologie.md §11): the candidates not used and why,
 * always; which one is compared with (always when it is not P - 1); none, always. */
static void log_previous(void *ctx, const spie_previous *prev)
{
    log_ctx *lc = ctx;
    const opts *o = lc->o;
    progress_clear(lc);
    for (size_t i = 0; i < prev->n_skips; i++) {
        char q[8];
        spie_month_format(prev->skips[i].period, q);
        cli_msg(o->cmd, "%s/%s : %s, non utilisée comme publication précédente", o->out, q, prev->skips[i].why);
    }
    spie_month period;
    spie_month_parse_iso(o->period_s, strlen(o->period_s), &period);
    if (!prev->found) {
        cli_msg(o->cmd, "aucune publication précédente%s dans %s : pas de comparaison avec un mois antérieur",
                prev->n_skips ? " conforme" : "", o->out);
    } else if (prev->period != period - 1) {
        char expected[8];
        spie_month_format(period - 1, expected);
        cli_msg(o->cmd, "publication précédente : %s/%s (pas de publication conforme de %s) : les comparaisons "
                        "portent sur %s",
                o->out, prev->period_s, expected, prev->period_s);
    } else if (!o->quiet) {
        cli_msg(o->cmd, "publication précédente : %s/%s", o->out, prev->period_s);
    }
    progress_draw(lc);
}

/* A continuity break: one line naming the file (or the territory), the kind and both
 * counts; always written. */
static void log_continuity(void *ctx, const spie_plan *plan, size_t i, const spie_continuity *c,
                           const spie_previous *prev)
{
    log_ctx *lc = ctx;
    const opts *o = lc->o;
    const spie_plan_entry *e = &plan->entries[i];
    (void)prev;
    progress_clear(lc);
    if (e->file)
        cli_msg(o->cmd, "%s/%s: territoire %s, %s : %s", o->inbox, e->file, e->dept, spie_kind_name(e->kind),
                c->motif);
    else
        cli_msg(o->cmd, "territoire %s, %s : %s", e->dept, spie_kind_name(e->kind), c->motif);
    progress_draw(lc);
}

static bool parse(int argc, char **argv, opts *o, int *status)
{
    static const struct option lopts[] = {
        {"period", required_argument, NULL, 'p'}, {"inbox", required_argument, NULL, 'i'},
        {"out", required_argument, NULL, 'o'},    {"territories", required_argument, NULL, 't'},
        {"jobs", required_argument, NULL, 'j'},   {"quiet", no_argument, NULL, 'q'},
        {"config", required_argument, NULL, 'c'}, {"no-secret", no_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;
    if (!cli_options_exact(o->cmd, argc, argv, lopts)) {
        *status = 2;
        return false;
    }
    optind = 1;
    o->jobs = cli_default_jobs();
    while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
        switch (c) {
        case 'p': o->period_s = optarg; break;
        case 'i': o->inbox = optarg; break;
        case 'o': o->out = optarg; break;
        case 't': o->terr_path = optarg; break;
        case 'q': o->quiet = true; break;
        case 'c': o->config_path = optarg; break;
        case 'n': o->no_secret = true; break;
        case 'j':
            if (!cli_parse_jobs(o->cmd, optarg, &o->jobs)) {
                *status = 2;
                return false;
            }
            break;
        case 'h': usage(stdout, o->run); *status = 0; return false;
        default: usage(stderr, o->run); *status = 2; return false;
        }
    }
    if (optind < argc) {
        cli_msg(o->cmd, "argument inattendu « %s »", argv[optind]);
        *status = 2;
        return false;
    }
    if (!o->period_s || !o->inbox || !o->out) {
        cli_msg(o->cmd, "--period, --inbox et --out sont obligatoires (spie %s --help)", o->cmd);
        *status = 2;
        return false;
    }
    return true;
}

/* Prints the outcome of a run that published its folder. */
static void log_done(const opts *o, const spie_run_report *rep, const spie_params *params)
{
    if (o->quiet)
        return;
    if (rep->secret_applied)
        cli_msg(o->cmd,
                "secret statistique (k = %d) : %zu cases masquées (%zu primaires, %zu secondaires), "
                "%zu effectifs masqués",
                params->secret_k, rep->secret.primary + rep->secret.secondary, rep->secret.primary,
                rep->secret.secondary, rep->secret.effectifs_hidden);
    cli_msg(o->cmd, "résultats dans %s/%s/", o->out, o->period_s);
}

static int batch_command(int argc, char **argv, bool run)
{
    opts o = {.cmd = run ? "run" : "check", .run = run};
    int status = 2;
    if (!parse(argc, argv, &o, &status))
        return status;
    spie_month period;
    if (!spie_month_parse_iso(o.period_s, strlen(o.period_s), &period) || period < SPIE_PERIOD_MIN ||
        period > SPIE_PERIOD_MAX) {
        cli_msg(o.cmd, "--period %s : un mois AAAA-MM entre 2020-01 et 2099-12 est attendu", o.period_s);
        return 2;
    }
    spie_params params;
    spie_params_default(&params);
    /* The configuration, before anything is written: an error stops here (status 2). */
    if (o.config_path) {
        spie_error cerr;
        if (spie_config_load(o.config_path, &params, &cerr) != SPIE_OK) {
            cli_print_error(o.cmd, &cerr);
            return 2;
        }
    }
    if (o.no_secret)
        params.secret = false;
    log_ctx lc = {.o = &o, .params = &params, .progress = !o.quiet && isatty(STDERR_FILENO)};
    spie_run_opts ro = {.compute = run, .period = period, .inbox = o.inbox, .out = o.out,
                        .territories_path = o.terr_path, .params = &params, .jobs = o.jobs,
                        .observer = {.ctx = &lc, .planned = log_planned, .territory_done = log_group,
                                     .data_error = log_data_error, .previous = log_previous,
                                     .continuity_break = log_continuity},
                        .cancel = cli_stop_flag(), .hooks = cli_test_hooks()};
    spie_run_report rep;
    spie_error err = {0};
    spie_rc rc = spie_run(&ro, &rep, &err);
    progress_clear(&lc);
    if (rc == SPIE_E_CANCELLED) {
        cli_msg(o.cmd, "interrompu (signal %d) : rien n'est publié, %s/%s est resté tel quel", (int)*cli_stop_flag(),
                  o.out, o.period_s);
        return cli_stop_status();
    }
    if (rc) {
        cli_print_error(o.cmd, &err);
        return rc == SPIE_E_USAGE || rc == SPIE_E_INPUT ? 2 : 3;
    }
    log_done(&o, &rep, &params);
    return rep.data_errors ? 1 : 0;
}

int spie_cmd_run(int argc, char **argv) { return batch_command(argc, argv, true); }
int spie_cmd_check(int argc, char **argv) { return batch_command(argc, argv, false); }
