/* Budget movements: a territory's lines month by month (the State grant committed and paid
 * at a pace that consumes about the allocation in 2-3 years, co-financing by the
 * département, Pôle emploi / France Travail, the CAF and others, a few negative
 * corrections), and the national running costs (NAT), drawn from the stream of g.
 *
 * May not: write or format anything, or add a defective line (sample_dirt.c copies lines
 * from here). --clean turns off two formatting varieties here: the departement column left
 * empty on some lines and the Windows-1252 libellé of a French-style export. The first one
 * skips a draw with --clean, so a territory that leaves the column empty gets other
 * amounts with --clean than without (samples/README.md says the valid data are the same:
 * true of persons and steps, not of such a territory's budget; kept as it is, since
 * changing it would change every sample). */
#include <math.h>
#include <stdlib.h>

#include "sample_int.h"
#include "spie/util.h"

/* The libellés of the budget lines, by L_*. */
const char *const spie_smp_labels[L_N] = {
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

static bool budget_push(terr_data *td, spie_month m, int fin, spie_cents eng, spie_cents paye, int lab, bool dept_empty)
{
    if (!spie_grow((void **)&td->budget, &td->capb, td->nb + 1, sizeof *td->budget))
        return false;
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
spie_sample_status spie_smp_gen_budget(gen *g)
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
spie_sample_status spie_smp_gen_nat_budget(gen *g, spie_month first, spie_month last)
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
