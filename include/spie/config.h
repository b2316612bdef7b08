/* The configuration file (docs/configuration.md): an INI file, parsed with inih, that
 * sets the parameters of the methodology (docs/methodologie.md §0) over their defaults.
 *
 *   [enveloppe]   montant = 80 000 000,00   debut = 2021-01   fin = 2023-12
 *   [reprise]     horizons = 3, 6, 12
 *   [intervalles] niveau = 0.95             methode = wilson | clopper-pearson
 *   [secret]      seuil = 5
 *   [projection]  mois = 12
 *   [rejets]      taux_alerte = 0.05
 *   [continuite]  baisse_max = 0.01
 *   [delais]      remplacer = non | oui
 *   [delai.CODE]  de = ENTREE   a = ORIENTATION   cible = 30
 *
 * Section and key names are matched case-insensitively; a key given twice, a key outside
 * a section, an unknown section or key, an empty or malformed value is an error. Every
 * error names the file, the line and the key. The file is read whole before anything is
 * changed: on error the parameters are left as they were. */
#ifndef SPIE_CONFIG_H
#define SPIE_CONFIG_H

#include "spie/error.h"
#include "spie/params.h"

/* Reads the file at path and applies it over *params (which holds the defaults, or any
 * earlier values). SPIE_OK; or SPIE_E_USAGE (SPIE_E_MEMORY) with *params untouched and
 * *err filled: file, line (0 for the file as a whole) and a message that starts with the
 * section and key ("[secret] seuil : « 0 » : un entier entre 1 et 1000 est attendu"). */
spie_rc spie_config_load(const char *path, spie_params *params, spie_error *err);

/* The same over n bytes of text; name is the file name used in messages. */
spie_rc spie_config_parse(const char *text, size_t n, const char *name, spie_params *params, spie_error *err);

/* Writes *params as a complete configuration file (every key, the delay pairs in full,
 * `remplacer = oui`), which spie_config_parse reads back to the same values. Returns a
 * malloc'd NUL-terminated text, NULL when memory ran out. */
char *spie_config_format(const spie_params *params);

/* Parses a decimal number without the locale: digits, an optional '.' or ',' and digits,
 * an optional exponent (e-5), an optional '%' (divides by 100); at most 15 significant
 * digits, so that the value is the double nearest to the decimal written (one rounding).
 * false on anything else. */
bool spie_config_parse_decimal(const char *s, double *out);

#endif
