/* manifest.json (docs/sorties.md §3): what a batch read, with which parameters, and what it
 * wrote; and its verification (spie verify).
 *
 * The manifest is built with jansson and dumped with JSON_INDENT(2) | JSON_SORT_KEYS and a
 * final newline, so the same inputs and parameters give the same bytes: no wall-clock
 * time, no absolute path, no host name, no number of threads. Money is in integer cents;
 * the two real parameters (confidence level, reject alert rate) are JSON numbers printed
 * with 15 significant digits, which gives back exactly the decimal of the configuration
 * (the configuration accepts at most 15 significant digits). SHA-256 comes from
 * include/spie/digest.h.
 *
 * Layout (keys sorted in the file; "…" = one object per item):
 *   moteur {nom, version}, commande "run"|"check", periode "YYYY-MM",
 *   date_reference "YYYY-MM-DD", secret_applique bool, diffusion "normale"|"restreinte",
 *   parametres {enveloppe {montant_centimes, debut, fin}, reprise {horizons [..]},
 *     intervalles {niveau, methode}, secret {seuil}, projection {mois},
 *     rejets {taux_alerte}, continuite {baisse_max}, delais [{code, de, a, cible}…]},
 *   territoires {source "defaut"|"fichier", sha256},
 *   precedente null | {periode, sha256} | {periode null, sha256 null, ecartees [{periode,
 *     motif}…]} (the previous publication, docs/methodologie.md §11; previous.h),
 *   entrees [{departement, type, fichier, mois, retard_mois, taille, sha256, statut, motif,
 *     lignes_lues, lignes_acceptees, lignes_rejetees, lignes_vides, transcodage}…]
 *     (one per plan entry, in the plan's order; null fields for a missing file),
 *   ecartes [{fichier, statut "non_retenu"|"ignore", motif}…] (sorted by name),
 *   sorties [{fichier, taille, sha256}…] (every regular file of the folder but
 *     manifest.json, sorted by name). */
#ifndef SPIE_MANIFEST_H
#define SPIE_MANIFEST_H

#include <jansson.h>

#include "spie/params.h"
#include "spie/plan.h"
#include "spie/error.h"
#include "spie/input_digest.h"
#include "spie/previous.h"
#include "spie/reading.h"

#define SPIE_MANIFEST_NAME "manifest.json"
typedef struct spie_manifest_info {
    const char *command;              /* "run" or "check" */
    const spie_plan *plan;
    const spie_entry_result *results; /* one per plan entry */
    const spie_input_hash *inputs;    /* one per plan entry */
    const spie_params *params;
    bool secret_applied;
    bool territories_default;         /* the built-in table (else a file) */
    const char *territories_sha256;   /* of the table's bytes */
    const spie_previous *previous;    /* the previous publication looked for; NULL: "precedente" null */
} spie_manifest_info;

/* The manifest of the folder dir: info, and the outputs as listed from dir (every
 * regular file except manifest.json; anything else than a regular file is an error).
 * NULL with *err filled on failure. */
json_t *spie_manifest_build(const spie_manifest_info *info, const char *dir, spie_error *err);
/* The deterministic text of a manifest (malloc'd, ends with a newline), NULL on failure. */
char *spie_manifest_dumps(const json_t *manifest);
/* Builds the manifest and writes dir/manifest.json: written whole, fsync'ed, closed. On
 * failure the partial file is removed. SPIE_OK, or SPIE_E_OUTPUT / SPIE_E_MEMORY with
 * *err naming the file. */
spie_rc spie_manifest_write(const spie_manifest_info *info, const char *dir, spie_error *err);

/* The parameters as the manifest records them (the "parametres" object). */
json_t *spie_manifest_params_json(const spie_params *params);
/* The inverse: reads a "parametres" object into *params. SPIE_E_INPUT with *err on a
 * missing or malformed field. */
spie_rc spie_manifest_params_from_json(const json_t *obj, spie_params *params, spie_error *err);

/* ---- verification ---------------------------------------------------------------- */

/* Called for each difference found: file is the name relative to the folder checked
 * (outputs) or to the inbox (inputs); why is French. */
typedef void (*spie_diff_fn)(void *ctx, const char *file, const char *why);

/* Reads dir/manifest.json and checks its shape (the fields verification needs). NULL with
 * *err (SPIE_E_INPUT, the file and line) when the file is missing, not JSON, or not a
 * manifest. */
json_t *spie_manifest_load(const char *dir, spie_error *err);
/* The same from the n bytes of a manifest already read (path names it in messages). */
json_t *spie_manifest_parse(const char *buf, size_t n, const char *path, spie_error *err);
/* Reads a whole file into memory (malloc'd, NUL appended, *len bytes without it); at
 * most max bytes. 0 or an errno value (EFBIG above max). */
int spie_read_file(const char *path, size_t max, char **buf, size_t *len);
/* Checks every output listed (present, regular, size, SHA-256) and that dir holds no
 * other file than those and manifest.json. Returns the number of differences reported. */
size_t spie_manifest_check_outputs(const json_t *manifest, const char *dir, spie_diff_fn diff, void *ctx);
/* Checks every input file listed (present, size, SHA-256) under inbox. Returns the
 * number of differences reported; *checked (may be NULL) the files checked. */
size_t spie_manifest_check_inputs(const json_t *manifest, const char *inbox, spie_diff_fn diff, void *ctx,
                                  size_t *checked);
/* Compares two folders byte by byte (every regular file of either one). Returns the
 * number of differences reported (a file only in one folder is one). */
size_t spie_compare_dirs(const char *expected, const char *got, spie_diff_fn diff, void *ctx);

#endif
