/* The Sommaire sheet (docs/classeurs.md): the first sheet of every workbook, written last
 * so that it can list every numbered table and chart: the programme, the territory, the
 * period in words, the reference date, the engine version, the previous publication compared
 * (or that none was), "Comment lire ce classeur" in a
 * few sentences, the signs, then the numbered list of tables and charts, each an internal
 * link to its sheet and cell.
 *
 * It may not look a figure up: this sheet shows no figure of the table. */
#include <stdio.h>
#include <string.h>

#include "spie/date.h"
#include "spie/version.h"
#include "workbook_int.h"

/* "internal:'Reprise d''activité'!A12": a link to a cell of a sheet (quotes doubled). */
static void location(char *buf, size_t size, const char *sheet, lxw_row_t row, lxw_col_t col)
{
    size_t k = (size_t)snprintf(buf, size, "internal:'");
    for (const char *p = sheet; *p && k + 3 < size; p++) {
        buf[k++] = *p;
        if (*p == '\'')
            buf[k++] = '\'';
    }
    if (k < size)
        snprintf(buf + k, size - k, "'!%c%u", (char)('A' + col % 26), (unsigned)row + 1);
}

static lxw_row_t info(spie_wb *w, spie_wb_page *pg, lxw_row_t r, const char *name, const char *value)
{
    spie_wb_page_take(w, pg, r, SPIE_WB_ROW);
    spie_wb_text(w, pg->ws, r, 0, name, w->f.text_bold);
    spie_wb_check(w, worksheet_merge_range(pg->ws, r, 1, r, 3, value, w->f.text));
    return r + 1;
}

/* An information row whose value may take more than one line. */
static lxw_row_t info_wrap(spie_wb *w, spie_wb_page *pg, lxw_row_t r, const char *name, const char *value)
{
    double h = spie_wb_para_height(w, pg, 1, 3, value, w->f.wrap);
    if (h < SPIE_WB_ROW)
        h = SPIE_WB_ROW;
    spie_wb_page_take(w, pg, r, h);
    spie_wb_text(w, pg->ws, r, 0, name, w->f.text_bold);
    spie_wb_check(w, worksheet_merge_range(pg->ws, r, 1, r, 3, value, w->f.wrap));
    spie_wb_check(w, worksheet_set_row(pg->ws, r, h, NULL));
    return r + 1;
}

/* Which previous publication the workbook is compared with, or that none is. */
static void comparison_text(const spie_wb *w, char *buf, size_t size)
{
    spie_month q = spie_wb_previous_month(w);
    if (q == SPIE_NO_MONTH) {
        snprintf(buf, size,
                 "aucune : pas de publication précédente dans le dossier de sortie ; aucun chiffre n'est comparé à "
                 "un mois antérieur et la continuité des extraits n'est pas contrôlée");
        return;
    }
    char ofq[40], ofp1[40], pm[8], skipped[160] = "";
    spie_wb_fr_of_month(ofq, sizeof ofq, q);
    spie_wb_fr_of_month(ofp1, sizeof ofp1, w->period - 1);
    spie_month_format(w->period, pm);
    if (q + 1 != w->period)
        snprintf(skipped, sizeof skipped, " (aucune publication conforme %s : la plus récente est celle %s)", ofp1,
                 ofq);
    snprintf(buf, size,
             "avec la publication %s%s : valeur précédente et écart des chiffres clés sur la Synthèse, continuité "
             "des extraits sur la feuille Qualité des données ; tous les écarts sont dans evolution_%s.csv",
             ofq, skipped, pm);
}

static lxw_row_t signs_table(spie_wb *w, spie_wb_page *pg, lxw_row_t r)
{
    char s[300];
    r = spie_wb_para(w, pg, r, "Signes et abréviations", w->f.subtitle);
    static const char *const heads[2] = {"Signe", "Signification"};
    spie_wb_header_row(w, pg, r, 0, heads, 2);
    spie_wb_check(w, worksheet_merge_range(pg->ws, r, 1, r, 3, heads[1], w->f.header));
    r++;
    /* rows that go on to a new page repeat the title ("(suite)") and the header there */
    pg->in_table = true;
    snprintf(pg->table_title, sizeof pg->table_title, "Signes et abréviations");
    if (w->in->params->secret)
        snprintf(s, sizeof s,
                 "secret statistique : chiffre calculé sur moins de %d personnes, ou masqué pour qu'il ne puisse pas "
                 "être retrouvé par différence",
                 w->in->params->secret_k);
    else
        snprintf(s, sizeof s, "secret statistique (non appliqué dans ce classeur : diffusion restreinte)");
    char env[32];
    spie_wb_fr_month(env, sizeof env, w->in->params->window_end);
    char exh[80], exh_def[200];
    snprintf(exh, sizeof exh, "non atteint avant fin %s", env);
    snprintf(exh_def, sizeof exh_def,
             "mois d'épuisement de l'enveloppe : la tendance des paiements n'atteint pas l'enveloppe avant la fin de "
             "sa fenêtre (%s)",
             env);
    const char *rows[][2] = {
        {"s", s},
        {"nd", "non disponible : aucune donnée pour le calculer (aucun bénéficiaire concerné, territoire sans extrait "
               "utilisable…)"},
        {"non atteinte", "médiane non atteinte : moins de la moitié des bénéficiaires ont franchi l'étape au terme du "
                         "suivi observé ; la note du tableau donne la durée du plus long suivi"},
        {exh, exh_def},
        {"(r)", "territoire en retard : son dernier extrait est d'un mois antérieur à la période ; ses chiffres du "
                "mois sont nd"},
        {"(m)", "territoire dont un extrait est manquant ou inutilisable : ses chiffres sont nd et il n'entre dans "
                "aucun total"},
        {"(p)", "chiffre partiel : un agrégat (région, vague, France) auquel manquent des mois ou des territoires ; "
                "la note du tableau les nomme"},
        {"italique", "la ligne France d'un classeur régional, pour comparaison"},
        {SPIE_WB_ABOVE " " SPIE_WB_BELOW,
         "taux sur la structure nationale des publics (feuille Reprise d'activité) : " SPIE_WB_ABOVE " le ratio reprises "
         "observées / attendues est nettement au-dessus de 1 (son intervalle de confiance est tout entier au-dessus de "
         "1 : le territoire fait mieux que la composition de son public ne le laissait attendre, plus que le hasard ne "
         "l'expliquerait) ; " SPIE_WB_BELOW " nettement au-dessous de 1"},
        {SPIE_WB_NOT_APPLICABLE, "sans objet : la France est la référence des taux sur la structure nationale des "
                                 "publics (son ratio vaut 1 par construction)"},
        {"non comparé", "chiffre clé sans écart avec la publication précédente : masqué (s) ou non disponible (nd) "
                        "l'un des deux mois, il n'est pas comparé (un écart pourrait faire retrouver un chiffre "
                        "masqué)"},
    };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(rows); i++) {
        /* no italic row in the national workbook; no s without the secret; no comparison
         * without a previous publication */
        if ((i == 7 && !w->region) || (i == 0 && !w->in->params->secret) ||
            (i == 10 && spie_wb_previous_month(w) == SPIE_NO_MONTH))
            continue;
        /* the sign may take two lines in its column, its meaning more in theirs */
        double h = spie_wb_para_height(w, pg, 1, 3, rows[i][1], w->f.wrap);
        double hs = spie_wb_para_height(w, pg, 0, 0, rows[i][0], w->f.para_bold);
        h = h > hs ? h : hs;
        r = spie_wb_data_row(w, pg, r, h);
        spie_wb_text(w, pg->ws, r, 0, rows[i][0], w->f.para_bold);
        spie_wb_check(w, worksheet_merge_range(pg->ws, r, 1, r, 3, rows[i][1], w->f.wrap));
        spie_wb_check(w, worksheet_set_row(pg->ws, r, h, NULL));
        r++;
    }
    spie_wb_table_end(pg);
    return r + 1;
}

void spie_wb_sheet_sommaire(spie_wb *w)
{
    spie_wb_page pg;
    if (!spie_wb_page_attach(w, &pg, w->sommaire, "Sommaire"))
        return;
    lxw_worksheet *ws = pg.ws;
    worksheet_activate(ws);
    /* two columns of links: sheet and table, twice */
    spie_wb_page_width(w, &pg, 0, 22);
    spie_wb_page_width(w, &pg, 1, 68);
    spie_wb_page_width(w, &pg, 2, 22);
    spie_wb_page_width(w, &pg, 3, 68);
    pg.ncols = 4;
    char t[640], lv[16];
    lxw_row_t r = 0;
    spie_wb_text(w, ws, r++, 0, "Service public de l'insertion et de l'emploi (SPIE)", w->f.title);
    snprintf(t, sizeof t, "Indicateurs de %s : %s", w->period_words,
             w->region ? w->region->name : "France entière");
    spie_wb_text(w, ws, r++, 0, t, w->f.subtitle);
    r++;
    r = info(w, &pg, r, "Programme", "Service public de l'insertion et de l'emploi (SPIE)");
    if (w->region)
        snprintf(t, sizeof t, "Région %s (code région %s), ses départements du programme, et la France pour "
                              "comparaison", w->region->name, w->region->code);
    else
        snprintf(t, sizeof t, "France entière : la France, ses régions, les vagues du programme et chaque département");
    r = info(w, &pg, r, "Territoire", t);
    r = info(w, &pg, r, "Période", w->period_words);
    spie_wb_text(w, ws, r, 0, "Date de référence", w->f.text_bold);
    spie_wb_day(w, ws, r++, 1, w->ref_day, w->f.date);
    snprintf(t, sizeof t, "%s %s", SPIE_ENGINE, spie_wb_version(w));
    r = info(w, &pg, r, "Moteur de calcul", t);
    snprintf(t, sizeof t, "%s : chaque chiffre de ce classeur, un par ligne, avec le nom de son indicateur",
             w->csv_name);
    r = info(w, &pg, r, "Données", t);
    comparison_text(w, t, sizeof t);
    r = info_wrap(w, &pg, r, "Comparaison", t);
    if (spie_wb_fr_restricted(w, t, sizeof t))
        r = spie_wb_para(w, &pg, r, t, w->f.alert);
    r++;

    r = spie_wb_para(w, &pg, r, "Comment lire ce classeur", w->f.subtitle);
    spie_wb_fr_level(lv, sizeof lv, w->in->params->level);
    char rows[200];
    if (w->region)
        snprintf(rows, sizeof rows, "la région, puis la France pour comparaison (en italique), puis chaque département");
    else
        snprintf(rows, sizeof rows, "la France, puis chaque région et chaque vague du programme, puis chaque département");
    char how[1400];
    snprintf(how, sizeof how,
             "Chaque tableau a une ligne par territoire (%s) ou par catégorie de bénéficiaires, et une colonne par "
             "indicateur ; les notes sous le tableau disent ce qui manque et pourquoi. Les signes s, nd, « non "
             "atteinte », (r), (m), (p), " SPIE_WB_ABOVE " et " SPIE_WB_BELOW " sont expliqués sous la liste des tableaux et rappelés sous chaque tableau. Un taux est une "
             "part de bénéficiaires, donné avec son intervalle de confiance à %s : la fourchette où se trouve la "
             "vraie valeur avec une confiance de %s, d'autant plus large que les effectifs sont petits. Les "
             "définitions sont sur la feuille Méthodologie, et chaque chiffre est aussi dans le fichier %s.",
             rows, lv, lv, w->csv_name);
    r = spie_wb_para(w, &pg, r, how, w->f.para);
    r++;

    r = spie_wb_para(w, &pg, r, "Liste des tableaux et des graphiques", w->f.subtitle);
    static const char *const heads[4] = {"Feuille", "Tableau ou graphique (lien)", "Feuille",
                                         "Tableau ou graphique (lien)"};
    lxw_row_t hdr = r;
    spie_wb_header_row(w, &pg, r++, 0, heads, 4);
    pg.in_table = true;
    snprintf(pg.table_title, sizeof pg.table_title, "Liste des tableaux et des graphiques");
    /* two to a row, in the order of the workbook: read across, then down */
    for (size_t k = 0; k < w->n_toc; k++) {
        const spie_wb_toc *e = &w->toc[k];
        lxw_col_t c = k % 2 ? 2 : 0;
        if (c == 0)
            r = spie_wb_data_row(w, &pg, r, SPIE_WB_ROW);
        char loc[160];
        location(loc, sizeof loc, e->sheet, e->row, e->col);
        spie_wb_text(w, ws, r, c, e->sheet, w->f.text10);
        spie_wb_check(w, worksheet_write_url_opt(ws, r, (lxw_col_t)(c + 1), loc, w->f.link, e->title, NULL));
        if (c == 2)
            r++;
    }
    if (w->n_toc % 2)
        r++;
    (void)hdr;
    spie_wb_table_end(&pg);
    signs_table(w, &pg, r + 1);
    spie_wb_page_close(w, &pg);
}
