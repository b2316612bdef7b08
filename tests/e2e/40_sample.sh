#!/usr/bin/env bash
# spie sample: the rejects that spie check finds are exactly the defects the generator
# says it injected (defauts.csv), reason by reason, file by file; the committed demo inbox
# agrees with its own defauts.csv; the same seed gives the same bytes; --territories uses
# another table (a bad one is a usage error naming the file, the line and the reason).
. "$(dirname "$0")/lib/tap.sh"

# Compares qualite_<P>.csv with defauts.csv for every file spie check selected.
compare_defects() { # qualite defauts
    python3 - "$1" "$2" <<'PY'
import csv, sys
q = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
d = {}
for r in csv.DictReader(open(sys.argv[2], encoding="utf-8")):
    d.setdefault(r["fichier"], {})[r["code"]] = int(r["nombre"])
codes = ["NB_CHAMPS","CHAMP_MANQUANT","ID_INVALIDE","DATE_INVALIDE","CODE_INVALIDE","MONTANT_INVALIDE",
         "DEPT_INCOHERENT","DATE_FUTURE","DATE_HORS_PROGRAMME","ANNEE_NAISSANCE","DOUBLON",
         "BENEFICIAIRE_INCONNU","ETAPE_AVANT_ENTREE","TYPE_MANQUANT"]
checked = bad = rejected = 0
for r in q:
    if r["statut"] != "ok":
        continue
    exp = d.get(r["fichier"])
    if exp is None:
        print("no defects listed for", r["fichier"]); bad += 1; continue
    checked += 1
    for c in codes:
        if int(r[c]) != exp.get(c, 0):
            print(r["fichier"], c, "found", r[c], "injected", exp.get(c, 0)); bad += 1
        rejected += int(r[c])
    if int(r["lignes_lues"]) != int(r["lignes_acceptees"]) + int(r["lignes_rejetees"]):
        print("reconciliation fails for", r["fichier"]); bad += 1
print("files checked", checked, "rejects", rejected)
sys.exit(1 if bad or checked < 10 or rejected == 0 else 0)
PY
}

gen="$TAP_TMP/gen"
"$SPIE" sample --out "$gen" --scale demo --seed 7 --until 2022-06 --history 2 2>"$TAP_TMP/err"
is "spie sample exits 0" "$?" "0"
"$SPIE" check --period 2022-06 --inbox "$gen/inbox" --territories "$gen/territoires.csv" --out "$TAP_TMP/o1" --quiet 2>/dev/null
st=$?
is "spie check on a generated inbox: data errors (late and missing territories) -> 1" "$st" "1"
ok_if "generated inbox: rejects found = defects injected, per file and reason" \
    compare_defects "$TAP_TMP/o1/2022-06/qualite_2022-06.csv" "$gen/defauts.csv"

"$SPIE" sample --out "$TAP_TMP/gen2" --scale demo --seed 7 --until 2022-06 --history 2 2>/dev/null
ok_if "same seed and options: byte-identical inbox" diff -r "$gen" "$TAP_TMP/gen2"
"$SPIE" sample --out "$TAP_TMP/gen3" --scale demo --seed 8 --until 2022-06 --history 2 2>/dev/null
ok_if "another seed: different extracts" bash -c "! cmp -s '$gen/inbox/spie_31_2022-06_beneficiaires.csv.gz' '$TAP_TMP/gen3/inbox/spie_31_2022-06_beneficiaires.csv.gz'"

demo="$SRCDIR/samples/demo"
"$SPIE" check --period 2023-06 --inbox "$demo/inbox" --territories "$demo/territoires.csv" --out "$TAP_TMP/o2" --quiet 2>/dev/null
ok_if "committed demo inbox: rejects found = its defauts.csv" \
    compare_defects "$TAP_TMP/o2/2023-06/qualite_2023-06.csv" "$demo/defauts.csv"

"$SPIE" sample --out "$TAP_TMP/gen" --scale demo 2>/dev/null
is "spie sample refuses a non-empty inbox (exit 2)" "$?" "2"

# --territories: another table. A bad one: exit 2, the message names the file, the line and
# the reason, and nothing is written.
printf 'departement,vague,allocation_etat\n29,EXP2020,1.00\n20,AMI1,1.00\n' >"$TAP_TMP/bad.csv"
"$SPIE" sample --out "$TAP_TMP/gen4" --territories "$TAP_TMP/bad.csv" 2>"$TAP_TMP/err"
is "spie sample --territories with an unknown département -> 2" "$?" "2"
ok_if "the message names the file, the line and the reason" \
    grep -q "bad.csv, ligne 3 : département inconnu" "$TAP_TMP/err"
ok_if "nothing written for a bad table" test ! -e "$TAP_TMP/gen4"
"$SPIE" sample --out "$TAP_TMP/gen4" --territories "$TAP_TMP/absente.csv" 2>/dev/null
is "spie sample --territories with a missing file -> 2" "$?" "2"
# A good one: its territories only, its territoires.csv, and spie check reads the inbox with
# it. Neither code is a preferred role code, so 11 (first in code order) sends nothing and 35,
# the last territory left complete, is not made late.
printf 'departement;vague;allocation_etat\n35;EXP2020;600000\n11;AMI1;500000\n' >"$TAP_TMP/t2.csv"
"$SPIE" sample --out "$TAP_TMP/gen5" --scale 400 --until 2022-06 --history 1 --clean \
    --territories "$TAP_TMP/t2.csv" 2>/dev/null
is "spie sample --territories with a 2-territory table -> 0" "$?" "0"
is "territoires.csv is that table" "$(cat "$TAP_TMP/gen5/territoires.csv")" \
    "$(printf 'departement,vague,allocation_etat\n11,AMI1,500000.00\n35,EXP2020,600000.00')"
is "the inbox holds that table's territories only (11 missing)" \
    "$(ls "$TAP_TMP/gen5/inbox" | sed 's/^spie_\([^_]*\)_.*/\1/' | sort -u | tr '\n' ' ')" "35 NAT "
ok_if "fichiers.csv names 11 as sending nothing" grep -q "^,département 11 (Aude) : aucun extrait" "$TAP_TMP/gen5/fichiers.csv"
"$SPIE" check --period 2022-06 --inbox "$TAP_TMP/gen5/inbox" --territories "$TAP_TMP/gen5/territoires.csv" \
    --out "$TAP_TMP/o5" --quiet 2>/dev/null
is "spie check with that table: the missing territory is a data error -> 1" "$?" "1"
ok_if "spie check: no rejected row in the --clean inbox" \
    python3 -c "import csv,sys; r=list(csv.DictReader(open(sys.argv[1],encoding='utf-8'))); sys.exit(0 if r and all(x['lignes_rejetees']=='0' for x in r if x['statut']=='ok') else 1)" \
    "$TAP_TMP/o5/2022-06/qualite_2022-06.csv"

done_testing
