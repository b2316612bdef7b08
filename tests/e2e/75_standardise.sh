#!/bin/bash
# The return rates on the national mix (docs/methodologie.md §12, docs/dictionnaire.md §6),
# end to end, with python3 for the arithmetic:
#   - on the demo inbox (P = 2023-06) without the secret: every département, région and
#     wave has, for every horizon and both kinds, its expected rate, ratio and
#     standardised rate; none at the national level or in a breakdown; a territory without
#     usable extracts has them nd with an empty effectif; each figure agrees with the
#     rate's own numerator and denominator (ratio = O / E, E = attendu x effectif), the
#     national rate (standardised = ratio x national rate) and the exact Poisson interval,
#     computed here independently (the regularized incomplete gamma by its series and
#     continued fraction, inverted by bisection: qchisq(p, 2O) / 2 as R's poisson.test);
#     nd exactly when n = 0 or E = 0;
#   - the expected and observed successes balance: summed over the départements (and over
#     the régions, and the waves) of the nation, attendu x effectif gives the national
#     successes, for every horizon and both kinds;
#   - with the secret: each figure is s exactly when its rate is (an nd stays nd), and a
#     shown figure is the one of the run without the secret;
#   - --jobs 1 and --jobs 2 write byte-identical outputs;
#   - on tests/data/run (P = 2022-06) with 11's etapes missing: the wave AMI1 (11 alone) has
#     them nd with an empty effectif, and the balance holds for 31 alone.
. "$(dirname "$0")/lib/tap.sh"

DEMO=$SRCDIR/samples/demo
help_lists run --no-secret
help_lists run --jobs

run() { # inbox territories period out [options...]: exit status 0 or 1 (late or missing territories)
    local inbox=$1 terr=$2 p=$3 out=$4
    shift 4
    "$SPIE" run --period "$p" --inbox "$inbox" --territories "$terr" --out "$out" --quiet "$@" 2>"$out.stderr"
    local rc=$?
    [ "$rc" = 0 ] || [ "$rc" = 1 ]
}

P=2023-06
NS1=$TAP_TMP/ns1
NS2=$TAP_TMP/ns2
SEC=$TAP_TMP/sec
ok_if "spie run --no-secret --jobs 1 on the demo inbox" run "$DEMO/inbox" "$DEMO/territoires.csv" "$P" "$NS1" --no-secret --jobs 1
ok_if "spie run --no-secret --jobs 2 on the demo inbox" run "$DEMO/inbox" "$DEMO/territoires.csv" "$P" "$NS2" --no-secret --jobs 2
ok_if "spie run (secret) on the demo inbox" run "$DEMO/inbox" "$DEMO/territoires.csv" "$P" "$SEC"

same_outputs() { # dir1 dir2: the same file names, byte-identical
    local a=$1 b=$2 f
    [ "$(cd "$a" && ls | LC_ALL=C sort)" = "$(cd "$b" && ls | LC_ALL=C sort)" ] || { echo "file lists differ"; return 1; }
    for f in "$a"/*; do
        cmp "$f" "$b/$(basename "$f")" || return 1
    done
}
ok_if "--jobs 1 and --jobs 2: byte-identical outputs" same_outputs "$NS1/$P" "$NS2/$P"

CHECK=$TAP_TMP/check.py
cat >"$CHECK" <<'PY'
import csv, math, sys

mode, path, terr_path = sys.argv[1], sys.argv[2], sys.argv[3]
HORIZONS = (3, 6, 12)
LEVEL = 0.95
KINDS = ('', 'durable_')

def load(p):
    with open(p, newline='', encoding='utf-8') as f:
        return {(r['niveau'], r['code'], r['ventilation'], r['modalite'], r['indicateur']): r
                for r in csv.DictReader(f)}

def names(h, kind):
    return ('taux_reprise_%s%dm' % (kind, h), 'taux_reprise_%s%dm_attendu' % (kind, h),
            'ratio_reprise_%s%dm' % (kind, h), 'taux_reprise_%s%dm_standardise' % (kind, h))

STD = {n for h in HORIZONS for k in KINDS for n in names(h, k)[1:]}
bad = []

# ---- an independent exact Poisson interval: P(a, x) by its series or continued fraction
def gamma_pq(a, x):
    """(P, Q) of the regularized incomplete gamma."""
    if x <= 0:
        return 0.0, 1.0
    pre = math.exp(-x + a * math.log(x) - math.lgamma(a))
    if x < a + 1:
        ap, d = a, 1.0 / a
        s = d
        while True:
            ap += 1
            d *= x / ap
            s += d
            if abs(d) < abs(s) * 1e-17:
                break
        return s * pre, 1 - s * pre
    tiny = 1e-300
    b = x + 1 - a
    c, d = 1 / tiny, 1 / b
    h = d
    i = 1
    while True:
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        i += 1
        if abs(delta - 1) < 1e-17:
            break
    return 1 - pre * h, pre * h

def qgamma(p, a, upper):
    lo, hi = 0.0, a + 60 * math.sqrt(a) + 60
    for _ in range(200):
        mid = (lo + hi) / 2
        P, Q = gamma_pq(a, mid)
        if (Q > p) if upper else (P < p):
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2

def poisson_test(o, e):
    t = (1 - LEVEL) / 2
    return (0.0 if o == 0 else qgamma(t, o, False) / e, qgamma(t, o + 1, True) / e)

def close(a, b, rel):
    return abs(a - b) <= rel * max(abs(a), abs(b)) or a == b

def num(r, f):
    return float(r[f])

T = load(path)
depts, waves = {}, set()
with open(terr_path, newline='', encoding='utf-8') as f:
    for r in csv.DictReader(f):
        depts[r['departement']] = r['vague']
        waves.add(r['vague'])
groups = [('departement', d) for d in depts] + \
         [(k[0], k[1]) for k in T if k[0] == 'region' and k[2] == 'ensemble' and k[4] == 'entrants'] + \
         [('vague', w) for w in ('EXP2020', 'AMI1', 'AMI2')]

if mode == 'rows':
    # where the figures exist
    for key in T:
        if key[4] in STD and (key[0] == 'national' or key[2] != 'ensemble'):
            bad.append('%s: a figure on the national mix at %s/%s' % ('|'.join(key), key[0], key[2]))
    n_checked = 0
    for niv, code in groups:
        for h in HORIZONS:
            for kind in KINDS:
                rn, an, qn, sn = names(h, kind)
                rows = [T.get((niv, code, 'ensemble', '', n)) for n in (rn, an, qn, sn)]
                if None in rows:
                    bad.append('%s %s: missing one of %s' % (niv, code, (rn, an, qn, sn)))
                    continue
                rate, att, ratio, std = rows
                nat = T[('national', 'FR', 'ensemble', '', rn)]
                if rate['effectif'] == '':  # not available: nd, empty effectif
                    for r, n in zip(rows[1:], (an, qn, sn)):
                        if r['statut'] != 'nd' or r['effectif'] != '' or r['valeur'] != '':
                            bad.append('%s %s %s: %s/%s, the group is not available' % (niv, code, n, r['statut'], r['effectif']))
                    continue
                n = int(rate['effectif'])
                for r, nm in zip(rows[1:], (an, qn, sn)):
                    if r['effectif'] != str(n):
                        bad.append('%s %s %s: effectif %s, the rate has %d' % (niv, code, nm, r['effectif'], n))
                if n == 0:
                    for r, nm in zip(rows[1:], (an, qn, sn)):
                        if r['statut'] != 'nd':
                            bad.append('%s %s %s: %s with nobody eligible' % (niv, code, nm, r['statut']))
                    continue
                o = round(num(rate, 'valeur') * n)
                if att['statut'] != 'ok' or att['ic_bas'] != '' or att['ic_haut'] != '':
                    bad.append('%s %s %s: %s' % (niv, code, an, list(att.values())[6:]))
                    continue
                e = num(att, 'valeur') * n
                if e == 0:
                    if ratio['statut'] != 'nd' or std['statut'] != 'nd':
                        bad.append('%s %s %s: E = 0 but %s, %s' % (niv, code, qn, ratio['statut'], std['statut']))
                    continue
                if ratio['statut'] != 'ok' or std['statut'] != 'ok':
                    bad.append('%s %s %s: %s, %s with E = %g' % (niv, code, qn, ratio['statut'], std['statut'], e))
                    continue
                lo, hi = poisson_test(o, e)
                R = num(nat, 'valeur')
                checks = [
                    (qn + ' = O / E', num(ratio, 'valeur'), o / e, 1e-12),
                    (qn + ' lower (poisson.test)', num(ratio, 'ic_bas'), lo, 1e-9),
                    (qn + ' upper (poisson.test)', num(ratio, 'ic_haut'), hi, 1e-9),
                    (sn + ' = ratio x national rate', num(std, 'valeur'), num(ratio, 'valeur') * R, 1e-14),
                    (sn + ' lower', num(std, 'ic_bas'), num(ratio, 'ic_bas') * R, 1e-14),
                    (sn + ' upper', num(std, 'ic_haut'), num(ratio, 'ic_haut') * R, 1e-14),
                ]
                for what, got, want, rel in checks:
                    if not close(got, want, rel):
                        bad.append('%s %s %s: %.17g, expected %.17g (O = %d, E = %.17g)' % (niv, code, what, got, want, o, e))
                if not (num(ratio, 'ic_bas') <= num(ratio, 'valeur') <= num(ratio, 'ic_haut')):
                    bad.append('%s %s %s: value outside its interval' % (niv, code, qn))
                n_checked += 1
    if n_checked == 0:
        bad.append('no figure was checked')
    print('# %d ratios checked against the exact Poisson interval' % n_checked)
elif mode == 'balance':
    # sum of attendu x effectif over a partition of the nation = the national successes
    parts = {'departement': [('departement', d) for d in depts],
             'region': [g for g in groups if g[0] == 'region'],
             'vague': [g for g in groups if g[0] == 'vague']}
    n_checked = 0
    for h in HORIZONS:
        for kind in KINDS:
            rn, an = names(h, kind)[:2]
            nat = T[('national', 'FR', 'ensemble', '', rn)]
            if nat['statut'] != 'ok':
                continue
            x = round(num(nat, 'valeur') * int(nat['effectif']))
            for part, gs in parts.items():
                expected = observed = 0.0
                for niv, code in gs:
                    a = T[(niv, code, 'ensemble', '', an)]
                    r = T[(niv, code, 'ensemble', '', rn)]
                    if a['statut'] == 'ok':
                        expected += num(a, 'valeur') * int(a['effectif'])
                    if r['statut'] == 'ok':
                        observed += round(num(r, 'valeur') * int(r['effectif']))
                if not close(expected, x, 1e-9):
                    bad.append('%s, %s: expected successes sum to %.17g, the nation has %d' % (rn, part, expected, x))
                if observed != x:
                    bad.append('%s, %s: observed successes sum to %d, the nation has %d' % (rn, part, observed, x))
                n_checked += 1
    if n_checked == 0:
        bad.append('no national rate to balance')
    print('# %d balances checked' % n_checked)
elif mode == 'secret':
    S = load(sys.argv[4])
    n_masked = 0
    for niv, code in groups:
        for h in HORIZONS:
            for kind in KINDS:
                rn = names(h, kind)[0]
                rate = S[(niv, code, 'ensemble', '', rn)]
                for nm in names(h, kind)[1:]:
                    key = (niv, code, 'ensemble', '', nm)
                    s, t = S[key], T[key]
                    if rate['statut'] == 's':
                        want = 'nd' if t['statut'] == 'nd' else 's'
                        n_masked += want == 's'
                    else:
                        want = t['statut']
                    if s['statut'] != want:
                        bad.append('%s %s %s: %s, its rate is %s (without the secret: %s)' % (niv, code, nm, s['statut'], rate['statut'], t['statut']))
                    elif s['statut'] == 'ok' and (s['valeur'], s['ic_bas'], s['ic_haut']) != (t['valeur'], t['ic_bas'], t['ic_haut']):
                        bad.append('%s %s %s: shown %s, without the secret %s' % (niv, code, nm, s['valeur'], t['valeur']))
                    elif s['statut'] == 's' and (s['valeur'] or s['ic_bas'] or s['ic_haut'] or s['effectif']):
                        bad.append('%s %s %s: s with a value' % (niv, code, nm))
    if n_masked == 0:
        bad.append('no figure on the national mix is masked: the demo inbox should mask some')
    print('# %d figures masked with their rate' % n_masked)
for b in bad[:20]:
    print('# ' + b)
sys.exit(1 if bad else 0)
PY

check() { # mode csv territories [csv2]
    python3 "$CHECK" "$@"
}
CSV=$NS1/$P/indicateurs_$P.csv
TERR=$DEMO/territoires.csv
ok_if "demo: every département, région and wave has its figures on the national mix, right by O, E and poisson.test" \
    check rows "$CSV" "$TERR"
ok_if "demo: expected successes over the départements, régions, waves = the national successes" \
    check balance "$CSV" "$TERR"
ok_if "demo, with the secret: a figure is s exactly when its rate is, and a shown one is unchanged" \
    check secret "$CSV" "$TERR" "$SEC/$P/indicateurs_$P.csv"
# the demo's territory 30 sends nothing: its figures are nd with an empty effectif
is "demo: département 30 (no extract) has ratio_reprise_6m nd with an empty effectif" \
    "$(awk -F, '$1 == "departement" && $2 == "30" && $6 == "ratio_reprise_6m" { print $7 "|" $10 "|" $11 }' "$CSV")" "||nd"
is "demo: 18 figures on the national mix per département, région and wave (8 + 3 + 3 groups)" \
    "$(grep -cE ',(taux_reprise_(durable_)?[0-9]+m_(attendu|standardise)|ratio_reprise_(durable_)?[0-9]+m),' "$CSV")" \
    "$((18 * 14))"

# ---- tests/data/run, 11's etapes missing: AMI1 has no included territory ----------------------
RUNDATA=$SRCDIR/tests/data/run
P2=2022-06
INBOX2=$TAP_TMP/inbox2
mkdir -p "$INBOX2"
cp "$RUNDATA"/inbox/* "$INBOX2"/
rm "$INBOX2/spie_11_${P2}_etapes.csv"
R2=$TAP_TMP/run2
ok_if "spie run --no-secret on tests/data/run without 11's etapes" \
    run "$INBOX2" "$RUNDATA/territoires.csv" "$P2" "$R2" --no-secret
CSV2=$R2/$P2/indicateurs_$P2.csv
ok_if "tests/data/run: the figures of every group, right by O, E and poisson.test" check rows "$CSV2" "$RUNDATA/territoires.csv"
ok_if "tests/data/run: the balance with 31 alone" check balance "$CSV2" "$RUNDATA/territoires.csv"
is "tests/data/run: the wave AMI1 (11 alone, not included) has taux_reprise_6m_standardise nd, empty effectif" \
    "$(awk -F, '$1 == "vague" && $2 == "AMI1" && $6 == "taux_reprise_6m_standardise" { print $7 "|" $10 "|" $11 }' "$CSV2")" "||nd"
R3=$TAP_TMP/run3
ok_if "spie run --no-secret on tests/data/run" run "$RUNDATA/inbox" "$RUNDATA/territoires.csv" "$P2" "$R3" --no-secret
ok_if "tests/data/run (both territories): the balance" check balance "$R3/$P2/indicateurs_$P2.csv" "$RUNDATA/territoires.csv"

done_testing
