#!/usr/bin/env bash
# The house rules of the README ("Layout and dependency rules"), checked on the compiled
# objects of $TESTBUILD (TAP, run by make test):
#   1. an object of a folder references only symbols defined in the folders it may use
#      (engine/core uses nothing; engine/read: core; engine/fold: read, core; ...; cli/
#      anything): so engine/ never calls reports/, pipeline/ or cli/;
#   2. library code (every folder but cli/) never calls printf, exit, abort, getenv and
#      their kin; the forked workbook writer of pipeline/workbooks.c alone ends with _exit.
# Symbols, not #include lines: a call through a header that happens to be reachable is
# still caught.
set -u
: "${TESTBUILD:?TESTBUILD must point to the build folder (run through make test)}"
SPIE=${SPIE:-unused}
. "$(dirname "$0")/../e2e/lib/tap.sh"
B=$TESTBUILD

# What each folder may reference, besides itself and the system libraries.
declare -A ALLOWED=(
    [engine/core]=""
    [engine/read]="engine/core"
    [engine/fold]="engine/read engine/core"
    [engine/figures]="engine/fold engine/read engine/core"
    [engine/publish]="engine/read engine/core"
    [reports]="engine/figures engine/fold engine/read engine/core"
    [reports/workbook]="reports engine/figures engine/fold engine/read engine/core"
    [pipeline]="reports reports/workbook engine/publish engine/figures engine/fold engine/read engine/core"
    [samples]="engine/core"
    [cli]="pipeline samples reports reports/workbook engine/publish engine/figures engine/fold engine/read engine/core"
)
FORBIDDEN='^(printf|vprintf|fprintf|vfprintf|dprintf|puts|putchar|perror|exit|quick_exit|abort|getenv|secure_getenv|setlocale|stdout|stderr|__assert_fail|__printf_chk|__fprintf_chk|__vfprintf_chk)$'

objects() { find "$B/engine" "$B/reports" "$B/pipeline" "$B/samples" "$B/cli" -name '*.o' 2>/dev/null | sort; }
folder_of() { local m=${1#"$B"/}; echo "${m%/*}"; }

declare -A DEF
n_obj=0
for o in $(objects); do
    n_obj=$((n_obj + 1))
    f=$(folder_of "$o")
    while read -r s; do DEF[$s]=$f; done < <(nm --defined-only "$o" | awk '$2 ~ /^[TDBRC]$/ { print $3 }')
done
ok_if "the objects of every folder are there ($n_obj)" test "$n_obj" -gt 30

bad_layer=""
bad_call=""
for o in $(objects); do
    f=$(folder_of "$o")
    [ -n "${ALLOWED[$f]+x}" ] || { bad_layer+="$o: folder $f has no rule"$'\n'; continue; }
    for s in $(nm -u "$o" | awk '{ print $2 }'); do
        t=${DEF[$s]:-}
        if [ -n "$t" ] && [ "$t" != "$f" ] && [[ " ${ALLOWED[$f]} " != *" $t "* ]]; then
            bad_layer+="$o -> $s (defined in $t/)"$'\n'
        fi
        if [ "$f" != cli ] && [[ $s =~ $FORBIDDEN ]]; then
            bad_call+="$o calls $s"$'\n'
        fi
        if [ "$s" = _exit ] && [ "${o#"$B"/}" != pipeline/workbooks.o ]; then
            bad_call+="$o calls _exit"$'\n'
        fi
    done
done
is "every object references only the folders it may use" "$bad_layer" ""
is "library code never prints, exits, aborts or reads the environment" "$bad_call" ""
done_testing
