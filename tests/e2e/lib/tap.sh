# A tiny TAP producer for the end-to-end tests (sourced by tests/e2e/*.sh).
#   ok_if "description" command...     runs the command; ok when it exits 0
#   is "description" got expected      string equality
#   help_lists COMMAND OPTION          ok when `spie COMMAND --help` names OPTION
#   done_testing                       prints the plan, exits 1 if anything failed
# $SPIE is the binary under test (set by make); $TESTBUILD the build folder.
set -u
: "${SPIE:?SPIE must point to the spie binary (run through make test)}"
TAP_N=0
TAP_FAILED=0
TAP_TMP=$(mktemp -d "${TMPDIR:-/tmp}/spie-e2e-XXXXXX")
trap 'rm -rf "$TAP_TMP"' EXIT
SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)

tap_result() { # ok? description
    TAP_N=$((TAP_N + 1))
    if [ "$1" = 0 ]; then
        echo "ok $TAP_N - $2"
    else
        echo "not ok $TAP_N - $2"
        TAP_FAILED=$((TAP_FAILED + 1))
    fi
}

ok_if() {
    local desc=$1
    shift
    if "$@" >"$TAP_TMP/out" 2>&1; then
        tap_result 0 "$desc"
    else
        tap_result 1 "$desc"
        sed 's/^/# /' "$TAP_TMP/out" | head -n 20
    fi
}

is() {
    if [ "$2" = "$3" ]; then
        tap_result 0 "$1"
    else
        tap_result 1 "$1"
        printf '#   got:      %s\n#   expected: %s\n' "$2" "$3" | head -n 40
    fi
}

# An option a test relies on is checked here, as a test of its own: when it disappears from
# --help the test fails, it does not quietly check less.
help_has() { # command option
    "$SPIE" "$1" --help 2>&1 | grep -qw -- "$2"
}
help_lists() { # command option
    ok_if "spie $1 --help lists $2" help_has "$1" "$2"
}

done_testing() {
    echo "1..$TAP_N"
    [ "$TAP_FAILED" = 0 ]
}
