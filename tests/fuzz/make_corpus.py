#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/) from the test
fixtures of tests/data/ and a few hand-made inputs. Deterministic (gzip with mtime 0), so
running it again rewrites the same files; the corpus is committed, this script only says
where it came from. Run from the repository root: python3 tests/fuzz/make_corpus.py

Seed layout: see tests/fuzz/fuzz_extract_run.h (byte 0 = kind | mode << 2 | sink << 4 |
period << 6, byte 1 = parameter) and tests/fuzz/fuzz_fields_run.h (byte 0 = parser)."""
import glob
import gzip
import hashlib
import io
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KIND = {'beneficiaires': 0, 'budget': 1, 'etapes': 2}
PERIOD = {'2021': 0, '2022': 1}


def gz(data):
    b = io.BytesIO()
    with gzip.GzipFile(fileobj=b, mode='wb', mtime=0, filename='') as f:
        f.write(data)
    return b.getvalue()


def write(target, data):
    d = os.path.join(ROOT, 'tests', 'fuzz', 'corpus', target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def seed(kind, mode, sink, period, param, body):
    write('fuzz_extract', bytes([kind | mode << 2 | sink << 4 | period << 6, param]) + body)


# ---- fuzz_extract: every fixture, in each mode
for path in sorted(glob.glob(os.path.join(ROOT, 'tests/data/*/inbox/*.csv')) +
                   glob.glob(os.path.join(ROOT, 'tests/data/*/*/inbox/*.csv'))):
    m = re.match(r'spie_\w+?_(\d{4})-\d\d_(beneficiaires|budget|etapes)\.csv$', os.path.basename(path))
    if not m:
        continue
    body = open(path, 'rb').read()
    k, p = KIND[m.group(2)], PERIOD.get(m.group(1), 0)
    seed(k, 0, 1, p, 0, body)
    seed(k, 1, 1, p, 0, gz(body))
    seed(k, 2, 1, p, 0x55, body)
    seed(k, 3, 3, p, 17, body)
    if k == 2:
        seed(3, 0, 1, p, 0, body)

# ---- hand-made: persons B1..B9 known (kind 3), every step and type, every rule
ETAPES = (b'id_beneficiaire;etape;date_etape;type\n'
          b'B1;ORIENTATION;2021-02-01;SOCIALE\nB1;DIAGNOSTIC;2021-02-02;\nB1;CONTRAT;02/03/2021;\n'
          b'B1;SOLUTION;2021-03-04;FORMATION\nB1;REPRISE;2021-04-05;EMPLOI_DURABLE\nB1;SUIVI;2021-04-06;\n'
          b'B1;SORTIE;2021-05-07;ABANDON\nB2;orientation;2021-01-01;PROFESSIONNELLE\nB2;REPRISE;2021-03-01;\n'
          b'B3;SOLUTION;2021-03-01;LOGEMENT\nB3;SOLUTION;2021-03-01;LOGEMENT\nB4;SUIVI;2022-01-01;\n'
          b'B5;SORTIE;2019-01-01;\nB6;SOLUTION;2021-03-01;EMPLOI_DURABLE\nZZ;SUIVI;2021-03-01;\n'
          b'B7;"SUI""VI";2021-03-01;\n"B8";SUIVI;"2021-03-01"x;\nB9;SUIVI;2021-02-30;\nB9;SUIVI\n;;;\n')
seed(3, 0, 1, 0, 0, ETAPES)
seed(3, 2, 1, 0, 0x20, ETAPES)
seed(3, 3, 1, 0, 40, ETAPES)
BENEF = (b'\xef\xbb\xbfid_beneficiaire;date_entree;public;sexe;annee_naissance;departement;commune\r\n'
         b'B1;2021-02-01;RSA;F;1970;31;Toulouse\r\n\r\n  \t \r\nB2;15/02/2021;jeune;m;2000;31;"Saint-Jean; \xe9"\r\n'
         b'B3;2021-03-10;DE;;;;"a\r\nb"\r\nB4;2021-03-10;TH;X;;;\rB5;2021-03-10;TH;;1800;;\nB6;2021-03-10;TH;;;75;\n')
seed(0, 0, 1, 0, 0, BENEF)
seed(0, 1, 1, 0, 0, gz(BENEF))
seed(0, 3, 1, 0, 3, BENEF)
BUDGET = (b'mois,financeur,montant_engage,montant_paye,departement,libelle\n'
          b'2021-05,ETAT,"1 000,00",500,31,"=HYPERLINK(""http://x"")"\n2021-05,ETAT,"1 000,00",500,31,"=HYPERLINK(""http://x"")"\n'
          b'05/2021,POLE_EMPLOI,-250.5,0,,=1+1\n2021-06,CAF,1\xc2\xa0234,1\xe2\x80\xaf234.00,,\n'
          b'2021-06,AUTRE,1e5,NaN,,\n2021-06,AUTRE,1.234,12345678901234567890123456789012345678901,,\n'
          b'2021-13,ETAT,1,1,,\n2019-12,ETAT,1,1,,\n2030-01,ETAT,1,1,,\n2021-06,ETAT,1,1,75,\n')
seed(1, 0, 1, 0, 0, BUDGET)
seed(1, 2, 1, 0, 0x41, BUDGET)
seed(1, 0, 2, 0, 2, BUDGET)
# Broken files: empty, header only, NUL byte, UTF-16, open quote, too many columns,
# gzip cut / with trailing bytes / padded / two members / bad CRC.
HDR = b'id_beneficiaire;date_entree;public\n'
GH_CAP = b'mois;financeur;montant_engage;montant_paye;libelle\n'
ROW = b'B1;2021-02-01;RSA\n'
for body in (b'', HDR, HDR + b'B1;2021-02-01\x00;RSA\n', b'\xff\xfei\x00d\x00\n\x00',
             HDR + b'B1;"2021-02-01;RSA\n', HDR + b';' * 1100 + b'\n', b'\n\n  \n', HDR.replace(b';public', b';public;PUBLIC')):
    seed(0, 0, 1, 0, 0, body)
g = gz(HDR + ROW * 20)
for body in (g[:5], g[:len(g) // 2], g[:-4], g + b'xx', g + b'\0' * 10, g + gz(ROW), g[:-8] + bytes([g[-8] ^ 1]) + g[-7:]):
    seed(0, 1, 1, 0, 0, body)

# Near the size caps and buffer edges (extract.h): a field of SPIE_FIELD_MAX bytes and one
# more, a quoted field longer than the normaliser's 4 KiB buffer, a rejected line whose
# raw text is cut by the 2000-byte keep limit inside a UTF-8 sequence, and a header of
# SPIE_COLUMNS_MAX + 1 fields.
for n in (32767, 32768):
    seed(1, 0, 1, 0, 0, GH_CAP + b'2021-05;ETAT;1;1;' + b'x' * n + b'\n')
seed(1, 0, 1, 0, 0, GH_CAP + b'2021-05;ETAT;1;1;"' + b'q;\n' * 1500 + b'"\n')
seed(0, 0, 1, 0, 0, HDR + b'B1;2021-02-30;RSA;' + b'a' * 1999 + '\u00e9'.encode() * 10 + b'\n')
seed(0, 0, 1, 0, 0, HDR.rstrip(b'\n') + b';' * 1022 + b'\n')

# ---- fuzz_fields: byte 0 chooses the parser (date, month, amount, id, year, code, utf8,
# cp1252, trim)
FIELDS = {
    0: [b'2021-02-28', b'2020-02-29', b'2021-02-29', b'0000-00-00', b'2021-13-01', b'28/02/2021', b'9999-12-31',
        b'0001-01-01', b'2021-3-05'],
    1: [b'2021-06', b'06/2021', b'2021-13', b'0000-01', b'9999-12'],
    2: [b'1234.5', b'1234,50', b'1 234,50', b'-250,00', b'1\xc2\xa0234', b'1\xe2\x80\xaf234,5', b'1.234,56',
        b'92233720368547758,07', b'-92233720368547758,08', b'1e5', b'NaN', b'1,234', b'0' * 40, b'- 1'],
    3: [b'B1', b'a' * 64, b'a' * 65, b'B@5', b'x.y-z_0'],
    4: [b'1970', b'0000', b'197', b'19a0'],
    5: [b'RSA', b'rsa', b'jeune', b'\xc3\xa9t\xc3\xa9', b'\xc3\x89T\xc3\x89', b'pole_emploi', b''],
    6: [b'abc', b'\xc3\xa9', b'\xed\xa0\x80', b'\xf4\x90\x80\x80', b'\xc0\xaf', b'\xe2\x82', b'\xf0\x9f\x98\x80'],
    7: [bytes(range(256))],
    8: [b'  a \t', b'\t\t', b'a'],
}
for k, vals in FIELDS.items():
    for v in vals:
        write('fuzz_fields', bytes([k]) + v)
