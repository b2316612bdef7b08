#!/bin/bash
# spie run on a small hand-built inbox (tests/data/run/, worked out by hand in its
# README.md): the key person-based figures of indicateurs_<P>.csv (docs/methodologie.md §1-§5,
# §9; Wilson intervals recomputed here from the formula of §4), the CSV's header and
# order (docs/sorties.md §4), determinism (--jobs 1 and 4, a rerun, a decimal-comma locale),
# a territory without its etapes extract (§9), and spie check.
. "$(dirname "$0")/lib/tap.sh"

DATA=$SRCDIR/tests/data/run
P=2022-06
TERR=$DATA/territoires.csv

# The inbox: the 31 files as they are (plain .csv), the 11 files gzipped (gzip -n: no
# name, no time stamp), the usual form.
INBOX=$TAP_TMP/inbox
mkdir -p "$INBOX"
cp "$DATA"/inbox/*.csv "$INBOX"/
gzip -n "$INBOX"/spie_11_*.csv

# The statistical secret (docs/methodologie.md §7) would mask these small counts: the figures are
# checked without it (--no-secret).
help_lists run --no-secret
NOSECRET=(--no-secret)

RUNENV=() # extra environment of the runs (a locale)
run() { # inbox out [options...]
    local inbox=$1 out=$2
    shift 2
    env ${RUNENV[@]+"${RUNENV[@]}"} "$SPIE" run --period "$P" --inbox "$inbox" --out "$out" --territories "$TERR" --quiet \
        ${NOSECRET[@]+"${NOSECRET[@]}"} "$@" 2>"$TAP_TMP/stderr"
}

# flat CSV OUT: one line per figure, "niveau|code|ventilation|modalite|indicateur" TAB
# "valeur|ic_bas|ic_haut|effectif|statut", read with a real CSV parser (quoting).
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
# pyeq DESCRIPTION GOT PYTHON-EXPRESSION [TOLERANCE]: GOT as a number equals the
# expression within the tolerance (default: exactly, as the shortest round trip).
pyeq() {
    local desc=$1 got=$2 expr=$3 tol=${4:-0}
    local res
    res=$(python3 -c "
from math import sqrt, isfinite
from statistics import NormalDist, mean, stdev
def wilson(x, n):
    z = NormalDist().inv_cdf(0.975)
    p = x / n
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (0.0 if x == 0 else c - h, 1.0 if x == n else c + h)
want = $expr
got = '$got'
try:
    g = float(got)
except ValueError:
    print('not a number: ' + got); raise SystemExit
tol = $tol
if tol == 0:
    print('ok' if got == repr(float(want)) or g == want else 'got %r, expected %r' % (got, want))
else:
    print('ok' if abs(g - want) <= tol * max(1.0, abs(want)) else 'got %r, expected %r' % (got, want))
" 2>&1)
    is "$desc" "$res" ok
}
field() { # "a|b|c|d|e" n -> the n-th field (1-based)
    echo "$1" | cut -d'|' -f"$2"
}

# ---- the complete inbox, one worker ---------------------------------------------------
OUT1=$TAP_TMP/out1
run "$INBOX" "$OUT1" --jobs 1
is "spie run exits 0 on a complete inbox" "$?" 0
D1=$OUT1/$P
CSV=$D1/indicateurs_$P.csv
ok_if "indicateurs_$P.csv, qualite_$P.csv and rejets_$P.csv.gz are written" \
    test -s "$CSV" -a -s "$D1/qualite_$P.csv" -a -s "$D1/rejets_$P.csv.gz"
is "the CSV header is docs/sorties.md §4's" "$(head -n 1 "$CSV")" \
    "niveau,code,libelle,ventilation,modalite,indicateur,valeur,ic_bas,ic_haut,effectif,statut"

python3 - "$CSV" >"$TAP_TMP/keys.tsv" <<'EOF'
import csv, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    r = csv.reader(f)
    next(r)
    for row in r:
        print('\t'.join([row[0], row[1], row[3], row[4], row[5]]))
EOF
ok_if "rows are sorted byte-wise on (niveau, code, ventilation, modalite, indicateur), keys unique" \
    env LC_ALL=C sort -c -u -t "$(printf '\t')" -k1,1 -k2,2 -k3,3 -k4,4 -k5,5 "$TAP_TMP/keys.tsv"

# Every row well formed: 11 fields; valeur/ic_bas/ic_haut empty or a plain number (never
# nan or inf, '.' as the decimal point; v2: no text value at all, the exhaustion month is
# a number of months); statut ok, s or nd; nd and s rows without value.
python3 - "$CSV" >"$TAP_TMP/wellformed" 2>&1 <<'EOF'
import csv, re, sys
num = re.compile(r'^-?[0-9]+(\.[0-9]+)?(e[+-][0-9]+)?$')
bad = []
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    r = csv.reader(f)
    next(r)
    for i, row in enumerate(r, 2):
        if len(row) != 11:
            bad.append('%d: %d fields' % (i, len(row))); continue
        v, lo, hi, eff, st = row[6:11]
        for x in (v, lo, hi):
            if x and not num.match(x):
                bad.append('%d: bad number %r' % (i, x))
        if eff and not re.match(r'^[0-9]+$', eff):
            bad.append('%d: bad effectif %r' % (i, eff))
        if st not in ('ok', 's', 'nd'):
            bad.append('%d: bad statut %r' % (i, st))
        if st != 'ok' and (v or lo or hi):
            bad.append('%d: %s with a value' % (i, st))
        if (lo == '') != (hi == ''):
            bad.append('%d: half an interval' % i)
print('\n'.join(bad[:10]) if bad else 'ok')
EOF
is "every row is well formed, no nan/inf anywhere" "$(cat "$TAP_TMP/wellformed")" ok
ok_if "no 'nan' or 'inf' text in the CSV" sh -c "! grep -qiE '(^|,)-?(nan|inf)' '$CSV'"

F1=$TAP_TMP/flat1
flat "$CSV" "$F1"

# ---- activity counts (README.md: persons A01..A10 in 31, B01..B04 in 11) ---------------
is "31 entrants" "$(get "$F1" 'departement|31|ensemble||entrants')" "10|||10|ok"
is "11 entrants" "$(get "$F1" 'departement|11|ensemble||entrants')" "4|||4|ok"
is "region 76 entrants" "$(get "$F1" 'region|76|ensemble||entrants')" "14|||14|ok"
is "national entrants" "$(get "$F1" 'national|FR|ensemble||entrants')" "14|||14|ok"
is "wave AMI2 entrants (31)" "$(get "$F1" 'vague|AMI2|ensemble||entrants')" "10|||10|ok"
is "wave AMI1 entrants (11)" "$(get "$F1" 'vague|AMI1|ensemble||entrants')" "4|||4|ok"
is "wave EXP2020 (no territory) entrants nd, no effectif" \
    "$(get "$F1" 'vague|EXP2020|ensemble||entrants')" "||||nd"
is "wave EXP2020 territoires_attendus 0" "$(get "$F1" 'vague|EXP2020|ensemble||territoires_attendus')" "0|||0|ok"
is "31 entrants_mois (A09)" "$(get "$F1" 'departement|31|ensemble||entrants_mois')" "1|||1|ok"
is "31 en_parcours" "$(get "$F1" 'departement|31|ensemble||en_parcours')" "7|||7|ok"
is "31 sorties" "$(get "$F1" 'departement|31|ensemble||sorties')" "3|||3|ok"
is "31 sortie_demenagement (A03: the typed SORTIE wins on the same day)" \
    "$(get "$F1" 'departement|31|ensemble||sortie_demenagement')" "1|||1|ok"
is "31 sortie_autre is present with 0" "$(get "$F1" 'departement|31|ensemble||sortie_autre')" "0|||0|ok"
is "31 avec_solution (A01 typed, A02 untyped)" "$(get "$F1" 'departement|31|ensemble||avec_solution')" "2|||2|ok"
is "31 solution_formation" "$(get "$F1" 'departement|31|ensemble||solution_formation')" "1|||1|ok"
is "31 avec_reprise" "$(get "$F1" 'departement|31|ensemble||avec_reprise')" "5|||5|ok"
is "31 reprise_emploi_durable (A02; A08: EMPLOI_DURABLE listed first on the same day)" \
    "$(get "$F1" 'departement|31|ensemble||reprise_emploi_durable')" "2|||2|ok"
is "31 reprise_emploi_temporaire (A01)" "$(get "$F1" 'departement|31|ensemble||reprise_emploi_temporaire')" "1|||1|ok"

# ---- delays: D_ORIENT ---------------------------------------------------------------------
# 31: completed 10, 20, 35, 40, 30, 30, 60 (A01 A02 A03 A04 A06 A08 A10); censored A05
# (exit at 15), A07 (D - E = 107), A09 (D - E = 20).
is "31 D_ORIENT population/termines/censures" \
    "$(get "$F1" 'departement|31|ensemble||delai_d_orient_population') $(get "$F1" 'departement|31|ensemble||delai_d_orient_termines') $(get "$F1" 'departement|31|ensemble||delai_d_orient_censures')" \
    "10|||10|ok 7|||7|ok 3|||3|ok"
r=$(get "$F1" 'departement|31|ensemble||delai_d_orient_moyenne')
pyeq "31 D_ORIENT mean = 225/7" "$(field "$r" 1)" "225 / 7"
is "31 D_ORIENT mean effectif = completed" "$(field "$r" 4)|$(field "$r" 5)" "7|ok"
r=$(get "$F1" 'departement|31|ensemble||delai_d_orient_ecart_type')
pyeq "31 D_ORIENT sd (n-1)" "$(field "$r" 1)" "stdev([10, 20, 35, 40, 30, 30, 60])" 1e-13
is "31 D_ORIENT median (type 7)" "$(get "$F1" 'departement|31|ensemble||delai_d_orient_mediane')" "30|||7|ok"
r=$(get "$F1" 'departement|31|ensemble||delai_d_orient_p90')
# R: quantile(c(10,20,30,30,35,40,60), .9) = 48
pyeq "31 D_ORIENT p90 (type 7)" "$(field "$r" 1)" "48" 1e-13
# Kaplan–Meier: t=10 S=9/10; t=20 (A09 censored at 20 still at risk, n=8) S=.7875;
# t=30 n=6 d=2 S=.525; t=35 n=4 S=.39375 < .5: 35 (the plain median is 30).
is "31 D_ORIENT Kaplan–Meier median" "$(get "$F1" 'departement|31|ensemble||delai_d_orient_km_mediane')" "35|||10|ok"
# part_cible: E + 30 <= D for all but A09: 9; within 30 days A01 A02 A06 A08: 4 (A05,
# who left before the target, is in the denominator).
r=$(get "$F1" 'departement|31|ensemble||delai_d_orient_part_cible')
pyeq "31 D_ORIENT part_cible = 4/9" "$(field "$r" 1)" "4 / 9"
pyeq "31 D_ORIENT part_cible Wilson lower" "$(field "$r" 2)" "wilson(4, 9)[0]" 1e-13
pyeq "31 D_ORIENT part_cible Wilson upper" "$(field "$r" 3)" "wilson(4, 9)[1]" 1e-13
is "31 D_ORIENT part_cible effectif" "$(field "$r" 4)|$(field "$r" 5)" "9|ok"
# Region 76: completed 10 20 20 30 30 30 35 40 60 90; censored 15 20 59 107.
r=$(get "$F1" 'region|76|ensemble||delai_d_orient_moyenne')
is "region D_ORIENT mean = 36.5" "$r" "36.5|||10|ok"
is "region D_ORIENT median" "$(get "$F1" 'region|76|ensemble||delai_d_orient_mediane')" "30|||10|ok"
is "region D_ORIENT Kaplan–Meier median" "$(get "$F1" 'region|76|ensemble||delai_d_orient_km_mediane')" "35|||14|ok"
r=$(get "$F1" 'region|76|ensemble||delai_d_orient_part_cible')
pyeq "region D_ORIENT part_cible Wilson lower (6/13)" "$(field "$r" 2)" "wilson(6, 13)[0]" 1e-13
is "region D_ORIENT part_cible value and effectif" "$(field "$r" 1)|$(field "$r" 4)" "$(python3 -c 'print(repr(6/13))')|13"
# D_DIAG in 31: A02's DIAGNOSTIC is before its ORIENTATION (inverted); A01's is the only
# completed delay (14 days): its standard deviation is nd with effectif 1.
is "31 D_DIAG incoherents" "$(get "$F1" 'departement|31|ensemble||delai_d_diag_incoherents')" "1|||1|ok"
is "31 D_DIAG sd of a single delay: nd, effectif 1" "$(get "$F1" 'departement|31|ensemble||delai_d_diag_ecart_type')" "|||1|nd"
is "31 D_DIAG mean of a single delay" "$(get "$F1" 'departement|31|ensemble||delai_d_diag_moyenne')" "14|||1|ok"
is "31 D_DIAG Kaplan–Meier effectif = population less inverted" \
    "$(field "$(get "$F1" 'departement|31|ensemble||delai_d_diag_km_mediane')" 4)" 6

# ---- return to activity --------------------------------------------------------------------
# 31, 6 months: eligible A01 A02 A03 A04 A10 (2021-12-31 + 6 months = 2022-06-30 = D);
# successes A01, A02 (on exactly E + 6 months), A10 (on D): 3/5; durable A02, A10: 2/5.
r=$(get "$F1" 'departement|31|ensemble||taux_reprise_6m')
pyeq "31 taux_reprise_6m = 3/5" "$(field "$r" 1)" "3 / 5"
pyeq "31 taux_reprise_6m Wilson lower" "$(field "$r" 2)" "wilson(3, 5)[0]" 1e-13
pyeq "31 taux_reprise_6m Wilson upper" "$(field "$r" 3)" "wilson(3, 5)[1]" 1e-13
is "31 taux_reprise_6m effectif = eligible" "$(field "$r" 4)|$(field "$r" 5)" "5|ok"
r=$(get "$F1" 'departement|31|ensemble||taux_reprise_durable_6m')
pyeq "31 taux_reprise_durable_6m = 2/5" "$(field "$r" 1)" "2 / 5"
pyeq "31 taux_reprise_durable_6m Wilson upper" "$(field "$r" 3)" "wilson(2, 5)[1]" 1e-13
# 3 months: 8 eligible, nobody back within 3 months: 0 with [0, upper].
r=$(get "$F1" 'departement|31|ensemble||taux_reprise_3m')
is "31 taux_reprise_3m = 0/8, lower bound 0" "$(field "$r" 1)|$(field "$r" 2)|$(field "$r" 4)" "0|0|8"
pyeq "31 taux_reprise_3m Wilson upper" "$(field "$r" 3)" "wilson(0, 8)[1]" 1e-13
is "31 taux_reprise_12m: nobody eligible: nd, effectif 0" \
    "$(get "$F1" 'departement|31|ensemble||taux_reprise_12m')" "|||0|nd"
# Region, 6 months: 31's 3/5 and 11's B04 (on exactly E + 6 months) out of B02, B04: 4/7.
r=$(get "$F1" 'region|76|ensemble||taux_reprise_6m')
pyeq "region taux_reprise_6m = 4/7" "$(field "$r" 1)" "4 / 7"
pyeq "region taux_reprise_6m Wilson lower" "$(field "$r" 2)" "wilson(4, 7)[0]" 1e-13
pyeq "region taux_reprise_6m Wilson upper" "$(field "$r" 3)" "wilson(4, 7)[1]" 1e-13
pyeq "region taux_reprise_durable_6m = 3/7" "$(field "$(get "$F1" 'region|76|ensemble||taux_reprise_durable_6m')" 1)" "3 / 7"
# Incidence in 31: events at 61 (A08), 136 (A01), 181 (A10), 182 (A02), 183 (A04);
# censored 15, 20, 73, 107, 149: S(90) = 7/8, S(136) = .7, S(181) = .4667: median 181.
is "31 reprise_incidence_j90 = 1/8" "$(get "$F1" 'departement|31|ensemble||reprise_incidence_j90')" "0.125|||10|ok"
pyeq "31 reprise_incidence_j180 = 0.3" "$(field "$(get "$F1" 'departement|31|ensemble||reprise_incidence_j180')" 1)" "0.3" 1e-13
is "31 reprise_incidence_j210: beyond the last observed time (183): nd" \
    "$(get "$F1" 'departement|31|ensemble||reprise_incidence_j210')" "|||10|nd"
is "31 reprise_km_mediane" "$(get "$F1" 'departement|31|ensemble||reprise_km_mediane')" "181|||10|ok"

# ---- breakdowns -----------------------------------------------------------------------------
is "region public RSA/JEUNE/DE/TH entrants" \
    "$(for m in RSA JEUNE DE TH; do field "$(get "$F1" "region|76|public|$m|entrants")" 1; done | tr '\n' ' ')" "5 3 4 2 "
is "region sexe F/M/inconnu entrants" \
    "$(for m in F M inconnu; do field "$(get "$F1" "region|76|sexe|$m|entrants")" 1; done | tr '\n' ' ')" "7 6 1 "
is "region age moins_26/26_49/50_plus/inconnu entrants" \
    "$(for m in moins_26 26_49 50_plus inconnu; do field "$(get "$F1" "region|76|age|$m|entrants")" 1; done | tr '\n' ' ')" "4 6 3 1 "
is "region cohorts: only quarters with entrants" \
    "$(awk -F'\t' '$1 ~ /^region\|76\|cohorte\|/ { split($1, k, "|"); print k[4] }' "$F1" | sort -u | tr '\n' ' ')" \
    "2021-T3 2021-T4 2022-T1 2022-T2 "
is "region cohort 2021-T4 entrants" "$(get "$F1" 'region|76|cohorte|2021-T4|entrants')" "6|||6|ok"
is "no breakdown rows for a département or a wave" \
    "$(awk -F'\t' '$1 ~ /^(departement|vague)\|/ { split($1, k, "|"); if (k[3] != "ensemble") n++ } END { print n + 0 }' "$F1")" 0
# 23 counts + 6 pairs x 14 + 3 horizons x 2 + 25 incidence points + 1 median = 139
# person-based rows in every cell (budget rows come on top of the ensemble cells, and so
# do the rates on the national mix of docs/methodologie.md §12: tests/e2e/75_standardise.sh).
PERSON_RE='^(entrants|entrants_mois|en_parcours|avec_solution|solution_|avec_reprise|reprise_|sorties|sortie_|delai_|taux_reprise_(durable_)?[0-9]+m$)'
is "every cell has the 139 person-based rows" \
    "$(awk -F'\t' -v re="$PERSON_RE" '{ split($1, k, "|"); if (k[5] ~ re) n[k[1] "|" k[2] "|" k[3] "|" k[4]]++ }
        END { for (c in n) if (n[c] != 139) print c, n[c]; print "done" }' "$F1")" "done"

# ---- determinism ----------------------------------------------------------------------------
same_outputs() { # dir1 dir2: the same file names, byte-identical
    local a=$1 b=$2 f
    [ "$(cd "$a" && ls | LC_ALL=C sort)" = "$(cd "$b" && ls | LC_ALL=C sort)" ] || { echo "file lists differ"; return 1; }
    for f in "$a"/*; do
        cmp "$f" "$b/$(basename "$f")" || return 1
    done
}
OUT4=$TAP_TMP/out4
run "$INBOX" "$OUT4" --jobs 4
is "spie run --jobs 4 exits 0" "$?" 0
ok_if "--jobs 1 and --jobs 4 give byte-identical outputs" same_outputs "$D1" "$OUT4/$P"
OUTR=$TAP_TMP/outr
run "$INBOX" "$OUTR" --jobs 1
ok_if "a rerun gives byte-identical outputs" same_outputs "$D1" "$OUTR/$P"
run "$INBOX" "$OUTR" --jobs 2
ok_if "a rerun into the same folder replaces it with byte-identical outputs" same_outputs "$D1" "$OUTR/$P"

# A decimal-comma locale: an installed one, else one built with localedef into the temp
# folder (LOCPATH); skipped when neither is possible.
LOC=$(locale -a 2>/dev/null | grep -iE '^(fr_FR|de_DE)\.utf-?8$' | head -n 1)
LOCP=
if [ -z "$LOC" ] && command -v localedef >/dev/null 2>&1; then
    mkdir -p "$TAP_TMP/locales"
    # localedef may exit 1 for mere warnings: the compiled LC_NUMERIC is what counts.
    localedef -i fr_FR -f UTF-8 "$TAP_TMP/locales/fr_FR.UTF-8" >/dev/null 2>&1
    if [ -s "$TAP_TMP/locales/fr_FR.UTF-8/LC_NUMERIC" ]; then
        LOC=fr_FR.UTF-8
        LOCP=$TAP_TMP/locales
    fi
fi
RUNENV=(LC_ALL="$LOC")
[ -n "$LOCP" ] && RUNENV+=(LOCPATH="$LOCP")
# The locale must really have a decimal comma for the check to mean something.
if [ -n "$LOC" ] && [ "$(env "${RUNENV[@]}" python3 -c 'import locale; locale.setlocale(locale.LC_ALL, ""); print(locale.localeconv()["decimal_point"])' 2>/dev/null)" != "," ]; then
    LOC=
fi
if [ -n "$LOC" ]; then
    OUTL=$TAP_TMP/outl
    run "$INBOX" "$OUTL" --jobs 2
    is "spie run under LC_ALL=$LOC exits 0" "$?" 0
    ok_if "outputs under LC_ALL=$LOC (decimal comma) are byte-identical" same_outputs "$D1" "$OUTL/$P"
    RUNENV=()
else
    tap_result 0 "# SKIP no decimal-comma locale available"
    tap_result 0 "# SKIP no decimal-comma locale available"
fi

# ---- a territory without its etapes extract (docs/methodologie.md §9) ------------------------------
INBOX2=$TAP_TMP/inbox2
mkdir -p "$INBOX2"
cp "$INBOX"/* "$INBOX2"/
rm "$INBOX2/spie_11_${P}_etapes.csv.gz"
OUT2=$TAP_TMP/out2
run "$INBOX2" "$OUT2" --jobs 2
is "spie run exits 1 when a territory's etapes extract is missing" "$?" 1
F2=$TAP_TMP/flat2
flat "$OUT2/$P/indicateurs_$P.csv" "$F2"
is "11's person-based rows are all nd with an empty effectif" \
    "$(awk -F'\t' -v re="$PERSON_RE" '{ split($1, k, "|"); if (k[1] == "departement" && k[2] == "11" && k[5] ~ re) { n++; if ($2 != "||||nd") bad++ } }
        END { print n + 0, bad + 0 }' "$F2")" "139 0"
is "region territoires_attendus stays 2" "$(get "$F2" 'region|76|ensemble||territoires_attendus')" "2|||2|ok"
is "region territoires_inclus drops to 1" "$(get "$F2" 'region|76|ensemble||territoires_inclus')" "1|||1|ok"
is "region territoires_inclus_budget stays 2" "$(get "$F2" 'region|76|ensemble||territoires_inclus_budget')" "2|||2|ok"
is "national territoires_inclus drops to 1" "$(get "$F2" 'national|FR|ensemble||territoires_inclus')" "1|||1|ok"
is "wave AMI1 (11 alone): territoires_inclus 0, entrants nd" \
    "$(get "$F2" 'vague|AMI1|ensemble||territoires_inclus') $(get "$F2" 'vague|AMI1|ensemble||entrants')" "0|||0|ok ||||nd"
is "wave AMI1: every person-based row is nd" \
    "$(awk -F'\t' -v re="$PERSON_RE" '{ split($1, k, "|"); if (k[1] == "vague" && k[2] == "AMI1" && k[5] ~ re && $2 != "||||nd") n++ } END { print n + 0 }' "$F2")" 0
# 11 is left out of every aggregate: the region's person-based rows are 31's.
awk -F'\t' -v re="$PERSON_RE" '{ split($1, k, "|"); if (k[1] == "departement" && k[2] == "31" && k[5] ~ re) print k[5] "\t" $2 }' "$F2" >"$TAP_TMP/d31"
awk -F'\t' -v re="$PERSON_RE" '{ split($1, k, "|"); if (k[1] == "region" && k[3] == "ensemble" && k[5] ~ re) print k[5] "\t" $2 }' "$F2" >"$TAP_TMP/r76"
ok_if "the region's ensemble rows equal département 31's" cmp "$TAP_TMP/d31" "$TAP_TMP/r76"
is "the quality report says 11's etapes are missing" \
    "$(awk -F, '$1 == "11" && $2 == "etapes" { print $6 }' "$OUT2/$P/qualite_$P.csv")" manquant

# ---- spie check ---------------------------------------------------------------------------
OUTC=$TAP_TMP/outc
"$SPIE" check --period "$P" --inbox "$INBOX" --out "$OUTC" --territories "$TERR" --quiet 2>"$TAP_TMP/stderr"
is "spie check exits 0" "$?" 0
ok_if "spie check writes no indicators" test ! -e "$OUTC/$P/indicateurs_$P.csv"
ok_if "spie check's quality report is spie run's" cmp "$OUTC/$P/qualite_$P.csv" "$D1/qualite_$P.csv"

done_testing
