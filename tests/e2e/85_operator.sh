#!/bin/bash
# What an operator's mistakes must not break (the reliability issue): periods out of
# range, a territories table that is a FIFO, ... Each case says the exit status and that
# nothing was written where nothing should be.
. "$(dirname "$0")/lib/tap.sh"

INBOX=$SRCDIR/samples/demo/inbox
TERR=$SRCDIR/samples/demo/territoires.csv

# --- the period: 2020-01 to 2099-12 (a typo must not allocate eight thousand years) ---
for p in 9999-12 2100-01 2019-12 0001-01; do
    OUT=$TAP_TMP/period-$p
    "$SPIE" run --period "$p" --inbox "$INBOX" --territories "$TERR" --out "$OUT" --quiet 2>"$TAP_TMP/err"
    is "--period $p: usage error (exit 2)" "$?" 2
    ok_if "--period $p: the message names the accepted range" grep -q '2020-01 et 2099-12' "$TAP_TMP/err"
    ok_if "--period $p: nothing written (no output folder)" test ! -e "$OUT"
done
"$SPIE" check --period 2100-01 --inbox "$INBOX" --territories "$TERR" --out "$TAP_TMP/chk" --quiet 2>/dev/null
is "spie check --period 2100-01: usage error (exit 2)" "$?" 2
# The edges are accepted.
"$SPIE" check --period 2099-12 --inbox "$INBOX" --territories "$TERR" --out "$TAP_TMP/edge" --quiet 2>/dev/null
is "--period 2099-12 (the last month accepted): the check runs (exit 1: the demo is late by then)" "$?" 1
# The envelope window of the configuration has the same bounds.
printf '[enveloppe]\ndebut = 0001-01\nfin = 9999-12\n' >"$TAP_TMP/window.ini"
"$SPIE" run --period 2023-06 --inbox "$INBOX" --territories "$TERR" --out "$TAP_TMP/win" --quiet \
    --config "$TAP_TMP/window.ini" 2>"$TAP_TMP/err"
is "an envelope window of 0001-01 to 9999-12: usage error (exit 2)" "$?" 2
ok_if "the message names the file, the line and the key" grep -q 'window.ini:2: \[enveloppe\] debut' "$TAP_TMP/err"
ok_if "nothing written" test ! -e "$TAP_TMP/win"

# --- a territories table that is not a regular file ---
mkfifo "$TAP_TMP/fifo.csv"
timeout 20 "$SPIE" run --period 2023-06 --inbox "$INBOX" --territories "$TAP_TMP/fifo.csv" --out "$TAP_TMP/ff" \
    --quiet 2>"$TAP_TMP/err"
is "--territories FIFO with no writer: refused at once (exit 2), no wait" "$?" 2
ok_if "the message names the FIFO and says why" grep -q "fifo.csv: n'est pas un fichier ordinaire" "$TAP_TMP/err"
ok_if "nothing written" test ! -e "$TAP_TMP/ff"

done_testing
