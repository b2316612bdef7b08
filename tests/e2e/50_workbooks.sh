#!/bin/bash
# The workbooks of spie run (docs/sorties.md §2, §6; docs/classeurs.md), read back with
# openpyxl (Debian python3-openpyxl) and by unzipping their XML parts, on the hand-built
# inbox of tests/data/run (plus entries whose names look like formulas) and on the demo
# inbox (Somme, 80, sends its extracts of May for P = 2023-06; Gard, 30, sends nothing):
# - the files: SPIE_<P>_national.xlsx and one SPIE_<P>_R<code>_<slug>.xlsx per region with
#   a programme territory, nothing else;
# - the Sommaire and the seven sheets, in order, with their French names; the Sommaire's
#   internal links: one per numbered table and chart, each to a cell that holds its title,
#   the tables numbered 1, 2, 3... and every "Tableau N" of the workbook listed;
# - document properties: creation date = the reference date (last day of P), title,
#   author;
# - print setup of every sheet: A4 (paper 9), landscape, one page wide, the title rows
#   repeated, a footer with the title, the source and "page x / y"; every row holding
#   wrapped text has an explicit height;
# - frozen header rows and a filter on every sheet but the Sommaire; no formula in any
#   sheet; no cell holding NaN or an infinity; no unfilled placeholder ("<P>") and no
#   internal code ("D_ORIENT", "moins_26", "beneficiaires", "non_retenu"...) in a visible
#   label; rates formatted "0.0 %";
# - names that look like formulas ("=HYPERLINK(...)", "+1", "-2", "@x") listed on the
#   Qualité des données sheet as strings;
# - figures against indicateurs_<P>.csv: the key figures of Synthèse (each row names its
#   indicator; in a regional workbook the France column is France's figure) and columns
#   of Parcours, Reprise d'activité and Budget, per row of the per-territory tables: same
#   number (counts and money exactly; reals to the 16 significant digits libxlsxwriter
#   writes), "s" and "nd" as text, same effectif; a regional workbook's tables have a
#   France row;
# - the demo's late territory: "Somme (r)" with "nd" in its month cells (entrés dans le
#   mois, paid in June 2023) and the note that says so; "Gard (m)" and its note; the
#   aggregates marked "(p)";
# - chart 2, a scatter chart (funnel plot) with the national line and both control
#   limits, whose values the test recomputes from p0 (the national rate of the CSV) and n;
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
import csv, datetime, math, os, re, statistics, sys, zipfile
import openpyxl

out, period, expected = sys.argv[1], sys.argv[2], sys.argv[3].split(',')
weird = sys.argv[4:]
SHEETS = ['Sommaire', 'Synthèse', 'Parcours', 'Délais', "Reprise d'activité", 'Budget', 'Qualité des données',
          'Méthodologie']
LEVEL = {'France': 'national', 'Région': 'region', 'Vague': 'vague', 'Département': 'departement'}
CODES = {'D_ORIENT', 'D_DIAG', 'D_CONTRAT', 'D_SOLUTION', 'D_REPRISE', 'D_SUIVI', 'moins_26', '26_49', '50_plus',
         'beneficiaires', 'etapes', 'non_retenu', 'ignore', 'EMPLOI_DURABLE', 'FORMATION', 'RSA', 'JEUNE', 'TH'}

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
# the indicators that have an effectif (persons, territories, divisors, points of a fit)
with_eff = {k[4] for k, v in fig.items() if v[3] != ''}

y, m = map(int, period.split('-'))
last = (datetime.date(y + (m == 12), m % 12 + 1, 1) - datetime.timedelta(days=1))
created = datetime.datetime(last.year, last.month, last.day)

def same(cell, csvval, what):
    """cell (openpyxl value) against a CSV field; None when equal, else why."""
    if csvval == '':
        return None if cell in (None, 'nd', 's') else '%s: %r where the CSV is empty' % (what, cell)
    if isinstance(cell, bool) or not isinstance(cell, (int, float)):
        return '%s: %r where the CSV has %s' % (what, cell, csvval)
    want = float(csvval)
    if re.match(r'^-?[0-9]+(\.[0-9]{1,2})?$', csvval):  # counts, money: exact
        return None if cell == want else '%s: %r != %s' % (what, cell, csvval)
    return None if abs(cell - want) <= 1e-15 * max(1.0, abs(want)) else '%s: %r != %s' % (what, cell, csvval)

SIGNS = ('s', 'nd', 'non atteinte')

def compare(key, cells, stats, desc, value=True):
    """cells: value, lo, hi, effectif (False to skip a check) against the CSV row."""
    if key not in fig:
        stats['bad'].append('%s: %s not in the CSV' % (desc, '|'.join(key)))
        return
    val, lo, hi, eff, st = fig[key]
    v, l, h, e = cells
    stats['n'] += 1
    errs = []
    if not value:
        pass
    elif st == 'ok':
        errs.append(same(v, val, 'valeur') if key[4] != 'projection_epuisement_dans_mois' else None)
        if l is not False:
            errs.append(same(l, lo, 'ic_bas'))
            errs.append(same(h, hi, 'ic_haut'))
    else:
        stats[st] = stats.get(st, 0) + 1
        if v != st and not (st == 'nd' and isinstance(v, str) and v.startswith('non atteint')):
            errs.append('valeur %r for statut %s' % (v, st))
        if l is not False and lo == '' and hi == '' and (l not in (None, st) or h not in (None, st)):
            errs.append('bounds %r %r for statut %s' % (l, h, st))
    if e is not False:
        if eff == '':
            # never a blank where the figure has an effectif by nature: s when the secret
            # hides it, nd without data (docs/classeurs.md, "Signes")
            if key[4] in with_eff and e not in ('s', 'nd'):
                errs.append('effectif %r where the CSV has none (statut %s)' % (e, st))
            if key[4] not in with_eff and e is not None:
                errs.append('effectif %r for a figure without one' % (e,))
        else:
            errs.append(same(e, eff, 'effectif'))
    errs = [x for x in errs if x]
    if errs:
        stats['bad'].append('%s %s: %s' % (desc, '|'.join(key), '; '.join(errs)))

def rows_of(ws):
    """(row, values of the row) for every row of the sheet."""
    for row in ws.iter_rows():
        yield row[0].row, [c.value for c in row]

for name in files:
    path = os.path.join(out, name)
    wb = openpyxl.load_workbook(path)
    national = name.endswith('_national.xlsx')
    report(wb.sheetnames == SHEETS, name + ': the Sommaire and the seven sheets in order', repr(wb.sheetnames))
    p = wb.properties
    report(p.created == created and bool(p.title) and (p.creator or '').startswith('spie '),
           name + ': properties (created %s, title, author)' % created.date(), '%r %r %r' % (p.created, p.title, p.creator))
    data = SHEETS[1:]
    report(all(wb[s].freeze_panes for s in data), name + ': header rows frozen on every sheet but the Sommaire',
           repr([wb[s].freeze_panes for s in SHEETS]))
    report(all(wb[s].auto_filter.ref for s in data), name + ': a filter on every sheet but the Sommaire',
           repr([wb[s].auto_filter.ref for s in SHEETS]))
    # print setup
    bad = []
    for ws in wb.worksheets:
        ps = ws.page_setup
        why = []
        if str(ps.paperSize) != '9':
            why.append('paper %r' % ps.paperSize)
        if ps.orientation != 'landscape':
            why.append('orientation %r' % ps.orientation)
        if not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage):
            why.append('not fit to page')
        if ps.fitToWidth not in (None, 1, '1') or str(ps.fitToHeight) != '0':
            why.append('fit %r x %r' % (ps.fitToWidth, ps.fitToHeight))
        if (ws.print_title_rows or '').replace('$', '') != '1:2':
            why.append('print titles %r' % ws.print_title_rows)
        foot = ws.oddFooter
        ftext = ' '.join(x.text or '' for x in (foot.left, foot.center, foot.right))
        if 'page &P / &N' not in ftext or 'SPIE' not in ftext or 'Source' not in ftext:
            why.append('footer %r' % ftext)
        if why:
            bad.append('%s: %s' % (ws.title, ', '.join(why)))
    report(not bad, name + ': every sheet prints on A4, landscape, one page wide, title rows repeated, footer',
           '; '.join(bad))
    bad = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, float) and not math.isfinite(c.value):
                    bad.append('%s!%s' % (ws.title, c.coordinate))
                if c.data_type == 'f':
                    bad.append('%s!%s formula' % (ws.title, c.coordinate))
    report(not bad, name + ': no NaN, infinity or formula in any cell', ' '.join(bad[:5]))
    # merged cells never overlap (Excel would repair the file)
    bad = []
    for ws in wb.worksheets:
        rs = sorted((m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges)
        for i, a in enumerate(rs):
            for b in rs[i + 1:]:
                if b[0] > a[2]:
                    break
                if not (b[1] > a[3] or b[3] < a[1] or b[0] > a[2] or b[2] < a[0]):
                    bad.append('%s: %r and %r' % (ws.title, a, b))
    report(not bad, name + ': no overlapping merged cells', ' '.join(bad[:3]))
    # wrapped text: an explicit row height
    bad = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            if any(c.value is not None and c.alignment is not None and c.alignment.wrap_text for c in row):
                rd = ws.row_dimensions.get(row[0].row)
                if rd is None or rd.height is None or not rd.customHeight:
                    bad.append('%s!%d' % (ws.title, row[0].row))
    report(not bad, name + ': every row of wrapped text has an explicit height', ' '.join(bad[:5]))
    # labels, not codes; no placeholder
    bad = []
    for ws in wb.worksheets:
        namecol = None
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if not isinstance(v, str):
                    continue
                if v.startswith('Nom dans '):
                    namecol = c.column
                if re.search(r'<[A-Za-z]{1,12}>', v):
                    bad.append('%s!%s %r' % (ws.title, c.coordinate, v[:40]))
                if v in CODES and c.column != namecol and not (ws.title == 'Qualité des données' and weird):
                    bad.append('%s!%s %r' % (ws.title, c.coordinate, v))
    report(not bad, name + ': no unfilled placeholder and no internal code in a label', ' '.join(bad[:5]))
    # rates in "18,4 %" (the format's space before %)
    pct = [c.number_format for ws in wb.worksheets for row in ws.iter_rows() for c in row
           if isinstance(c.number_format, str) and '%' in c.number_format and isinstance(c.value, float)]
    report(pct and all(f == '0.0 %' for f in pct), name + ': rates formatted 0.0 %% (%d cells)' % len(pct),
           repr(sorted(set(pct))))
    # the Sommaire: links to every numbered table and chart
    som = wb['Sommaire']
    links = [(c.value, c.hyperlink.location) for row in som.iter_rows() for c in row if c.hyperlink is not None]
    bad = []
    for text, loc in links:
        mm = re.match(r"^'((?:[^']|'')+)'!([A-Z]+)([0-9]+)$", loc or '')
        if not mm:
            bad.append('bad location %r' % loc)
            continue
        sheet, col, row = mm.group(1).replace("''", "'"), mm.group(2), int(mm.group(3))
        target = wb[sheet][col + str(row)].value if sheet in wb.sheetnames else None
        if target != text:
            bad.append('%r -> %s!%s%d holds %r' % (text, sheet, col, row, target))
    titles = [c.value for ws in wb.worksheets[1:] for row in ws.iter_rows() for c in row
              if isinstance(c.value, str) and re.match(r'^Tableau [0-9]+ : ', c.value) and
              not c.value.endswith(' (suite)')]
    nums = [int(re.match(r'^Tableau ([0-9]+)', t).group(1)) for t in titles]
    listed = [t for t, _ in links]
    report(links and not bad and nums == list(range(1, len(nums) + 1)) and all(t in listed for t in titles) and
           sum(1 for t in listed if t.startswith('Graphique ')) == 3,
           name + ': the Sommaire links to its %d numbered tables and 3 charts' % len(nums),
           '; '.join(bad[:3]) + ' numbers %r' % nums[:40])
    with zipfile.ZipFile(path) as z:
        xml = [z.read(n).decode('utf-8') for n in z.namelist() if n.startswith('xl/worksheets/sheet')]
        charts = sorted(n for n in z.namelist() if n.startswith('xl/charts/chart'))
        cxml = {n: z.read(n).decode('utf-8') for n in charts}
    report(not any('<f>' in x or '<f ' in x for x in xml), name + ': no <f> element in the sheets\' XML')
    no_rate = any(isinstance(c.value, str) and c.value.startswith("Aucun département n'a de taux publié")
                  for row in wb['Synthèse'].iter_rows() for c in row)
    report(len(charts) == (2 if no_rate else 3), name + ': three charts (two when no département has a rate)',
           repr(charts))

    scope = 'national' if national else 'region'
    code = 'FR' if national else re.search(r'_R([0-9]+)_', name).group(1)
    stats = {'n': 0, 'bad': []}
    # Synthèse: the key figures name their indicator in the column "Nom dans ..."
    ws = wb['Synthèse']
    hrow = next(r for r, v in rows_of(ws) if v[0] == 'Chiffres clés')
    heads = {ws.cell(hrow, c).value: c for c in range(1, ws.max_column + 1)}
    ncol = next(c for h, c in heads.items() if isinstance(h, str) and h.startswith('Nom dans indicateurs_'))
    fcol = heads.get('France')
    report(national or fcol is not None, name + ': the key figures have a France column')
    r = hrow + 1
    while ws.cell(r, ncol).value:
        ind = ws.cell(r, ncol).value
        compare((scope, code, 'ensemble', '', ind),
                (ws.cell(r, 2).value, ws.cell(r, 3).value, ws.cell(r, 4).value, ws.cell(r, 5).value), stats,
                'Synthèse row %d' % r)
        if fcol:
            compare(('national', 'FR', 'ensemble', '', ind), (ws.cell(r, fcol).value, False, False, False), stats,
                    'Synthèse France row %d' % r)
        r += 1
    # Per-territory tables: columns whose header names one indicator; rows of every table
    # whose header holds that column (a table's header is repeated on its next pages)
    cols = {
        'Parcours': {'Entrants': ('entrants', False), 'Entrés dans le mois': ('entrants_mois', False),
                     'En parcours à la date de référence': ('en_parcours', False),
                     "Avec une reprise d'activité": ('avec_reprise', False),
                     'Sorties du programme': ('sorties', False),
                     'Solution : formation': ('solution_formation', False)},
        "Reprise d'activité": {'Taux de reprise à 6 mois': ('taux_reprise_6m', True),
                               'Taux de reprise à 3 mois': ('taux_reprise_3m', True),
                               'Éligibles à 6 mois': ('taux_reprise_6m', 'eff')},
        'Budget': {"Allocation de l'État": ('allocation_etat', False), "Payé par l'État": ('paye_etat', False),
                   'Taux de consommation (payé / allocation)': ('taux_consommation', False),
                   'Cofinancement payé : département': ('cofinancement_departement', False)},
    }
    france_rows = 0
    for sheet, wanted in cols.items():
        ws = wb[sheet]
        found = set()
        cur = {}
        for r, vals in rows_of(ws):
            if vals and vals[0] == 'Niveau':
                cur = {v: i + 1 for i, v in enumerate(vals) if isinstance(v, str)}
                continue
            if not vals or vals[0] not in LEVEL:
                if vals and vals[0] is None:
                    cur = {} if not any(v is not None for v in vals[1:4]) else cur
                continue
            lv, cd = LEVEL[vals[0]], vals[1]
            if not national and lv == 'national':
                france_rows += 1
            for head, (ind, ci) in wanted.items():
                c = cur.get(head)
                if not c:
                    continue
                found.add(head)
                if ci == 'eff':  # an effectif column: the figure's effectif, never a blank
                    compare((lv, cd, 'ensemble', '', ind), (False, False, False, ws.cell(r, c).value), stats,
                            '%s row %d' % (sheet, r), value=False)
                    continue
                cells = (ws.cell(r, c).value, ws.cell(r, c + 1).value if ci else False,
                         ws.cell(r, c + 2).value if ci else False, False)
                compare((lv, cd, 'ensemble', '', ind), cells, stats, '%s row %d' % (sheet, r))
        missing = [k for k in wanted if k not in found]
        if missing:
            stats['bad'].append('%s: no column %r' % (sheet, missing))
    report(stats['n'] >= 20 and not stats['bad'],
           name + ': %d figures equal to indicateurs_%s.csv (%d s, %d nd)' % (stats['n'], period, stats.get('s', 0),
                                                                            stats.get('nd', 0)),
           '; '.join(stats['bad'][:5]) or 'only %d figures compared' % stats['n'])
    if not national:
        report(france_rows >= 3, name + ': a France row in each main table (%d rows)' % france_rows)
    if national:
        print('COUNT_S %d' % stats.get('s', 0))

    # chart 2: a funnel plot (scatter), its limits recomputed from p0 and n
    c2 = cxml.get('xl/charts/chart2.xml', '') if not no_rate else ''
    sers = re.findall(r'<c:ser>(.*?)</c:ser>', c2, re.S)
    def sname(x):
        mm = re.search(r'<c:tx><c:v>(.*?)</c:v></c:tx>', x)
        return mm.group(1) if mm else None
    def ref(x, tag):
        mm = re.search(r'<c:%s><c:numRef><c:f>(.*?)</c:f>' % tag, x)
        return mm.group(1) if mm else None
    def cells(rf):
        mm = re.match(r"^'?(.*?)'?!\$([A-Z]+)\$([0-9]+)(?::\$([A-Z]+)\$([0-9]+))?$", rf)
        ws = wb[mm.group(1)]
        last = int(mm.group(5) or mm.group(3))
        return [ws[mm.group(2) + str(i)].value for i in range(int(mm.group(3)), last + 1)]
    byname = {sname(x): x for x in sers}
    want = ['Taux de la France', 'Limites à 95 %', 'Limite basse à 95 %', 'Limites à 99,8 %', 'Limite basse à 99,8 %']
    okc = '<c:scatterChart>' in c2 and all(w in byname for w in want)
    why = 'series %r' % list(byname)
    if okc:
        p0 = float(fig[('national', 'FR', 'ensemble', '', 'taux_reprise_6m')][0])
        n = cells(ref(byname['Taux de la France'], 'xVal'))
        z95, z998 = statistics.NormalDist().inv_cdf(0.975), statistics.NormalDist().inv_cdf(0.999)
        def lim(nn, z, up):
            v = p0 + (1 if up else -1) * z * math.sqrt(p0 * (1 - p0) / nn)
            return min(1.0, max(0.0, v))
        checks = [('Taux de la France', lambda nn: p0), ('Limites à 95 %', lambda nn: lim(nn, z95, True)),
                  ('Limite basse à 95 %', lambda nn: lim(nn, z95, False)),
                  ('Limites à 99,8 %', lambda nn: lim(nn, z998, True)),
                  ('Limite basse à 99,8 %', lambda nn: lim(nn, z998, False))]
        for nm, f in checks:
            ys = cells(ref(byname[nm], 'yVal'))
            xs = cells(ref(byname[nm], 'xVal'))
            if len(ys) < 10 or any(abs(yv - f(xv)) > 1e-12 for xv, yv in zip(xs, ys)):
                okc = False
                why = '%s: values differ from p0 %r' % (nm, p0)
        pts = [x for x in sers if sname(x) not in want]
        xs = sum((cells(ref(x, 'xVal')) for x in pts), [])
        okc = okc and len(xs) >= 1 and min(n) <= min(xs) and max(n) >= max(xs)
    if not no_rate:
      report(okc, name + ': chart 2 is a funnel plot: points, the national line and the 95 % and 99.8 % limits '
           'recomputed from p0 and n', why)

    if weird and national:
        ws = wb['Qualité des données']
        found = {}
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value in weird:
                    found[c.value] = c.data_type
        report(all(found.get(w) == 's' for w in weird), name + ': names that look like formulas are strings',
               repr(found))

    if period == '2023-06' and (national or '_R32_' in name):
        # the demo's late territory, Somme (80): marked, its month cells nd, the note
        ws = wb['Parcours']
        rows = {}
        for r, v in rows_of(ws):  # the first table: entries, journeys and solutions
            if v and v[0] == 'Département':
                rows.setdefault(v[2], (r, v))
        head = next(v for r, v in rows_of(ws) if v and v[0] == 'Niveau')
        c = head.index('Entrés dans le mois')
        som = rows.get('Somme (r)')
        notes = [v[0] for r, v in rows_of(ws) if v and isinstance(v[0], str) and v[0].startswith('(r) Somme :')]
        report(som is not None and som[1][c] == 'nd' and notes and 'mai 2023' in notes[0] and 'juin 2023' in notes[0],
               name + ': Somme (r) shows nd entrants of the month, and the note names its extracts of May',
               repr(som) + repr(notes[:1]))
        agg = [v[2] for r, v in rows_of(ws) if v and v[0] in ('France', 'Région')]
        report(any(a and a.endswith('(p)') for a in agg), name + ': the aggregates that hold it are marked (p)',
               repr(agg))
        if national:
            report(any(v[2] == 'Gard (m)' for r, v in rows_of(ws) if v and v[0] == 'Département') and
                   any(isinstance(v[0], str) and v[0].startswith('(m) Gard : aucun extrait reçu')
                       for r, v in rows_of(ws)),
                   name + ': Gard (m), which sent nothing, and its note "aucun extrait reçu"')
        else:
            ws = wb['Budget']
            hit = None
            for r, v in rows_of(ws):
                if v and v[0] == 'Mois' and 'Somme (r)' in v:
                    hit = (r, v.index('Somme (r)'))
                    break
            june = None
            if hit:
                for r in range(hit[0] + 1, hit[0] + 60):
                    d = ws.cell(r, 1).value
                    if isinstance(d, datetime.datetime) and (d.year, d.month) == (2023, 6):
                        june = (ws.cell(r, hit[1] + 1).value, ws.cell(r - 1, hit[1] + 1).value)
                        break
            report(june is not None and june[0] == 'nd' and isinstance(june[1], (int, float)),
                   name + ': Somme (r) paid in June 2023 is nd in the monthly series, May a number', repr(june))
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
