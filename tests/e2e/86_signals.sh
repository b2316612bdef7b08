#!/bin/bash
# A stop request at any moment of a run (the reliability issue, item 6): SIGTERM, SIGINT or
# SIGHUP at 20 random moments of a run of a few seconds. Every trial must leave in OUT/<P>
# either the previous publication, byte for byte, or the new one whole, never a mix; no
# staging folder; and end with 128 + the signal (or as usual, when the run ended first).
# Two parameter sets (secret threshold 5 and 9) give two different publications, A and B;
# each trial runs the one that is not published, so both directions are tried.
# The delay of each signal is drawn within 9/10 of the shorter of two timed runs with the same
# thread count, so that nearly every trial is interrupted whatever the speed of the machine.
. "$(dirname "$0")/lib/tap.sh"

P=2023-06
S=$TAP_TMP/sample
OUT=$TAP_TMP/pub
"$SPIE" sample --out "$S" --scale 60000 --seed 11 --until $P --history 1 >/dev/null 2>&1
ok_if "a sample of 60 000 persons" test -d "$S/inbox"
printf '[secret]\nseuil = 5\n' >"$TAP_TMP/A.ini"
printf '[secret]\nseuil = 9\n' >"$TAP_TMP/B.ini"
snap() { (cd "$1" 2>/dev/null && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort | while read -r f; do
    if [ -f "$f" ]; then sha256sum "$f"; else echo "dir $f"; fi; done) || echo none; }
run() { # folder config [jobs]  (exec: a signal to this job reaches spie itself)
    exec "$SPIE" run --period $P --inbox "$S/inbox" --territories "$S/territoires.csv" --out "$1" --quiet \
        --config "$TAP_TMP/$2.ini" --jobs "${3:-2}" 2>>"$TAP_TMP/stderr"
}
timed() { # folder config jobs: prints the milliseconds of a whole run
    local t0
    t0=$(date +%s%N)
    (run "$@") >/dev/null
    echo $(( ($(date +%s%N) - t0) / 1000000 ))
}
min() { [ "$1" -le "$2" ] && echo "$1" || echo "$2"; }
# Each thread count is timed twice and the shorter run kept: a signal is sent within 9/10
# of that, so that it lands while the run is still going unless the machine speeds up.
T2a=$(timed "$TAP_TMP/refA" A 2)
T1a=$(timed "$TAP_TMP/refB" B 1)
SNAP_A=$(snap "$TAP_TMP/refA/$P")
SNAP_B=$(snap "$TAP_TMP/refB/$P")
ok_if "the two publications differ" test "$SNAP_A" != "$SNAP_B"
T2b=$(timed "$TAP_TMP/refB2" B 2)
T1b=$(timed "$OUT" A 1)
is "the first publication is A" "$(snap "$OUT/$P")" "$SNAP_A"
is "the same publication with 2 threads" "$(snap "$TAP_TMP/refB2/$P")" "$SNAP_B"
T1=$(min "$T1a" "$T1b")
T2=$(min "$T2a" "$T2b")
echo "# a whole run takes $T1 ms with 1 thread ($T1a, $T1b), $T2 ms with 2 ($T2a, $T2b)"

published=A
signals=(TERM TERM TERM TERM TERM TERM TERM TERM TERM TERM TERM TERM TERM TERM INT INT INT HUP HUP HUP)
interrupted=0
for i in $(seq 0 19); do
    sig=${signals[$i]}
    next=$([ $published = A ] && echo B || echo A)
    jobs=$((1 + i % 2))
    T=$([ $jobs = 1 ] && echo "$T1" || echo "$T2")
    delay=$(( RANDOM % (T * 9 / 10 + 1) ))
    (run "$OUT" $next $jobs) &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -s "$sig" $pid 2>/dev/null
    wait $pid
    st=$?
    now=$(snap "$OUT/$P")
    left=$(find "$OUT" -maxdepth 1 -name '.*partiel*' | wc -l)
    case $sig in TERM) want=143 ;; INT) want=130 ;; HUP) want=129 ;; esac
    if [ "$now" = "$SNAP_A" ]; then got=A; elif [ "$now" = "$SNAP_B" ]; then got=B; else got=mixed; fi
    desc="trial $((i + 1)): SIG$sig after $delay ms (--jobs $jobs, $published published, running $next): exit $st, now $got"
    if [ "$st" = "$want" ]; then
        interrupted=$((interrupted + 1))
        ok_if "$desc: a whole publication" test "$got" != mixed
    else
        ok_if "$desc: ended before the signal (0 or 1), the new publication" test "$st" -le 1 -a "$got" = "$next"
    fi
    is "trial $((i + 1)): no staging folder left" "$left" 0
    [ "$TAP_FAILED" = 0 ] || grep -v "seuil d.alerte\|retard\|manquants" "$TAP_TMP/stderr" | sed "s/^/# /" | head -3
    : >"$TAP_TMP/stderr"
    [ "$got" != mixed ] && published=$got
done
echo "# $interrupted of 20 trials were interrupted"
ok_if "most trials were interrupted (at least 10 of 20: $interrupted)" test "$interrupted" -ge 10
done_testing
