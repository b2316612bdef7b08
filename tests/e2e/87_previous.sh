#!/bin/bash
# Month to month (docs/methodologie.md §11): the batch finds the previous publication in
# its output folder, checks the continuity of every extract against it, and writes
# evolution_<P>.csv. The figures of evolution_<P>.csv are recomputed here from the two
# indicator files with python3's csv module, not with the engine's code.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/quality.sh"

INBOX=$SRCDIR/samples/demo/inbox
TERR=$SRCDIR/samples/demo/territoires.csv
help_lists run --out
help_lists verify --recompute

snap() { (cd "$1" && find . -type f -printf '%P\n' | LC_ALL=C sort | xargs sha256sum) 2>/dev/null; }
run() { # command period out [options...]: the exit status in $st, stderr in $TAP_TMP/err
    local cmd=$1 p=$2 out=$3
    shift 3
    "$SPIE" "$cmd" --period "$p" --inbox "${IN:-$INBOX}" --territories "${TE:-$TERR}" --out "$out" "$@" \
        2>"$TAP_TMP/err"
    st=$?
}
# The manifest's "precedente" as one line: "null", or "periode sha256", or "null [ecartees...]".
prev_of() {
    python3 - "$1" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))["precedente"]
if p is None:
    print("null")
elif p["periode"] is None:
    print("null " + " ".join(e["periode"] + ":" + e["motif"] for e in p["ecartees"]))
else:
    print(p["periode"] + " " + p["sha256"])
EOF
}
# The continuite column of every row (departement/type=continuite, files set aside too).
cont_of() {
    awk "$CSVAWK"'NR > 1 { n = csvsplit($0, a); print a[1] "/" a[2] "/" a[6] "=" a[n] }' "$1"
}

# --- no previous publication -------------------------------------------------------------
OUT=$TAP_TMP/pub
run run 2023-05 "$OUT"
is "run 2023-05 into an empty folder: done (exit 1, the demo's late and missing territories)" "$st" 1
ok_if "stderr says there is no previous publication" grep -q "aucune publication précédente dans $OUT" "$TAP_TMP/err"
ok_if "no evolution_2023-05.csv" test ! -e "$OUT/2023-05/evolution_2023-05.csv"
is "the manifest records \"precedente\": null" "$(prev_of "$OUT/2023-05/manifest.json")" "null"
Q5=$OUT/2023-05/qualite_2023-05.csv
ok_if "the quality report has 28 columns on every row and still adds up" reconciled "$Q5" 20
is "its last two columns are lignes_acceptees_precedentes,continuite" \
    "$(head -1 "$Q5" | awk -F, '{ print $(NF-1) "," $NF }')" "lignes_acceptees_precedentes,continuite"
is "every territory and kind is sans_reference, the files set aside have no continuity" \
    "$(cont_of "$Q5" | sed 's/^[^=]*=//' | sort -u | tr '\n' ' ')" " sans_reference "
is "no previous accepted rows on any row" "$(awk "$CSVAWK"'NR > 1 { n = csvsplit($0, a); if (a[n-1] != "") print }' "$Q5")" ""
ok_if "no territory/kind row is empty in continuite" \
    awk "$CSVAWK"'NR > 1 { n = csvsplit($0, a); if (a[6] != "non_retenu" && a[6] != "ignore" && a[n] != "sans_reference") exit 1 }' "$Q5"

# --- P - 1 then P: evolution_<P>.csv --------------------------------------------------------
run run 2023-06 "$OUT"
is "run 2023-06 after 2023-05: done (exit 1, the demo's territories)" "$st" 1
ok_if "stderr names the previous publication" grep -q "publication précédente : $OUT/2023-05\$" "$TAP_TMP/err"
is "no continuity break on the demo" "$(grep -c 'rupture de continuité' "$TAP_TMP/err")" 0
EV=$OUT/2023-06/evolution_2023-06.csv
ok_if "evolution_2023-06.csv exists" test -s "$EV"
is "its header" "$(head -1 "$EV")" \
    "niveau,code,libelle,ventilation,modalite,indicateur,periode_precedente,valeur_precedente,valeur,ecart,evolution"
cat >"$TAP_TMP/evol.py" <<'EOF'
# evol.py PREV.csv CUR.csv EVOL.csv Q: every rule of evolution_<P>.csv, recomputed.
import csv, re, sys
from decimal import Decimal
prev_path, cur_path, ev_path, q = sys.argv[1:5]
KEY = ("niveau", "code", "ventilation", "modalite", "indicateur")
def load(p):
    with open(p, newline="", encoding="utf-8") as f:
        return {tuple(r[k] for k in KEY): r for r in csv.DictReader(f)}
prev, cur = load(prev_path), load(cur_path)
with open(ev_path, newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
MONEY = re.compile(r"^(allocation_etat|engage_etat|paye_etat|cofinancement_.*|engage_etat_national|paye_etat_national|"
                   r"enveloppe|reste_enveloppe|cout_par_entrant|cout_par_reprise|paye_etat_mois_.*|paye_etat_cumul_.*|"
                   r"paye_enveloppe_mois_.*|paye_enveloppe_cumul_.*|projection_paye_fin)$")
DAYS = re.compile(r"^(delai_.*_(min|max)|projection_epuisement_dans_mois)$")
REAL = re.compile(r"^(delai_.*_(moyenne|ecart_type|p25|mediane|p75|p90|km_mediane|part_cible)|taux_.*|reprise_incidence_j.*|"
                  r"reprise_km_mediane|part_enveloppe_.*|projection_part_enveloppe|ratio_reprise_.*)$")
def unit(name, v):  # from docs/sorties.md §4, by name
    if name == "projection_mois_epuisement": return "month"
    if MONEY.match(name): return "money"
    if DAYS.match(name): return "days"
    if REAL.match(name): return "real"
    return "count"
errors, units = [], {}
def bad(msg):
    if len(errors) < 10: errors.append(msg)
expected = sorted(k for k in cur if k in prev and cur[k]["statut"] == "ok" and prev[k]["statut"] == "ok")
got = [tuple(r[k] for k in KEY) for r in rows]
if got != sorted(got, key=lambda k: [s.encode() for s in k]): bad("not sorted byte-wise on the key")
if sorted(got) != expected:
    bad("keys: %d rows, %d expected; extra %s; missing %s" % (len(got), len(expected),
        sorted(set(got) - set(expected))[:3], sorted(set(expected) - set(got))[:3]))
secret_sides = sum(1 for k in cur if k in prev and "s" in (cur[k]["statut"], prev[k]["statut"]))
for r, k in zip(rows, got):
    c, p = cur.get(k), prev.get(k)
    if c is None or p is None: continue
    if c["statut"] != "ok" or p["statut"] != "ok": bad("a row with a side not ok: %s" % (k,))
    if r["libelle"] != c["libelle"]: bad("libelle %s" % (k,))
    if r["periode_precedente"] != q: bad("periode_precedente %s" % r["periode_precedente"])
    if r["valeur"] != c["valeur"] or r["valeur_precedente"] != p["valeur"]: bad("values of %s" % (k,))
    v, pv, ec, evo = r["valeur"], r["valeur_precedente"], r["ecart"], r["evolution"]
    u = unit(k[4], v)
    units[u] = units.get(u, 0) + 1
    if u == "month":
        if ec or evo: bad("a month with an ecart %s" % (k,))
    elif u == "money":
        d = Decimal(v) - Decimal(pv)
        if not re.fullmatch(r"-?\d+\.\d\d", ec) or Decimal(ec) != d: bad("money ecart %s: %s, %s" % (k, ec, d))
        pc, vc = int(Decimal(pv) * 100), int(Decimal(v) * 100)
        want = "" if pc == 0 else (vc - pc) / pc
        if (evo == "") != (want == "") or (evo and float(evo) != want): bad("money evolution %s: %s, %r" % (k, evo, want))
    elif u in ("count", "days"):
        if ec != str(int(v) - int(pv)): bad("integer ecart %s: %s" % (k, ec))
        want = "" if u == "days" or int(pv) == 0 else (int(v) - int(pv)) / int(pv)
        if (evo == "") != (want == "") or (evo and float(evo) != want): bad("count evolution %s: %s, %r" % (k, evo, want))
    else:
        if float(ec) != float(v) - float(pv): bad("real ecart %s: %s, %r" % (k, ec, float(v) - float(pv)))
        if evo: bad("a share or days with an evolution %s" % (k,))
for u in ("count", "money", "days", "real"):
    if not units.get(u): bad("no %s row checked" % u)
if not secret_sides: bad("no figure secret on either side: the exclusion is not exercised")
print("\n".join(errors) if errors else "ok %d rows (%s), %d keys secret on a side" % (len(rows), units, secret_sides))
sys.exit(1 if errors else 0)
EOF
ok_if "every row of evolution_2023-06.csv is the two indicator files' (keys, values, ecart, evolution)" \
    python3 "$TAP_TMP/evol.py" "$OUT/2023-05/indicateurs_2023-05.csv" "$OUT/2023-06/indicateurs_2023-06.csv" "$EV" 2023-05
is "no row of evolution_2023-06.csv is secret or nd on either side (statut columns absent, both files checked)" \
    "$(python3 - "$OUT/2023-05/indicateurs_2023-05.csv" "$OUT/2023-06/indicateurs_2023-06.csv" "$EV" <<'EOF'
import csv, sys
K = ("niveau", "code", "ventilation", "modalite", "indicateur")
st = [{tuple(r[k] for k in K): r["statut"] for r in csv.DictReader(open(p, newline=""))} for p in sys.argv[1:3]]
print(sum(1 for r in csv.DictReader(open(sys.argv[3], newline="")) if any(s[tuple(r[k] for k in K)] != "ok" for s in st)))
EOF
)" 0
is "the manifest names 2023-05 and the SHA-256 of its manifest.json" "$(prev_of "$OUT/2023-06/manifest.json")" \
    "2023-05 $(sha256sum <"$OUT/2023-05/manifest.json" | cut -d' ' -f1)"
ok_if "the manifest lists evolution_2023-06.csv with its SHA-256" python3 -c '
import json, hashlib, sys
m = json.load(open(sys.argv[1] + "/manifest.json"))
s = {o["fichier"]: o["sha256"] for o in m["sorties"]}
sys.exit(s.get("evolution_2023-06.csv") != hashlib.sha256(open(sys.argv[1] + "/evolution_2023-06.csv", "rb").read()).hexdigest())' "$OUT/2023-06"
Q6=$OUT/2023-06/qualite_2023-06.csv
ok_if "the quality report has 28 columns on every row and still adds up" reconciled "$Q6" 20
is "continuite: ok for every territory and kind read in both, sans_reference for the one missing in both" \
    "$(cont_of "$Q6" | grep -v '/non_retenu=\|/ignore=' | sed 's/^[^=]*=//' | sort | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' ')" \
    "ok=22 sans_reference=3 "
ok_if "lignes_acceptees_precedentes is 2023-05's lignes_acceptees, territory by territory" python3 -c '
import csv, sys
prev = {(r["departement"], r["type"]): r["lignes_acceptees"] for r in csv.DictReader(open(sys.argv[1])) if r["statut"] in ("ok", "inutilisable", "manquant")}
bad = [r for r in csv.DictReader(open(sys.argv[2])) if r["statut"] in ("ok", "inutilisable", "manquant")
       and r["lignes_acceptees_precedentes"] != prev.get((r["departement"], r["type"]), "")]
sys.exit(1 if bad else 0)' "$Q5" "$Q6"

# A rerun is byte-identical, and spie verify --recompute redoes the comparison.
BEFORE=$(snap "$OUT/2023-06")
run run 2023-06 "$OUT"
is "a rerun of 2023-06: same exit status" "$st" 1
is "a rerun of 2023-06 is byte-identical (evolution and manifest included)" "$(snap "$OUT/2023-06")" "$BEFORE"
"$SPIE" verify "$OUT/2023-06" --inbox "$INBOX" --territories "$TERR" --recompute 2>"$TAP_TMP/verr"
is "spie verify --recompute agrees (exit 0)" "$?" 0
ok_if "and says the recomputation is byte-identical" grep -q "recalcul identique octet par octet" "$TAP_TMP/verr"
# The previous publication recorded is replaced (2023-05 rerun with another tolerance):
# the recomputation cannot redo the comparison, and says so.
printf '[continuite]\nbaisse_max = 2 %%\n' >"$TAP_TMP/b2.ini"
run run 2023-05 "$OUT" --config "$TAP_TMP/b2.ini"
"$SPIE" verify "$OUT/2023-06" --inbox "$INBOX" --territories "$TERR" --recompute 2>"$TAP_TMP/verr"
is "2023-05 republished since: spie verify --recompute of 2023-06 finds differences (exit 1)" "$?" 1
ok_if "it names the previous publication and why it cannot be used" \
    grep -q "$OUT/2023-05 : publication précédente enregistrée dans le manifeste, inutilisable pour le recalcul : l'empreinte SHA-256 de son manifest.json n'est plus celle enregistrée" "$TAP_TMP/verr"
ok_if "and the files that differ" grep -q "$OUT/2023-06/evolution_2023-06.csv : absent du recalcul" "$TAP_TMP/verr"
ok_if "the republished 2023-05 records its tolerance in the manifest" \
    python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["parametres"]["continuite"]["baisse_max"] != 0.02)' \
    "$OUT/2023-05/manifest.json"

# --- a continuity break: 10 % of a territory's etapes rows removed ---------------------------
# Without the late and missing territories and with no reject alert, the demo runs clean
# (exit 0), so exit 1 can only come from the break.
CUT=$TAP_TMP/inbox-cut
mkdir -p "$CUT"
cp "$INBOX"/spie_* "$CUT/"
grep -v '^30,\|^80,' "$TERR" >"$TAP_TMP/terr-clean.csv"
printf '[rejets]\ntaux_alerte = 1\n' >"$TAP_TMP/clean.ini"
OUTC=$TAP_TMP/outc
IN=$CUT TE=$TAP_TMP/terr-clean.csv run run 2023-05 "$OUTC" --config "$TAP_TMP/clean.ini"
is "the clean demo, 2023-05: exit 0" "$st" 0
mkdir -p "$TAP_TMP/outc-uncut" && cp -r "$OUTC/2023-05" "$TAP_TMP/outc-uncut/"
IN=$CUT TE=$TAP_TMP/terr-clean.csv run run 2023-06 "$TAP_TMP/outc-uncut" --config "$TAP_TMP/clean.ini"
is "the clean demo, 2023-06 after 2023-05, extracts complete: exit 0" "$st" 0
F=spie_29_2023-06_etapes.csv.gz
python3 - "$INBOX/$F" "$CUT/$F" <<'EOF'
import gzip, sys
lines = gzip.open(sys.argv[1], "rb").read().split(b"\n")
head, rows = lines[0], [l for l in lines[1:] if l]
kept = [r for i, r in enumerate(rows) if i % 10 != 9]
gzip.open(sys.argv[2], "wb").write(b"\n".join([head] + kept) + b"\n")
EOF
IN=$CUT TE=$TAP_TMP/terr-clean.csv run run 2023-06 "$OUTC" --config "$TAP_TMP/clean.ini"
is "29's etapes of 2023-06 with 10 % of its rows removed: exit 1" "$st" 1
NOW=$(qcol "$OUTC/2023-06/qualite_2023-06.csv" 29/etapes 9)
PREV=$(qcol "$OUTC/2023-05/qualite_2023-05.csv" 29/etapes 9)
ok_if "fewer rows than 2023-05 by more than 1 % ($NOW against $PREV)" test $((NOW * 100)) -lt $((PREV * 99))
is "one stderr line names the file, the territory, the kind and both counts" \
    "$(grep -c "$CUT/$F: territoire 29, etapes : rupture de continuité : $NOW lignes acceptées, $PREV dans la publication 2023-05" "$TAP_TMP/err")" 1
is "and it is the only continuity line" "$(grep -c 'rupture de continuité' "$TAP_TMP/err")" 1
is "continuite = rupture on that row only" \
    "$(cont_of "$OUTC/2023-06/qualite_2023-06.csv" | grep '=rupture')" "29/etapes/ok=rupture"
is "lignes_acceptees_precedentes on that row: 2023-05's count" \
    "$(awk "$CSVAWK"'NR > 1 { n = csvsplit($0, a); if (a[1] "/" a[2] == "29/etapes" && a[6] == "ok") print a[n-1] }' "$OUTC/2023-06/qualite_2023-06.csv")" "$PREV"
ok_if "the motif says why" test "$(qcol "$OUTC/2023-06/qualite_2023-06.csv" 29/etapes 7)" = \
    "rupture de continuité : $NOW lignes acceptées, $PREV dans la publication 2023-05 (baisse de $((PREV - NOW)), au-delà de la tolérance de 0.01)"
# The tolerance is a parameter: 10 % lets the same drop pass.
printf '[rejets]\ntaux_alerte = 1\n[continuite]\nbaisse_max = 0.1\n' >"$TAP_TMP/b10.ini"
IN=$CUT TE=$TAP_TMP/terr-clean.csv run run 2023-06 "$OUTC" --config "$TAP_TMP/b10.ini"
is "with [continuite] baisse_max = 0.1, the same drop is no break (exit 0)" "$st" 0
is "continuite = ok on that row" "$(qcol "$OUTC/2023-06/qualite_2023-06.csv" 29/etapes 28)" "ok"
# The month of an extract goes backwards, and a territory's extract goes missing.
BACK=$TAP_TMP/inbox-back
mkdir -p "$BACK"
cp "$CUT"/spie_* "$BACK/"
cp "$INBOX/$F" "$BACK/$F"
rm "$BACK"/spie_35_2023-0[56]_budget.csv.gz "$BACK"/spie_59_*_budget.csv.gz
IN=$BACK TE=$TAP_TMP/terr-clean.csv run run 2023-06 "$OUTC" --config "$TAP_TMP/clean.ini"
is "an extract month going backwards and an extract gone: exit 1" "$st" 1
is "continuite = rupture on those two rows only" \
    "$(cont_of "$OUTC/2023-06/qualite_2023-06.csv" | grep '=rupture' | tr '\n' ' ')" \
    "35/budget/ok=rupture 59/budget/manquant=rupture "
ok_if "stderr: the month going backwards" \
    grep -q "spie_35_2023-04_budget.csv.gz: territoire 35, budget : rupture de continuité : extrait de 2023-04, plus ancien que celui de la publication 2023-05 (2023-05)" "$TAP_TMP/err"
ok_if "stderr: the extract gone" \
    grep -q "territoire 59, budget : rupture de continuité : aucun fichier, alors que la publication 2023-05 en avait un utilisable" "$TAP_TMP/err"

# --- a month skipped: P - 2 published, P - 1 absent ---------------------------------------------
OUTS=$TAP_TMP/outs
run run 2023-04 "$OUTS"
run run 2023-06 "$OUTS"
is "2023-06 after 2023-04 alone: done (exit 1, the demo's territories)" "$st" 1
ok_if "stderr says it compares with 2023-04, 2023-05 having no publication" \
    grep -q "publication précédente : $OUTS/2023-04 (pas de publication conforme de 2023-05) : les comparaisons portent sur 2023-04" "$TAP_TMP/err"
is "every row of evolution_2023-06.csv says 2023-04" \
    "$(awk -F, 'NR > 1 { print $7 }' "$OUTS/2023-06/evolution_2023-06.csv" | sort -u)" "2023-04"
ok_if "and its figures are 2023-04's and 2023-06's" \
    python3 "$TAP_TMP/evol.py" "$OUTS/2023-04/indicateurs_2023-04.csv" "$OUTS/2023-06/indicateurs_2023-06.csv" \
    "$OUTS/2023-06/evolution_2023-06.csv" 2023-04
is "the manifest names 2023-04" "$(prev_of "$OUTS/2023-06/manifest.json" | cut -d' ' -f1)" "2023-04"

# --- a tampered previous publication ------------------------------------------------------------
OUTT=$TAP_TMP/outt
run run 2023-04 "$OUTT"
run run 2023-05 "$OUTT"
python3 - "$OUTT/2023-05/indicateurs_2023-05.csv" <<'EOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
i = b.index(b",ok\n") - 1           # the last character of a value... or of an effectif
while not chr(b[i]).isdigit(): i -= 1
b[i] = ord("1") if b[i] != ord("1") else ord("2")
open(sys.argv[1], "wb").write(bytes(b))
EOF
run run 2023-06 "$OUTT"
is "one byte of 2023-05's indicators changed: 2023-06 is done (exit 1, the demo's territories)" "$st" 1
ok_if "stderr says 2023-05 is not used, and why" \
    grep -q "$OUTT/2023-05 : manifeste non conforme (indicateurs_2023-05.csv : empreinte SHA-256 différente de celle du manifeste), non utilisée comme publication précédente" "$TAP_TMP/err"
ok_if "it falls back to 2023-04, the latest that verifies, and says so" \
    grep -q "publication précédente : $OUTT/2023-04 (pas de publication conforme de 2023-05)" "$TAP_TMP/err"
is "the manifest names 2023-04 and its manifest's SHA-256" "$(prev_of "$OUTT/2023-06/manifest.json")" \
    "2023-04 $(sha256sum <"$OUTT/2023-04/manifest.json" | cut -d' ' -f1)"
is "evolution_2023-06.csv compares with 2023-04" \
    "$(awk -F, 'NR > 1 { print $7 }' "$OUTT/2023-06/evolution_2023-06.csv" | sort -u)" "2023-04"
"$SPIE" verify "$OUTT/2023-06" --inbox "$INBOX" --territories "$TERR" --recompute --quiet 2>"$TAP_TMP/verr"
is "spie verify --recompute redoes the comparison with 2023-04 (exit 0)" "$?" 0
# No publication that verifies at all.
OUTT2=$TAP_TMP/outt2
run run 2023-05 "$OUTT2"
cp "$OUTT/2023-05/indicateurs_2023-05.csv" "$OUTT2/2023-05/"
run run 2023-06 "$OUTT2"
is "the only previous publication tampered: done (exit 1, the demo's territories)" "$st" 1
ok_if "stderr: no previous publication that verifies" \
    grep -q "aucune publication précédente conforme dans $OUTT2" "$TAP_TMP/err"
ok_if "no evolution_2023-06.csv" test ! -e "$OUTT2/2023-06/evolution_2023-06.csv"
ok_if "the manifest records the reason" \
    grep -q "^null 2023-05:manifeste non conforme (indicateurs_2023-05.csv : empreinte SHA-256 différente" \
    <(prev_of "$OUTT2/2023-06/manifest.json")
is "continuite is sans_reference everywhere" \
    "$(cont_of "$OUTT2/2023-06/qualite_2023-06.csv" | grep -v '/non_retenu=\|/ignore=' | sed 's/^[^=]*=//' | sort -u)" \
    "sans_reference"
"$SPIE" verify "$OUTT2/2023-06" --inbox "$INBOX" --territories "$TERR" --recompute --quiet 2>"$TAP_TMP/verr"
is "spie verify --recompute agrees (the same search, the same reason)" "$?" 0

# --- spie check ------------------------------------------------------------------------------
OUTK=$TAP_TMP/outk
run check 2023-05 "$OUTK"
run check 2023-06 "$OUTK"
is "check 2023-06 after a check of 2023-05: exit 1 (the demo's territories)" "$st" 1
is "the continuity columns are filled" \
    "$(cont_of "$OUTK/2023-06/qualite_2023-06.csv" | grep -v '/non_retenu=\|/ignore=' | sed 's/^[^=]*=//' | sort | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' ')" \
    "ok=22 sans_reference=3 "
is "lignes_acceptees_precedentes: 2023-05's" "$(qcol "$OUTK/2023-06/qualite_2023-06.csv" 29/etapes 27)" \
    "$(qcol "$OUTK/2023-05/qualite_2023-05.csv" 29/etapes 9)"
ok_if "no evolution file for spie check" test ! -e "$OUTK/2023-06/evolution_2023-06.csv"
is "the manifest names the check of 2023-05" "$(prev_of "$OUTK/2023-06/manifest.json")" \
    "2023-05 $(sha256sum <"$OUTK/2023-05/manifest.json" | cut -d' ' -f1)"
"$SPIE" verify "$OUTK/2023-06" --inbox "$INBOX" --territories "$TERR" --recompute --quiet 2>"$TAP_TMP/verr"
is "spie verify --recompute of the check agrees" "$?" 0
OUTR=$TAP_TMP/outr
run run 2023-05 "$OUTR"
run check 2023-06 "$OUTR"
is "check 2023-06 after a run of 2023-05: the continuity columns are filled" \
    "$(cont_of "$OUTR/2023-06/qualite_2023-06.csv" | grep -c '=ok$')" 22
is "the manifest names the run of 2023-05" "$(prev_of "$OUTR/2023-06/manifest.json" | cut -d' ' -f1)" "2023-05"
# A check's previous publication is verified too: one byte of its quality report changed.
OUTK2=$TAP_TMP/outk2
run check 2023-05 "$OUTK2"
sed -i '2s/,ok,/,OK,/' "$OUTK2/2023-05/qualite_2023-05.csv"
run check 2023-06 "$OUTK2"
ok_if "spie check: a tampered quality report of 2023-05 is not used, and stderr says why" \
    grep -q "$OUTK2/2023-05 : manifeste non conforme (qualite_2023-05.csv : empreinte SHA-256 différente de celle du manifeste), non utilisée" "$TAP_TMP/err"
is "and continuite is sans_reference" "$(qcol "$OUTK2/2023-06/qualite_2023-06.csv" 29/etapes 28)" "sans_reference"
# spie run does not compare with a check.
mkdir -p "$TAP_TMP/outkr" && cp -r "$OUTK/2023-05" "$TAP_TMP/outkr/"
run run 2023-06 "$TAP_TMP/outkr"
ok_if "spie run after a check only: the check is not used, and stderr says why" \
    grep -q "$TAP_TMP/outkr/2023-05 : publication de spie check (spie run ne compare qu'avec une publication de spie run), non utilisée" "$TAP_TMP/err"
ok_if "no evolution file" test ! -e "$TAP_TMP/outkr/2023-06/evolution_2023-06.csv"

done_testing
