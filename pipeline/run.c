/* spie_run (include/spie/run.h): the monthly batch from the inbox to the published
 * folder, stage by stage. Each stage returns a spie_rc and fills the error record; the
 * staging folder is abandoned on any failure, so nothing half-written is published. It
 * never prints: messages go through the caller's observer. */
#include "spie/run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pipeline_int.h"
#include "spie/aggregate.h"
#include "spie/date.h"
#include "spie/digest.h"
#include "spie/evolution.h"
#include "spie/indicators_csv.h"
#include "spie/manifest.h"
#include "spie/previous.h"
#include "spie/publish.h"
#include "spie/quality.h"
#include "spie/rejects.h"
#include "spie/util.h"
#include "spie/workbook.h"

typedef struct run_state {
    const spie_run_opts *o;
    spie_run_report *rep;
    spie_error *err;
    char period[8];                   /* "YYYY-MM" */
    spie_territories terr;
    char terr_sha[SPIE_SHA256_HEX];
    spie_plan plan;
    spie_publish *pub;
    spie_rejects_file *rejects;
    spie_input_hash *hashes;          /* per plan entry */
    spie_input_digest *digests;       /* the inputs hashed, for the workbooks */
    size_t n_digests;
    spie_batch batch;
    spie_batch_cfg cfg;
    bool batch_done;
    spie_table table;
    spie_previous prev;               /* the previous publication (docs/methodologie.md §11) */
    bool prev_looked;                 /* prev was looked for (the manifest records it) */
    spie_continuity *continuity;      /* per plan entry */
    spie_change *changes;             /* per table row, when prev has figures */
    unsigned files_done;              /* files complete in the staging folder */
    spie_rejects_sink hooked;         /* tests only: the rejects sink seen by hooks->reject */
} run_state;

static spie_rc no_memory(run_state *s) { return spie_fail(s->err, SPIE_E_MEMORY, NULL, 0, "mémoire insuffisante"); }

/* SPIE_E_CANCELLED (err filled) when the caller asked to stop, else SPIE_OK. */
static spie_rc cancelled(run_state *s)
{
    if (s->o->cancel && *s->o->cancel)
        return spie_fail(s->err, SPIE_E_CANCELLED, NULL, 0, "interrompu : rien n'est publié");
    return SPIE_OK;
}

/* A file of the staging folder is complete (the test hook counts them). */
static void file_done(run_state *s)
{
    s->files_done++;
    if (s->o->hooks && s->o->hooks->file_done)
        s->o->hooks->file_done(s->o->hooks->ctx, s->files_done);
}

/* --out and --inbox must not hold each other: the next run would list its own outputs and
 * lock as inbox entries (and reruns would no longer be byte-identical), or publishing
 * would replace extracts. */
static spie_rc check_folders(run_state *s)
{
    char *in = spie_path_resolve(s->o->inbox), *out = spie_path_resolve(s->o->out);
    spie_rc rc = SPIE_OK;
    if (!in)
        rc = spie_fail_errno(s->err, SPIE_E_INPUT, errno, s->o->inbox, "boîte de dépôt illisible");
    else if (!out)
        rc = spie_fail_errno(s->err, SPIE_E_OUTPUT, errno, s->o->out, "dossier de sortie inaccessible");
    else if (spie_path_is_within(out, in))
        rc = spie_fail(s->err, SPIE_E_USAGE, s->o->out, 0,
                       "le dossier de sortie est la boîte de dépôt ou s'y trouve (%s) : choisir un --out hors de --inbox",
                       s->o->inbox);
    else if (spie_path_is_within(in, out))
        rc = spie_fail(s->err, SPIE_E_USAGE, s->o->inbox, 0,
                       "la boîte de dépôt est dans le dossier de sortie (%s) : choisir un --out qui ne la contient pas",
                       s->o->out);
    free(in);
    free(out);
    return rc;
}

/* The territories table and its SHA-256, then the plan: before anything is written. */
static spie_rc load_inputs(run_state *s)
{
    const spie_run_opts *o = s->o;
    const char *name = o->territories_path ? o->territories_path : "(table par défaut)";
    spie_rc rc = o->territories_path ? spie_territories_load(o->territories_path, &s->terr, s->err)
                                     : spie_territories_default(&s->terr, s->err);
    if (rc) {
        snprintf(s->err->file, sizeof s->err->file, "%s", name);
        return rc == SPIE_E_MEMORY ? rc : SPIE_E_INPUT;
    }
    const char *csv = spie_territories_default_csv();
    int e = o->territories_path ? spie_sha256_file(o->territories_path, s->terr_sha, NULL)
                                : spie_sha256_mem(csv, strlen(csv), s->terr_sha);
    if (e)
        return spie_fail_errno(s->err, SPIE_E_INPUT, e, name, "%s", "");
    if ((rc = spie_plan_build(o->inbox, o->period, &s->terr, &s->plan, s->err)) != SPIE_OK)
        return rc;
    if (o->observer.planned)
        o->observer.planned(o->observer.ctx, &s->plan);
    return SPIE_OK;
}

/* A path of the staging folder for the period's file "<prefix>_<P><suffix>". */
static char *staged(run_state *s, const char *prefix, const char *suffix)
{
    char name[64];
    snprintf(name, sizeof name, "%s_%s%s", prefix, s->period, suffix);
    return spie_publish_path(s->pub, name);
}

/* Tests only (spie_run_hooks.reject): each reject is shown to the hook, then written. A
 * group's handle carries the sink's handle and the hooks. */
typedef struct hooked_group {
    void *inner;
    const spie_run_hooks *hooks;
    spie_reject_fn row;
} hooked_group;

static void *hooked_open(void *ctx, size_t group)
{
    run_state *s = ctx;
    hooked_group *g = malloc(sizeof *g);
    if (!g) {
        errno = ENOMEM;
        return NULL;
    }
    g->inner = s->hooked.open_group(s->hooked.ctx, group);
    if (!g->inner) {
        int e = errno;
        free(g);
        errno = e;
        return NULL;
    }
    g->hooks = s->o->hooks;
    g->row = s->hooked.row;
    return g;
}

static int hooked_row(void *handle, const spie_reject *r)
{
    hooked_group *g = handle;
    g->hooks->reject(g->hooks->ctx, r);
    return g->row(g->inner, r);
}

static int hooked_close(void *ctx, void *handle)
{
    run_state *s = ctx;
    hooked_group *g = handle;
    int e = s->hooked.close_group(s->hooked.ctx, g->inner);
    free(g);
    return e;
}

static spie_rejects_sink rejects_sink(run_state *s)
{
    spie_rejects_sink sink = spie_rejects_file_sink(s->rejects);
    if (!s->o->hooks || !s->o->hooks->reject)
        return sink;
    s->hooked = sink;
    return (spie_rejects_sink){.open_group = hooked_open, .row = hooked_row, .close_group = hooked_close, .ctx = s};
}

/* Reads every territory in parallel into the batch, with the rejects file. */
static spie_rc read_territories(run_state *s)
{
    const spie_run_opts *o = s->o;
    char *path = staged(s, "rejets", ".csv.gz");
    size_t n = s->plan.n_entries ? s->plan.n_entries : 1;
    s->hashes = calloc(n, sizeof *s->hashes);
    s->digests = calloc(n, sizeof *s->digests);
    s->rejects = path ? spie_rejects_file_new(path, spie_plan_group_count(&s->plan)) : NULL;
    if (!path || !s->hashes || !s->digests || !s->rejects) {
        free(path);
        return no_memory(s);
    }
    s->cfg = (spie_batch_cfg){.inbox = o->inbox, .plan = &s->plan, .terr = &s->terr, .params = o->params,
                              .rejects = rejects_sink(s), .jobs = o->jobs, .fold = o->compute,
                              .log = o->observer.territory_done, .log_ctx = o->observer.ctx, .hashes = s->hashes,
                              .cancel = o->cancel};
    spie_error be = {0};
    spie_rc rc = spie_batch_run(&s->cfg, &s->batch, &be);
    if (rc == SPIE_E_OUTPUT)
        rc = spie_fail(s->err, SPIE_E_OUTPUT, path, 0, "%s", be.msg);
    else if (rc == SPIE_E_CANCELLED)
        rc = cancelled(s);
    else if (rc != SPIE_OK)
        rc = spie_fail(s->err, rc, NULL, 0, "%s", be.msg);
    else {
        s->batch_done = true;
        s->rep->bytes_in = s->batch.bytes_in;
        s->rep->rows_read = s->batch.rows_read;
        int e = spie_rejects_file_finish(s->rejects);
        if (e)
            rc = spie_fail_errno(s->err, SPIE_E_OUTPUT, e, path, "%s", "");
        else
            file_done(s);
    }
    free(path);
    return rc;
}

/* The SHA-256 of every selected input, of the bytes its reader took. An unusable file
 * has said why already (a file that changed while it was read is one); a usable file
 * whose digest is missing, or whose size is not the one listed in the inbox (it changed
 * between the listing and the reading), is a data error. */
static void check_hashes(run_state *s)
{
    const spie_plan *plan = &s->plan;
    for (size_t i = 0; i < plan->n_entries; i++) {
        const spie_plan_entry *e = &plan->entries[i];
        const spie_input_hash *h = &s->hashes[i];
        if (!e->file)
            continue;
        spie_error note = {0};
        bool usable = s->batch.results[i].status == SPIE_ENTRY_OK;
        if (usable && h->err) {
            spie_fail_errno(&note, SPIE_E_INPUT, h->err, e->file, "empreinte SHA-256 impossible");
        } else if (usable && h->size != e->size) {
            spie_fail(&note, SPIE_E_INPUT, e->file, 0,
                      "le fichier a changé entre la liste de la boîte et sa lecture (%llu octets lus, %llu listés)",
                      (unsigned long long)h->size, (unsigned long long)e->size);
        }
        if (note.rc) {
            s->rep->data_errors = true;
            if (s->o->observer.data_error)
                s->o->observer.data_error(s->o->observer.ctx, &note);
        }
        if (!h->err)
            s->digests[s->n_digests++] = (spie_input_digest){e->file, h->sha256};
    }
}

/* The rejected rows counted but not written (beyond the cap per file) are said in the
 * file's motif, in the quality report and the manifest. */
static void note_dropped_rejects(run_state *s)
{
    for (size_t i = 0; i < s->plan.n_entries; i++) {
        const char *file = s->plan.entries[i].file;
        uint64_t n = file ? spie_rejects_file_dropped(s->rejects, file) : 0;
        if (!n)
            continue;
        spie_file_report *r = &s->batch.results[i].rep;
        size_t len = strlen(r->motif);
        snprintf(r->motif + len, sizeof r->motif - len,
                 "%s%llu lignes rejetées au-delà des %u premières : comptées ici, non écrites dans rejets_%s.csv.gz",
                 len ? " ; " : "", (unsigned long long)n, SPIE_REJECTS_MAX_PER_FILE, s->period);
    }
}

/* The previous publication: under the output folder's lock (held since spie_publish_begin;
 * spie verify holds previous_dir's), the latest period folder Q < P that verifies. */
static spie_rc find_previous(run_state *s)
{
    const spie_run_opts *o = s->o;
    spie_rc rc = spie_previous_find(o->previous_dir ? o->previous_dir : o->out, o->period, o->compute,
                                    o->previous_pin, &s->prev, s->err);
    if (rc)
        return rc;
    s->prev_looked = true;
    s->rep->previous_found = s->prev.found;
    if (s->prev.found)
        memcpy(s->rep->previous_period, s->prev.period_s, sizeof s->rep->previous_period);
    if (s->prev.pin_failed) {
        s->rep->previous_pin_failed = true;
        snprintf(s->rep->previous_pin_why, sizeof s->rep->previous_pin_why, "%s",
                 s->prev.n_skips ? s->prev.skips[0].why : "");
    }
    if (o->observer.previous)
        o->observer.previous(o->observer.ctx, &s->prev);
    return SPIE_OK;
}

/* The continuity of every territory and kind with the previous publication: a break is
 * a data error (exit status 1), said through the observer. */
static spie_rc check_continuity(run_state *s)
{
    size_t n = s->plan.n_entries ? s->plan.n_entries : 1;
    if (!(s->continuity = calloc(n, sizeof *s->continuity)))
        return no_memory(s);
    size_t breaks = spie_continuity_compute(&s->prev, &s->plan, s->batch.results, s->o->params, s->continuity);
    s->rep->continuity_breaks = breaks;
    if (breaks)
        s->rep->data_errors = true;
    for (size_t i = 0; breaks && i < s->plan.n_entries; i++)
        if (s->continuity[i].status == SPIE_CONT_BREAK && s->o->observer.continuity_break)
            s->o->observer.continuity_break(s->o->observer.ctx, &s->plan, i, &s->continuity[i], &s->prev);
    return SPIE_OK;
}

static spie_rc write_quality(run_state *s)
{
    char *path = staged(s, "qualite", ".csv");
    if (!path)
        return no_memory(s);
    int e = spie_quality_write(path, &s->plan, s->batch.results, s->continuity);
    spie_rc rc = e ? spie_fail_errno(s->err, SPIE_E_OUTPUT, e, path, "%s", "") : SPIE_OK;
    free(path);
    if (!rc)
        file_done(s);
    return rc;
}

/* evolution_<P>.csv, when there is a previous publication (its changes were built). */
static spie_rc write_evolution(run_state *s)
{
    if (!s->prev.found)
        return SPIE_OK;
    char *path = staged(s, "evolution", ".csv");
    if (!path)
        return no_memory(s);
    int e = spie_evolution_write_csv(&s->table, s->changes, s->prev.period_s, path);
    spie_rc rc = e ? spie_fail_errno(s->err, SPIE_E_OUTPUT, e, path, "%s", "") : SPIE_OK;
    free(path);
    if (!rc) {
        s->rep->evolution_written = true;
        file_done(s);
    }
    return rc;
}

static spie_rc write_indicators(run_state *s)
{
    char *path = staged(s, "indicateurs", ".csv");
    if (!path)
        return no_memory(s);
    int e = spie_table_write_csv(&s->table, path);
    spie_rc rc = e ? spie_fail_errno(s->err, SPIE_E_OUTPUT, e, path, "%s", "") : SPIE_OK;
    free(path);
    if (!rc)
        file_done(s);
    return rc;
}

/* The figures, the secret once and the changes since the previous publication; then,
 * from that final table, the workbooks (started first, so that a second process writes
 * its share while this one writes the CSVs) and the CSVs. */
static spie_rc write_figures(run_state *s)
{
    const spie_run_opts *o = s->o;
    spie_rc rc = spie_figures_build(&s->table, &s->batch, &s->plan, &s->terr, o->params, s->err);
    if (rc)
        return rc;
    if (o->params->secret) {
        if (!spie_secret_apply(&s->table, o->params->secret_k, &s->terr, &s->rep->secret))
            return no_memory(s);
        s->rep->secret_applied = true;
    }
    size_t present;
    if (s->prev.found && !spie_evolution_build(&s->table, &s->prev, &s->changes, &present))
        return no_memory(s);
    spie_workbook_input wbi = {.table = &s->table, .plan = &s->plan, .results = s->batch.results, .terr = &s->terr,
                               .params = o->params, .engine_version = NULL /* the library's SPIE_VERSION */,
                               .inputs = s->digests, .n_inputs = s->n_digests,
                               .previous_period = s->prev.found ? s->prev.period_s : NULL,
                               .changes = s->changes, .continuity = s->continuity};
    const char *dir = spie_publish_staging(s->pub);
    spie_wb_writer wr;
    spie_pipeline_workbooks_start(&wr, dir, &wbi, o->jobs, o->hooks && o->hooks->workbook_writer_fails);
    if ((rc = write_indicators(s)) || (rc = write_evolution(s))) {
        spie_pipeline_workbooks_abort(&wr);
        return rc;
    }
    char msg[512];
    int e = spie_pipeline_workbooks_finish(&wr, dir, &wbi, o->cancel, msg, sizeof msg);
    if (e)
        return e == ECANCELED ? cancelled(s) : spie_fail(s->err, SPIE_E_OUTPUT, NULL, 0, "%s", msg);
    return SPIE_OK;
}

/* The manifest, written last, from the files actually in the staging folder. */
static spie_rc write_manifest(run_state *s)
{
    spie_manifest_info mi = {.command = s->o->compute ? "run" : "check",
                             .plan = &s->plan,
                             .results = s->batch.results,
                             .inputs = s->hashes,
                             .params = s->o->params,
                             .secret_applied = s->o->compute && s->o->params->secret,
                             .territories_default = s->o->territories_path == NULL,
                             .territories_sha256 = s->terr_sha,
                             .previous = s->prev_looked ? &s->prev : NULL};
    spie_rc rc = spie_manifest_write(&mi, spie_publish_staging(s->pub), s->err);
    if (rc)
        return rc;
    file_done(s);
    return SPIE_OK;
}

/* What <out>/<P> may hold for this run to replace it (the publication guard): a folder
 * published by spie (its manifest reads back), and, for spie check, not a publication of
 * spie run, whose workbooks and indicators a check would throw away. */
static spie_rc guard_check(void *ctx, const char *final, const struct stat *st, spie_error *err)
{
    const run_state *s = ctx;
    if (!S_ISDIR(st->st_mode))
        return spie_fail(err, SPIE_E_OUTPUT, final, 0,
                         "n'est pas un dossier publié par spie : laissé en place, rien n'est écrit");
    spie_error me = {0};
    json_t *m = spie_manifest_load(final, &me);
    if (!m)
        return spie_fail(err, SPIE_E_OUTPUT, final, 0,
                         "n'est pas un dossier publié par spie (%s) : laissé en place, rien n'est écrit", me.msg);
    bool was_run = !strcmp(json_string_value(json_object_get(m, "commande")), "run");
    json_decref(m);
    if (!s->o->compute && was_run)
        return spie_fail(err, SPIE_E_USAGE, final, 0,
                         "tient la publication de spie run, que spie check remplacerait par le seul rapport de "
                         "qualité : rien n'est écrit (donner un autre --out à spie check)");
    return SPIE_OK;
}

/* Everything after the plan, into the staging folder, then the swap. */
static spie_rc publish_all(run_state *s)
{
    spie_publish_guard guard = {.check = guard_check, .ctx = s};
    if (!(s->pub = spie_publish_begin(s->o->out, s->period, &guard, s->err)))
        return s->err->rc;
    spie_rc rc = find_previous(s);
    if (!rc)
        rc = read_territories(s);
    if (!rc) {
        check_hashes(s);
        note_dropped_rejects(s);
        rc = check_continuity(s);
    }
    if (!rc)
        rc = write_quality(s);
    if (!rc && s->o->compute && !(rc = cancelled(s)))
        rc = write_figures(s);
    if (!rc && !(rc = cancelled(s)))
        rc = write_manifest(s);
    if (!rc)
        rc = cancelled(s);
    if (rc) {
        spie_publish_abort(s->pub);
        s->pub = NULL;
        return rc;
    }
    rc = spie_publish_commit(s->pub, s->err);
    s->pub = NULL;
    return rc;
}

spie_entry_problems spie_entry_problems_of(const spie_plan_entry *e, const spie_entry_result *r,
                                           const spie_params *params)
{
    spie_entry_problems p = {0};
    if (r->status == SPIE_ENTRY_MISSING) {
        p.missing = e->terr != NULL; /* a missing NAT file is not an error */
        return p;
    }
    p.late = e->late_months > 0;
    p.unusable = r->status == SPIE_ENTRY_UNUSABLE;
    if (!p.unusable) {
        const spie_file_report *rep = &r->rep;
        p.reject_share = rep->rows_read ? (double)rep->rows_rejected / (double)rep->rows_read : 0.0;
        p.over_alert = p.reject_share > params->reject_alert_rate;
    }
    return p;
}

static bool data_errors_of(const run_state *s)
{
    for (size_t i = 0; i < s->plan.n_entries; i++) {
        spie_entry_problems p = spie_entry_problems_of(&s->plan.entries[i], &s->batch.results[i], s->o->params);
        if (p.missing || p.late || p.unusable || p.over_alert)
            return true;
    }
    return false;
}

spie_rc spie_run(const spie_run_opts *opts, spie_run_report *report, spie_error *err)
{
    run_state s = {.o = opts, .rep = report, .err = err};
    memset(report, 0, sizeof *report);
    spie_month_format(opts->period, s.period);
    if (opts->period < SPIE_PERIOD_MIN || opts->period > SPIE_PERIOD_MAX)
        return spie_fail(err, SPIE_E_USAGE, NULL, 0, "période %s : un mois entre 2020-01 et 2099-12 est attendu",
                         s.period);
    spie_rc rc = check_folders(&s);
    if (!rc)
        rc = load_inputs(&s);
    if (!rc)
        rc = publish_all(&s);
    if (!rc && s.batch_done && data_errors_of(&s))
        report->data_errors = true;
    if (s.batch_done)
        spie_batch_release(&s.batch, &s.cfg);
    spie_rejects_file_free(s.rejects);
    spie_table_release(&s.table);
    spie_previous_free(&s.prev);
    free(s.continuity);
    free(s.changes);
    free(s.hashes);
    free(s.digests);
    spie_plan_free(&s.plan);
    spie_territories_free(&s.terr);
    return rc;
}
