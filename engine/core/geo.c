/* INSEE reference tables (Code officiel géographique, regions since 2016), carried as static
 * data: 18 regions, 101 départements. Source: INSEE, COG, "Liste des régions" and "Liste des
 * départements" (codes as text; Corsica is 2A and 2B, there is no 20; overseas 971 to 976,
 * without 975, which is Saint-Pierre-et-Miquelon, a collectivity, not a département).
 *
 * Both tables are kept sorted by code in byte order (so "29" < "2A" < "2B" < "30" and
 * "95" < "971"): lookups are binary searches, and the unit tests check the order.
 * Region slugs are precomputed (lower-case ASCII, accents removed, words split on spaces,
 * hyphens and apostrophes joined by '-'); they name the regional workbooks. */
#include "spie/geo.h"

#include <string.h>

static const spie_region regions[] = {
    {"01", "Guadeloupe", "guadeloupe"},
    {"02", "Martinique", "martinique"},
    {"03", "Guyane", "guyane"},
    {"04", "La Réunion", "la-reunion"},
    {"06", "Mayotte", "mayotte"},
    {"11", "Île-de-France", "ile-de-france"},
    {"24", "Centre-Val de Loire", "centre-val-de-loire"},
    {"27", "Bourgogne-Franche-Comté", "bourgogne-franche-comte"},
    {"28", "Normandie", "normandie"},
    {"32", "Hauts-de-France", "hauts-de-france"},
    {"44", "Grand Est", "grand-est"},
    {"52", "Pays de la Loire", "pays-de-la-loire"},
    {"53", "Bretagne", "bretagne"},
    {"75", "Nouvelle-Aquitaine", "nouvelle-aquitaine"},
    {"76", "Occitanie", "occitanie"},
    {"84", "Auvergne-Rhône-Alpes", "auvergne-rhone-alpes"},
    {"93", "Provence-Alpes-Côte d'Azur", "provence-alpes-cote-d-azur"},
    {"94", "Corse", "corse"},
};

static const spie_dept depts[] = {
    {"01", "Ain", "84"},
    {"02", "Aisne", "32"},
    {"03", "Allier", "84"},
    {"04", "Alpes-de-Haute-Provence", "93"},
    {"05", "Hautes-Alpes", "93"},
    {"06", "Alpes-Maritimes", "93"},
    {"07", "Ardèche", "84"},
    {"08", "Ardennes", "44"},
    {"09", "Ariège", "76"},
    {"10", "Aube", "44"},
    {"11", "Aude", "76"},
    {"12", "Aveyron", "76"},
    {"13", "Bouches-du-Rhône", "93"},
    {"14", "Calvados", "28"},
    {"15", "Cantal", "84"},
    {"16", "Charente", "75"},
    {"17", "Charente-Maritime", "75"},
    {"18", "Cher", "24"},
    {"19", "Corrèze", "75"},
    {"21", "Côte-d'Or", "27"},
    {"22", "Côtes-d'Armor", "53"},
    {"23", "Creuse", "75"},
    {"24", "Dordogne", "75"},
    {"25", "Doubs", "27"},
    {"26", "Drôme", "84"},
    {"27", "Eure", "28"},
    {"28", "Eure-et-Loir", "24"},
    {"29", "Finistère", "53"},
    {"2A", "Corse-du-Sud", "94"},
    {"2B", "Haute-Corse", "94"},
    {"30", "Gard", "76"},
    {"31", "Haute-Garonne", "76"},
    {"32", "Gers", "76"},
    {"33", "Gironde", "75"},
    {"34", "Hérault", "76"},
    {"35", "Ille-et-Vilaine", "53"},
    {"36", "Indre", "24"},
    {"37", "Indre-et-Loire", "24"},
    {"38", "Isère", "84"},
    {"39", "Jura", "27"},
    {"40", "Landes", "75"},
    {"41", "Loir-et-Cher", "24"},
    {"42", "Loire", "84"},
    {"43", "Haute-Loire", "84"},
    {"44", "Loire-Atlantique", "52"},
    {"45", "Loiret", "24"},
    {"46", "Lot", "76"},
    {"47", "Lot-et-Garonne", "75"},
    {"48", "Lozère", "76"},
    {"49", "Maine-et-Loire", "52"},
    {"50", "Manche", "28"},
    {"51", "Marne", "44"},
    {"52", "Haute-Marne", "44"},
    {"53", "Mayenne", "52"},
    {"54", "Meurthe-et-Moselle", "44"},
    {"55", "Meuse", "44"},
    {"56", "Morbihan", "53"},
    {"57", "Moselle", "44"},
    {"58", "Nièvre", "27"},
    {"59", "Nord", "32"},
    {"60", "Oise", "32"},
    {"61", "Orne", "28"},
    {"62", "Pas-de-Calais", "32"},
    {"63", "Puy-de-Dôme", "84"},
    {"64", "Pyrénées-Atlantiques", "75"},
    {"65", "Hautes-Pyrénées", "76"},
    {"66", "Pyrénées-Orientales", "76"},
    {"67", "Bas-Rhin", "44"},
    {"68", "Haut-Rhin", "44"},
    {"69", "Rhône", "84"},
    {"70", "Haute-Saône", "27"},
    {"71", "Saône-et-Loire", "27"},
    {"72", "Sarthe", "52"},
    {"73", "Savoie", "84"},
    {"74", "Haute-Savoie", "84"},
    {"75", "Paris", "11"},
    {"76", "Seine-Maritime", "28"},
    {"77", "Seine-et-Marne", "11"},
    {"78", "Yvelines", "11"},
    {"79", "Deux-Sèvres", "75"},
    {"80", "Somme", "32"},
    {"81", "Tarn", "76"},
    {"82", "Tarn-et-Garonne", "76"},
    {"83", "Var", "93"},
    {"84", "Vaucluse", "93"},
    {"85", "Vendée", "52"},
    {"86", "Vienne", "75"},
    {"87", "Haute-Vienne", "75"},
    {"88", "Vosges", "44"},
    {"89", "Yonne", "27"},
    {"90", "Territoire de Belfort", "27"},
    {"91", "Essonne", "11"},
    {"92", "Hauts-de-Seine", "11"},
    {"93", "Seine-Saint-Denis", "11"},
    {"94", "Val-de-Marne", "11"},
    {"95", "Val-d'Oise", "11"},
    {"971", "Guadeloupe", "01"},
    {"972", "Martinique", "02"},
    {"973", "Guyane", "03"},
    {"974", "La Réunion", "04"},
    {"976", "Mayotte", "06"},
};

/* Byte-order comparison of a NUL-terminated table code with a (code, n) key that need not
 * be terminated: the order strcmp would give if the key were terminated. */
static int code_cmp(const char *table_code, const char *key, size_t n)
{
    size_t tn = strlen(table_code);
    int c = memcmp(table_code, key, tn < n ? tn : n);
    if (c != 0)
        return c;
    return tn < n ? -1 : (tn > n ? 1 : 0);
}

size_t spie_region_count(void)
{
    return SPIE_ARRAY_LEN(regions);
}

const spie_region *spie_region_at(size_t i)
{
    return i < SPIE_ARRAY_LEN(regions) ? &regions[i] : NULL;
}

const spie_region *spie_region_find(const char *code, size_t n)
{
    if (!code)
        return NULL;
    size_t lo = 0, hi = SPIE_ARRAY_LEN(regions);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = code_cmp(regions[mid].code, code, n);
        if (c == 0)
            return &regions[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

size_t spie_region_index(const spie_region *r)
{
    size_t n = SPIE_ARRAY_LEN(regions);
    for (size_t i = 0; i < n; i++)
        if (r == &regions[i])
            return i;
    return n;
}

size_t spie_dept_count(void)
{
    return SPIE_ARRAY_LEN(depts);
}

const spie_dept *spie_dept_at(size_t i)
{
    return i < SPIE_ARRAY_LEN(depts) ? &depts[i] : NULL;
}

const spie_dept *spie_dept_find(const char *code, size_t n)
{
    if (!code)
        return NULL;
    size_t lo = 0, hi = SPIE_ARRAY_LEN(depts);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = code_cmp(depts[mid].code, code, n);
        if (c == 0)
            return &depts[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const spie_region *spie_dept_region(const spie_dept *d)
{
    if (!d)
        return NULL;
    return spie_region_find(d->region_code, strlen(d->region_code));
}
