/* spie check: reading and validation only; writes the data-quality report and the
 * rejects of the period into <out>/<P>/ (published atomically). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "spie/csvw.h"
#include "spie/date.h"
#include "spie/publish.h"
#include "spie/quality.h"
#include "spie/reading.h"
#include "spie/territories.h"

#define SHOWN_REJECTS_PER_FILE 3

/* The reject sink of the command line: writes the row, and shows the first few rejects of
 * each file on standard error with their file and line. */
typedef struct sink {
    spie_csvw *w;
    const char *inbox;
    const char *file;
    unsigned shown;
    bool quiet;
} sink;

static int sink_row(void *ctx, const spie_reject *r)
{
    sink *s = ctx;
    if (s->file != r->file) {
        s->file = r->file;
        s->shown = 0;
    }
    if (!s->quiet && s->shown < SHOWN_REJECTS_PER_FILE) {
        s->shown++;
        fprintf(stderr, "spie check: %s/%s:%llu: ligne rejetée : %s (%s%s%s)\n", s->inbox, r->file,
                (unsigned long long)r->line, spie_reason_label(r->reason), spie_reason_code(r->reason),
                r->column ? ", colonne " : "", r->column ? r->column : "");
    }
    return spie_rejects_row(s->w, r);
}

static void usage(FILE *f)
{
    fputs("Usage: spie check --period AAAA-MM --inbox DOSSIER --out DOSSIER [options]\n"
          "\n"
          "Lit et contrôle les extraits retenus pour la période (le plus récent mois <= période\n"
          "pour chaque territoire et chaque type), sans calculer d'indicateur, et écrit dans\n"
          "DOSSIER/AAAA-MM/ le rapport de qualité qualite_AAAA-MM.csv et les lignes rejetées\n"
          "rejets_AAAA-MM.csv.gz.\n"
          "\n"
          "Options :\n"
          "  --period AAAA-MM       période traitée\n"
          "  --inbox DOSSIER        boîte de dépôt des extraits\n"
          "  --out DOSSIER          dossier de sortie\n"
          "  --territories FICHIER  table des territoires (défaut : table livrée, allocations illustratives)\n"
          "  --quiet                n'écrit que les erreurs\n"
          "  --help                 cette aide\n"
          "\n"
          "Code de sortie : 0 fait ; 1 fait, avec des erreurs de données (fichier inutilisable,\n"
          "territoire manquant ou en retard) ; 2 erreur d'usage ; 3 sorties impossibles à écrire.\n",
          f);
}

static void report_entry(const char *inbox, const spie_plan_entry *e, const spie_entry_result *res, bool quiet,
                         bool *data_errors)
{
    if (res->status == SPIE_ENTRY_MISSING) {
        if (e->terr) /* a missing NAT file is not an error (indicators.md §9) */
            *data_errors = true;
        if (!quiet || e->terr)
            fprintf(stderr, "spie check: territoire %s, %s : aucun fichier dans %s\n", e->dept,
                    spie_kind_name(e->kind), inbox);
        return;
    }
    if (e->late_months > 0) {
        *data_errors = true;
        fprintf(stderr, "spie check: %s/%s: en retard de %d mois\n", inbox, e->file, e->late_months);
    }
    const spie_file_report *r = &res->rep;
    if (res->status == SPIE_ENTRY_UNUSABLE) {
        *data_errors = true;
        fprintf(stderr, "spie check: %s/%s: fichier inutilisable : %s\n", inbox, e->file, r->motif);
        return;
    }
    if (!quiet)
        fprintf(stderr, "spie check: %s/%s: %llu lignes lues, %llu acceptées, %llu rejetées, %llu vides\n", inbox,
                e->file, (unsigned long long)r->rows_read, (unsigned long long)r->rows_accepted,
                (unsigned long long)r->rows_rejected, (unsigned long long)r->empty_lines);
}

int spie_cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {
        {"period", required_argument, NULL, 'p'}, {"inbox", required_argument, NULL, 'i'},
        {"out", required_argument, NULL, 'o'},    {"territories", required_argument, NULL, 't'},
        {"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *period_s = NULL, *inbox = NULL, *out = NULL, *terr_path = NULL;
    bool quiet = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'p': period_s = optarg; break;
        case 'i': inbox = optarg; break;
        case 'o': out = optarg; break;
        case 't': terr_path = optarg; break;
        case 'q': quiet = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        cli_error("check", "argument inattendu « %s »", argv[optind]);
        return 2;
    }
    if (!period_s || !inbox || !out) {
        cli_error("check", "--period, --inbox et --out sont obligatoires (spie check --help)");
        return 2;
    }
    spie_month period;
    if (!spie_month_parse_iso(period_s, strlen(period_s), &period)) {
        cli_error("check", "--period %s : mois AAAA-MM attendu", period_s);
        return 2;
    }

    int status = 2;
    spie_territories terr = {0};
    spie_terr_error terr_err;
    spie_plan plan = {0};
    spie_plan_error plan_err;
    spie_publish *pub = NULL;
    spie_csvw *rejects = NULL;
    char *path = NULL;
    spie_entry_result *results = NULL;
    spie_territory_data data = {0};
    char msg[512];
    int err = 0;

    bool terr_ok = terr_path ? spie_territories_load(terr_path, &terr, &terr_err)
                             : spie_territories_default(&terr, &terr_err);
    if (!terr_ok) {
        if (terr_err.line)
            cli_error("check", "%s:%zu: %s", terr_path ? terr_path : "(table par défaut)", terr_err.line, terr_err.msg);
        else
            cli_error("check", "%s: %s", terr_path ? terr_path : "(table par défaut)", terr_err.msg);
        goto out_free;
    }
    spie_plan_status ps = spie_plan_build(inbox, period, &terr, &plan, &plan_err);
    if (ps != SPIE_PLAN_OK) {
        cli_error("check", "%s", plan_err.msg);
        goto out_free;
    }
    results = calloc(plan.n_entries ? plan.n_entries : 1, sizeof *results);
    data.persons = spie_persons_new();
    if (!results || !data.persons) {
        cli_error("check", "mémoire insuffisante");
        status = 3;
        goto out_free;
    }

    status = 3;
    pub = spie_publish_begin(out, period_s, &err, msg, sizeof msg);
    if (!pub) {
        cli_error("check", "%s", msg);
        goto out_free;
    }
    char name[64];
    snprintf(name, sizeof name, "rejets_%s.csv.gz", period_s);
    path = spie_publish_path(pub, name);
    if (!path || !(rejects = spie_csvw_open(path, true)) || spie_rejects_header(rejects) != 0) {
        cli_error("check", "%s : %s", path ? path : name, strerror(errno ? errno : ENOMEM));
        goto out_abort;
    }
    sink s = {.w = rejects, .inbox = inbox, .quiet = quiet};
    bool data_errors = false;
    for (size_t i = 0; i < plan.n_entries;) {
        size_t n = spie_plan_group_len(&plan, i);
        if (!spie_read_group(inbox, &plan, i, n, sink_row, &s, &data, results + i)) {
            cli_error("check", "%s : écriture impossible (ou mémoire insuffisante) pendant la lecture du territoire %s",
                      path, plan.entries[i].dept);
            goto out_abort;
        }
        for (size_t k = i; k < i + n; k++)
            report_entry(inbox, &plan.entries[k], &results[k], quiet, &data_errors);
        i += n;
    }
    for (size_t i = 0; i < plan.n_others; i++)
        if (!quiet)
            fprintf(stderr, "spie check: %s/%s: %s : %s\n", inbox, plan.others[i].name,
                    plan.others[i].status == SPIE_OTHER_IGNORED ? "ignoré" : "non retenu", plan.others[i].reason);

    err = spie_csvw_close(rejects);
    rejects = NULL;
    if (err) {
        cli_error("check", "%s : %s", path, strerror(err));
        goto out_abort;
    }
    free(path);
    snprintf(name, sizeof name, "qualite_%s.csv", period_s);
    path = spie_publish_path(pub, name);
    if (!path) {
        cli_error("check", "mémoire insuffisante");
        goto out_abort;
    }
    err = spie_quality_write(path, &plan, results);
    if (err) {
        cli_error("check", "%s : %s", path, strerror(err));
        goto out_abort;
    }
    err = spie_publish_commit(pub, msg, sizeof msg);
    pub = NULL;
    if (err) {
        cli_error("check", "%s", msg);
        goto out_free;
    }
    if (!quiet)
        fprintf(stderr, "spie check: résultats dans %s/%s/\n", out, period_s);
    status = data_errors ? 1 : 0;
    goto out_free;

out_abort:
    spie_csvw_abort(rejects);
    spie_publish_abort(pub);
out_free:
    free(path);
    free(results);
    spie_persons_free(data.persons);
    spie_budget_release(&data.budget);
    spie_plan_free(&plan);
    spie_territories_free(&terr);
    return status;
}
