/* spie run and spie check: the monthly batch, and its reading-and-validation part alone.
 * Both select the extracts, read them in parallel (--jobs) and publish atomically into
 * <out>/<P>/; run also computes the indicators. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "spie/batch.h"
#include "spie/budget_ind.h"
#include "spie/config.h"
#include "spie/date.h"
#include "spie/geo.h"
#include "spie/indicators.h"
#include "spie/manifest.h"
#include "spie/publish.h"
#include "spie/quality.h"
#include "spie/secret.h"
#include "spie/table.h"
#include "spie/workbook.h"

typedef struct opts {
    const char *cmd;
    bool run;
    const char *period_s, *inbox, *out, *terr_path;
    int jobs;
    bool quiet;
    bool no_secret;
    const char *config_path; /* --config */
    unsigned files_written;  /* files complete in the staging folder (test switch) */
} opts;

static void usage(FILE *f, bool run)
{
    if (run)
        fputs("Usage: spie run --period AAAA-MM --inbox DOSSIER --out DOSSIER [options]\n"
              "\n"
              "Le traitement mensuel : sélectionne les extraits de la période (le plus récent mois\n"
              "<= période pour chaque territoire et chaque type), les contrôle, calcule les indicateurs\n"
              "et publie d'un bloc dans DOSSIER/AAAA-MM/ : indicateurs_AAAA-MM.csv, les classeurs\n"
              "SPIE_AAAA-MM_*.xlsx, qualite_AAAA-MM.csv, rejets_AAAA-MM.csv.gz et manifest.json.\n",
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
          "territoire manquant ou en retard, part de lignes rejetées au-dessus du seuil d'alerte) ;\n"
          "2 erreur d'usage ou de configuration, rien n'est écrit ; 3 sorties impossibles à écrire\n"
          "(le résultat précédent reste intact).\n",
          f);
}

/* Per-territory log: file problems always, summaries unless --quiet. Runs under the
 * batch's lock, so lines of two territories never mix. */
typedef struct log_ctx {
    const opts *o;
    const spie_params *params;
    bool data_errors;
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

/* Test-only switch (tests/e2e/60_batch.sh): with SPIE_TEST_STOP_AFTER_FILES=N in the
 * environment the process kills itself with SIGKILL, as kill -9 would, once the N-th file
 * of the staging folder is complete (counted: the rejects, the quality report, the
 * indicators, the manifest; the last one is the moment just before the swap). */
static void file_done(opts *o)
{
    const char *s = getenv("SPIE_TEST_STOP_AFTER_FILES");
    o->files_written++;
    if (s && *s && strtoul(s, NULL, 10) == o->files_written)
        raise(SIGKILL);
}

/* The workbooks, shared between this process and a forked one when --jobs allows (they
 * take about half a second on the national sample, on one core otherwise). A process,
 * not a thread: libxlsxwriter keeps some state in globals (the buffers of gmtime and
 * localtime among them). The child writes its share (spie_workbook_input.part) into the
 * same staging folder, sends its message through a pipe and exits; it dies with this
 * process (PR_SET_PDEATHSIG) and holds the output folder's lock with it, so no other run
 * can use the folder while it writes. Without fork or pipe, this process writes all. */
static int write_workbooks(const char *dir, spie_workbook_input *wbi, int jobs, char *msg, size_t msg_size)
{
    int fd[2];
    if (jobs < 2 || pipe(fd) != 0)
        return spie_workbooks_write(dir, wbi, msg, msg_size);
    fflush(NULL);
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return spie_workbooks_write(dir, wbi, msg, msg_size);
    }
    if (pid == 0) {
        close(fd[0]);
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
            _exit(EIO); /* the parent is gone: nothing to write for */
        char cmsg[512] = "";
        wbi->part = 1;
        wbi->parts = 2;
        /* Test-only switch (tests/e2e/60_batch.sh): this writer's files cannot be created. */
        if (getenv("SPIE_TEST_WORKBOOK_CHILD_FAILS"))
            dir = "/nonexistent/spie-test";
        int e = spie_workbooks_write(dir, wbi, cmsg, sizeof cmsg);
        if (e) {
            ssize_t sent = write(fd[1], cmsg, strlen(cmsg));
            (void)sent; /* without its message the parent still reports the failure */
        }
        _exit(e == 0 ? 0 : e > 0 && e < 256 ? e : EIO);
    }
    close(fd[1]);
    wbi->part = 0;
    wbi->parts = 2;
    int e = spie_workbooks_write(dir, wbi, msg, msg_size);
    wbi->parts = 0;
    char cmsg[512];
    size_t got = 0;
    for (;;) {
        ssize_t k = read(fd[0], cmsg + got, sizeof cmsg - 1 - got);
        if (k > 0 && (got += (size_t)k) < sizeof cmsg - 1)
            continue;
        if (k < 0 && errno == EINTR)
            continue;
        break;
    }
    cmsg[got] = '\0';
    close(fd[0]);
    int status = 0;
    pid_t w;
    while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
        ;
    int ce = w < 0 ? ECHILD : WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
    if (e)
        return e;
    if (ce)
        snprintf(msg, msg_size, "%s", got ? cmsg : "classeurs : le second processus d'écriture s'est arrêté");
    return ce;
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
        if (res->status == SPIE_ENTRY_MISSING) {
            if (e->terr) { /* a missing NAT file is not an error (indicators.md §9) */
                lc->data_errors = true;
                missing++;
            }
            continue;
        }
        if (e->late_months > 0) {
            lc->data_errors = true;
            fprintf(stderr, "spie %s: %s/%s: en retard de %d mois\n", cmd, o->inbox, e->file, e->late_months);
        }
        const spie_file_report *r = &res->rep;
        group_bytes += r->bytes_in;
        if (res->status == SPIE_ENTRY_UNUSABLE) {
            lc->data_errors = true;
            if (r->fail_line)
                fprintf(stderr, "spie %s: %s/%s:%llu: fichier inutilisable : %s\n", cmd, o->inbox, e->file,
                        (unsigned long long)r->fail_line, r->motif);
            else
                fprintf(stderr, "spie %s: %s/%s: fichier inutilisable : %s\n", cmd, o->inbox, e->file, r->motif);
            continue;
        }
        /* The alert rate (configuration [rejets] taux_alerte): a file whose share of
         * rejected rows is above it makes the batch end with status 1. */
        double share = r->rows_read ? (double)r->rows_rejected / (double)r->rows_read : 0.0;
        if (share > lc->params->reject_alert_rate) {
            lc->data_errors = true;
            fprintf(stderr, "spie %s: %s/%s: %llu lignes rejetées sur %llu lues (%.1f %%), au-dessus du seuil d'alerte de %g %%\n",
                    cmd, o->inbox, e->file, (unsigned long long)r->rows_rejected, (unsigned long long)r->rows_read,
                    100.0 * share, 100.0 * lc->params->reject_alert_rate);
        }
        if (o->quiet)
            continue;
        for (unsigned k = 0; k < res->n_first_rejects; k++) {
            const spie_reject_note *n = &res->first_rejects[k];
            fprintf(stderr, "spie %s: %s/%s:%llu: ligne rejetée : %s (%s%s%s)\n", cmd, o->inbox, e->file,
                    (unsigned long long)n->line, spie_reason_label(n->reason), spie_reason_code(n->reason),
                    n->column ? ", colonne " : "", n->column ? n->column : "");
        }
        fprintf(stderr, "spie %s: %s/%s: %llu lignes lues, %llu acceptées, %llu rejetées, %llu vides\n", cmd,
                o->inbox, e->file, (unsigned long long)r->rows_read, (unsigned long long)r->rows_accepted,
                (unsigned long long)r->rows_rejected, (unsigned long long)r->empty_lines);
    }
    if (missing)
        fprintf(stderr, "spie %s: territoire %s : %u extrait%s manquant%s dans %s\n", cmd, plan->entries[first].dept,
                missing, missing > 1 ? "s" : "", missing > 1 ? "s" : "", o->inbox);
    if (!o->quiet)
        fprintf(stderr, "spie %s: territoire %s lu en %.2f s (%.1f Mo)\n", cmd, plan->entries[first].dept, seconds,
                (double)group_bytes / 1e6);
    lc->bytes += group_bytes;
    if (plan->entries[first].terr)
        lc->groups_done++;
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
    optind = 1;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = ncpu > 0 ? (int)(ncpu > 64 ? 64 : ncpu) : 1;
    while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
        switch (c) {
        case 'p': o->period_s = optarg; break;
        case 'i': o->inbox = optarg; break;
        case 'o': o->out = optarg; break;
        case 't': o->terr_path = optarg; break;
        case 'q': o->quiet = true; break;
        case 'c': o->config_path = optarg; break;
        case 'n': o->no_secret = true; break;
        case 'j': {
            char *end;
            errno = 0;
            long v = strtol(optarg, &end, 10);
            if (errno || *end || v < 1 || v > 256) {
                cli_error(o->cmd, "--jobs %s : un nombre entre 1 et 256 est attendu", optarg);
                *status = 2;
                return false;
            }
            o->jobs = (int)v;
            break;
        }
        case 'h': usage(stdout, o->run); *status = 0; return false;
        default: usage(stderr, o->run); *status = 2; return false;
        }
    }
    if (optind < argc) {
        cli_error(o->cmd, "argument inattendu « %s »", argv[optind]);
        *status = 2;
        return false;
    }
    if (!o->period_s || !o->inbox || !o->out) {
        cli_error(o->cmd, "--period, --inbox et --out sont obligatoires (spie %s --help)", o->cmd);
        *status = 2;
        return false;
    }
    return true;
}

/* Every person-based figure of every group into t. */
static bool build_table(spie_table *t, const spie_batch *b, const spie_territories *terr, const spie_params *params,
                        char *err, size_t err_size)
{
    uint64_t nat_inc = 0, nat_inc_b = 0;
    uint64_t wave_exp[SPIE_WAVE_COUNT] = {0}, wave_inc[SPIE_WAVE_COUNT] = {0}, wave_inc_b[SPIE_WAVE_COUNT] = {0};
    for (size_t i = 0; i < terr->count; i++) {
        const spie_territory *tr = &terr->items[i];
        spie_group_id g = {SPIE_LEVEL_DEPARTEMENT, tr->dept->code, tr->dept->name};
        if (!spie_indicators_rows(t, &g, &b->dept[i], b->persons_ok[i], params, err, err_size))
            return false;
        nat_inc += b->persons_ok[i];
        nat_inc_b += b->budget_ok[i];
        wave_exp[tr->wave]++;
        wave_inc[tr->wave] += b->persons_ok[i];
        wave_inc_b[tr->wave] += b->budget_ok[i];
    }
    for (size_t r = 0; r < spie_region_count(); r++) {
        const spie_region *reg = spie_region_at(r);
        uint64_t exp = 0, inc = 0, inc_b = 0;
        for (size_t i = 0; i < terr->count; i++)
            if (strcmp(terr->items[i].dept->region_code, reg->code) == 0) {
                exp++;
                inc += b->persons_ok[i];
                inc_b += b->budget_ok[i];
            }
        if (!exp)
            continue;
        spie_group_id g = {SPIE_LEVEL_REGION, reg->code, reg->name};
        if (!spie_indicators_rows(t, &g, &b->regions[r], inc > 0, params, err, err_size) ||
            !spie_indicators_territory_counts(t, &g, exp, inc, inc_b))
            return false;
    }
    for (int w = 0; w < SPIE_WAVE_COUNT; w++) {
        spie_group_id g = {SPIE_LEVEL_VAGUE, spie_wave_code((spie_wave)w), spie_wave_code((spie_wave)w)};
        if (!spie_indicators_rows(t, &g, &b->waves[w], wave_inc[w] > 0, params, err, err_size) ||
            !spie_indicators_territory_counts(t, &g, wave_exp[w], wave_inc[w], wave_inc_b[w]))
            return false;
    }
    spie_group_id g = {SPIE_LEVEL_NATIONAL, "FR", "France"};
    if (!spie_indicators_rows(t, &g, &b->nation, nat_inc > 0, params, err, err_size) ||
        !spie_indicators_territory_counts(t, &g, terr->count, nat_inc, nat_inc_b) ||
        !spie_budget_rows(t, b, terr, params, err, err_size))
        return false;
    spie_table_sort(t);
    return true;
}

static int batch_command(int argc, char **argv, bool run)
{
    opts o = {.cmd = run ? "run" : "check", .run = run};
    int status = 2;
    if (!parse(argc, argv, &o, &status))
        return status;
    spie_month period;
    if (!spie_month_parse_iso(o.period_s, strlen(o.period_s), &period)) {
        cli_error(o.cmd, "--period %s : mois AAAA-MM attendu", o.period_s);
        return 2;
    }

    spie_params params;
    spie_params_default(&params);
    /* The configuration, before anything is written: an error stops here (status 2). */
    if (o.config_path) {
        spie_config_error cerr;
        if (!spie_config_load(o.config_path, &params, &cerr)) {
            cli_error(o.cmd, "%s", cerr.msg);
            return 2;
        }
    }
    if (o.no_secret)
        params.secret = false;
    spie_territories terr = {0};
    spie_terr_error terr_err;
    spie_plan plan = {0};
    spie_plan_error plan_err;
    spie_publish *pub = NULL;
    char *path = NULL;
    spie_batch b;
    spie_batch_cfg cfg;
    bool batch_done = false;
    spie_table table = {0};
    char msg[512];
    int err = 0;
    log_ctx lc = {.o = &o, .params = &params};
    char terr_sha[SPIE_SHA256_HEX] = "";
    spie_input_hash *hashes = NULL;   /* per plan entry */
    spie_input_digest *digests = NULL; /* the hashed inputs, for the workbooks */
    size_t n_digests = 0;

    bool terr_ok = o.terr_path ? spie_territories_load(o.terr_path, &terr, &terr_err)
                               : spie_territories_default(&terr, &terr_err);
    if (!terr_ok) {
        const char *name = o.terr_path ? o.terr_path : "(table par défaut)";
        if (terr_err.line)
            cli_error(o.cmd, "%s:%zu: %s", name, terr_err.line, terr_err.msg);
        else
            cli_error(o.cmd, "%s: %s", name, terr_err.msg);
        goto out_free;
    }
    if ((err = o.terr_path ? spie_sha256_file(o.terr_path, terr_sha, NULL)
                           : spie_sha256_mem(spie_territories_default_csv(), strlen(spie_territories_default_csv()),
                                             terr_sha))) {
        cli_error(o.cmd, "%s: %s", o.terr_path ? o.terr_path : "(table par défaut)", strerror(err));
        goto out_free;
    }
    if (spie_plan_build(o.inbox, period, &terr, &plan, &plan_err) != SPIE_PLAN_OK) {
        cli_error(o.cmd, "%s", plan_err.msg);
        goto out_free;
    }

    status = 3;
    pub = spie_publish_begin(o.out, o.period_s, &err, msg, sizeof msg);
    if (!pub) {
        cli_error(o.cmd, "%s", msg);
        goto out_free;
    }
    char name[64];
    snprintf(name, sizeof name, "rejets_%s.csv.gz", o.period_s);
    if (!(path = spie_publish_path(pub, name))) {
        cli_error(o.cmd, "mémoire insuffisante");
        goto out_abort;
    }
    /* SHA-256 of every selected input, for the manifest and the workbooks: each worker
     * hashes the files it has just read. */
    hashes = calloc(plan.n_entries ? plan.n_entries : 1, sizeof *hashes);
    digests = calloc(plan.n_entries ? plan.n_entries : 1, sizeof *digests);
    if (!hashes || !digests) {
        cli_error(o.cmd, "mémoire insuffisante");
        goto out_abort;
    }
    cfg = (spie_batch_cfg){.inbox = o.inbox, .plan = &plan, .terr = &terr, .params = &params,
                           .rejects_path = path, .jobs = o.jobs, .fold = run, .log = log_group, .log_ctx = &lc,
                           .hashes = hashes};
    lc.progress = !o.quiet && isatty(STDERR_FILENO);
    for (size_t i = 0; i < plan.n_entries; i += spie_plan_group_len(&plan, i))
        lc.groups_total += plan.entries[i].terr != NULL;
    lc.t0 = now_seconds();
    progress_draw(&lc);
    spie_batch_status bs = spie_batch_run(&cfg, &b, msg, sizeof msg);
    progress_clear(&lc);
    if (bs != SPIE_BATCH_OK) {
        cli_error(o.cmd, "%s", msg);
        goto out_abort;
    }
    batch_done = true;
    for (size_t i = 0; i < plan.n_others; i++)
        if (!o.quiet)
            fprintf(stderr, "spie %s: %s/%s: %s : %s\n", o.cmd, o.inbox, plan.others[i].name,
                    plan.others[i].status == SPIE_OTHER_IGNORED ? "ignoré" : "non retenu", plan.others[i].reason);
    file_done(&o); /* the rejects */

    for (size_t i = 0; i < plan.n_entries; i++) {
        if (!plan.entries[i].file)
            continue;
        if (hashes[i].err) {
            lc.data_errors = true;
            cli_error(o.cmd, "%s/%s: relecture impossible pour l'empreinte SHA-256 : %s", o.inbox, plan.entries[i].file,
                      strerror(hashes[i].err));
        } else if (hashes[i].size != plan.entries[i].size) {
            lc.data_errors = true;
            cli_error(o.cmd, "%s/%s: le fichier a changé pendant le traitement (%llu octets, %llu au départ)", o.inbox,
                      plan.entries[i].file, (unsigned long long)hashes[i].size,
                      (unsigned long long)plan.entries[i].size);
        }
        if (!hashes[i].err)
            digests[n_digests++] = (spie_input_digest){plan.entries[i].file, hashes[i].sha256};
    }

    free(path);
    snprintf(name, sizeof name, "qualite_%s.csv", o.period_s);
    if (!(path = spie_publish_path(pub, name))) {
        cli_error(o.cmd, "mémoire insuffisante");
        goto out_abort;
    }
    if ((err = spie_quality_write(path, &plan, b.results))) {
        cli_error(o.cmd, "%s : %s", path, strerror(err));
        goto out_abort;
    }
    file_done(&o);
    if (run) {
        if (!build_table(&table, &b, &terr, &params, msg, sizeof msg)) {
            cli_error(o.cmd, "calcul des indicateurs : %s", msg);
            goto out_abort;
        }
        /* The statistical secret marks the table once, before every rendering. */
        if (params.secret) {
            spie_secret_counts sc;
            if (!spie_secret_apply(&table, params.secret_k, &terr, &sc)) {
                cli_error(o.cmd, "secret statistique : mémoire insuffisante");
                goto out_abort;
            }
            if (!o.quiet)
                fprintf(stderr,
                        "spie %s: secret statistique (k = %d) : %zu cases masquées (%zu primaires, %zu secondaires), "
                        "%zu effectifs masqués\n",
                        o.cmd, params.secret_k, sc.primary + sc.secondary, sc.primary, sc.secondary,
                        sc.effectifs_hidden);
        }
        free(path);
        snprintf(name, sizeof name, "indicateurs_%s.csv", o.period_s);
        if (!(path = spie_publish_path(pub, name))) {
            cli_error(o.cmd, "mémoire insuffisante");
            goto out_abort;
        }
        if ((err = spie_table_write_csv(&table, path))) {
            cli_error(o.cmd, "%s : %s", path, strerror(err));
            goto out_abort;
        }
        file_done(&o);
        /* The workbooks, rendered from the same marked table. */
        spie_workbook_input wbi = {.table = &table, .plan = &plan, .results = b.results, .terr = &terr,
                                   .params = &params, .engine_version = NULL /* the library's SPIE_VERSION */,
                                   .inputs = digests, .n_inputs = n_digests};
        if ((err = write_workbooks(spie_publish_staging(pub), &wbi, o.jobs, msg, sizeof msg))) {
            cli_error(o.cmd, "%s", msg);
            goto out_abort;
        }
    }
    /* The manifest, written last, from the files actually in the staging folder. */
    spie_manifest_info mi = {.command = o.cmd,
                             .plan = &plan,
                             .results = b.results,
                             .inputs = hashes,
                             .params = &params,
                             .secret_applied = run && params.secret,
                             .territories_default = o.terr_path == NULL,
                             .territories_sha256 = terr_sha};
    if ((err = spie_manifest_write(&mi, spie_publish_staging(pub), msg, sizeof msg))) {
        cli_error(o.cmd, "%s", msg);
        goto out_abort;
    }
    file_done(&o);
    err = spie_publish_commit(pub, msg, sizeof msg);
    pub = NULL;
    if (err) {
        cli_error(o.cmd, "%s", msg);
        goto out_free;
    }
    if (!o.quiet)
        fprintf(stderr, "spie %s: résultats dans %s/%s/\n", o.cmd, o.out, o.period_s);
    status = lc.data_errors ? 1 : 0;
    goto out_free;

out_abort:
    spie_publish_abort(pub);
out_free:
    if (batch_done)
        spie_batch_release(&b, &cfg);
    spie_table_release(&table);
    free(path);
    free(hashes);
    free(digests);
    spie_plan_free(&plan);
    spie_territories_free(&terr);
    return status;
}

int spie_cmd_run(int argc, char **argv) { return batch_command(argc, argv, true); }
int spie_cmd_check(int argc, char **argv) { return batch_command(argc, argv, false); }
