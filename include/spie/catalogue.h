/* The indicator catalogue: what every figure of indicateurs_<P>.csv is.
 *
 * A figure's identity is a spie_ind_id: which indicator of the catalogue (a constant of
 * spie_ind, so that a misspelt indicator does not compile) and the value of its one
 * parameter, when it has one: a step or exit type, a financer, a delay pair (an index
 * into spie_params.pairs: pairs are configurable), a horizon in months, a day t, a month.
 * Its name in the CSV is derived from the identity (spie_ind_name), and the statistical
 * secret and the workbooks select figures by identity, never by the shape of a name.
 *
 * SPIE_CATALOGUE lists one row per indicator, in the order of docs/dictionnaire.md, with
 * its properties: its family (the dictionary's section), how its name is made (prefix,
 * parameter, suffix), its unit, the secret rule it falls under, the partition it belongs
 * to for the secondary secret, whether it has an interval, which groups publish it, its
 * French label (what the workbooks' columns say) and its definition. A new indicator is
 * one more row here, and the code that computes it.
 *
 * The list, column by column:
 *   ID       spie_ind constant: SPIE_IND_<ID>
 *   FAMILY   SPIE_FAM_<FAMILY>: ACTIVITE (§4), DELAI (§5), REPRISE (§6), TERRITOIRES (§8),
 *            BUDGET (§9) of the dictionary
 *   PREFIX, PARAM, SUFFIX
 *            the name is PREFIX, the parameter's text (SPIE_PARAM_<PARAM>, nothing for
 *            NONE), SUFFIX: "delai_" + "d_orient" + "_moyenne"
 *   UNIT     SPIE_UNIT_<UNIT>: the unit column of the dictionary
 *   RULE     SPIE_RULE_<RULE>: the primary secret (docs/methodologie.md §7)
 *   PART     SPIE_PART_<PART>: the partition of a cell it belongs to (secondary secret)
 *   FLAGS    SPIE_IF_* (or 0): interval, total of its partition, effectif made of its
 *            partition's counts
 *   SCOPE    SPIE_SCOPE_<SCOPE>: which groups publish it
 *   LABEL    French label; "<...>" stands for the parameter in words
 *   DEFINITION  one French sentence; "<c>", "<h>", "<t>", "<type>"... stand for the
 *            parameter
 *
 * Nothing here prints or allocates; everything is thread-safe. */
#ifndef SPIE_CATALOGUE_H
#define SPIE_CATALOGUE_H

#include "spie/params.h"

/* clang-format off */
#define SPIE_CATALOGUE(X)                                                                                          \
    /* §4 Activité: counts of persons */                                                                           \
    X(ENTRANTS, ACTIVITE, "entrants", NONE, "", PERSONS, COUNT, NONE, 0, PERSONS, "Entrants",                     \
      "Bénéficiaires entrés dans le parcours au plus tard à la date de référence.")                              \
    X(ENTRANTS_MOIS, ACTIVITE, "entrants_mois", NONE, "", PERSONS, COUNT, NONE, 0, PERSONS,                       \
      "Entrés dans le mois", "Bénéficiaires entrés pendant le mois traité.")                                      \
    X(EN_PARCOURS, ACTIVITE, "en_parcours", NONE, "", PERSONS, COUNT, NONE, 0, PERSONS,                           \
      "En parcours à la date de référence", "Bénéficiaires sans sortie enregistrée à la date de référence.")      \
    X(AVEC_SOLUTION, ACTIVITE, "avec_solution", NONE, "", PERSONS, COUNT, NONE, 0, PERSONS,                       \
      "Avec au moins une solution", "Bénéficiaires ayant au moins une solution.")                                 \
    X(SOLUTION, ACTIVITE, "solution_", SOLUTION, "", PERSONS, COUNT, NONE, 0, PERSONS, "Solution : <type>",       \
      "Bénéficiaires ayant au moins une solution de type <type>.")                                                \
    X(AVEC_REPRISE, ACTIVITE, "avec_reprise", NONE, "", PERSONS, COUNT, REPRISE, SPIE_IF_TOTAL, PERSONS,          \
      "Avec une reprise d'activité", "Bénéficiaires ayant au moins une reprise d'activité.")                       \
    X(REPRISE, ACTIVITE, "reprise_", REPRISE, "", PERSONS, COUNT, REPRISE, 0, PERSONS,                            \
      "Première reprise : <type>", "Bénéficiaires dont la première reprise d'activité est de type <type>.")        \
    X(SORTIES, ACTIVITE, "sorties", NONE, "", PERSONS, COUNT, SORTIE, SPIE_IF_TOTAL, PERSONS,                     \
      "Sorties du programme", "Bénéficiaires ayant au moins une sortie du programme.")                            \
    X(SORTIE, ACTIVITE, "sortie_", SORTIE, "", PERSONS, COUNT, SORTIE, 0, PERSONS, "Motif de sortie : <type>",    \
      "Bénéficiaires dont la première sortie a pour motif <type>.")                                               \
    /* §5 Délais: one set per configured pair <c> */                                                               \
    X(DELAI_POPULATION, DELAI, "delai_", PAIR, "_population", PERSONS, COUNT, DELAI, SPIE_IF_TOTAL, PERSONS,      \
      "Population (étape de départ atteinte)", "Bénéficiaires ayant atteint l'étape de départ A du délai <c>.")    \
    X(DELAI_TERMINES, DELAI, "delai_", PAIR, "_termines", PERSONS, COUNT, DELAI, 0, PERSONS, "Délais terminés",  \
      "Bénéficiaires ayant atteint l'étape d'arrivée B le même jour que A ou après.")                             \
    X(DELAI_CENSURES, DELAI, "delai_", PAIR, "_censures", PERSONS, COUNT, DELAI, 0, PERSONS,                      \
      "Délais en cours (censurés)", "Bénéficiaires ayant atteint A sans atteindre B (délai en cours).")           \
    X(DELAI_INCOHERENTS, DELAI, "delai_", PAIR, "_incoherents", PERSONS, COUNT, DELAI, 0, PERSONS,                \
      "Paires incohérentes (B avant A)", "Bénéficiaires dont B est daté avant A.")                                \
    X(DELAI_MOYENNE, DELAI, "delai_", PAIR, "_moyenne", DAYS, STAT, NONE, 0, PERSONS, "Moyenne (jours)",          \
      "Moyenne des délais terminés.")                                                                              \
    X(DELAI_ECART_TYPE, DELAI, "delai_", PAIR, "_ecart_type", DAYS, STAT, NONE, 0, PERSONS, "Écart-type (jours)", \
      "Écart-type des délais terminés (dénominateur n − 1).")                                                      \
    X(DELAI_MIN, DELAI, "delai_", PAIR, "_min", DAYS, STAT, NONE, 0, PERSONS, "Minimum (jours)",                  \
      "Plus court délai terminé.")                                                                                 \
    X(DELAI_P25, DELAI, "delai_", PAIR, "_p25", DAYS, STAT, NONE, 0, PERSONS, "1er quartile (jours)",             \
      "Premier quartile des délais terminés (quantile de type 7).")                                               \
    X(DELAI_MEDIANE, DELAI, "delai_", PAIR, "_mediane", DAYS, STAT, NONE, 0, PERSONS, "Médiane (jours)",          \
      "Médiane des délais terminés (quantile de type 7).")                                                         \
    X(DELAI_P75, DELAI, "delai_", PAIR, "_p75", DAYS, STAT, NONE, 0, PERSONS, "3e quartile (jours)",              \
      "Troisième quartile des délais terminés (quantile de type 7).")                                              \
    X(DELAI_P90, DELAI, "delai_", PAIR, "_p90", DAYS, STAT, NONE, 0, PERSONS, "9e décile (jours)",                \
      "Neuvième décile des délais terminés (quantile de type 7).")                                                 \
    X(DELAI_MAX, DELAI, "delai_", PAIR, "_max", DAYS, STAT, NONE, 0, PERSONS, "Maximum (jours)",                  \
      "Plus long délai terminé.")                                                                                  \
    X(DELAI_KM_MEDIANE, DELAI, "delai_", PAIR, "_km_mediane", DAYS, STAT, DELAI, SPIE_IF_EFFECTIF_OF_PART,        \
      PERSONS, "Médiane de Kaplan–Meier (jours, délais en cours compris)",                                       \
      "Médiane de Kaplan–Meier du délai de A à B, délais en cours compris, paires inversées exclues.")           \
    X(DELAI_PART_CIBLE, DELAI, "delai_", PAIR, "_part_cible", SHARE, RATE, NONE, SPIE_IF_INTERVAL, PERSONS,       \
      "Part atteinte dans la cible",                                                                               \
      "Part des bénéficiaires dont le délai est terminé dans la cible de la paire <c>.")                           \
    /* §6 Reprise d'activité: one pair of rates per configured horizon <h> */                                      \
    X(TAUX_REPRISE, REPRISE, "taux_reprise_", HORIZON, "m", SHARE, RATE, NONE, SPIE_IF_INTERVAL, PERSONS,         \
      "Taux de reprise d'activité à <h> mois",                                                                     \
      "Part des bénéficiaires entrés depuis <h> mois au moins qui ont repris une activité dans les <h> mois.")     \
    X(TAUX_REPRISE_DURABLE, REPRISE, "taux_reprise_durable_", HORIZON, "m", SHARE, RATE, NONE, SPIE_IF_INTERVAL,  \
      PERSONS, "Taux de reprise durable à <h> mois",                                                               \
      "Même taux pour la première reprise durable (emploi durable ou création d'entreprise).")                     \
    X(REPRISE_INCIDENCE, REPRISE, "reprise_incidence_j", DAY, "", SHARE, STAT, NONE, 0, PERSONS,                  \
      "Incidence cumulée de la reprise à <t> jours",                                                               \
      "Incidence cumulée de la reprise d'activité <t> jours après l'entrée : 1 − S(<t>).")                        \
    X(REPRISE_KM_MEDIANE, REPRISE, "reprise_km_mediane", NONE, "", DAYS, STAT, NONE, 0, PERSONS,                  \
      "Médiane de Kaplan–Meier du délai de reprise (jours)",                                                       \
      "Médiane de Kaplan–Meier du temps entre l'entrée et la première reprise d'activité.")                       \
    /* §6 Reprise d'activité sur la structure nationale (methodologie.md §12): départements, régions, vagues */     \
    X(TAUX_REPRISE_ATTENDU, REPRISE, "taux_reprise_", HORIZON, "m_attendu", SHARE, RATE, NONE, 0, SUBNATIONAL,    \
      "Taux de reprise attendu à <h> mois (taux nationaux par public et âge)",                                    \
      "Taux de reprise à <h> mois du groupe si chaque strate public × âge reprenait au taux national.")           \
    X(RATIO_REPRISE, REPRISE, "ratio_reprise_", HORIZON, "m", RATIO, RATE, NONE, SPIE_IF_INTERVAL, SUBNATIONAL,   \
      "Ratio reprises observées / attendues à <h> mois",                                                          \
      "Reprises observées à <h> mois / reprises attendues aux taux nationaux par public et âge.")                 \
    X(TAUX_REPRISE_STANDARDISE, REPRISE, "taux_reprise_", HORIZON, "m_standardise", SHARE, RATE, NONE,            \
      SPIE_IF_INTERVAL, SUBNATIONAL, "Taux de reprise à <h> mois sur la structure nationale",                     \
      "Ratio observé / attendu à <h> mois × taux de reprise national (standardisation indirecte).")               \
    X(TAUX_REPRISE_DURABLE_ATTENDU, REPRISE, "taux_reprise_durable_", HORIZON, "m_attendu", SHARE, RATE, NONE, 0, \
      SUBNATIONAL, "Taux de reprise durable attendu à <h> mois (taux nationaux par public et âge)",               \
      "Même taux attendu pour la première reprise durable.")                                                       \
    X(RATIO_REPRISE_DURABLE, REPRISE, "ratio_reprise_durable_", HORIZON, "m", RATIO, RATE, NONE,                  \
      SPIE_IF_INTERVAL, SUBNATIONAL, "Ratio reprises durables observées / attendues à <h> mois",                  \
      "Même ratio pour la première reprise durable.")                                                              \
    X(TAUX_REPRISE_DURABLE_STANDARDISE, REPRISE, "taux_reprise_durable_", HORIZON, "m_standardise", SHARE, RATE,  \
      NONE, SPIE_IF_INTERVAL, SUBNATIONAL, "Taux de reprise durable à <h> mois sur la structure nationale",        \
      "Même taux standardisé pour la première reprise durable.")                                                   \
    /* §8 Territoires pris en compte */                                                                            \
    X(TERRITOIRES_ATTENDUS, TERRITOIRES, "territoires_attendus", NONE, "", TERRITORIES, NONE, NONE, 0,            \
      TERRITORIES, "Territoires du programme", "Territoires du programme dans le groupe.")                        \
    X(TERRITOIRES_INCLUS, TERRITOIRES, "territoires_inclus", NONE, "", TERRITORIES, NONE, NONE, 0, TERRITORIES,   \
      "Territoires pris en compte (extraits bénéficiaires et étapes utilisables)",                                \
      "Territoires dont les extraits beneficiaires et etapes sont utilisables.")                                   \
    X(TERRITOIRES_INCLUS_BUDGET, TERRITOIRES, "territoires_inclus_budget", NONE, "", TERRITORIES, NONE, NONE, 0,  \
      TERRITORIES, "Territoires pris en compte pour le budget (extrait budget utilisable)",                       \
      "Territoires dont l'extrait budget est utilisable.")                                                         \
    X(TERRITOIRES_EN_RETARD, TERRITOIRES, "territoires_en_retard", NONE, "", TERRITORIES, NONE, NONE, 0,          \
      TERRITORIES, "Territoires en retard (un extrait d'un mois antérieur à la période)",                         \
      "Territoires dont au moins un extrait retenu est d'un mois antérieur à la période.")                         \
    /* §9 Budget: every group */                                                                                   \
    X(ALLOCATION_ETAT, BUDGET, "allocation_etat", NONE, "", EUROS, NONE, NONE, 0, BUDGET,                         \
      "Allocation de l'État", "Subvention de l'État allouée (table des territoires).")                            \
    X(ENGAGE_ETAT, BUDGET, "engage_etat", NONE, "", EUROS, NONE, NONE, 0, BUDGET, "Engagé par l'État",            \
      "Somme des montants engagés des lignes ETAT jusqu'au mois traité.")                                          \
    X(PAYE_ETAT, BUDGET, "paye_etat", NONE, "", EUROS, NONE, NONE, 0, BUDGET, "Payé par l'État",                  \
      "Somme des montants payés des lignes ETAT jusqu'au mois traité.")                                            \
    X(TAUX_ENGAGEMENT, BUDGET, "taux_engagement", NONE, "", SHARE, NONE, NONE, 0, BUDGET,                         \
      "Taux d'engagement (engagé / allocation)", "Engagé par l'État / allocation de l'État.")                     \
    X(TAUX_CONSOMMATION, BUDGET, "taux_consommation", NONE, "", SHARE, NONE, NONE, 0, BUDGET,                     \
      "Taux de consommation (payé / allocation)", "Payé par l'État / allocation de l'État.")                      \
    X(COFINANCEMENT, BUDGET, "cofinancement_", FINANCER, "", EUROS, NONE, NONE, 0, BUDGET,                        \
      "Cofinancement payé : <financeur>", "Somme des montants payés par le financeur <financeur>.")               \
    X(PAYE_ETAT_MOIS, BUDGET, "paye_etat_mois_", MONTH, "", EUROS, NONE, NONE, 0, BUDGET,                         \
      "Payé par l'État dans le mois <AAAA-MM>", "Somme des montants payés des lignes ETAT du mois <AAAA-MM>.")     \
    X(PAYE_ETAT_CUMUL, BUDGET, "paye_etat_cumul_", MONTH, "", EUROS, NONE, NONE, 0, BUDGET,                       \
      "Payé par l'État cumulé à fin <AAAA-MM>",                                                                    \
      "Somme des montants payés des lignes ETAT jusqu'au mois <AAAA-MM> compris.")                                 \
    X(COUT_PAR_ENTRANT, BUDGET, "cout_par_entrant", NONE, "", EUROS, STAT, NONE, 0, BUDGET,                       \
      "Coût par entrant (payé État / entrants)", "Payé par l'État / entrants, arrondi au centime.")               \
    X(COUT_PAR_REPRISE, BUDGET, "cout_par_reprise", NONE, "", EUROS, STAT, NONE, 0, BUDGET,                       \
      "Coût par reprise d'activité", "Payé par l'État / bénéficiaires avec une reprise, arrondi au centime.")      \
    /* §9 Budget: national lines, envelope and projection */                                                       \
    X(ENGAGE_ETAT_NATIONAL, BUDGET, "engage_etat_national", NONE, "", EUROS, NONE, NONE, 0, NATIONAL,             \
      "Frais nationaux de fonctionnement (NAT) : engagé par l'État",                                              \
      "Somme des montants engagés des lignes ETAT de l'extrait NAT.")                                              \
    X(PAYE_ETAT_NATIONAL, BUDGET, "paye_etat_national", NONE, "", EUROS, NONE, NONE, 0, NATIONAL,                 \
      "Frais nationaux de fonctionnement (NAT) : payé par l'État",                                                \
      "Somme des montants payés des lignes ETAT de l'extrait NAT.")                                                \
    X(ENVELOPPE, BUDGET, "enveloppe", NONE, "", EUROS, NONE, NONE, 0, NATIONAL, "Enveloppe nationale de l'État",  \
      "L'enveloppe V en vigueur.")                                                                                 \
    X(PART_ENVELOPPE_ALLOUEE, BUDGET, "part_enveloppe_allouee", NONE, "", SHARE, NONE, NONE, 0, NATIONAL,         \
      "Part de l'enveloppe allouée aux territoires", "Somme des allocations de tous les territoires / V.")        \
    X(PART_ENVELOPPE_ENGAGEE, BUDGET, "part_enveloppe_engagee", NONE, "", SHARE, NONE, NONE, 0, NATIONAL,         \
      "Part de l'enveloppe engagée (territoires et NAT, dans la fenêtre)",                                        \
      "Engagé par l'État dans la fenêtre (territoires et NAT) / V.")                                               \
    X(PART_ENVELOPPE_PAYEE, BUDGET, "part_enveloppe_payee", NONE, "", SHARE, NONE, NONE, 0, NATIONAL,             \
      "Part de l'enveloppe payée (territoires et NAT, dans la fenêtre)",                                          \
      "Payé par l'État dans la fenêtre (territoires et NAT) / V.")                                                 \
    X(RESTE_ENVELOPPE, BUDGET, "reste_enveloppe", NONE, "", EUROS, NONE, NONE, 0, NATIONAL,                       \
      "Reste de l'enveloppe (enveloppe − payé dans la fenêtre)",                                                  \
      "V − payé par l'État dans la fenêtre (territoires et NAT).")                                                 \
    X(PAYE_ENVELOPPE_MOIS, BUDGET, "paye_enveloppe_mois_", WINDOW_MONTH, "", EUROS, NONE, NONE, 0, NATIONAL,      \
      "Enveloppe (territoires et NAT) : payé dans le mois <AAAA-MM>",                                             \
      "Payé par l'État (territoires et NAT) dans le mois <AAAA-MM> de la fenêtre.")                                \
    X(PAYE_ENVELOPPE_CUMUL, BUDGET, "paye_enveloppe_cumul_", WINDOW_MONTH, "", EUROS, NONE, NONE, 0, NATIONAL,    \
      "Enveloppe (territoires et NAT) : payé cumulé à fin <AAAA-MM>",                                             \
      "Payé par l'État (territoires et NAT) du début de la fenêtre au mois <AAAA-MM> compris.")                    \
    X(PROJECTION_PAYE_FIN, BUDGET, "projection_paye_fin", NONE, "", EUROS, NONE, NONE, SPIE_IF_INTERVAL,          \
      NATIONAL, "Projection du payé cumulé à la fin de la fenêtre (intervalle de prédiction)",                    \
      "Payé cumulé projeté à la fin de la fenêtre, avec son intervalle de prédiction.")                            \
    X(PROJECTION_PART_ENVELOPPE, BUDGET, "projection_part_enveloppe", NONE, "", SHARE, NONE, NONE, 0, NATIONAL,   \
      "Projection : part de l'enveloppe payée à la fin de la fenêtre", "Payé cumulé projeté / V.")               \
    X(PROJECTION_EPUISEMENT_DANS_MOIS, BUDGET, "projection_epuisement_dans_mois", NONE, "", MONTHS, NONE, NONE, 0, \
      NATIONAL, "Projection : mois avant l'épuisement de l'enveloppe",                                            \
      "Nombre de mois de la période au premier mois où la droite de projection atteint l'enveloppe V.")
/* clang-format on */

/* The indicators. SPIE_IND_NONE (0) is no indicator: a zeroed figure has no identity. */
typedef enum spie_ind {
    SPIE_IND_NONE = 0,
#define SPIE_IND_ENUM_(id, ...) SPIE_IND_##id,
    SPIE_CATALOGUE(SPIE_IND_ENUM_)
#undef SPIE_IND_ENUM_
    SPIE_IND_COUNT
} spie_ind;

/* A figure's identity: the indicator and its parameter (0 when it has none). */
typedef struct spie_ind_id {
    uint16_t ind; /* spie_ind */
    int32_t arg;
} spie_ind_id;

static inline spie_ind_id spie_id(spie_ind ind, int32_t arg)
{
    spie_ind_id id = {(uint16_t)ind, arg};
    return id;
}
static inline bool spie_id_eq(spie_ind_id a, spie_ind_id b) { return a.ind == b.ind && a.arg == b.arg; }

/* The dictionary's sections. */
typedef enum spie_family {
    SPIE_FAM_ACTIVITE = 0, /* §4 */
    SPIE_FAM_DELAI,        /* §5 */
    SPIE_FAM_REPRISE,      /* §6 */
    SPIE_FAM_TERRITOIRES,  /* §8 */
    SPIE_FAM_BUDGET,       /* §9 */
    SPIE_FAM_COUNT
} spie_family;

/* What the parameter is, and its values. */
typedef enum spie_param {
    SPIE_PARAM_NONE = 0,
    SPIE_PARAM_SOLUTION,     /* index of spie_solution_type_codes; in the name in lower case */
    SPIE_PARAM_REPRISE,      /* index of spie_reprise_type_codes */
    SPIE_PARAM_SORTIE,       /* index of spie_sortie_type_codes */
    SPIE_PARAM_FINANCER,     /* spie_financer (extract.h), SPIE_FIN_DEPARTEMENT .. SPIE_FIN_AUTRE */
    SPIE_PARAM_PAIR,         /* index of params->pairs; its code in lower case */
    SPIE_PARAM_HORIZON,      /* months, 1 .. 240: one of params->horizons */
    SPIE_PARAM_DAY,          /* days since entry: 0, 30, .., 720 */
    SPIE_PARAM_MONTH,        /* spie_month, "AAAA-MM": window start .. P */
    SPIE_PARAM_WINDOW_MONTH, /* spie_month, "AAAA-MM": window start .. min(P, window end) */
    SPIE_PARAM_COUNT
} spie_param;

/* The grid of SPIE_PARAM_DAY. */
#define SPIE_INCIDENCE_STEP 30
#define SPIE_INCIDENCE_LAST 720

typedef enum spie_unit {
    SPIE_UNIT_PERSONS = 0, /* bénéficiaires */
    SPIE_UNIT_TERRITORIES, /* territoires */
    SPIE_UNIT_DAYS,        /* jours */
    SPIE_UNIT_SHARE,       /* part */
    SPIE_UNIT_EUROS,       /* euros */
    SPIE_UNIT_MONTHS,      /* mois: a whole number of months */
    SPIE_UNIT_RATIO,       /* ratio (observed / expected, 1 = as expected) */
    SPIE_UNIT_COUNT
} spie_unit;

/* The primary secret of docs/methodologie.md §7. */
typedef enum spie_rule {
    SPIE_RULE_NONE = 0, /* not about persons (money, shares of money, territory counts) */
    SPIE_RULE_COUNT,    /* a count of persons: secret when 1 <= n < k */
    SPIE_RULE_STAT,     /* a statistic over `effectif` persons: secret when effectif < k */
    SPIE_RULE_RATE      /* num / effectif: secret when effectif, num or effectif - num is small */
} spie_rule;

/* The partitions of a cell for the secondary secret: counts that add up to a total. */
typedef enum spie_part {
    SPIE_PART_NONE = 0,
    SPIE_PART_REPRISE, /* reprise_<type> add up to avec_reprise */
    SPIE_PART_SORTIE,  /* sortie_<type> add up to sorties (exits without a motive aside) */
    SPIE_PART_DELAI,   /* one per pair: termines, censures, incoherents add up to population */
    SPIE_PART_COUNT
} spie_part;

enum {
    SPIE_IF_INTERVAL = 1,         /* published with ic_bas and ic_haut */
    SPIE_IF_TOTAL = 2,            /* the total of its partition */
    SPIE_IF_EFFECTIF_OF_PART = 4, /* its effectif is a sum of its partition's counts */
};

/* Which groups publish it (ensemble rows; the breakdowns are for SPIE_SCOPE_PERSONS at
 * the national and regional levels, when the group is available). */
typedef enum spie_scope {
    SPIE_SCOPE_PERSONS = 0, /* every group */
    SPIE_SCOPE_TERRITORIES, /* régions, vagues, France */
    SPIE_SCOPE_BUDGET,      /* every group */
    SPIE_SCOPE_NATIONAL,    /* France only */
    SPIE_SCOPE_SUBNATIONAL  /* départements, régions, vagues (not France, no breakdown) */
} spie_scope;

typedef struct spie_ind_def {
    const char *id;         /* "DELAI_MOYENNE": the constant's name, for messages */
    spie_family family;
    const char *prefix;
    spie_param param;
    const char *suffix;
    spie_unit unit;
    spie_rule rule;
    spie_part part;
    unsigned flags;         /* SPIE_IF_* */
    spie_scope scope;
    const char *label;      /* French, "<...>": the parameter in words */
    const char *definition; /* French */
} spie_ind_def;

/* The row of ind, NULL for SPIE_IND_NONE or a value out of the enum. */
const spie_ind_def *spie_ind_def_of(unsigned ind);

/* Longest name, NUL included (spie_figure.indicator). */
#define SPIE_IND_NAME_MAX 48

/* The name of indicateurs_<P>.csv: "delai_d_orient_moyenne". p gives the pairs (it may
 * be NULL for an indicator without SPIE_PARAM_PAIR). Returns its length, or 0 with buf ""
 * when id is not a figure of the catalogue: no such indicator, or a parameter out of its
 * range (a pair index p does not have, a day off the grid, a financer ETAT...), or when
 * size is too small. */
size_t spie_ind_name(spie_ind_id id, const spie_params *p, char *buf, size_t size);

/* The inverse of spie_ind_name under the same p: true with *id when name is the name of a
 * figure of the catalogue. Horizons and months are read from the name (any horizon 1 ..
 * 240, any month); pairs must be among p's. */
bool spie_ind_parse(const char *name, const spie_params *p, spie_ind_id *id);

/* The name pattern of the dictionary: "delai_<c>_moyenne", "solution_<type>",
 * "taux_reprise_<h>m", "reprise_incidence_j<t>", "paye_etat_mois_<AAAA-MM>". Returns its
 * length, 0 with buf "" for an unknown ind or a too small buf. */
size_t spie_ind_pattern(unsigned ind, char *buf, size_t size);
/* The placeholder of a parameter in patterns and labels: "<c>", "<h>"... ("" for NONE). */
const char *spie_param_placeholder(spie_param param);

/* The label with the parameter in words ("Solution : formation", "Taux de reprise
 * d'activité à 6 mois"). Same returns as spie_ind_name. */
size_t spie_ind_label(spie_ind_id id, const spie_params *p, char *buf, size_t size);

/* The values of ind's parameter in publication order under p for the period P (the
 * months depend on it): writes at most max of them into out and returns how many there
 * are (one value, 0, for an indicator without a parameter; 0 for an unknown ind). */
size_t spie_ind_args(unsigned ind, const spie_params *p, spie_month period, int32_t *out, size_t max);

/* Shorthands on the row of id (false / SPIE_RULE_NONE / SPIE_PART_NONE for an unknown id). */
bool spie_ind_has_interval(spie_ind_id id);
spie_rule spie_ind_rule(spie_ind_id id);
spie_unit spie_ind_unit(spie_ind_id id);

/* Whether the partition is one per parameter value (a delay pair's counts) rather than
 * one per cell (the types of the first return, of the exit). */
bool spie_part_per_arg(spie_part part);

/* The unit as the dictionary's unit column begins ("bénéficiaires", "jours", "part"...). */
const char *spie_unit_word(spie_unit unit);
/* The dictionary section of a family: 4, 5, 6, 8, 9. */
int spie_family_section(spie_family family);

#endif
