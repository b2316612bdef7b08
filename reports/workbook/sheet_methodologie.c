/* The Méthodologie sheet (docs/sorties.md §6): how every figure is defined (docs/methodologie.md
 * restated in French, with the parameter values in force), the parameters, and the files
 * read with their SHA-256. Each definition is built here from the parameters it quotes.
 *
 * It may not look a figure up: this sheet shows no figure of the table. */
#include <stdio.h>
#include <string.h>

#include "spie/date.h"
#include "spie/version.h"
#include "workbook_int.h"

static void def_row(spie_wb *w, lxw_worksheet *ws, lxw_row_t *r, const char *topic, const char *text)
{
    spie_wb_text(w, ws, *r, 0, topic, w->f.text_bold);
    spie_wb_text(w, ws, *r, 1, text, w->f.wrap);
    (*r)++;
}

static void param_text(spie_wb *w, lxw_worksheet *ws, lxw_row_t *r, const char *name, const char *value)
{
    spie_wb_text(w, ws, *r, 0, name, w->f.text);
    spie_wb_text(w, ws, *r, 1, value, w->f.text);
    (*r)++;
}

static void param_num(spie_wb *w, lxw_worksheet *ws, lxw_row_t *r, const char *name, double v, lxw_format *fmt)
{
    spie_wb_text(w, ws, *r, 0, name, w->f.text);
    spie_wb_number(w, ws, *r, 1, v, fmt);
    (*r)++;
}

/* Period, population, durations, territories taken into account, activity counts. */
static lxw_row_t defs_population(spie_wb *w, lxw_worksheet *ws, lxw_row_t r)
{
    char t[2048];
    snprintf(t, sizeof t,
             "La période traitée P est %s ; la date de référence D est son dernier jour, le %s. Tous les chiffres "
             "sont arrêtés à cette date.",
             w->period_words, w->ref_text);
    def_row(w, ws, &r, "Période et date de référence", t);
    def_row(w, ws, &r, "Population",
            "Les bénéficiaires acceptés des extraits retenus pour la période (pour chaque territoire et chaque type "
            "d'extrait, le fichier du mois le plus récent antérieur ou égal à P), dans les territoires du programme. "
            "Pour un bénéficiaire : E est sa date d'entrée ; pour chaque étape, la date acceptée la plus ancienne ; "
            "la reprise durable est la plus ancienne REPRISE de type EMPLOI_DURABLE ou CREATION_ENTREPRISE ; la "
            "sortie est la première SORTIE.");
    def_row(w, ws, &r, "Durées",
            "Les durées sont des nombres entiers de jours : date2 − date1. add_months(d, h) est le même jour h mois "
            "plus tard, ramené au dernier jour du mois s'il n'existe pas (31/01/2021 + 1 mois = 28/02/2021 ; "
            "31/01/2020 + 1 mois = 29/02/2020).");
    def_row(w, ws, &r, "Territoires pris en compte",
            "Les indicateurs « personnes » d'un territoire n'existent que si ses extraits bénéficiaires et étapes "
            "sont tous deux utilisables ; sinon ses chiffres sont nd et il est écarté des agrégats (région, vague, "
            "France). Ses indicateurs budgétaires existent quand son extrait budget est utilisable ; son allocation "
            "est toujours publiée. Chaque région, vague et la France publient les territoires attendus, pris en "
            "compte et pris en compte pour le budget.");
    def_row(w, ws, &r, "Activité (comptes)",
            "Entrants : E ≤ D ; entrés dans le mois : E dans P ; en parcours : aucune SORTIE ; avec solution : au "
            "moins une SOLUTION (et, par type, au moins une de ce type) ; avec reprise : au moins une REPRISE, "
            "classée selon le type de la première ; sorties : au moins une SORTIE, classée selon le motif de la "
            "première. Quand deux REPRISE (ou SORTIE) partagent la date la plus ancienne, le type retenu est le "
            "premier de la liste des types des extraits ; une SORTIE avec motif l'emporte sur une SORTIE sans motif "
            "du même jour.");
    return r;
}

/* Delays between steps: the pairs in force, statistics, Kaplan–Meier, share within target. */
static lxw_row_t defs_delays(spie_wb *w, lxw_worksheet *ws, lxw_row_t r)
{
    const spie_params *p = w->in->params;
    char t[2048], lv[40];
    spie_wb_fr_level(lv, sizeof lv, p->level);
    {
        size_t k = (size_t)snprintf(t, sizeof t,
                                    "Pour une paire d'étapes (A, B) : population = bénéficiaires ayant atteint A ; "
                                    "délai terminé quand B est atteinte le même jour que A ou après (délai = B − A, "
                                    "même si B suit la sortie) ; paire incohérente quand B est datée avant A (exclue "
                                    "de toute statistique de délai) ; délai en cours (censuré) sinon, censuré à "
                                    "min(D, sortie) − A, la sortie ne comptant que si elle n'est pas antérieure à A. "
                                    "Paires en vigueur :");
        for (size_t i = 0; i < p->n_pairs && k < sizeof t; i++)
            k += (size_t)snprintf(t + k, sizeof t - k, "%s %s (%s → %s, cible %d jours)", i ? " ;" : "",
                                  p->pairs[i].code, spie_wb_endpoint_label(p->pairs[i].from),
                                  spie_wb_endpoint_label(p->pairs[i].to), p->pairs[i].target);
        if (k < sizeof t)
            snprintf(t + k, sizeof t - k, ".");
        def_row(w, ws, &r, "Délais entre étapes", t);
    }
    def_row(w, ws, &r, "Statistiques des délais",
            "Sur les délais terminés : moyenne, écart-type (dénominateur n − 1 ; nd pour un seul délai), minimum, "
            "1er quartile, médiane, 3e quartile, 9e décile et maximum ; quantiles de type 7 de Hyndman et Fan "
            "(quantile() de R par défaut, gsl_stats_quantile_from_sorted_data).");
    def_row(w, ws, &r, "Médiane de Kaplan–Meier",
            "Durées en jours entiers. À chaque durée t où survient au moins un événement : S(t) = S(t−) × (1 − d_t / "
            "n_t), d_t événements en t, n_t personnes encore à risque juste avant t (une personne censurée en t est "
            "encore à risque en t). La médiane est la plus petite durée t où S(t) < 0,5 ; si S vaut 0,5 entre deux "
            "durées d'événement t_j et t_j+1, la médiane est (t_j + t_j+1) / 2. Elle est nd (non atteinte) quand S "
            "ne passe jamais sous 0,5, ou reste à 0,5 depuis la dernière durée d'événement. Comparaison à 0,5 avec "
            "une tolérance de 1e-9.");
    snprintf(t, sizeof t,
             "Part des bénéficiaires dont le délai est terminé en « cible » jours au plus (borne comprise), parmi "
             "ceux de la population qui ne sont pas en paire incohérente et dont A + cible ≤ D, sortis ou non ; "
             "avec son intervalle de confiance à %s.",
             lv);
    def_row(w, ws, &r, "Part atteinte dans la cible", t);
    return r;
}

/* Return rates, incidence curve, intervals, breakdowns. */
static lxw_row_t defs_returns(spie_wb *w, lxw_worksheet *ws, lxw_row_t r)
{
    const spie_params *p = w->in->params;
    char t[2048], lv[40];
    spie_wb_fr_level(lv, sizeof lv, p->level);
    char h[128];
    spie_wb_fr_horizons(h, sizeof h, p);
    snprintf(t, sizeof t,
             "Pour chaque horizon h (%s mois) : éligibles = bénéficiaires avec add_months(E, h) ≤ D ; succès = "
             "éligibles dont la première REPRISE a lieu au plus tard le jour add_months(E, h) ; taux = succès / "
             "éligibles, avec son intervalle de confiance à %s. Le taux de reprise durable fait de même avec la "
             "reprise durable. Sans éligible, le taux est nd (jamais 0).",
             h, lv);
    def_row(w, ws, &r, "Taux de reprise d'activité", t);
    def_row(w, ws, &r, "Incidence cumulée de la reprise",
            "Kaplan–Meier sur le temps entre E et la première REPRISE, censuré à min(D, sortie) − E ; publiée comme "
            "1 − S(t) pour t = 0, 30, 60, …, 720 jours, avec sa médiane ; nd au-delà de la plus grande durée "
            "observée du groupe (événement ou censure).");
    if (p->clopper_pearson)
        snprintf(t, sizeof t,
                 "Intervalle exact de Clopper–Pearson au niveau de %s pour x succès sur n : borne basse "
                 "Beta⁻¹(α/2 ; x, n − x + 1) (0 quand x = 0), borne haute Beta⁻¹(1 − α/2 ; x + 1, n − x) (1 quand "
                 "x = n), α = 1 − niveau. Non disponible quand n = 0.",
                 lv);
    else
        snprintf(t, sizeof t,
                 "Intervalle de Wilson au niveau de %s pour x succès sur n : z = quantile de la loi normale en "
                 "1 − α/2 (α = 1 − niveau), p = x/n, centre (p + z²/(2n)) / (1 + z²/n), demi-largeur "
                 "z·√(p(1 − p)/n + z²/(4n²)) / (1 + z²/n) ; c'est prop.test(x, n, correct = FALSE) de R. Non "
                 "disponible quand n = 0.",
                 lv);
    def_row(w, ws, &r, "Intervalles de confiance", t);
    def_row(w, ws, &r, "Ventilations",
            "Pour la France et chaque région : public (RSA, JEUNE, DE, TH), sexe (F, M, non renseigné), âge à "
            "l'entrée (année de E − année de naissance : moins de 26 ans, 26 à 49 ans, 50 ans ou plus, non "
            "renseigné) et cohorte d'entrée (trimestre civil de E, seulement les trimestres qui comptent un "
            "entrant).");
    return r;
}

/* Budget, monthly series, the envelope, the projection, unit costs. */
static lxw_row_t defs_budget(spie_wb *w, lxw_worksheet *ws, lxw_row_t r)
{
    const spie_params *p = w->in->params;
    char t[2048], a[64], b[64], lv[40], env[64];
    spie_wb_fr_level(lv, sizeof lv, p->level);
    spie_wb_fr_euros(env, sizeof env, p->envelope);
    def_row(w, ws, &r, "Budget",
            "Sommes exactes en centimes ; les taux sont calculés à partir des centimes. Seules les lignes du "
            "financeur ÉTAT sont de l'argent de l'État, les autres sont des cofinancements (POLE_EMPLOI compté "
            "comme FRANCE_TRAVAIL). Par territoire : allocation de l'État (table des territoires), engagé et payé "
            "par l'État (mois ≤ P, depuis 2020), taux d'engagement et de consommation rapportés à l'allocation (nd "
            "quand elle est nulle), cofinancements payés par financeur. Région, vague et France : sommes sur les "
            "territoires dont l'extrait budget est utilisable, allocation comprise. Les lignes nationales (NAT) "
            "n'entrent dans aucun total, taux ou coût territorial : elles sont publiées à part, au niveau national.");
    spie_month_format(p->window_start, a);
    snprintf(t, sizeof t,
             "Payé par l'État dans le mois et cumulé (paiements de 2020 compris dans le cumul) pour chaque mois de "
             "%s à P ; le cumul du mois P est le payé par l'État.",
             a);
    def_row(w, ws, &r, "Séries mensuelles", t);
    spie_wb_fr_month(a, sizeof a, p->window_start);
    spie_wb_fr_month(b, sizeof b, p->window_end);
    {
        char t2[1400];
        snprintf(t2, sizeof t2,
                 "Enveloppe V = %s d'argent de l'État pour tout le programme, sur la fenêtre de %s à %s. Au niveau "
                 "national, sur l'argent de l'État des territoires et de NAT des seuls mois de la fenêtre : part de "
                 "l'enveloppe allouée (somme des allocations de la table des territoires / V), engagée et payée "
                 "(/ V), reste (V − payé), et les séries mensuelles du payé.",
                 env, a, b);
        def_row(w, ws, &r, "Enveloppe nationale", t2);
        snprintf(t2, sizeof t2,
                 "Moindres carrés ordinaires (gsl_fit_linear) du payé cumulé de l'enveloppe (euros) sur l'indice du "
                 "mois (0 = %s), sur les %d derniers mois jusqu'à min(P, %s), 3 points au moins (sinon nd). Valeur "
                 "au dernier mois de la fenêtre avec son intervalle de prédiction à %s (loi de Student à n − 2 "
                 "degrés de liberté) ; part de l'enveloppe correspondante ; mois d'épuisement = premier mois où la "
                 "droite atteint V (nd s'il ne l'est pas avant la fin de la fenêtre, ou si la pente est nulle ou "
                 "négative).",
                 a, p->projection_months, b, lv);
        def_row(w, ws, &r, "Projection", t2);
    }
    def_row(w, ws, &r, "Coûts unitaires",
            "Payé par l'État / entrants (coût par entrant) et / bénéficiaires avec une reprise (coût par reprise), "
            "arrondis au centime, sur les territoires pris en compte à la fois pour les personnes et pour le "
            "budget ; l'effectif est le diviseur.");
    return r;
}

/* The statistical secret, the signs, the numbers. */
static lxw_row_t defs_secret(spie_wb *w, lxw_worksheet *ws, lxw_row_t r)
{
    const spie_params *p = w->in->params;
    char t[2048];
    if (p->secret)
        snprintf(t, sizeof t,
                 "Appliqué, seuil k = %d. Secret primaire : un compte n avec 1 ≤ n < k est remplacé par s ; une "
                 "statistique (taux, moyenne, quantile, médiane, coût unitaire) calculée sur une population ou un "
                 "dénominateur inférieur à k aussi, ainsi qu'un taux dont le numérateur ou son complément est entre 1 "
                 "et k − 1. Secret secondaire : dans un tableau qui montre un total, quand une ligne a une seule case "
                 "masquée, la plus petite autre case non nulle de la ligne est masquée aussi. Zéro reste 0 ; le "
                 "masquage ne change jamais un total.",
                 p->secret_k);
    else
        snprintf(t, sizeof t,
                 "Non appliqué (option explicite) : diffusion restreinte, les chiffres sur de petits effectifs ne "
                 "sont pas masqués.");
    def_row(w, ws, &r, "Secret statistique", t);
    def_row(w, ws, &r, "Signes",
            "s : secret statistique ; nd : non disponible (pas de population éligible, médiane non atteinte, "
            "territoire sans extrait utilisable…).");
    def_row(w, ws, &r, "Nombres",
            "Les classeurs et le fichier indicateurs_<P>.csv sont tirés de la même table : chaque chiffre est le "
            "même. Les classeurs montrent les taux en pourcentage à une décimale, les délais à une décimale et les "
            "montants à l'euro ; le fichier CSV garde la pleine précision.");
    return r;
}

/* The parameters in force from row r. Returns the row after them. */
static lxw_row_t params_table(spie_wb *w, lxw_worksheet *ws, lxw_row_t r)
{
    const spie_params *p = w->in->params;
    char t[2048], a[64], b[64];
    spie_wb_fr_month(a, sizeof a, p->window_start);
    spie_wb_fr_month(b, sizeof b, p->window_end);
    spie_wb_text(w, ws, r++, 0, "Paramètres en vigueur", w->f.subtitle);
    static const char *const ph[2] = {"Paramètre", "Valeur"};
    spie_wb_header_row(w, ws, r, 0, ph, 2);
    spie_wb_check(w, worksheet_set_row(ws, r, 20, NULL));
    r++;
    param_text(w, ws, &r, "Période", w->period_words);
    spie_wb_text(w, ws, r, 0, "Date de référence", w->f.text);
    spie_wb_day(w, ws, r++, 1, w->ref_day, w->f.date);
    param_num(w, ws, &r, "Enveloppe nationale V", (double)p->envelope / 100.0, w->f.money);
    snprintf(t, sizeof t, "de %s à %s", a, b);
    param_text(w, ws, &r, "Fenêtre de l'enveloppe", t);
    spie_wb_fr_horizons(t, sizeof t, p);
    param_text(w, ws, &r, "Horizons de reprise d'activité (mois)", t);
    for (size_t i = 0; i < p->n_pairs; i++) {
        char name[64];
        snprintf(name, sizeof name, "Délai %s", p->pairs[i].code);
        snprintf(t, sizeof t, "%s → %s, cible %d jours", spie_wb_endpoint_label(p->pairs[i].from),
                 spie_wb_endpoint_label(p->pairs[i].to), p->pairs[i].target);
        param_text(w, ws, &r, name, t);
    }
    param_num(w, ws, &r, "Niveau de confiance", p->level, w->f.pct);
    param_text(w, ws, &r, "Intervalle des parts et des taux",
               p->clopper_pearson ? "Clopper–Pearson (exact)" : "Wilson");
    param_text(w, ws, &r, "Secret statistique appliqué", p->secret ? "oui" : "non (diffusion restreinte)");
    param_num(w, ws, &r, "Seuil du secret statistique k", p->secret_k, w->f.count);
    param_num(w, ws, &r, "Mois de l'ajustement de la projection K", p->projection_months, w->f.count);
    param_num(w, ws, &r, "Taux de lignes rejetées au-delà duquel le traitement signale une erreur",
              p->reject_alert_rate, w->f.pct);
    snprintf(t, sizeof t, "%s %s", SPIE_ENGINE, spie_wb_version(w));
    param_text(w, ws, &r, "Moteur de calcul (version)", t);

    return r;
}

/* The files read, with their SHA-256 (or a pointer to the manifest), from row r. */
static void inputs_table(spie_wb *w, lxw_worksheet *ws, lxw_row_t r)
{
    spie_wb_text(w, ws, r++, 0, "Fichiers lus", w->f.subtitle);
    static const char *const ih[2] = {"Fichier (chemin relatif à la boîte de dépôt)", "SHA-256"};
    spie_wb_header_row(w, ws, r, 0, ih, 2);
    spie_wb_check(w, worksheet_set_row(ws, r, 20, NULL));
    r++;
    if (w->in->inputs) {
        for (size_t i = 0; i < w->in->n_inputs; i++, r++) {
            spie_wb_text(w, ws, r, 0, w->in->inputs[i].name, w->f.text);
            spie_wb_text(w, ws, r, 1, w->in->inputs[i].sha256, w->f.text);
        }
    } else {
        const spie_plan *plan = w->in->plan;
        for (size_t i = 0; i < plan->n_entries; i++) {
            if (!plan->entries[i].file)
                continue;
            spie_wb_text(w, ws, r, 0, plan->entries[i].file, w->f.text);
            spie_wb_text(w, ws, r, 1, "voir manifest.json", w->f.text);
            r++;
        }
    }
}

void spie_wb_sheet_methodologie(spie_wb *w)
{
    lxw_worksheet *ws = spie_wb_sheet(w, "Méthodologie");
    if (!ws)
        return;
    char t[256];
    snprintf(t, sizeof t, "Méthodologie : définitions, paramètres et fichiers lus (%s, %s)", spie_wb_scope(w),
             w->period_words);
    lxw_row_t r = spie_wb_head(
        w, ws, t,
        "Champ : tous les chiffres des classeurs et du fichier indicateurs_<P>.csv, tirés de la même table.",
        "Lecture : chaque ligne définit une notion ; les valeurs des paramètres sont celles du traitement de cette "
        "période. Chaque chiffre peut être recalculé à partir des extraits (R, Python) avec ces définitions.");
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    static const double widths[2] = {34, 120};
    spie_wb_widths(w, ws, 0, widths, 2);
    static const char *const heads[2] = {"Notion", "Définition"};
    lxw_row_t hdr = r;
    spie_wb_header_row(w, ws, r, 0, heads, 2);
    spie_wb_check(w, worksheet_set_row(ws, r, 20, NULL));
    r = defs_population(w, ws, r + 1);
    r = defs_delays(w, ws, r);
    r = defs_returns(w, ws, r);
    r = defs_budget(w, ws, r);
    r = defs_secret(w, ws, r);
    worksheet_freeze_panes(ws, hdr + 1, 0);
    spie_wb_check(w, worksheet_autofilter(ws, hdr, 0, r - 1, 1));
    r = params_table(w, ws, r + 2) + 2;
    inputs_table(w, ws, r);
}
