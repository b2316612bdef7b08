#!/bin/bash
# Late territories (docs/methodologie.md §10) in indicateurs_<P>.csv:
# - on the hand-built inbox of tests/data/late/ (worked out by hand in its README.md): a
#   late territory's entrants_mois and month series after its extract's month are nd, its
#   other figures are computed from its latest extracts, aggregates keep their sums and
#   count territoires_en_retard;
# - on the demo inbox (Somme, 80, sends its extracts of May for P = 2023-06): the same rule;
# - v2: every non-empty valeur of both CSV files is a number (the exhaustion month is
#   projection_epuisement_dans_mois, a number of months).
. "$(dirname "$0")/lib/tap.sh"

flat() { # CSV FLAT: "niveau|code|ventilation|modalite|indicateur<TAB>valeur|ic_bas|ic_haut|effectif|statut"
    python3 - "$1" >"$2" <<'PY'
import csv, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    r = csv.reader(f)
    next(r)
    for row in r:
        print('|'.join(row[0:2] + row[3:6]) + '\t' + '|'.join(row[6:11]))
PY
}
get() { # FLAT KEY -> the figure's fields, or MISSING
    awk -F'\t' -v k="$2" '$1 == k { print $2; found = 1 } END { if (!found) print "MISSING" }' "$1"
}
fig() { # FLAT LEVEL CODE INDICATOR EXPECTED-FIELDS
    is "$2 $3 $4 = ${5//|/ | }" "$(get "$1" "$2|$3|ensemble||$4")" "$5"
}
numbers() { # CSV: every non-empty valeur, ic_bas, ic_haut is a number
    python3 - "$1" <<'PY'
import csv, re, sys
num = re.compile(r'^-?[0-9]+(\.[0-9]+)?(e[+-][0-9]+)?$')
bad = []
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    r = csv.reader(f)
    next(r)
    for i, row in enumerate(r, 2):
        for x in row[6:9]:
            if x:
                try:
                    float(x)
                except ValueError:
                    bad.append('%d: %r' % (i, x))
                    continue
                if not num.match(x):
                    bad.append('%d: %r' % (i, x))
print('\n'.join(bad[:5]) if bad else 'ok')
PY
}

# ---- the hand-built inbox ---------------------------------------------------------------
P=2022-06
DATA=$SRCDIR/tests/data/late
OUT=$TAP_TMP/late
"$SPIE" run --period "$P" --inbox "$DATA/inbox" --territories "$DATA/territoires.csv" --out "$OUT" --quiet \
    --no-secret 2>"$TAP_TMP/stderr"
is "spie run exits 1 (a late territory, a missing one)" "$?" 1
CSV=$OUT/$P/indicateurs_$P.csv
F=$TAP_TMP/flat
flat "$CSV" "$F"
# Aude (11), extracts of 2022-05: nd where its extracts say nothing of June
fig "$F" departement 11 entrants "3|||3|ok"
fig "$F" departement 11 entrants_mois "||||nd"
fig "$F" departement 11 paye_etat "1000.00||||ok"
fig "$F" departement 11 paye_etat_mois_2022-05 "600.00||||ok"
fig "$F" departement 11 paye_etat_cumul_2022-05 "1000.00||||ok"
fig "$F" departement 11 paye_etat_mois_2022-06 "||||nd"
fig "$F" departement 11 paye_etat_cumul_2022-06 "||||nd"
# Haute-Garonne (31), on time
fig "$F" departement 31 entrants_mois "1|||1|ok"
fig "$F" departement 31 paye_etat_mois_2022-06 "250.00||||ok"
fig "$F" departement 31 paye_etat_cumul_2022-06 "250.00||||ok"
# Hérault (34), missing: nd, not late
fig "$F" departement 34 entrants_mois "||||nd"
# Occitanie and France: the sums as before, and the count of late territories
for lv in "region 76" "national FR"; do
    set -- $lv
    fig "$F" "$1" "$2" entrants "5|||5|ok"
    fig "$F" "$1" "$2" entrants_mois "1|||1|ok"
    fig "$F" "$1" "$2" paye_etat_mois_2022-06 "250.00||||ok"
    fig "$F" "$1" "$2" paye_etat_cumul_2022-06 "1250.00||||ok"
    fig "$F" "$1" "$2" territoires_attendus "3|||3|ok"
    fig "$F" "$1" "$2" territoires_inclus "2|||2|ok"
    fig "$F" "$1" "$2" territoires_en_retard "1|||1|ok"
done
fig "$F" vague AMI1 territoires_en_retard "1|||1|ok"
fig "$F" vague AMI1 entrants_mois "0|||0|ok"
fig "$F" vague AMI2 territoires_en_retard "0|||0|ok"
fig "$F" vague EXP2020 territoires_en_retard "0|||0|ok"
is "no v1 name projection_mois_epuisement" "$(grep -c ',projection_mois_epuisement,' "$CSV")" 0
# 1 250 EUR paid of 80 000 000: the trend line does not reach the envelope before the
# window's end (2023-12): nd, with the 12 points of the fit (2021-07 .. 2022-06)
fig "$F" national FR projection_epuisement_dans_mois "|||12|nd"
is "every non-empty valeur of the hand-built run's CSV is a number" "$(numbers "$CSV")" ok

# ---- the demo inbox: Somme (80) sends its extracts of May ---------------------------------
P=2023-06
OUTD=$TAP_TMP/demo
"$SPIE" run --period "$P" --inbox "$SRCDIR/samples/demo/inbox" --territories "$SRCDIR/samples/demo/territoires.csv" \
    --out "$OUTD" --quiet 2>"$TAP_TMP/stderr"
is "spie run on the demo inbox exits 1" "$?" 1
CSV=$OUTD/$P/indicateurs_$P.csv
flat "$CSV" "$F"
fig "$F" departement 80 entrants_mois "||||nd"
fig "$F" departement 80 paye_etat_mois_2023-06 "||||nd"
fig "$F" departement 80 paye_etat_cumul_2023-06 "||||nd"
is "Somme's May figures stay published" \
    "$(get "$F" 'departement|80|ensemble||paye_etat_cumul_2023-05' | cut -d'|' -f5)" ok
fig "$F" region 32 territoires_en_retard "1|||1|ok"
fig "$F" region 53 territoires_en_retard "0|||0|ok"
fig "$F" national FR territoires_en_retard "1|||1|ok"
fig "$F" vague EXP2020 territoires_en_retard "1|||1|ok"
is "the demo's projection_epuisement_dans_mois has a number or nothing" \
    "$(get "$F" 'national|FR|ensemble||projection_epuisement_dans_mois' | grep -cE '^([0-9]+\|\|\|[0-9]+\|ok|\|\|\|[0-9]+\|nd)$')" 1
is "every non-empty valeur of the demo's CSV is a number" "$(numbers "$CSV")" ok

done_testing
