# Helpers to read qualite_<P>.csv in the end-to-end tests (sourced after tap.sh).

# An awk function splitting one RFC 4180 line into a[1..n] (quotes understood).
CSVAWK='
function csvsplit(s, a,    n, i, c, f, q) {
    n = 0; f = ""; q = 0
    for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (q) {
            if (c == "\"") { if (substr(s, i + 1, 1) == "\"") { f = f "\""; i++ } else q = 0 }
            else f = f c
        } else if (c == "\"") q = 1
        else if (c == ",") { a[++n] = f; f = "" }
        else f = f c
    }
    a[++n] = f
    return n
}'

# qcol FILE KEY COL: column COL (1-based) of the quality row whose fichier is KEY or, with
# KEY of the form DEPT/KIND, of that territory's row; "NOROW" when there is none.
qcol() {
    awk -v key="$2" -v col="$3" "$CSVAWK"'
        NR > 1 { csvsplit($0, a)
                 if (a[3] == key || a[1] "/" a[2] == key && a[6] != "non_retenu") { print a[col]; found = 1; exit } }
        END { if (!found) print "NOROW" }' "$1"
}

# reconciled FILE [MIN_OK]: 28 columns on every line (the reason columns 13 to 26, then
# lignes_acceptees_precedentes and continuite, docs/sorties.md §5); on every ok row, read = accepted +
# rejected and the reason columns add up to rejected; no accepted row in an unusable file;
# at least MIN_OK ok rows (default 0).
reconciled() {
    awk -v min_ok="${2:-0}" "$CSVAWK"'
        { n = csvsplit($0, a); if (n != 28) { print "line " NR ": " n " columns"; bad = 1; next } }
        NR == 1 { next }
        a[6] == "ok" {
            s = 0; for (i = 13; i <= 26; i++) s += a[i]
            if (a[8] != a[9] + a[10]) { print "line " NR ": lues " a[8] " != " a[9] " + " a[10]; bad = 1 }
            if (s != a[10]) { print "line " NR ": reasons " s " != rejetees " a[10]; bad = 1 }
            ok++ }
        a[6] == "inutilisable" && a[9] != 0 { print "line " NR ": inutilisable with acceptees " a[9]; bad = 1 }
        END { if (ok < min_ok) { print "fewer than " min_ok " ok rows"; bad = 1 }; exit bad }' "$1"
}
