/* The French of the workbooks that more than one sheet uses: numbers, amounts, months and
 * levels in words (locale-free: "1 234", "12,3 %", "80 000 000 €", "juin 2022"), the
 * labels of delay pairs, breakdowns, modalities, extract kinds and statuses (the wording
 * of docs/dictionnaire.md; the indicators' labels are the catalogue's), the sentences of
 * every sheet's head, the signs, and the notes on late, missing and partial territories
 * under every table (docs/classeurs.md). A code the tables do not know is shown as it is.
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

/* v with `places` decimals (1 or 2) after a comma, its integer part grouped; "nd" for a
 * value that is not finite or not below limit. */
static void fr_fixed(char *buf, size_t size, double v, int places, double limit)
{
    if (!isfinite(v) || fabs(v) >= limit) {
        snprintf(buf, size, "nd");
        return;
    }
    const unsigned scale = places == 1 ? 10u : 100u;
    long long t = llround(v * scale); /* half away from zero */
    char ip[40];
    unsigned long long a = t < 0 ? (unsigned long long)(-t) : (unsigned long long)t;
    grouped(ip, sizeof ip, a / scale);
    snprintf(buf, size, "%s%s,%0*u", t < 0 ? "-" : "", ip, places, (unsigned)(a % scale));
}

void spie_wb_fr_dec1(char *buf, size_t size, double v)
{
    fr_fixed(buf, size, v, 1, 1e15);
}

void spie_wb_fr_dec2(char *buf, size_t size, double v)
{
    fr_fixed(buf, size, v, 2, 1e13);
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

void spie_wb_fr_euros0(char *buf, size_t size, spie_cents v)
{
    /* to the euro, half away from zero */
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t e = a / 100 + (a % 100 >= 50);
    char ip[40];
    grouped(ip, sizeof ip, e);
    snprintf(buf, size, "%s%s" NBSP "€", v < 0 && e ? "-" : "", ip);
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

void spie_wb_fr_of_month(char *buf, size_t size, spie_month m)
{
    char mo[24];
    spie_wb_fr_month(mo, sizeof mo, m);
    bool vowel = mo[0] == 'a' || mo[0] == 'o'; /* avril, août, octobre */
    snprintf(buf, size, "%s%s", vowel ? "d'" : "de ", mo);
}

bool spie_wb_fr_figure(char *buf, size_t size, const spie_figure *f, bool pct)
{
    if (!f || f->status != SPIE_STATUS_OK)
        return false;
    switch (f->kind) {
    case SPIE_VK_COUNT: spie_wb_fr_int(buf, size, f->ival); return true;
    case SPIE_VK_CENTS: spie_wb_fr_euros0(buf, size, f->ival); return true;
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

void spie_wb_pair_label(const spie_pair *pr, bool capital, char *buf, size_t size)
{
    snprintf(buf, size, "%s → %s", spie_wb_endpoint_label(pr->from), spie_wb_endpoint_label(pr->to));
    if (!capital)
        return;
    /* the first letter in capital: "entrée" -> "Entrée", "orientation" -> "Orientation" */
    if (strncmp(buf, "\xC3\xA9", 2) == 0 && size > 2) /* é */
        memcpy(buf, "\xC3\x89", 2);
    else if (buf[0] >= 'a' && buf[0] <= 'z')
        buf[0] = (char)(buf[0] - 'a' + 'A');
}

const char *spie_wb_kind_label(spie_kind k)
{
    switch (k) {
    case SPIE_KIND_BENEFICIAIRES: return "bénéficiaires";
    case SPIE_KIND_BUDGET: return "budget";
    case SPIE_KIND_ETAPES: return "étapes";
    default: return "?";
    }
}

const char *spie_wb_entry_status_label(spie_entry_status st)
{
    switch (st) {
    case SPIE_ENTRY_OK: return "lu";
    case SPIE_ENTRY_UNUSABLE: return "inutilisable";
    default: return "aucun fichier";
    }
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

void spie_wb_fr_unit_marked(const spie_wb_unit *u, bool capital, char *buf, size_t size)
{
    char nm[96];
    spie_wb_fr_unit_name(u, capital, nm, sizeof nm);
    snprintf(buf, size, "%s%s%s%s", nm, u->marks & SPIE_WB_MARK_LATE ? " (r)" : "",
             u->marks & SPIE_WB_MARK_MISSING ? " (m)" : "", u->marks & SPIE_WB_MARK_PARTIAL ? " (p)" : "");
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

bool spie_wb_fr_restricted(const spie_wb *w, char *buf, size_t size)
{
    if (w->in->params->secret)
        return false;
    snprintf(buf, size,
             "Diffusion restreinte : secret statistique non appliqué (chiffres sur de petits effectifs "
             "non masqués).");
    return true;
}

void spie_wb_fr_signs(const spie_wb *w, unsigned what, char *buf, size_t size)
{
    size_t k = 0;
    if (w->in->params->secret)
        k += (size_t)snprintf(buf + k, size - k, "Signes : s = secret statistique (moins de %d personnes) ; ",
                              w->in->params->secret_k);
    else
        k += (size_t)snprintf(buf + k, size - k, "Signes (secret statistique non appliqué) : ");
    if (k < size)
        k += (size_t)snprintf(buf + k, size - k, "nd = non disponible (aucune donnée)");
    if ((what & SPIE_WB_SIGNS_MEDIAN) && k < size)
        k += (size_t)snprintf(buf + k, size - k, " ; non atteinte = médiane non atteinte au terme du suivi");
    if ((what & SPIE_WB_SIGNS_EXHAUSTION) && k < size)
        k += (size_t)snprintf(buf + k, size - k, " ; non atteint avant fin … = l'enveloppe n'est pas épuisée dans sa "
                                                 "fenêtre");
    if ((what & SPIE_WB_SIGNS_RATIO) && k < size)
        k += (size_t)snprintf(buf + k, size - k,
                              " ; " SPIE_WB_ABOVE " (" SPIE_WB_BELOW ") = ratio nettement au-dessus (au-dessous) de 1 : "
                              "son intervalle de confiance est tout entier au-dessus (au-dessous) de 1 ; "
                              SPIE_WB_NOT_APPLICABLE " = sans objet pour la France, référence du calcul (ratio de 1)");
    if ((what & SPIE_WB_SIGNS_MARKS) && k < size)
        k += (size_t)snprintf(buf + k, size - k, " ; (r) territoire en retard ; (m) extrait manquant ; (p) chiffre "
                                                 "partiel");
    if (k < size)
        snprintf(buf + k, size - k, ". Leur sens précis est au Sommaire.");
}

/* ---- notes on late, missing and partial territories ------------------------------------- */

/* "bénéficiaires, étapes" of the kinds in mask (bit k = kind k). */
static void kinds_list(char *buf, size_t size, unsigned mask)
{
    size_t k = 0;
    buf[0] = 0;
    int n = 0, total = 0;
    for (int i = 0; i < SPIE_KIND_COUNT; i++)
        total += (mask >> i) & 1u;
    for (int i = 0; i < SPIE_KIND_COUNT && k < size; i++) {
        if (!((mask >> i) & 1u))
            continue;
        n++;
        k += (size_t)snprintf(buf + k, size - k, "%s%s", n == 1 ? "" : n == total ? " et " : ", ",
                              spie_wb_kind_label((spie_kind)i));
    }
}

/* What a late territory's note says: "extraits bénéficiaires, budget et étapes de mai
 * 2023 : les chiffres de juin 2023 ne sont pas encore connus (nd)". */
static void late_text(const spie_wb *w, const spie_wb_terr *t, char *buf, size_t size)
{
    size_t k = 0;
    spie_month earliest = w->period;
    unsigned done = 0;
    buf[0] = 0;
    for (int i = 0; i < SPIE_KIND_COUNT && k < size; i++) {
        spie_month m = t->month[i];
        if ((done >> i) & 1u || m == SPIE_NO_MONTH || m >= w->period)
            continue;
        unsigned mask = 0;
        for (int j = i; j < SPIE_KIND_COUNT; j++)
            if (t->month[j] == m)
                mask |= 1u << j;
        done |= mask;
        if (m < earliest)
            earliest = m;
        char kinds[80], of[40];
        kinds_list(kinds, sizeof kinds, mask);
        spie_wb_fr_of_month(of, sizeof of, m);
        k += (size_t)snprintf(buf + k, size - k, "%s%s %s %s", k ? ", " : "",
                              mask & (mask - 1) ? "extraits" : "extrait", kinds, of);
    }
    char pm[24];
    spie_wb_fr_month(pm, sizeof pm, w->period);
    if (k < size) {
        if (earliest + 1 == w->period)
            snprintf(buf + k, size - k, " : ses chiffres de %s ne sont pas encore connus (nd)", pm);
        else
            snprintf(buf + k, size - k, " : ses chiffres des mois suivants, jusqu'à %s, ne sont pas encore connus (nd)",
                     pm);
    }
}

/* What a missing territory's note says. */
static void missing_text(const spie_wb_terr *t, char *buf, size_t size)
{
    unsigned none = 0, bad = 0;
    for (int i = 0; i < SPIE_KIND_COUNT; i++) {
        if (t->status[i] == SPIE_ENTRY_MISSING)
            none |= 1u << i;
        else if (t->status[i] == SPIE_ENTRY_UNUSABLE)
            bad |= 1u << i;
    }
    if (none == (1u << SPIE_KIND_COUNT) - 1) {
        snprintf(buf, size, "aucun extrait reçu : ses chiffres sont nd et il n'entre dans aucun total");
        return;
    }
    char a[80], b[80];
    kinds_list(a, sizeof a, none);
    kinds_list(b, sizeof b, bad);
    bool persons = ((none | bad) & ((1u << SPIE_KIND_BENEFICIAIRES) | (1u << SPIE_KIND_ETAPES))) != 0;
    bool budget = ((none | bad) >> SPIE_KIND_BUDGET) & 1u;
    snprintf(buf, size, "%s%s%s%s%s%s%s%s", none ? "aucun extrait " : "", a, none ? " reçu" : "",
             none && bad ? " ; " : "", bad ? "extrait " : "", b, bad ? " inutilisable" : "",
             persons && budget ? " : ses chiffres sont nd et il n'entre dans aucun total"
             : persons         ? " : ses chiffres de parcours sont nd et il n'entre dans aucun total de personnes"
                               : " : ses montants sont nd et il n'entre dans aucun total budgétaire (son allocation "
                                 "reste sur sa ligne)");
}

lxw_row_t spie_wb_territory_notes(spie_wb *w, spie_wb_page *pg, lxw_row_t r, bool budget)
{
    const spie_territories *terr = w->in->terr;
    char note[900], nm[96];
    bool any_partial = false;
    for (size_t u = w->first_dept; u < w->n_units; u++) {
        const spie_wb_unit *un = &w->units[u];
        const spie_wb_terr *t = &w->terrs[un->terr];
        char text[400];
        if (un->marks & SPIE_WB_MARK_LATE) {
            late_text(w, t, text, sizeof text);
            snprintf(note, sizeof note, "(r) %s : %s.", un->name, text);
            r = spie_wb_para(w, pg, r, note, w->f.note);
        }
        if (un->marks & SPIE_WB_MARK_MISSING) {
            missing_text(t, text, sizeof text);
            snprintf(note, sizeof note, "(m) %s : %s.", un->name, text);
            r = spie_wb_para(w, pg, r, note, w->f.note);
        }
    }
    /* (p): for each late or missing territory, the aggregates shown that hold it */
    size_t k = 0;
    int listed = 0;
    note[0] = 0;
    for (size_t i = 0; i < terr->count && k < sizeof note; i++) {
        const spie_wb_terr *t = &w->terrs[i];
        if (!(t->late || t->missing))
            continue;
        size_t nagg = 0, agg[8];
        for (size_t u = 0; u < w->first_dept && nagg < 8; u++)
            if (spie_wb_unit_holds(&w->units[u], terr, i))
                agg[nagg++] = u;
        if (!nagg)
            continue;
        if (listed++ == 12) {
            k += (size_t)snprintf(note + k, sizeof note - k, " ; …");
            break;
        }
        k += (size_t)snprintf(note + k, sizeof note - k, "%s", any_partial ? " ; " : "(p) chiffre partiel : ");
        for (size_t a = 0; a < nagg && k < sizeof note; a++) {
            spie_wb_fr_unit_name(&w->units[agg[a]], !any_partial && a == 0, nm, sizeof nm);
            k += (size_t)snprintf(note + k, sizeof note - k, "%s%s", a == 0 ? "" : a + 1 == nagg ? " et " : ", ", nm);
        }
        any_partial = true;
        if (k >= sizeof note)
            break;
        const char *name = terr->items[i].dept->name;
        spie_month last = w->period;
        for (int kk = 0; kk < SPIE_KIND_COUNT; kk++)
            if (t->month[kk] != SPIE_NO_MONTH && t->month[kk] < last)
                last = t->month[kk];
        char lm[24];
        spie_wb_fr_month(lm, sizeof lm, last);
        if (t->missing)
            k += (size_t)snprintf(note + k, sizeof note - k, " %s pas %s (m)", nagg > 1 ? "ne comptent" : "ne compte",
                                  name);
        else
            k += (size_t)snprintf(note + k, sizeof note - k, " %s pas les chiffres de %s (r) postérieurs à %s",
                                  nagg > 1 ? "n'ont" : "n'a", name, lm);
    }
    if (any_partial && k < sizeof note) {
        snprintf(note + k, sizeof note - k,
                 ". Un agrégat compte ses territoires en retard avec les chiffres de leur dernier extrait et ne compte "
                 "pas ses territoires sans extrait utilisable%s.",
                 budget ? " ; ses montants et son allocation ne portent que sur les territoires dont l'extrait budget "
                          "est utilisable : ils ne sont donc pas la somme des lignes des départements"
                        : "");
        r = spie_wb_para(w, pg, r, note, w->f.note);
    }
    return r;
}

lxw_row_t spie_wb_table_notes(spie_wb *w, spie_wb_page *pg, lxw_row_t r, unsigned signs, bool budget)
{
    char buf[900];
    r = spie_wb_territory_notes(w, pg, r, budget);
    spie_wb_fr_signs(w, signs | SPIE_WB_SIGNS_MARKS, buf, sizeof buf);
    return spie_wb_para(w, pg, r, buf, w->f.note);
}

/* ---- the previous publication ------------------------------------------------------------ */

size_t spie_wb_breaks(const spie_wb *w, char *buf, size_t size)
{
    const spie_plan *plan = w->in->plan;
    size_t n = 0, k = 0;
    if (size)
        buf[0] = 0;
    if (!w->in->continuity || !w->in->previous_period)
        return 0;
    for (size_t i = 0; i < plan->n_entries; i++) {
        const spie_plan_entry *e = &plan->entries[i];
        if (w->in->continuity[i].status != SPIE_CONT_BREAK || !spie_wb_entry_in_scope(w, e))
            continue;
        if (++n > 8) {
            if (n == 9 && k < size)
                k += (size_t)snprintf(buf + k, size - k, " ; …");
            continue;
        }
        bool nat = strcmp(e->dept, "NAT") == 0;
        const spie_dept *d = nat ? NULL : spie_dept_find(e->dept, strlen(e->dept));
        if (k < size)
            k += (size_t)snprintf(buf + k, size - k, "%s%s, %s", n > 1 ? " ; " : "",
                                  d ? d->name : nat ? "frais nationaux (NAT)" : e->dept, spie_wb_kind_label(e->kind));
    }
    return n;
}
