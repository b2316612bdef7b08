#!/bin/bash
# The workbooks of spie run (docs/sorties.md §2, §6), read back with openpyxl (Debian
# python3-openpyxl) and by unzipping their XML parts, on the hand-built inbox of
# tests/data/run (plus entries whose names look like formulas) and on the demo inbox:
# - the files: SPIE_<P>_national.xlsx and one SPIE_<P>_R<code>_<slug>.xlsx per region with
#   a programme territory, nothing else;
# - the seven sheets, in order, with their French names;
# - document properties: creation date = the reference date (last day of P), title,
#   author;
# - frozen header rows and a filter on every sheet; no formula in any sheet; no cell
#   holding NaN or an infinity;
# - names that look like formulas ("=HYPERLINK(...)", "+1", "-2", "@x") listed on the
#   Qualité des données sheet as strings;
# - figures against indicateurs_<P>.csv: the key figures of Synthèse (each row names its
#   indicator) and columns of Parcours, Reprise d'activité and Budget, per row of the
#   per-territory tables: same number (counts and money exactly; reals to the 16
#   significant digits libxlsxwriter writes), "s" and "nd" as text, same effectif;
# - two runs give byte-identical workbooks.
. "$(dirname "$0")/lib/tap.sh"

# A python3 with openpyxl (CI installs python3-openpyxl: the Makefile's DEBIAN_PACKAGES).
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

CHECK=$TAP_TMP/check.py
cat >"$CHECK" <<'EOF'
# check.py OUTDIR PERIOD WORKBOOKS [WEIRD-NAME...]: prints "PASS desc" or "FAIL desc: why".
import csv, datetime, math, os, re, sys, zipfile
import openpyxl

out, period, expected = sys.argv[1], sys.argv[2], sys.argv[3].split(',')
weird = sys.argv[4:]
SHEETS = ['Synthèse', 'Parcours', 'Délais', "Reprise d'activité", 'Budget', 'Qualité des données', 'Méthodologie']
LEVEL = {'France': 'national', 'Région': 'region', 'Vague': 'vague', 'Département': 'departement'}

def report(ok, desc, why=''):
    print(('PASS ' if ok else 'FAIL ') + desc + ('' if ok else ': ' + why))

files = sorted(f for f in os.listdir(out) if f.endswith('.xlsx'))
report(files == sorted(expected), 'the workbooks are ' + ', '.join(expected), 'found ' + ', '.join(files))

fig = {}
with open(os.path.join(out, 'indicateurs_%s.csv' % period), newline='', encoding='utf-8') as f:
    r = csv.reader(f)
    next(r)
    for row in r:
        fig[(row[0], row[1], row[3], row[4], row[5])] = row[6:11]

y, m = map(int, period.split('-'))
last = (datetime.date(y + (m == 12), m % 12 + 1, 1) - datetime.timedelta(days=1))
created = datetime.datetime(last.year, last.month, last.day)

def same(cell, csvval, what):
    """cell (openpyxl value) against a CSV field; None when equal, else why."""
    if csvval == '':
        return None if cell is None else '%s: %r where the CSV is empty' % (what, cell)
    if isinstance(cell, bool) or not isinstance(cell, (int, float)):
        return '%s: %r where the CSV has %s' % (what, cell, csvval)
    want = float(csvval)
    if re.match(r'^-?[0-9]+(\.[0-9]{1,2})?$', csvval):  # counts, money: exact
        return None if cell == want else '%s: %r != %s' % (what, cell, csvval)
    return None if abs(cell - want) <= 1e-15 * max(1.0, abs(want)) else '%s: %r != %s' % (what, cell, csvval)

def compare(key, cells, stats, desc):
    """cells: value, lo, hi, effectif (None to skip a check) against the CSV row."""
    if key not in fig:
        stats['bad'].append('%s: %s not in the CSV' % (desc, '|'.join(key)))
        return
    val, lo, hi, eff, st = fig[key]
    v, l, h, e = cells
    stats['n'] += 1
    errs = []
    if st == 'ok':
        errs.append(same(v, val, 'valeur') if not re.match(r'^[0-9]{4}-[0-9]{2}$', val) else None)
        if l is not False:
            errs.append(same(l, lo, 'ic_bas'))
            errs.append(same(h, hi, 'ic_haut'))
    else:
        stats[st] = stats.get(st, 0) + 1
        if v != st:
            errs.append('valeur %r for statut %s' % (v, st))
        if l is not False and lo == '' and hi == '' and (l not in (None, st) or h not in (None, st)):
            errs.append('bounds %r %r for statut %s' % (l, h, st))
    if e is not False:
        errs.append(same(e, eff, 'effectif'))
    errs = [x for x in errs if x]
    if errs:
        stats['bad'].append('%s %s: %s' % (desc, '|'.join(key), '; '.join(errs)))

def header_row(ws, first):
    for r in range(1, 40):
        if ws.cell(r, 1).value == first:
            return r
    return None

for name in files:
    path = os.path.join(out, name)
    wb = openpyxl.load_workbook(path)
    report(wb.sheetnames == SHEETS, name + ': the seven sheets in order', repr(wb.sheetnames))
    p = wb.properties
    report(p.created == created and bool(p.title) and (p.creator or '').startswith('spie '),
           name + ': properties (created %s, title, author)' % created.date(), '%r %r %r' % (p.created, p.title, p.creator))
    report(all(wb[s].freeze_panes for s in SHEETS), name + ': header rows frozen on every sheet',
           repr([wb[s].freeze_panes for s in SHEETS]))
    report(all(wb[s].auto_filter.ref for s in SHEETS), name + ': a filter on every sheet',
           repr([wb[s].auto_filter.ref for s in SHEETS]))
    bad = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, float) and not math.isfinite(c.value):
                    bad.append('%s!%s' % (ws.title, c.coordinate))
                if c.data_type == 'f':
                    bad.append('%s!%s formula' % (ws.title, c.coordinate))
    report(not bad, name + ': no NaN, infinity or formula in any cell', ' '.join(bad[:5]))
    with zipfile.ZipFile(path) as z:
        xml = [z.read(n).decode('utf-8') for n in z.namelist() if n.startswith('xl/worksheets/sheet')]
        charts = [n for n in z.namelist() if n.startswith('xl/charts/chart')]
    report(not any('<f>' in x or '<f ' in x for x in xml), name + ': no <f> element in the sheets\' XML')
    report(len(charts) == 3, name + ': three charts', repr(charts))

    scope = 'national' if name.endswith('_national.xlsx') else 'region'
    code = 'FR' if scope == 'national' else re.search(r'_R([0-9]+)_', name).group(1)
    stats = {'n': 0, 'bad': []}
    # Synthèse: the key figures name their indicator in column F.
    ws = wb['Synthèse']
    h = header_row(ws, 'Chiffres clés')
    r = h + 1
    while ws.cell(r, 1).value:
        ind = ws.cell(r, 6).value
        compare((scope, code, 'ensemble', '', ind),
                (ws.cell(r, 2).value, ws.cell(r, 3).value, ws.cell(r, 4).value, ws.cell(r, 5).value), stats,
                'Synthèse row %d' % r)
        r += 1
    # Per-territory tables: columns whose header names one indicator.
    cols = {
        'Parcours': {'Entrants': ('entrants', False), 'Entrés dans le mois': ('entrants_mois', False),
                     'En parcours à la date de référence': ('en_parcours', False),
                     "Avec une reprise d'activité": ('avec_reprise', False),
                     'Sorties du programme': ('sorties', False),
                     'Solution : formation': ('solution_formation', False)},
        "Reprise d'activité": {"Taux de reprise d'activité à 6 mois": ('taux_reprise_6m', True),
                               "Taux de reprise d'activité à 3 mois": ('taux_reprise_3m', True)},
        'Budget': {"Allocation de l'État": ('allocation_etat', False), "Payé par l'État": ('paye_etat', False),
                   'Taux de consommation (payé / allocation)': ('taux_consommation', False),
                   'Cofinancement payé : département': ('cofinancement_departement', False)},
    }
    for sheet, wanted in cols.items():
        ws = wb[sheet]
        h = header_row(ws, 'Niveau')
        heads = {ws.cell(h, c).value: c for c in range(1, ws.max_column + 1)}
        missing = [k for k in wanted if k not in heads]
        if missing:
            stats['bad'].append('%s: no column %r' % (sheet, missing))
            continue
        r = h + 1
        while ws.cell(r, 1).value in LEVEL:
            lv, cd = LEVEL[ws.cell(r, 1).value], ws.cell(r, 2).value
            for head, (ind, ci) in wanted.items():
                c = heads[head]
                cells = (ws.cell(r, c).value, ws.cell(r, c + 1).value if ci else False,
                         ws.cell(r, c + 2).value if ci else False, False)
                compare((lv, cd, 'ensemble', '', ind), cells, stats, '%s row %d' % (sheet, r))
            r += 1
    report(stats['n'] >= 20 and not stats['bad'],
           name + ': %d figures equal to indicateurs_%s.csv (%d s, %d nd)' % (stats['n'], period, stats.get('s', 0),
                                                                            stats.get('nd', 0)),
           '; '.join(stats['bad'][:5]) or 'only %d figures compared' % stats['n'])
    if scope == 'national':
        print('COUNT_S %d' % stats.get('s', 0))

    if weird and scope == 'national':
        ws = wb['Qualité des données']
        found = {}
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value in weird:
                    found[c.value] = c.data_type
        report(all(found.get(w) == 's' for w in weird), name + ': names that look like formulas are strings',
               repr(found))
EOF

# Runs the checker; turns its lines into TAP results. COUNT_S lines are kept in $CHECK_S.
CHECK_S=0
run_check() {
    local line
    "$PY" "$CHECK" "$@" >"$TAP_TMP/check.out" 2>&1
    local st=$?
    while IFS= read -r line; do
        case $line in
        PASS\ *) tap_result 0 "${line#PASS }" ;;
        FAIL\ *) tap_result 1 "${line#FAIL }" ;;
        COUNT_S\ *) CHECK_S=${line#COUNT_S } ;;
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

# ---- the hand-built inbox, with entries named like formulas ---------------------------
P=2022-06
DATA=$SRCDIR/tests/data/run
INBOX=$TAP_TMP/inbox
mkdir -p "$INBOX"
cp "$DATA"/inbox/*.csv "$INBOX"/
gzip -n "$INBOX"/spie_11_*.csv
WEIRD=('=HYPERLINK("http:example.org","clic")' '+1' '-2' '@x')
for w in "${WEIRD[@]}"; do
    printf 'x\n' >"$INBOX/$w"
done

OUT1=$TAP_TMP/out1
"$SPIE" run --period "$P" --inbox "$INBOX" --out "$OUT1" --territories "$DATA/territoires.csv" --quiet \
    2>"$TAP_TMP/stderr"
st=$?
ok_if "spie run on the hand-built inbox exits 0 or 1 (status $st)" test "$st" -le 1
run_check "$OUT1/$P" "$P" "SPIE_${P}_national.xlsx,SPIE_${P}_R76_occitanie.xlsx" "${WEIRD[@]}"

OUT2=$TAP_TMP/out2
"$SPIE" run --period "$P" --inbox "$INBOX" --out "$OUT2" --territories "$DATA/territoires.csv" --quiet --jobs 3 \
    2>"$TAP_TMP/stderr"
ok_if "two runs give byte-identical workbooks" same_xlsx "$OUT1/$P" "$OUT2/$P"

# ---- the demo inbox (a late territory, one that sends nothing, the secret) -------------
P=2023-06
OUTD=$TAP_TMP/demo1
"$SPIE" run --period "$P" --inbox "$SRCDIR/samples/demo/inbox" --territories "$SRCDIR/samples/demo/territoires.csv" \
    --out "$OUTD" --quiet 2>"$TAP_TMP/stderr"
st=$?
ok_if "spie run on the demo inbox exits 0 or 1 (status $st)" test "$st" -le 1
run_check "$OUTD/$P" "$P" \
    "SPIE_${P}_national.xlsx,SPIE_${P}_R32_hauts-de-france.xlsx,SPIE_${P}_R53_bretagne.xlsx,SPIE_${P}_R76_occitanie.xlsx"
ok_if "the demo's national workbook shows masked figures as s (compared: $CHECK_S)" test "$CHECK_S" -gt 0
OUTD2=$TAP_TMP/demo2
"$SPIE" run --period "$P" --inbox "$SRCDIR/samples/demo/inbox" --territories "$SRCDIR/samples/demo/territoires.csv" \
    --out "$OUTD2" --quiet --jobs 1 2>"$TAP_TMP/stderr"
ok_if "two runs on the demo inbox give byte-identical workbooks" same_xlsx "$OUTD/$P" "$OUTD2/$P"

done_testing
