/* The workbooks (docs/sorties.md §6, docs/classeurs.md): which files, in which order, with
 * which document properties, and what a failure leaves (nothing: a workbook that cannot be
 * written whole is removed). The sheets are written by the sheet_<name>.c files; the
 * Sommaire comes first but is written last, once every table has its number and place.
 *
 * Reproducibility: the creation date is the reference date D at 00:00 UTC and
 * libxlsxwriter dates every zip entry 1980-01-01, so the same table gives the same bytes.
 *
 * It may not write a cell itself or look a figure up. */
#include "workbook_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spie/date.h"
#include "spie/util.h"
#include "spie/version.h"

/* Flushes a closed file to the disk (publish.h: each file fsync'ed by its writer). */
static int fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno ? errno : EIO;
    int e = 0;
    if (fsync(fd) != 0)
        e = errno ? errno : EIO;
    if (close(fd) != 0 && !e)
        e = errno ? errno : EIO;
    return e;
}

static int lxw_to_errno(lxw_error e, int saved_errno)
{
    switch (e) {
    case LXW_ERROR_MEMORY_MALLOC_FAILED: return ENOMEM;
    case LXW_ERROR_CREATING_XLSX_FILE:
    case LXW_ERROR_CREATING_TMPFILE:
    case LXW_ERROR_READING_TMPFILE:
    case LXW_ERROR_ZIP_FILE_OPERATION:
    case LXW_ERROR_ZIP_FILE_ADD:
    case LXW_ERROR_ZIP_CLOSE: return saved_errno ? saved_errno : EIO;
    default: return EINVAL; /* a caller bug: a value or a string out of Excel's limits */
    }
}

/* The state of the workbook of region (NULL: the national one), before its file exists. */
static void wb_init(spie_wb *w, const spie_workbook_input *in, const spie_region *region)
{
    memset(w, 0, sizeof *w);
    w->in = in;
    w->region = region;
    w->period = in->plan->period;
    w->ref_day = spie_month_last_day(w->period);
    spie_wb_fr_month(w->period_words, sizeof w->period_words, w->period);
    int y, m, d;
    spie_day_to_ymd(w->ref_day, &y, &m, &d);
    snprintf(w->ref_text, sizeof w->ref_text, "%02d/%02d/%04d", d, m, y);
    char pm[8];
    spie_month_format(w->period, pm);
    snprintf(w->csv_name, sizeof w->csv_name, "indicateurs_%s.csv", pm);
    snprintf(w->footer_title, sizeof w->footer_title, "SPIE, %s, %s", region ? region->name : "France",
             w->period_words);
}

static void set_properties(spie_wb *w)
{
    char title[160], subject[200], author[64], comments[200], pm[8];
    snprintf(title, sizeof title, "SPIE : indicateurs de %s, %s", w->period_words, spie_wb_scope(w));
    snprintf(subject, sizeof subject,
             "Service public de l'insertion et de l'emploi : parcours, délais, reprise d'activité, budget "
             "et qualité des données, %s",
             spie_wb_scope(w));
    snprintf(author, sizeof author, "%s %s", SPIE_ENGINE, spie_wb_version(w));
    spie_month_format(w->period, pm);
    snprintf(comments, sizeof comments, "Date de référence : %s. Chiffres identiques à ceux de indicateurs_%s.csv.",
             w->ref_text, pm);
    lxw_doc_properties props = {.title = title,
                                .subject = subject,
                                .author = author,
                                .company = "Programme SPIE",
                                .category = "Statistiques",
                                .keywords = "SPIE, insertion, emploi, indicateurs",
                                .comments = comments,
                                /* D at 00:00 UTC, never 0 (0 means "now": pitfalls) */
                                .created = w->ref_day > 0 ? (time_t)w->ref_day * 86400 : 86400};
    spie_wb_check(w, workbook_set_properties(w->wb, &props));
}

/* Closes the workbook (which frees it in every case) and says how its writing went: 0, or
 * an errno value with msg. */
static int close_and_judge(spie_wb *w, const char *path, const char *name, char *msg, size_t msg_size)
{
    errno = 0;
    lxw_error ce = workbook_close(w->wb);
    int saved = errno, ret = 0;
    w->wb = NULL;
    if (w->oom) {
        snprintf(msg, msg_size, "%s : mémoire insuffisante", name);
        ret = ENOMEM;
    } else if (w->missing[0]) {
        snprintf(msg, msg_size, "%s : %s", name, w->missing);
        ret = EINVAL;
    } else if (w->err != LXW_NO_ERROR) {
        snprintf(msg, msg_size, "%s : écriture du classeur impossible (libxlsxwriter : %s)", name,
                 lxw_strerror(w->err));
        ret = lxw_to_errno(w->err, 0);
    } else if (ce != LXW_NO_ERROR) {
        ret = lxw_to_errno(ce, saved);
        snprintf(msg, msg_size, "%s : écriture du classeur impossible (%s ; libxlsxwriter : %s)", name,
                 strerror(ret), lxw_strerror(ce));
    } else if ((ret = fsync_path(path)) != 0) {
        snprintf(msg, msg_size, "%s : %s", name, strerror(ret));
    }
    return ret;
}

/* Writes one workbook at path. 0 or an errno value, with msg. */
/* Writes one workbook; *index is the table's index, built by the first workbook a writer
 * writes. */
static int write_one(const spie_workbook_input *in, spie_wb_index **index, const spie_region *region,
                     const char *dir, const char *path, const char *name, char *msg, size_t msg_size)
{
    if (!*index && !(*index = spie_wb_index_new(in->table))) {
        snprintf(msg, msg_size, "%s : mémoire insuffisante", name);
        return ENOMEM;
    }
    spie_wb w;
    wb_init(&w, in, region);
    w.index = *index;
    if (!spie_wb_units_build(&w)) {
        snprintf(msg, msg_size, "%s : mémoire insuffisante", name);
        free(w.units);
        free(w.terrs);
        return ENOMEM;
    }
    int ret = 0;
    /* The file is created here first: a folder that cannot take it is reported cleanly
     * (libxlsxwriter itself prints its errors to standard error, which library code of
     * this project must not do; only write errors during workbook_close still do). */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || close(fd) != 0) {
        ret = errno ? errno : EIO;
        snprintf(msg, msg_size, "%s : %s", name, strerror(ret));
        if (fd >= 0)
            unlink(path);
        goto out_units;
    }
    /* libxlsxwriter's temporary files go beside the output (unlinked as soon as made),
     * not to /tmp. */
    lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = (char *)(uintptr_t)dir,
                                .use_zip64 = LXW_FALSE};
    w.wb = workbook_new_opt(path, &opt);
    if (!w.wb) {
        snprintf(msg, msg_size, "%s : mémoire insuffisante", name);
        ret = ENOMEM;
        unlink(path);
        goto out_units;
    }
    if (!spie_wb_formats_init(&w)) {
        w.oom = true;
    } else {
        /* the Sommaire first in the file, written once the tables have their numbers */
        if (!(w.sommaire = workbook_add_worksheet(w.wb, "Sommaire")))
            spie_wb_check(&w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        spie_wb_sheet_synthese(&w);
        spie_wb_sheet_parcours(&w);
        spie_wb_sheet_delais(&w);
        spie_wb_sheet_reprise(&w);
        spie_wb_sheet_budget(&w);
        spie_wb_sheet_qualite(&w);
        spie_wb_sheet_methodologie(&w);
        spie_wb_sheet_sommaire(&w);
    }
    set_properties(&w);
    if ((ret = close_and_judge(&w, path, name, msg, msg_size)) != 0)
        unlink(path); /* never a partial workbook */
out_units:
    free(w.units);
    free(w.terrs);
    return ret;
}

size_t spie_workbooks_count(const spie_territories *terr)
{
    size_t n = 1;
    for (size_t r = 0; r < spie_region_count(); r++)
        n += spie_wb_region_has_territory(terr, spie_region_at(r));
    return n;
}

int spie_workbooks_write(const char *dir, const spie_workbook_input *in, char *msg, size_t msg_size)
{
    if (msg_size)
        msg[0] = 0;
    if (!dir || !in || !in->table || !in->plan || !in->results || !in->terr || !in->params) {
        snprintf(msg, msg_size, "classeurs : argument manquant");
        return EINVAL;
    }
    char pm[8], name[128];
    spie_month_format(in->plan->period, pm);
    if (!pm[0]) {
        snprintf(msg, msg_size, "classeurs : période invalide");
        return EINVAL;
    }
    /* The national workbook, then one per region with a programme territory, in the
     * order of the region codes; the k-th of them when it is in this writer's share. */
    spie_wb_index *index = NULL;
    size_t k = 0;
    int e = 0;
    for (size_t r = 0; !e && r <= spie_region_count(); r++) {
        const spie_region *reg = r ? spie_region_at(r - 1) : NULL;
        if (reg && !spie_wb_region_has_territory(in->terr, reg))
            continue;
        k++;
        if (in->end && (k - 1 < in->first || k - 1 >= in->end))
            continue;
        if (reg)
            snprintf(name, sizeof name, "SPIE_%s_R%s_%s.xlsx", pm, reg->code, reg->slug);
        else
            snprintf(name, sizeof name, "SPIE_%s_national.xlsx", pm);
        char *path = spie_path_join(dir, name);
        if (!path) {
            snprintf(msg, msg_size, "%s : mémoire insuffisante", name);
            e = ENOMEM;
            break;
        }
        e = write_one(in, &index, reg, dir, path, name, msg, msg_size);
        free(path);
    }
    spie_wb_index_free(index);
    return e;
}
