#!/bin/bash
# What an operator's mistakes must not break (the reliability issue): periods out of
# range, a territories table that is a FIFO, ... Each case says the exit status and that
# nothing was written where nothing should be.
. "$(dirname "$0")/lib/tap.sh"

INBOX=$SRCDIR/samples/demo/inbox
TERR=$SRCDIR/samples/demo/territoires.csv

# --- the period: 2020-01 to 2099-12 (a typo must not allocate eight thousand years) ---
for p in 9999-12 2100-01 2019-12 0001-01; do
    OUT=$TAP_TMP/period-$p
    "$SPIE" run --period "$p" --inbox "$INBOX" --territories "$TERR" --out "$OUT" --quiet 2>"$TAP_TMP/err"
    is "--period $p: usage error (exit 2)" "$?" 2
    ok_if "--period $p: the message names the accepted range" grep -q '2020-01 et 2099-12' "$TAP_TMP/err"
    ok_if "--period $p: nothing written (no output folder)" test ! -e "$OUT"
done
"$SPIE" check --period 2100-01 --inbox "$INBOX" --territories "$TERR" --out "$TAP_TMP/chk" --quiet 2>/dev/null
is "spie check --period 2100-01: usage error (exit 2)" "$?" 2
# The last month accepted is a whole run, in bounded memory: the histograms hold the days
# the data reach, not every day since 2020 (6.4 GB here before, linear in the span now).
# An AddressSanitizer build (make asan) keeps freed blocks in a quarantine of 256 MB by
# default: it is made small for this run, as in 80_hostile.sh (about 80 MB then).
if grep -q __asan_init "$SPIE" 2>/dev/null; then
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8:thread_local_quarantine_size_kb=64"
fi
ok_if "--period 2099-12: the run publishes (exit 1: the demo is late by then) in under 300 MB" \
    python3 - "$SPIE" "$INBOX" "$TERR" "$TAP_TMP/far" <<'PY'
import resource, subprocess, sys
spie, inbox, terr, out = sys.argv[1:]
st = subprocess.call([spie, 'run', '--period', '2099-12', '--inbox', inbox, '--territories', terr,
                      '--out', out, '--quiet'], stderr=subprocess.DEVNULL)
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print('# peak resident memory of spie run --period 2099-12: %d KB' % peak_kb)
sys.exit(0 if st == 1 and peak_kb < 300 * 1024 else 1)
PY
ok_if "and its indicators are there" test -s "$TAP_TMP/far/2099-12/indicateurs_2099-12.csv"
# The edges are accepted.
"$SPIE" check --period 2099-12 --inbox "$INBOX" --territories "$TERR" --out "$TAP_TMP/edge" --quiet 2>/dev/null
is "--period 2099-12 (the last month accepted): the check runs (exit 1: the demo is late by then)" "$?" 1
# The envelope window of the configuration has the same bounds.
printf '[enveloppe]\ndebut = 0001-01\nfin = 9999-12\n' >"$TAP_TMP/window.ini"
"$SPIE" run --period 2023-06 --inbox "$INBOX" --territories "$TERR" --out "$TAP_TMP/win" --quiet \
    --config "$TAP_TMP/window.ini" 2>"$TAP_TMP/err"
is "an envelope window of 0001-01 to 9999-12: usage error (exit 2)" "$?" 2
ok_if "the message names the file, the line and the key" grep -q 'window.ini:2: \[enveloppe\] debut' "$TAP_TMP/err"
ok_if "nothing written" test ! -e "$TAP_TMP/win"

# --- a territories table that is not a regular file ---
mkfifo "$TAP_TMP/fifo.csv"
timeout 20 "$SPIE" run --period 2023-06 --inbox "$INBOX" --territories "$TAP_TMP/fifo.csv" --out "$TAP_TMP/ff" \
    --quiet 2>"$TAP_TMP/err"
is "--territories FIFO with no writer: refused at once (exit 2), no wait" "$?" 2
ok_if "the message names the FIFO and says why" grep -q "fifo.csv: n'est pas un fichier ordinaire" "$TAP_TMP/err"
ok_if "nothing written" test ! -e "$TAP_TMP/ff"

# --- options written in full, once ---
"$SPIE" run --per 2023-06 --inbox "$INBOX" --territories "$TERR" --out "$TAP_TMP/ab" --quiet 2>"$TAP_TMP/err"
is "--per (an abbreviation of --period): usage error (exit 2)" "$?" 2
ok_if "the message names the abbreviation" grep -q "option inconnue « --per »" "$TAP_TMP/err"
"$SPIE" run --period 2023-06 --period 2023-05 --inbox "$INBOX" --territories "$TERR" --out "$TAP_TMP/ab" \
    --quiet 2>"$TAP_TMP/err"
is "--period given twice: usage error (exit 2)" "$?" 2
ok_if "the message says which option" grep -q -- "--period est donnée deux fois" "$TAP_TMP/err"
ok_if "nothing written" test ! -e "$TAP_TMP/ab"
"$SPIE" verify "$TAP_TMP/nowhere" --inb x 2>/dev/null
is "spie verify --inb: usage error (exit 2)" "$?" 2

# --- a staging folder left by a killed run is removed by the next run, of any period ---
K=$TAP_TMP/killed
"$SPIE" check --period 2023-05 --inbox "$INBOX" --territories "$TERR" --out "$K" --quiet 2>/dev/null
mkdir -p "$K/.2023-06.partiel" "$K/.2023-04.partiel.abandon" && echo x >"$K/.2023-06.partiel/indicateurs_2023-06.csv"
"$SPIE" check --period 2023-05 --inbox "$INBOX" --territories "$TERR" --out "$K" --quiet 2>/dev/null
is "the staging folders of other periods are removed by the next run" "$(find "$K" -maxdepth 1 -name '.*partiel*' | wc -l)" 0

# --- a file of 100 009 bad lines: 100 000 rejects written, the rest counted and said ---
IN4=$TAP_TMP/box4
mkdir -p "$IN4" && cp "$INBOX"/* "$IN4"/
python3 - "$IN4/spie_31_2023-06_beneficiaires.csv.gz" <<'PY'
import gzip, sys
with gzip.open(sys.argv[1], "wt", encoding="utf-8", newline="") as f:
    f.write("id_beneficiaire;date_entree;public;sexe;annee_naissance;departement\n")
    f.write("B31-000001;01/02/2022;RSA;F;1991;31\n" * 100010)
PY
"$SPIE" check --period 2023-06 --inbox "$IN4" --territories "$TERR" --out "$TAP_TMP/out4" --quiet 2>/dev/null
Q4=$TAP_TMP/out4/2023-06/qualite_2023-06.csv
is "100 009 duplicates: all counted in the quality report" \
    "$(python3 -c 'import csv,sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["fichier"] == "spie_31_2023-06_beneficiaires.csv.gz": print(r["lignes_acceptees"] + "/" + r["lignes_rejetees"])' "$Q4")" "1/100009"
ok_if "the motif says how many were not written" \
    grep -q "9 lignes rejetées au-delà des 100000 premières : comptées ici, non écrites dans rejets_2023-06.csv.gz" "$Q4"
is "the rejects file holds 100 000 rows of that file" \
    "$(zcat "$TAP_TMP/out4/2023-06/rejets_2023-06.csv.gz" | grep -c '^spie_31_2023-06_beneficiaires.csv.gz,')" 100000

# --- spie check never throws away a run's outputs ---
P=2023-06
OUT=$TAP_TMP/pub
"$SPIE" run --period $P --inbox "$INBOX" --territories "$TERR" --out "$OUT" --quiet 2>/dev/null
snap() { (cd "$1" && find . -type f -printf '%P\n' | LC_ALL=C sort | xargs sha256sum) 2>/dev/null; }
BEFORE=$(snap "$OUT/$P")
"$SPIE" check --period $P --inbox "$INBOX" --territories "$TERR" --out "$OUT" --quiet 2>"$TAP_TMP/err"
is "spie check on a folder published by spie run: refused (exit 2)" "$?" 2
ok_if "the message names the folder" grep -q "$OUT/$P: tient la publication de spie run" "$TAP_TMP/err"
is "the run's workbooks and indicators are all still there" "$(snap "$OUT/$P")" "$BEFORE"
ok_if "no staging folder left" test -z "$(find "$OUT" -maxdepth 1 -name '.*partiel*')"
# A check's own folder is replaced by a check or a run, as before.
"$SPIE" check --period $P --inbox "$INBOX" --territories "$TERR" --out "$TAP_TMP/chk2" --quiet 2>/dev/null
"$SPIE" check --period $P --inbox "$INBOX" --territories "$TERR" --out "$TAP_TMP/chk2" --quiet 2>/dev/null
is "spie check over a check's folder: done (exit 1, the demo's late territory)" "$?" 1
"$SPIE" run --period $P --inbox "$INBOX" --territories "$TERR" --out "$TAP_TMP/chk2" --quiet 2>/dev/null
is "spie run over a check's folder: done" "$?" 1
ok_if "and its workbooks are there" test -s "$TAP_TMP/chk2/$P/SPIE_${P}_national.xlsx"

# --- anything at OUT/<P> that spie did not publish is left alone (exit 3) ---
for kind in file fifo folder link; do
    O=$TAP_TMP/alien-$kind
    mkdir -p "$O"
    case $kind in
    file) echo "notes de l'opérateur" >"$O/$P" ;;
    fifo) mkfifo "$O/$P" ;;
    folder) mkdir "$O/$P" && echo x >"$O/$P/mes-notes.txt" ;;
    link) ln -s /etc "$O/$P" ;;
    esac
    timeout 60 "$SPIE" run --period $P --inbox "$INBOX" --territories "$TERR" --out "$O" --quiet 2>"$TAP_TMP/err"
    is "a $kind at OUT/$P: exit 3" "$?" 3
    ok_if "a $kind at OUT/$P: the message names it" grep -q "$O/$P: n'est pas un dossier publié par spie" "$TAP_TMP/err"
    case $kind in
    file) is "the operator's file is intact" "$(cat "$O/$P")" "notes de l'opérateur" ;;
    fifo) ok_if "the FIFO is still a FIFO" test -p "$O/$P" ;;
    folder) is "the operator's folder is intact" "$(ls "$O/$P")" "mes-notes.txt" ;;
    link) ok_if "the link is still a link" test -L "$O/$P" ;;
    esac
done

# --- --out and --inbox must not hold each other ---
IN2=$TAP_TMP/box
mkdir -p "$IN2" && cp "$INBOX"/* "$IN2"/
for case in "$IN2|inside" "$IN2/sorties|inside" "$IN2/../box/sorties|inside"; do
    o=${case%|*}
    "$SPIE" run --period $P --inbox "$IN2" --territories "$TERR" --out "$o" --quiet 2>"$TAP_TMP/err"
    is "--out $o (the inbox or inside it): usage error (exit 2)" "$?" 2
    ok_if "the message says why" grep -q "dans la boîte de dépôt\|est la boîte de dépôt" "$TAP_TMP/err"
done
ok_if "nothing was written into the inbox" test -z "$(find "$IN2" -name 'sorties' -o -name '.spie.lock' -o -name "$P")"
"$SPIE" run --period $P --inbox "$IN2" --territories "$TERR" --out "$TAP_TMP" --quiet 2>"$TAP_TMP/err"
is "--inbox inside --out: usage error (exit 2)" "$?" 2

# --- file names reach the log escaped: one message, one line ---
IN3=$TAP_TMP/box3
mkdir -p "$IN3" && cp "$INBOX"/* "$IN3"/
touch "$IN3/$(printf 'x\nspie run: FAKE LOG LINE\033[31m.csv')"
touch "$IN3/$(printf 'caf\xe9.csv')"
"$SPIE" run --period $P --inbox "$IN3" --territories "$TERR" --out "$TAP_TMP/out3" 2>"$TAP_TMP/err"
is "a name with a newline: no forged log line" "$(grep -c '^spie run: FAKE' "$TAP_TMP/err")" 0
ok_if "the newline and the escape sequence are shown as \\x0A and \\x1B" grep -q 'x\\x0Aspie run: FAKE LOG LINE\\x1B\[31m.csv' "$TAP_TMP/err"
ok_if "a name that is not UTF-8 is shown with \\xE9" grep -q 'caf\\xE9.csv' "$TAP_TMP/err"
is "no raw escape byte reaches standard error" "$(tr -d -c '\033' <"$TAP_TMP/err" | wc -c)" 0

# --- spie verify waits for a batch that is publishing (the folder's lock, shared) ---
"$SPIE" run --period $P --inbox "$INBOX" --territories "$TERR" --out "$TAP_TMP/ver" --quiet 2>/dev/null
held() { # mode: returns once the holder has the lock (a try of the other mode fails)
    local n=0
    while flock -n "$1" "$TAP_TMP/ver/.spie.lock" true && [ $n -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
}
( flock -x 9; sleep 2 ) 9>"$TAP_TMP/ver/.spie.lock" &
holder=$!
held -s
t0=$(date +%s%N)
"$SPIE" verify "$TAP_TMP/ver/$P" 2>"$TAP_TMP/err"
st=$?
t1=$(date +%s%N)
wait $holder
is "spie verify while a batch holds the folder: conforme (exit 0)" "$st" 0
ok_if "it said it waits for the batch" grep -q "attente de sa fin" "$TAP_TMP/err"
ok_if "and it did wait (>= 1 s)" test $(( (t1 - t0) / 1000000 )) -ge 1000
( flock -s 9; sleep 2 ) 9>"$TAP_TMP/ver/.spie.lock" &
holder=$!
held -x
"$SPIE" run --period $P --inbox "$INBOX" --territories "$TERR" --out "$TAP_TMP/ver" --quiet 2>"$TAP_TMP/err"
is "a batch while spie verify reads the folder: refused at once (exit 3)" "$?" 3
ok_if "the message says a verification may be reading it" grep -q "une vérification le lit" "$TAP_TMP/err"
wait $holder

# --- a tampered manifest period reaches no far calendar through verify --recompute ---
cp -r "$TAP_TMP/ver/$P" "$TAP_TMP/tamper"
sed -i 's/"periode": "2023-06"/"periode": "9999-12"/' "$TAP_TMP/tamper/manifest.json"
"$SPIE" verify "$TAP_TMP/tamper" --inbox "$INBOX" --recompute --territories "$TERR" 2>"$TAP_TMP/err"
is "verify --recompute of a manifest whose period is 9999-12: usage error (exit 2)" "$?" 2
ok_if "the message names the accepted range" grep -q "2020-01 et 2099-12" "$TAP_TMP/err"

# --- a file written to while it is read: unusable, and the manifest holds the bytes read ---
# (build/spie-hooks appends a line to the file at its first rejected row: the file is then
# open in the reader; see cli/hooks.c)
cp -r "$INBOX" "$TAP_TMP/grow-inbox"
F=spie_56_2023-06_budget.csv
want_size=$(stat -c %s "$TAP_TMP/grow-inbox/$F")
SPIE_TEST_APPEND_ON_REJECT="$TAP_TMP/grow-inbox/$F" "$SPIE_HOOKS" run --period $P --inbox "$TAP_TMP/grow-inbox" \
    --territories "$TERR" --out "$TAP_TMP/grow" --quiet 2>"$TAP_TMP/err"
is "a file appended to while it is read: done with data errors (exit 1)" "$?" 1
ok_if "the line was appended during the run" test "$(stat -c %s "$TAP_TMP/grow-inbox/$F")" -gt "$want_size"
ok_if "its quality row: inutilisable, the motif says it changed while it was read" \
    python3 - "$TAP_TMP/grow/$P/qualite_$P.csv" "$F" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding='utf-8')) if r['fichier'] == sys.argv[2]]
sys.exit(0 if len(rows) == 1 and rows[0]['statut'] == 'inutilisable'
         and 'a changé pendant sa lecture' in rows[0]['motif'] and rows[0]['lignes_acceptees'] == '0' else 1)
PY
ok_if "the manifest's sha256 and taille are those of the bytes read (the added line too: the reader read on to the end)" \
    python3 - "$TAP_TMP/grow/$P/manifest.json" "$F" "$(sha256sum "$TAP_TMP/grow-inbox/$F" | cut -d' ' -f1)" \
    "$(stat -c %s "$TAP_TMP/grow-inbox/$F")" <<'PY'
import json, sys
m = json.load(open(sys.argv[1], encoding='utf-8'))
e = [e for e in m['entrees'] if e.get('fichier') == sys.argv[2]]
sys.exit(0 if len(e) == 1 and e[0]['sha256'] == sys.argv[3] and e[0]['taille'] == int(sys.argv[4])
         and e[0]['statut'] == 'inutilisable' else 1)
PY
ok_if "the message names the file, without a line (the whole file is in question)" \
    grep -q "$F: fichier inutilisable : le fichier a changé pendant sa lecture" "$TAP_TMP/err"
# The same run without the hook: the file is read whole, usable, its digest is the file's.
"$SPIE" run --period $P --inbox "$TAP_TMP/grow-inbox" --territories "$TERR" --out "$TAP_TMP/grow2" --quiet 2>/dev/null
ok_if "read again, untouched: usable, and its digest is sha256sum's" \
    python3 - "$TAP_TMP/grow2/$P/manifest.json" "$F" "$(sha256sum "$TAP_TMP/grow-inbox/$F" | cut -d' ' -f1)" <<'PY'
import json, sys
m = json.load(open(sys.argv[1], encoding='utf-8'))
e = [e for e in m['entrees'] if e.get('fichier') == sys.argv[2]]
sys.exit(0 if len(e) == 1 and e[0]['sha256'] == sys.argv[3] and e[0]['statut'] == 'ok' else 1)
PY

done_testing
