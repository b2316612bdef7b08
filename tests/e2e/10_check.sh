#!/usr/bin/env bash
# spie check (docs/sorties.md §1, §5): exit statuses, the golden inbox of tests/data/check/
# (qualite_<P>.csv and the rejects compared byte for byte with files written by hand),
# messages naming file:line, reruns byte-identical, and the reconciliation
# lues = acceptees + rejetees on every ok row.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/quality.sh"

DATA=$SRCDIR/tests/data/check/golden
P=2021-06

# status of a command, stderr kept in $TAP_TMP/err
st() {
    "$@" >"$TAP_TMP/stdout" 2>"$TAP_TMP/err"
    echo $?
}
check() { # inbox out [options]
    local inbox=$1 out=$2
    shift 2
    "$SPIE" check --period "$P" --inbox "$inbox" --out "$out" "$@"
}

# ------------------------------------------------------------------- usage errors: 2
EMPTY=$TAP_TMP/empty
mkdir -p "$EMPTY"
TERR1=$TAP_TMP/terr31.csv
printf 'departement,vague,allocation_etat\n31,AMI1,1000.00\n' >"$TERR1"

is "no argument: exit 2" "$(st "$SPIE" check)" 2
is "missing --out: exit 2" "$(st "$SPIE" check --period $P --inbox "$EMPTY")" 2
is "missing --inbox: exit 2" "$(st "$SPIE" check --period $P --out "$TAP_TMP/o")" 2
is "missing --period: exit 2" "$(st "$SPIE" check --inbox "$EMPTY" --out "$TAP_TMP/o")" 2
for bad in 2021-13 2021-00 2021-6 21-06 2021/06 '' 2021-06-01 0000-01; do
    is "--period '$bad': exit 2" "$(st check "$EMPTY" "$TAP_TMP/o" --territories "$TERR1" --period "$bad")" 2
done
is "unknown option: exit 2" "$(st check "$EMPTY" "$TAP_TMP/o" --territories "$TERR1" --bogus)" 2
is "stray argument: exit 2" "$(st check "$EMPTY" "$TAP_TMP/o" --territories "$TERR1" extra)" 2
is "inbox that does not exist: exit 2" "$(st check "$TAP_TMP/nowhere" "$TAP_TMP/o" --territories "$TERR1")" 2
ok_if "nothing written on usage errors" test ! -e "$TAP_TMP/o"

# A bad territories table stops with 2 and names file:line (docs/format-extraits.md §7).
badterr() { # name line content...: writes the table, runs, checks 2 and FILE:LINE
    local name=$1 line=$2
    shift 2
    local f=$TAP_TMP/$name.csv
    printf '%s\n' 'departement,vague,allocation_etat' "$@" >"$f"
    is "territories with $name: exit 2" "$(st check "$EMPTY" "$TAP_TMP/o" --territories "$f")" 2
    ok_if "territories with $name: message names $name.csv:$line" grep -q "$name.csv:$line:" "$TAP_TMP/err"
}
badterr unknown_dept 3 '31,AMI1,1000' '20,AMI1,1000'
badterr unknown_wave 2 '31,AMI3,1000'
badterr negative_amount 2 '31,AMI1,-1000'
badterr empty_amount 3 '31,AMI1,1000' '32,AMI1,'
badterr malformed_amount 2 '31,AMI1,1e3'
badterr dept_twice 4 '31,AMI1,1000' '32,AMI1,1000' '31,AMI2,5'
is "territories file that does not exist: exit 2" \
    "$(st check "$EMPTY" "$TAP_TMP/o" --territories "$TAP_TMP/none.csv")" 2
ok_if "still nothing written" test ! -e "$TAP_TMP/o"

# Ambiguous .csv + .csv.gz at the selected month: 2, both names, nothing written.
AMB=$TAP_TMP/amb
mkdir -p "$AMB"
printf 'mois;financeur;montant_engage;montant_paye\n2021-05;ETAT;1;1\n' >"$AMB/spie_31_2021-06_budget.csv"
printf 'mois;financeur;montant_engage;montant_paye\n2021-05;ETAT;1;1\n' | gzip -n >"$AMB/spie_31_2021-06_budget.csv.gz"
is "ambiguous pair at the selected month: exit 2" "$(st check "$AMB" "$TAP_TMP/o" --territories "$TERR1")" 2
ok_if "message names the .csv" grep -q 'spie_31_2021-06_budget\.csv[^.]' "$TAP_TMP/err"
ok_if "message names the .csv.gz" grep -q 'spie_31_2021-06_budget\.csv\.gz' "$TAP_TMP/err"
ok_if "nothing written for the ambiguous inbox" test ! -e "$TAP_TMP/o"

# ------------------------------------------------------------------- outputs not writable: 3
CLEAN=$TAP_TMP/clean
mkdir -p "$CLEAN"
printf 'id_beneficiaire;date_entree;public\nB1;2021-03-05;RSA\n' | gzip -n >"$CLEAN/spie_31_2021-06_beneficiaires.csv.gz"
printf 'id_beneficiaire;etape;date_etape;type\nB1;ORIENTATION;2021-03-10;SOCIALE\n' | gzip -n \
    >"$CLEAN/spie_31_2021-06_etapes.csv.gz"
printf 'mois;financeur;montant_engage;montant_paye\n2021-05;ETAT;1 000,00;500\n' >"$CLEAN/spie_31_2021-06_budget.csv"
touch "$TAP_TMP/regular"
is "--out under a regular file: exit 3" "$(st check "$CLEAN" "$TAP_TMP/regular/out" --territories "$TERR1")" 3
ok_if "exit 3 explains itself on stderr" test -s "$TAP_TMP/err"

# ------------------------------------------------------------------- clean inbox: 0
is "on time, clean, every territory present (NAT missing is no error): exit 0" \
    "$(st check "$CLEAN" "$TAP_TMP/c0" --territories "$TERR1")" 0
ok_if "qualite written" test -f "$TAP_TMP/c0/$P/qualite_$P.csv"
ok_if "rejets written (gzip)" gzip -t "$TAP_TMP/c0/$P/rejets_$P.csv.gz"
is "rejets of a clean inbox: the header alone" "$(zcat "$TAP_TMP/c0/$P/rejets_$P.csv.gz")" \
    "fichier,ligne,colonne,code,motif,contenu"
is "clean: 31 beneficiaires ok" "$(qcol "$TAP_TMP/c0/$P/qualite_$P.csv" 31/beneficiaires 6)" ok
is "clean: NAT budget manquant" "$(qcol "$TAP_TMP/c0/$P/qualite_$P.csv" NAT/budget 6)" manquant
ok_if "clean: reconciliation on every ok row" reconciled "$TAP_TMP/c0/$P/qualite_$P.csv" 1
ok_if "only the outputs of spie check in the period folder" \
    test "$(ls -A "$TAP_TMP/c0/$P" | sort | tr '\n' ' ')" = "manifest.json qualite_$P.csv rejets_$P.csv.gz "

# Rejected rows above the alert rate (5 % by default, params.h): docs/sorties.md §1 gives 1.
RATE=$TAP_TMP/rate
mkdir -p "$RATE"
cp "$CLEAN"/* "$RATE"/
printf 'id_beneficiaire;date_entree;public\nB1;2021-03-05;RSA\nB@;2021-03-05;RSA\nB#;2021-03-05;RSA\n' | gzip -n \
    >"$RATE/spie_31_2021-06_beneficiaires.csv.gz"
ok_if "rejected rows above the alert rate (2 of 3 rows): exit 1" \
    test "$(st check "$RATE" "$TAP_TMP/r0" --territories "$TERR1")" = 1

# ------------------------------------------------------------------- the golden inbox
GOLD=$TAP_TMP/gold
mkdir -p "$GOLD"
cp "$DATA"/inbox/* "$GOLD"/
GZIPPED="spie_2A_2021-06_etapes.csv spie_31_2021-06_beneficiaires.csv spie_31_2021-06_etapes.csv
         spie_31_2021-07_etapes.csv"
for f in $GZIPPED; do gzip -n "$GOLD/$f"; done

is "golden: a territory missing and one late: exit 1" \
    "$(st check "$GOLD" "$TAP_TMP/g1" --territories "$DATA/territoires.csv")" 1
cp "$TAP_TMP/err" "$TAP_TMP/golden.err"
Q=$TAP_TMP/g1/$P/qualite_$P.csv
R=$TAP_TMP/g1/$P/rejets_$P.csv.gz
ok_if "golden: qualite_$P.csv byte for byte" cmp "$Q" "$DATA/expected/qualite_$P.csv"
[ -f "$Q" ] && ! cmp -s "$Q" "$DATA/expected/qualite_$P.csv" && diff "$DATA/expected/qualite_$P.csv" "$Q" | sed 's/^/# /'
zcat "$R" >"$TAP_TMP/rejets.csv" 2>/dev/null
ok_if "golden: rejets byte for byte (decompressed)" cmp "$TAP_TMP/rejets.csv" "$DATA/expected/rejets_$P.csv"
cmp -s "$TAP_TMP/rejets.csv" "$DATA/expected/rejets_$P.csv" ||
    diff "$DATA/expected/rejets_$P.csv" "$TAP_TMP/rejets.csv" | sed 's/^/# /'
ok_if "golden: rejets starts with a gzip header without name or time" \
    test "$(od -An -tx1 -N10 "$R" | tr -d ' \n')" = "1f8b0800000000000003"
ok_if "golden: reconciliation on every ok row (awk)" reconciled "$Q" 1
ok_if "golden: stderr names file:line of a rejected row" \
    grep -q "spie_31_2021-06_beneficiaires\.csv\.gz:3:" "$TAP_TMP/golden.err"
ok_if "golden: stderr names the reason of that row" grep -q "DATE_INVALIDE" "$TAP_TMP/golden.err"
ok_if "golden: stderr names the budget file and line" grep -q "spie_31_2021-04_budget\.csv:3:" "$TAP_TMP/golden.err"
ok_if "golden: stderr says the territory 33 is missing" grep -q "33" "$TAP_TMP/golden.err"
ok_if "golden: stderr says 31 budget is late by 2 months" grep -q "spie_31_2021-04_budget.csv.*2 mois" "$TAP_TMP/golden.err"
ok_if "golden: stderr lists the ignored LISEZMOI.txt" grep -q "LISEZMOI.txt" "$TAP_TMP/golden.err"

# Reruns: the same bytes, into another folder and over the previous result.
st check "$GOLD" "$TAP_TMP/g2" --territories "$DATA/territoires.csv" >/dev/null
ok_if "rerun: qualite byte-identical" cmp "$Q" "$TAP_TMP/g2/$P/qualite_$P.csv"
ok_if "rerun: rejets.csv.gz byte-identical" cmp "$R" "$TAP_TMP/g2/$P/rejets_$P.csv.gz"
cp "$Q" "$TAP_TMP/q.first"
cp "$R" "$TAP_TMP/r.first"
is "rerun over the previous result: exit 1 again" \
    "$(st check "$GOLD" "$TAP_TMP/g1" --territories "$DATA/territoires.csv")" 1
ok_if "rerun over the previous result: qualite byte-identical" cmp "$Q" "$TAP_TMP/q.first"
ok_if "rerun over the previous result: rejets byte-identical" cmp "$R" "$TAP_TMP/r.first"
ok_if "no staging folder left behind" test -z "$(ls -A "$TAP_TMP/g1" | grep -v "^$P\$" | grep -v '^\.spie\.lock$')"
# Under a decimal-comma locale when one exists: the same bytes.
LOC=$(locale -a 2>/dev/null | grep -E '^(fr_FR|de_DE)\.(utf8|UTF-8)$' | head -n 1)
if [ -n "$LOC" ]; then
    LC_ALL=$LOC "$SPIE" check --period $P --inbox "$GOLD" --out "$TAP_TMP/g3" --territories "$DATA/territoires.csv" \
        2>/dev/null
    ok_if "LC_ALL=$LOC: qualite byte-identical" cmp "$Q" "$TAP_TMP/g3/$P/qualite_$P.csv"
fi
# --quiet: no progress or summary lines, the outputs unchanged.
st check "$GOLD" "$TAP_TMP/g4" --territories "$DATA/territoires.csv" --quiet >/dev/null
ok_if "--quiet: no per-file summary on stderr" sh -c "! grep -q 'lignes lues' '$TAP_TMP/err'"
ok_if "--quiet: same qualite" cmp "$Q" "$TAP_TMP/g4/$P/qualite_$P.csv"

done_testing
