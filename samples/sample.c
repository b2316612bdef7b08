/* The synthetic-inbox generator: one territory at a time, draw its persons, their journeys
 * and its budget movements up to the end of its last month, add the dirt, then write its
 * cumulative monthly extracts (every row whose date is within the month's end), and finally
 * the NAT budget and the side files (see spie/sample.h).
 *
 * Realism (ref/README.md): entries follow the plan (population x activity curve); the
 * orientation comes after a lognormal delay averaging 60-90 days depending on the territory
 * (shorter for later entrants), the contract about 50 days after the orientation (gamma);
 * about a third of the persons return to activity within 12 months (more for young people
 * and job seekers, fewer for RSA recipients and disabled workers); follow-ups after a
 * return; some exits. Budget: State lines paced to consume about the allocation in 2-3
 * years, co-financing, a few negative corrections.
 *
 * Dirt (off with --clean), designed so that each injected row fails exactly one rule of
 * extracts.md §6 and no earlier one, and causes no cascade:
 *   - beneficiaires defects are on extra "ghost" rows whose id has no steps, except DOUBLON
 *     (a second row for a valid id, after the first one);
 *   - etapes defects are copies of a valid step with one thing changed; BENEFICIAIRE_INCONNU
 *     uses ids that appear nowhere else; a DOUBLON follows its original;
 *   - budget defects are copies of a valid line with one thing changed;
 *   - DATE_FUTURE dates are in 2031 (future for any period up to 2030-12, the largest
 *     --until), DATE_HORS_PROGRAMME dates in 2019.
 * A dirty row is "recorded" on the day of the valid row it was copied from, so it appears
 * in every extract from that month on: the dirt of a territory is the same in all its
 * cumulative files. Every row that refers to a person appears only once the person has
 * entered (so in the same month's beneficiaires extract). The counts in defauts.csv are
 * counted while writing, so they are exactly what each file holds. */
#include "spie/sample.h"

#include <errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#include "spie/date.h"
#include "spie/geo.h"

/* ---- codes of extracts.md ----------------------------------------------------------- */

enum { PUB_RSA = 0, PUB_JEUNE, PUB_DE, PUB_TH, PUB_N };
static const char *const pub_codes[PUB_N] = {"RSA", "JEUNE", "DE", "TH"};

enum { ST_ORIENTATION = 0, ST_DIAGNOSTIC, ST_CONTRAT, ST_SOLUTION, ST_REPRISE, ST_SUIVI, ST_SORTIE, ST_N };
static const char *const step_codes[ST_N] = {"ORIENTATION", "DIAGNOSTIC", "CONTRAT", "SOLUTION",
                                             "REPRISE",     "SUIVI",      "SORTIE"};
static const char *const orient_types[] = {"SOCIALE", "PROFESSIONNELLE", "SOCIO_PRO"};
static const char *const solution_types[] = {"FORMATION", "IMMERSION",     "EMPLOI_AIDE",
                                              "CREATION",  "LOGEMENT",      "SANTE",
                                              "MOBILITE",  "GARDE_ENFANTS", "AUTRE"};
enum { RP_DURABLE = 0, RP_TEMPORAIRE, RP_FORMATION, RP_CREATION, RP_N };
static const char *const reprise_types[RP_N] = {"EMPLOI_DURABLE", "EMPLOI_TEMPORAIRE", "FORMATION_QUALIFIANTE",
                                                "CREATION_ENTREPRISE"};
enum { SO_DEMENAGEMENT = 0, SO_FIN_DROITS, SO_ABANDON, SO_AUTRE, SO_N };
static const char *const sortie_types[SO_N] = {"DEMENAGEMENT", "FIN_DROITS", "ABANDON", "AUTRE"};
#define NO_TYPE 0xFF

enum { FIN_ETAT = 0, FIN_DEPARTEMENT, FIN_FRANCE_TRAVAIL, FIN_CAF, FIN_AUTRE, FIN_POLE_EMPLOI, FIN_N };
static const char *const fin_codes[FIN_N] = {"ETAT", "DEPARTEMENT", "FRANCE_TRAVAIL", "CAF", "AUTRE", "POLE_EMPLOI"};

/* Reject reasons of extracts.md §6, in the order of its table. */
enum {
    R_NB_CHAMPS = 0, R_CHAMP_MANQUANT, R_ID_INVALIDE, R_DATE_INVALIDE, R_CODE_INVALIDE,
    R_MONTANT_INVALIDE, R_DEPT_INCOHERENT, R_DATE_FUTURE, R_DATE_HORS_PROGRAMME, R_ANNEE_NAISSANCE,
    R_DOUBLON, R_BENEFICIAIRE_INCONNU, R_ETAPE_AVANT_ENTREE, R_TYPE_MANQUANT, R_N,
    D_EMPTY = R_N /* an empty line: not a row, counted apart */
};
static const char *const reason_codes[R_N] = {
    "NB_CHAMPS",       "CHAMP_MANQUANT", "ID_INVALIDE",         "DATE_INVALIDE",       "CODE_INVALIDE",
    "MONTANT_INVALIDE", "DEPT_INCOHERENT", "DATE_FUTURE",        "DATE_HORS_PROGRAMME", "ANNEE_NAISSANCE",
    "DOUBLON",         "BENEFICIAIRE_INCONNU", "ETAPE_AVANT_ENTREE", "TYPE_MANQUANT"};

enum { K_BENE = 0, K_BUDGET, K_ETAPES, K_N }; /* byte order of the kind names */
static const char *const kind_names[K_N] = {"beneficiaires", "budget", "etapes"};

/* Reasons injected per kind, and how many variants each has (see the row writers). */
static const uint8_t bene_reasons[] = {R_NB_CHAMPS,   R_CHAMP_MANQUANT, R_ID_INVALIDE,         R_DATE_INVALIDE,
                                       R_CODE_INVALIDE, R_DEPT_INCOHERENT, R_DATE_FUTURE,       R_DATE_HORS_PROGRAMME,
                                       R_ANNEE_NAISSANCE, R_DOUBLON};
static const uint8_t step_reasons[] = {R_NB_CHAMPS,   R_CHAMP_MANQUANT,       R_ID_INVALIDE,     R_DATE_INVALIDE,
                                       R_CODE_INVALIDE, R_DATE_FUTURE,         R_DATE_HORS_PROGRAMME, R_DOUBLON,
                                       R_BENEFICIAIRE_INCONNU, R_ETAPE_AVANT_ENTREE, R_TYPE_MANQUANT};
static const uint8_t budget_reasons[] = {R_NB_CHAMPS,       R_CHAMP_MANQUANT, R_DATE_INVALIDE,
                                         R_CODE_INVALIDE,   R_MONTANT_INVALIDE, R_DEPT_INCOHERENT,
                                         R_DATE_FUTURE,     R_DATE_HORS_PROGRAMME, R_DOUBLON};
/* Variants of each injected reason per kind (see bene_fill, step_fill, budget_fill). */
static const uint8_t variants[K_N][R_N] = {
    [K_BENE] = {2, 4, 4, 4, 4, 1, 1, 1, 1, 4, 3, 1, 1, 1},
    [K_BUDGET] = {3, 3, 1, 3, 3, 5, 1, 1, 1, 1, 3, 1, 1, 1},
    [K_ETAPES] = {2, 4, 4, 4, 4, 1, 1, 1, 1, 1, 3, 1, 1, 1},
};

/* Budget libellés (UTF-8, except the Windows-1252 one). */
enum {
    L_CONVENTION = 0, L_PAIEMENT, L_TRANCHE, L_PRESTATIONS, L_NUMERIQUE, L_FORMATION_REF, L_ANNULATION,
    L_REVERSEMENT, L_DEPARTEMENT, L_DEPARTEMENT_FREINS, L_PE, L_FT, L_CAF, L_FSE, L_REGION, L_COMMUNE,
    L_CP1252, L_NAT_APPUI, L_NAT_NUMERIQUE, L_NAT_EVALUATION, L_NAT_ANIMATION, L_NAT_FSE, L_N
};
static const char *const labels[L_N] = {
    "Convention SPIE : engagement initial et avance",
    "Paiement sur engagement antérieur",
    "Engagement complémentaire (tranche trimestrielle)",
    "Prestations d'accompagnement renforcé",
    "Plateforme numérique : carnet de bord",
    "Formation des référents de parcours",
    "Annulation partielle d'engagement",
    "Reversement d'un trop-perçu",
    "Cofinancement départemental : ingénierie de parcours",
    "Levée des freins périphériques : mobilité, garde d'enfants",
    "Mise à disposition de conseillers (Pôle emploi)",
    "Mise à disposition de conseillers (France Travail)",
    "CAF : aide à la garde d'enfants",
    "Fonds social européen (FSE+)",
    "Région : actions de formation",
    "Commune : mobilité solidaire",
    ("Prestation d'accompagnement \xE0 l'emploi (r\xE9" "f\xE9rents)"), /* Windows-1252 */
    "Appui technique national (DGEFP)",
    "Services numériques de l'État : carnet de bord",
    "Évaluation nationale du programme",
    "Animation du réseau des territoires",
    "Assistance technique FSE+",
};

/* ---- errors ------------------------------------------------------------------------- */

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void seterr(spie_sample_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

/* ---- a territory's data ------------------------------------------------------------- */

enum { PF_DEPT_EMPTY = 1u, PF_LOWER = 2u }; /* formatting varieties of a valid row */

typedef struct person {
    spie_day entry;
    int16_t birth; /* 0: unknown */
    uint8_t pub;
    uint8_t sex;   /* 0 unknown, 1 F, 2 M */
    uint8_t flags; /* PF_* */
} person;

typedef struct step_row {
    spie_day date;
    uint32_t person; /* index into persons */
    uint8_t step;
    uint8_t type;    /* index into the step's type list, NO_TYPE */
} step_row;

typedef struct bline {
    spie_month mois;
    spie_cents eng, paye;
    uint8_t fin;
    uint8_t lab;
    uint8_t dept_empty;
} bline;

/* An injected row (or empty line): recorded on day/month `vis`, ordered by (vis, seq)
 * after the valid rows of the same vis. */
typedef struct dirt_row {
    int32_t vis;
    uint32_t seq;
    uint32_t id; /* id number written (1-based) */
    uint8_t code; /* R_* or D_EMPTY */
    uint8_t variant;
    union {
        person p;
        step_row s;
        bline b;
    } u;
} dirt_row;

typedef struct dirt_list {
    dirt_row *v;
    size_t n, cap;
} dirt_list;

typedef struct terr_data {
    person *persons; /* sorted by entry day; id number = index + 1 */
    size_t np;
    step_row *steps; /* sorted by date (stable) */
    size_t ns, caps;
    bline *budget;   /* sorted by month */
    size_t nb, capb;
    dirt_list dirt[K_N];
    uint32_t n_ghost, n_unknown;
} terr_data;

static void terr_data_release(terr_data *d)
{
    free(d->persons);
    free(d->steps);
    free(d->budget);
    for (int k = 0; k < K_N; k++)
        free(d->dirt[k].v);
    memset(d, 0, sizeof *d);
}

/* ---- shared distributions ------------------------------------------------------------ */

typedef struct dists {
    gsl_ran_discrete_t *orient[PUB_N];
    gsl_ran_discrete_t *reprise[PUB_N];
    gsl_ran_discrete_t *solution;
    gsl_ran_discrete_t *sortie_rsa, *sortie_other;
} dists;

static void dists_free(dists *d)
{
    for (int i = 0; i < PUB_N; i++) {
        if (d->orient[i])
            gsl_ran_discrete_free(d->orient[i]);
        if (d->reprise[i])
            gsl_ran_discrete_free(d->reprise[i]);
    }
    if (d->solution)
        gsl_ran_discrete_free(d->solution);
    if (d->sortie_rsa)
        gsl_ran_discrete_free(d->sortie_rsa);
    if (d->sortie_other)
        gsl_ran_discrete_free(d->sortie_other);
    memset(d, 0, sizeof *d);
}

static bool dists_init(dists *d)
{
    /* Orientation paths: RSA recipients more often social, job seekers professional. */
    static const double orient[PUB_N][3] = {{0.45, 0.30, 0.25}, {0.15, 0.60, 0.25}, {0.08, 0.77, 0.15}, {0.25, 0.45, 0.30}};
    /* Returns: young people more often training, job seekers durable employment. */
    static const double reprise[PUB_N][RP_N] = {
        {0.30, 0.50, 0.15, 0.05}, {0.25, 0.40, 0.33, 0.02}, {0.42, 0.38, 0.14, 0.06}, {0.35, 0.45, 0.17, 0.03}};
    static const double solution[9] = {0.24, 0.12, 0.10, 0.03, 0.08, 0.08, 0.15, 0.06, 0.14};
    static const double sortie_rsa[SO_N] = {0.22, 0.25, 0.40, 0.13};
    static const double sortie_other[SO_N] = {0.28, 0.00, 0.55, 0.17};
    memset(d, 0, sizeof *d);
    for (int i = 0; i < PUB_N; i++) {
        d->orient[i] = gsl_ran_discrete_preproc(3, orient[i]);
        d->reprise[i] = gsl_ran_discrete_preproc(RP_N, reprise[i]);
        if (!d->orient[i] || !d->reprise[i])
            goto out_fail;
    }
    d->solution = gsl_ran_discrete_preproc(9, solution);
    d->sortie_rsa = gsl_ran_discrete_preproc(SO_N, sortie_rsa);
    d->sortie_other = gsl_ran_discrete_preproc(SO_N, sortie_other);
    if (!d->solution || !d->sortie_rsa || !d->sortie_other)
        goto out_fail;
    return true;
out_fail:
    dists_free(d);
    return false;
}

/* ---- seeds and ids -------------------------------------------------------------------- */

/* splitmix64's finaliser: a bijection of 64-bit integers. */
static uint64_t mix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15u;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static uint64_t str_hash(const char *s)
{
    uint64_t h = 0xCBF29CE484222325u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001B3u;
    return h;
}

/* The seed of one territory's stream: depends on the run's seed and the code only. */
static unsigned long terr_seed(uint64_t seed, const char *code)
{
    return (unsigned long)(mix64(seed ^ mix64(str_hash(code))) & 0xFFFFFFFFu);
}

/* Writes the id number k (>= 1) of a territory: "B31-000123" (at least six digits) or 16
 * hex digits (distinct numbers give distinct ids: mix64 is a bijection and the salt, from
 * the code, fills the high half). Returns the length; buf holds at least 32 bytes. */
static size_t format_id(char *buf, const char *code, uint64_t salt, bool hex, uint32_t k)
{
    if (hex) {
        uint64_t v = mix64((salt << 32) | k);
        static const char hx[] = "0123456789abcdef";
        for (int i = 15; i >= 0; i--) {
            buf[i] = hx[v & 15u];
            v >>= 4;
        }
        buf[16] = '\0';
        return 16;
    }
    size_t n = 0;
    buf[n++] = 'B';
    for (const char *c = code; *c && n < 4; c++)
        buf[n++] = *c;
    buf[n++] = '-';
    char dig[10];
    size_t nd = 0;
    do {
        dig[nd++] = (char)('0' + (int)(k % 10u));
        k /= 10u;
    } while (k);
    for (size_t i = nd; i < 6; i++)
        buf[n++] = '0';
    while (nd)
        buf[n++] = dig[--nd];
    buf[n] = '\0';
    return n;
}

/* ---- generation --------------------------------------------------------------------- */

typedef struct gen {
    const spie_sample_plan *plan;
    size_t index;
    const spie_sample_terr *it;
    const dists *d;
    gsl_rng *r;
    spie_day first_day, horizon; /* first day of the first month, last day of the last */
    double orient_mean, contract_mean, p12_mult, dirt_mult;
    gsl_ran_discrete_t *pub_dist;
    bool dirty;
    terr_data td;
} gen;

static spie_day ymd(int y, int m, int d)
{
    spie_day out = SPIE_NO_DAY;
    if (d > 28 && m == 2)
        d = 28;
    if (d > 30 && (m == 4 || m == 6 || m == 9 || m == 11))
        d = 30;
    (void)spie_day_from_ymd(y, m, d, &out);
    return out;
}

static int year_of(spie_day d)
{
    int y, m, dd;
    spie_day_to_ymd(d, &y, &m, &dd);
    return y;
}

static spie_day plus(spie_day d, double days)
{
    return d + (spie_day)floor(days + 0.5);
}

static bool bern(gsl_rng *r, double p)
{
    return gsl_rng_uniform(r) < p;
}

static bool push_step(step_row *buf, size_t *n, size_t cap, uint32_t pid, int step, spie_day date, unsigned type)
{
    if (*n >= cap)
        return false;
    buf[*n].date = date;
    buf[*n].person = pid;
    buf[*n].step = (uint8_t)step;
    buf[*n].type = (uint8_t)type;
    (*n)++;
    return true;
}

static int cmp_step_local(const step_row *x, const step_row *y)
{
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->step != y->step)
        return x->step < y->step ? -1 : 1;
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    return 0;
}

#define PERSON_STEPS_MAX 64

/* One person's journey (ref/README.md magnitudes). Steps are never before the entry; rows
 * with the same (step, date, type) are merged so that no valid row is a DOUBLON. */
static void person_steps(gen *g, const person *p, uint32_t pid, step_row *buf, size_t *n)
{
    static const double p_orient[PUB_N] = {0.88, 0.85, 0.86, 0.80};
    static const double p12[PUB_N] = {0.27, 0.41, 0.43, 0.21}; /* return within 12 months */
    gsl_rng *r = g->r;
    const dists *d = g->d;
    spie_day e = p->entry;
    *n = 0;
    if (bern(r, p_orient[p->pub])) {
        double trend = 1.10 - 0.06 * (double)(year_of(e) - 2020);
        double mean = g->orient_mean * trend, sigma = 0.75;
        spie_day o = plus(e, gsl_ran_lognormal(r, log(mean) - sigma * sigma / 2, sigma));
        unsigned ot = bern(r, 0.92) ? (unsigned)gsl_ran_discrete(r, d->orient[p->pub]) : NO_TYPE;
        push_step(buf, n, PERSON_STEPS_MAX, pid, ST_ORIENTATION, o, ot);
        if (bern(r, 0.82))
            push_step(buf, n, PERSON_STEPS_MAX, pid, ST_DIAGNOSTIC, plus(o, gsl_ran_gamma(r, 2.0, 9.0)), NO_TYPE);
        double k_sol = 0;
        spie_day t = o;
        if (bern(r, 0.80)) {
            spie_day c = plus(o, gsl_ran_gamma(r, 2.5, g->contract_mean / 2.5));
            push_step(buf, n, PERSON_STEPS_MAX, pid, ST_CONTRAT, c, NO_TYPE);
            /* Engagement contracts are renewed about every six months while the person
             * stays in the programme. */
            for (spie_day cr = c; bern(r, 0.75) && *n < PERSON_STEPS_MAX / 2;) {
                cr = plus(cr, 150 + gsl_ran_gamma(r, 2.0, 20.0));
                push_step(buf, n, PERSON_STEPS_MAX, pid, ST_CONTRAT, cr, NO_TYPE);
            }
            if (bern(r, 0.92)) {
                k_sol = 1 + gsl_ran_poisson(r, 5.0);
                t = plus(c, gsl_ran_gamma(r, 2.0, 20.0));
            }
        } else if (bern(r, 0.30)) {
            k_sol = 1 + gsl_ran_poisson(r, 0.5);
            t = plus(o, gsl_ran_gamma(r, 2.0, 30.0));
        }
        for (unsigned s = 0; s < (unsigned)k_sol && s < 12; s++) {
            unsigned st = bern(r, 0.93) ? (unsigned)gsl_ran_discrete(r, d->solution) : NO_TYPE;
            push_step(buf, n, PERSON_STEPS_MAX, pid, ST_SOLUTION, t, st);
            t = plus(t, 7 + gsl_ran_gamma(r, 2.0, 25.0));
        }
    }
    /* Return to activity: a share `ever` returns some day, after 15 days plus an
     * exponential time whose rate gives P(return within 365 days) = p12. */
    double ever = 0.80;
    double q = p12[p->pub] * g->p12_mult;
    if (q > 0.75)
        q = 0.75;
    spie_day sortie = SPIE_NO_DAY;
    unsigned sortie_type = NO_TYPE;
    if (bern(r, ever)) {
        double lambda = -log(1.0 - q / ever) / 350.0;
        spie_day r1 = plus(e, 15 + gsl_ran_exponential(r, 1.0 / lambda));
        unsigned t1 = (unsigned)gsl_ran_discrete(r, d->reprise[p->pub]);
        push_step(buf, n, PERSON_STEPS_MAX, pid, ST_REPRISE, r1, t1);
        static const int suivi_days[] = {30, 60, 90, 120, 150, 180, 240, 300, 365};
        static const double suivi_p[] = {0.92, 0.75, 0.85, 0.6, 0.55, 0.75, 0.55, 0.5, 0.60};
        for (size_t s = 0; s < SPIE_ARRAY_LEN(suivi_days); s++)
            if (bern(r, suivi_p[s]))
                push_step(buf, n, PERSON_STEPS_MAX, pid, ST_SUIVI,
                          r1 + suivi_days[s] - 7 + (spie_day)gsl_rng_uniform_int(r, 15), NO_TYPE);
        if (t1 == RP_TEMPORAIRE && bern(r, 0.40)) {
            spie_day r2 = plus(r1, 30 + gsl_ran_gamma(r, 2.0, 80.0));
            push_step(buf, n, PERSON_STEPS_MAX, pid, ST_REPRISE, r2,
                      (unsigned)gsl_ran_discrete(r, d->reprise[p->pub]));
            if (bern(r, 0.8))
                push_step(buf, n, PERSON_STEPS_MAX, pid, ST_SUIVI, r2 + 30, NO_TYPE);
            if (bern(r, 0.6))
                push_step(buf, n, PERSON_STEPS_MAX, pid, ST_SUIVI, r2 + 90, NO_TYPE);
        }
        if ((t1 == RP_DURABLE || t1 == RP_CREATION) && bern(r, 0.35)) {
            sortie = plus(r1, 90 + gsl_ran_gamma(r, 2.0, 60.0));
            sortie_type = bern(r, 0.7) ? SO_AUTRE : NO_TYPE;
        }
    } else if (bern(r, 0.35)) {
        sortie = plus(e, 60 + gsl_ran_gamma(r, 2.0, 120.0));
        sortie_type = (unsigned)gsl_ran_discrete(r, p->pub == PUB_RSA ? d->sortie_rsa : d->sortie_other);
        if (bern(r, 0.10))
            sortie_type = NO_TYPE;
    }
    if (sortie != SPIE_NO_DAY) {
        size_t k = 0;
        for (size_t i = 0; i < *n; i++)
            if (buf[i].date <= sortie)
                buf[k++] = buf[i];
        *n = k;
        push_step(buf, n, PERSON_STEPS_MAX, pid, ST_SORTIE, sortie, sortie_type);
    }
    for (size_t i = 1; i < *n; i++) { /* insertion sort: a few rows */
        step_row x = buf[i];
        size_t j = i;
        for (; j > 0 && cmp_step_local(&buf[j - 1], &x) > 0; j--)
            buf[j] = buf[j - 1];
        buf[j] = x;
    }
    size_t k = 0;
    for (size_t i = 0; i < *n; i++)
        if (k == 0 || cmp_step_local(&buf[k - 1], &buf[i]) != 0)
            buf[k++] = buf[i];
    *n = k;
}

static bool steps_reserve(terr_data *td, size_t extra)
{
    if (td->ns + extra <= td->caps)
        return true;
    size_t nc = td->caps ? td->caps : 4096;
    while (nc < td->ns + extra)
        nc *= 2;
    step_row *v = realloc(td->steps, nc * sizeof *v);
    if (!v)
        return false;
    td->steps = v;
    td->caps = nc;
    return true;
}

/* Stable counting sort of the valid steps by date (dates lie in first_day..horizon). */
static bool sort_steps(gen *g)
{
    terr_data *td = &g->td;
    if (td->ns == 0)
        return true;
    size_t range = (size_t)(g->horizon - g->first_day + 1);
    size_t *cnt = calloc(range + 1, sizeof *cnt);
    step_row *out = malloc(td->ns * sizeof *out);
    if (!cnt || !out) {
        free(cnt);
        free(out);
        return false;
    }
    for (size_t i = 0; i < td->ns; i++)
        cnt[(size_t)(td->steps[i].date - g->first_day) + 1]++;
    for (size_t i = 1; i <= range; i++)
        cnt[i] += cnt[i - 1];
    for (size_t i = 0; i < td->ns; i++)
        out[cnt[(size_t)(td->steps[i].date - g->first_day)]++] = td->steps[i];
    free(td->steps);
    free(cnt);
    td->steps = out;
    td->caps = td->ns;
    return true;
}

/* Persons of the territory, sorted by entry day, the draw order breaking ties (a stable
 * counting sort within each month: the order does not depend on the libc's qsort). */
static spie_sample_status gen_persons(gen *g)
{
    const spie_sample_terr *it = g->it;
    terr_data *td = &g->td;
    size_t nm = (size_t)(it->last - it->first + 1);
    person *tmp = NULL;
    uint64_t *counts = calloc(nm, sizeof *counts);
    if (!counts)
        return SPIE_SAMPLE_E_MEMORY;
    spie_sample_status st = spie_sample_plan_months(g->plan, g->index, counts);
    if (st != SPIE_SAMPLE_OK)
        goto out_counts;
    uint64_t most = 0;
    for (size_t mi = 0; mi < nm; mi++)
        most = counts[mi] > most ? counts[mi] : most;
    td->np = (size_t)it->persons;
    td->persons = malloc((td->np ? td->np : 1) * sizeof *td->persons);
    tmp = malloc((most ? (size_t)most : 1) * sizeof *tmp);
    if (!td->persons || !tmp) {
        st = SPIE_SAMPLE_E_MEMORY;
        goto out_counts;
    }
    size_t k = 0;
    for (size_t mi = 0; mi < nm; mi++) {
        spie_month m = it->first + (spie_month)mi;
        spie_day d0 = spie_month_first_day(m);
        int ndays = (int)(spie_month_last_day(m) - d0 + 1);
        size_t start = k;
        for (uint64_t c = 0; c < counts[mi]; c++) {
            person *p = &td->persons[k++];
            /* Entries on working days (1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays). */
            spie_day e;
            do
                e = d0 + (spie_day)gsl_rng_uniform_int(g->r, (unsigned long)ndays);
            while ((((e + 3) % 7) + 7) % 7 >= 5);
            p->entry = e;
            p->pub = (uint8_t)gsl_ran_discrete(g->r, g->pub_dist);
            static const double female[PUB_N] = {0.58, 0.46, 0.48, 0.43};
            double u = gsl_rng_uniform(g->r);
            p->sex = u < 0.02 ? 0 : (u < 0.02 + 0.98 * female[p->pub] ? 1 : 2);
            int age;
            switch (p->pub) {
            case PUB_JEUNE: /* under 26 whatever the birthday: year(entry) - birth <= 25 */
                age = 16 + (int)gsl_rng_uniform_int(g->r, 10);
                break;
            case PUB_RSA:
                age = 25 + (int)floor(gsl_ran_gamma(g->r, 2.5, 6.0));
                break;
            case PUB_DE:
                age = 22 + (int)floor(gsl_ran_gamma(g->r, 2.5, 8.0));
                break;
            default:
                age = 25 + (int)floor(gsl_ran_gamma(g->r, 3.0, 7.0));
                break;
            }
            if (age > 64)
                age = 64;
            p->birth = bern(g->r, 0.03) ? 0 : (int16_t)(year_of(e) - age);
            unsigned fl = 0;
            if (bern(g->r, 0.04))
                fl |= PF_DEPT_EMPTY;
            if (bern(g->r, 0.02))
                fl |= PF_LOWER;
            p->flags = g->dirty ? (uint8_t)fl : 0;
        }
        size_t cnt[33] = {0};
        for (size_t i = start; i < k; i++)
            cnt[td->persons[i].entry - d0 + 1]++;
        for (int i = 1; i < 33; i++)
            cnt[i] += cnt[i - 1];
        for (size_t i = start; i < k; i++)
            tmp[cnt[td->persons[i].entry - d0]++] = td->persons[i];
        memcpy(td->persons + start, tmp, (k - start) * sizeof *tmp);
    }
    st = SPIE_SAMPLE_OK;
out_counts:
    free(tmp);
    free(counts);
    return st;
}

static spie_sample_status gen_steps(gen *g)
{
    terr_data *td = &g->td;
    step_row buf[PERSON_STEPS_MAX];
    for (size_t i = 0; i < td->np; i++) {
        size_t n;
        person_steps(g, &td->persons[i], (uint32_t)i, buf, &n);
        if (!steps_reserve(td, n))
            return SPIE_SAMPLE_E_MEMORY;
        for (size_t s = 0; s < n; s++)
            if (buf[s].date <= g->horizon)
                td->steps[td->ns++] = buf[s];
    }
    return sort_steps(g) ? SPIE_SAMPLE_OK : SPIE_SAMPLE_E_MEMORY;
}

static bool budget_push(terr_data *td, spie_month m, int fin, spie_cents eng, spie_cents paye, int lab, bool dept_empty)
{
    if (td->nb == td->capb) {
        size_t nc = td->capb ? td->capb * 2 : 256;
        bline *v = realloc(td->budget, nc * sizeof *v);
        if (!v)
            return false;
        td->budget = v;
        td->capb = nc;
    }
    bline *b = &td->budget[td->nb++];
    b->mois = m;
    b->fin = (uint8_t)fin;
    b->eng = eng;
    b->paye = paye;
    b->lab = (uint8_t)lab;
    b->dept_empty = dept_empty;
    return true;
}

static spie_cents cents(double x)
{
    return (spie_cents)llround(x);
}

static spie_cents euros(double x) /* rounded to the euro, in cents */
{
    return (spie_cents)llround(x / 100.0) * 100;
}

/* A territory's budget movements, month by month (one line per (financer, libellé) and
 * month at most, so no valid line is a DOUBLON). */
static spie_sample_status gen_budget(gen *g)
{
    const spie_sample_terr *it = g->it;
    terr_data *td = &g->td;
    gsl_rng *r = g->r;
    double A = (double)it->terr->allocation;
    double base = A > 0 ? A : 30000000.0; /* co-financing scale when the grant is 0 */
    double target_eng = A * (0.95 + 0.10 * gsl_rng_uniform(r));
    double target_paid = A * (0.85 + 0.15 * gsl_rng_uniform(r));
    double cum_eng = 0, cum_paid = 0;
    bool dept_col_empty = bern(r, 0.3); /* some systems leave departement empty on budget lines */
    bool french = g->dirty && (it->roles & SPIE_SAMPLE_ROLE_FRENCH);
    spie_month ft_from = 2024 * 12; /* Pôle emploi became France Travail on 2024-01-01 */
    for (spie_month m = it->first; m <= it->last; m++) {
        int s = m - it->first;
        bool de = g->dirty && dept_col_empty && bern(r, 0.5);
        if (A > 0) {
            if (s == 0) {
                spie_cents e0 = euros(0.45 * A), p0 = euros(0.20 * A);
                if (!budget_push(td, m, FIN_ETAT, e0, p0, french ? L_CP1252 : L_CONVENTION, de))
                    return SPIE_SAMPLE_E_MEMORY;
                cum_eng += (double)e0;
                cum_paid += (double)p0;
            } else {
                spie_cents pay = 0, eng = 0;
                if (cum_paid < target_paid) { /* never more than committed */
                    double x = A * 0.8 / 30.0 * gsl_ran_gamma(r, 4.0, 0.25);
                    if (x > target_paid - cum_paid)
                        x = target_paid - cum_paid;
                    if (x > cum_eng - cum_paid)
                        x = cum_eng - cum_paid;
                    pay = x > 0 ? cents(x) : 0;
                }
                if (s % 3 == 0 && cum_eng < target_eng) {
                    double x = A * 0.55 / 10.0 * gsl_ran_gamma(r, 6.0, 1.0 / 6.0);
                    if (x > target_eng - cum_eng)
                        x = target_eng - cum_eng;
                    eng = euros(x);
                }
                if (pay != 0 || eng != 0) {
                    static const int regular[] = {L_PAIEMENT, L_PRESTATIONS, L_NUMERIQUE, L_FORMATION_REF};
                    int lab = eng != 0 ? L_TRANCHE : regular[gsl_rng_uniform_int(r, 4)];
                    if (!budget_push(td, m, FIN_ETAT, eng, pay, lab, de))
                        return SPIE_SAMPLE_E_MEMORY;
                    cum_eng += (double)eng;
                    cum_paid += (double)pay;
                }
                if (bern(r, 0.04)) { /* de-commitment */
                    spie_cents x = -euros(A * 0.01 * (0.5 + gsl_rng_uniform(r)));
                    if (!budget_push(td, m, FIN_ETAT, x, 0, L_ANNULATION, de))
                        return SPIE_SAMPLE_E_MEMORY;
                    cum_eng += (double)x;
                }
                if (bern(r, 0.03)) { /* recovery of an overpayment */
                    spie_cents x = -cents(A * 0.004 * (0.5 + gsl_rng_uniform(r)));
                    if (!budget_push(td, m, FIN_ETAT, 0, x, L_REVERSEMENT, de))
                        return SPIE_SAMPLE_E_MEMORY;
                    cum_paid += (double)x;
                }
            }
        }
        if (s % 3 == 1) {
            double x = base * 0.25 / 12.0 * gsl_ran_gamma(r, 5.0, 0.2);
            int lab = bern(r, 0.3) ? L_DEPARTEMENT_FREINS : L_DEPARTEMENT;
            if (!budget_push(td, m, FIN_DEPARTEMENT, euros(x), cents(x * (0.7 + 0.3 * gsl_rng_uniform(r))), lab, de))
                return SPIE_SAMPLE_E_MEMORY;
        }
        if (s % 2 == 0) {
            double x = base * 0.10 / 18.0 * gsl_ran_gamma(r, 5.0, 0.2);
            bool pe = m < ft_from && bern(r, 0.85);
            if (!budget_push(td, m, pe ? FIN_POLE_EMPLOI : FIN_FRANCE_TRAVAIL, euros(x), cents(x), pe ? L_PE : L_FT, de))
                return SPIE_SAMPLE_E_MEMORY;
        }
        if (bern(r, 0.12)) {
            double x = base * 0.01 * gsl_ran_gamma(r, 3.0, 1.0 / 3.0);
            if (!budget_push(td, m, FIN_CAF, euros(x), cents(x * 0.9), L_CAF, de))
                return SPIE_SAMPLE_E_MEMORY;
        }
        if (bern(r, 0.08)) {
            static const int autre[] = {L_FSE, L_REGION, L_COMMUNE};
            double x = base * 0.02 * gsl_ran_gamma(r, 3.0, 1.0 / 3.0);
            if (!budget_push(td, m, FIN_AUTRE, euros(x), cents(x * 0.8), autre[gsl_rng_uniform_int(r, 3)], de))
                return SPIE_SAMPLE_E_MEMORY;
        }
    }
    return SPIE_SAMPLE_OK;
}

/* The NAT budget: national running costs (State), plus an occasional FSE+ line. */
static spie_sample_status gen_nat_budget(gen *g, spie_month first, spie_month last)
{
    terr_data *td = &g->td;
    gsl_rng *r = g->r;
    double k = g->plan->nat_ratio;
    for (spie_month m = first; m <= last; m++) {
        int y, mo;
        spie_month_to_ym(m, &y, &mo);
        double appui = (y <= 2020 ? 8000000.0 : 60000000.0) * k; /* cents a month */
        double x = appui * gsl_ran_gamma(r, 8.0, 0.125);
        if (!budget_push(td, m, FIN_ETAT, euros(x), cents(x * 0.9), L_NAT_APPUI, false))
            return SPIE_SAMPLE_E_MEMORY;
        if (y >= 2021) {
            x = 25000000.0 * k * gsl_ran_gamma(r, 8.0, 0.125);
            if (!budget_push(td, m, FIN_ETAT, euros(x), cents(x), L_NAT_NUMERIQUE, false))
                return SPIE_SAMPLE_E_MEMORY;
        }
        if (y >= 2022 && mo % 3 == 0) {
            x = 30000000.0 * k * gsl_ran_gamma(r, 4.0, 0.25);
            if (!budget_push(td, m, FIN_ETAT, euros(x), cents(x * 0.5), L_NAT_EVALUATION, true))
                return SPIE_SAMPLE_E_MEMORY;
        }
        if (mo % 6 == 0) {
            x = 5000000.0 * k * gsl_ran_gamma(r, 4.0, 0.25);
            if (!budget_push(td, m, FIN_ETAT, euros(x), cents(x), L_NAT_ANIMATION, false))
                return SPIE_SAMPLE_E_MEMORY;
        }
        if (bern(r, 0.1)) {
            x = 10000000.0 * k * gsl_ran_gamma(r, 4.0, 0.25);
            if (!budget_push(td, m, FIN_AUTRE, euros(x), cents(x), L_NAT_FSE, true))
                return SPIE_SAMPLE_E_MEMORY;
        }
    }
    return SPIE_SAMPLE_OK;
}

/* ---- dirt --------------------------------------------------------------------------- */

static dirt_row *dirt_add(dirt_list *l)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 64;
        dirt_row *v = realloc(l->v, nc * sizeof *v);
        if (!v)
            return NULL;
        l->v = v;
        l->cap = nc;
    }
    dirt_row *d = &l->v[l->n];
    memset(d, 0, sizeof *d);
    d->seq = (uint32_t)l->n;
    l->n++;
    return d;
}

static int cmp_dirt(const void *a, const void *b)
{
    const dirt_row *x = a, *y = b;
    if (x->vis != y->vis)
        return x->vis < y->vis ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* How many rows of reason c to inject: Poisson around rate x rows, at least one in about a
 * third of the territories (rotating with the reason) so that every reason shows up. */
static unsigned dirt_count(gen *g, unsigned c, double rate, size_t rows)
{
    double lambda = rate * (double)rows;
    if (lambda < 0.4)
        lambda = 0.4;
    unsigned n = gsl_ran_poisson(g->r, lambda * g->dirt_mult);
    if (n == 0 && (c + g->index) % 3 == 0)
        n = 1;
    return rows ? n : 0;
}

static spie_day year_swap(spie_day d, int year)
{
    int y, m, dd;
    spie_day_to_ymd(d, &y, &m, &dd);
    return ymd(year, m, dd);
}

static spie_sample_status gen_dirt(gen *g)
{
    terr_data *td = &g->td;
    gsl_rng *r = g->r;
    /* beneficiaires */
    for (size_t i = 0; i < SPIE_ARRAY_LEN(bene_reasons); i++) {
        unsigned c = bene_reasons[i], n = dirt_count(g, c, 0.0006, td->np);
        for (unsigned k = 0; k < n; k++) {
            dirt_row *d = dirt_add(&td->dirt[K_BENE]);
            if (!d)
                return SPIE_SAMPLE_E_MEMORY;
            size_t a = gsl_rng_uniform_int(r, (unsigned long)td->np);
            d->code = (uint8_t)c;
            d->variant = (uint8_t)gsl_rng_uniform_int(r, variants[K_BENE][c]);
            d->u.p = td->persons[a];
            d->u.p.flags = 0;
            d->vis = td->persons[a].entry;
            if (c == R_DOUBLON) {
                d->id = (uint32_t)a + 1;
                if (d->variant == 2) { /* registered again later */
                    spie_day again = d->u.p.entry + 1 + (spie_day)gsl_rng_uniform_int(r, 60);
                    if (again <= g->horizon)
                        d->u.p.entry = d->vis = again;
                    else
                        d->variant = 0;
                }
            } else {
                d->id = (uint32_t)td->np + ++td->n_ghost;
                if (c == R_DATE_FUTURE)
                    d->u.p.entry = year_swap(d->u.p.entry, 2031);
                else if (c == R_DATE_HORS_PROGRAMME)
                    d->u.p.entry = year_swap(d->u.p.entry, 2019);
            }
        }
    }
    /* etapes */
    for (size_t i = 0; i < SPIE_ARRAY_LEN(step_reasons); i++) {
        unsigned c = step_reasons[i], n = dirt_count(g, c, 0.0003, td->ns);
        for (unsigned k = 0; k < n; k++) {
            dirt_row *d = dirt_add(&td->dirt[K_ETAPES]);
            if (!d)
                return SPIE_SAMPLE_E_MEMORY;
            const step_row *s = &td->steps[gsl_rng_uniform_int(r, (unsigned long)td->ns)];
            d->code = (uint8_t)c;
            d->variant = (uint8_t)gsl_rng_uniform_int(r, variants[K_ETAPES][c]);
            d->u.s = *s;
            d->vis = s->date;
            d->id = s->person + 1;
            switch (c) {
            case R_DATE_FUTURE:
                d->u.s.date = year_swap(s->date, 2031);
                break;
            case R_DATE_HORS_PROGRAMME:
                d->u.s.date = year_swap(s->date, 2019);
                break;
            case R_BENEFICIAIRE_INCONNU:
                d->id = 0; /* numbered below, once the ghosts are all known */
                break;
            case R_ETAPE_AVANT_ENTREE: /* entries are on or after 2020-03-01: stays in 2020 or later */
                d->u.s.date = td->persons[s->person].entry - 1 - (spie_day)gsl_rng_uniform_int(r, 45);
                break;
            case R_TYPE_MANQUANT:
                d->u.s.step = ST_REPRISE;
                d->u.s.type = NO_TYPE;
                break;
            default:
                break;
            }
        }
    }
    for (size_t i = 0; i < td->dirt[K_ETAPES].n; i++)
        if (td->dirt[K_ETAPES].v[i].code == R_BENEFICIAIRE_INCONNU)
            td->dirt[K_ETAPES].v[i].id = (uint32_t)td->np + td->n_ghost + ++td->n_unknown;
    /* budget */
    for (size_t i = 0; i < SPIE_ARRAY_LEN(budget_reasons); i++) {
        unsigned c = budget_reasons[i], n = dirt_count(g, c, 0.0, td->nb);
        for (unsigned k = 0; k < n; k++) {
            dirt_row *d = dirt_add(&td->dirt[K_BUDGET]);
            if (!d)
                return SPIE_SAMPLE_E_MEMORY;
            const bline *b = &td->budget[gsl_rng_uniform_int(r, (unsigned long)td->nb)];
            d->code = (uint8_t)c;
            d->variant = (uint8_t)gsl_rng_uniform_int(r, variants[K_BUDGET][c]);
            d->u.b = *b;
            d->vis = b->mois;
            int y, mo;
            spie_month_to_ym(b->mois, &y, &mo);
            if (c == R_DATE_FUTURE)
                (void)spie_month_from_ym(2031, mo, &d->u.b.mois);
            else if (c == R_DATE_HORS_PROGRAMME)
                (void)spie_month_from_ym(2019, mo, &d->u.b.mois);
        }
    }
    /* empty lines, here and there */
    for (int kind = 0; kind < K_N; kind++) {
        size_t rows = kind == K_BENE ? td->np : kind == K_ETAPES ? td->ns : td->nb;
        if (rows == 0)
            continue;
        unsigned n = gsl_ran_poisson(r, g->dirt_mult * (0.6 + 0.00002 * (double)rows));
        for (unsigned k = 0; k < n; k++) {
            dirt_row *d = dirt_add(&td->dirt[kind]);
            if (!d)
                return SPIE_SAMPLE_E_MEMORY;
            size_t a = gsl_rng_uniform_int(r, (unsigned long)rows);
            d->code = D_EMPTY;
            d->variant = (uint8_t)gsl_rng_uniform_int(r, 3);
            d->vis = kind == K_BENE ? td->persons[a].entry : kind == K_ETAPES ? td->steps[a].date : td->budget[a].mois;
        }
    }
    for (int kind = 0; kind < K_N; kind++)
        qsort(td->dirt[kind].v, td->dirt[kind].n, sizeof(dirt_row), cmp_dirt);
    return SPIE_SAMPLE_OK;
}

/* Draws everything of one territory (persons, steps, budget, then the dirt last, so the
 * valid data do not depend on --clean). */
static spie_sample_status gen_territory(gen *g, const spie_sample_plan *plan, size_t index, const dists *d)
{
    static const double pub_base[PUB_N] = {0.45, 0.25, 0.20, 0.10};
    memset(g, 0, sizeof *g);
    g->plan = plan;
    g->index = index;
    g->it = &plan->items[index];
    g->d = d;
    g->dirty = !plan->opt.clean;
    if (g->it->last < g->it->first)
        return SPIE_SAMPLE_OK;
    g->r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!g->r)
        return SPIE_SAMPLE_E_MEMORY;
    gsl_rng_set(g->r, terr_seed(plan->opt.seed, g->it->terr->dept->code));
    g->first_day = spie_month_first_day(g->it->first);
    g->horizon = spie_month_last_day(g->it->last);
    g->orient_mean = 68.0 + 28.0 * gsl_rng_uniform(g->r);
    g->contract_mean = 42.0 + 16.0 * gsl_rng_uniform(g->r);
    g->p12_mult = 0.85 + 0.30 * gsl_rng_uniform(g->r);
    g->dirt_mult = gsl_ran_gamma(g->r, 2.0, 0.5);
    double alpha[PUB_N], theta[PUB_N];
    const char *code = g->it->terr->dept->code;
    bool poorer = !strcmp(code, "93") || (code[0] == '9' && code[1] == '7' && code[2]);
    for (int i = 0; i < PUB_N; i++)
        alpha[i] = 300.0 * (poorer ? (i == PUB_RSA ? 0.55 : pub_base[i] * 0.45 / 0.55) : pub_base[i]);
    gsl_ran_dirichlet(g->r, PUB_N, alpha, theta);
    g->pub_dist = gsl_ran_discrete_preproc(PUB_N, theta);
    if (!g->pub_dist)
        return SPIE_SAMPLE_E_MEMORY;
    spie_sample_status st = gen_persons(g);
    if (st == SPIE_SAMPLE_OK)
        st = gen_steps(g);
    if (st == SPIE_SAMPLE_OK)
        st = gen_budget(g);
    if (st == SPIE_SAMPLE_OK && g->dirty)
        st = gen_dirt(g);
    return st;
}

static void gen_release(gen *g)
{
    if (g->pub_dist)
        gsl_ran_discrete_free(g->pub_dist);
    if (g->r)
        gsl_rng_free(g->r);
    terr_data_release(&g->td);
    g->pub_dist = NULL;
    g->r = NULL;
}

/* ---- row formatting ------------------------------------------------------------------- */

typedef struct style {
    char sep;
    bool crlf, bom, fr_dates, fr_amounts, quote_all, upper_header;
    const uint8_t *perm[K_N]; /* output column -> canonical column */
} style;

static const char *const bene_cols[] = {"id_beneficiaire", "date_entree", "public", "sexe", "annee_naissance", "departement"};
static const char *const budget_cols[] = {"mois", "financeur", "montant_engage", "montant_paye", "departement", "libelle"};
static const char *const step_cols[] = {"id_beneficiaire", "etape", "date_etape", "type"};
enum { B_ID = 0, B_DATE, B_PUBLIC, B_SEXE, B_ANNEE, B_DEPT };
enum { G_MOIS = 0, G_FIN, G_ENG, G_PAYE, G_DEPT, G_LIB };
enum { E_ID = 0, E_ETAPE, E_DATE, E_TYPE };
static const size_t kind_ncols[K_N] = {6, 6, 4};
static const uint8_t perm_identity[6] = {0, 1, 2, 3, 4, 5};
static const uint8_t perm_bene_q[6] = {B_DEPT, B_ID, B_PUBLIC, B_SEXE, B_ANNEE, B_DATE};
static const uint8_t perm_budget_q[6] = {G_DEPT, G_MOIS, G_FIN, G_LIB, G_ENG, G_PAYE};
static const uint8_t perm_step_q[4] = {E_DATE, E_ID, E_ETAPE, E_TYPE};

static const char *const *kind_cols(int kind)
{
    return kind == K_BENE ? bene_cols : kind == K_BUDGET ? budget_cols : step_cols;
}

static void style_for(style *st, unsigned roles, bool dirty)
{
    memset(st, 0, sizeof *st);
    st->sep = ',';
    for (int k = 0; k < K_N; k++)
        st->perm[k] = perm_identity;
    if (!dirty)
        return;
    if (roles & SPIE_SAMPLE_ROLE_FRENCH) {
        st->sep = ';';
        st->crlf = st->bom = st->fr_dates = st->fr_amounts = true;
    }
    if (roles & SPIE_SAMPLE_ROLE_QUOTED) {
        st->quote_all = st->upper_header = true;
        st->perm[K_BENE] = perm_bene_q;
        st->perm[K_BUDGET] = perm_budget_q;
        st->perm[K_ETAPES] = perm_step_q;
    }
}

#define ROW_FIELDS 6
#define ROW_BYTES 2048

/* The fields of one row in canonical column order, built in a scratch buffer. */
typedef struct rowb {
    char data[ROW_BYTES];
    size_t used;
    size_t off[ROW_FIELDS], len[ROW_FIELDS];
    bool raw[ROW_FIELDS]; /* written as is, never quoted (an injected bare separator) */
    int nb;               /* NB_CHAMPS: -1 none, 0 last field dropped, 1 a field added */
} rowb;

static void rb_reset(rowb *rb)
{
    rb->used = 0;
    rb->nb = -1;
    for (int i = 0; i < ROW_FIELDS; i++) {
        rb->off[i] = rb->len[i] = 0;
        rb->raw[i] = false;
    }
}

static void rb_set(rowb *rb, int col, const char *s, size_t n)
{
    rb->off[col] = rb->used;
    rb->len[col] = 0;
    if (n > ROW_BYTES - rb->used)
        return; /* never happens: the fields of a row are short */
    memcpy(rb->data + rb->used, s, n);
    rb->off[col] = rb->used;
    rb->len[col] = n;
    rb->used += n;
}

static void rb_sets(rowb *rb, int col, const char *s)
{
    rb_set(rb, col, s, strlen(s));
}

static void rb_lower(rowb *rb, int col)
{
    for (size_t i = 0; i < rb->len[col]; i++) {
        char *c = &rb->data[rb->off[col] + i];
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    }
}

static void put2(char *b, int v)
{
    b[0] = (char)('0' + v / 10 % 10);
    b[1] = (char)('0' + v % 10);
}

static void put4(char *b, int v)
{
    b[0] = (char)('0' + v / 1000 % 10);
    b[1] = (char)('0' + v / 100 % 10);
    b[2] = (char)('0' + v / 10 % 10);
    b[3] = (char)('0' + v % 10);
}

/* "YYYY-MM-DD" or "DD/MM/YYYY" (10 bytes, no NUL). */
static void fmt_date(char *b, spie_day d, bool fr)
{
    int y, m, dd;
    spie_day_to_ymd(d, &y, &m, &dd);
    if (fr) {
        put2(b, dd);
        b[2] = '/';
        put2(b + 3, m);
        b[5] = '/';
        put4(b + 6, y);
    } else {
        put4(b, y);
        b[4] = '-';
        put2(b + 5, m);
        b[7] = '-';
        put2(b + 8, dd);
    }
}

/* "YYYY-MM" or "MM/YYYY" (7 bytes, no NUL). */
static void fmt_month(char *b, spie_month mo, bool fr)
{
    int y, m;
    spie_month_to_ym(mo, &y, &m);
    if (fr) {
        put2(b, m);
        b[2] = '/';
        put4(b + 3, y);
    } else {
        put4(b, y);
        b[4] = '-';
        put2(b + 5, m);
    }
}

static const char *other_dept(const char *code)
{
    return strcmp(code, "75") ? "75" : "92";
}

/* What a row writer needs to know about its territory. */
typedef struct rowctx {
    const char *code; /* "31", "NAT" */
    uint64_t salt;    /* of the hex ids */
    bool hex;
    const style *st;
} rowctx;

/* An invalid id of variant v built from a valid one. */
static void bad_id(rowb *rb, int col, const char *id, size_t n, int v)
{
    char b[128];
    switch (v) {
    case 0:
        rb_sets(rb, col, "#N/A");
        return;
    case 1: /* a space inside */
        memcpy(b, id, n);
        b[n / 2] = ' ';
        rb_set(rb, col, b, n);
        return;
    case 2:
        memcpy(b, id, n);
        memcpy(b + n, "/2", 2);
        rb_set(rb, col, b, n + 2);
        return;
    default: /* 65 characters and more */
        memcpy(b, id, n);
        memset(b + n, 'x', 70 - n);
        b[n] = '-';
        rb_set(rb, col, b, 70);
        return;
    }
}

/* An invalid date of variant v near day d. */
static void bad_date(rowb *rb, int col, spie_day d, bool fr, int v)
{
    int y, m, dd;
    spie_day_to_ymd(d, &y, &m, &dd);
    char b[16];
    switch (v) {
    case 0: /* 30 February */
        if (fr)
            snprintf(b, sizeof b, "30/02/%04d", y);
        else
            snprintf(b, sizeof b, "%04d-02-30", y);
        break;
    case 1: /* one-digit month and day */
        snprintf(b, sizeof b, "%04d-%d-%d", y, 1 + m % 9, 1 + dd % 9);
        break;
    case 2: /* two-digit year */
        snprintf(b, sizeof b, "%02d/%02d/%02d", dd, m, y % 100);
        break;
    default: /* 31 April */
        if (fr)
            snprintf(b, sizeof b, "31/04/%04d", y);
        else
            snprintf(b, sizeof b, "%04d-04-31", y);
        break;
    }
    rb_sets(rb, col, b);
}

static void bene_fill(rowb *rb, const rowctx *cx, const person *p, uint32_t id, int code, int v)
{
    char idb[40], date[10], y[4];
    size_t idn = format_id(idb, cx->code, cx->salt, cx->hex, id);
    bool fr = cx->st->fr_dates;
    rb_reset(rb);
    rb_set(rb, B_ID, idb, idn);
    fmt_date(date, p->entry, fr);
    rb_set(rb, B_DATE, date, 10);
    rb_sets(rb, B_PUBLIC, pub_codes[p->pub]);
    rb_sets(rb, B_SEXE, p->sex == 1 ? "F" : p->sex == 2 ? "M" : "");
    if (p->birth) {
        put4(y, p->birth);
        rb_set(rb, B_ANNEE, y, 4);
    } else {
        rb_set(rb, B_ANNEE, "", 0);
    }
    rb_sets(rb, B_DEPT, (p->flags & PF_DEPT_EMPTY) ? "" : cx->code);
    if (p->flags & PF_LOWER) {
        rb_lower(rb, B_PUBLIC);
        rb_lower(rb, B_SEXE);
        rb_lower(rb, B_DEPT);
    }
    switch (code) {
    case R_NB_CHAMPS:
        rb->nb = v;
        break;
    case R_CHAMP_MANQUANT:
        if (v == 0)
            rb_set(rb, B_PUBLIC, "", 0);
        else if (v == 1)
            rb_set(rb, B_DATE, "", 0);
        else if (v == 3)
            rb_set(rb, B_ID, "", 0);
        else
            for (int c = 0; c < 6; c++)
                rb_set(rb, c, "", 0); /* a line of separators only */
        break;
    case R_ID_INVALIDE:
        bad_id(rb, B_ID, idb, idn, v);
        break;
    case R_DATE_INVALIDE:
        bad_date(rb, B_DATE, p->entry, fr, v);
        break;
    case R_CODE_INVALIDE: {
        static const char *const bad[] = {"RMI", "ASS"};
        if (v < 2)
            rb_sets(rb, B_PUBLIC, bad[v]);
        else
            rb_sets(rb, B_SEXE, v == 2 ? "X" : "2");
        break;
    }
    case R_DEPT_INCOHERENT:
        rb_sets(rb, B_DEPT, other_dept(cx->code));
        break;
    case R_ANNEE_NAISSANCE: {
        char b[16];
        int birth = p->birth ? p->birth : 1980;
        if (v == 0)
            snprintf(b, sizeof b, "1890");
        else if (v == 1)
            snprintf(b, sizeof b, "%04d", year_of(p->entry) - 5);
        else if (v == 2)
            snprintf(b, sizeof b, "%02d", birth % 100);
        else
            snprintf(b, sizeof b, "%04d.0", birth);
        rb_sets(rb, B_ANNEE, b);
        break;
    }
    case R_DOUBLON:
        if (v == 1) {
            fmt_date(date, p->entry, !fr);
            rb_set(rb, B_DATE, date, 10);
        }
        break;
    default:
        break;
    }
}

static const char *step_type_code(unsigned step, unsigned type)
{
    if (type == NO_TYPE)
        return "";
    switch (step) {
    case ST_ORIENTATION:
        return orient_types[type];
    case ST_SOLUTION:
        return solution_types[type];
    case ST_REPRISE:
        return reprise_types[type];
    case ST_SORTIE:
        return sortie_types[type];
    default:
        return "";
    }
}

static void step_fill(rowb *rb, const rowctx *cx, const step_row *s, uint32_t id, int code, int v)
{
    char idb[40], date[10];
    size_t idn = format_id(idb, cx->code, cx->salt, cx->hex, id);
    bool fr = cx->st->fr_dates;
    rb_reset(rb);
    rb_set(rb, E_ID, idb, idn);
    rb_sets(rb, E_ETAPE, step_codes[s->step]);
    fmt_date(date, s->date, fr);
    rb_set(rb, E_DATE, date, 10);
    rb_sets(rb, E_TYPE, step_type_code(s->step, s->type));
    switch (code) {
    case R_NB_CHAMPS:
        rb->nb = v;
        break;
    case R_CHAMP_MANQUANT:
        if (v == 0)
            rb_set(rb, E_ETAPE, "", 0);
        else if (v == 1)
            rb_set(rb, E_DATE, "", 0);
        else if (v == 2)
            rb_set(rb, E_ID, "", 0);
        else
            for (int c = 0; c < 4; c++)
                rb_set(rb, c, "", 0);
        break;
    case R_ID_INVALIDE:
        bad_id(rb, E_ID, idb, idn, v);
        break;
    case R_DATE_INVALIDE:
        bad_date(rb, E_DATE, s->date, fr, v);
        break;
    case R_CODE_INVALIDE:
        if (v == 0) {
            rb_sets(rb, E_ETAPE, "ENTRETIEN");
        } else if (v == 1) { /* a type of another step */
            rb_sets(rb, E_ETAPE, "ORIENTATION");
            rb_sets(rb, E_TYPE, "FORMATION");
        } else if (v == 2) {
            rb_sets(rb, E_ETAPE, "REPRISE");
            rb_sets(rb, E_TYPE, "CDI");
        } else { /* a type on a step without types */
            rb_sets(rb, E_ETAPE, "DIAGNOSTIC");
            rb_sets(rb, E_TYPE, "SOCIALE");
        }
        break;
    case R_DOUBLON:
        if (v == 1) {
            fmt_date(date, s->date, !fr);
            rb_set(rb, E_DATE, date, 10);
        } else if (v == 2) {
            rb_lower(rb, E_ETAPE);
            rb_lower(rb, E_TYPE);
        }
        break;
    default:
        break;
    }
}

static spie_sample_amount_style amount_style(const style *st, const bline *b, bool swap)
{
    if (st->fr_amounts) {
        bool nbsp = ((unsigned)b->mois + b->lab) % 2u == 0;
        if (swap)
            nbsp = !nbsp;
        return nbsp ? SPIE_SAMPLE_AMOUNT_FR_NBSP : SPIE_SAMPLE_AMOUNT_FR_SPACE;
    }
    return swap ? SPIE_SAMPLE_AMOUNT_GROUPED : SPIE_SAMPLE_AMOUNT_PLAIN;
}

static void budget_fill(rowb *rb, const rowctx *cx, const bline *b, int code, int v)
{
    static const char *const mois_fr[12] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
                                            "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
    char mois[8], a[SPIE_SAMPLE_AMOUNT_MAX];
    bool fr = cx->st->fr_dates;
    rb_reset(rb);
    fmt_month(mois, b->mois, fr);
    rb_set(rb, G_MOIS, mois, 7);
    rb_sets(rb, G_FIN, fin_codes[b->fin]);
    spie_sample_amount_style as = amount_style(cx->st, b, code == R_DOUBLON && v == 1);
    rb_set(rb, G_ENG, a, spie_sample_format_amount(b->eng, as, a));
    rb_set(rb, G_PAYE, a, spie_sample_format_amount(b->paye, as, a));
    rb_sets(rb, G_DEPT, b->dept_empty ? "" : cx->code);
    rb_sets(rb, G_LIB, labels[b->lab]);
    int y, m;
    spie_month_to_ym(b->mois, &y, &m);
    char t[64];
    switch (code) {
    case R_NB_CHAMPS:
        if (v < 2) {
            rb->nb = v;
        } else { /* a separator left bare in the libellé */
            snprintf(t, sizeof t, "Mobilité%s garde d'enfants", cx->st->sep == ';' ? " ;" : ",");
            rb_sets(rb, G_LIB, t);
            rb->raw[G_LIB] = true;
        }
        break;
    case R_CHAMP_MANQUANT:
        rb_set(rb, v == 0 ? G_PAYE : v == 1 ? G_FIN : G_MOIS, "", 0);
        break;
    case R_DATE_INVALIDE:
        if (v == 0)
            snprintf(t, sizeof t, fr ? "13/%04d" : "%04d-13", y);
        else if (v == 1)
            snprintf(t, sizeof t, "%s %04d", mois_fr[m - 1], y);
        else
            snprintf(t, sizeof t, "%04d/%02d", y, m);
        rb_sets(rb, G_MOIS, t);
        break;
    case R_CODE_INVALIDE: {
        static const char *const bad[] = {"REGION", "FSE", "COMMUNE"};
        rb_sets(rb, G_FIN, bad[v]);
        break;
    }
    case R_MONTANT_INVALIDE: {
        size_t n = spie_sample_format_amount(b->eng < 0 ? -b->eng : b->eng, as, a);
        if (v == 0) {
            t[0] = '+';
            memcpy(t + 1, a, n);
            rb_set(rb, G_ENG, t, n + 1);
        } else if (v == 1) {
            rb_sets(rb, G_ENG, "NaN");
        } else if (v == 2) {
            rb_sets(rb, G_ENG, "1e3");
        } else if (v == 3) { /* three decimals */
            memcpy(t, a, n);
            t[n] = '5';
            rb_set(rb, G_ENG, t, n + 1);
        } else {
            rb_sets(rb, G_PAYE, "n/a");
        }
        break;
    }
    case R_DEPT_INCOHERENT:
        rb_sets(rb, G_DEPT, other_dept(cx->code));
        break;
    case R_DOUBLON:
        if (v == 2) {
            fmt_month(mois, b->mois, !fr);
            rb_set(rb, G_MOIS, mois, 7);
        }
        break;
    default:
        break;
    }
}

static bool needs_quotes(const char *s, size_t n, char sep)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == sep || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
            return true;
    return false;
}

/* Appends field bytes to line (RFC 4180 quoting when needed or when the style quotes all). */
static size_t put_field(char *line, size_t n, const style *st, const char *s, size_t len, bool raw)
{
    bool q = !raw && (st->quote_all || needs_quotes(s, len, st->sep));
    if (!q) {
        memcpy(line + n, s, len);
        return n + len;
    }
    line[n++] = '"';
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            line[n++] = '"';
        line[n++] = s[i];
    }
    line[n++] = '"';
    return n;
}

static size_t put_eol(char *line, size_t n, const style *st)
{
    if (st->crlf)
        line[n++] = '\r';
    line[n++] = '\n';
    return n;
}

/* One row as a line (ROW_LINE bytes is always enough: fields are at most ROW_BYTES in all,
 * doubled by quoting, plus separators). */
#define ROW_LINE (2 * ROW_BYTES + 64)

static size_t row_line(char *line, const style *st, int kind, const rowb *rb)
{
    size_t nc = kind_ncols[kind], n = 0;
    size_t out = rb->nb == 0 ? nc - 1 : nc;
    for (size_t j = 0; j < out; j++) {
        unsigned c = st->perm[kind][j];
        if (j)
            line[n++] = st->sep;
        n = put_field(line, n, st, rb->data + rb->off[c], rb->len[c], rb->raw[c]);
    }
    if (rb->nb == 1) {
        line[n++] = st->sep;
        n = put_field(line, n, st, "commentaire", 11, false);
    }
    return put_eol(line, n, st);
}

static size_t header_line(char *line, const style *st, int kind)
{
    const char *const *cols = kind_cols(kind);
    size_t n = 0;
    for (size_t j = 0; j < kind_ncols[kind]; j++) {
        const char *name = cols[st->perm[kind][j]];
        char up[32];
        size_t len = strlen(name);
        memcpy(up, name, len);
        if (st->upper_header)
            for (size_t i = 0; i < len; i++)
                up[i] = (char)(up[i] >= 'a' && up[i] <= 'z' ? up[i] - 'a' + 'A' : up[i]);
        if (j)
            line[n++] = st->sep;
        n = put_field(line, n, st, up, len, false);
    }
    return put_eol(line, n, st);
}

static size_t empty_line(char *line, const style *st, int v)
{
    static const char *const blanks[] = {"", "   ", "\t"};
    size_t n = strlen(blanks[v % 3]);
    memcpy(line, blanks[v % 3], n);
    return put_eol(line, n, st);
}

/* ---- files ---------------------------------------------------------------------------- */

enum { F_FRENCH = 1u, F_QUOTED = 2u, F_PLAIN = 4u, F_MULTI = 8u, F_CP1252 = 16u };

typedef struct file_rec {
    char name[64];
    int kind;
    uint32_t counts[R_N];
    uint32_t empty;
    unsigned facts;
} file_rec;

typedef struct wctx {
    const spie_sample_plan *plan;
    char *inbox;
    int level;
    file_rec *recs;
    size_t nrec, caprec;
    spie_sample_summary sum;
    spie_sample_error *err;
} wctx;

static file_rec *rec_add(wctx *w)
{
    if (w->nrec == w->caprec) {
        size_t nc = w->caprec ? w->caprec * 2 : 256;
        file_rec *v = realloc(w->recs, nc * sizeof *v);
        if (!v)
            return NULL;
        w->recs = v;
        w->caprec = nc;
    }
    file_rec *r = &w->recs[w->nrec++];
    memset(r, 0, sizeof *r);
    return r;
}

/* Writes one extract: the rows of g recorded by the end of month M, valid rows first on
 * equal days (so a DOUBLON always follows its original). */
static spie_sample_status write_extract(wctx *w, gen *g, const rowctx *cx, int kind, spie_month M, unsigned roles)
{
    const terr_data *td = &g->td;
    const style *st = cx->st;
    bool gzip = !(roles & SPIE_SAMPLE_ROLE_PLAIN);
    char ym[8];
    spie_month_format(M, ym);
    file_rec *rec = rec_add(w);
    if (!rec) {
        seterr(w->err, "mémoire insuffisante");
        return SPIE_SAMPLE_E_MEMORY;
    }
    snprintf(rec->name, sizeof rec->name, "spie_%s_%s_%s.csv%s", cx->code, ym, kind_names[kind], gzip ? ".gz" : "");
    rec->kind = kind;
    rec->facts = (st->fr_dates ? F_FRENCH : 0) | (st->quote_all ? F_QUOTED : 0) | (gzip ? 0 : F_PLAIN);

    spie_sample_file *f = spie_sample_file_open(w->inbox, rec->name, gzip, w->level, w->err);
    if (!f)
        return SPIE_SAMPLE_E_WRITE;
    char line[ROW_LINE];
    rowb rb;
    size_t n = 0;
    if (st->bom) {
        memcpy(line, "\xEF\xBB\xBF", 3);
        n = 3;
    }
    n += header_line(line + n, st, kind);
    if (!spie_sample_file_write(f, line, n, w->err))
        goto out_abort;

    int32_t end = kind == K_BUDGET ? M : spie_month_last_day(M);
    size_t nclean = kind == K_BENE ? td->np : kind == K_ETAPES ? td->ns : td->nb;
    /* Valid rows recorded by `end` form a prefix (sorted by day or month). */
    size_t lo = 0, hi = nclean;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int32_t v = kind == K_BENE ? td->persons[mid].entry : kind == K_ETAPES ? td->steps[mid].date : td->budget[mid].mois;
        if (v <= end)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t kc = lo;
    const dirt_list *dl = &td->dirt[kind];
    bool split = (roles & SPIE_SAMPLE_ROLE_MULTI) && kind == K_ETAPES && M == g->it->last && kc >= 2;
    size_t split_at = kc / 2;
    size_t i = 0, j = 0;
    while (i < kc || (j < dl->n && dl->v[j].vis <= end)) {
        bool clean = i < kc && (j >= dl->n || dl->v[j].vis > end ||
                                (kind == K_BENE ? td->persons[i].entry : kind == K_ETAPES ? td->steps[i].date : td->budget[i].mois) <=
                                    dl->v[j].vis);
        if (clean) {
            if (kind == K_BENE)
                bene_fill(&rb, cx, &td->persons[i], (uint32_t)i + 1, -1, 0);
            else if (kind == K_ETAPES)
                step_fill(&rb, cx, &td->steps[i], td->steps[i].person + 1, -1, 0);
            else
                budget_fill(&rb, cx, &td->budget[i], -1, 0);
            if (kind == K_BUDGET && td->budget[i].lab == L_CP1252)
                rec->facts |= F_CP1252;
            n = row_line(line, st, kind, &rb);
            i++;
        } else {
            const dirt_row *d = &dl->v[j++];
            if (d->code == D_EMPTY) {
                n = empty_line(line, st, d->variant);
                rec->empty++;
            } else {
                if (kind == K_BENE)
                    bene_fill(&rb, cx, &d->u.p, d->id, d->code, d->variant);
                else if (kind == K_ETAPES)
                    step_fill(&rb, cx, &d->u.s, d->id, d->code, d->variant);
                else
                    budget_fill(&rb, cx, &d->u.b, d->code, d->variant);
                n = row_line(line, st, kind, &rb);
                rec->counts[d->code]++;
                w->sum.defects++;
            }
        }
        if (!spie_sample_file_write(f, line, n, w->err))
            goto out_abort;
        if (split && clean && i == split_at + 1) { /* cut the member in the middle of this line */
            if (!spie_sample_file_new_member(f, n / 2, w->err))
                goto out_abort;
            rec->facts |= F_MULTI;
        }
    }
    uint64_t size = 0;
    if (!spie_sample_file_close(f, &size, w->err))
        return SPIE_SAMPLE_E_WRITE;
    w->sum.files++;
    w->sum.bytes += size;
    return SPIE_SAMPLE_OK;

out_abort:
    spie_sample_file_abort(f);
    return SPIE_SAMPLE_E_WRITE;
}

/* First month written for a territory whose extracts span first..last. */
static spie_month history_start(const spie_sample_options *o, spie_month first, spie_month last)
{
    if (o->history == 0 || (spie_month)o->history > last - first)
        return first;
    return last - (spie_month)o->history + 1;
}

static spie_sample_status write_territory(wctx *w, const dists *d, size_t index)
{
    const spie_sample_plan *p = w->plan;
    const spie_sample_terr *it = &p->items[index];
    if (it->last < it->first)
        return SPIE_SAMPLE_OK;
    gen g;
    spie_sample_status st = gen_territory(&g, p, index, d);
    if (st != SPIE_SAMPLE_OK) {
        seterr(w->err, "génération du département %s : %s", it->terr->dept->code, spie_sample_strerror(st));
        goto out_release;
    }
    style sty;
    style_for(&sty, it->roles, !p->opt.clean);
    rowctx cx = {it->terr->dept->code, str_hash(it->terr->dept->code) & 0xFFFFFFFFu,
                 (it->roles & SPIE_SAMPLE_ROLE_HEXID) != 0, &sty};
    for (spie_month m = history_start(&p->opt, it->first, it->last); m <= it->last; m++)
        for (int k = 0; k < K_N; k++)
            if ((st = write_extract(w, &g, &cx, k, m, it->roles)) != SPIE_SAMPLE_OK)
                goto out_release;
    w->sum.persons += g.td.np;
    w->sum.steps += g.td.ns;
out_release:
    gen_release(&g);
    return st;
}

static spie_sample_status write_nat(wctx *w)
{
    const spie_sample_plan *p = w->plan;
    gen g;
    memset(&g, 0, sizeof g);
    g.plan = p;
    spie_sample_status st = SPIE_SAMPLE_E_MEMORY;
    g.r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!g.r) {
        seterr(w->err, "mémoire insuffisante");
        goto out_release;
    }
    gsl_rng_set(g.r, terr_seed(p->opt.seed, "NAT"));
    spie_month last = p->opt.until;
    if ((st = gen_nat_budget(&g, p->nat_first, last)) != SPIE_SAMPLE_OK) {
        seterr(w->err, "mémoire insuffisante");
        goto out_release;
    }
    style sty;
    style_for(&sty, 0, false);
    rowctx cx = {"NAT", 0, false, &sty};
    for (spie_month m = history_start(&p->opt, p->nat_first, last); m <= last; m++)
        if ((st = write_extract(w, &g, &cx, K_BUDGET, m, 0)) != SPIE_SAMPLE_OK)
            goto out_release;
out_release:
    gen_release(&g);
    return st;
}

/* ---- side files ------------------------------------------------------------------------ */

/* A growable text buffer for the side files. */
typedef struct text {
    char *p;
    size_t n, cap;
    bool oom;
} text;

static void text_add(text *t, const char *s, size_t n)
{
    if (t->oom)
        return;
    if (t->n + n + 1 > t->cap) {
        size_t nc = t->cap ? t->cap : 4096;
        while (nc < t->n + n + 1)
            nc *= 2;
        char *np = realloc(t->p, nc);
        if (!np) {
            t->oom = true;
            return;
        }
        t->p = np;
        t->cap = nc;
    }
    memcpy(t->p + t->n, s, n);
    t->n += n;
    t->p[t->n] = '\0';
}

static void text_adds(text *t, const char *s)
{
    text_add(t, s, strlen(s));
}

/* A CSV field (quoted when it holds a comma, a quote or a line break). */
static void text_field(text *t, const char *s)
{
    if (!needs_quotes(s, strlen(s), ',')) {
        text_adds(t, s);
        return;
    }
    text_add(t, "\"", 1);
    for (; *s; s++) {
        if (*s == '"')
            text_add(t, "\"", 1);
        text_add(t, s, 1);
    }
    text_add(t, "\"", 1);
}

static spie_sample_status write_text(const char *dir, const char *name, const text *t, spie_sample_error *err)
{
    if (t->oom) {
        seterr(err, "mémoire insuffisante");
        return SPIE_SAMPLE_E_MEMORY;
    }
    spie_sample_file *f = spie_sample_file_open(dir, name, false, 0, err);
    if (!f)
        return SPIE_SAMPLE_E_WRITE;
    if (!spie_sample_file_write(f, t->p ? t->p : "", t->n, err)) {
        spie_sample_file_abort(f);
        return SPIE_SAMPLE_E_WRITE;
    }
    return spie_sample_file_close(f, NULL, err) ? SPIE_SAMPLE_OK : SPIE_SAMPLE_E_WRITE;
}

static int cmp_rec(const void *a, const void *b)
{
    return strcmp(((const file_rec *)a)->name, ((const file_rec *)b)->name);
}

typedef struct fact {
    char file[64];
    char text[200];
} fact;

static int cmp_fact(const void *a, const void *b)
{
    const fact *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    return c ? c : strcmp(x->text, y->text);
}

static spie_sample_status write_side_files(wctx *w, const char *out_dir)
{
    const spie_sample_plan *p = w->plan;
    spie_sample_status st = SPIE_SAMPLE_OK;
    text t = {0};
    fact *facts = NULL;
    size_t nf = 0;

    /* territoires.csv: the table used (extracts.md §7). */
    text_adds(&t, "departement,vague,allocation_etat\n");
    for (size_t i = 0; i < p->count; i++) {
        char a[SPIE_SAMPLE_AMOUNT_MAX];
        spie_sample_format_amount(p->items[i].terr->allocation, SPIE_SAMPLE_AMOUNT_PLAIN, a);
        text_adds(&t, p->items[i].terr->dept->code);
        text_adds(&t, ",");
        text_adds(&t, spie_wave_code(p->items[i].terr->wave));
        text_adds(&t, ",");
        text_adds(&t, a);
        text_adds(&t, "\n");
    }
    if ((st = write_text(out_dir, "territoires.csv", &t, w->err)) != SPIE_SAMPLE_OK)
        goto out_free;

    /* defauts.csv: every file, every reason, in the order of extracts.md §6. */
    qsort(w->recs, w->nrec, sizeof *w->recs, cmp_rec);
    t.n = 0;
    text_adds(&t, "fichier,code,nombre\n");
    for (size_t i = 0; i < w->nrec; i++)
        for (int c = 0; c < R_N; c++) {
            char num[16];
            snprintf(num, sizeof num, ",%u\n", (unsigned)w->recs[i].counts[c]);
            text_adds(&t, w->recs[i].name);
            text_adds(&t, ",");
            text_adds(&t, reason_codes[c]);
            text_adds(&t, num);
        }
    if ((st = write_text(out_dir, "defauts.csv", &t, w->err)) != SPIE_SAMPLE_OK)
        goto out_free;

    /* fichiers.csv: file-level and territory-level facts. */
    size_t capf = w->nrec * 6 + p->count + 1; /* at most 6 facts a file (F_* and empty lines) */
    facts = malloc(capf * sizeof *facts);
    if (!facts) {
        seterr(w->err, "mémoire insuffisante");
        st = SPIE_SAMPLE_E_MEMORY;
        goto out_free;
    }
    for (size_t i = 0; i < w->nrec; i++) {
        const file_rec *r = &w->recs[i];
        if (r->facts & F_FRENCH) {
            fact *f = &facts[nf++];
            snprintf(f->file, sizeof f->file, "%s", r->name);
            snprintf(f->text, sizeof f->text, "%s",
                     r->kind == K_BUDGET
                         ? "export à la française : séparateur « ; », mois mm/aaaa, montants « 1 234,56 » "
                           "(espace ou espace insécable), fins de ligne CRLF, BOM UTF-8"
                         : "export à la française : séparateur « ; », dates jj/mm/aaaa, fins de ligne CRLF, BOM UTF-8");
        }
        if (r->facts & F_CP1252) {
            fact *f = &facts[nf++];
            snprintf(f->file, sizeof f->file, "%s", r->name);
            snprintf(f->text, sizeof f->text, "un libellé en Windows-1252 (à transcoder)");
        }
        if (r->facts & F_QUOTED) {
            fact *f = &facts[nf++];
            snprintf(f->file, sizeof f->file, "%s", r->name);
            snprintf(f->text, sizeof f->text, "champs entre guillemets, en-tête en majuscules, colonnes dans un autre ordre");
        }
        if (r->facts & F_PLAIN) {
            fact *f = &facts[nf++];
            snprintf(f->file, sizeof f->file, "%s", r->name);
            snprintf(f->text, sizeof f->text, "fichier non compressé (.csv)");
        }
        if (r->facts & F_MULTI) {
            fact *f = &facts[nf++];
            snprintf(f->file, sizeof f->file, "%s", r->name);
            snprintf(f->text, sizeof f->text, "deux membres gzip concaténés (coupure au milieu d'une ligne)");
        }
        if (r->empty) {
            fact *f = &facts[nf++];
            snprintf(f->file, sizeof f->file, "%s", r->name);
            snprintf(f->text, sizeof f->text, "%u ligne%s vide%s", (unsigned)r->empty, r->empty > 1 ? "s" : "",
                     r->empty > 1 ? "s" : "");
        }
    }
    for (size_t i = 0; i < p->count; i++) {
        const spie_sample_terr *it = &p->items[i];
        const spie_dept *dp = it->terr->dept;
        char m[8];
        fact *f = &facts[nf];
        f->file[0] = '\0';
        if (it->roles & SPIE_SAMPLE_ROLE_MISSING) {
            snprintf(f->text, sizeof f->text, "département %s (%s) : aucun extrait", dp->code, dp->name);
            nf++;
        } else if (it->last < it->first) {
            spie_month_format(it->first, m);
            snprintf(f->text, sizeof f->text, "département %s (%s) : aucun extrait, démarrage en %s", dp->code,
                     dp->name, m);
            nf++;
        } else if (it->late_months > 0) {
            spie_month_format(it->last, m);
            snprintf(f->text, sizeof f->text, "département %s (%s) : en retard de %d mois (dernier extrait %s)",
                     dp->code, dp->name, it->late_months, m);
            nf++;
        }
    }
    qsort(facts, nf, sizeof *facts, cmp_fact);
    t.n = 0;
    text_adds(&t, "fichier,particularite\n");
    for (size_t i = 0; i < nf; i++) {
        text_field(&t, facts[i].file);
        text_adds(&t, ",");
        text_field(&t, facts[i].text);
        text_adds(&t, "\n");
    }
    st = write_text(out_dir, "fichiers.csv", &t, w->err);

out_free:
    free(facts);
    free(t.p);
    return st;
}

/* ---- folders --------------------------------------------------------------------------- */

/* mkdir -p */
static bool make_dirs(const char *path, spie_sample_error *err)
{
    size_t n = strlen(path);
    char *b = malloc(n + 1);
    if (!b) {
        seterr(err, "mémoire insuffisante");
        return false;
    }
    memcpy(b, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (b[i] != '/' && b[i] != '\0')
            continue;
        char keep = b[i];
        b[i] = '\0';
        struct stat sb;
        if (mkdir(b, 0777) != 0 && errno != EEXIST) {
            seterr(err, "création du dossier %s impossible : %s", b, strerror(errno));
            free(b);
            return false;
        }
        if (stat(b, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
            seterr(err, "%s n'est pas un dossier", b);
            free(b);
            return false;
        }
        b[i] = keep;
    }
    free(b);
    return true;
}

/* 1 empty, 0 not empty, -1 error. */
static int dir_empty(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int empty = 1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            empty = 0;
            break;
        }
    closedir(d);
    return empty;
}

/* ---- public ----------------------------------------------------------------------------- */

spie_sample_status spie_sample_plan_count(const spie_sample_plan *p, size_t i, spie_sample_counts *out,
                                          spie_sample_error *err)
{
    memset(out, 0, sizeof *out);
    if (i >= p->count) {
        seterr(err, "territoire %zu hors du plan", i);
        return SPIE_SAMPLE_E_USAGE;
    }
    dists d;
    if (!dists_init(&d)) {
        seterr(err, "mémoire insuffisante");
        return SPIE_SAMPLE_E_MEMORY;
    }
    gen g;
    spie_sample_status st = gen_territory(&g, p, i, &d);
    if (st != SPIE_SAMPLE_OK) {
        seterr(err, "%s", spie_sample_strerror(st));
        goto out_release;
    }
    out->persons = g.td.np;
    out->steps = g.td.ns;
    out->budget_lines = g.td.nb;
    if (g.td.np) {
        /* First REPRISE per person (steps are sorted by date). */
        spie_day *first = malloc(g.td.np * sizeof *first);
        if (!first) {
            st = SPIE_SAMPLE_E_MEMORY;
            seterr(err, "mémoire insuffisante");
            goto out_release;
        }
        for (size_t k = 0; k < g.td.np; k++)
            first[k] = SPIE_NO_DAY;
        for (size_t k = 0; k < g.td.ns; k++) {
            const step_row *s = &g.td.steps[k];
            if (s->step == ST_REPRISE && first[s->person] == SPIE_NO_DAY)
                first[s->person] = s->date;
        }
        for (size_t k = 0; k < g.td.np; k++) {
            const person *ps = &g.td.persons[k];
            if (ps->entry + 365 > g.horizon)
                continue;
            out->eligible_12m++;
            if (first[k] != SPIE_NO_DAY && first[k] - ps->entry <= 365)
                out->returns_12m++;
        }
        free(first);
    }
out_release:
    gen_release(&g);
    dists_free(&d);
    return st;
}

spie_sample_status spie_sample_write(const char *out_dir, const spie_sample_options *o, spie_sample_summary *sum,
                                     spie_sample_error *err)
{
    spie_sample_error dummy;
    if (!err)
        err = &dummy;
    err->msg[0] = '\0';
    if (sum)
        memset(sum, 0, sizeof *sum);
    wctx w;
    memset(&w, 0, sizeof w);
    w.err = err;
    spie_sample_plan plan;
    spie_sample_status st = spie_sample_plan_make(o, &plan, err);
    if (st != SPIE_SAMPLE_OK)
        return st;
    w.plan = &plan;
    /* Level 6 (zlib's default) for demo and numeric scales; level 1 at national scale,
     * where deflate would otherwise dominate the run time. */
    w.level = o->scale == SPIE_SAMPLE_SCALE_NATIONAL ? 1 : 6;
    dists d;
    bool have_dists = false;

    size_t n = strlen(out_dir);
    w.inbox = malloc(n + 8);
    if (!w.inbox) {
        seterr(err, "mémoire insuffisante");
        st = SPIE_SAMPLE_E_MEMORY;
        goto out_free;
    }
    snprintf(w.inbox, n + 8, "%s/inbox", out_dir);
    struct stat sb;
    if (lstat(w.inbox, &sb) == 0) {
        int e = S_ISDIR(sb.st_mode) ? dir_empty(w.inbox) : 0;
        if (e != 1) {
            seterr(err, "%s existe et n'est pas un dossier vide : choisir un autre --out ou le supprimer", w.inbox);
            st = SPIE_SAMPLE_E_USAGE;
            goto out_free;
        }
    }
    if (!make_dirs(w.inbox, err)) {
        st = SPIE_SAMPLE_E_WRITE;
        goto out_free;
    }
    if (!dists_init(&d)) {
        seterr(err, "mémoire insuffisante");
        st = SPIE_SAMPLE_E_MEMORY;
        goto out_free;
    }
    have_dists = true;
    for (size_t i = 0; i < plan.count; i++)
        if ((st = write_territory(&w, &d, i)) != SPIE_SAMPLE_OK)
            goto out_free;
    if ((st = write_nat(&w)) != SPIE_SAMPLE_OK)
        goto out_free;
    st = write_side_files(&w, out_dir);
    if (st == SPIE_SAMPLE_OK && sum)
        *sum = w.sum;

out_free:
    if (have_dists)
        dists_free(&d);
    free(w.recs);
    free(w.inbox);
    spie_sample_plan_free(&plan);
    return st;
}
