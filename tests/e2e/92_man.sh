#!/usr/bin/env bash
# The manual pages of man/ (README "Installing on a server"): each one lints clean with
# groff (-ww: every warning) and mandoc -T lint (style messages included), and says the
# same options as --help: the long options that start an item of `spie <cmd> --help`'s
# option list are exactly the ones that start an item of the page's OPTIONS section, and
# every long option the help names anywhere appears in the page.
. "$(dirname "$0")/lib/tap.sh"

MAN=$SRCDIR/man

# The long options that start an item of the help's option list (lines "  --opt ..." or
# "  -h, --help ..."), sorted, one per line.
help_items() {
    sed -n -E 's/^ {2}(-[a-zA-Z], )?(--[a-z][a-z-]*).*/\2/p' | sort -u
}
# Every long option the text names.
all_options() {
    grep -o -E -- '--[a-z][a-z-]*' | sort -u
}
# The long options that start an item (.TP tag) of the page's OPTIONS section.
man_items() { # page
    awk '/^\.SH /{sec=$2; tag=0; next} sec=="OPTIONS" && tag {print; tag=0; next} /^\.TP/{tag=1}' "$1" |
        sed 's/\\-/-/g' | grep -o -E -- '(^|[ "])--[a-z][a-z-]*' | sed 's/^[ "]//' | sort -u
}

for tool in groff mandoc; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "# $tool is missing: make deps installs it (Makefile DEBIAN_PACKAGES)"
    fi
done

for page in spie spie-run spie-check spie-verify spie-sample; do
    f=$MAN/$page.1
    ok_if "$page.1 exists" test -f "$f"
    [ -f "$f" ] || continue
    out=$(groff -ww -z -man "$f" 2>&1)
    is "$page.1: groff -ww -z -man says nothing" "$out" ""
    out=$(groff -k -ww -z -man "$f" 2>&1)
    is "$page.1: groff -k (UTF-8 through preconv) -ww -z -man says nothing" "$out" ""
    out=$(mandoc -T lint "$f" 2>&1)
    is "$page.1: mandoc -T lint says nothing" "$out" ""

    cmd=${page#spie}
    cmd=${cmd#-}
    name="spie${cmd:+ $cmd}"
    # shellcheck disable=SC2086
    "$SPIE" $cmd --help >"$TAP_TMP/help" 2>&1
    is "$name --help exits 0" "$?" 0
    help=$(help_items <"$TAP_TMP/help")
    ok_if "$name --help lists options" test -n "$help"
    is "$name: the options of --help are the OPTIONS items of $page.1" "$(man_items "$f")" "$help"
    missing=""
    for o in $(all_options <"$TAP_TMP/help"); do
        sed 's/\\-/-/g' "$f" | grep -q -e "$o\([^a-z-]\|$\)" || missing="$missing $o"
    done
    is "$name: every option --help names is in $page.1" "$missing" ""
done

# The pages name each other and the commands they document.
for page in spie-run spie-check spie-verify spie-sample; do
    ok_if "spie.1 refers to $page(1)" grep -q "^\.BR ${page//-/\\\\-} (1)" "$MAN/spie.1"
done
done_testing
