#!/usr/bin/env bash
# spie check on inboxes built here (docs/format-extraits.md §1, §6; docs/sorties.md §5): entries that are
# ignored (bad names, symbolic link, directory, FIFO named like an extract), unusable
# gzip files (cut, trailing bytes, not gzip, empty) with the byte offset, NUL padding and
# several members, missing, late and not-retained files, no fall-back to an older month,
# an unusable beneficiaires making every etapes row BENEFICIAIRE_INCONNU, and the exit
# status of each case.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/quality.sh"

P=2021-06
TERR=$TAP_TMP/terr.csv
printf 'departement,vague,allocation_etat\n31,AMI1,1000.00\n' >"$TERR"


BENEF='id_beneficiaire;date_entree;public\nB1;2021-03-05;RSA\nB2;2021-04-01;DE\nB3;2021-05-02;TH\n'
ETAPES='id_beneficiaire;etape;date_etape;type\nB1;ORIENTATION;2021-03-10;SOCIALE\nB2;SOLUTION;2021-04-02;\n'
BUDGET='mois;financeur;montant_engage;montant_paye\n2021-05;ETAT;1 000,00;500\n'

# new_inbox NAME: a clean inbox for 31 at month M (default P); prints its path.
new_inbox() {
    local d=$TAP_TMP/$1 m=${2:-$P}
    mkdir -p "$d"
    printf "$BENEF" | gzip -n >"$d/spie_31_${m}_beneficiaires.csv.gz"
    printf "$ETAPES" | gzip -n >"$d/spie_31_${m}_etapes.csv.gz"
    printf "$BUDGET" | gzip -n >"$d/spie_31_${m}_budget.csv.gz"
    echo "$d"
}
# run INBOX NAME: spie check into $TAP_TMP/out-NAME (60 s at most: a FIFO must not block);
# sets $STATUS and $Q (the quality report).
run() {
    timeout 60 "$SPIE" check --period $P --inbox "$1" --out "$TAP_TMP/out-$2" --territories "$TERR" \
        >"$TAP_TMP/stdout" 2>"$TAP_TMP/err-$2"
    STATUS=$?
    Q=$TAP_TMP/out-$2/$P/qualite_$P.csv
}

# ------------------------------------------------------------------- ignored entries
IN=$(new_inbox ignored)
mkdir -p "$TAP_TMP/outside"
printf "$BUDGET" >"$TAP_TMP/outside/real.csv"
# Named like extracts, but not regular files: never followed, never opened.
ln -s "$TAP_TMP/outside/real.csv" "$IN/spie_31_2021-06_budget.csv"
mkdir "$IN/spie_31_2021-06_etapes.csv"
mkfifo "$IN/spie_31_2021-06_beneficiaires.csv"
# Bad names.
for f in notes.txt spie_31_2021-06_ETAPES.csv.gz SPIE_31_2021-06_budget.csv.gz spie_2a_2021-06_budget.csv \
    spie_31_2021-13_budget.csv spie_NAT_2021-06_etapes.csv.gz spie_31_2021-06_budget.csv.bak .spie_31_2021-06_budget.csv \
    spie_31_2021-06_budget.csv.gz.1 spie_31_2021_budget.csv; do
    printf 'x\n' >"$IN/$f"
done
printf "$BUDGET" >"$IN/spie_975_2021-06_budget.csv" # not in INSEE's list
printf "$BUDGET" >"$IN/spie_20_2021-06_budget.csv"  # no 20 since 1976
printf "$BUDGET" >"$IN/spie_32_2021-06_budget.csv"  # real, not in the programme
run "$IN" ignored
is "ignored entries only: the run ends (no FIFO read), exit 0" "$STATUS" 0
is "symlink named like an extract: ignored" "$(qcol "$Q" spie_31_2021-06_budget.csv 6)" ignore
is "symlink: the reason" "$(qcol "$Q" spie_31_2021-06_budget.csv 7)" "lien symbolique"
is "directory named like an extract: ignored" "$(qcol "$Q" spie_31_2021-06_etapes.csv 6)" ignore
is "directory: the reason" "$(qcol "$Q" spie_31_2021-06_etapes.csv 7)" "répertoire"
is "FIFO named like an extract: ignored" "$(qcol "$Q" spie_31_2021-06_beneficiaires.csv 6)" ignore
is "FIFO: the reason" "$(qcol "$Q" spie_31_2021-06_beneficiaires.csv 7)" "pas un fichier ordinaire"
for f in notes.txt spie_31_2021-06_ETAPES.csv.gz SPIE_31_2021-06_budget.csv.gz spie_2a_2021-06_budget.csv \
    spie_31_2021-13_budget.csv spie_NAT_2021-06_etapes.csv.gz spie_31_2021-06_budget.csv.bak .spie_31_2021-06_budget.csv \
    spie_31_2021-06_budget.csv.gz.1 spie_31_2021_budget.csv; do
    is "$f: ignored, nom non conforme" "$(qcol "$Q" "$f" 6) $(qcol "$Q" "$f" 7)" "ignore nom non conforme"
done
is "spie_975: département inconnu" "$(qcol "$Q" spie_975_2021-06_budget.csv 7)" "département inconnu"
is "spie_20: département inconnu" "$(qcol "$Q" spie_20_2021-06_budget.csv 7)" "département inconnu"
is "spie_32: département hors programme" "$(qcol "$Q" spie_32_2021-06_budget.csv 7)" "département hors programme"
is "the real extracts are the ones used (beneficiaires)" "$(qcol "$Q" 31/beneficiaires 3)" spie_31_2021-06_beneficiaires.csv.gz
is "the real extracts are the ones used (budget)" "$(qcol "$Q" 31/budget 3)" spie_31_2021-06_budget.csv.gz
is "the real extracts are the ones used (etapes)" "$(qcol "$Q" 31/etapes 3)" spie_31_2021-06_etapes.csv.gz
# Other entries come after the programme rows, sorted by name (byte order).
awk -F, 'NR > 1 && ($6 == "ignore" || $6 == "non_retenu") { print $3 }' "$Q" >"$TAP_TMP/names"
ok_if "ignored rows sorted by name (byte order)" sh -c "LC_ALL=C sort -c '$TAP_TMP/names'"
is "every inbox entry but the three used is listed" "$(wc -l <"$TAP_TMP/names" | tr -d ' ')" \
    "$(($(ls -A "$IN" | wc -l) - 3))"
ok_if "ignored entries: reconciliation" reconciled "$Q"
ok_if "stderr lists the symlink as ignored" grep -q "spie_31_2021-06_budget.csv: ignoré" "$TAP_TMP/err-ignored"
ok_if "the symlink's target was not touched" test "$(cat "$TAP_TMP/outside/real.csv")" = "$(printf "$BUDGET")"

# ------------------------------------------------------------------- gzip trouble
# A beneficiaires cut in the middle: unusable, with the offset; every etapes row is
# then BENEFICIAIRE_INCONNU (docs/methodologie.md §9).
IN=$(new_inbox cut)
printf "$BENEF" | gzip -n >"$TAP_TMP/full.gz"
SIZE=$(wc -c <"$TAP_TMP/full.gz")
head -c $((SIZE - 5)) "$TAP_TMP/full.gz" >"$IN/spie_31_${P}_beneficiaires.csv.gz"
run "$IN" cut
is "cut beneficiaires: exit 1" "$STATUS" 1
is "cut beneficiaires: inutilisable" "$(qcol "$Q" 31/beneficiaires 6)" inutilisable
ok_if "cut beneficiaires: motif gives the offset (the file size)" \
    sh -c "awk 'index(\$0, \"spie_31_${P}_beneficiaires\")' '$Q' | grep -q 'octet $((SIZE - 5))'"
is "cut beneficiaires: 0 accepted" "$(qcol "$Q" 31/beneficiaires 9)" 0
is "cut beneficiaires: etapes still read (ok)" "$(qcol "$Q" 31/etapes 6)" ok
is "cut beneficiaires: every etapes row BENEFICIAIRE_INCONNU" \
    "$(qcol "$Q" 31/etapes 8) $(qcol "$Q" 31/etapes 9) $(qcol "$Q" 31/etapes 24)" "2 0 2"
ok_if "cut beneficiaires: stderr says the file is unusable" grep -q "beneficiaires.csv.gz.*inutilisable" "$TAP_TMP/err-cut"
ok_if "cut: reconciliation" reconciled "$Q"

# Trailing garbage, not gzip at all, an empty .gz, a flipped byte.
IN=$(new_inbox trail)
{ printf "$BUDGET" | gzip -n; printf 'garbage'; } >"$IN/spie_31_${P}_budget.csv.gz"
GZSIZE=$(printf "$BUDGET" | gzip -n | wc -c)
run "$IN" trail
is "trailing bytes: exit 1" "$STATUS" 1
is "trailing bytes: budget inutilisable" "$(qcol "$Q" 31/budget 6)" inutilisable
ok_if "trailing bytes: offset of the first stray byte" \
    sh -c "awk 'index(\$0, \"_budget.csv.gz\")' '$Q' | grep -q 'octet $GZSIZE'"

IN=$(new_inbox notgz)
printf "$BUDGET" >"$IN/spie_31_${P}_budget.csv.gz"
: >"$TAP_TMP/empty.gz"
cp "$TAP_TMP/empty.gz" "$IN/spie_31_${P}_etapes.csv.gz"
run "$IN" notgz
is "not gzip: exit 1" "$STATUS" 1
is "not gzip: budget inutilisable" "$(qcol "$Q" 31/budget 6)" inutilisable
ok_if "not gzip: offset 0" sh -c "awk 'index(\$0, \"_budget.csv.gz\")' '$Q' | grep -q 'octet 0'"
is "empty .gz: etapes inutilisable" "$(qcol "$Q" 31/etapes 6)" inutilisable
ok_if "empty .gz: offset 0" sh -c "awk 'index(\$0, \"_etapes.csv.gz\")' '$Q' | grep -q 'octet 0'"
is "not gzip: the beneficiaires still ok" "$(qcol "$Q" 31/beneficiaires 6)" ok
ok_if "not gzip: reconciliation" reconciled "$Q"

IN=$(new_inbox flip)
printf "$BENEF" | gzip -n >"$TAP_TMP/flip.gz"
perl -e 'local $/; my $d = <STDIN>; substr($d, 20, 1) = chr(ord(substr($d, 20, 1)) ^ 0x20); print $d' \
    <"$TAP_TMP/flip.gz" >"$IN/spie_31_${P}_beneficiaires.csv.gz"
run "$IN" flip
is "flipped byte: beneficiaires inutilisable" "$(qcol "$Q" 31/beneficiaires 6)" inutilisable
is "flipped byte: 0 accepted" "$(qcol "$Q" 31/beneficiaires 9)" 0
ok_if "flipped byte: motif gives an offset" sh -c "awk 'index(\$0, \"_beneficiaires.csv.gz\")' '$Q' | grep -q 'octet [0-9]'"

# NUL padding after the last member: ok, noted. Two members: all rows.
IN=$(new_inbox padded)
{ printf "$BENEF" | gzip -n; head -c 700 /dev/zero; } >"$IN/spie_31_${P}_beneficiaires.csv.gz"
{ printf 'id_beneficiaire;etape;date_etape;type\nB1;ORIENTATION;2021-03-10;SOCIALE\nB2;SOL' | gzip -n
    printf 'UTION;2021-04-02;\nB3;SUIVI;2021-05-03;\n' | gzip -n; } >"$IN/spie_31_${P}_etapes.csv.gz"
run "$IN" padded
is "NUL padding and two members: exit 0" "$STATUS" 0
is "NUL padding: ok" "$(qcol "$Q" 31/beneficiaires 6)" ok
ok_if "NUL padding: noted in motif" sh -c "awk 'index(\$0, \"_beneficiaires.csv.gz\")' '$Q' | grep -q 'nuls'"
is "NUL padding: rows read and accepted" "$(qcol "$Q" 31/beneficiaires 8) $(qcol "$Q" 31/beneficiaires 9)" "3 3"
is "two members, a line cut between them: every row" \
    "$(qcol "$Q" 31/etapes 8) $(qcol "$Q" 31/etapes 9)" "3 3"

# ------------------------------------------------------------------- selection
# Missing kind, late files, a file of a later month only, no fall-back.
IN=$(new_inbox missing)
rm "$IN/spie_31_${P}_etapes.csv.gz"
run "$IN" missing
is "etapes missing: exit 1" "$STATUS" 1
is "etapes missing: manquant" "$(qcol "$Q" 31/etapes 6)" manquant
is "etapes missing: no file named" "$(qcol "$Q" 31/etapes 3)" ""
is "etapes missing: counts empty, not 0" "$(qcol "$Q" 31/etapes 8)" ""
ok_if "etapes missing: stderr names territory 31" grep -q "31" "$TAP_TMP/err-missing"

IN=$(new_inbox late 2021-04)
run "$IN" late
is "everything two months late: exit 1" "$STATUS" 1
is "late: statut ok" "$(qcol "$Q" 31/budget 6)" ok
is "late: mois and retard_mois" "$(qcol "$Q" 31/budget 4) $(qcol "$Q" 31/budget 5)" "2021-04 2"
ok_if "late: stderr says so" grep -q "en retard de 2 mois" "$TAP_TMP/err-late"
ok_if "late: reconciliation" reconciled "$Q"

IN=$(new_inbox future 2021-07)
run "$IN" future
is "only files after P: exit 1" "$STATUS" 1
is "after P: territory missing" "$(qcol "$Q" 31/beneficiaires 6)" manquant
is "after P: listed as non_retenu" "$(qcol "$Q" spie_31_2021-07_beneficiaires.csv.gz 6)" non_retenu
is "after P: the reason" "$(qcol "$Q" spie_31_2021-07_beneficiaires.csv.gz 7)" "mois postérieur à la période"
is "non_retenu: its dept, kind and month" \
    "$(qcol "$Q" spie_31_2021-07_beneficiaires.csv.gz 1) $(qcol "$Q" spie_31_2021-07_beneficiaires.csv.gz 2) $(qcol "$Q" spie_31_2021-07_beneficiaires.csv.gz 4)" \
    "31 beneficiaires 2021-07"

# No fall-back: the selected month's file is unusable, an older good one exists.
IN=$(new_inbox nofallback)
printf "$BENEF" | gzip -n >"$IN/spie_31_2021-05_beneficiaires.csv.gz"
printf 'not gzip' >"$IN/spie_31_${P}_beneficiaires.csv.gz"
run "$IN" nofallback
is "no fall-back: exit 1" "$STATUS" 1
is "no fall-back: the selected file is the unusable one" \
    "$(qcol "$Q" 31/beneficiaires 3) $(qcol "$Q" 31/beneficiaires 6)" "spie_31_${P}_beneficiaires.csv.gz inutilisable"
is "no fall-back: the older one is not retained" "$(qcol "$Q" spie_31_2021-05_beneficiaires.csv.gz 6)" non_retenu
is "no fall-back: etapes all BENEFICIAIRE_INCONNU" "$(qcol "$Q" 31/etapes 9) $(qcol "$Q" 31/etapes 24)" "0 2"

# A .csv + .csv.gz pair at a month that is not selected: only reported.
IN=$(new_inbox oldpair)
printf "$BUDGET" >"$IN/spie_31_2021-04_budget.csv"
printf "$BUDGET" | gzip -n >"$IN/spie_31_2021-04_budget.csv.gz"
run "$IN" oldpair
is "pair at an older month: not an error, exit 0" "$STATUS" 0
is "pair at an older month: .csv not retained" "$(qcol "$Q" spie_31_2021-04_budget.csv 6)" non_retenu
is "pair at an older month: .csv.gz not retained" "$(qcol "$Q" spie_31_2021-04_budget.csv.gz 6)" non_retenu
ok_if "pair at an older month: the reason says both exist" \
    sh -c "awk -F, '\$3 == \"spie_31_2021-04_budget.csv\"' '$Q' | grep -q 'csv.gz'"

# Plain .csv accepted; a file whose header lacks a required column is unusable.
IN=$(new_inbox plain)
rm "$IN/spie_31_${P}_budget.csv.gz"
printf "$BUDGET" >"$IN/spie_31_${P}_budget.csv"
printf 'id_beneficiaire;date_entree\nB1;2021-03-05\n' | gzip -n >"$IN/spie_31_${P}_beneficiaires.csv.gz"
run "$IN" plain
is "plain .csv: ok" "$(qcol "$Q" 31/budget 6)" ok
is "header without public: inutilisable" "$(qcol "$Q" 31/beneficiaires 6)" inutilisable
ok_if "header without public: the motif names the column" \
    sh -c "awk 'index(\$0, \"_beneficiaires.csv.gz\")' '$Q' | grep -q 'public'"
is "header without public: exit 1" "$STATUS" 1

# The NAT budget: missing is no error (docs/methodologie.md §9), unusable is.
IN=$(new_inbox natbad)
printf 'pas du gzip' >"$IN/spie_NAT_${P}_budget.csv.gz"
run "$IN" natbad
is "NAT unusable: exit 1" "$STATUS" 1
is "NAT unusable: inutilisable" "$(qcol "$Q" NAT/budget 6)" inutilisable
IN=$(new_inbox natok)
printf 'mois;financeur;montant_engage;montant_paye;departement\n2021-05;ETAT;10;5;NAT\n' >"$IN/spie_NAT_${P}_budget.csv"
run "$IN" natok
is "NAT present and clean: exit 0" "$STATUS" 0
is "NAT present: ok, 1 row" "$(qcol "$Q" NAT/budget 6) $(qcol "$Q" NAT/budget 9)" "ok 1"

# An empty inbox: every programme row missing.
mkdir -p "$TAP_TMP/emptybox"
run "$TAP_TMP/emptybox" emptybox
is "empty inbox: exit 1" "$STATUS" 1
is "empty inbox: 3 + 1 rows, all manquant" "$(awk -F, 'NR > 1 && $6 == "manquant"' "$Q" | wc -l | tr -d ' ')" 4

# Ids of every length the format allows (1 to 64 characters): each person is found by its
# steps (none is BENEFICIAIRE_INCONNU) and a second row of the same id is a DOUBLON. The
# person store compares ids by words, each length range its own way.
IN=$TAP_TMP/idlen
mkdir -p "$IN"
ids=$(python3 -c 'import string; a = string.ascii_letters + string.digits + "_-."; print("\n".join("".join(a[(n * 7 + j * 3) % len(a)] for j in range(n)) for n in range(1, 65)))')
{ echo 'id_beneficiaire;date_entree;public'; for i in $ids; do echo "$i;2021-03-05;RSA"; done
  for i in $ids; do echo "$i;2021-03-06;DE"; done; } | gzip -n >"$IN/spie_31_${P}_beneficiaires.csv.gz"
{ echo 'id_beneficiaire;etape;date_etape;type'; for i in $ids; do echo "$i;ORIENTATION;2021-03-10;SOCIALE"; done; } |
    gzip -n >"$IN/spie_31_${P}_etapes.csv.gz"
printf "$BUDGET" | gzip -n >"$IN/spie_31_${P}_budget.csv.gz"
run "$IN" idlen
is "ids of 1 to 64 characters: 64 persons accepted, 64 second rows DOUBLON" \
    "$(qcol "$Q" 31/beneficiaires 9) $(qcol "$Q" 31/beneficiaires 23)" "64 64"
is "ids of 1 to 64 characters: every step finds its person" \
    "$(qcol "$Q" 31/etapes 9) $(qcol "$Q" 31/etapes 24)" "64 0"

done_testing
