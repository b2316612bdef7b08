#!/bin/bash
# The batch the programme office can trust (docs/sorties.md §1-§3): manifest.json (every file
# read and written, with its SHA-256, every parameter), reruns byte-identical, atomic
# publication (a kill after N files or at a random moment, a read-only or full output
# file system: the previous result stays whole, no partial file, exit 3), spie verify
# (a changed byte in an output or an input is found and named; --recompute), the
# configuration file (errors exit 2 with file:line and write nothing), the reject alert
# rate, and the progress line (on a terminal only).
. "$(dirname "$0")/lib/tap.sh"

P=2023-06
TERR=$SRCDIR/samples/demo/territoires.csv
INBOX=$TAP_TMP/inbox
mkdir -p "$INBOX"
cp "$SRCDIR"/samples/demo/inbox/* "$INBOX"/

run() { # out [options...]  -> exit status in $st, stderr in $TAP_TMP/stderr
    local out=$1
    shift
    "${BIN:-$SPIE}" run --period "$P" --inbox "$INBOX" --territories "$TERR" --out "$out" --quiet "$@" 2>"$TAP_TMP/stderr"
    st=$?
}
# snapshot DIR: "sha256  name" of every entry of DIR (hidden ones too), or "none".
snapshot() {
    if [ -d "$1" ]; then (cd "$1" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort | while read -r f; do
        if [ -f "$f" ]; then sha256sum "$f"; else echo "not-a-file $f"; fi
    done); else echo none; fi
}
staging_left() { # out -> the staging folders left in out
    find "$1" -mindepth 1 -maxdepth 1 -name '.*.partiel' | wc -l
}

# ---- manifest ---------------------------------------------------------------------------
OUT=$TAP_TMP/pub
run "$OUT"
is "spie run on the demo inbox: exit 1 (late and missing territories)" "$st" 1
ok_if "manifest.json is written" test -s "$OUT/$P/manifest.json"
is "no staging folder left after a run" "$(staging_left "$OUT")" 0

python3 - "$OUT/$P" "$INBOX" "$TAP_TMP" >"$TAP_TMP/mcheck" 2>&1 <<'EOF'
import hashlib, json, os, sys
d, inbox, tmp = sys.argv[1:4]
text = open(os.path.join(d, 'manifest.json'), encoding='utf-8').read()
m = json.loads(text)
def sha(p):
    return hashlib.sha256(open(p, 'rb').read()).hexdigest()
problems = []
want = ['commande', 'date_reference', 'diffusion', 'ecartes', 'entrees', 'moteur', 'parametres', 'periode',
        'precedente', 'secret_applique', 'sorties', 'territoires']
if sorted(m) != want: problems.append('keys %r' % sorted(m))
if m['precedente'] is not None: problems.append('precedente %r in a fresh folder' % m['precedente'])
if m['periode'] != '2023-06' or m['date_reference'] != '2023-06-30': problems.append('period')
if m['moteur']['nom'] != 'spie' or not m['moteur']['version']: problems.append('engine')
if m['secret_applique'] is not True: problems.append('secret')
files = sorted(f for f in os.listdir(d) if f != 'manifest.json')
if [o['fichier'] for o in m['sorties']] != files: problems.append('outputs %r' % files)
for o in m['sorties']:
    p = os.path.join(d, o['fichier'])
    if o['sha256'] != sha(p) or o['taille'] != os.path.getsize(p): problems.append('output ' + o['fichier'])
used = set()
for e in m['entrees']:
    if e['fichier'] is None:
        if e['statut'] != 'manquant': problems.append('missing entry')
        continue
    used.add(e['fichier'])
    p = os.path.join(inbox, e['fichier'])
    if e['sha256'] != sha(p) or e['taille'] != os.path.getsize(p): problems.append('input ' + e['fichier'])
    if e['lignes_acceptees'] + e['lignes_rejetees'] != e['lignes_lues']: problems.append('counts ' + e['fichier'])
    for k in ('departement', 'type', 'mois', 'statut', 'lignes_vides'):
        if e[k] is None: problems.append(k)
others = [o['fichier'] for o in m['ecartes']]
if sorted(used | set(others)) != sorted(os.listdir(inbox)): problems.append('inbox not fully described')
if any(not o['motif'] for o in m['ecartes']): problems.append('reason')
pa = m['parametres']
if pa['enveloppe']['montant_centimes'] != 8000000000 or pa['reprise']['horizons'] != [3, 6, 12] \
   or pa['intervalles']['niveau'] != 0.95 or pa['secret']['seuil'] != 5 or pa['projection']['mois'] != 12 \
   or pa['rejets']['taux_alerte'] != 0.05 or pa['continuite']['baisse_max'] != 0.01 or len(pa['delais']) != 6:
    problems.append('parameters %r' % pa)
if tmp in text or '"/' in text: problems.append('an absolute path')
print('ok' if not problems else '; '.join(problems))
EOF
is "the manifest describes every input, every output, every parameter (docs/sorties.md §3)" "$(cat "$TAP_TMP/mcheck")" ok

# ---- reruns -------------------------------------------------------------------------------
run "$TAP_TMP/out2" --jobs 1
ok_if "a rerun elsewhere (--jobs 1) is byte-identical, manifest.json included" diff -r "$OUT/$P" "$TAP_TMP/out2/$P"
BEFORE=$(snapshot "$OUT/$P")
run "$OUT" --jobs 4
is "a rerun in place is byte-identical" "$(snapshot "$OUT/$P")" "$BEFORE"

# ---- configuration ------------------------------------------------------------------------
CONF=$TAP_TMP/conf
mkdir -p "$CONF"
printf '[secret]\nseuil = 7\n\n[intervalles]\nniveau = 90 %%\n' >"$CONF/ok.ini"
run "$TAP_TMP/outc" --config "$CONF/ok.ini"
is "a valid configuration is accepted" "$st" 1
is "the manifest records the parameters of the configuration" \
    "$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["parametres"]; print(p["secret"]["seuil"], p["intervalles"]["niveau"])' "$TAP_TMP/outc/$P/manifest.json")" \
    "7 0.9"
config_error() { # description file-content expected-line expected-key
    printf "$2" >"$CONF/bad.ini"
    run "$TAP_TMP/outbad" --config "$CONF/bad.ini"
    is "$1: exit 2" "$st" 2
    ok_if "$1: the message names file:line and the key" grep -q "bad.ini:$3: .*$4" "$TAP_TMP/stderr"
    is "$1: nothing written" "$(ls -A "$TAP_TMP/outbad" 2>/dev/null | wc -l)" 0
}
config_error "unknown key" '[secret]\nseuil = 5\nsueil = 6\n' 3 'sueil'
config_error "bad value" '[projection]\n\nmois = douze\n' 3 'mois'
config_error "unknown section" '[secrets]\nseuil = 5\n' 1 'secrets'
config_error "incomplete delay pair" '[delai.D_NEW]\nde = ENTREE\ncible = 10\n' 1 'D_NEW'
rm -f "$CONF/absent.ini"
run "$TAP_TMP/outbad" --config "$CONF/absent.ini"
is "a missing configuration file: exit 2" "$st" 2
is "a missing configuration file: nothing written" "$(ls -A "$TAP_TMP/outbad" 2>/dev/null | wc -l)" 0

run "$TAP_TMP/outex" --config "$SRCDIR/samples/spie.ini.exemple"
is "the example configuration is accepted" "$st" 1
ok_if "the example configuration (every default written out) changes nothing" diff -r "$OUT/$P" "$TAP_TMP/outex/$P"

run "$TAP_TMP/outns" --no-secret
is "--no-secret is recorded in the manifest" \
    "$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["secret_applique"], m["diffusion"])' "$TAP_TMP/outns/$P/manifest.json")" \
    "False restreinte"

# ---- kill after N files: the previous result stays whole -----------------------------------
# The test hooks are in a binary of their own (build/spie-hooks, cli/hooks.c): the
# production one ignores the variables.
SPIE_TEST_STOP_AFTER_FILES=1 "$SPIE" run --period "$P" --inbox "$INBOX" --territories "$TERR" \
    --out "$TAP_TMP/outprod" --quiet 2>/dev/null
is "the production binary has no test hook (SPIE_TEST_STOP_AFTER_FILES ignored)" "$?" 1
# The killed runs use other parameters, so that a file of theirs would show in the snapshot.
printf '[secret]\nseuil = 9\n' >"$CONF/k9.ini"
run "$TAP_TMP/outk9" --config "$CONF/k9.ini"
NEW=$(snapshot "$TAP_TMP/outk9/$P")
OLD=$(snapshot "$OUT/$P")
ok_if "the runs of the kill tests differ from the published result" test "$NEW" != "$OLD"
for n in 1 2 3 4; do
    # (in a subshell whose standard error is closed: bash reports the kill there)
    (SPIE_TEST_STOP_AFTER_FILES=$n "$SPIE_HOOKS" run --period "$P" --inbox "$INBOX" --territories "$TERR" --out "$OUT" \
        --quiet --config "$CONF/k9.ini"; exit $?) 2>/dev/null
    st=$?
    is "killed after $n file(s): killed (137)" "$st" 137
    is "killed after $n file(s): the previous result is intact, no partial file" "$(snapshot "$OUT/$P")" "$OLD"
done
is "a killed run leaves its staging folder (hidden, beside the result)" "$(staging_left "$OUT")" 1
run "$OUT" --config "$CONF/k9.ini"
is "the next run publishes its result" "$(snapshot "$OUT/$P")" "$NEW"
is "the next run removes the staging folder left by the killed one" "$(staging_left "$OUT")" 0
# A staging folder holding the previous result (a kill between the swap and its removal).
cp -r "$OUT/$P" "$OUT/.$P.partiel"
run "$OUT"
is "a leftover staging folder from after a swap is removed too" "$(staging_left "$OUT")" 0
is "and the result is the new one" "$(snapshot "$OUT/$P")" "$OLD"

# The workbooks are written by two processes with --jobs 2: a failure of the forked one is
# reported by the run (exit 3, the file named: the forked one writes the national workbook
# first), and nothing is published.
BEFORE=$(snapshot "$OUT/$P")
SPIE_TEST_WORKBOOK_CHILD_FAILS=1 BIN=$SPIE_HOOKS run "$OUT" --jobs 2 --config "$CONF/k9.ini"
is "the second workbook writer fails: exit 3" "$st" 3
ok_if "the error names the workbook it could not write" grep -q 'SPIE_2023-06_national\.xlsx' "$TAP_TMP/stderr"
is "the second workbook writer fails: the previous result is intact" "$(snapshot "$OUT/$P")" "$BEFORE"
SPIE_TEST_WORKBOOK_CHILD_FAILS=1 BIN=$SPIE_HOOKS run "$TAP_TMP/outj1" --jobs 1
is "with --jobs 1 there is no second writer: the run ends as usual (exit 1)" "$st" 1
run "$TAP_TMP/outj2" --jobs 2
is "--jobs 2 and --jobs 1 write the same workbooks, byte for byte" \
    "$(cd "$TAP_TMP/outj2/$P" && sha256sum ./*.xlsx)" "$(cd "$TAP_TMP/outj1/$P" && sha256sum ./*.xlsx)"

# kill -9 at random moments: the folder is always one whole result, the old or the new.
A=$(snapshot "$OUT/$P") # the default parameters (seuil = 5)
B=$(snapshot "$TAP_TMP/outk9/$P")
printf '[secret]\nseuil = 5\n' >"$CONF/k5.ini"
for delay in 0.01 0.03 0.05 0.08 0.12 0.2; do
    if [ "$(snapshot "$OUT/$P")" = "$A" ]; then conf=$CONF/k9.ini; else conf=$CONF/k5.ini; fi
    (timeout -s KILL "$delay" "$SPIE" run --period "$P" --inbox "$INBOX" --territories "$TERR" --out "$OUT" \
        --quiet --config "$conf"; exit $?) 2>/dev/null
    now=$(snapshot "$OUT/$P")
    if [ "$now" = "$A" ] || [ "$now" = "$B" ]; then whole=ok; else whole=mixed; fi
    is "kill -9 after ${delay}s: the period folder is one whole result" "$whole" ok
done

# ---- outputs that cannot be written: exit 3, the previous result intact -------------------
: >"$TAP_TMP/a-file"
run "$TAP_TMP/a-file/out"
is "--out under a regular file: exit 3" "$st" 3
ok_if "--out under a regular file: the message says why" grep -q "Not a directory\|n'est pas un dossier" "$TAP_TMP/stderr"

run "$OUT" # back to the default parameters
OLD=$(snapshot "$OUT/$P")
NS=$(command -v unshare || true)
if [ -n "$NS" ] && unshare -m true 2>/dev/null; then
    # A read-only mount of the output folder (root ignores permissions, not a read-only mount).
    unshare -m bash -c '{ mount --bind "$1" "$1" && mount -o remount,bind,ro "$1"; } 2>/dev/null || exit 90
        "$2" run --period "$3" --inbox "$4" --territories "$5" --out "$1" --quiet --config "$6"' \
        _ "$OUT" "$SPIE" "$P" "$INBOX" "$TERR" "$CONF/k9.ini" 2>"$TAP_TMP/stderr"
    rost=$?
    if [ "$rost" = 90 ]; then
        echo "ok $((TAP_N + 1)) # SKIP cannot make a read-only bind mount here"
        TAP_N=$((TAP_N + 1))
    else
        is "a read-only output file system: exit 3" "$rost" 3
        ok_if "a read-only output file system: the message says why" grep -q "Read-only file system" "$TAP_TMP/stderr"
        is "a read-only output file system: the previous result is intact" "$(snapshot "$OUT/$P")" "$OLD"
    fi

    # A full file system: a tmpfs that holds one result and a half.
    FS=$TAP_TMP/fs
    mkdir -p "$FS"
    unshare -m bash -c '
        fs=$1; spie=$2; shift 2
        mount -t tmpfs -o size=64m tmpfs "$fs" || exit 90
        "$spie" run --out "$fs/out" "$@" --quiet 2>/dev/null
        used=$(df -k --output=used "$fs" | tail -n 1)
        umount "$fs" || exit 91
        size=$(( used * 3 / 2 + 8 ))
        mount -t tmpfs -o size=${size}k tmpfs "$fs" || exit 92
        "$spie" run --out "$fs/out" "$@" --quiet 2>/dev/null
        echo "first=$?" >"$fs.res"
        (cd "$fs/out/2023-06" && sha256sum * | LC_ALL=C sort) >"$fs.before"
        "$spie" run --out "$fs/out" "$@" --quiet --no-secret 2>"$fs.err"
        echo "second=$?" >>"$fs.res"
        (cd "$fs/out/2023-06" && sha256sum * | LC_ALL=C sort) >"$fs.after"
        find "$fs/out" -mindepth 1 -maxdepth 1 -name ".*.partiel" | wc -l >"$fs.staging"
        ' _ "$FS" "$SPIE" --period "$P" --inbox "$INBOX" --territories "$TERR"
    fsst=$?
    if [ "$fsst" -ge 90 ]; then
        echo "ok $((TAP_N + 1)) # SKIP cannot mount a tmpfs here (status $fsst)"
        TAP_N=$((TAP_N + 1))
    else
        is "full file system: the first run fits" "$(head -n 1 "$FS.res")" "first=1"
        is "full file system: the second run exits 3" "$(tail -n 1 "$FS.res")" "second=3"
        ok_if "full file system: the message says the device is full" grep -q "No space left on device" "$FS.err"
        ok_if "full file system: the previous result is intact" diff "$FS.before" "$FS.after"
        is "full file system: no staging folder left" "$(cat "$FS.staging")" 0
    fi
else
    echo "ok $((TAP_N + 1)) # SKIP no mount namespace (unshare -m): read-only and full file systems not tested"
    TAP_N=$((TAP_N + 1))
fi

# ---- spie verify --------------------------------------------------------------------------
"$SPIE" verify "$OUT/$P" --quiet 2>"$TAP_TMP/stderr"
is "verify: a fresh result is conforming" "$?" 0
"$SPIE" verify "$OUT/$P" --inbox "$INBOX" --quiet 2>"$TAP_TMP/stderr"
is "verify --inbox: the inputs are conforming" "$?" 0
"$SPIE" verify "$OUT/$P" --inbox "$INBOX" --recompute --territories "$TERR" --quiet 2>"$TAP_TMP/stderr"
is "verify --recompute: every output byte-identical" "$?" 0
"$SPIE" verify "$TAP_TMP/outc/$P" --inbox "$INBOX" --recompute --territories "$TERR" --quiet 2>"$TAP_TMP/stderr"
is "verify --recompute uses the parameters of the manifest (a run with --config)" "$?" 0
"$SPIE" verify "$TAP_TMP/outns/$P" --inbox "$INBOX" --recompute --territories "$TERR" --quiet 2>"$TAP_TMP/stderr"
is "verify --recompute of a --no-secret run" "$?" 0
"$SPIE" verify "$OUT/$P" --inbox "$INBOX" --recompute 2>"$TAP_TMP/stderr"
is "verify --recompute without the territories file the run used: exit 2" "$?" 2

V=$TAP_TMP/verify
cp -r "$OUT/$P" "$V"
printf 'X' | dd of="$V/qualite_$P.csv" bs=1 seek=10 conv=notrunc status=none
"$SPIE" verify "$V" 2>"$TAP_TMP/stderr"
is "verify: one changed byte in an output: exit 1" "$?" 1
ok_if "verify: the changed output is named" grep -q "qualite_$P.csv : empreinte SHA-256" "$TAP_TMP/stderr"
"$SPIE" verify "$V" --inbox "$INBOX" --recompute --territories "$TERR" --quiet 2>"$TAP_TMP/stderr"
is "verify --recompute: the changed output differs from the recomputation" "$?" 1
ok_if "verify --recompute names it" grep -q "qualite_$P.csv : diffère du recalcul" "$TAP_TMP/stderr"
rm -rf "$V"
cp -r "$OUT/$P" "$V"
echo x >"$V/en_trop.csv"
"$SPIE" verify "$V" 2>"$TAP_TMP/stderr"
is "verify: a file the manifest does not list: exit 1" "$?" 1
ok_if "verify: the extra file is named" grep -q "en_trop.csv" "$TAP_TMP/stderr"

F=spie_31_2023-06_etapes.csv.gz
cp "$INBOX/$F" "$TAP_TMP/saved.gz"
printf '\001' | dd of="$INBOX/$F" bs=1 seek=100 conv=notrunc status=none
"$SPIE" verify "$OUT/$P" --inbox "$INBOX" 2>"$TAP_TMP/stderr"
is "verify --inbox: one changed byte in an input: exit 1" "$?" 1
ok_if "verify --inbox: the changed input is named" grep -q "$F : empreinte SHA-256" "$TAP_TMP/stderr"
cp "$TAP_TMP/saved.gz" "$INBOX/$F"

"$SPIE" verify "$TAP_TMP/nowhere" 2>/dev/null
is "verify: a folder that does not exist: exit 2" "$?" 2
"$SPIE" verify "$OUT/$P" --recompute 2>/dev/null
is "verify --recompute without --inbox: exit 2" "$?" 2
"$SPIE" verify "$INBOX" 2>"$TAP_TMP/stderr"
is "verify: a folder without manifest: exit 1" "$?" 1

# spie check publishes a manifest too.
"$SPIE" check --period "$P" --inbox "$INBOX" --territories "$TERR" --out "$TAP_TMP/chk" --quiet 2>/dev/null
is "spie check writes a manifest (commande check)" \
    "$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["commande"], len(m["sorties"]))' "$TAP_TMP/chk/$P/manifest.json")" \
    "check 2"
"$SPIE" verify "$TAP_TMP/chk/$P" --inbox "$INBOX" --recompute --territories "$TERR" --quiet 2>/dev/null
is "verify --recompute of a spie check result" "$?" 0

# ---- the reject alert rate ------------------------------------------------------------------
RI=$TAP_TMP/run-inbox
mkdir -p "$RI"
cp "$SRCDIR"/tests/data/run/inbox/*.csv "$RI"/
RT=$SRCDIR/tests/data/run/territoires.csv
"$SPIE" run --period 2022-06 --inbox "$RI" --territories "$RT" --out "$TAP_TMP/ra" --quiet 2>/dev/null
is "the hand-built inbox: exit 0" "$?" 0
echo "2022-04,ETAT" >>"$RI/spie_31_2022-06_budget.csv" # 1 row rejected out of 3
"$SPIE" run --period 2022-06 --inbox "$RI" --territories "$RT" --out "$TAP_TMP/ra" --quiet 2>"$TAP_TMP/stderr"
is "a file with 1/3 of its rows rejected (alert rate 5 %): exit 1" "$?" 1
ok_if "the message names the file and the rate" grep -q "spie_31_2022-06_budget.csv: 1 lignes rejetées sur 3 lues.*seuil d'alerte" "$TAP_TMP/stderr"
printf '[rejets]\ntaux_alerte = 0.5\n' >"$CONF/alert.ini"
"$SPIE" run --period 2022-06 --inbox "$RI" --territories "$RT" --out "$TAP_TMP/ra" --quiet --config "$CONF/alert.ini" 2>/dev/null
is "the same with taux_alerte = 0.5: exit 0" "$?" 0

# ---- progress and log -----------------------------------------------------------------------
"$SPIE" run --period "$P" --inbox "$INBOX" --territories "$TERR" --out "$TAP_TMP/pl" 2>"$TAP_TMP/stderr"
ok_if "one log line per territory, with its time" grep -q "^spie run: territoire 31 lu en [0-9.]* s" "$TAP_TMP/stderr"
ok_if "no progress line when standard error is not a terminal" sh -c "! grep -q \$(printf '\\r') '$TAP_TMP/stderr'"
if script -qec true /dev/null >/dev/null 2>&1; then
    script -qec "'$SPIE' run --period $P --inbox '$INBOX' --territories '$TERR' --out '$TAP_TMP/pt'" /dev/null \
        >"$TAP_TMP/tty" 2>&1
    ok_if "on a terminal: a progress line (territories, MB read, rate)" \
        grep -aq "territoires 8/8, [0-9.]* Mo lus, [0-9.]* Mo/s" "$TAP_TMP/tty"
    script -qec "'$SPIE' run --period $P --inbox '$INBOX' --territories '$TERR' --out '$TAP_TMP/pt' --quiet" /dev/null \
        >"$TAP_TMP/tty" 2>&1
    ok_if "on a terminal with --quiet: no progress line" sh -c "! grep -aq 'territoires [0-9]*/' '$TAP_TMP/tty'"
else
    echo "ok $((TAP_N + 1)) # SKIP script(1) cannot give a terminal here"
    TAP_N=$((TAP_N + 1))
fi

done_testing
