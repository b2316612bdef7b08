/* Number formatting of docs/methodologie.md §8: what the CSV and the manifest print. Locale-free
 * (the program never calls setlocale, and these routines do not depend on it anyway),
 * thread-safe, nothing printed. Rounding money to the cent is arithmetic: spie/stats.h. */
#ifndef SPIE_NUMFMT_H
#define SPIE_NUMFMT_H

#include "spie/common.h"

/* Size of the buffers of the formatters below, NUL included. */
#define SPIE_NUM_BUF 32

/* The shortest correctly rounded decimal form (1 to 17 significant digits) that reads
 * back to the same double, with '.' as the decimal point whatever the locale. Plain
 * decimal notation ("1234.5", "0.000125") when that form's decimal exponent is in
 * -4 .. 15 (so for every 1e-4 <= |v| < 1e16), otherwise an exponent written as C's %g
 * writes it ("1e+16", "2.5e-05"): R, Python and spreadsheet readers take both, and the
 * plain form is easier to read. Zero (either sign) is "0". Thread-safe. Returns the
 * length written (> 0), or 0 with buf = "" when v is NaN or infinite (callers publish
 * nd; 0 also on an internal failure to create the "C" locale object). */
size_t spie_format_double(double v, char buf[SPIE_NUM_BUF]);

/* Euro cents as euros with exactly two decimals: -123456 -> "-1234.56", 5 -> "0.05".
 * Every int64 value is accepted. Returns the length written. */
size_t spie_format_cents(spie_cents cents, char buf[SPIE_NUM_BUF]);

#endif
