/* French labels of the workbooks: delay end points, breakdowns and their modalities (the
 * wording of docs/dictionnaire.md; the indicators' labels are the catalogue's). A code the
 * tables do not know is shown as it is. */
#include <string.h>

#include "workbook_int.h"

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
