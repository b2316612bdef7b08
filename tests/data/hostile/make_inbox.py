#!/usr/bin/env python3
"""make_inbox.py INBOX SIZES: writes the hostile inbox of tests/e2e/80_hostile.sh into
INBOX (an empty folder) for the period 2021-06, one département per case (README.md in
this folder lists them with their expected outcome), and the byte offsets the messages
must give into SIZES (name=value lines). Big inputs are made here, never committed: the
10 MB field, the 20 lines of 1 MB, the 1 GiB decompression bomb (about 1 MB). The
output depends only on this script and zlib (random bytes come from a seeded
generator)."""
import gzip
import io
import os
import random
import struct
import sys
import zlib

inbox, sizes_path = sys.argv[1], sys.argv[2]
P = '2021-06'
rnd = random.Random(20210630)
sizes = {}


def gz(data):
    b = io.BytesIO()
    with gzip.GzipFile(fileobj=b, mode='wb', mtime=0, filename='') as f:
        f.write(data)
    return b.getvalue()


def put(dept, kind, data, compress):
    """compress: True gzips data, False writes a .csv, 'raw' writes data as a .csv.gz."""
    name = 'spie_%s_%s_%s.csv%s' % (dept, P, kind, '' if compress is False else '.gz')
    with open(os.path.join(inbox, name), 'wb') as f:
        f.write(gz(data) if compress is True else data)
    sizes[dept] = len(gz(data) if compress is True else data)


BH = b'id_beneficiaire;date_entree;public\n'
BROWS = b''.join(b'B%d;2021-03-%02d;RSA\n' % (i, i) for i in range(1, 29))
GH = b'mois;financeur;montant_engage;montant_paye;libelle\n'

# 01-04: nothing, or nothing but a header.
put('01', 'budget', b'', False)                     # an empty .csv
put('02', 'budget', b'', 'raw')                     # an empty .csv.gz
put('03', 'budget', GH, True)                       # the header only
put('04', 'budget', gz(b''), 'raw')                 # a gzip of nothing (20 bytes)
# 05-06: 64 KiB of random bytes, as .csv.gz (first byte not 1f) and as .csv.
noise = bytearray(rnd.getrandbits(8) for _ in range(65536))
noise[0] = 0x52
put('05', 'budget', bytes(noise), 'raw')
put('06', 'beneficiaires', bytes(rnd.getrandbits(8) for _ in range(65536)), False)
# 07-11: a good beneficiaires file, cut or corrupted.
full = gz(BH + BROWS)
put('07', 'beneficiaires', full[:5], 'raw')           # cut in the gzip header
put('08', 'beneficiaires', full[:len(full) // 2], 'raw')  # cut in the deflate data
put('09', 'beneficiaires', full[:-4], 'raw')          # cut before the end of the trailer
bad = bytearray(full)
bad[-8] ^= 0x01                                       # CRC-32 of the trailer
put('10', 'beneficiaires', bytes(bad), 'raw')
m1 = gz(BH + BROWS[:200])
m2 = bytearray(gz(BROWS[200:]))
m2[len(m2) // 2] ^= 0xFF                              # the second member's deflate data
put('11', 'beneficiaires', m1 + bytes(m2), 'raw')
sizes['11_member1'] = len(m1)
# 12: a 10 MB field (a libellé), line 3.
put('12', 'budget', GH + b'2021-05;ETAT;1;1;ok\n2021-05;ETAT;2;2;' + b'x' * (10 * 1024 * 1024) + b'\n', True)
# 13: a header of 10 000 columns.
put('13', 'budget', b';'.join(b'c%d' % i for i in range(10000)) + b'\n2021-05;ETAT;1;1\n', False)
# 14: a NUL byte in an id (line 3).
put('14', 'beneficiaires', BH + b'B1;2021-03-01;RSA\nB\x002;2021-03-02;RSA\nB3;2021-03-03;RSA\n', True)
# 15: invalid UTF-8 everywhere: header, every field (taken as Windows-1252).
put('15', 'budget', b'mois;financeur;montant_engage;montant_paye;libelle;r\xe9gion\n'
    b'2021-05\xff;ETAT;1;1;\xe9t\xe9;\xff\xfe\n'
    b'2021-05;\xc9TAT;1;1;\x80;\xc3\n'
    b'2021-05;ETAT;1\xa0000;1;\xe9;\xed\xa0\x80\n', True)
# 16: UTF-16 (little-endian, with its BOM).
put('16', 'beneficiaires', b'\xff\xfe' + (BH + b'B1;2021-03-01;RSA\n').decode().encode('utf-16-le'), True)
# 17: a decompression bomb: the header, then one line of 1 GiB of 'a', in one valid gzip
# member of about 1 MB. The deflate data of a 1 MiB run (history reset after it) is
# repeated 1024 times; the trailer holds the true CRC-32 and length.
blk = b'a' * (1 << 20)
c = zlib.compressobj(9, zlib.DEFLATED, -15)
run = c.compress(blk) + c.flush(zlib.Z_FULL_FLUSH)
c = zlib.compressobj(9, zlib.DEFLATED, -15)
head = c.compress(BH) + c.flush(zlib.Z_FULL_FLUSH)
c = zlib.compressobj(9, zlib.DEFLATED, -15)
end = c.compress(b'\n') + c.flush(zlib.Z_FINISH)
crc = zlib.crc32(BH)
for _ in range(1024):
    crc = zlib.crc32(blk, crc)
crc = zlib.crc32(b'\n', crc)
length = len(BH) + (1 << 30) + 1
bomb = (b'\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03' + head + run * 1024 + end +
        struct.pack('<II', crc & 0xFFFFFFFF, length & 0xFFFFFFFF))
put('17', 'beneficiaires', bomb, 'raw')
sizes['17_uncompressed'] = length
# 18: twenty lines of 1 MB (1000 fields of 999 bytes), then a good row.
line = b';'.join([b'y' * 999] * 1000) + b'\n'
put('18', 'budget', GH + line * 20 + b'2021-05;ETAT;1;1;ok\n', True)
# 19: impossible dates (and one leap day that exists).
put('19', 'beneficiaires', BH + b'B1;2021-02-29;RSA\nB2;0000-00-00;RSA\nB3;2021-13-01;RSA\nB4;2020-02-29;RSA\n', True)
# 21: amounts of 40 digits, 3 decimals, an exponent, NaN (and a good one).
put('21', 'budget', b'mois;financeur;montant_engage;montant_paye\n'
    b'2021-05;ETAT;1234567890123456789012345678901234567890;0\n2021-05;ETAT;12,345;0\n'
    b'2021-05;ETAT;1e5;0\n2021-05;ETAT;NaN;0\n2021-05;ETAT;12,34;0\n', True)
# 22-24: a FIFO, a symbolic link (to a real file outside) and a directory named like
# extracts.
os.mkfifo(os.path.join(inbox, 'spie_22_%s_budget.csv.gz' % P))
outside = os.path.join(os.path.dirname(os.path.abspath(inbox)), 'outside.csv')
with open(outside, 'wb') as f:
    f.write(GH + b'2021-05;ETAT;1;1;dehors\n')
os.symlink(outside, os.path.join(inbox, 'spie_23_%s_budget.csv' % P))
os.mkdir(os.path.join(inbox, 'spie_24_%s_budget.csv.gz' % P))
# 25: a clean territory (all three kinds): the rest of the batch goes on.
put('25', 'beneficiaires', BH + b'B1;2021-03-01;RSA\nB2;2021-03-02;DE\nB3;2021-03-03;TH\nB4;2021-03-04;JEUNE\n'
    b'B5;2021-03-05;RSA\n', True)
put('25', 'etapes', b'id_beneficiaire;etape;date_etape;type\nB1;ORIENTATION;2021-03-10;SOCIALE\n'
    b'B2;SUIVI;2021-04-01;\n', True)
put('25', 'budget', GH + b'2021-05;ETAT;1 000,00;500;x\n', True)
# 26: a quote opened line 2 and never closed.
put('26', 'etapes', b'id_beneficiaire;etape;date_etape;type\nB1;"ORIENTATION;2021-03-10;SOCIALE\n'
    b'B2;SUIVI;2021-04-01;\n', True)
# 27: extract text that looks like formulas and paths: a libellé "=HYPERLINK(...)",
# column names "=1+1" and "../../../tmp/x", values "@SUM(A1)", "/tmp/spie-pwned".
put('27', 'budget', b'mois;financeur;montant_engage;montant_paye;libelle;=1+1;../../../tmp/x\n'
    b'2021-05;ETAT;1;1;"=HYPERLINK(""http://x"",""clic"")";=1+1;../../etc/passwd\n'
    b'2021-05;ETAT;2;2;=1+1;@SUM(A1);/tmp/spie-pwned\n2021-05;ETAT;3;3;+1;-2;\n', True)

with open(sizes_path, 'w') as f:
    for k in sorted(sizes):
        f.write('%s=%d\n' % (k, sizes[k]))
