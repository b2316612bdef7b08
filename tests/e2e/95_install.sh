#!/usr/bin/env bash
# make install and make uninstall (README "Installing on a server"): installed into a
# temporary DESTDIR with PREFIX=/usr, every file lands in its place with its mode and
# nothing is written outside DESTDIR; the installed binary, run from a scratch folder on
# a copy of the installed demo inbox (no path into the source tree), gives the same bytes
# as the build's binary; the installed wrapper spie-mensuel runs the previous month; the
# systemd units pass systemd-analyze verify (skipped where it is absent); make uninstall
# leaves no file.
. "$(dirname "$0")/lib/tap.sh"

skip() { # description
    TAP_N=$((TAP_N + 1))
    echo "ok $TAP_N # SKIP $1"
}
# make on the source tree, with the build folder under test; the MAKEFLAGS of the make
# that runs this test (jobserver, make asan's variables) are not passed on.
mk() {
    env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make --no-print-directory -s -C "$SRCDIR" BUILD="$TESTBUILD" "$@"
}
# Modification time (or "absent") of the host paths an install with PREFIX=/usr writes.
HOST_PATHS="/usr/bin/spie /usr/share/spie /usr/share/doc/spie /usr/lib/spie /usr/share/man/man1/spie.1
/usr/share/man/man1/spie-run.1 /usr/lib/systemd/system/spie-mensuel.service /usr/lib/sysusers.d/spie.conf
/usr/lib/tmpfiles.d/spie.conf"
host_state() {
    for p in $HOST_PATHS; do
        stat -c "%n %Y" "$p" 2>/dev/null || echo "$p absent"
    done
}

D=$TAP_TMP/dest
before=$(host_state)
ok_if "make install PREFIX=/usr DESTDIR=..." mk install PREFIX=/usr DESTDIR="$D"
is "nothing written outside DESTDIR" "$(host_state)" "$before"

# ------------------------------------------------------------------ what lands where
expected=$(
    {
        printf '%s\n' 755:usr/bin/spie 755:usr/lib/spie/spie-mensuel \
            644:usr/share/spie/territoires-defaut.csv 644:usr/share/spie/spie.ini.exemple \
            644:usr/share/spie/spie.default \
            644:usr/share/spie/demo/territoires.csv 644:usr/share/spie/demo/defauts.csv \
            644:usr/share/spie/demo/fichiers.csv \
            644:usr/lib/systemd/system/spie-mensuel.service 644:usr/lib/systemd/system/spie-mensuel.timer \
            644:usr/lib/sysusers.d/spie.conf 644:usr/lib/tmpfiles.d/spie.conf \
            644:usr/share/doc/spie/README.md 644:usr/share/doc/spie/samples/README.md \
            644:usr/share/doc/spie/samples/README-territoires.md
        for m in "$SRCDIR"/man/*.1; do echo "644:usr/share/man/man1/${m##*/}"; done
        for f in "$SRCDIR"/docs/*.md; do echo "644:usr/share/doc/spie/docs/${f##*/}"; done
        for f in "$SRCDIR"/samples/demo/inbox/*; do echo "644:usr/share/spie/demo/inbox/${f##*/}"; done
    } | sort
)
got=$(cd "$D" && find . \( -type f -o -type l \) -printf '%m:%P\n' | sort)
is "the installed files and their modes" "$got" "$expected"
ok_if "the man pages of the five commands are installed" \
    test -f "$D/usr/share/man/man1/spie-verify.1" -a -f "$D/usr/share/man/man1/spie-sample.1"
ok_if "the binary is the build's" cmp "$D/usr/bin/spie" "$SPIE"
ok_if "the territories table is the shipped one" \
    cmp "$D/usr/share/spie/territoires-defaut.csv" "$SRCDIR/samples/territoires-defaut.csv"
ok_if "the demo inbox is the shipped one" diff -r "$D/usr/share/spie/demo/inbox" "$SRCDIR/samples/demo/inbox"
left=$(grep -l -E '@(BINDIR|DATADIR|DOCDIR|LIBEXECDIR|VERSION)@' -r "$D" || true)
is "no @PLACEHOLDER@ left in the installed files" "$left" ""
ok_if "spie-run.1 names the installed table" \
    grep -q '/usr/share/spie/territoires\\-defaut.csv' "$D/usr/share/man/man1/spie-run.1"
ok_if "spie.1 carries the version" grep -q "\"spie $("$SPIE" --version | cut -d' ' -f2)\"" \
    "$D/usr/share/man/man1/spie.1"
ok_if "the unit starts the installed wrapper" \
    grep -q '^ExecStart=/usr/lib/spie/spie-mensuel$' "$D/usr/lib/systemd/system/spie-mensuel.service"
ok_if "the wrapper runs the installed binary" grep -q 'SPIE_BIN:-/usr/bin/spie}' "$D/usr/lib/spie/spie-mensuel"
is "the Debian package's version (debian/changelog) is the binary's" \
    "$(sed -n '1s/^spie (\([^)]*\)).*/\1/p' "$SRCDIR/debian/changelog")" "$("$SPIE" --version | cut -d' ' -f2)"

# ------------------------------------------- the installed binary, away from the sources
BIN=$D/usr/bin/spie
SHARE=$D/usr/share/spie
W=$TAP_TMP/work
mkdir -p "$W"
cd "$W" || exit 1
cp -r "$SHARE/demo/inbox" inbox
"$BIN" --help >help 2>&1
ok_if "spie --help names the installed data folder" grep -q "dans $SHARE/ :" help
"$BIN" run --period 2023-06 --inbox inbox --territories "$SHARE/demo/territoires.csv" --out sorties \
    --quiet 2>err
is "the installed spie run on the demo: exit 1 (a late and a missing territory)" "$?" 1
ok_if "it names the late territory" grep -q 'spie_80_2023-05_etapes.csv.gz: en retard de 1 mois' err
ok_if "it names the missing territory" grep -q 'territoire 30 : 3 extraits manquants dans inbox' err
n=$(find sorties/2023-06 -name '*.xlsx' | wc -l)
is "four workbooks" "$n" 4
for f in indicateurs_2023-06.csv qualite_2023-06.csv rejets_2023-06.csv.gz manifest.json; do
    ok_if "$f written" test -s "sorties/2023-06/$f"
done
"$SPIE" run --period 2023-06 --inbox "$SRCDIR/samples/demo/inbox" --territories "$SRCDIR/samples/demo/territoires.csv" \
    --out "$TAP_TMP/ref" --quiet 2>/dev/null
ok_if "same bytes as the build's binary on the source tree's demo" diff -r sorties/2023-06 "$TAP_TMP/ref/2023-06"
"$BIN" verify sorties/2023-06 --inbox inbox --recompute --territories "$SHARE/demo/territoires.csv" --quiet 2>err
is "spie verify --recompute of it: exit 0" "$?" 0

# The built-in default table: the manifest's digest is the installed copy's.
"$BIN" check --period 2023-06 --inbox inbox --out defaut --quiet 2>/dev/null
sha=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["territoires"]; print(t["source"], t["sha256"])' \
    defaut/2023-06/manifest.json)
is "without --territories: the built-in table, the installed copy's SHA-256" "$sha" \
    "defaut $(sha256sum "$SHARE/territoires-defaut.csv" | cut -d' ' -f1)"

# ---------------------------------------------------------------- the monthly wrapper
WRAP=$D/usr/lib/spie/spie-mensuel
SPIE_BIN=$BIN SPIE_INBOX=inbox SPIE_OUT=mensuel SPIE_TERRITORIES=$SHARE/demo/territoires.csv SPIE_CONFIG='' \
    SPIE_JOBS=2 SPIE_OPTIONS="--quiet" "$WRAP" 2023-06 2>err
is "spie-mensuel 2023-06: exit 1, as spie run" "$?" 1
ok_if "spie-mensuel logs the period and the command" grep -q '^spie-mensuel: période 2023-06 : .* --quiet$' err
ok_if "spie-mensuel logs the outcome" grep -q '^spie-mensuel: période 2023-06 : code de sortie 1 (fait, avec des erreurs' err
ok_if "spie-mensuel 2023-06: the same bytes as spie run" diff -r mensuel/2023-06 sorties/2023-06
y=$(date +%Y)
m=$((10#$(date +%m) - 1))
[ "$m" = 0 ] && m=12 y=$((y - 1))
prev=$(printf '%04d-%02d' "$y" "$m")
SPIE_BIN=$BIN SPIE_INBOX=inbox SPIE_OUT=mensuel SPIE_OPTIONS=--quiet "$WRAP" 2>err
is "spie-mensuel with no argument: exit 1 (every territory is late)" "$?" 1
ok_if "spie-mensuel with no argument treats the previous month, $prev" test -f "mensuel/$prev/manifest.json"
SPIE_BIN=$BIN "$WRAP" 2023-06 2023-07 2>/dev/null
is "spie-mensuel with two arguments: exit 2" "$?" 2
SPIE_BIN=$BIN SPIE_INBOX=inbox SPIE_OUT=mensuel "$WRAP" 2023-13 2>/dev/null
is "spie-mensuel with a bad period: exit 2, as spie run" "$?" 2

# ------------------------------------------------------------------ the systemd units
# Installed under a real prefix, so that ExecStart= names an existing file.
P=$TAP_TMP/prefix
ok_if "make install PREFIX=<scratch folder>" mk install PREFIX="$P"
if command -v systemd-analyze >/dev/null 2>&1; then
    out=$(SYSTEMD_UNIT_PATH="$P/lib/systemd/system:" systemd-analyze verify --man=no \
        "$P/lib/systemd/system/spie-mensuel.service" "$P/lib/systemd/system/spie-mensuel.timer" 2>&1)
    is "systemd-analyze verify: exit 0" "$?" 0
    is "systemd-analyze verify says nothing" "$out" ""
else
    skip "systemd-analyze is absent: units not verified"
    skip "systemd-analyze is absent: units not verified"
fi
for page in $(sed -n 's/^Documentation=//p' "$P"/lib/systemd/system/spie-mensuel.*); do
    page=${page#man:}
    ok_if "Documentation=man:$page is installed" test -f "$P/share/man/man1/${page%(1)}.1"
done
unit=$P/lib/systemd/system/spie-mensuel.service
ok_if "the service runs as the user spie" grep -q '^User=spie$' "$unit"
ok_if "the service may write the output folder only" grep -q '^ReadWritePaths=/var/lib/spie/sorties$' "$unit"
ok_if "the service has ProtectSystem=strict and NoNewPrivileges=yes" \
    sh -c "grep -q '^ProtectSystem=strict$' '$unit' && grep -q '^NoNewPrivileges=yes$' '$unit'"
ok_if "the timer catches up a missed month" grep -q '^Persistent=true$' "$P/lib/systemd/system/spie-mensuel.timer"
ok_if "the default folders agree with ReadWritePaths=" \
    sh -c "grep -q '^SPIE_OUT=/var/lib/spie/sorties$' '$P/share/spie/spie.default' &&
           grep -q 'SPIE_OUT:-/var/lib/spie/sorties' '$P/lib/spie/spie-mensuel' &&
           grep -q '^d /var/lib/spie/sorties ' '$P/lib/tmpfiles.d/spie.conf'"

# ------------------------------------------------------------------------- uninstall
cd "$TAP_TMP" || exit 1
ok_if "make uninstall PREFIX=/usr DESTDIR=..." mk uninstall PREFIX=/usr DESTDIR="$D"
is "no file left in DESTDIR" "$(find "$D" \( -type f -o -type l \) -printf '%P\n')" ""
is "no folder of spie's own left" "$(cd "$D" && find . -path '*spie*')" ""
ok_if "make uninstall PREFIX=<scratch folder>" mk uninstall PREFIX="$P"
is "no file left under the scratch prefix" "$(find "$P" \( -type f -o -type l \) -printf '%P\n')" ""
is "still nothing written outside DESTDIR" "$(host_state)" "$before"
done_testing
