/* The Méthodologie sheet (docs/classeurs.md): for every topic a paragraph in plain French,
 * then its exact definition (docs/methodologie.md restated, with the parameter values in
 * force; no library function name: those are in docs/), then the parameters, and the files
 * read with their SHA-256. Each definition is built here from the parameters it quotes.
 *
 * It may not look a figure up: this sheet shows no figure of the table. */
#include <stdio.h>
#include <string.h>

#include "spie/date.h"
#include "spie/extract.h"
#include "spie/version.h"
#include "workbook_int.h"

typedef struct ctx {
    spie_wb *w;
    spie_wb_page *pg;
    lxw_row_t r;
} ctx;

/* A topic: its name, the plain paragraph, then the exact definition. */
/* One row of the definitions: the topic in column A, the text in B, as high as it needs. */
static void def_row(ctx *c, const char *name, const char *text, lxw_format *fmt)
{
    spie_wb *w = c->w;
    double h = spie_wb_para_height(w, c->pg, 1, 3, text, fmt);
    c->r = spie_wb_data_row(w, c->pg, c->r, h);
    if (name)
        spie_wb_text(w, c->pg->ws, c->r, 0, name, w->f.para_bold);
    spie_wb_check(w, worksheet_merge_range(c->pg->ws, c->r, 1, c->r, 3, text, fmt));
    spie_wb_check(w, worksheet_set_row(c->pg->ws, c->r, h, NULL));
    c->r++;
}

/* A topic: its name, the plain paragraph, then the exact definition. */
static void topic(ctx *c, const char *name, const char *plain, const char *exact)
{
    char t[2600];
    snprintf(t, sizeof t, "En clair : %s", plain);
    def_row(c, name, t, c->w->f.para);
    if (exact) {
        snprintf(t, sizeof t, "Définition exacte : %s", exact);
        def_row(c, NULL, t, c->w->f.note);
    }
}

static void param_text(spie_wb *w, spie_wb_page *pg, lxw_row_t *r, const char *name, const char *value)
{
    lxw_worksheet *ws = pg->ws;
    *r = spie_wb_data_row(w, pg, *r, SPIE_WB_ROW);
    spie_wb_text(w, ws, *r, 0, name, w->f.text);
    spie_wb_text(w, ws, *r, 1, value, w->f.text);
    (*r)++;
}

static void param_num(spie_wb *w, spie_wb_page *pg, lxw_row_t *r, const char *name, double v, lxw_format *fmt)
{
    lxw_worksheet *ws = pg->ws;
    *r = spie_wb_data_row(w, pg, *r, SPIE_WB_ROW);
    spie_wb_text(w, ws, *r, 0, name, w->f.text);
    spie_wb_number(w, ws, *r, 1, v, fmt);
    (*r)++;
}

/* Period, population, territories, late territories, activity counts. */
static void defs_population(ctx *c)
{
    spie_wb *w = c->w;
    char t[2048], pm[32];
    snprintf(t, sizeof t,
             "La période traitée P est %s ; la date de référence D est son dernier jour, le %s. Tous les chiffres "
             "sont arrêtés à cette date.",
             w->period_words, w->ref_text);
    topic(c, "Période et date de référence", t, NULL);
    topic(c, "Population",
          "les personnes suivies sont les bénéficiaires que les territoires du programme ont déclarés dans leurs "
          "extraits mensuels ; chaque territoire envoie chaque mois trois extraits (bénéficiaires, étapes du "
          "parcours, budget), dont chacun reprend tout l'historique.",
          "les bénéficiaires acceptés des extraits retenus pour la période (pour chaque territoire et chaque type "
          "d'extrait, le fichier du mois le plus récent antérieur ou égal à P). Pour un bénéficiaire : E est sa date "
          "d'entrée ; pour chaque étape, la date acceptée la plus ancienne ; la reprise durable est la plus ancienne "
          "REPRISE de type EMPLOI_DURABLE ou CREATION_ENTREPRISE ; la sortie est la première SORTIE. Les durées sont "
          "des nombres entiers de jours (date2 − date1) ; « h mois après d » est le même jour h mois plus tard, "
          "ramené au dernier jour du mois s'il n'existe pas (31/01/2021 + 1 mois = 28/02/2021).");
    topic(c, "Territoires pris en compte",
          "un territoire dont un extrait manque ou ne peut pas être lu n'est pas compté comme zéro : ses chiffres "
          "sont « nd » et il n'entre pas dans les totaux de sa région, de sa vague et de la France, qui sont alors "
          "partiels (p).",
          "les indicateurs « personnes » d'un territoire n'existent que si ses extraits bénéficiaires et étapes sont "
          "tous deux utilisables ; sinon ses chiffres sont nd et il est écarté des agrégats (région, vague, France). "
          "Ses indicateurs budgétaires existent quand son extrait budget est utilisable ; son allocation est "
          "toujours publiée sur sa ligne. Chaque région, vague et la France publient les territoires attendus, pris "
          "en compte, pris en compte pour le budget, et en retard.");
    spie_wb_fr_month(pm, sizeof pm, w->period);
    snprintf(t, sizeof t,
             "un territoire en retard (r) n'a pas encore envoyé ses extraits de %s : on prend ses plus récents. Ils "
             "disent tout de son passé mais rien du dernier mois : ses chiffres de ce mois sont « nd », jamais 0, et "
             "les totaux qui le comptent sont partiels (p).",
             pm);
    topic(c, "Territoires en retard", t,
          "un territoire est en retard pour un type d'extrait quand l'extrait retenu est d'un mois antérieur à P. "
          "Pour son département, les entrés dans le mois sont nd quand son extrait bénéficiaires est en retard, et le "
          "payé par l'État du mois et cumulé est nd pour chaque mois postérieur au mois de son extrait budget ; ses "
          "autres chiffres sont calculés sur ses derniers extraits. Les agrégats gardent leurs sommes sur les "
          "territoires pris en compte et comptent leurs territoires en retard.");
    topic(c, "Activité (comptes)",
          "combien de bénéficiaires sont entrés, sont encore en parcours, ont eu une solution, ont repris une "
          "activité ou sont sortis du programme ; chaque bénéficiaire compte une fois par ligne.",
          "entrants : E ≤ D ; entrés dans le mois : E dans P ; en parcours : aucune SORTIE ; avec solution : au moins "
          "une SOLUTION (et, par type, au moins une de ce type) ; avec reprise : au moins une REPRISE, classée selon "
          "le type de la première ; sorties : au moins une SORTIE, classée selon le motif de la première. Quand deux "
          "REPRISE (ou SORTIE) partagent la date la plus ancienne, le type retenu est le premier de la liste des "
          "types des extraits ; une SORTIE avec motif l'emporte sur une SORTIE sans motif du même jour.");
}

/* Delays between steps: the pairs in force, statistics, Kaplan–Meier, share within target. */
static void defs_delays(ctx *c)
{
    spie_wb *w = c->w;
    const spie_params *p = w->in->params;
    char t[2048];
    size_t k = (size_t)snprintf(t, sizeof t,
                                "pour une paire d'étapes (A, B) : population = bénéficiaires ayant atteint A ; délai "
                                "terminé quand B est atteinte le même jour que A ou après (délai = B − A, même si B "
                                "suit la sortie) ; paire incohérente quand B est datée avant A (exclue de toute "
                                "statistique de délai) ; délai en cours (censuré) sinon, suivi jusqu'à la date de "
                                "référence ou la sortie si elle vient avant. Paires en vigueur :");
    for (size_t i = 0; i < p->n_pairs && k < sizeof t; i++) {
        char pl[80];
        spie_wb_pair_label(&p->pairs[i], false, pl, sizeof pl);
        k += (size_t)snprintf(t + k, sizeof t - k, "%s %s (cible %d jours)", i ? " ;" : "", pl, p->pairs[i].target);
    }
    if (k < sizeof t)
        snprintf(t + k, sizeof t - k, ".");
    topic(c, "Délais entre étapes",
          "un délai est le nombre de jours entre deux étapes du parcours. Il est terminé quand la seconde étape est "
          "franchie ; il est en cours (« censuré ») tant qu'elle ne l'est pas : on sait seulement qu'il dépasse déjà "
          "le temps écoulé.",
          t);
    topic(c, "Statistiques des délais terminés",
          "la moyenne, la médiane et les quartiles ne portent que sur les délais terminés : ils sont courts quand "
          "beaucoup de bénéficiaires attendent encore.",
          "moyenne, écart-type (dénominateur n − 1 ; nd pour un seul délai), minimum, 1er quartile, médiane, 3e "
          "quartile, 9e décile et maximum des délais terminés ; les quantiles sont ceux de la définition usuelle par "
          "interpolation linéaire entre les délais triés (type 7 de Hyndman et Fan).");
    topic(c, "Médiane de Kaplan–Meier",
          "c'est la durée au bout de laquelle la moitié des bénéficiaires ont franchi l'étape, en comptant aussi ceux "
          "qui attendent encore : chacun compte tant qu'on l'a suivi. Elle est plus longue que la médiane des délais "
          "terminés quand beaucoup attendent encore, et « non atteinte » quand moins de la moitié ont franchi l'étape "
          "au terme du plus long suivi observé.",
          "durées en jours entiers. À chaque durée t où au moins un bénéficiaire franchit l'étape : S(t) = S(t−) × (1 "
          "− d_t / n_t), d_t franchissements en t, n_t bénéficiaires encore suivis juste avant t (un délai en cours "
          "arrêté en t est encore suivi en t). La médiane est la plus petite durée t où S(t) < 0,5 ; si S vaut "
          "exactement 0,5 entre deux durées t_j et t_j+1, la médiane est (t_j + t_j+1) / 2. Elle est non atteinte "
          "quand S ne passe jamais sous 0,5, ou reste à 0,5 depuis la dernière durée de franchissement.");
    char lv[16];
    spie_wb_fr_level(lv, sizeof lv, p->level);
    snprintf(t, sizeof t,
             "part des bénéficiaires dont le délai est terminé en « cible » jours au plus (borne comprise), parmi ceux "
             "de la population qui ne sont pas en paire incohérente et dont A + cible ≤ D, sortis ou non ; avec son "
             "intervalle de confiance à %s.",
             lv);
    topic(c, "Part dans la cible",
          "la part des bénéficiaires qui ont franchi l'étape dans le délai visé (la cible), parmi ceux qui ont eu le "
          "temps de le faire.",
          t);
}

/* Return rates, incidence curve, intervals, breakdowns. */
static void defs_returns(ctx *c)
{
    spie_wb *w = c->w;
    const spie_params *p = w->in->params;
    char t[2048], lv[16], h[128];
    spie_wb_fr_level(lv, sizeof lv, p->level);
    spie_wb_fr_horizons(h, sizeof h, p);
    snprintf(t, sizeof t,
             "pour chaque horizon h (%s mois) : éligibles = bénéficiaires entrés depuis h mois au moins à la date de "
             "référence ; succès = éligibles dont la première REPRISE a lieu au plus tard h mois après l'entrée ; "
             "taux = succès / éligibles, avec son intervalle de confiance à %s. Le taux de reprise durable fait de même "
             "avec la reprise durable. Sans éligible, le taux est nd (jamais 0).",
             h, lv);
    topic(c, "Taux de reprise d'activité",
          "la part des bénéficiaires qui ont repris une activité dans les h mois qui ont suivi leur entrée, parmi "
          "ceux entrés depuis h mois au moins (les autres n'ont pas encore eu le temps).",
          t);
    topic(c, "Incidence cumulée de la reprise",
          "pour chaque durée depuis l'entrée, la part des bénéficiaires qui ont repris une activité, en tenant compte "
          "de ceux entrés trop récemment pour être suivis aussi longtemps.",
          "estimation de Kaplan–Meier sur le temps entre l'entrée et la première REPRISE, suivi arrêté à la date de "
          "référence ou à la sortie ; publiée comme 1 − S(t) pour t = 0, 30, 60, …, 720 jours, avec sa médiane ; nd "
          "au-delà de la plus grande durée observée du groupe.");
    if (p->clopper_pearson)
        snprintf(t, sizeof t,
                 "intervalle exact de Clopper–Pearson au niveau de %s pour x succès sur n : bornes tirées de la loi "
                 "bêta, basse Beta⁻¹(α/2 ; x, n − x + 1) (0 quand x = 0), haute Beta⁻¹(1 − α/2 ; x + 1, n − x) (1 "
                 "quand x = n), α = 1 − niveau. Non disponible quand n = 0.",
                 lv);
    else
        snprintf(t, sizeof t,
                 "intervalle de Wilson au niveau de %s pour x succès sur n : z = quantile de la loi normale en "
                 "1 − α/2 (α = 1 − niveau ; 1,96 à 95 %%), p = x/n, centre (p + z²/(2n)) / (1 + z²/n), demi-largeur "
                 "z·√(p(1 − p)/n + z²/(4n²)) / (1 + z²/n). Non disponible quand n = 0.",
                 lv);
    char plain[600];
    snprintf(plain, sizeof plain,
             "un taux calculé sur quelques centaines de personnes pourrait être un peu différent avec d'autres "
             "personnes ; l'intervalle de confiance à %s est la fourchette où se trouve le vrai taux avec une "
             "confiance de %s. Elle est d'autant plus large que l'effectif est petit.",
             lv, lv);
    topic(c, "Intervalles de confiance", plain, t);
    /* the paragraph of docs/methodologie.md §12 meant for this sheet, then the exact rule */
    snprintf(t, sizeof t,
             "pour chaque horizon h (%s mois) et chaque sorte de reprise (toute reprise, reprise durable), sur les "
             "éligibles et les succès du taux de reprise. Strates : public (allocataires du RSA, jeunes, demandeurs "
             "d'emploi, travailleurs handicapés) × tranche d'âge à l'entrée (moins de 26 ans, 26 à 49 ans, 50 ans ou "
             "plus, non renseignée), 16 strates. Taux national de la strate s : p_s = x_s / n_s, succès sur éligibles "
             "de la strate dans tous les territoires pris en compte (une strate sans éligible n'a ni taux ni poids). "
             "Pour un groupe (département, région, vague) de n éligibles, dont n_s dans la strate s, et de O succès : "
             "reprises attendues E = Σ n_s × p_s ; taux attendu = E / n (nd quand n = 0) ; ratio = O / E, avec "
             "l'intervalle exact de Poisson à %s : borne basse = q(α/2 ; 2O) / (2E) (0 quand O = 0), borne haute = "
             "q(1 − α/2 ; 2O + 2) / (2E), où q(p ; ν) est le quantile d'ordre p de la loi du khi-deux à ν degrés de "
             "liberté et α = 1 − niveau ; nd quand n = 0 ou E = 0. Taux standardisé = ratio × taux de reprise de la "
             "France (tous les succès sur tous les éligibles), son intervalle = les bornes du ratio × ce même taux. "
             "La France (ratio 1 par construction) et les ventilations n'ont pas ces chiffres. Secret statistique : "
             "les trois chiffres d'un taux sont masqués (s) dès que ce taux l'est ; sinon ils suivent la règle du "
             "taux (dénominateur, numérateur et son complément).",
             h, lv);
    topic(c, "Taux sur la structure nationale des publics",
          "le taux de reprise d'un territoire dépend de ses publics. Pour comparer les territoires à publics égaux, "
          "on calcule, pour chaque strate public × tranche d'âge à l'entrée (16 strates), le taux de reprise "
          "national, puis le nombre de reprises qu'aurait le territoire si chacune de ses strates reprenait à ce taux "
          "(reprises attendues). Le ratio reprises observées / reprises attendues vaut plus de 1 quand le territoire "
          "fait mieux que ses publics ne le laissaient attendre ; son intervalle de confiance est l'intervalle exact "
          "de Poisson. Le taux standardisé est ce ratio multiplié par le taux national : c'est le taux du territoire "
          "ramené à la structure nationale des publics. Ces chiffres sont masqués quand le taux de reprise du "
          "territoire l'est.",
          t);
    topic(c, "Ventilations",
          "les chiffres de la France et de chaque région sont aussi donnés par public, par sexe, par âge et par "
          "trimestre d'entrée.",
          "public (allocataires du RSA, jeunes, demandeurs d'emploi, travailleurs handicapés), sexe (femmes, hommes, "
          "non renseigné), âge à l'entrée (année de E − année de naissance : moins de 26 ans, 26 à 49 ans, 50 ans ou "
          "plus, non renseigné) et trimestre civil de l'entrée (seulement les trimestres qui comptent un entrant).");
}

/* Budget, monthly series, the envelope, the projection, unit costs. */
static void defs_budget(ctx *c)
{
    spie_wb *w = c->w;
    const spie_params *p = w->in->params;
    char t[2048], a[64], b[64], lv[16], env[64], plain[700];
    spie_wb_fr_level(lv, sizeof lv, p->level);
    spie_wb_fr_euros0(env, sizeof env, p->envelope);
    topic(c, "Budget",
          "ce que l'État a alloué, engagé et payé à chaque territoire, et ce que les cofinanceurs ont payé. Un taux "
          "d'engagement au-dessus de 100 % est un engagement au-delà de l'allocation ; un paiement mensuel négatif "
          "est une correction (reversement, annulation).",
          "sommes exactes en centimes ; les taux sont calculés à partir des centimes. Seules les lignes du financeur "
          "ÉTAT sont de l'argent de l'État, les autres sont des cofinancements (POLE_EMPLOI compté comme "
          "FRANCE_TRAVAIL). Par territoire : allocation de l'État (table des territoires), engagé et payé par l'État "
          "(mois ≤ P, depuis 2020), taux d'engagement et de consommation rapportés à l'allocation (nd quand elle est "
          "nulle), cofinancements payés par financeur. Région, vague et France : sommes sur les territoires dont "
          "l'extrait budget est utilisable, allocation comprise. Les lignes nationales (NAT) n'entrent dans aucun "
          "total, taux ou coût territorial : elles sont publiées à part, au niveau national.");
    spie_wb_fr_month(a, sizeof a, p->window_start);
    snprintf(t, sizeof t,
             "payé par l'État dans le mois et cumulé (paiements de 2020 compris dans le cumul) pour chaque mois "
             "de %s à P ; le cumul du mois P est le payé par l'État.",
             a);
    topic(c, "Séries mensuelles",
          "mois par mois, ce que l'État a payé et son cumul ; le premier mois compte aussi les paiements de 2020.", t);
    spie_wb_fr_month(a, sizeof a, p->window_start);
    spie_wb_fr_month(b, sizeof b, p->window_end);
    snprintf(plain, sizeof plain,
             "l'État a prévu %s pour tout le programme, à dépenser de %s à %s. L'enveloppe compte les paiements aux "
             "territoires et les frais nationaux de fonctionnement de cette période : enveloppe = payé aux "
             "territoires + frais nationaux + reste.",
             env, a, b);
    snprintf(t, sizeof t,
             "enveloppe V = %s d'argent de l'État pour tout le programme, sur la fenêtre de %s à %s. Au niveau "
             "national, sur l'argent de l'État des territoires et de NAT des seuls mois de la fenêtre : part de "
             "l'enveloppe allouée (somme des allocations de la table des territoires / V), engagée et payée (/ V), "
             "reste (V − payé), et les séries mensuelles du payé.",
             env, a, b);
    topic(c, "Enveloppe nationale", plain, t);
    snprintf(plain, sizeof plain,
             "on prolonge la tendance des %d derniers mois de paiements jusqu'à la fin de la fenêtre (%s) pour "
             "estimer ce qui sera payé alors, avec une fourchette, et le mois où l'enveloppe serait épuisée à ce "
             "rythme.",
             p->projection_months, b);
    snprintf(t, sizeof t,
             "droite des moindres carrés ordinaires du payé cumulé de l'enveloppe (euros) sur l'indice du mois "
             "(0 = %s), sur les %d derniers mois jusqu'à min(P, %s), 3 points au moins (sinon nd). Valeur au dernier "
             "mois de la fenêtre avec son intervalle de prédiction à %s (loi de Student à n − 2 degrés de liberté) ; "
             "part de l'enveloppe correspondante ; mois d'épuisement = premier mois, à partir de P, où la droite "
             "atteint V (« non atteint avant fin %s » s'il ne l'est pas avant la fin de la fenêtre, ou si la pente est "
             "nulle ou négative ; le fichier des indicateurs le donne en nombre de mois après P).",
             a, p->projection_months, b, lv, b);
    topic(c, "Projection", plain, t);
    topic(c, "Coûts unitaires",
          "ce que l'État a payé par bénéficiaire entré, et par bénéficiaire qui a repris une activité.",
          "payé par l'État / entrants (coût par entrant) et / bénéficiaires avec une reprise (coût par reprise), "
          "arrondis au centime, sur les territoires pris en compte à la fois pour les personnes et pour le budget ; "
          "l'effectif est le diviseur.");
}

/* The statistical secret, the signs, the numbers. */
static void defs_secret(ctx *c)
{
    spie_wb *w = c->w;
    const spie_params *p = w->in->params;
    char t[2048], plain[600];
    if (p->secret) {
        snprintf(plain, sizeof plain,
                 "pour qu'on ne puisse pas reconnaître une personne, un chiffre qui porte sur moins de %d personnes est "
                 "remplacé par « s », ainsi qu'un chiffre qui permettrait de le retrouver par soustraction.",
                 p->secret_k);
        snprintf(t, sizeof t,
                 "appliqué, seuil k = %d. Secret primaire : un compte n avec 1 ≤ n < k est remplacé par s ; une "
                 "statistique (taux, moyenne, quantile, médiane, coût unitaire) calculée sur une population ou un "
                 "dénominateur inférieur à k aussi, ainsi qu'un taux dont le numérateur ou son complément est entre 1 "
                 "et k − 1. Secret secondaire : dans un tableau qui montre un total, quand une ligne a une seule case "
                 "masquée, la plus petite autre case non nulle de la ligne est masquée aussi. Zéro reste 0 ; le "
                 "masquage ne change jamais un total ; un effectif qui révélerait un chiffre masqué est masqué (s).",
                 p->secret_k);
    } else {
        snprintf(plain, sizeof plain, "ce classeur n'applique pas le secret statistique : il est à diffusion restreinte.");
        snprintf(t, sizeof t,
                 "non appliqué (option explicite) : diffusion restreinte, les chiffres sur de petits effectifs ne "
                 "sont pas masqués.");
    }
    topic(c, "Secret statistique", plain, t);
    snprintf(t, sizeof t,
             "s : secret statistique ; nd : non disponible (aucune donnée pour le calculer) ; non atteinte : médiane "
             "non atteinte ; non atteint avant fin … : mois d'épuisement au-delà de la fenêtre ; (r) territoire en "
             "retard ; (m) extrait manquant ou inutilisable ; (p) chiffre partiel. Un effectif masqué est « s », "
             "celui d'un taux non disponible est 0 ou « nd ».");
    topic(c, "Signes", "chaque signe a un seul sens, rappelé sous chaque tableau.", t);
    snprintf(t, sizeof t,
             "les classeurs et le fichier %s sont tirés de la même table : chaque chiffre est le même. Les classeurs "
             "montrent les taux en pourcentage à une décimale (« 18,4 %% »), les délais à une décimale et les montants "
             "à l'euro ; le fichier garde la pleine précision (montants au centime).",
             w->csv_name);
    topic(c, "Nombres", "les chiffres des classeurs sont arrondis pour la lecture ; le fichier des indicateurs les donne "
                        "en entier.",
          t);
}

/* The parameters in force from row r. Returns the row after them. */
static lxw_row_t params_table(spie_wb *w, spie_wb_page *pg, lxw_row_t r)
{
    const spie_params *p = w->in->params;
    lxw_worksheet *ws = pg->ws;
    char t[2048], a[64], b[64];
    spie_wb_fr_month(a, sizeof a, p->window_start);
    spie_wb_fr_month(b, sizeof b, p->window_end);
    r = spie_wb_table_title(w, pg, r, "Paramètres en vigueur");
    static const char *const ph[2] = {"Paramètre", "Valeur"};
    spie_wb_header_row(w, pg, r, 0, ph, 2);
    r++;
    param_text(w, pg, &r, "Période", w->period_words);
    r = spie_wb_data_row(w, pg, r, SPIE_WB_ROW);
    spie_wb_text(w, ws, r, 0, "Date de référence", w->f.text);
    spie_wb_day(w, ws, r++, 1, w->ref_day, w->f.date);
    param_num(w, pg, &r, "Enveloppe nationale V", (double)p->envelope / 100.0, w->f.money);
    snprintf(t, sizeof t, "de %s à %s", a, b);
    param_text(w, pg, &r, "Fenêtre de l'enveloppe", t);
    spie_wb_fr_horizons(t, sizeof t, p);
    param_text(w, pg, &r, "Horizons de reprise d'activité (mois)", t);
    for (size_t i = 0; i < p->n_pairs; i++) {
        char name[120], pl[80];
        spie_wb_pair_label(&p->pairs[i], false, pl, sizeof pl);
        snprintf(name, sizeof name, "Délai %s", pl);
        snprintf(t, sizeof t, "cible %d jours (%s dans le fichier des indicateurs)", p->pairs[i].target,
                 p->pairs[i].code);
        param_text(w, pg, &r, name, t);
    }
    param_num(w, pg, &r, "Niveau de confiance", p->level, w->f.pct);
    param_text(w, pg, &r, "Intervalle des parts et des taux", p->clopper_pearson ? "Clopper–Pearson (exact)" : "Wilson");
    param_text(w, pg, &r, "Secret statistique appliqué", p->secret ? "oui" : "non (diffusion restreinte)");
    param_num(w, pg, &r, "Seuil du secret statistique k", p->secret_k, w->f.count);
    param_num(w, pg, &r, "Mois de l'ajustement de la projection K", p->projection_months, w->f.count);
    param_num(w, pg, &r, "Taux de lignes rejetées au-delà duquel le traitement signale une erreur",
              p->reject_alert_rate, w->f.pct);
    snprintf(t, sizeof t, "%s %s", SPIE_ENGINE, spie_wb_version(w));
    param_text(w, pg, &r, "Moteur de calcul (version)", t);
    spie_wb_table_end(pg);
    return r;
}

/* Whether a file read belongs to the workbook: every one for the national workbook, those
 * of the région's départements for a regional one. */
static bool input_in_scope(const spie_wb *w, const char *path)
{
    if (!w->region)
        return true;
    const char *base = strrchr(path, '/');
    spie_extract_name nm;
    if (spie_extract_name_parse(base ? base + 1 : path, &nm) != SPIE_NAME_OK)
        return false;
    const spie_dept *d = spie_dept_find(nm.dept, strlen(nm.dept));
    return d && spie_wb_in_scope(w, d);
}

/* The files read, with their SHA-256 (or a pointer to the manifest), two to a row, from
 * row r. */
static void inputs_table(spie_wb *w, spie_wb_page *pg, lxw_row_t r)
{
    lxw_worksheet *ws = pg->ws;
    r = spie_wb_table_title(w, pg, r,
                            w->region ? "Fichiers lus pour la région et leur empreinte SHA-256"
                                      : "Fichiers lus et leur empreinte SHA-256");
    static const char *const ih[4] = {"Fichier (chemin dans la boîte de dépôt)", "Empreinte SHA-256",
                                      "Fichier (chemin dans la boîte de dépôt)", "Empreinte SHA-256"};
    spie_wb_header_row(w, pg, r, 0, ih, 4);
    r++;
    const spie_plan *plan = w->in->plan;
    size_t n = w->in->inputs ? w->in->n_inputs : plan->n_entries, k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = w->in->inputs ? w->in->inputs[i].name : plan->entries[i].file;
        const char *sha = w->in->inputs ? w->in->inputs[i].sha256 : "voir manifest.json";
        if (!name || !input_in_scope(w, name))
            continue;
        lxw_col_t c = (lxw_col_t)(2 * (k % 2));
        if (c == 0)
            r = spie_wb_data_row(w, pg, r, SPIE_WB_ROW);
        spie_wb_text(w, ws, r, c, name, w->f.small);
        spie_wb_text(w, ws, r, (lxw_col_t)(c + 1), sha, w->f.small);
        if (c == 2)
            r++;
        k++;
    }
    spie_wb_table_end(pg);
}

void spie_wb_sheet_methodologie(spie_wb *w)
{
    spie_wb_page pg;
    lxw_worksheet *ws = spie_wb_page_open(w, &pg, "Méthodologie");
    if (!ws)
        return;
    /* the definitions across B .. D; the files read two to a row */
    spie_wb_page_width(w, &pg, 0, 38);
    spie_wb_page_width(w, &pg, 1, 55);
    spie_wb_page_width(w, &pg, 2, 38);
    spie_wb_page_width(w, &pg, 3, 55);
    pg.ncols = 4;
    char t[256], champ[300];
    snprintf(t, sizeof t, "Méthodologie : définitions, paramètres et fichiers lus (%s, %s)", spie_wb_scope(w),
             w->period_words);
    snprintf(champ, sizeof champ, "Champ : tous les chiffres des classeurs et du fichier %s, tirés de la même table.",
             w->csv_name);
    lxw_row_t r = spie_wb_head(
        w, &pg, t, champ,
        "Lecture : pour chaque notion, un paragraphe en clair, puis sa définition exacte avec les valeurs des "
        "paramètres de cette période : chaque chiffre peut être recalculé à partir des extraits.");
    r = spie_wb_table_title(w, &pg, r, "Définitions");
    static const char *const heads[2] = {"Notion", "En clair, puis la définition exacte"};
    lxw_row_t hdr = r;
    spie_wb_header_row(w, &pg, r, 0, heads, 2);
    spie_wb_check(w, worksheet_merge_range(ws, r, 1, r, 3, heads[1], w->f.header));
    ctx c = {w, &pg, r + 1};
    defs_population(&c);
    defs_delays(&c);
    defs_returns(&c);
    defs_budget(&c);
    defs_secret(&c);
    r = c.r;
    spie_wb_table_end(&pg);
    pg.label_cols = 1;
    worksheet_freeze_panes(ws, hdr + 1, 0);
    spie_wb_check(w, worksheet_autofilter(ws, hdr, 0, r - 1, 1));
    r = params_table(w, &pg, r + 1) + 1;
    inputs_table(w, &pg, r);
    spie_wb_page_close(w, &pg);
}
