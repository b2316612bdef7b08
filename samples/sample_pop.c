/* Size weights of the départements for the synthetic samples: approximate populations,
 * INSEE 2020 legal populations in thousands, rounded. Illustrative only: the sample uses
 * them to make entries grow with a territory's size, nothing else. "69" is the whole
 * Rhône (Métropole de Lyon included). Sorted by code (byte order).
 *
 * May not: serve as reference data: the engine never reads it, and no published figure
 * depends on it. */
#include "spie/sample.h"

#include <string.h>

typedef struct pop_row {
    const char *code;
    unsigned thousands;
} pop_row;

static const pop_row pops[] = {
    {"01", 657},  {"02", 529},  {"03", 335},  {"04", 165},  {"05", 141},  {"06", 1094},
    {"07", 329},  {"08", 270},  {"09", 153},  {"10", 310},  {"11", 375},  {"12", 279},
    {"13", 2043}, {"14", 695},  {"15", 144},  {"16", 352},  {"17", 655},  {"18", 302},
    {"19", 240},  {"21", 534},  {"22", 600},  {"23", 116},  {"24", 413},  {"25", 543},
    {"26", 517},  {"27", 599},  {"28", 431},  {"29", 915},  {"2A", 160},  {"2B", 182},
    {"30", 748},  {"31", 1400}, {"32", 191},  {"33", 1623}, {"34", 1176}, {"35", 1079},
    {"36", 219},  {"37", 610},  {"38", 1271}, {"39", 259},  {"40", 413},  {"41", 329},
    {"42", 765},  {"43", 227},  {"44", 1429}, {"45", 680},  {"46", 174},  {"47", 331},
    {"48", 76},   {"49", 818},  {"50", 495},  {"51", 567},  {"52", 172},  {"53", 307},
    {"54", 733},  {"55", 184},  {"56", 759},  {"57", 1044}, {"58", 204},  {"59", 2611},
    {"60", 829},  {"61", 280},  {"62", 1466}, {"63", 662},  {"64", 682},  {"65", 229},
    {"66", 479},  {"67", 1140}, {"68", 767},  {"69", 1875}, {"70", 235},  {"71", 551},
    {"72", 566},  {"73", 436},  {"74", 826},  {"75", 2176}, {"76", 1255}, {"77", 1421},
    {"78", 1448}, {"79", 375},  {"80", 570},  {"81", 389},  {"82", 260},  {"83", 1076},
    {"84", 562},  {"85", 685},  {"86", 438},  {"87", 372},  {"88", 364},  {"89", 335},
    {"90", 141},  {"91", 1301}, {"92", 1624}, {"93", 1644}, {"94", 1407}, {"95", 1249},
    {"971", 384}, {"972", 361}, {"973", 286}, {"974", 861}, {"976", 279},
};

unsigned spie_sample_population(const char *code)
{
    if (!code)
        return 0;
    size_t lo = 0, hi = SPIE_ARRAY_LEN(pops);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(pops[mid].code, code);
        if (c == 0)
            return pops[mid].thousands;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}
