#!/usr/bin/env bash
# The statistical secret on the demo inbox (docs/methodologie.md §7, docs/sorties.md §4, the lines of
# include/spie/secret.h): spie run with the secret and with --no-secret, then, over the
# whole indicateurs_<P>.csv:
#   - a masked row (statut s) has valeur, ic_bas, ic_haut and effectif empty;
#   - no shown count is 1..k-1, no shown rate has a small denominator, numerator or
#     complement, no shown statistic is over fewer than k persons (k = 5, the default);
#     the figures that are not about persons (money, territory counts) are never masked;
#   - masking changes statuses only: every shown figure is the one of the unmasked run;
#   - a shown figure loses its effectif exactly when it equals a masked count of its cell;
#   - in every line of secret.h, no masked cell is alone beside a shown total, and a
#     reader who solves the lines against their totals (again and again, as a line
#     solved can unlock another) recovers no masked value;
#   - --no-secret: no s at all, the masked figures are there, a second run gives the same
#     bytes, and "Diffusion restreinte" is said in manifest.json and on every sheet of
#     every workbook (a missing manifest or workbook is a failure).
# The lines are rebuilt here from the CSV: départements to régions by the INSEE table
# (the demo's eight départements), départements to waves by samples/demo/territoires.csv.
. "$(dirname "$0")/lib/tap.sh"

DEMO=$SRCDIR/samples/demo
P=2023-06
K=5

run() { # out [options...]: the demo inbox; the exit status is 0 or 1 (the demo has a late
    # and a missing territory), never 2 or 3
    local out=$1
    shift
    "$SPIE" run --period "$P" --inbox "$DEMO/inbox" --territories "$DEMO/territoires.csv" --out "$out" "$@" \
        2>"$out.stderr"
    local rc=$?
    [ "$rc" = 0 ] || [ "$rc" = 1 ]
}

SEC=$TAP_TMP/sec
NS=$TAP_TMP/ns
NS2=$TAP_TMP/ns2
ok_if "spie run on the demo inbox" run "$SEC"
ok_if "spie run --no-secret on the demo inbox" run "$NS" --no-secret
ok_if "spie run --no-secret again" run "$NS2" --no-secret
CSV=$SEC/$P/indicateurs_$P.csv
CSVN=$NS/$P/indicateurs_$P.csv
if [ ! -s "$CSV" ] || [ ! -s "$CSVN" ]; then
    tap_result 1 "indicateurs_$P.csv written by both runs"
    done_testing
    exit 1
fi

CHECK=$TAP_TMP/check.py
cat >"$CHECK" <<'PY'
import csv, re, sys, collections
mode, sec_path, ns_path, terr_path, k = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])

def load(p):
    with open(p, newline='', encoding='utf-8') as f:
        return {(r['niveau'], r['code'], r['ventilation'], r['modalite'], r['indicateur']): r
                for r in csv.DictReader(f)}
S, T = load(sec_path), load(ns_path)
wave_of = {}
with open(terr_path, newline='', encoding='utf-8') as f:
    for r in csv.DictReader(f):
        wave_of[r['departement']] = r['vague']
# INSEE, Code officiel géographique (régions since 2016): the demo's départements
REGION = {'11': '76', '30': '76', '31': '76', '29': '53', '35': '53', '56': '53', '59': '32', '80': '32'}

COUNT_RE = re.compile(r'^(entrants|entrants_mois|en_parcours|avec_solution|solution_[a-z_]+|avec_reprise|'
                      r'reprise_[a-z_]+|sorties|sortie_[a-z_]+|delai_[a-z0-9_]+_(population|termines|censures|incoherents))$')
def is_count(ind):
    return bool(COUNT_RE.match(ind)) and not ind.startswith('reprise_incidence') and ind != 'reprise_km_mediane'
RATE_RE = re.compile(r'^(taux_reprise_\d+m|taux_reprise_durable_\d+m|delai_[a-z0-9_]+_part_cible)$')
# the figures of a rate on the national mix follow their rate (tests/e2e/75_standardise.sh)
STD_RE = re.compile(r'^(taux_reprise_(durable_)?\d+m_(attendu|standardise)|ratio_reprise_(durable_)?\d+m)$')
STAT_RE = re.compile(r'^(delai_[a-z0-9_]+_(moyenne|ecart_type|min|p25|mediane|p75|p90|max|km_mediane)|'
                     r'reprise_incidence_j\d+|reprise_km_mediane|cout_par_entrant|cout_par_reprise)$')
def name(key):
    return '|'.join(key)
bad = []

def true_int(key, field='valeur'):
    v = T[key][field]
    return None if v == '' else int(v)

# ---- the lines of secret.h and the others, as equations total = sum(cells) ----
def equations():
    counts = [key for key in S if is_count(key[4])]
    groups = collections.defaultdict(list)
    for key in counts:
        niv, code, bd, mod, ind = key
        if bd != 'ensemble':
            groups[('B', niv, code, bd, ind)].append(key)
            if niv == 'region':
                groups[('X-region-modality', bd, mod, ind)].append(key)
        elif niv == 'departement':
            if code in REGION:
                groups[('G', REGION[code], ind)].append(key)
            if code in wave_of:
                groups[('X-wave-departements', wave_of[code], ind)].append(key)
        elif niv == 'region':
            groups[('N', ind)].append(key)
        elif niv == 'vague':
            groups[('W', ind)].append(key)
        m = re.match(r'^(delai_[a-z0-9_]+)_(termines|censures|incoherents)$', ind)
        if m:
            groups[('D', niv, code, bd, mod, m.group(1))].append(key)
        elif ind.startswith('reprise_'):
            groups[('TR', niv, code, bd, mod)].append(key)
        elif ind.startswith('sortie_'):
            groups[('TS', niv, code, bd, mod)].append(key)
    eqs = []
    for g, cells in sorted(groups.items()):
        fam = g[0]
        if fam == 'B': total = (g[1], g[2], 'ensemble', '', g[4])
        elif fam == 'X-region-modality': total = ('national', 'FR', g[1], g[2], g[3])
        elif fam == 'G': total = ('region', g[1], 'ensemble', '', g[2])
        elif fam == 'X-wave-departements': total = ('vague', g[1], 'ensemble', '', g[2])
        elif fam in ('N', 'W'): total = ('national', 'FR', 'ensemble', '', g[1])
        elif fam == 'D': total = g[1:5] + (g[5] + '_population',)
        elif fam == 'TR': total = g[1:5] + ('avec_reprise',)
        else: total = g[1:5] + ('sorties',)
        if total not in S:
            bad.append('no total %s for the line %s' % (name(total), fam))
            continue
        eqs.append((fam, total, sorted(cells), False))
    # the effectif of a shown statistic is a count, or a sum of counts, of its cell
    for key in S:
        cell, ind = key[:4], key[4]
        m = re.match(r'^(delai_[a-z0-9_]+)_km_mediane$', ind)
        if m:
            eqs.append(('X-km-effectif', key, [cell + (m.group(1) + '_termines',), cell + (m.group(1) + '_censures',)], True))
    return eqs

SECRET_H = {'B', 'G', 'N', 'W', 'TR', 'TS', 'D'}

def exact(eq):
    fam, total, cells, from_eff = eq
    tv = true_int(total, 'effectif' if from_eff else 'valeur')
    return tv is not None and tv == sum(true_int(c) or 0 for c in cells)

def attack(eqs):
    """Solves every line with one unknown left against its total, to a fixed point."""
    known = {}
    for key in S:
        if is_count(key[4]):
            if S[key]['statut'] == 'ok':
                known[key] = int(S[key]['valeur'])
            elif S[key]['statut'] == 'nd':
                known[key] = 0
    rec = {}
    changed = True
    while changed:
        changed = False
        for fam, total, cells, from_eff in eqs:
            if from_eff:
                tv = None if S[total]['effectif'] == '' else int(S[total]['effectif'])
            else:
                tv = known.get(total)
            unk = [c for c in cells if c not in known]
            if tv is not None and len(unk) == 1:
                v = tv - sum(known[c] for c in cells if c in known)
                known[unk[0]] = v
                rec[unk[0]] = (v, fam, total)
                changed = True
            elif tv is None and not from_eff and not unk:
                v = sum(known[c] for c in cells)
                known[total] = v
                rec[total] = (v, fam, total)
                changed = True
    return rec

if mode == 'empty':
    n = 0
    for key, r in S.items():
        if r['statut'] == 's':
            n += 1
            if r['valeur'] or r['ic_bas'] or r['ic_haut'] or r['effectif']:
                bad.append('%s: s with %s' % (name(key), ','.join([r['valeur'], r['ic_bas'], r['ic_haut'], r['effectif']])))
    if n == 0:
        bad.append('no s row at all: the secret was not applied')
elif mode == 'primary':
    for key, r in S.items():
        if r['statut'] != 'ok':
            continue
        ind, t = key[4], T[key]
        if is_count(ind):
            v = int(r['valeur'])
            if 1 <= v < k:
                bad.append('%s: count %d shown' % (name(key), v))
        elif RATE_RE.match(ind):
            n = int(t['effectif'])
            x = round(float(t['valeur']) * n)
            if n < k or 1 <= x < k or 1 <= n - x < k:
                bad.append('%s: rate %d/%d shown' % (name(key), x, n))
        elif STAT_RE.match(ind):
            if t['effectif'] == '' or int(t['effectif']) < k:
                bad.append('%s: statistic over %s persons shown' % (name(key), t['effectif']))
elif mode == 'none':
    for key, r in S.items():
        ind = key[4]
        if r['statut'] == 's' and not (is_count(ind) or RATE_RE.match(ind) or STAT_RE.match(ind) or STD_RE.match(ind)):
            bad.append('%s: not about persons, but s' % name(key))
elif mode == 'values':
    if set(S) != set(T):
        bad.append('the two runs do not have the same rows: %d and %d' % (len(S), len(T)))
    for key, r in S.items():
        t = T.get(key)
        if t is None:
            continue
        if t['statut'] == 's':
            bad.append('%s: s with --no-secret' % name(key))
        if r['statut'] == 's':
            if t['statut'] != 'ok' or t['valeur'] == '':
                bad.append('%s: masked, but %s without the secret' % (name(key), t['statut']))
        elif r['statut'] != t['statut'] or r['valeur'] != t['valeur'] or r['ic_bas'] != t['ic_bas'] \
                or r['ic_haut'] != t['ic_haut'] or r['libelle'] != t['libelle']:
            bad.append('%s: %s differs from %s' % (name(key), list(r.values())[6:], list(t.values())[6:]))
        elif r['effectif'] not in ('', t['effectif']):
            bad.append('%s: effectif %s, %s without the secret' % (name(key), r['effectif'], t['effectif']))
elif mode == 'effectifs':
    # An effectif of persons is hidden when it equals a masked count of its cell, and a delay's
    # km_mediane effectif (termines + censures) when any count of that delay is masked.
    masked_by_cell = collections.defaultdict(set)
    masked_delays = collections.defaultdict(set)
    for key, r in S.items():
        if r['statut'] == 's' and is_count(key[4]):
            masked_by_cell[key[:4]].add(T[key]['valeur'])
            if key[4].startswith('delai_'):
                masked_delays[key[:4]].add(key[4].rsplit('_', 1)[0])
    for key, r in S.items():
        if r['statut'] != 'ok':
            continue
        t = T[key]
        hidden = r['effectif'] == '' and t['effectif'] != ''
        km_of = key[4][:-len('_km_mediane')] if key[4].startswith('delai_') and key[4].endswith('_km_mediane') else None
        # a count of territories is no count of persons: its effectif (the territories it
        # counts, shown as its value anyway) reveals nothing and stays
        should = t['effectif'] != '' and not key[4].startswith('territoires_') and (
                                          t['effectif'] in masked_by_cell[key[:4]] or
                                          (km_of is not None and km_of in masked_delays[key[:4]]))
        if hidden and not should:
            bad.append('%s: effectif %s hidden, no masked count of its cell is %s' % (name(key), t['effectif'], t['effectif']))
        if should and not hidden:
            bad.append('%s: effectif %s shown, the masked count of its cell' % (name(key), t['effectif']))
elif mode in ('single', 'single-any'):
    for fam, total, cells, _ in equations():
        if fam not in SECRET_H:
            continue
        masked = [c for c in cells if S[c]['statut'] == 's']
        if len(masked) == 1 and (mode == 'single-any' or S[total]['statut'] == 'ok'):
            bad.append('%s line of %s (total %s): only %s masked (true %s)' % (
                fam, name(total), S[total]['statut'] if S[total]['statut'] == 's' else S[total]['valeur'],
                name(masked[0]), T[masked[0]]['valeur']))
elif mode in ('recover', 'recover-all'):
    # the exits are no equation for the reader (untyped exits are not published)
    eqs = [e for e in equations() if e[0] != 'TS' and exact(e) and (mode == 'recover-all' or e[0] in SECRET_H)]
    rec = attack(eqs)
    if rec:
        bad.append('%d masked values recovered, by the line that gave them: %s' % (
            len(rec), dict(collections.Counter(fam for _, fam, _ in rec.values()))))
    for key, (v, fam, total) in sorted(rec.items()):
        bad.append('%s = %d recovered from the %s line of %s (true %s)' % (name(key), v, fam, name(total), T[key]['valeur']))
elif mode == 'exact':
    # the lines that must add up exactly on the unmasked run (TS may not: untyped exits)
    for e in equations():
        if T[e[1]]['statut'] == 'nd':
            continue  # a territory without its extracts: no total, no line
        if e[0] != 'TS' and not exact(e):
            bad.append('%s line of %s does not add up without the secret' % (e[0], name(e[1])))
elif mode == 'stats':
    print(sum(1 for r in S.values() if r['statut'] == 's'))
    sys.exit(0)
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY
check() { python3 "$CHECK" "$1" "$CSV" "$CSVN" "$DEMO/territoires.csv" "$K"; }

ok_if "the lines rebuilt here add up on the unmasked run" check exact
ok_if "masked rows have valeur, ic_bas, ic_haut and effectif empty" check empty
ok_if "no shown count 1..4, rate with small n/x/n-x, statistic over < 5 persons" check primary
ok_if "money and territory counts are never masked" check none
ok_if "masking changes statuses only (values as without the secret)" check values
ok_if "effectifs hidden exactly where they could reveal a masked count of the cell" check effectifs
ok_if "no line of secret.h has one masked cell beside a shown total" check single
ok_if "no masked value recovered from the lines of secret.h" check recover
ok_if "no masked value recovered with the régions' breakdowns, waves, KM effectifs" check recover-all
# The lines with one masked cell beside a masked total: not a disclosure by themselves
# (the reader misses two values), listed for the record.
if ! check single-any >"$TAP_TMP/single_any" 2>&1; then
    echo "# note: $(wc -l <"$TAP_TMP/single_any") lines of secret.h have a single masked cell (their total masked too)"
fi

# The counts on standard error: primary + secondary = the s rows of the CSV.
n_s=$(check stats)
line=$(grep 'secret statistique' "$SEC.stderr")
prim=$(printf '%s\n' "$line" | sed -n 's/.*(\([0-9]*\) primaires, \([0-9]*\) secondaires).*/\1/p')
second=$(printf '%s\n' "$line" | sed -n 's/.*(\([0-9]*\) primaires, \([0-9]*\) secondaires).*/\2/p')
echo "# $line"
if [ -n "$prim" ] && [ -n "$second" ] && [ $((prim + second)) = "$n_s" ]; then
    tap_result 0 "the masking counts on standard error agree with the $n_s s rows"
else
    tap_result 1 "the masking counts on standard error agree with the $n_s s rows"
    echo "#   stderr: $line"
fi
ok_if "--no-secret prints no masking count" sh -c "! grep -q 'cases masquées' '$NS.stderr'"

# --no-secret
is "--no-secret: no s row" "$(awk -F, 'NR > 1 && $NF == "s"' "$CSVN" | wc -l | tr -d ' ')" 0
ok_if "--no-secret: a second run gives the same CSV" cmp "$CSVN" "$NS2/$P/indicateurs_$P.csv"
ok_if "with the secret: a second run gives the same CSV" sh -c "'$SPIE' run --period $P --inbox '$DEMO/inbox' \
    --territories '$DEMO/territoires.csv' --out '$TAP_TMP/sec2' --quiet 2>/dev/null; cmp '$CSV' '$TAP_TMP/sec2/$P/indicateurs_$P.csv'"

# k from the configuration ([secret] seuil, docs/configuration.md): 11.
K11=$TAP_TMP/k11
printf '[secret]\nseuil = 11\n' >"$TAP_TMP/k11.ini"
ok_if "spie run --config with [secret] seuil = 11" run "$K11" --config "$TAP_TMP/k11.ini"
CSV11=$K11/$P/indicateurs_$P.csv
check11() { python3 "$CHECK" "$1" "$CSV11" "$CSVN" "$DEMO/territoires.csv" 11; }
if [ -s "$CSV11" ]; then
    ok_if "k = 11: no shown count 1..10, no small rate or statistic" check11 primary
    ok_if "k = 11: masked rows empty, values as without the secret" sh -c \
        "python3 '$CHECK' empty '$CSV11' '$CSVN' '$DEMO/territoires.csv' 11 && python3 '$CHECK' values '$CSV11' '$CSVN' '$DEMO/territoires.csv' 11"
    n5=$(check stats)
    n11=$(check11 stats)
    ok_if "k = 11 masks more than k = 5 ($n11 > $n5)" test "$n11" -gt "$n5"
    grep -q 'secret statistique (k = 11)' "$K11.stderr"
    is "k = 11 on standard error" "$?" 0
else
    tap_result 1 "k = 11: indicateurs_$P.csv written"
fi

# "Diffusion restreinte" (docs/methodologie.md §7): in the manifest and on every sheet of the
# workbooks; never in a run with the secret. The manifest also records whether the secret
# was applied, and k (docs/sorties.md §3).
MARK='Diffusion restreinte'
manifest() { # file applied(true|false) k
    python3 - "$@" <<'PY'
import json, sys
path, applied, k = sys.argv[1], sys.argv[2] == 'true', int(sys.argv[3])
text = open(path, encoding='utf-8').read()
m = json.loads(text)
bad = []
if m.get('secret_applique') is not applied:
    bad.append('secret_applique: %r' % m.get('secret_applique'))
restricted = 'restreinte' in text.lower()
if restricted == applied:
    bad.append('"restreinte" %s' % ('present' if restricted else 'absent'))
if applied and m.get('diffusion') == 'restreinte':
    bad.append('diffusion: restreinte')
if (m.get('parametres') or {}).get('secret', {}).get('seuil') != k:
    bad.append('parametres.secret.seuil: %r' % (m.get('parametres') or {}).get('secret'))
print('\n'.join(bad) or 'ok')
sys.exit(1 if bad else 0)
PY
}
for d in "$SEC" "$NS" "$K11"; do
    ok_if "manifest.json written in $(basename "$d")/$P" test -s "$d/$P/manifest.json"
done
ok_if "--no-secret: the manifest says the secret was not applied, diffusion restreinte" \
    manifest "$NS/$P/manifest.json" false 5
ok_if "with the secret: the manifest says it was applied, k = 5, no \"restreinte\"" \
    manifest "$SEC/$P/manifest.json" true 5
ok_if "with k = 11: the manifest records k = 11" manifest "$K11/$P/manifest.json" true 11
for d in "$SEC" "$NS"; do
    ok_if "workbooks written in $(basename "$d")/$P" sh -c "ls '$d/$P'/*.xlsx"
done
# python3 may be another interpreter than the one Debian's python3-openpyxl is for
PYXL=
for py in python3 /usr/bin/python3; do
    if "$py" -c 'import openpyxl' 2>/dev/null; then
        PYXL=$py
        break
    fi
done
if [ -n "$PYXL" ]; then
    # every sheet: a cell, or its header or footer, carries the mention (yes) or none
    # does (no); with the secret, some cell shows s
    sheets_marked() { # dir yes|no
        "$PYXL" - "$1" "$2" <<'PY'
import glob, sys, openpyxl
folder, want = sys.argv[1], sys.argv[2] == 'yes'
bad, n, s_cells = [], 0, 0
for path in sorted(glob.glob(folder + '/*.xlsx')):
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        n += 1
        found = False
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    found = found or 'Diffusion restreinte' in c.value
                    s_cells += c.value == 's'
        for hf in (ws.oddHeader, ws.oddFooter):
            for part in (hf.left, hf.center, hf.right):
                if part.text and 'Diffusion restreinte' in part.text:
                    found = True
        if found != want:
            bad.append('%s / %s: %s' % (path.rsplit('/', 1)[-1], ws.title, 'mention missing' if want else 'mention present'))
if not want and s_cells == 0:
    bad.append('no cell shows s')
if want and s_cells:
    bad.append('%d cells show s without the secret' % s_cells)
print('\n'.join(bad) or '%d sheets' % n)
sys.exit(1 if bad or n == 0 else 0)
PY
    }
    ok_if "--no-secret: every sheet of every workbook says \"$MARK\", no s" sheets_marked "$NS/$P" yes
    ok_if "with the secret: no sheet says \"$MARK\", masked cells show s" sheets_marked "$SEC/$P" no
else
    tap_result 1 "python3 with openpyxl is needed to read the workbooks back: apt-get install python3-openpyxl"
fi

done_testing
