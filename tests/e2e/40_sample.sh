#!/usr/bin/env bash
# spie sample: the rejects that spie check finds are exactly the defects the generator
# says it injected (defauts.csv), reason by reason, file by file; the committed demo inbox
# agrees with its own defauts.csv; the same seed gives the same bytes.
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

done_testing
