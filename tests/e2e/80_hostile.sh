#!/bin/bash
# Hostile input (issue 10; the catalogue and its expected outcomes are in
# tests/data/hostile/README.md). One inbox, built here by tests/data/hostile/make_inbox.py
# (big inputs are generated, never committed), one territory per case: empty files, a
# header alone, a gzip of nothing, random bytes, gzip cut in the header / in the data /
# before the trailer, a bad CRC, a corrupt second member, a 10 MB field, 10 000 columns,
# a NUL byte, invalid UTF-8 everywhere, UTF-16, a 1 GiB decompression bomb, 1 MB lines,
# impossible dates and amounts, a FIFO, a symbolic link and a directory named like
# extracts, an unclosed quote, extract text that looks like formulas and paths.
#
# Each case: its row of qualite_<P>.csv (statut, motif, counts) and its message on
# standard error, naming the file and the line (and the byte offset for gzip). The batch
# as a whole: it ends (timeout 120 s) with status 1 (data errors), writes every output,
# keeps memory under 200 MB (GNU time's %M, else python's resource module), reconciles
# (lues = acceptees + rejetees, reasons add up, every rejected row is in the rejects file),
# and the clean territory gets the same figures as in a batch without the hostile files.
# Item 4 of the issue: no cell of any workbook is a formula, the formula-looking extract
# text is there as text, and no file appears outside the output folder.
. "$(dirname "$0")/lib/tap.sh"

P=2021-06
TERR=$SRCDIR/tests/data/hostile/territoires.csv
IN=$TAP_TMP/inbox
mkdir -p "$IN"
if ! python3 "$SRCDIR/tests/data/hostile/make_inbox.py" "$IN" "$TAP_TMP/sizes" >"$TAP_TMP/gen.log" 2>&1; then
    tap_result 1 "make_inbox.py builds the hostile inbox"
    sed 's/^/# /' "$TAP_TMP/gen.log"
    done_testing
    exit 1
fi
size() { sed -n "s/^$1=//p" "$TAP_TMP/sizes"; }

# The memory bound. An AddressSanitizer build (make asan) keeps freed blocks in a
# quarantine of 256 MB by default: it is made small for these runs, so that the bound
# still tells a streaming reader from one that holds a gigabyte.
MAX_RSS_KB=204800
if grep -q __asan_init "$SPIE" 2>/dev/null; then
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8:thread_local_quarantine_size_kb=64"
fi

# measure NAME spie-args...: runs spie under timeout 120 with its maximum resident set
# size in KB in $RSS, its status in $STATUS, its standard error in $TAP_TMP/err-NAME.
measure() {
    local name=$1
    shift
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -o "$TAP_TMP/rss" -f '%M' timeout 120 "$SPIE" "$@" >/dev/null 2>"$TAP_TMP/err-$name"
        STATUS=$?
    else
        python3 -c 'import resource, subprocess, sys
with open(sys.argv[2], "w") as err:
    rc = subprocess.call(sys.argv[3:], stdout=subprocess.DEVNULL, stderr=err)
open(sys.argv[1], "w").write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)' "$TAP_TMP/rss" "$TAP_TMP/err-$name" timeout 120 "$SPIE" "$@"
        STATUS=$?
    fi
    RSS=$(tail -n 1 "$TAP_TMP/rss")
}

# ---- the batch ------------------------------------------------------------------------
ls -A "$TAP_TMP" | LC_ALL=C sort >"$TAP_TMP/before"
OUT=$TAP_TMP/res-run
measure run run --period $P --inbox "$IN" --territories "$TERR" --out "$OUT" --jobs 2
ERR=$TAP_TMP/err-run
D=$OUT/$P
Q=$D/qualite_$P.csv
is "the batch ends by itself, with status 1 (data errors), not a crash nor the timeout" "$STATUS" 1
ok_if "memory stays bounded: ${RSS} KB <= $MAX_RSS_KB KB (the 1 GiB bomb is never held)" \
    test "${RSS:-999999999}" -le $MAX_RSS_KB
ok_if "every output is written" test -s "$Q" -a -s "$D/rejets_$P.csv.gz" -a -s "$D/indicateurs_$P.csv" \
    -a -s "$D/manifest.json" -a -s "$D/SPIE_${P}_national.xlsx"
ok_if "standard error holds no sanitizer report, no crash message" \
    sh -c "! grep -qiE 'sanitizer|runtime error|segmentation|abort|assert' '$ERR'"

# The quality report as tab-separated fields: fichier statut motif lues acceptees
# rejetees vides transcodage (python's csv module: motifs may hold commas and quotes).
python3 - "$Q" >"$TAP_TMP/q.tsv" <<'EOF'
import csv, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    rows = list(csv.reader(f))
for r in rows[1:]:
    print('\t'.join([r[2], r[5], r[6], r[7], r[8], r[9], r[10], r[11]]))
EOF
# q FILE COL: column COL (1 fichier, 2 statut, 3 motif, 4 lues, 5 acceptees, 6 rejetees,
# 7 vides, 8 transcodage) of FILE's row; NOROW when there is none.
q() {
    awk -F'\t' -v f="$1" -v c="$2" '$1 == f { print $c; found = 1; exit } END { if (!found) print "NOROW" }' \
        "$TAP_TMP/q.tsv"
}
name() { echo "spie_$1_${P}_$2"; }

# unusable DEPT KIND EXT LINE MOTIF DESC: an unusable file, its motif, its message.
unusable() {
    local f
    f=$(name "$1" "$2").$3
    is "$6: $f inutilisable, 0 rows used" "$(q "$f" 2) $(q "$f" 5)" "inutilisable 0"
    is "$6: the motif" "$(q "$f" 3)" "$5"
    ok_if "$6: standard error names the file and the line" \
        grep -qxF "spie run: $IN/$f:$4: fichier inutilisable : $5" "$ERR"
}
# usable DEPT KIND EXT "LUES ACC REJ" DESC: a usable file and its counts.
usable() {
    local f
    f=$(name "$1" "$2").$3
    is "$5: $f ok, lues acceptees rejetees" "$(q "$f" 2) $(q "$f" 4) $(q "$f" 5) $(q "$f" 6)" "ok $4"
}
# rejected DEPT KIND EXT LINE "LABEL (CODE[, colonne C])" DESC: a rejected row's message.
rejected() {
    local f
    f=$(name "$1" "$2").$3
    ok_if "$6: standard error names the file and line $4" \
        grep -qxF "spie run: $IN/$f:$4: ligne rejetée : $5" "$ERR"
}

unusable 01 budget csv 1 "fichier sans ligne d'en-tête" "empty file"
unusable 02 budget csv.gz 1 "flux gzip tronqué à l'octet 0" "empty .csv.gz"
usable 03 budget csv.gz "0 0 0" "header only (not an error: no rows yet)"
unusable 04 budget csv.gz 1 "fichier sans ligne d'en-tête" "gzip of nothing"
unusable 05 budget csv.gz 1 "pas un fichier gzip à l'octet 0" "random bytes as .csv.gz"
F06=$(name 06 beneficiaires).csv
is "random bytes as .csv: inutilisable, 0 rows used" "$(q "$F06" 2) $(q "$F06" 5)" "inutilisable 0"
case "$(q "$F06" 3)" in "ligne "[0-9]*" : "?*) r=0 ;; *) r=1 ;; esac
tap_result $r "random bytes as .csv: the motif says why, at which line"
ok_if "random bytes as .csv: standard error names the file and the line" \
    grep -qE "^spie run: $IN/$F06:[0-9]+: fichier inutilisable : ligne " "$ERR"
unusable 07 beneficiaires csv.gz 1 "flux gzip tronqué à l'octet 5" "gzip cut in its header"
# decoded_lines FILE: the complete lines zlib alone decodes of a gzip file cut short or
# corrupt, member after member (python's zlib, independent of the engine): a broken
# file's counts and message line are those of the lines read before its defect.
decoded_lines() {
    python3 - "$1" <<'PY'
import sys, zlib
data, out = open(sys.argv[1], 'rb').read(), b''
try:  # a byte at a time, so that what comes before an error is kept
    while data:
        d, i = zlib.decompressobj(31), 0
        while i < len(data) and not d.eof:
            out += d.decompress(data[i:i + 1])
            i += 1
        if not d.eof:
            break
        data = d.unused_data + data[i:]
except zlib.error:
    pass
print(out.count(b'\n'))
PY
}
# unusable_cut DEPT KIND MOTIF DESC: a gzip file unusable for its defect; its message names
# the line the defect cut (the one after the complete lines), lignes_lues counts the
# complete lines after the header.
unusable_cut() {
    local f n
    f=$(name "$1" "$2").csv.gz
    n=$(decoded_lines "$IN/$f")
    unusable "$1" "$2" csv.gz $((n + 1)) "$3" "$4"
    is "$4: lignes_lues are the complete lines decoded before the defect (header and empty lines apart)" \
        "$(($(q "$f" 4) + $(q "$f" 7)))" "$((n - 1))"
}
unusable_cut 08 beneficiaires "flux gzip tronqué à l'octet $(size 08)" "gzip cut in the middle"
unusable_cut 09 beneficiaires "flux gzip tronqué à l'octet $(size 09)" "gzip cut before the trailer"
unusable_cut 10 beneficiaires "flux gzip corrompu (données ou CRC invalides) à l'octet $(($(size 10) - 4))" \
    "bad CRC (offset: after the CRC field)"
F11=$(name 11 beneficiaires).csv.gz
OFF11=$(q "$F11" 3 | sed -n "s/^flux gzip corrompu (données ou CRC invalides) à l'octet \([0-9]*\)$/\1/p")
is "second member corrupt: inutilisable, 0 rows used" "$(q "$F11" 2) $(q "$F11" 5)" "inutilisable 0"
ok_if "second member corrupt: the offset ($OFF11) is inside the second member ($(size 11_member1)..$(size 11))" \
    test -n "$OFF11" -a "${OFF11:-0}" -gt "$(size 11_member1)" -a "${OFF11:-0}" -le "$(size 11)"
ok_if "second member corrupt: standard error names the file, the line and the offset" \
    grep -qF "spie run: $IN/$F11:$(($(decoded_lines "$IN/$F11") + 1)): fichier inutilisable : flux gzip corrompu (données ou CRC invalides) à l'octet $OFF11" "$ERR"
is "second member corrupt: lignes_lues are the complete lines of the first member" \
    "$(($(q "$F11" 4) + $(q "$F11" 7)))" "$(($(decoded_lines "$IN/$F11") - 1))"
unusable 12 budget csv.gz 3 "ligne 3 : enregistrement de plus de 1048576 octets" "10 MB field"
unusable 13 budget csv 1 "ligne 1 : plus de 1024 champs" "10 000 columns"
usable 14 beneficiaires csv.gz "3 2 1" "NUL byte in an id"
rejected 14 beneficiaires csv.gz 3 "identifiant invalide (ID_INVALIDE, colonne id_beneficiaire)" "NUL byte"
usable 15 budget csv.gz "3 1 2" "invalid UTF-8 everywhere (taken as Windows-1252)"
is "invalid UTF-8 everywhere: transcodage oui, the unknown column named in UTF-8" \
    "$(q "$(name 15 budget).csv.gz" 8) $(q "$(name 15 budget).csv.gz" 3)" "oui colonnes inconnues ignorées : région"
rejected 15 budget csv.gz 2 "date ou mois invalide (DATE_INVALIDE, colonne mois)" "invalid UTF-8 in a month"
unusable 16 beneficiaires csv.gz 1 "encodage UTF-16 non pris en charge (UTF-8 ou Windows-1252 attendu)" "UTF-16 with BOM"
unusable 17 beneficiaires csv.gz 2 "ligne 2 : enregistrement de plus de 1048576 octets" \
    "decompression bomb ($(size 17) bytes holding $(size 17_uncompressed))"
usable 18 budget csv.gz "21 1 20" "twenty 1 MB lines (wrong field count)"
rejected 18 budget csv.gz 2 "nombre de champs incorrect (NB_CHAMPS)" "1 MB line"
usable 19 beneficiaires csv.gz "4 1 3" "impossible dates 2021-02-29, 0000-00-00, 2021-13-01"
for l in 2 3 4; do
    rejected 19 beneficiaires csv.gz $l "date ou mois invalide (DATE_INVALIDE, colonne date_entree)" "impossible date"
done
usable 21 budget csv.gz "5 1 4" "amounts of 40 digits, 3 decimals, 1e5, NaN"
for l in 2 3 4; do # the first three rejects of a file are on standard error
    rejected 21 budget csv.gz $l "montant invalide (MONTANT_INVALIDE, colonne montant_engage)" "impossible amount"
done
for c in "22 budget.csv.gz|pas un fichier ordinaire|FIFO" "23 budget.csv|lien symbolique|symbolic link" \
    "24 budget.csv.gz|répertoire|directory"; do
    f="spie_${c%% *}_${P}_$(echo "${c#* }" | cut -d'|' -f1)"
    why=$(echo "$c" | cut -d'|' -f2)
    desc=$(echo "$c" | cut -d'|' -f3)
    is "$desc named like an extract: ignored, the reason" "$(q "$f" 2) $(q "$f" 3)" "ignore $why"
    ok_if "$desc: standard error says it is ignored" grep -qxF "spie run: $IN/$f: ignoré : $why" "$ERR"
done
ok_if "the FIFO is still there, nothing wrote into or waited on it" test -p "$IN/spie_22_${P}_budget.csv.gz"
unusable 26 etapes csv.gz 4 "guillemet ouvert ligne 2 et jamais fermé avant la fin du fichier" "unclosed quote"
usable 27 budget csv.gz "3 3 0" "formula-looking and path-looking extract text"
for k in beneficiaires etapes budget; do
    usable 25 $k csv.gz "$( [ $k = beneficiaires ] && echo '5 5 0' || { [ $k = etapes ] && echo '2 2 0' || echo '1 1 0'; })" \
        "the clean territory"
done

# ---- reconciliation and nothing lost ---------------------------------------------------
python3 - "$Q" "$D/rejets_$P.csv.gz" >"$TAP_TMP/recon" 2>&1 <<'EOF'
import csv, gzip, io, sys
bad = []
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    rows = list(csv.reader(f))
head = rows[0]
with gzip.open(sys.argv[2], 'rt', newline='', encoding='utf-8') as f:
    rej = list(csv.reader(f))
per_file = {}
for r in rej[1:]:
    per_file[r[0]] = per_file.get(r[0], 0) + 1
for r in rows[1:]:
    if len(r) != len(head):
        bad.append('%s: %d fields' % (r[2], len(r)))
        continue
    if r[5] not in ('ok', 'inutilisable'):
        continue
    lues, acc, rej_n = int(r[7]), int(r[8]), int(r[9])
    reasons = sum(int(x) for x in r[12:26])  # then lignes_acceptees_precedentes, continuite
    if r[5] == 'ok' and lues != acc + rej_n:
        bad.append('%s: lues %d != %d + %d' % (r[2], lues, acc, rej_n))
    if r[5] == 'inutilisable' and acc != 0:
        bad.append('%s: inutilisable with %d acceptees' % (r[2], acc))
    if reasons != rej_n:
        bad.append('%s: reasons add up to %d, not %d' % (r[2], reasons, rej_n))
    if per_file.get(r[2], 0) != rej_n:
        bad.append('%s: %d rows in the rejects file, %d rejected' % (r[2], per_file.get(r[2], 0), rej_n))
print('\n'.join(bad) if bad else 'ok')
EOF
is "reconciliation: lues = acceptees + rejetees, reasons add up, every reject in the rejects file" \
    "$(cat "$TAP_TMP/recon")" ok

# spie check reads the same inbox to the same quality report.
measure check check --period $P --inbox "$IN" --territories "$TERR" --out "$TAP_TMP/res-check" --jobs 1
is "spie check on the same inbox: status 1" "$STATUS" 1
ok_if "spie check: the same quality report, byte for byte" cmp "$Q" "$TAP_TMP/res-check/$P/qualite_$P.csv"
ok_if "spie check: memory bounded too (${RSS} KB)" test "${RSS:-999999999}" -le $MAX_RSS_KB

# The clean territory's figures do not depend on its hostile neighbours: the same as in
# a batch whose inbox holds only its files (without the secret, which looks at the table
# as a whole).
mkdir -p "$TAP_TMP/clean"
cp "$IN"/spie_25_* "$TAP_TMP/clean/"
measure nosecret run --period $P --inbox "$IN" --territories "$TERR" --out "$TAP_TMP/res-ns" --no-secret --quiet
measure clean run --period $P --inbox "$TAP_TMP/clean" --territories "$TERR" --out "$TAP_TMP/res-clean" --no-secret --quiet
grep '^departement,25,' "$TAP_TMP/res-ns/$P/indicateurs_$P.csv" >"$TAP_TMP/ind-ns"
grep '^departement,25,' "$TAP_TMP/res-clean/$P/indicateurs_$P.csv" >"$TAP_TMP/ind-clean"
ok_if "the clean territory has figures" test -s "$TAP_TMP/ind-clean"
ok_if "the clean territory's figures are the same with and without the hostile files" \
    cmp "$TAP_TMP/ind-ns" "$TAP_TMP/ind-clean"

# ---- no injection (item 4) -------------------------------------------------------------
python3 - "$D" >"$TAP_TMP/wb" 2>&1 <<'EOF'
import os, re, sys, zipfile
d = sys.argv[1]
books = sorted(f for f in os.listdir(d) if f.endswith('.xlsx'))
formulas, texts = [], ''
for b in books:
    with zipfile.ZipFile(os.path.join(d, b)) as z:
        for n in z.namelist():
            x = z.read(n).decode('utf-8')
            if n.startswith('xl/worksheets/') and re.search(r'<f[ >]', x):
                formulas.append('%s:%s' % (b, n))
            if n == 'xl/sharedStrings.xml':
                texts += x
print('books %d' % len(books))
print('formulas ' + (' '.join(formulas) if formulas else 'none'))
print('motif as text %s' % ('yes' if 'colonnes inconnues ignorées : =1+1, ../../../tmp/x' in texts else 'no'))
print('libelle kept %s' % ('yes' if 'HYPERLINK' in texts or '@SUM' in texts else 'no'))
EOF
ok_if "workbooks written (national and per region)" grep -qE '^books ([2-9]|[1-9][0-9])' "$TAP_TMP/wb"
is "no cell of any workbook is a formula" "$(sed -n 's/^formulas //p' "$TAP_TMP/wb")" none
is "extract text that looks like a formula (a column named =1+1) is a text cell" \
    "$(sed -n 's/^motif as text //p' "$TAP_TMP/wb")" yes
is "the libellé (=HYPERLINK(...), @SUM(A1)) is never written anywhere (extract.h: not kept)" \
    "$(sed -n 's/^libelle kept //p' "$TAP_TMP/wb")" no
ls -A "$TAP_TMP" | LC_ALL=C sort >"$TAP_TMP/after"
is "no file made outside the output folders (paths never come from extract text)" \
    "$(comm -13 "$TAP_TMP/before" "$TAP_TMP/after" | grep -vxE 'out|res-.*|clean|rss|err-.*|q\.tsv|recon|wb|ind-.*|before|after' | tr '\n' ' ')" ""
ok_if "no file /tmp/spie-pwned (a value of the extract)" test ! -e /tmp/spie-pwned
is "the output folder holds only the outputs" \
    "$(ls -A "$D" | grep -vE '^(SPIE_'$P'_.*\.xlsx|indicateurs_'$P'\.csv|qualite_'$P'\.csv|rejets_'$P'\.csv\.gz|manifest\.json)$' | tr '\n' ' ')" ""

done_testing
