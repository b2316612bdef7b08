#!/bin/bash
# spie run on a small budget inbox (tests/data/budget/, every figure worked out by hand in
# its README.md): exact cent sums over amounts in every accepted form per territory,
# region, wave and nation; rates (allocation 0 -> nd); co-financing per financer
# (POLE_EMPLOI = FRANCE_TRAVAIL); the NAT lines apart; the envelope and its series; the
# least-squares projection (values computed independently: exact rational arithmetic,
# t = qt(0.975, 6) of R); unit costs; then the same inbox without NAT (no territorial
# figure moves), with 11's budget file unusable (docs/methodologie.md §9), and for a period
# after the envelope window's end.
. "$(dirname "$0")/lib/tap.sh"

DATA=$SRCDIR/tests/data/budget
P=2021-08
TERR=$DATA/territoires.csv

# The inbox: 31, 13 and NAT as plain .csv, 11's files gzipped (gzip -n: no name, no time).
INBOX=$TAP_TMP/inbox
mkdir -p "$INBOX"
cp "$DATA"/inbox/*.csv "$INBOX"/
gzip -n "$INBOX"/spie_11_*.csv

# The statistical secret (docs/methodologie.md §7) would mask the unit costs over fewer than 5
# entrants: the figures are checked without it (--no-secret).
help_lists run --no-secret
NOSECRET=(--no-secret)

run() { # period inbox out
    "$SPIE" run --period "$1" --inbox "$2" --out "$3" --territories "$TERR" --quiet \
        ${NOSECRET[@]+"${NOSECRET[@]}"} 2>"$TAP_TMP/stderr"
}

# flat CSV OUT: one line per figure, "niveau|code|ventilation|modalite|indicateur" TAB
# "valeur|ic_bas|ic_haut|effectif|statut", read with a real CSV parser.
flat() {
    python3 - "$1" >"$2" <<'EOF'
import csv, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    r = csv.reader(f)
    next(r)
    for row in r:
        print('|'.join(row[0:2] + row[3:6]) + '\t' + '|'.join(row[6:11]))
EOF
}
get() { # flatfile key -> the figure's fields, or MISSING
    awk -F'\t' -v k="$2" '$1 == k { print $2; found = 1 } END { if (!found) print "MISSING" }' "$1"
}
# money FLAT LEVEL CODE INDICATOR EXPECTED: an amount, ok, no interval, empty effectif.
money() {
    is "$2 $3 $4 = $5" "$(get "$1" "$2|$3|ensemble||$4")" "$5||||ok"
}
nd() { # FLAT LEVEL CODE INDICATOR [EFFECTIF]
    is "$2 $3 $4 is nd${5:+ with effectif $5}" "$(get "$1" "$2|$3|ensemble||$4")" "|||${5:-}|nd"
}

# ---- the complete inbox -----------------------------------------------------------------
OUT=$TAP_TMP/res1
run "$P" "$INBOX" "$OUT"
is "spie run exits 0 on the budget inbox" "$?" 0
CSV=$OUT/$P/indicateurs_$P.csv
ok_if "indicateurs_$P.csv is written" test -s "$CSV"
ok_if "nothing is rejected (every amount form is accepted)" \
    sh -c "[ \"\$(zcat '$OUT/$P/rejets_$P.csv.gz' | wc -l)\" = 1 ]"
F=$TAP_TMP/flat
flat "$CSV" "$F"

# Every money figure has exactly two decimals; budget rows only in the ensemble breakdown.
MONEY_RE='^(allocation_etat|engage_etat|paye_etat|cofinancement_|cout_par_|engage_etat_national|paye_etat_national|enveloppe|reste_enveloppe|paye_etat_mois_|paye_etat_cumul_|paye_enveloppe_|projection_paye_fin)'
is "every amount has exactly two decimals (interval bounds too)" \
    "$(awk -F'\t' -v re="$MONEY_RE" '{ split($1, k, "|"); split($2, v, "|");
        if (k[5] ~ re && v[5] == "ok") for (i = 1; i <= 3; i++) if (v[i] != "" && v[i] !~ /^-?[0-9]+\.[0-9][0-9]$/) bad++ }
        END { print bad + 0 }' "$F")" 0
BUDGET_RE='^(allocation_etat|engage_etat|paye_etat|taux_engagement|taux_consommation|cofinancement_|cout_par_|enveloppe|reste_enveloppe|part_enveloppe_|paye_enveloppe_|projection_)'
is "budget indicators exist for the ensemble breakdown only" \
    "$(awk -F'\t' -v re="$BUDGET_RE" '{ split($1, k, "|"); if (k[5] ~ re && k[3] != "ensemble") n++ } END { print n + 0 }' "$F")" 0
is "the envelope, NAT lines and projection exist at the national level only" \
    "$(awk -F'\t' '{ split($1, k, "|"); if (k[5] ~ /^(enveloppe|reste_enveloppe|part_enveloppe_|paye_enveloppe_|projection_|engage_etat_national|paye_etat_national)/ && k[1] != "national") n++ } END { print n + 0 }' "$F")" 0

# ---- territories (README.md: "Territories") -----------------------------------------------
money "$F" departement 31 allocation_etat 30000000.00
money "$F" departement 31 engage_etat 8501234.56
money "$F" departement 31 paye_etat 11499751.60
money "$F" departement 31 paye_etat_mois_2021-02 999750.50
money "$F" departement 31 paye_etat_mois_2021-07 1700000.10
money "$F" departement 31 paye_etat_cumul_2021-01 1000000.00   # the 2020 line is in the cumulative
money "$F" departement 31 paye_etat_cumul_2021-08 11499751.60   # = paye_etat
is "31 taux_engagement = 8501234.56 / 30000000" "$(get "$F" 'departement|31|ensemble||taux_engagement')" \
    "$(python3 -c 'print(repr(850123456 / 3000000000))')||||ok"
is "31 taux_consommation = 11499751.60 / 30000000" "$(get "$F" 'departement|31|ensemble||taux_consommation')" \
    "$(python3 -c 'print(repr(1149975160 / 3000000000))')||||ok"
money "$F" departement 31 cofinancement_departement 150000.00
money "$F" departement 31 cofinancement_france_travail 100000.00   # POLE_EMPLOI 80 000 + FRANCE_TRAVAIL 20 000
money "$F" departement 31 cofinancement_caf 12345.67
money "$F" departement 31 cofinancement_autre 1000.00
is "31 cout_par_entrant = 11499751.60 / 4" "$(get "$F" 'departement|31|ensemble||cout_par_entrant')" "2874937.90|||4|ok"
is "31 cout_par_reprise = 11499751.60 / 2" "$(get "$F" 'departement|31|ensemble||cout_par_reprise')" "5749875.80|||2|ok"

money "$F" departement 11 engage_etat 4000000.00
money "$F" departement 11 paye_etat 7099998.40
money "$F" departement 11 paye_etat_mois_2021-03 799999.75
money "$F" departement 11 cofinancement_caf 999.99        # a 2020 line: mois <= P
money "$F" departement 11 cofinancement_departement 50000.50
is "11 taux_engagement = 0.5" "$(get "$F" 'departement|11|ensemble||taux_engagement')" "0.5||||ok"
is "11 taux_consommation = 0.8874998" "$(get "$F" 'departement|11|ensemble||taux_consommation')" "0.8874998||||ok"
is "11 cout_par_entrant = 7099998.40 / 3 (2366666.133)" "$(get "$F" 'departement|11|ensemble||cout_par_entrant')" "2366666.13|||3|ok"

money "$F" departement 13 allocation_etat 0.00
money "$F" departement 13 engage_etat 100000.00          # U+00A0 thousands
money "$F" departement 13 paye_etat 14000.05             # U+202F thousands, -1 000,00
nd "$F" departement 13 taux_engagement
nd "$F" departement 13 taux_consommation
nd "$F" departement 13 cout_par_entrant 0                # no entrant

# ---- region, wave, nation ------------------------------------------------------------------
money "$F" region 76 allocation_etat 38000000.00
money "$F" region 76 engage_etat 12501234.56
money "$F" region 76 paye_etat 18599750.00
money "$F" region 76 paye_etat_mois_2021-01 1000000.00
money "$F" region 76 paye_etat_cumul_2021-01 1400000.00
money "$F" region 76 cofinancement_caf 13345.66
is "region 76 cout_par_entrant = 18599750.00 / 7" "$(get "$F" 'region|76|ensemble||cout_par_entrant')" "2657107.14|||7|ok"
is "region 76 cout_par_reprise = 18599750.00 / 3" "$(get "$F" 'region|76|ensemble||cout_par_reprise')" "6199916.67|||3|ok"
money "$F" region 93 paye_etat 14000.05
nd "$F" region 93 taux_consommation
money "$F" vague AMI1 paye_etat 7099998.40
money "$F" vague AMI2 engage_etat 8501234.56
money "$F" vague EXP2020 allocation_etat 0.00
nd "$F" vague EXP2020 taux_engagement
money "$F" national FR allocation_etat 38000000.00
money "$F" national FR engage_etat 12601234.56
money "$F" national FR paye_etat 18613750.05
money "$F" national FR paye_etat_cumul_2021-08 18613750.05
money "$F" national FR cofinancement_caf 13345.66            # NAT's CAF line counts nowhere
money "$F" national FR cofinancement_departement 200000.50
is "national taux_consommation" "$(get "$F" 'national|FR|ensemble||taux_consommation')" \
    "$(python3 -c 'print(repr(1861375005 / 3800000000))')||||ok"
is "national cout_par_entrant = 18613750.05 / 7 (13 in, with 0 entrants)" \
    "$(get "$F" 'national|FR|ensemble||cout_par_entrant')" "2659107.15|||7|ok"
is "national cout_par_reprise = 18613750.05 / 3" "$(get "$F" 'national|FR|ensemble||cout_par_reprise')" "6204583.35|||3|ok"

# ---- NAT and the envelope --------------------------------------------------------------------
money "$F" national FR engage_etat_national 250000.00
money "$F" national FR paye_etat_national 260000.00       # 2020 NAT line included (mois <= P)
money "$F" national FR enveloppe 80000000.00
money "$F" national FR paye_enveloppe_mois_2021-01 1100000.00
money "$F" national FR paye_enveloppe_mois_2021-04 2355000.05
money "$F" national FR paye_enveloppe_mois_2021-07 2780000.00
money "$F" national FR paye_enveloppe_cumul_2021-01 1100000.00   # no 2020 line in the envelope
money "$F" national FR paye_enveloppe_cumul_2021-08 18443750.05
money "$F" national FR reste_enveloppe 61556249.95
is "part_enveloppe_allouee = 38 000 000 / 80 000 000" "$(get "$F" 'national|FR|ensemble||part_enveloppe_allouee')" "0.475||||ok"
is "part_enveloppe_engagee = 10 801 234.56 / 80 000 000" "$(get "$F" 'national|FR|ensemble||part_enveloppe_engagee')" \
    "$(python3 -c 'print(repr(1080123456 / 8000000000))')||||ok"
is "part_enveloppe_payee = 18 443 750.05 / 80 000 000" "$(get "$F" 'national|FR|ensemble||part_enveloppe_payee')" \
    "$(python3 -c 'print(repr(1844375005 / 8000000000))')||||ok"
is "the envelope series run from 2021-01 to P" \
    "$(awk -F'\t' '$1 ~ /^national\|FR\|ensemble\|\|paye_enveloppe_mois_/ { n++ } END { print n + 0 }' "$F")" 8

# ---- projection ------------------------------------------------------------------------------
# 8 points x = 0..7 (K = 12, only 8 months), x_e = 35 (2023-12). README.md gives the exact
# fit: yhat = 88 226 875.3125, interval [80 107 825.2279, 96 345 925.3971] with
# t = qt(0.975, 6) = 2.446911851144970, V reached at x = 31.73: month 32 = 2023-09. The
# same values are recomputed here with Python's exact fractions and a t quantile from the
# closed-form t distribution function (Abramowitz & Stegun 26.7.4) inverted by bisection.
ref=$(python3 - <<'EOF'
from fractions import Fraction as Fr
from math import atan, sin, cos, sqrt, ceil
monthly = [110000000, 150975000, 200000000, 235500005, 260000000, 299900000, 278000000, 310000000]
y, c = [], 0
for v in monthly:
    c += v
    y.append(Fr(c, 100))
x = list(range(8)); n = 8; xe = 35; V = 80000000
xb = Fr(sum(x), n); yb = sum(y) / n
sxx = sum((a - xb) ** 2 for a in x); sxy = sum((a - xb) * (b - yb) for a, b in zip(x, y))
c1 = sxy / sxx; c0 = yb - c1 * xb
s2 = sum((b - c0 - c1 * a) ** 2 for a, b in zip(x, y)) / (n - 2)
def tcdf(t, nu=6):  # A&S 26.7.4, nu even
    th = atan(t / sqrt(nu)); cc = cos(th); term = s = 1.0
    for k in range(2, nu - 1, 2):
        term *= cc * cc * (k - 1) / k; s += term
    return 0.5 + 0.5 * sin(th) * s
lo, hi = 0.0, 100.0
for _ in range(200):
    mid = (lo + hi) / 2
    lo, hi = (mid, hi) if tcdf(mid) < 0.975 else (lo, mid)
t = (lo + hi) / 2
assert abs(t - 2.446911851144970) < 1e-12  # R: qt(0.975, 6)
yhat = c0 + c1 * xe
half = t * sqrt(float(s2 * (1 + Fr(1, n) + (xe - xb) ** 2 / sxx)))
def eur(v):  # half away from zero (positive here)
    q = Fr(v) * 100
    return '%.2f' % (int(q + Fr(1, 2)) / 100)
month = max(7, ceil((V - c0) / c1))
print('%s|%s|%s|8|ok %r 2021+%d' % (eur(yhat), eur(float(yhat) - half), eur(float(yhat) + half),
                                    float(yhat / V), month))
EOF
)
is "independent reference computed" "$(echo "$ref" | cut -d' ' -f3)" "2021+32"
is "projection_paye_fin with its prediction interval and 8 points" \
    "$(get "$F" 'national|FR|ensemble||projection_paye_fin')" "88226875.31|80107825.23|96345925.40|8|ok"
is "projection_paye_fin matches the Python recomputation" \
    "$(get "$F" 'national|FR|ensemble||projection_paye_fin')" "$(echo "$ref" | cut -d' ' -f1)"
is "projection_part_enveloppe = yhat / V" "$(get "$F" 'national|FR|ensemble||projection_part_enveloppe')" \
    "$(echo "$ref" | cut -d' ' -f2)|||8|ok"
# v2: the exhaustion month as a number of months from P: month index 32 (2023-09) minus
# P's index 7 (2021-08) = 25
is "projection_epuisement_dans_mois = 25 (2023-09, month index 32, from P = index 7)" \
    "$(get "$F" 'national|FR|ensemble||projection_epuisement_dans_mois')" "25|||8|ok"

# ---- without the NAT file: no territorial figure moves ---------------------------------------
INBOX2=$TAP_TMP/inbox2
mkdir -p "$INBOX2"
cp "$INBOX"/* "$INBOX2"/
rm "$INBOX2/spie_NAT_${P}_budget.csv"
OUT2=$TAP_TMP/res2
run "$P" "$INBOX2" "$OUT2"
is "spie run exits 0 without the (optional) NAT file" "$?" 0
F2=$TAP_TMP/flat2
flat "$OUT2/$P/indicateurs_$P.csv" "$F2"
ENV_RE='^national\|FR\|ensemble\|\|(part_enveloppe_|reste_enveloppe|paye_enveloppe_|projection_|engage_etat_national|paye_etat_national)'
grep -Ev "$ENV_RE" "$F" >"$TAP_TMP/terr1"
grep -Ev "$ENV_RE" "$F2" >"$TAP_TMP/terr2"
ok_if "every row but the envelope, NAT and projection rows is identical without NAT" cmp "$TAP_TMP/terr1" "$TAP_TMP/terr2"
nd "$F2" national FR engage_etat_national
nd "$F2" national FR paye_etat_national
money "$F2" national FR paye_enveloppe_cumul_2021-08 18213750.05   # 18 443 750.05 - NAT 230 000
money "$F2" national FR reste_enveloppe 61786249.95

# ---- 11's budget file unusable (a gzip stream cut short) -------------------------------------
INBOX3=$TAP_TMP/inbox3
mkdir -p "$INBOX3"
cp "$INBOX"/* "$INBOX3"/
GZ=$INBOX3/spie_11_${P}_budget.csv.gz
head -c $(($(stat -c %s "$GZ") - 12)) "$GZ" >"$TAP_TMP/cut.gz" && mv "$TAP_TMP/cut.gz" "$GZ"
OUT3=$TAP_TMP/res3
run "$P" "$INBOX3" "$OUT3"
is "spie run exits 1 with an unusable budget file" "$?" 1
F3=$TAP_TMP/flat3
flat "$OUT3/$P/indicateurs_$P.csv" "$F3"
money "$F3" departement 11 allocation_etat 8000000.00   # the allocation stays
for ind in engage_etat paye_etat taux_engagement taux_consommation cofinancement_caf \
    paye_etat_mois_2021-01 paye_etat_cumul_2021-08 cout_par_entrant cout_par_reprise; do
    nd "$F3" departement 11 "$ind"
done
money "$F3" region 76 allocation_etat 30000000.00       # 11 out, its allocation too
money "$F3" region 76 paye_etat 11499751.60
is "region 76 territoires_inclus_budget 1" "$(get "$F3" 'region|76|ensemble||territoires_inclus_budget')" "1|||1|ok"
for ind in allocation_etat engage_etat paye_etat taux_engagement paye_etat_mois_2021-08 cout_par_entrant cout_par_reprise; do
    nd "$F3" vague AMI1 "$ind"                          # 11 alone: no budget-included territory
done
money "$F3" national FR allocation_etat 30000000.00
money "$F3" national FR paye_etat 11513751.65
is "part_enveloppe_allouee still counts every territory" "$(get "$F3" 'national|FR|ensemble||part_enveloppe_allouee')" "0.475||||ok"
money "$F3" national FR paye_enveloppe_cumul_2021-08 11343751.65   # 18 443 750.05 - 7 099 998.40
is "national cout_par_entrant over 31 and 13 = 11513751.65 / 4" \
    "$(get "$F3" 'national|FR|ensemble||cout_par_entrant')" "2878437.91|||4|ok"
is "national cout_par_reprise = 11513751.65 / 2 (5756875.825, half away from zero)" \
    "$(get "$F3" 'national|FR|ensemble||cout_par_reprise')" "5756875.83|||2|ok"

# ---- a period after the envelope window's end -------------------------------------------------
OUT4=$TAP_TMP/res4
run 2024-03 "$INBOX" "$OUT4"
is "spie run for 2024-03 exits 1 (every extract late)" "$?" 1
F4=$TAP_TMP/flat4
flat "$OUT4/2024-03/indicateurs_2024-03.csv" "$F4"
# the groups' series run to P; v2 (docs/methodologie.md §10): every extract is of 2021-08,
# so a département's months after 2021-08 are unknown (nd), its 2021-08 is published, and
# the aggregates keep their sums
nd "$F4" departement 31 paye_etat_mois_2024-03
nd "$F4" departement 31 paye_etat_cumul_2021-09
is "departement 31 paye_etat_cumul_2021-08 is published" \
    "$(get "$F4" 'departement|31|ensemble||paye_etat_cumul_2021-08' | cut -d'|' -f5)" ok
money "$F4" national FR paye_etat_mois_2024-03 0.00
money "$F4" national FR paye_etat_cumul_2024-03 18613750.05
is "the envelope series stop at the window's end (36 months)" \
    "$(awk -F'\t' '$1 ~ /^national\|FR\|ensemble\|\|paye_enveloppe_mois_/ { n++ } END { print n + 0 }' "$F4") $(get "$F4" 'national|FR|ensemble||paye_enveloppe_mois_2024-01')" \
    "36 MISSING"
money "$F4" national FR paye_enveloppe_cumul_2023-12 18443750.05
money "$F4" national FR reste_enveloppe 61556249.95
# the last 12 months of the window are flat: a zero-width interval, exhaustion nd
is "projection over 2023-01..2023-12: flat" "$(get "$F4" 'national|FR|ensemble||projection_paye_fin')" \
    "18443750.05|18443750.05|18443750.05|12|ok"
nd "$F4" national FR projection_epuisement_dans_mois 12

# ---- the envelope's amount, window, K and level from the configuration -----------------------
# V = 20 000 000,00 over 2021-03 .. 2021-10 (x_e = 7), K = 5, level 90 %. README.md: the fit
# over 2021-04 .. 2021-08 (x = 1..5) gives c0 = 1 345 300.05, c1 = 2 873 700, yhat =
# 21 461 200.05, t = qt(0.95, 3) = 2.353363434801824 (R), interval [20 889 108.9998,
# 22 033 291.1002]; V is reached at x = 6.49: month 7 = 2021-10.
help_lists run --config
CFG=$TAP_TMP/budget.ini
printf '[enveloppe]\nmontant = 20 000 000,00\ndebut = 2021-03\nfin = 2021-10\n\n[projection]\nmois = 5\n\n[intervalles]\nniveau = 0.90\n' >"$CFG"
OUT5=$TAP_TMP/res5
"$SPIE" run --period "$P" --inbox "$INBOX" --out "$OUT5" --territories "$TERR" --quiet --config "$CFG" \
    ${NOSECRET[@]+"${NOSECRET[@]}"} 2>"$TAP_TMP/stderr"
is "spie run --config exits 0" "$?" 0
F5=$TAP_TMP/flat5
flat "$OUT5/$P/indicateurs_$P.csv" "$F5"
money "$F5" national FR enveloppe 20000000.00
is "the series start at the configured window's start" \
    "$(get "$F5" 'departement|31|ensemble||paye_etat_mois_2021-02') $(get "$F5" 'national|FR|ensemble||paye_enveloppe_mois_2021-02')" \
    "MISSING MISSING"
money "$F5" departement 31 paye_etat_cumul_2021-03 3199750.75   # 2020, January and February included
money "$F5" national FR paye_enveloppe_cumul_2021-03 2000000.00  # January and February out
money "$F5" national FR paye_enveloppe_cumul_2021-08 15834000.05
money "$F5" national FR reste_enveloppe 4165999.95
is "part_enveloppe_allouee = 38 000 000 / 20 000 000" "$(get "$F5" 'national|FR|ensemble||part_enveloppe_allouee')" "1.9||||ok"
is "part_enveloppe_engagee = 2 501 234.56 / 20 000 000" "$(get "$F5" 'national|FR|ensemble||part_enveloppe_engagee')" \
    "$(python3 -c 'print(repr(250123456 / 2000000000))')||||ok"
is "projection over the last 5 months at 90 %" "$(get "$F5" 'national|FR|ensemble||projection_paye_fin')" \
    "21461200.05|20889109.00|22033291.10|5|ok"
r=$(get "$F5" 'national|FR|ensemble||projection_part_enveloppe')
is "projection_part_enveloppe = 21 461 200.05 / 20 000 000" \
    "$(python3 -c "g = '${r%%|*}'; print('ok' if g and abs(float(g) - 1.0730600025) < 1e-12 else g)")|${r#*|}" "ok|||5|ok"
is "projection_epuisement_dans_mois = 2 (2021-10, the window's last month, 2 months after P)" \
    "$(get "$F5" 'national|FR|ensemble||projection_epuisement_dans_mois')" "2|||5|ok"

done_testing
