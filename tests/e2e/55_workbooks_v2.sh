#!/bin/bash
# The workbooks of spie run, v2 items (docs/classeurs.md; docs/methodologie.md §11 and §12),
# read back with openpyxl on the demo inbox, every figure checked against the CSV files the
# same run wrote (never against the engine's code):
# - without a previous publication (2023-05 into an empty folder): the Sommaire says that no
#   publication was compared, the Synthèse has no comparison columns and says why, the
#   Qualité sheet's continuity column says "sans référence";
# - 2023-05 then 2023-06 into one folder: the Sommaire names mai 2023; every key figure of
#   the Synthèse (national and regional workbooks) shows the previous value of
#   indicateurs_2023-05.csv, the period "mai 2023", the change and the relative change of
#   evolution_2023-06.csv, or "non comparé" exactly where evolution_2023-06.csv has no row
#   (s or nd on either side); the Synthèse says there is no continuity break; the Qualité
#   sheet shows each territory's previous accepted rows (lignes_acceptees of
#   qualite_2023-05.csv, lignes_acceptees_precedentes of qualite_2023-06.csv) and
#   "continu";
# - 2023-04 then 2023-06 (May skipped): the Sommaire and the Synthèse say that April is
#   compared, there being no publication of May, and the figures are those of April;
# - a copy of the inbox whose spie_29_2023-06_etapes.csv.gz lost 10 % of its rows: the
#   Qualité sheet of the national and Bretagne workbooks flags "rupture" on Finistère's
#   étapes row only, with its reason in the motif; their Synthèse counts 1 break, the other
#   régions' none;
# - the rates on the national mix (methodologie §12) on the Reprise d'activité sheet: for
#   every row of both tables (toute reprise, reprise durable) and every horizon, the
#   observed rate, the expected rate, the ratio with its bounds and the standardised rate
#   equal indicateurs_2023-06.csv ("s" and "nd" as text, "—" on the France row); the mark
#   "▲" exactly where the ratio's interval lies above 1, "▼" where it lies below; the
#   "Comment lire" sentence; the signs on the Sommaire and under the tables; the method in
#   words then exactly on the Méthodologie sheet;
# - the workbooks of 2023-06 are byte-identical when 2023-06 is run again (--jobs 1).
. "$(dirname "$0")/lib/tap.sh"

PY=
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import openpyxl' >/dev/null 2>&1; then
        PY=$p
        break
    fi
done
if [ -z "$PY" ]; then
    tap_result 1 "python3 with openpyxl is needed to read the workbooks back: apt-get install python3-openpyxl"
    done_testing
    exit 1
fi

INBOX=$SRCDIR/samples/demo/inbox
TERR=$SRCDIR/samples/demo/territoires.csv
help_lists run --out
help_lists run --jobs

run() { # period inbox out [options]: exit status in $st
    local p=$1 in=$2 out=$3
    shift 3
    "$SPIE" run --period "$p" --inbox "$in" --territories "$TERR" --out "$out" --quiet "$@" 2>"$TAP_TMP/err"
    st=$?
}

CHECK=$TAP_TMP/check.py
cat >"$CHECK" <<'EOF'
# check.py MODE OUT [BREAK [Q]]: prints "PASS desc" or "FAIL desc: why".
#   first OUT: 2023-05 without a previous publication
#   prev OUT:  2023-06 after Q (2023-05 unless given; BREAK: the territory/kind whose
#              continuity is broken, or -)
#   mix OUT:   the rates on the national mix of 2023-06
import csv, math, os, re, sys
import openpyxl

mode, out = sys.argv[1], sys.argv[2]
brk = sys.argv[3] if len(sys.argv) > 3 else '-'
Q = sys.argv[4] if len(sys.argv) > 4 else '2023-05'
QW = {'2023-04': 'avril 2023', '2023-05': 'mai 2023'}[Q]
OFQ = ("d'" if QW[0] in 'aeiou' else 'de ') + QW
LEVEL = {'France': 'national', 'Région': 'region', 'Vague': 'vague', 'Département': 'departement'}
KIND = {'bénéficiaires': 'beneficiaires', 'budget': 'budget', 'étapes': 'etapes'}
ABOVE, BELOW, NA = '\u25b2', '\u25bc', '\u2014'

def report(ok, desc, why=''):
    print(('PASS ' if ok else 'FAIL ') + desc + ('' if ok else ': ' + str(why)[:600]))

def norm(s):
    return s.replace('\u00a0', ' ').replace('\u202f', ' ') if isinstance(s, str) else s

def load(path, key):
    """rows by key; the first row of a key (qualite_<P>.csv lists the files set aside after
    the territories' rows, with the same territory and kind)"""
    out = {}
    with open(path, newline='', encoding='utf-8') as f:
        for r in csv.DictReader(f):
            out.setdefault(tuple(r[k] for k in key), r)
    return out

KEY = ('niveau', 'code', 'ventilation', 'modalite', 'indicateur')

def same(cell, text, what):
    """an openpyxl value against a CSV field: None when equal, else why"""
    if isinstance(cell, bool) or not isinstance(cell, (int, float)):
        return '%s: %r where the CSV has %r' % (what, cell, text)
    want = float(text)
    if re.match(r'^-?[0-9]+(\.[0-9]{1,2})?$', text):  # counts, days, money: exact
        return None if cell == want else '%s: %r != %s' % (what, cell, text)
    return None if abs(cell - want) <= 1e-15 * max(1.0, abs(want)) else '%s: %r != %s' % (what, cell, text)

def workbooks(period):
    d = os.path.join(out, period)
    return [(f, openpyxl.load_workbook(os.path.join(d, f))) for f in sorted(os.listdir(d)) if f.endswith('.xlsx')]

def scope_of(name):
    if name.endswith('_national.xlsx'):
        return 'national', 'FR'
    return 'region', re.search(r'_R([0-9]+)_', name).group(1)

def rows(ws):
    for row in ws.iter_rows():
        yield row[0].row, [c.value for c in row]

def sommaire_comparison(wb):
    for r, v in rows(wb['Sommaire']):
        if v and v[0] == 'Comparaison':
            return norm(v[1])
    return None

def key_table(ws):
    """the key figures' header (label -> column) and their rows (row, indicator)"""
    hrow = next(r for r, v in rows(ws) if v and v[0] == 'Chiffres clés')
    heads = {ws.cell(hrow, c).value: c for c in range(1, ws.max_column + 1) if ws.cell(hrow, c).value}
    ncol = next(c for h, c in heads.items() if isinstance(h, str) and h.startswith('Nom dans indicateurs_'))
    out, r = [], hrow + 1
    while ws.cell(r, ncol).value:
        out.append((r, ws.cell(r, ncol).value))
        r += 1
    return heads, out

def texts(ws):
    return [norm(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]

def quality_rows(ws):
    """the entries table of the Qualité sheet: header (label -> column), rows by (dept, kind)"""
    hrow = next(r for r, v in rows(ws) if v and v[0] == 'Territoire' and 'Continuité' in v)
    heads = {ws.cell(hrow, c).value: c for c in range(1, ws.max_column + 1) if ws.cell(hrow, c).value}
    found = {}
    for r in range(hrow + 1, ws.max_row + 1):
        t, k = ws.cell(r, 1).value, ws.cell(r, 2).value
        if t == 'Territoire':
            continue  # the header again on a new page
        if not isinstance(t, str) or k not in KIND:
            if isinstance(t, str) and t.startswith('Tableau ') and not t.endswith('(suite)'):
                break
            continue
        m = re.search(r'\(([0-9AB]{2,3})\)$', t)
        found[('NAT' if t.startswith('Frais nationaux') else m.group(1) if m else t, KIND[k])] = r
    return heads, found

if mode == 'first':
    for name, wb in workbooks('2023-05'):
        c = sommaire_comparison(wb)
        report(c is not None and c.startswith('aucune'), name + ': the Sommaire says no publication was compared', c)
        ws = wb['Synthèse']
        heads, _ = key_table(ws)
        report('Valeur précédente' not in heads and 'Écart' not in heads,
               name + ': the key figures have no comparison columns', list(heads))
        report(any(t and t.startswith('Comparaison : aucune publication précédente') for t in texts(ws)),
               name + ': the Synthèse says there is no previous publication')
        ws = wb['Qualité des données']
        qh, qr = quality_rows(ws)
        cc = qh.get('Continuité')
        vals = {ws.cell(r, cc).value for r in qr.values()} if cc else set()
        report(qr and vals == {'sans référence'}, name + ': every continuity cell says "sans référence" (%d rows)' %
               len(qr), repr(vals))
    sys.exit(0)

if mode == 'prev':
    d5, d6 = os.path.join(out, Q), os.path.join(out, '2023-06')
    ind5 = load(os.path.join(d5, 'indicateurs_%s.csv' % Q), KEY)
    ind6 = load(os.path.join(d6, 'indicateurs_2023-06.csv'), KEY)
    evo = load(os.path.join(d6, 'evolution_2023-06.csv'), KEY)
    q5 = load(os.path.join(d5, 'qualite_%s.csv' % Q), ('departement', 'type'))
    q6 = load(os.path.join(d6, 'qualite_2023-06.csv'), ('departement', 'type'))
    report(evo and all(r['periode_precedente'] == Q for r in evo.values()), 'evolution_2023-06.csv compares with ' + Q)
    for name, wb in workbooks('2023-06'):
        scope, code = scope_of(name)
        c = sommaire_comparison(wb)
        skipped = ' (aucune publication conforme de mai 2023' if Q != '2023-05' else ' :'
        report(c is not None and c.startswith('avec la publication %s%s' % (OFQ, skipped)),
               name + ': the Sommaire names the publication %s%s' % (OFQ, ', not P - 1' if Q != '2023-05' else ''), c)
        ws = wb['Synthèse']
        heads, krows = key_table(ws)
        cp, cq, ce, cv = (heads.get(h) for h in ('Valeur précédente', 'Période comparée', 'Écart', 'Évolution'))
        bad, compared, none = [], 0, 0
        for r, ind in krows:
            key = (scope, code, 'ensemble', '', ind)
            pv, pq, pe, pev = (ws.cell(r, c).value if c else None for c in (cp, cq, ce, cv))
            if pq != QW:
                bad.append('row %d: period %r' % (r, pq))
            if key in evo:
                e = evo[key]
                compared += 1
                errs = [same(pv, e['valeur_precedente'], 'previous'), same(pv, ind5[key]['valeur'], 'previous (%s)' % Q),
                        same(pe, e['ecart'], 'ecart')]
                errs.append(same(pev, e['evolution'], 'evolution') if e['evolution'] else
                            (None if pev is None else 'evolution %r where the CSV has none' % (pev,)))
                bad += ['row %d %s: %s' % (r, ind, x) for x in errs if x]
            else:
                none += 1
                # no change: s or nd on either side, or absent from 2023-05 (methodologie §11)
                ok_both = key in ind5 and ind5[key]['statut'] == 'ok' and ind6[key]['statut'] == 'ok'
                if pv != 'non comparé' or pe is not None or pev is not None or ok_both:
                    bad.append('row %d %s: %r %r %r without a change in the CSV' % (r, ind, pv, pe, pev))
        report(not bad and compared >= 10,
               name + ': %d key figures show the previous value, its period and the change of evolution_2023-06.csv, '
               '%d "non comparé"' % (compared, none), '; '.join(bad[:4]) or 'only %d compared' % compared)
        if Q != '2023-05':
            t = [x for x in texts(ws) if x and x.startswith('Comparaison avec la publication')]
            report(len(t) == 1 and t[0].startswith('Comparaison avec la publication %s, la plus récente' % OFQ) and
                   'aucune publication conforme de mai 2023' in t[0],
                   name + ': the Synthèse says it compares with %s, mai 2023 having no publication' % QW, repr(t))
        # the change's number formats are signed
        fm = {ws.cell(r, ce).number_format for r, _ in krows if isinstance(ws.cell(r, ce).value, float)}
        report(fm and all(f.startswith('+') for f in fm), name + ': changes are written with their sign', repr(fm))
        # the continuity breaks of the workbook's extracts
        t = [x for x in texts(ws) if x and x.startswith('Continuité des extraits')]
        mine = brk != '-' and (scope == 'national' or code == '53')
        want = 'Continuité des extraits : 1 rupture de continuité' if mine else \
            'Continuité des extraits : aucune rupture de continuité par rapport à la publication ' + OFQ
        report(len(t) == 1 and t[0].startswith(want) and (not mine or 'Finistère, étapes' in t[0]),
               name + ': the Synthèse counts %d continuity break%s' % (1 if mine else 0, '' if mine else 's'), repr(t))
        # the Qualité sheet: previous accepted rows and continuity, row by row
        ws = wb['Qualité des données']
        qh, qr = quality_rows(ws)
        ph = next((h for h in qh if isinstance(h, str) and h == 'Lignes acceptées en ' + QW), None)
        cc, mc = qh.get('Continuité'), qh.get('Motif')
        bad, flagged = [], []
        for k, r in qr.items():
            pv, cv, mv = ws.cell(r, qh[ph]).value if ph else None, ws.cell(r, cc).value, ws.cell(r, mc).value
            want6 = q6.get(k)
            if want6 is None:
                bad.append('%s not in qualite_2023-06.csv' % (k,))
                continue
            if want6['lignes_acceptees_precedentes'] == '':
                if pv is not None or cv != 'sans référence':
                    bad.append('%s: %r %r where the CSV has no previous rows' % (k, pv, cv))
                continue
            if pv != int(want6['lignes_acceptees_precedentes']) or pv != int(q5[k]['lignes_acceptees']):
                bad.append('%s: previous accepted rows %r, CSV %s, qualite_2023-05.csv %s' %
                           (k, pv, want6['lignes_acceptees_precedentes'], q5[k]['lignes_acceptees']))
            word = {'ok': 'continu', 'rupture': 'rupture'}[want6['continuite']]
            if cv != word:
                bad.append('%s: %r where the CSV says %s' % (k, cv, want6['continuite']))
            if cv == 'rupture':
                flagged.append(k)
                if not (isinstance(mv, str) and 'rupture de continuité' in mv):
                    bad.append('%s: motif %r' % (k, mv))
        expect = [tuple(brk.split('/'))] if mine else []
        report(ph and not bad and len(qr) >= 6 and flagged == expect,
               name + ': the Qualité sheet shows the previous accepted rows of %d extracts and flags %s' %
               (len(qr), 'a break on %s only' % brk if expect else 'no break'),
               '; '.join(bad[:4]) + ' flagged %r header %r' % (flagged, ph))
    sys.exit(0)

# ---- mix: the rates on the national mix -------------------------------------------------
d6 = os.path.join(out, '2023-06')
ind = load(os.path.join(d6, 'indicateurs_2023-06.csv'), KEY)
marked_csv = set()
for name, wb in workbooks('2023-06'):
    ws = wb["Reprise d'activité"]
    alltext = ' '.join(t for t in texts(ws) if t)
    report("un ratio de 1,20 : 20 % de reprises de plus que n'en donnerait la composition de son public aux taux "
           "nationaux" in alltext, name + ': the "Comment lire" sentence on the ratio')
    cells, marks, bad, seen_h = 0, 0, [], set()
    tables = 0
    kind, heads = None, None
    for r, v in rows(ws):
        a = v[0] if v else None
        if isinstance(a, str) and a.startswith('Tableau '):
            t = re.sub(r' \(suite\)$', '', a)
            if t.endswith('Taux de reprise sur la structure nationale des publics, par territoire'):
                kind = ''
            elif t.endswith('Taux de reprise durable sur la structure nationale des publics, par territoire'):
                kind = 'durable_'
            else:
                kind = None
            if kind is not None and not a.endswith('(suite)'):
                tables += 1
            heads = None
            continue
        if kind is None:
            continue
        if a == 'Niveau':
            heads = v
            continue
        if a not in LEVEL or heads is None:
            continue
        lv, code = LEVEL[a], v[1]
        for i, h in enumerate(heads):
            m = re.match(r'^Ratio observé / attendu à ([0-9]+) mois$', h or '')
            if not m:
                continue
            hz = m.group(1)
            seen_h.add(hz)
            obs = heads.index('Taux observé à %s mois' % hz)
            exp = heads.index('Taux attendu à %s mois' % hz)
            std = heads.index('Taux standardisé à %s mois' % hz)
            if heads[i + 1] != 'Borne basse' or heads[i + 2] != 'Borne haute' or heads[i + 3] != 'Écart':
                bad.append('headers after the ratio: %r' % heads[i + 1:i + 4])
                continue
            want = [('taux_reprise_%s%sm' % (kind, hz), obs, False), ('taux_reprise_%s%sm_attendu' % (kind, hz), exp, False),
                    ('ratio_reprise_%s%sm' % (kind, hz), i, True), ('taux_reprise_%s%sm_standardise' % (kind, hz), std, False)]
            for indic, col, ci in want:
                key = (lv, code, 'ensemble', '', indic)
                cell = v[col]
                if lv == 'national' and indic != 'taux_reprise_%s%sm' % (kind, hz):
                    # France: the reference, no such figure
                    if key in ind or cell != NA or (ci and (v[col + 1] != NA or v[col + 2] != NA)):
                        bad.append('France %s: %r' % (indic, cell))
                    continue
                if key not in ind:
                    bad.append('%s not in the CSV' % '|'.join(key))
                    continue
                row = ind[key]
                cells += 1
                if row['statut'] != 'ok':
                    if cell != row['statut']:
                        bad.append('%s: %r for statut %s' % ('|'.join(key), cell, row['statut']))
                    continue
                errs = [same(cell, row['valeur'], 'valeur')]
                if ci:
                    errs += [same(v[col + 1], row['ic_bas'], 'ic_bas'), same(v[col + 2], row['ic_haut'], 'ic_haut')]
                    lo, hi = float(row['ic_bas']), float(row['ic_haut'])
                    mark = ABOVE if lo > 1 else BELOW if hi < 1 else None
                    if v[col + 3] != mark:
                        errs.append('mark %r where the interval is [%s, %s]' % (v[col + 3], row['ic_bas'], row['ic_haut']))
                    if mark:
                        marks += 1
                        if lv == 'departement':
                            marked_csv.add((code, indic))
                bad += ['%s: %s' % ('|'.join(key), x) for x in errs if x]
    report(tables == 2 and not bad and cells >= 40 and len(seen_h) >= 2 and {'6', '12'} <= seen_h,
           name + ': %d figures on the national mix (horizons %s, both kinds) equal indicateurs_2023-06.csv, '
           '%d marked' % (cells, ','.join(sorted(seen_h, key=int)), marks),
           '; '.join(bad[:4]) + ' (%d tables, %d cells)' % (tables, cells))
    som = ' '.join(t for t in texts(wb['Sommaire']) if t)
    report(ABOVE in som and BELOW in som and 'nettement au-dessus de 1' in som,
           name + ': the Sommaire defines the marks ' + ABOVE + ' and ' + BELOW)
    report(any(t and t.startswith('Signes') and ABOVE in t and 'intervalle de confiance' in t for t in texts(ws)),
           name + ': the signs under the tables define the marks')
    met = texts(wb['Méthodologie'])
    plain = [t for t in met if t and t.startswith('En clair : le taux de reprise d\'un territoire dépend de ses publics')]
    exact = [t for t in met if t and t.startswith('Définition exacte') and 'E = Σ n_s × p_s' in t and 'khi-deux' in t]
    report(len(plain) == 1 and 'intervalle exact de Poisson' in plain[0] and len(exact) == 1,
           name + ': the Méthodologie explains the rates on the national mix in words, then exactly')
# the départements marked, from the CSV alone: the demo has some, so the check can fail
want = set()
for key, row in ind.items():
    if key[0] == 'departement' and key[4].startswith('ratio_reprise_') and row['statut'] == 'ok':
        if float(row['ic_bas']) > 1 or float(row['ic_haut']) < 1:
            want.add((key[1], key[4]))
report(want and marked_csv == want, 'the départements marked are those whose ratio interval excludes 1: %s' %
       ', '.join('%s %s' % k for k in sorted(want)), repr(sorted(marked_csv)))
EOF

# Runs the checker; turns its lines into TAP results.
run_check() {
    local line
    "$PY" "$CHECK" "$@" >"$TAP_TMP/check.out" 2>&1
    local st=$?
    while IFS= read -r line; do
        case $line in
        PASS\ *) tap_result 0 "${line#PASS }" ;;
        FAIL\ *) tap_result 1 "${line#FAIL }" ;;
        *) echo "# $line" ;;
        esac
    done <"$TAP_TMP/check.out"
    [ $st = 0 ] || tap_result 1 "the checker ran to its end (status $st)"
}

same_xlsx() { # dir1 dir2: the same workbooks, byte-identical
    local f n=0
    for f in "$1"/*.xlsx; do
        cmp "$f" "$2/$(basename "$f")" || return 1
        n=$((n + 1))
    done
    [ "$n" -gt 0 ] && [ "$(ls "$2"/*.xlsx | wc -l)" = "$n" ]
}

# ---- the demo, 2023-05 then 2023-06 -------------------------------------------------------
OUT=$TAP_TMP/pub
run 2023-05 "$INBOX" "$OUT"
ok_if "spie run 2023-05 into an empty folder exits 0 or 1 (status $st)" test "$st" -le 1
run_check first "$OUT"
run 2023-06 "$INBOX" "$OUT"
ok_if "spie run 2023-06 after 2023-05 exits 0 or 1 (status $st)" test "$st" -le 1
ok_if "evolution_2023-06.csv is written" test -s "$OUT/2023-06/evolution_2023-06.csv"
run_check prev "$OUT" -
run_check mix "$OUT"

# Run again (one job): the same bytes, the previous publication included.
mkdir -p "$TAP_TMP/first"
cp "$OUT"/2023-06/*.xlsx "$TAP_TMP/first/"
run 2023-06 "$INBOX" "$OUT" --jobs 1
ok_if "2023-06 run again with --jobs 1 gives byte-identical workbooks" same_xlsx "$TAP_TMP/first" "$OUT/2023-06"

# ---- a continuity break: Finistère's étapes of 2023-06 lose 10 % of their rows ------------
CUT=$TAP_TMP/inbox-cut
cp -r "$INBOX" "$CUT"
F=$CUT/spie_29_2023-06_etapes.csv.gz
n=$(gzip -dc "$F" | wc -l)
keep=$((n - (n - 1) / 10))
gzip -dc "$F" | head -n "$keep" | gzip -n >"$F.new" && mv "$F.new" "$F"
is "the cut extract keeps 90 % of its lines" "$(gzip -dc "$F" | wc -l)" "$keep"
OUT2=$TAP_TMP/pub-cut
run 2023-05 "$CUT" "$OUT2"
run 2023-06 "$CUT" "$OUT2"
ok_if "spie run 2023-06 on the cut inbox exits 1, a continuity break (status $st)" test "$st" = 1
ok_if "stderr names the break" grep -q "rupture de continuité" "$TAP_TMP/err"
run_check prev "$OUT2" 29/etapes

# ---- a month skipped: 2023-04, then 2023-06 compares with April ------------------------------
OUT3=$TAP_TMP/pub-skip
run 2023-04 "$INBOX" "$OUT3"
run 2023-06 "$INBOX" "$OUT3"
ok_if "spie run 2023-06 after 2023-04 exits 0 or 1 (status $st)" test "$st" -le 1
run_check prev "$OUT3" - 2023-04

done_testing
