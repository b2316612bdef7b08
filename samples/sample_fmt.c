/* Locale-free formatting of amounts for the synthetic extracts: the plain form the
 * territories' information systems write ("1234.56") and the French spreadsheet forms
 * ("1 234,56" with a space or U+00A0 between thousands).
 *
 * May not: use the locale (the same cents give the same bytes everywhere) or allocate. */
#include "spie/sample.h"

#include <string.h>

size_t spie_sample_format_amount(spie_cents c, spie_sample_amount_style st, char buf[SPIE_SAMPLE_AMOUNT_MAX])
{
    /* Magnitude as unsigned, so INT64_MIN is formatted too. */
    uint64_t mag = c < 0 ? (uint64_t)0 - (uint64_t)c : (uint64_t)c;
    unsigned frac = (unsigned)(mag % 100u);
    uint64_t whole = mag / 100u;

    char digits[24];
    size_t nd = 0;
    do {
        digits[nd++] = (char)('0' + (int)(whole % 10u));
        whole /= 10u;
    } while (whole);

    const char *thousands = "";
    size_t tn = 0;
    char dec = '.';
    switch (st) {
    case SPIE_SAMPLE_AMOUNT_PLAIN:
        break;
    case SPIE_SAMPLE_AMOUNT_FR_SPACE:
        thousands = " ";
        tn = 1;
        dec = ',';
        break;
    case SPIE_SAMPLE_AMOUNT_FR_NBSP:
        thousands = "\xC2\xA0";
        tn = 2;
        dec = ',';
        break;
    case SPIE_SAMPLE_AMOUNT_GROUPED:
        thousands = " ";
        tn = 1;
        break;
    }

    size_t n = 0;
    if (c < 0)
        buf[n++] = '-';
    for (size_t i = nd; i-- > 0;) {
        buf[n++] = digits[i];
        if (tn && i > 0 && i % 3 == 0) {
            memcpy(buf + n, thousands, tn);
            n += tn;
        }
    }
    buf[n++] = dec;
    buf[n++] = (char)('0' + (int)(frac / 10u));
    buf[n++] = (char)('0' + (int)(frac % 10u));
    buf[n] = '\0';
    return n;
}
