/* The Synthèse sheet (docs/classeurs.md): the key figures of the workbook's level (in a
 * regional workbook beside France's and with the région's rank among the régions; with a
 * previous publication, its value, its month, the change and the relative change, or "non
 * comparé", and the count of continuity breaks: docs/methodologie.md §11), the
 * envelope's arithmetic (national workbook: envelope = paid to the territories inside the
 * window + national costs + what remains), the notes that explain the money, and, on a page
 * of their own, three charts (synthese_charts.c) that read their data from cells below the
 * printed area:
 *   1. State paid, cumulative per month, against the State allocation (line, axis titles;
 *      the first point holds the payments of 2020);
 *   2. a funnel plot of the return rate at the key horizon: one point per département
 *      (x = eligible persons, y = rate), the national rate as a line, and the 95 % and
 *      99.8 % control limits p0 ± z·√(p0(1 − p0)/n) drawn over the range of n (scatter);
 *      in a regional workbook the région's départements are their own series, labelled;
 *      masked or nd points are left out and the note says how many;
 *   3. the cumulative incidence of a return to activity: the région and France (national:
 *      France and the three waves).
 * A chart never plots text: a figure that is not published is left out of the chart data.
 *
 * It may not write a figure other than through the cell writers of cells.c. */
#include <stdio.h>
#include <string.h>

#include "spie/date.h"
#include "workbook_int.h"

#define ID(ind) spie_id(SPIE_IND_##ind, 0)

typedef struct key_row {
    spie_ind_id id;
    char label[160];
    bool rank; /* a key rate: the région's rank among the régions */
} key_row;

/* A key figure: its label here when given, else its catalogue label. */
static void key(const spie_wb *w, key_row *rows, size_t *n, size_t max, spie_ind_id id, const char *label, bool rank)
{
    if (*n == max)
        return;
    rows[*n].id = id;
    rows[*n].rank = rank;
    if (label)
        snprintf(rows[*n].label, sizeof rows[*n].label, "%s", label);
    else
        spie_ind_label(id, w->in->params, rows[*n].label, sizeof rows[*n].label);
    (*n)++;
}

static size_t key_rows(const spie_wb *w, key_row *rows, size_t max)
{
    const spie_params *p = w->in->params;
    size_t n = 0;
    char label[160], pair[80];
    key(w, rows, &n, max, ID(TERRITOIRES_ATTENDUS), "Territoires du programme", false);
    key(w, rows, &n, max, ID(TERRITOIRES_INCLUS), "Territoires pris en compte (extraits bénéficiaires et étapes lus)",
        false);
    key(w, rows, &n, max, ID(TERRITOIRES_INCLUS_BUDGET), "Territoires pris en compte pour le budget", false);
    key(w, rows, &n, max, ID(TERRITOIRES_EN_RETARD), "Territoires en retard (un extrait d'un mois antérieur)", false);
    key(w, rows, &n, max, ID(ENTRANTS), "Bénéficiaires entrés dans le parcours", false);
    key(w, rows, &n, max, ID(ENTRANTS_MOIS), "dont entrés dans le mois", false);
    snprintf(label, sizeof label, "En parcours au %s (aucune sortie)", w->ref_text);
    key(w, rows, &n, max, ID(EN_PARCOURS), label, false);
    key(w, rows, &n, max, ID(AVEC_REPRISE), "Bénéficiaires avec une reprise d'activité", false);
    int kh = spie_wb_key_horizon(w);
    if (kh >= 0) {
        int h = p->horizons[kh];
        snprintf(label, sizeof label, "Taux de reprise d'activité à %d mois", h);
        key(w, rows, &n, max, spie_id(SPIE_IND_TAUX_REPRISE, h), label, true);
        snprintf(label, sizeof label, "Taux de reprise durable (emploi durable, création d'entreprise) à %d mois", h);
        key(w, rows, &n, max, spie_id(SPIE_IND_TAUX_REPRISE_DURABLE, h), label, true);
    }
    int kp = spie_wb_key_pair(w);
    if (kp >= 0) {
        const spie_pair *pr = &p->pairs[kp];
        spie_wb_pair_label(pr, false, pair, sizeof pair);
        snprintf(label, sizeof label, "Délai %s : médiane de Kaplan–Meier (jours)", pair);
        key(w, rows, &n, max, spie_id(SPIE_IND_DELAI_KM_MEDIANE, kp), label, false);
        snprintf(label, sizeof label, "Délai %s : part atteinte en %d jours au plus", pair, pr->target);
        key(w, rows, &n, max, spie_id(SPIE_IND_DELAI_PART_CIBLE, kp), label, true);
    }
    key(w, rows, &n, max, ID(REPRISE_KM_MEDIANE), "Délai de l'entrée à la reprise d'activité : médiane de Kaplan–Meier "
                                                  "(jours)",
        false);
    key(w, rows, &n, max, ID(ALLOCATION_ETAT), "Allocation de l'État (territoires pris en compte pour le budget)",
        false);
    key(w, rows, &n, max, ID(PAYE_ETAT), "Payé par l'État aux territoires, depuis 2020", false);
    key(w, rows, &n, max, ID(TAUX_CONSOMMATION), "Payé par l'État / allocation de l'État", false);
    return n;
}

/* The columns of the Synthèse's tables: the key figure's label, value, bounds and
 * effectif; in a regional workbook France's value and the région's rank; with a previous
 * publication, the previous value, its period, the change and the relative change; the
 * name in the CSV last. */
typedef struct layout {
    lxw_col_t value, lo, hi, eff, france, rank, prev, name, ncols;
    bool has_prev;
} layout;

static layout layout_of(const spie_wb *w)
{
    layout l = {1, 2, 3, 4, 0, 0, 0, 5, 6, false};
    if (w->region) {
        l.france = 5;
        l.rank = 6;
        l.name = 7;
    }
    if (spie_wb_previous_month(w) != SPIE_NO_MONTH) {
        l.has_prev = true;
        l.prev = l.name;
        l.name = (lxw_col_t)(l.prev + 4);
    }
    l.ncols = (lxw_col_t)(l.name + 1);
    return l;
}

/* Title, Champ, Lecture (the key figures in words when they are shown). */
static lxw_row_t synthese_head(spie_wb *w, spie_wb_page *pg)
{
    const spie_params *p = w->in->params;
    const spie_wb_unit *u0 = &w->units[0];
    char title[200], champ[500], lecture[600], a[40], b[40];
    snprintf(title, sizeof title, "Service public de l'insertion et de l'emploi (SPIE) : %s, %s", spie_wb_scope(w),
             w->period_words);
    snprintf(champ, sizeof champ,
             "Champ : bénéficiaires entrés au plus tard le %s dans les territoires du programme (%s) dont les "
             "extraits bénéficiaires et étapes sont utilisables ; budget : territoires dont l'extrait budget est "
             "utilisable.",
             w->ref_text, spie_wb_scope(w));
    int kh = spie_wb_key_horizon(w);
    const spie_figure *rate = kh >= 0 ? spie_wb_fig(w, u0, spie_id(SPIE_IND_TAUX_REPRISE, p->horizons[kh])) : NULL;
    const char *partial = u0->marks & SPIE_WB_MARK_PARTIAL ? ", chiffre partiel (p) : voir les notes" : "";
    if (spie_wb_fr_figure(a, sizeof a, spie_wb_fig(w, u0, ID(ENTRANTS)), false) &&
        spie_wb_fr_figure(b, sizeof b, rate, true))
        snprintf(lecture, sizeof lecture,
                 "Lecture : au %s, %s bénéficiaires sont entrés dans le parcours (%s%s) ; %s de ceux qui sont entrés "
                 "depuis %d mois au moins ont repris une activité dans les %d mois.",
                 w->ref_text, a, spie_wb_scope(w), partial, b, p->horizons[kh], p->horizons[kh]);
    else
        snprintf(lecture, sizeof lecture,
                 "Lecture : chaque chiffre clé est détaillé par territoire dans les feuilles suivantes ; les signes y "
                 "ont le même sens.");
    return spie_wb_head(w, pg, title, champ, lecture);
}

/* "3e sur 17", "1re sur 17". */
static void rank_text(char *buf, size_t size, int rank, int of)
{
    snprintf(buf, size, "%d%s sur %d", rank, rank == 1 ? "re" : "e", of);
}

/* Notes on the not reached medians of the key figures: the longest follow-up observed. */
static lxw_row_t median_notes(spie_wb *w, spie_wb_page *pg, lxw_row_t r, const key_row *rows, size_t n)
{
    char note[600];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].id.ind != SPIE_IND_DELAI_KM_MEDIANE && rows[i].id.ind != SPIE_IND_REPRISE_KM_MEDIANE)
            continue;
        const spie_figure *f = spie_wb_fig(w, &w->units[0], rows[i].id);
        char buf[64];
        const char *sign = f ? spie_wb_sign(w, f, buf, sizeof buf) : NULL;
        if (!sign || strcmp(sign, "non atteinte") != 0 || f->num <= 0 ||
            (w->in->params->secret && f->effectif < w->in->params->secret_k))
            continue;
        char d[40];
        spie_wb_fr_int(d, sizeof d, f->num);
        k += (size_t)snprintf(note + k, sizeof note - k,
                              "%s« %s » : médiane non atteinte ; le plus long suivi observé est de %s jours",
                              k ? " ; " : "", rows[i].label, d);
        if (k >= sizeof note)
            break;
    }
    if (k && k < sizeof note - 1) {
        snprintf(note + k, sizeof note - k, ".");
        r = spie_wb_para(w, pg, r, note, w->f.note);
    }
    return r;
}

/* The notes on the comparison with the previous publication: which one, what the change
 * columns say, and the continuity breaks of the workbook's extracts (in red when there is
 * one). */
static lxw_row_t comparison_notes(spie_wb *w, spie_wb_page *pg, lxw_row_t r, const layout *l)
{
    char note[1200], q[24], ofq[40], ofp1[40], pm[8], list[400];
    if (!l->has_prev) {
        return spie_wb_para(w, pg, r,
                            "Comparaison : aucune publication précédente dans le dossier de sortie ; ce classeur ne "
                            "compare ses chiffres à aucun mois antérieur et ne contrôle pas la continuité des extraits.",
                            w->f.note);
    }
    spie_month qm = spie_wb_previous_month(w);
    spie_wb_fr_month(q, sizeof q, qm);
    spie_wb_fr_of_month(ofq, sizeof ofq, qm);
    spie_wb_fr_of_month(ofp1, sizeof ofp1, w->period - 1);
    spie_month_format(w->period, pm);
    size_t breaks = spie_wb_breaks(w, list, sizeof list);
    if (breaks)
        snprintf(note, sizeof note,
                 "Continuité des extraits : %zu rupture%s de continuité par rapport à la publication %s (%s) : un "
                 "extrait a perdu des lignes acceptées, est devenu inutilisable ou manquant, ou son mois a reculé. "
                 "Voir la feuille Qualité des données.",
                 breaks, breaks > 1 ? "s" : "", ofq, list);
    else
        snprintf(note, sizeof note,
                 "Continuité des extraits : aucune rupture de continuité par rapport à la publication %s (les lignes "
                 "acceptées de chaque extrait sont comparées à celles %s : feuille Qualité des données).",
                 ofq, ofq);
    r = spie_wb_para(w, pg, r, note, breaks ? w->f.alert : w->f.note);
    size_t k = 0;
    if (qm + 1 != w->period)
        k = (size_t)snprintf(note, sizeof note,
                             "Comparaison avec la publication %s, la plus récente du dossier de sortie qui soit complète "
                             "et intacte (aucune publication conforme %s) : ",
                             ofq, ofp1);
    else
        k = (size_t)snprintf(note, sizeof note, "Comparaison avec la publication %s : ", ofq);
    if (k < sizeof note)
        snprintf(note + k, sizeof note - k,
                 "écart = valeur − valeur %s (pour un taux, en points de pourcentage) ; évolution = écart / valeur %s, "
                 "pour les comptes et les montants (fichier evolution_%s.csv). « non comparé » : le chiffre est masqué "
                 "(s) ou non disponible (nd) en %s ou en %s, ou absent de la publication %s ; aucun écart n'est alors "
                 "publié, pour qu'un chiffre masqué ne puisse pas être retrouvé par différence.",
                 ofq, ofq, pm, w->period_words, q, ofq);
    return spie_wb_para(w, pg, r, note, w->f.note);
}

/* Tableau: the key figures. Returns the row after its notes. */
static lxw_row_t key_table(spie_wb *w, spie_wb_page *pg, lxw_row_t r, const layout *l)
{
    lxw_worksheet *ws = pg->ws;
    char name_head[80];
    snprintf(name_head, sizeof name_head, "Nom dans %s", w->csv_name);
    const char *heads[16];
    size_t nh = 0;
    heads[nh++] = "Chiffres clés";
    heads[nh++] = w->region ? w->region->name : "Valeur";
    heads[nh++] = "Borne basse";
    heads[nh++] = "Borne haute";
    heads[nh++] = "Effectif";
    if (w->region) {
        heads[nh++] = "France";
        heads[nh++] = "Rang parmi les régions (1 = le plus élevé)";
    }
    spie_month qm = spie_wb_previous_month(w);
    if (l->has_prev) {
        heads[nh++] = "Valeur précédente";
        heads[nh++] = "Période comparée";
        heads[nh++] = "Écart";
        heads[nh++] = "Évolution";
    }
    heads[nh++] = name_head;
    r = spie_wb_table_title(w, pg, r, "Chiffres clés");
    lxw_row_t hdr = r;
    spie_wb_header_row(w, pg, r++, 0, heads, nh);
    key_row rows[32];
    size_t n = key_rows(w, rows, SPIE_ARRAY_LEN(rows));
    const spie_wb_unit *fr = spie_wb_france(w);
    for (size_t i = 0; i < n; i++, r++) {
        r = spie_wb_data_row(w, pg, r, SPIE_WB_ROW);
        const spie_figure *f = spie_wb_fig(w, &w->units[0], rows[i].id);
        lxw_format *fmt = spie_wb_unit_format(w, rows[i].id);
        char name[SPIE_IND_NAME_MAX];
        spie_ind_name(rows[i].id, w->in->params, name, sizeof name);
        spie_wb_text(w, ws, r, 0, rows[i].label, w->f.text);
        spie_wb_value(w, ws, r, l->value, f, fmt);
        spie_wb_interval(w, ws, r, l->lo, f, fmt);
        spie_wb_effectif(w, ws, r, l->eff, f);
        if (w->region) {
            spie_wb_value_fmt(w, ws, r, l->france, spie_wb_fig(w, fr, rows[i].id), fmt, true);
            int rank, of;
            char rt[40];
            if (rows[i].rank && spie_wb_region_rank(w, w->region->code, rows[i].id, &rank, &of)) {
                rank_text(rt, sizeof rt, rank, of);
                spie_wb_text(w, ws, r, l->rank, rt, w->f.mark);
            }
        }
        if (l->has_prev)
            spie_wb_key_previous(w, ws, r, l->prev, spie_wb_change(w, f), qm, fmt);
        spie_wb_text(w, ws, r, l->name, name, w->f.text);
    }
    spie_wb_table_end(pg);
    worksheet_freeze_panes(ws, hdr + 1, 1);
    spie_wb_check(w, worksheet_autofilter(ws, hdr, 0, r - 1, l->name));
    r = comparison_notes(w, pg, r, l);
    r = median_notes(w, pg, r, rows, n);
    return spie_wb_table_notes(w, pg, r, SPIE_WB_SIGNS_MEDIAN, false);
}

/* The money of the envelope as three lines that sum (national workbook). */
typedef struct envelope {
    bool ok;
    spie_cents v, territories, nat, rest, before, after;
} envelope;

static bool cents_of(const spie_figure *f, spie_cents *c)
{
    if (!spie_wb_fig_ok(f) || f->kind != SPIE_VK_CENTS)
        return false;
    *c = f->ival;
    return true;
}

/* From the published figures: paid to the territories inside the window = France's
 * cumulative at min(P, window end) less what it held before the window; NAT inside the
 * window = the envelope's paid less the territories'; what remains is reste_enveloppe. */
static envelope envelope_of(spie_wb *w)
{
    const spie_params *p = w->in->params;
    const spie_wb_unit *fr = spie_wb_france(w);
    envelope e = {0};
    spie_cents rest, v;
    if (!cents_of(spie_wb_fig(w, fr, ID(ENVELOPPE)), &v) || !cents_of(spie_wb_fig(w, fr, ID(RESTE_ENVELOPPE)), &rest))
        return e;
    e.v = v;
    e.rest = rest;
    spie_cents paid_window = v - rest;
    if (w->period < p->window_start) {
        e.ok = true;
        e.nat = paid_window;
        return e;
    }
    spie_month last = w->period < p->window_end ? w->period : p->window_end;
    spie_cents cum_last, cum_first, month_first, paid;
    if (!cents_of(spie_wb_fig(w, fr, spie_id(SPIE_IND_PAYE_ETAT_CUMUL, last)), &cum_last) ||
        !cents_of(spie_wb_fig(w, fr, spie_id(SPIE_IND_PAYE_ETAT_CUMUL, p->window_start)), &cum_first) ||
        !cents_of(spie_wb_fig(w, fr, spie_id(SPIE_IND_PAYE_ETAT_MOIS, p->window_start)), &month_first) ||
        !cents_of(spie_wb_fig(w, fr, ID(PAYE_ETAT)), &paid))
        return e;
    e.before = cum_first - month_first;
    e.territories = cum_last - e.before;
    e.nat = paid_window - e.territories;
    e.after = paid - cum_last;
    e.ok = true;
    return e;
}

/* A line of the envelope's table. */
static void money_line(spie_wb *w, spie_wb_page *pg, lxw_row_t r, const layout *l, const char *label, bool ok,
                       spie_cents v, const char *name)
{
    spie_wb_text(w, pg->ws, r, 0, label, w->f.text);
    if (ok)
        spie_wb_cents(w, pg->ws, r, l->value, v);
    else
        spie_wb_mark(w, pg->ws, r, l->value, SPIE_STATUS_ND);
    spie_wb_text(w, pg->ws, r, l->name, name, w->f.text);
}

/* Counts for the budget notes over the départements of the workbook: engagement rates
 * above 100 %, negative monthly payments. */
static void budget_counts(spie_wb *w, int *over, int *negative_months, int *negative_terr)
{
    *over = *negative_months = *negative_terr = 0;
    for (size_t u = w->first_dept; u < w->n_units; u++) {
        const spie_figure *f = spie_wb_fig(w, &w->units[u], ID(TAUX_ENGAGEMENT));
        if (spie_wb_fig_ok(f) && f->real > 1.0)
            (*over)++;
        bool neg = false;
        for (spie_month m = w->in->params->window_start; m <= w->period; m++) {
            f = spie_wb_fig(w, &w->units[u], spie_id(SPIE_IND_PAYE_ETAT_MOIS, m));
            if (spie_wb_fig_ok(f) && f->ival < 0) {
                (*negative_months)++;
                neg = true;
            }
        }
        *negative_terr += neg;
    }
}

/* The notes that explain the money: 2020 payments, the window, rates above 100 %,
 * negative monthly payments. */
static lxw_row_t money_notes(spie_wb *w, spie_wb_page *pg, lxw_row_t r, const envelope *e)
{
    const spie_params *p = w->in->params;
    char note[900], a[48], b[48], c[48];
    spie_wb_fr_month(a, sizeof a, p->window_start);
    spie_wb_fr_month(b, sizeof b, p->window_end);
    if (!w->region && e->ok) {
        spie_wb_fr_euros0(c, sizeof c, e->before);
        snprintf(note, sizeof note,
                 "Fenêtre de l'enveloppe : seuls les paiements de %s à %s comptent dans l'enveloppe. Le payé par "
                 "l'État aux territoires « depuis 2020 » compte aussi les paiements d'avant la fenêtre (%s)%s ; les "
                 "frais nationaux de fonctionnement (NAT) ne sont les dépenses d'aucun territoire : ils comptent dans "
                 "l'enveloppe, dans aucun total territorial.",
                 a, b, c, e->after ? " et ceux d'après sa fin" : "");
        r = spie_wb_para(w, pg, r, note, w->f.note);
    } else {
        snprintf(note, sizeof note,
                 "Le payé par l'État « depuis 2020 » compte les paiements de 2020, avant la fenêtre de l'enveloppe "
                 "nationale (%s à %s) ; les frais nationaux de fonctionnement (NAT) n'entrent dans aucun total "
                 "territorial.",
                 a, b);
        r = spie_wb_para(w, pg, r, note, w->f.note);
    }
    int over, neg, negt;
    budget_counts(w, &over, &neg, &negt);
    if (over) {
        snprintf(note, sizeof note,
                 "Taux d'engagement au-dessus de 100 %% : %d territoire%s %s engagé plus que %s allocation de l'État ; "
                 "le taux rapporte l'engagé à l'allocation tel quel (feuille Budget).",
                 over, over > 1 ? "s" : "", over > 1 ? "ont" : "a", over > 1 ? "leur" : "son");
        r = spie_wb_para(w, pg, r, note, w->f.note);
    }
    if (neg) {
        snprintf(note, sizeof note,
                 "Paiements mensuels négatifs : %d mois de paiements, dans %d territoire%s, sont négatifs ; ce sont "
                 "des corrections (reversements, annulations) enregistrées le mois où elles ont lieu, et elles "
                 "diminuent le cumul.",
                 neg, negt, negt > 1 ? "s" : "");
        r = spie_wb_para(w, pg, r, note, w->f.note);
    }
    return r;
}

/* Tableau (national): the envelope in three lines that sum, and the projection. */
static lxw_row_t envelope_table(spie_wb *w, spie_wb_page *pg, lxw_row_t r, const layout *l)
{
    const spie_params *p = w->in->params;
    envelope e = envelope_of(w);
    char a[48], b[48], last[48], t[240];
    spie_wb_fr_month(a, sizeof a, p->window_start);
    spie_wb_fr_month(b, sizeof b, p->window_end);
    spie_wb_fr_month(last, sizeof last, w->period < p->window_end ? w->period : p->window_end);
    r = spie_wb_table_title(w, pg, r, "L'enveloppe de l'État : ce qui est payé et ce qui reste");
    char name_head[80];
    snprintf(name_head, sizeof name_head, "Nom dans %s", w->csv_name);
    const char *heads[5] = {"Enveloppe", "Montant", "Borne basse", "Borne haute", "Mois de l'ajustement"};
    const char *name_heads[1] = {name_head};
    spie_wb_header_row(w, pg, r, 0, heads, 5);
    spie_wb_header_row(w, pg, r++, l->name, name_heads, 1);
    spie_wb_page_take(w, pg, r, 4 * SPIE_WB_ROW);
    money_line(w, pg, r++, l, "Enveloppe nationale de l'État", e.ok, e.v, "enveloppe");
    if (w->period >= p->window_start)
        snprintf(t, sizeof t, "= payé aux territoires de %s à %s", a, last);
    else
        snprintf(t, sizeof t, "= payé aux territoires dans la fenêtre (aucun mois avant %s)", a);
    money_line(w, pg, r++, l, t, e.ok, e.territories, "(calculé : voir la note)");
    money_line(w, pg, r++, l, "+ frais nationaux de fonctionnement (NAT) payés dans la fenêtre", e.ok, e.nat,
               "(calculé : voir la note)");
    money_line(w, pg, r++, l, "+ reste de l'enveloppe", e.ok, e.rest, "reste_enveloppe");
    static const spie_ind proj[3] = {SPIE_IND_PROJECTION_PAYE_FIN, SPIE_IND_PROJECTION_PART_ENVELOPPE,
                                     SPIE_IND_PROJECTION_EPUISEMENT_DANS_MOIS};
    for (size_t i = 0; i < 3; i++, r++) {
        r = spie_wb_data_row(w, pg, r, SPIE_WB_ROW);
        spie_ind_id id = spie_id(proj[i], 0);
        const spie_figure *f = spie_wb_fig(w, &w->units[0], id);
        char name[SPIE_IND_NAME_MAX];
        spie_ind_name(id, p, name, sizeof name);
        if (i == 0)
            snprintf(t, sizeof t, "Projection du payé cumulé à fin %s (intervalle de prédiction)", b);
        else if (i == 1)
            snprintf(t, sizeof t, "Projection : part de l'enveloppe payée à fin %s", b);
        else
            snprintf(t, sizeof t, "Projection : mois où l'enveloppe serait épuisée");
        lxw_format *fmt = spie_wb_unit_format(w, id);
        spie_wb_text(w, pg->ws, r, 0, t, w->f.text);
        spie_wb_value(w, pg->ws, r, l->value, f, fmt);
        spie_wb_interval(w, pg->ws, r, l->lo, f, fmt ? fmt : w->f.money);
        spie_wb_effectif(w, pg->ws, r, l->eff, f);
        spie_wb_text(w, pg->ws, r, l->name, name, w->f.text);
    }
    spie_wb_table_end(pg);
    char va[48], vb[48], vc[48], vd[48], note[900];
    if (e.ok) {
        spie_wb_fr_euros0(va, sizeof va, e.v);
        spie_wb_fr_euros0(vb, sizeof vb, e.territories);
        spie_wb_fr_euros0(vc, sizeof vc, e.nat);
        spie_wb_fr_euros0(vd, sizeof vd, e.rest);
        snprintf(note, sizeof note,
                 "Lecture : sur l'enveloppe de %s, l'État a payé %s aux territoires et %s de frais nationaux entre %s "
                 "et %s ; il reste %s. Les trois montants font la somme de l'enveloppe (payé aux territoires = leur "
                 "payé cumulé à fin %s moins celui d'avant %s, tirés de la feuille Budget ; frais nationaux = "
                 "enveloppe − reste − payé aux territoires).",
                 va, vb, vc, a, last, vd, last, a);
        r = spie_wb_para(w, pg, r, note, w->f.note);
    }
    snprintf(note, sizeof note,
             "Projection : droite des moindres carrés du payé cumulé de l'enveloppe sur les %d derniers mois, "
             "prolongée jusqu'à %s ; l'intervalle de prédiction donne la fourchette où le payé cumulé devrait se "
             "trouver à cette date si la tendance se poursuit.",
             p->projection_months, b);
    r = spie_wb_para(w, pg, r, note, w->f.note);
    r = money_notes(w, pg, r, &e);
    char signs[600];
    spie_wb_fr_signs(w, SPIE_WB_SIGNS_EXHAUSTION, signs, sizeof signs);
    return spie_wb_para(w, pg, r, signs, w->f.note);
}

void spie_wb_sheet_synthese(spie_wb *w)
{
    spie_wb_page pg;
    lxw_worksheet *ws = spie_wb_page_open(w, &pg, "Synthèse");
    if (!ws)
        return;
    layout l = layout_of(w);
    /* label, value, bounds, effectif; France and rank; the comparison; the name */
    static const double nat_w[6] = {66, 16, 12, 12, 12, 40};
    static const double reg_w[8] = {58, 15, 11, 11, 11, 15, 14, 30};
    static const double prev_w[4] = {14, 14, 14, 10}; /* "29 951 070 €", "septembre 2023" */
    const double *bw = w->region ? reg_w : nat_w;
    for (lxw_col_t c = 0; c < l.name; c++)
        spie_wb_page_width(w, &pg, c, l.has_prev && c >= l.prev ? prev_w[c - l.prev] : bw[c]);
    spie_wb_page_width(w, &pg, l.name, w->region ? reg_w[7] : nat_w[5]);
    pg.ncols = l.ncols;
    lxw_row_t r = synthese_head(w, &pg);
    r = key_table(w, &pg, r, &l) + 1;
    if (!w->region)
        r = envelope_table(w, &pg, r, &l) + 1;
    else
        r = money_notes(w, &pg, r, &(envelope){0}) + 1;
    /* the charts, printed; their data below the printed area */
    int side, funnel;
    spie_wb_chart_rows(&pg, &side, &funnel);
    lxw_row_t d = (lxw_row_t)(r + side + funnel + 12);
    lxw_row_t data_title = d - 2;
    r = spie_wb_synthese_charts(w, &pg, r, &d, l.ncols);
    spie_wb_check(w, worksheet_print_area(ws, 0, 0, r, (lxw_col_t)(l.ncols - 1)));
    spie_wb_text(w, ws, data_title, 0,
                 "Données des graphiques (non imprimées ; une case vide est un chiffre non publié)", w->f.subtitle);
    spie_wb_page_close(w, &pg);
}

void spie_wb_key_previous(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_change *ch,
                          spie_month prev_period, lxw_format *fmt)
{
    char pm[24];
    spie_wb_fr_month(pm, sizeof pm, prev_period);
    /* centred, so that it does not read as one with the numbers on either side */
    spie_wb_text(w, ws, r, c + 1, pm, w->f.mark);
    if (!ch || !ch->present) {
        /* s or nd on either side: no change, so that the secret cannot be undone (§11) */
        spie_wb_text(w, ws, r, c, "non comparé", w->f.mark);
        return;
    }
    lxw_format *sgn = fmt == w->f.pct ? w->f.pct_sgn : fmt == w->f.days ? w->f.days_sgn : w->f.real_sgn;
    switch (ch->unit) {
    case SPIE_CHANGE_COUNT:
        spie_wb_number(w, ws, r, c, (double)ch->prev_ival, w->f.count);
        spie_wb_number(w, ws, r, c + 2, (double)ch->ecart_ival, w->f.count_sgn);
        break;
    case SPIE_CHANGE_MONEY:
        spie_wb_cents(w, ws, r, c, ch->prev_ival);
        spie_wb_number(w, ws, r, c + 2, (double)ch->ecart_ival / 100.0, w->f.money_sgn);
        break;
    case SPIE_CHANGE_DAYS:
        spie_wb_number(w, ws, r, c, (double)ch->prev_ival, fmt ? fmt : w->f.count);
        spie_wb_number(w, ws, r, c + 2, (double)ch->ecart_ival, fmt ? sgn : w->f.count_sgn);
        break;
    case SPIE_CHANGE_REAL:
        spie_wb_number(w, ws, r, c, ch->prev_real, fmt ? fmt : w->f.real);
        spie_wb_number(w, ws, r, c + 2, ch->ecart_real, sgn);
        break;
    case SPIE_CHANGE_MONTH: {
        spie_month m;
        if (spie_month_parse_iso(ch->prev_text, strlen(ch->prev_text), &m)) {
            spie_wb_fr_month(pm, sizeof pm, m);
            spie_wb_text(w, ws, r, c, pm, w->f.text);
        }
        break;
    }
    default: break;
    }
    if (ch->has_evolution)
        spie_wb_number(w, ws, r, c + 3, ch->evolution, w->f.pct_sgn);
}
