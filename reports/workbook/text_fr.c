/* The French of the workbooks that more than one sheet uses: numbers, amounts, months and
 * levels in words (locale-free: "1 234", "12,3 %", "80 000 000,00 €", "juin 2022"), the
 * labels of delay end points, breakdowns and modalities (the wording of
 * docs/dictionnaire.md; the indicators' labels are the catalogue's), and the sentences of
 * every sheet's head. A code the tables do not know is shown as it is.
 *
 * It may not write a cell or look a figure up. Sentences that one sheet alone says stay in
 * that sheet's file, next to the parameters they are built from. */
#include "workbook_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "spie/date.h"
#include "spie/version.h"

#define NBSP "\xC2\xA0" /* U+00A0: French thousands separator and space before % and € */

/* ---- numbers and dates in words --------------------------------------------------------- */

/* Digits of v grouped by three with NBSP; v >= 0. */
static void grouped(char *buf, size_t size, uint64_t v)
{
    char d[24];
    int n = 0;
    do {
        d[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    size_t k = 0;
    for (int i = n - 1; i >= 0; i--) {
        if (k + 4 >= size)
            break;
        buf[k++] = d[i];
        if (i > 0 && i % 3 == 0) {
            memcpy(buf + k, NBSP, 2);
            k += 2;
        }
    }
    buf[k] = 0;
}

void spie_wb_fr_int(char *buf, size_t size, int64_t v)
{
    if (size < 2)
        return;
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    size_t k = 0;
    if (v < 0)
        buf[k++] = '-';
    grouped(buf + k, size - k, a);
}

void spie_wb_fr_dec1(char *buf, size_t size, double v)
{
    if (!isfinite(v) || fabs(v) >= 1e15) {
        snprintf(buf, size, "nd");
        return;
    }
    long long t = llround(v * 10.0); /* half away from zero */
    char ip[40];
    unsigned long long a = t < 0 ? (unsigned long long)(-t) : (unsigned long long)t;
    grouped(ip, sizeof ip, a / 10);
    snprintf(buf, size, "%s%s,%u", t < 0 ? "-" : "", ip, (unsigned)(a % 10));
}

void spie_wb_fr_pct1(char *buf, size_t size, double v)
{
    char d[48];
    spie_wb_fr_dec1(d, sizeof d, v * 100.0);
    snprintf(buf, size, "%s" NBSP "%%", d);
}

void spie_wb_fr_level(char *buf, size_t size, double level)
{
    char d[48];
    spie_wb_fr_dec1(d, sizeof d, level * 100.0);
    size_t n = strlen(d);
    if (n > 2 && strcmp(d + n - 2, ",0") == 0)
        d[n - 2] = 0;
    snprintf(buf, size, "%s" NBSP "%%", d);
}

void spie_wb_fr_euros(char *buf, size_t size, spie_cents v)
{
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char ip[40];
    grouped(ip, sizeof ip, a / 100);
    snprintf(buf, size, "%s%s,%02u" NBSP "€", v < 0 ? "-" : "", ip, (unsigned)(a % 100));
}

void spie_wb_fr_month(char *buf, size_t size, spie_month m)
{
    static const char *const names[12] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
                                          "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
    int y, mo;
    spie_month_to_ym(m, &y, &mo);
    if (mo < 1 || mo > 12)
        snprintf(buf, size, "?");
    else
        snprintf(buf, size, "%s %04d", names[mo - 1], y);
}

bool spie_wb_fr_figure(char *buf, size_t size, const spie_figure *f, bool pct)
{
    if (!f || f->status != SPIE_STATUS_OK)
        return false;
    switch (f->kind) {
    case SPIE_VK_COUNT: spie_wb_fr_int(buf, size, f->ival); return true;
    case SPIE_VK_CENTS: spie_wb_fr_euros(buf, size, f->ival); return true;
    case SPIE_VK_REAL:
        if (!isfinite(f->real))
            return false;
        if (pct)
            spie_wb_fr_pct1(buf, size, f->real);
        else
            spie_wb_fr_dec1(buf, size, f->real);
        return true;
    case SPIE_VK_TEXT: snprintf(buf, size, "%s", f->text); return true;
    default: return false;
    }
}

void spie_wb_fr_horizons(char *buf, size_t size, const spie_params *p)
{
    size_t k = 0;
    if (size)
        buf[0] = 0;
    for (size_t i = 0; i < p->n_horizons && k < size; i++)
        k += (size_t)snprintf(buf + k, size - k, "%s%d", i ? ", " : "", p->horizons[i]);
}

/* ---- labels ------------------------------------------------------------------------------- */

const char *spie_wb_level_word(spie_level level)
{
    switch (level) {
    case SPIE_LEVEL_NATIONAL: return "France";
    case SPIE_LEVEL_REGION: return "Région";
    case SPIE_LEVEL_VAGUE: return "Vague";
    default: return "Département";
    }
}

typedef struct label {
    const char *code;
    const char *text;
} label;

static const char *lookup(const label *l, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(l[i].code, code) == 0)
            return l[i].text;
    return code;
}

const char *spie_wb_endpoint_label(spie_endpoint ep)
{
    static const char *const names[SPIE_EP_COUNT] = {
        "entrée", "orientation", "diagnostic", "contrat d'engagement", "solution", "reprise d'activité",
        "suivi",  "reprise durable"};
    return (unsigned)ep < SPIE_EP_COUNT ? names[ep] : "?";
}

const char *spie_wb_breakdown_label(spie_breakdown bd)
{
    switch (bd) {
    case SPIE_BD_PUBLIC: return "Public";
    case SPIE_BD_SEXE: return "Sexe";
    case SPIE_BD_AGE: return "Âge à l'entrée";
    case SPIE_BD_COHORTE: return "Cohorte d'entrée";
    default: return "Ensemble";
    }
}

const char *spie_wb_modality_label(spie_breakdown bd, const char *modality)
{
    static const label publics[] = {{"RSA", "Allocataires du RSA"},
                                    {"JEUNE", "Jeunes de moins de 26 ans"},
                                    {"DE", "Demandeurs d'emploi"},
                                    {"TH", "Travailleurs handicapés (RQTH)"}};
    static const label sexes[] = {{"F", "Femmes"}, {"M", "Hommes"}, {"inconnu", "Non renseigné"}};
    static const label ages[] = {{"moins_26", "Moins de 26 ans"},
                                 {"26_49", "26 à 49 ans"},
                                 {"50_plus", "50 ans ou plus"},
                                 {"inconnu", "Non renseigné"}};
    switch (bd) {
    case SPIE_BD_PUBLIC: return lookup(publics, SPIE_ARRAY_LEN(publics), modality);
    case SPIE_BD_SEXE: return lookup(sexes, SPIE_ARRAY_LEN(sexes), modality);
    case SPIE_BD_AGE: return lookup(ages, SPIE_ARRAY_LEN(ages), modality);
    default: return modality; /* cohorts: "2021-T3" */
    }
}

void spie_wb_fr_unit_name(const spie_wb_unit *u, bool capital, char *buf, size_t size)
{
    if (u->level == SPIE_LEVEL_VAGUE)
        snprintf(buf, size, "%s %s", capital ? "Vague" : "vague", u->name);
    else
        snprintf(buf, size, "%s", u->name);
}

/* ---- the sentences of every sheet's head ------------------------------------------------------ */

const char *spie_wb_version(const spie_wb *w)
{
    return w->in->engine_version ? w->in->engine_version : SPIE_VERSION;
}

const char *spie_wb_scope(const spie_wb *w)
{
    return w->region ? w->region->name : "France";
}

void spie_wb_fr_period(const spie_wb *w, char *buf, size_t size)
{
    snprintf(buf, size, "Période : %s ; date de référence : %s", w->period_words, w->ref_text);
}

void spie_wb_fr_source(const spie_wb *w, char *buf, size_t size)
{
    snprintf(buf, size,
             "Source : extraits mensuels du SPIE (bénéficiaires, étapes, budget) retenus pour %s, "
             "table des territoires du programme ; traitement %s %s.",
             w->period_words, SPIE_ENGINE, spie_wb_version(w));
}

bool spie_wb_fr_legend(const spie_wb *w, char *buf, size_t size)
{
    if (w->in->params->secret) {
        snprintf(buf, size,
                 "s : secret statistique (moins de %d personnes, ou masqué pour ne pas être retrouvé par "
                 "différence) ; nd : non disponible.",
                 w->in->params->secret_k);
        return false;
    }
    snprintf(buf, size,
             "Diffusion restreinte : secret statistique non appliqué (chiffres sur de petits effectifs "
             "non masqués). nd : non disponible.");
    return true;
}
