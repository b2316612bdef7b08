/* Reasons and rejects: the reason codes and labels of docs/format-extraits.md §6, and a rejected row
 * handed to the job's sink with its physical line, column and raw bytes as UTF-8.
 *
 * A reject first lets the etapes rows waiting in the ring through (extract_ring.c), so
 * the rejects keep the order of the lines. This file decides no rule: it writes what the
 * rules decided. It may not print or write anything itself: the sink does. */
#include <string.h>

#include "extract_int.h"

static const char *const reason_codes[SPIE_R_COUNT] = {
    "NB_CHAMPS", "CHAMP_MANQUANT", "ID_INVALIDE", "DATE_INVALIDE", "CODE_INVALIDE",
    "MONTANT_INVALIDE", "DEPT_INCOHERENT", "DATE_FUTURE", "DATE_HORS_PROGRAMME",
    "ANNEE_NAISSANCE", "DOUBLON", "BENEFICIAIRE_INCONNU", "ETAPE_AVANT_ENTREE", "TYPE_MANQUANT"};
static const char *const reason_labels[SPIE_R_COUNT] = {
    "nombre de champs incorrect",
    "champ obligatoire vide",
    "identifiant invalide",
    "date ou mois invalide",
    "code inconnu (public, étape, type, financeur, sexe)",
    "montant invalide",
    "département différent de celui du fichier",
    "date postérieure à la fin de la période traitée",
    "date antérieure au 1er janvier 2020",
    "année de naissance invraisemblable",
    "ligne en double",
    "bénéficiaire absent du fichier beneficiaires",
    "étape datée avant l'entrée du bénéficiaire",
    "type obligatoire absent (REPRISE)"};

const char *spie_reason_code(spie_reason r) { return (unsigned)r < SPIE_R_COUNT ? reason_codes[r] : "?"; }
const char *spie_reason_label(spie_reason r) { return (unsigned)r < SPIE_R_COUNT ? reason_labels[r] : "?"; }

/* Length of the valid UTF-8 sequence starting at s (at most n bytes), 0 if none. */
size_t spie_rd_utf8_seq(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || len > n || !spie_utf8_valid(s, len))
        return 0;
    return len;
}

/* The record as UTF-8 for the rejects file, cut at SPIE_REJECT_RAW_MAX characters. Valid
 * UTF-8 sequences are kept; any other byte is taken as Windows-1252, as the fields are, so
 * a line mixing a Windows-1252 field and a UTF-8 field shows both right. A sequence cut by
 * the RAW_KEEP limit is dropped, not transcoded. *out is NULL when memory ran out. */
static size_t raw_for_reject(reader *r, const char **out)
{
    const char *s = r->rawp ? r->rawp : "";
    size_t n = r->rawn;
    if (spie_utf8_valid(s, n)) {
        *out = s;
    } else {
        r->xcode.len = 0;
        if (!spie_rd_buf_reserve(&r->xcode, 3 * n + 1)) {
            *out = NULL; /* memory ran out: the caller fails the file */
            return 0;
        }
        char *d = r->xcode.p;
        size_t w = 0;
        for (size_t i = 0; i < n;) {
            size_t k = spie_rd_utf8_seq(s + i, n - i);
            if (k) {
                memcpy(d + w, s + i, k);
                w += k;
                i += k;
                continue;
            }
            if (n == RAW_KEEP && n - i < 4 && (unsigned char)s[i] >= 0xC0)
                break; /* a sequence cut by the limit */
            w += spie_cp1252_to_utf8(s + i, 1, d + w);
            i++;
        }
        *out = d;
        s = d;
        n = w;
    }
    size_t chars = 0, i = 0;
    while (i < n && chars < SPIE_REJECT_RAW_MAX) {
        i++;
        while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        chars++;
    }
    return i;
}

void spie_rd_reject(reader *r, spie_reason why, int col)
{
    spie_file_report *rep = r->rep;
    if (r->pipe_len && !r->in_flush) {
        spie_rd_pipe_flush(r); /* the rejects keep the order of the lines */
        if (r->failed) {
            rep->rows_read--; /* this row comes after the failure: it was never read */
            return;
        }
    }
    rep->rows_rejected++;
    rep->by_reason[why]++;
    if (!r->job->reject)
        return;
    spie_reject rj;
    rj.file = r->job->relname;
    rj.line = r->rec_start;
    rj.column = col >= 0 ? r->cols[col].name : NULL;
    rj.reason = why;
    rj.raw_len = raw_for_reject(r, &rj.raw);
    if (!rj.raw) { /* never a reject written without its line */
        spie_rd_fail_memory(r);
        return;
    }
    if (r->job->reject(r->job->reject_ctx, &rj) != 0) {
        rep->sink_failed = true;
        spie_rd_failf(r, 0, "ligne %llu : écriture du fichier des rejets impossible", (unsigned long long)r->rec_start);
    }
}
